#pragma once
// The Models page's registry part: which library it works for (and its active model), the
// versions as a table (RegistryModel), the buttons Make Active / Roll Back / Delete / Refresh,
// what an import is doing, the selected version's details and the library's embeddings per
// model. It shows what the page tells it and reports what the user asks for; the registry
// actions themselves (jobs) are the page's. GUI thread only.

#include <QList>
#include <QString>
#include <QWidget>

#include "ModelEmbeddingsTable.h"

class QLabel;
class QPushButton;
class QTableView;

namespace diffclip::ui {

class RegistryModel;

class RegistryPanel : public QWidget {
    Q_OBJECT

public:
    explicit RegistryPanel(QWidget* parent = nullptr);

    RegistryModel* model() const { return m_model; }
    /// The package path of the selected row; empty when none.
    QString selectedPath() const;
    /// Selects the row of `packagePath`; false when it is not listed.
    bool select(const QString& packagePath);
    /// Selects the first row when nothing listed is selected.
    void selectFirstIfNone();

    /// The line above the table: which library, which model is active.
    void setLibraryText(const QString& text);
    /// What an import is doing; empty hides it.
    void setImportText(const QString& text);
    /// The details of the selected version (registry root for the empty-registry hint; counts
    /// for its embeddings in the open library, shown when `libraryOpen`).
    void showDetails(const QString& registryRoot, const QList<ModelEmbeddingCount>& counts, bool libraryOpen);
    /// Which buttons work now; `rollBackTarget` empty: nothing to roll back to.
    void setActions(bool canActivate, bool canRollBack, bool canDelete, const QString& rollBackTarget);
    ModelEmbeddingsTable* embeddingsTable() const { return m_embeddings; }
    /// Asks whether to delete the version at `packagePath`, offering to delete its `embeddings`
    /// in the open library too when there are any. False when the user declines;
    /// `alsoEmbeddings` says whether that was ticked.
    bool confirmDelete(const QString& packagePath, qint64 embeddings, bool* alsoEmbeddings);

Q_SIGNALS:
    void selectionChanged();
    void activateRequested();
    void rollBackRequested();
    void deleteRequested();
    void refreshRequested();

private:
    RegistryModel* m_model = nullptr;
    QTableView* m_view = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_library = nullptr;
    QLabel* m_import = nullptr;
    ModelEmbeddingsTable* m_embeddings = nullptr;
    QPushButton* m_activate = nullptr;
    QPushButton* m_rollBack = nullptr;
    QPushButton* m_delete = nullptr;
};

}  // namespace diffclip::ui
