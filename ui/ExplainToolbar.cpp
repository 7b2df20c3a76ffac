#include "ExplainToolbar.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QStandardItemModel>
#include <QVBoxLayout>
#include <initializer_list>

#include "Controls.h"
#include "ElidedText.h"
#include "ExplainText.h"
#include "FlowLayout.h"
#include "diffclip/explain/ExplainSession.h"

namespace diffclip::ui {

namespace ex = diffclip::explain;

namespace {

// A label and its control(s) as one piece of a bar, so that wrapping never separates them.
QWidget* group(QWidget* parent, std::initializer_list<QWidget*> widgets) { return makeGroup(parent, widgets, 4); }

// Enables item `index` of `combo`; a disabled one shows `why` as its tooltip.
void allow(QComboBox* combo, int index, const QString& why) {
    auto* model = qobject_cast<QStandardItemModel*>(combo->model());
    if (!model || !model->item(index)) return;
    model->item(index)->setEnabled(why.isEmpty());
    model->item(index)->setToolTip(why);
}

}  // namespace

ExplainToolbar::ExplainToolbar(QWidget* parent) : QWidget(parent) {
    // What to explain: photo, comparison, models.
    m_photoButton = makeButton(tr("&Photo…"), tr("Choose photo"), this,
                               tr("Choose the photo to explain (or drop one on this page)"));
    m_photoLabel = new ElidedLabel(this);
    m_photoLabel->setAccessibleName(tr("Photo"));
    m_photoLabel->setPreferredWidth(fontMetrics().averageCharWidth() * 36);
    m_photoLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_mode = new QComboBox(this);
    m_mode->addItem(ExplainText::modeName(ex::CompareMode::TwoModels));
    m_mode->addItem(ExplainText::modeName(ex::CompareMode::A1VsDifference));
    m_mode->setAccessibleName(tr("Comparison"));
    m_modelALabel = new ElidedLabel(this);
    m_modelALabel->setAccessibleName(tr("Model A"));
    m_modelALabel->setPreferredWidth(fontMetrics().averageCharWidth() * 30);
    m_modelBButton = makeButton(tr("Model &B…"), tr("Choose model B"), this);
    m_modelBLabel = new ElidedLabel(this);
    m_modelBLabel->setAccessibleName(tr("Model B"));
    m_modelBLabel->setPreferredWidth(fontMetrics().averageCharWidth() * 30);

    // How: method, query, layer, head, opacity, colour scale.
    m_method = new QComboBox(this);
    for (auto m : {ex::MapMethod::Attention, ex::MapMethod::Rollout, ex::MapMethod::Similarity, ex::MapMethod::Gradient})
        m_method->addItem(ExplainText::methodName(m));
    m_method->setAccessibleName(tr("Method"));
    m_query = new ElidedLineEdit(this);
    m_query->setObjectName(QStringLiteral("queryEdit"));
    m_query->setPlaceholderText(tr("Query: words or a photo"));
    m_query->setAccessibleName(tr("Query"));
    m_query->setClearButtonEnabled(true);
    m_query->setPreferredCharacters(32);
    m_queryButton = makeButton(tr("&Query photo…"), tr("Choose query photo"), this);
    m_layer = new QSlider(Qt::Horizontal, this);
    m_layer->setRange(0, 0);
    m_layer->setAccessibleName(tr("Layer"));
    m_layer->setPageStep(1);
    m_layer->setTickPosition(QSlider::TicksBelow);
    m_layer->setFixedWidth(fontMetrics().averageCharWidth() * 14);
    m_layerLabel = makeBuddyLabel(tr("&Layer: last"), m_layer, this);
    m_layerLabel->setMinimumWidth(m_layerLabel->fontMetrics().horizontalAdvance(tr("Layer: 00 / 00")));
    m_head = new QComboBox(this);
    m_head->setAccessibleName(tr("Head"));
    m_head->addItem(tr("Mean of heads"), ex::kHeadMean);
    m_head->addItem(tr("Max of heads"), ex::kHeadMax);
    m_opacity = new QSlider(Qt::Horizontal, this);
    m_opacity->setRange(0, 100);
    m_opacity->setValue(55);
    m_opacity->setAccessibleName(tr("Map opacity"));
    m_opacity->setFixedWidth(fontMetrics().averageCharWidth() * 12);
    m_scaleMode = new QComboBox(this);
    m_scaleMode->addItem(tr("This comparison"));
    m_scaleMode->addItem(tr("Whole folder"));
    m_scaleMode->setAccessibleName(tr("Colour scale"));
    m_scaleMode->setToolTip(tr("One colour scale for both panes, or for both panes of every photo in this "
                               "photo's folder (same models and settings)"));

    auto* what = new FlowLayout;
    what->addWidget(group(this, {m_photoButton, m_photoLabel}));
    what->addWidget(group(this, {makeBuddyLabel(tr("&Compare:"), m_mode, this), m_mode}));
    what->addWidget(group(this, {new QLabel(tr("Model A:"), this), m_modelALabel}));
    what->addWidget(group(this, {m_modelBButton, m_modelBLabel}));
    auto* how = new FlowLayout;
    how->addWidget(group(this, {makeBuddyLabel(tr("&Method:"), m_method, this), m_method}));
    how->addWidget(group(this, {m_query, m_queryButton}));
    how->addWidget(group(this, {m_layerLabel, m_layer}));
    how->addWidget(group(this, {makeBuddyLabel(tr("&Head:"), m_head, this), m_head}));
    how->addWidget(group(this, {makeBuddyLabel(tr("&Opacity:"), m_opacity, this), m_opacity}));
    how->addWidget(group(this, {makeBuddyLabel(tr("&Scale:"), m_scaleMode, this), m_scaleMode}));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(what);
    layout->addLayout(how);

    showPhoto({});
    showModelA({}, {});
    showModelB({}, {});
    connect(m_query, &QLineEdit::textChanged, this, &ExplainToolbar::updateChoices);
    updateChoices();
}

void ExplainToolbar::showPhoto(const QString& path) {
    m_photoLabel->setFullText(path.isEmpty() ? tr("No photo: choose one or drop it here") : QFileInfo(path).fileName());
    m_photoLabel->setToolTip(path);
}

void ExplainToolbar::showModelA(const QString& name, const QString& spec) {
    m_modelALabel->setFullText(spec.isEmpty() ? tr("none") : name);
    m_modelALabel->setToolTip(spec);
}

void ExplainToolbar::showModelB(const QString& name, const QString& spec) {
    m_modelBLabel->setFullText(spec.isEmpty() ? tr("same as A") : name);
    m_modelBLabel->setToolTip(spec);
}

QString ExplainToolbar::query() const { return m_query->fullText().trimmed(); }

void ExplainToolbar::setQuery(const QString& text) {
    m_query->setFullText(text);
    updateChoices();
}

bool ExplainToolbar::queryMethod() const { return m_method->currentIndex() >= Similarity; }

void ExplainToolbar::updateLayerLabel() {
    if (m_method->currentIndex() == Similarity) m_layerLabel->setText(tr("&Layer: not used"));
    else if (m_layer->maximum() == 0) m_layerLabel->setText(tr("&Layer: last"));
    else m_layerLabel->setText(tr("&Layer: %1 / %2").arg(m_layer->value()).arg(m_layer->maximum()));
}

void ExplainToolbar::updateChoices() {
    const bool a1Mode = m_mode->currentIndex() == A1VsDifference;
    const bool hasQuery = !query().isEmpty();
    QString why;
    if (a1Mode)
        why = tr("“A1 vs %1” compares attention maps: choose “Model A vs model B” to use a query")
                  .arg(ExplainText::formula());
    else if (!hasQuery)
        why = tr("Needs a query: type words in the query box or choose a query photo");
    allow(m_method, Similarity, why);
    allow(m_method, Gradient, why);
    allow(m_mode, A1VsDifference,
          queryMethod() ? tr("Compares attention maps: choose the method Attention or Rollout first") : QString());

    const bool similarity = m_method->currentIndex() == Similarity;
    m_layer->setEnabled(!similarity);
    m_layer->setToolTip(similarity ? tr("Similarity to query uses the model's final tokens: the layer does not apply")
                                   : tr("The vision block the map is computed at, counted from 0"));
    m_head->setEnabled(!queryMethod());
    m_head->setToolTip(queryMethod() ? tr("The head does not apply to the query methods") : QString());
    const bool twoModels = m_mode->currentIndex() == TwoModels;
    m_modelBButton->setEnabled(twoModels);
    m_modelBLabel->setEnabled(twoModels);
    updateLayerLabel();
}

}  // namespace diffclip::ui
