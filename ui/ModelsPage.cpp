#include "ModelsPage.h"

#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "AppSettings.h"
#include "ErrorBanner.h"
#include "ErrorText.h"
#include "ModelDrop.h"
#include "ModelListModel.h"
#include "ModelSummaryView.h"

namespace diffclip::ui {

namespace {

QString canonicalModelPath(const QString& path) {
    const QFileInfo info(path);
    return QDir::cleanPath(info.absoluteFilePath());
}

QLabel* pageTitle(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * 1.6);
    f.setBold(true);
    l->setFont(f);
    l->setAccessibleName(text);
    return l;
}

}  // namespace

ModelsPage::ModelsPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("modelsPage"));
    setAcceptDrops(true);

    auto* openFile = new QPushButton(tr("Open Model…"), this);
    openFile->setObjectName(QStringLiteral("openModelButton"));
    openFile->setToolTip(tr("Open a .pt, .pth or .safetensors file"));
    openFile->setAccessibleName(tr("Open model file"));
    connect(openFile, &QPushButton::clicked, this, &ModelsPage::chooseModelFile);
    auto* openFolder = new QPushButton(tr("Open Package Folder…"), this);
    openFolder->setToolTip(tr("Open a model package: a folder with config.json and model.safetensors"));
    openFolder->setAccessibleName(tr("Open model package folder"));
    connect(openFolder, &QPushButton::clicked, this, &ModelsPage::chooseModelFolder);

    auto* header = new QHBoxLayout;
    header->addWidget(pageTitle(tr("Models"), this));
    header->addStretch(1);
    header->addWidget(openFile);
    header->addWidget(openFolder);

    auto* intro = new QLabel(tr("Open a DiffCLIP or CLIP model to see its architecture, preprocessing and checksums. "
                                "You can also drop a .pt, .pth or .safetensors file or a model package folder here."),
                             this);
    intro->setWordWrap(true);

    // Busy indicator: an indeterminate bar, because the core reports no progress while it
    // reads and checks a model.
    m_busyPanel = new QWidget(this);
    m_busyBar = new QProgressBar(m_busyPanel);
    m_busyBar->setRange(0, 0);
    m_busyBar->setTextVisible(false);
    m_busyBar->setAccessibleName(tr("Opening model"));
    m_busyBar->setMaximumWidth(fontMetrics().averageCharWidth() * 24);
    m_busyLabel = new QLabel(m_busyPanel);
    m_busyLabel->setObjectName(QStringLiteral("busyLabel"));
    m_busyLabel->setWordWrap(true);
    auto* busyRow = new QHBoxLayout(m_busyPanel);
    busyRow->setContentsMargins(0, 0, 0, 0);
    busyRow->addWidget(m_busyBar);
    busyRow->addWidget(m_busyLabel, 1);
    m_busyPanel->hide();

    m_error = new ErrorBanner(this);

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
    connect(del, &QShortcut::activated, this, &ModelsPage::closeCurrentModel);

    m_closeButton = new QPushButton(tr("Close Model"), this);
    m_closeButton->setToolTip(tr("Remove the selected model from this list (the file is not touched)"));
    m_closeButton->setAccessibleName(tr("Close selected model"));
    connect(m_closeButton, &QPushButton::clicked, this, &ModelsPage::closeCurrentModel);

    auto* listLabel = new QLabel(tr("Open models:"), this);
    listLabel->setBuddy(m_list);
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
    m_copyButton = new QPushButton(tr("Copy Summary"), this);
    m_copyButton->setToolTip(tr("Copy the whole summary as text, for a report or a support request"));
    m_copyButton->setAccessibleName(tr("Copy model summary"));
    connect(m_copyButton, &QPushButton::clicked, this, &ModelsPage::copySummary);
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

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addWidget(intro);
    layout->addWidget(m_busyPanel);
    layout->addWidget(m_error);
    layout->addWidget(m_splitter, 1);

    showRow(-1);
}

int ModelsPage::modelCount() const { return m_models->rowCount(); }

QString ModelsPage::currentModelPath() const { return m_models->pathAt(m_list->currentIndex().row()); }

QByteArray ModelsPage::splitterState() const { return m_splitter->saveState(); }

void ModelsPage::restoreSplitterState(const QByteArray& state) {
    if (!state.isEmpty()) m_splitter->restoreState(state);
}

