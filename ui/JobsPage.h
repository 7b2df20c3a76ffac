#pragma once
// The Jobs page: every job of this session with its stage, progress bar, time left (of the
// stage) and outcome; Cancel for the selected running job; the selected job's log. Finished and
// failed jobs stay listed until "Clear Finished".

#include <QHash>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTreeWidget;
class QTreeWidgetItem;

namespace diffclip::ui {

class JobCentre;

class JobsPage : public QWidget {
    Q_OBJECT

public:
    explicit JobsPage(JobCentre* jobs, QWidget* parent = nullptr);

    /// Selects the job's row (used when a page starts a job and shows it here).
    void selectJob(int id);
    int selectedJob() const;
    QTreeWidget* list() const { return m_list; }
    QString logText() const;

public Q_SLOTS:
    void cancelSelected();

private:
    void addJob(int id);
    void updateJob(int id);
    void rebuild();
    void updateDetails();

    JobCentre* m_jobs;
    QTreeWidget* m_list = nullptr;
    QHash<int, QTreeWidgetItem*> m_items;
    QHash<int, QProgressBar*> m_bars;
    QPlainTextEdit* m_log = nullptr;
    QLabel* m_empty = nullptr;
    QLabel* m_detailTitle = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_clear = nullptr;
};

}  // namespace diffclip::ui
