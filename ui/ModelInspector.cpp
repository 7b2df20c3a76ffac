#include "ModelInspector.h"

#include <QApplication>
#include <QClipboard>
#include <QFile>
#include <QFutureWatcher>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "Controls.h"
#include "CoreCall.h"
#include "ErrorText.h"
#include "ModelListModel.h"
#include "ModelSummaryView.h"
#include "diffclip/model/ModelSummary.h"

namespace diffclip::ui {

struct ModelInspector::Outcome {
    QString path;
    bool ok = false;
    diffclip::ModelSummary summary;
    diffclip::Error error;
};

ModelInspector::ModelInspector(QWidget* parent) : QWidget(parent) {
    // Left: the models opened in this session.
    m_models = new ModelListModel(this);
    m_list = new QListView(this);
    m_list->setObjectName(QStringLiteral("openModelsList"));
    m_list->setModel(m_models);
    m_list->setAccessibleName(tr("Open models"));
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setUniformItemSizes(true);
    m_list->setTextElideMode(Qt::ElideMiddle);  // the tooltip has the full path
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    connect(m_list->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showRow(current.row()); });
    auto* del = new QShortcut(QKeySequence::Delete, m_list, nullptr, nullptr, Qt::WidgetShortcut);
    connect(del, &QShortcut::activated, this, &ModelInspector::closeCurrentModel);

    m_closeButton = makeButton(tr("Close Model"), tr("Close selected model"), this,
                               tr("Remove the selected model from this list (the file is not touched)"));
    connect(m_closeButton, &QPushButton::clicked, this, &ModelInspector::closeCurrentModel);

    QLabel* listLabel = makeBuddyLabel(tr("Open models:"), m_list, this);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(listLabel);
    leftLayout->addWidget(m_list, 1);
    leftLayout->addWidget(m_closeButton, 0, Qt::AlignLeft);

    // Right: the chosen model's summary, or a hint when nothing is open.
    auto* emptyLabel = new QLabel(tr("No model is open.\nChoose Open Model… or drop a model file or package folder "
                                     "onto this window."),
                                  this);
    emptyLabel->setObjectName(QStringLiteral("emptyStateLabel"));
    emptyLabel->setAlignment(Qt::AlignCenter);
    emptyLabel->setWordWrap(true);
    emptyLabel->setForegroundRole(QPalette::PlaceholderText);
    m_emptyState = emptyLabel;

    m_summary = new ModelSummaryView(this);
    m_copyButton = makeButton(tr("Copy Summary"), tr("Copy model summary"), this,
                              tr("Copy the whole summary as text, for a report or a support request"));
    connect(m_copyButton, &QPushButton::clicked, this, &ModelInspector::copySummary);
    m_summaryPane = new QWidget(this);
    auto* paneLayout = new QVBoxLayout(m_summaryPane);
    paneLayout->setContentsMargins(0, 0, 0, 0);
    paneLayout->addWidget(m_summary, 1);
    paneLayout->addWidget(m_copyButton, 0, Qt::AlignRight);

    m_detailStack = new QStackedWidget(this);
    m_detailStack->addWidget(m_emptyState);
    m_detailStack->addWidget(m_summaryPane);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(left);
    m_splitter->addWidget(m_detailStack);
    m_splitter->setStretchFactor(0, 1);
    m_splitter->setStretchFactor(1, 3);
    const int listWidth = fontMetrics().averageCharWidth() * 36;
    m_splitter->setSizes({listWidth, listWidth * 3});

    auto* title = new QLabel(tr("Inspect model files"), this);
    setBold(title);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(title);
    layout->addWidget(m_splitter, 1);
    showRow(-1);
}

int ModelInspector::modelCount() const { return m_models->rowCount(); }

QString ModelInspector::currentModelPath() const { return m_models->pathAt(m_list->currentIndex().row()); }

QByteArray ModelInspector::splitterState() const { return m_splitter->saveState(); }

void ModelInspector::restoreSplitterState(const QByteArray& state) {
    if (!state.isEmpty()) m_splitter->restoreState(state);
}

void ModelInspector::openModel(const QString& path) {
    if (path.isEmpty() || path == m_loadingPath || m_queue.contains(path)) return;
    m_queue.append(path);
    if (!isBusy()) startNextLoad();
    Q_EMIT loadingChanged();
}

void ModelInspector::startNextLoad() {
    if (m_queue.isEmpty()) return;
    m_loadingPath = m_queue.takeFirst();

    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        finishLoad(outcome);
    });
    const std::string spec = QFile::encodeName(m_loadingPath).toStdString();
    watcher->setFuture(QtConcurrent::run([path = m_loadingPath, spec]() -> Outcome {
        Outcome out;
        out.path = path;
        out.ok = takeResult(catchCoreErrors([&] { return diffclip::summariseModel(spec); }, spec + ": out of memory",
                                            spec + ": "),
                            out.summary, out.error);
        return out;
    }));
}

void ModelInspector::finishLoad(const Outcome& outcome) {
    m_loadingPath.clear();
    if (outcome.ok) {
        const int row = m_models->addOrReplace(outcome.path, outcome.summary);
        m_list->setCurrentIndex(m_models->index(row));
        showRow(row);  // also when the row was current already (a reload)
        Q_EMIT modelOpened(outcome.path);
    } else {
        Q_EMIT openFailed(outcome.path, ErrorText::modelOpenReason(outcome.error.code), ErrorText::details(outcome.error));
    }
    startNextLoad();
    Q_EMIT loadingChanged();
}

void ModelInspector::showRow(int row) {
    const bool has = row >= 0 && row < m_models->rowCount();
    if (has) m_summary->setSummary(m_models->pathAt(row), m_models->summaryAt(row));
    m_detailStack->setCurrentWidget(has ? m_summaryPane : m_emptyState);
    m_closeButton->setEnabled(has);
    m_copyButton->setEnabled(has);
}

void ModelInspector::closeCurrentModel() {
    const int row = m_list->currentIndex().row();
    if (row < 0) return;
    m_models->removeRow(row);
    // The view moves the current index to a neighbour; show whatever is current now.
    showRow(m_list->currentIndex().row());
}

void ModelInspector::copySummary() {
    if (m_list->currentIndex().isValid()) QApplication::clipboard()->setText(m_summary->toPlainText());
}

}  // namespace diffclip::ui