void ModelsPage::chooseModelFile() {
    QString start;
    const QStringList recent = AppSettings::recentModels();
    if (!recent.isEmpty()) start = QFileInfo(recent.first()).absolutePath();
    const QString filter = tr("Models (*.pt *.pth *.safetensors);;All files (*)");
    const QString path = QFileDialog::getOpenFileName(this, tr("Open Model"), start, filter);
    if (!path.isEmpty()) openModel(path);
}

void ModelsPage::chooseModelFolder() {
    const QString path = QFileDialog::getExistingDirectory(this, tr("Open Model Package Folder"));
    if (!path.isEmpty()) openModel(path);
}

void ModelsPage::openModel(const QString& rawPath) {
    if (rawPath.isEmpty()) return;
    const QString path = canonicalModelPath(rawPath);
    if (path == m_loadingPath || m_queue.contains(path)) return;
    m_queue.append(path);
    if (!isBusy()) startNextLoad();
    updateBusyUi();
}

void ModelsPage::startNextLoad() {
    if (m_queue.isEmpty()) return;
    m_loadingPath = m_queue.takeFirst();
    Q_EMIT busyChanged(true);

    // The watcher is parented to the page: if the page goes away first, the result is dropped.
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
        try {
            auto result = diffclip::summariseModel(spec);
            out.ok = result.ok();
            if (result.ok())
                out.summary = std::move(result).value();
            else
                out.error = result.error();
        } catch (const std::bad_alloc&) {
            out.error = diffclip::makeError(diffclip::ErrorCode::OutOfMemory, spec + ": out of memory");
        } catch (const std::exception& e) {
            out.error = diffclip::makeError(diffclip::ErrorCode::Internal, spec + ": " + e.what());
        }
        return out;
    }));
    updateBusyUi();
}

void ModelsPage::finishLoad(const Outcome& outcome) {
    m_loadingPath.clear();
    if (outcome.ok) {
        m_error->clear();
        const int row = m_models->addOrReplace(outcome.path, outcome.summary);
        m_list->setCurrentIndex(m_models->index(row));
        showRow(row);  // also when the row was current already (a reload)
        Q_EMIT modelOpened(outcome.path);
    } else {
        const QString reason = ErrorText::modelOpenReason(outcome.error.code);
        const QString details = ErrorText::details(outcome.error);
        const QString title = tr("Could not open “%1”").arg(ModelListModel::displayName(outcome.path));
        m_error->showError(title, reason, details);
        Q_EMIT openFailed(outcome.path, reason, details);
    }
    if (!m_queue.isEmpty()) {
        startNextLoad();
    } else {
        updateBusyUi();
        Q_EMIT busyChanged(false);
    }
}

void ModelsPage::showRow(int row) {
    const bool has = row >= 0 && row < m_models->rowCount();
    if (has) m_summary->setSummary(m_models->pathAt(row), m_models->summaryAt(row));
    m_detailStack->setCurrentWidget(has ? m_summaryPane : m_emptyState);
    m_closeButton->setEnabled(has);
    m_copyButton->setEnabled(has);
}

void ModelsPage::closeCurrentModel() {
    const int row = m_list->currentIndex().row();
    if (row < 0) return;
    m_models->removeRow(row);
    // The view moves the current index to a neighbour; show whatever is current now.
    showRow(m_list->currentIndex().row());
}

void ModelsPage::copySummary() {
    if (m_list->currentIndex().isValid()) QApplication::clipboard()->setText(m_summary->toPlainText());
}

void ModelsPage::updateBusyUi() {
    if (!isBusy()) {
        m_busyPanel->hide();
        return;
    }
    QString text = tr("Opening “%1”… Reading and checking the weights can take a while for large models.")
                       .arg(ModelListModel::displayName(m_loadingPath));
    if (!m_queue.isEmpty()) text += QLatin1Char(' ') + tr("%1 more waiting.").arg(m_queue.size());
    m_busyLabel->setText(text);
    m_busyPanel->show();
}

void ModelsPage::dragEnterEvent(QDragEnterEvent* event) {
    if (!modelPathsFromMimeData(event->mimeData()).isEmpty()) event->acceptProposedAction();
}

void ModelsPage::dropEvent(QDropEvent* event) {
    const QStringList paths = modelPathsFromMimeData(event->mimeData());
    if (paths.isEmpty()) return;
    event->acceptProposedAction();
    for (const QString& p : paths) openModel(p);
}

}  // namespace diffclip::ui
