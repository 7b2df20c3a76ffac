#pragma once
// The Explain page's controls, in two bars that wrap into more rows when the window is narrow
// (FlowLayout): what to explain (photo, comparison, models) and how (method, query, layer,
// head, opacity, colour scale). It also keeps the choices consistent, so that nothing is
// offered that cannot work: the query methods need a query and two models, the comparison
// "A1 vs A1 − λA2" needs an attention method, the layer does not apply to "Similarity to
// query", the head not to the query methods; each disabled choice says why in its tooltip.
// The page reads the choices and connects to the widgets' own signals. GUI thread only.

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;

namespace diffclip::ui {

class ElidedLabel;
class ElidedLineEdit;

class ExplainToolbar : public QWidget {
    Q_OBJECT

public:
    // Item indices of the two choosers (ExplainPage::Mode and ::Method follow them).
    enum ModeIndex { TwoModels = 0, A1VsDifference = 1 };
    enum MethodIndex { Attention = 0, Rollout = 1, Similarity = 2, Gradient = 3 };

    explicit ExplainToolbar(QWidget* parent = nullptr);

    /// The photo's name (elided; full path in the tooltip); empty: the "choose one" prompt.
    void showPhoto(const QString& path);
    /// A model's short name and its full spec (tooltip); empty spec: none / same as A.
    void showModelA(const QString& name, const QString& spec);
    void showModelB(const QString& name, const QString& spec);
    /// The query text or photo path as typed or chosen.
    QString query() const;
    void setQuery(const QString& text);
    /// "Layer: 3 / 11", or that the layer does not apply to the method chosen.
    void updateLayerLabel();
    /// Enables and explains the choices for the current mode, method and query (see above).
    void updateChoices();
    bool queryMethod() const;

    QPushButton* photoButton() const { return m_photoButton; }
    QComboBox* mode() const { return m_mode; }
    QPushButton* modelBButton() const { return m_modelBButton; }
    QComboBox* method() const { return m_method; }
    ElidedLineEdit* queryEdit() const { return m_query; }
    QPushButton* queryButton() const { return m_queryButton; }
    QSlider* layer() const { return m_layer; }
    QComboBox* head() const { return m_head; }
    QSlider* opacity() const { return m_opacity; }
    QComboBox* scaleMode() const { return m_scaleMode; }
    ElidedLabel* photoLabel() const { return m_photoLabel; }

private:
    ElidedLabel* m_photoLabel = nullptr;
    QPushButton* m_photoButton = nullptr;
    QComboBox* m_mode = nullptr;
    ElidedLabel* m_modelALabel = nullptr;
    QPushButton* m_modelBButton = nullptr;
    ElidedLabel* m_modelBLabel = nullptr;
    QComboBox* m_method = nullptr;
    ElidedLineEdit* m_query = nullptr;
    QPushButton* m_queryButton = nullptr;
    QSlider* m_layer = nullptr;
    QLabel* m_layerLabel = nullptr;
    QComboBox* m_head = nullptr;
    QSlider* m_opacity = nullptr;
    QComboBox* m_scaleMode = nullptr;
};

}  // namespace diffclip::ui
