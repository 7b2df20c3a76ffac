#pragma once
// The Training page's data: a folder with one subfolder per class (typed, chosen, or the open
// library's labels mirrored as such a tree by the page) and a preview of its classes exactly as
// the trainer will read them (diffclip::listClassTree: names, photo files, prompts). Listing
// walks the whole tree, so it runs on a worker thread; a newer listing supersedes an older one,
// whose late result is dropped. GUI thread only.

#include <QGroupBox>
#include <QList>
#include <QString>

class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace diffclip::ui {

class TrainingDataPanel : public QGroupBox {
    Q_OBJECT

public:
    /// One class folder of the listed tree.
    struct ClassEntry {
        QString name;
        int photos = 0;       // photo files below the folder (by extension; not decoded yet)
        QString prompt;       // prompt.txt's first non-empty line, else the default prompt
        bool customPrompt = false;
    };

    explicit TrainingDataPanel(QWidget* parent = nullptr);
    ~TrainingDataPanel() override;

    /// Shows `folder` and lists it again (also when it is the one shown).
    void setFolder(const QString& folder);
    /// The folder as typed or chosen ('/'-separated, trimmed); empty: none.
    QString folder() const;
    /// The classes of listedFolder(), sorted by name.
    const QList<ClassEntry>& classes() const { return m_classes; }
    int photoCount() const;
    /// The folder classes() belongs to; it differs from folder() until a listing ends.
    QString listedFolder() const { return m_listed; }
    /// Whether listedFolder() exists (false also when it could not be listed).
    bool listedFolderExists() const { return m_listedExists; }
    bool isListing() const { return m_listing; }
    /// Disables editing while a training runs.
    void setLocked(bool locked);
    /// Enables "Use the Library's Labels" (a library is open and no mirror runs).
    void setLibraryLabelsAvailable(bool available);

    QTableWidget* previewTable() const { return m_preview; }

public Q_SLOTS:
    /// A folder dialog, starting at the current folder.
    void chooseFolder();

Q_SIGNALS:
    void libraryLabelsRequested();
    /// A listing started (isListing() is true) or ended: classes() and listedFolder() changed.
    void listingChanged();

private:
    struct Listing;
    static Listing listTree(const QString& root);  // on a worker thread
    void list();
    void showListing(const Listing& listing);

    QLineEdit* m_folder = nullptr;
    QPushButton* m_browse = nullptr;
    QPushButton* m_libraryLabels = nullptr;
    QTableWidget* m_preview = nullptr;
    QLabel* m_note = nullptr;
    QList<ClassEntry> m_classes;
    QString m_listed;
    bool m_listedExists = false;
    bool m_listing = false;
    int m_generation = 0;  // a newer listing makes an older one's result stale
};

}  // namespace diffclip::ui
