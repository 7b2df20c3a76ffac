#include "SearchPage.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QLocale>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QTimer>
#include <QUrl>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "AppSettings.h"
#include "ErrorBanner.h"
#include "HitDetail.h"
#include "JobCentre.h"
#include "SearchResultsModel.h"
#include "diffclip/indexing/Workspace.h"
#include "diffclip/library/Library.h"

namespace diffclip::ui {

namespace {

constexpr int kThumbnailEdge = 160;
constexpr int kPreviewEdge = 256;
constexpr int kMaxQueries = 50;  // photos taken from one drop; a whole archive is a job for indexing

QString fromUtf8(const std::string& s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }
std::string toUtf8(const QString& s) { return s.toUtf8().toStdString(); }

const QStringList& photoNameFilters() {
    static const QStringList f = {QStringLiteral("*.jpg"),  QStringLiteral("*.jpeg"), QStringLiteral("*.png"),
                                  QStringLiteral("*.tif"),  QStringLiteral("*.tiff"), QStringLiteral("*.webp"),
                                  QStringLiteral("*.bmp")};
    return f;
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

QLineEdit* filterEdit(const QString& placeholder, const QString& accessible, QWidget* parent) {
    auto* e = new QLineEdit(parent);
    e->setPlaceholderText(placeholder);
    e->setAccessibleName(accessible);
    e->setClearButtonEnabled(true);
    return e;
}

/// Local paths of the URLs in a drop or paste, in order.
QStringList localPaths(const QMimeData* mime) {
    QStringList out;
    if (!mime || !mime->hasUrls()) return out;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile()) out << url.toLocalFile();
    return out;
}

QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')) &&
        !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

}  // namespace

// What went wrong with a search, in plain words; the core's detail is shown beside it.
static QString searchReason(diffclip::ErrorCode code, bool photo) {
    using diffclip::ErrorCode;
    switch (code) {
    case ErrorCode::NotFound:
        return photo ? SearchPage::tr("The photo does not exist any more, or it was moved.")
                     : SearchPage::tr("Something the search needs is missing from the library or the model.");
    case ErrorCode::Format:
        return SearchPage::tr("This file is not an image DiffCLIP Studio can read (JPEG, PNG, TIFF, WebP or BMP), "
                              "or it is damaged or too large.");
    case ErrorCode::Io:
        return SearchPage::tr("A file could not be read, or the library is busy. Check the file and try again.");
    case ErrorCode::Unsupported:
        return photo ? SearchPage::tr("The model cannot search with this photo.")
                     : SearchPage::tr("The model cannot search by text: it has no tokenizer.");
    case ErrorCode::InvalidArgument:
        return SearchPage::tr("The search settings are not valid. Check the filters.");
    case ErrorCode::Mismatch:
        return SearchPage::tr("The library's photos were embedded by another model. Re-embed them with this one.");
    case ErrorCode::OutOfMemory:
        return SearchPage::tr("There is not enough memory for this search.");
    case ErrorCode::Cancelled:
        return SearchPage::tr("The search was cancelled.");
    case ErrorCode::Ok:
    case ErrorCode::Internal:
        break;
    }
    return SearchPage::tr("An unexpected error occurred. Please report it together with the details below.");
}

SearchPage::SearchPage(JobCentre* jobs, QWidget* parent) : QWidget(parent), m_jobs(jobs) {
    setObjectName(QStringLiteral("searchPage"));
    setAcceptDrops(true);

    m_thumbnails = new ThumbnailCache(kThumbnailEdge, this);
    m_results = new SearchResultsModel(m_thumbnails, this);

    // ---- header: query sources ----
    auto* choose = new QPushButton(tr("Choose Photo…"), this);
    choose->setObjectName(QStringLiteral("choosePhotoButton"));
    choose->setToolTip(tr("Search with one or more photos (Ctrl+O)"));
    choose->setAccessibleName(tr("Choose query photo"));
    connect(choose, &QPushButton::clicked, this, &SearchPage::choosePhotos);
    auto* pasteButton = new QPushButton(tr("Paste"), this);
    pasteButton->setObjectName(QStringLiteral("pasteButton"));
    pasteButton->setToolTip(tr("Search with the image on the clipboard (Ctrl+V)"));
    pasteButton->setAccessibleName(tr("Paste query image"));
    connect(pasteButton, &QPushButton::clicked, this, &SearchPage::paste);

    m_text = new QLineEdit(this);
    m_text->setObjectName(QStringLiteral("textSearch"));
    m_text->setPlaceholderText(tr("Or describe the defect, e.g. hairline crack near the weld"));
    m_text->setAccessibleName(tr("Text search"));
    m_text->setClearButtonEnabled(true);
    connect(m_text, &QLineEdit::returnPressed, this, [this] { searchText(m_text->text()); });
    auto* textButton = new QPushButton(tr("Search Text"), this);
    textButton->setAccessibleName(tr("Search by text"));
    connect(textButton, &QPushButton::clicked, this, [this] { searchText(m_text->text()); });

    m_topK = new QSpinBox(this);
    m_topK->setObjectName(QStringLiteral("topK"));
    m_topK->setRange(1, 200);
    m_topK->setValue(12);
    m_topK->setAccessibleName(tr("Number of results"));
    m_topK->setToolTip(tr("How many results (groups of similar photos) to show"));
    auto* topKLabel = new QLabel(tr("&Results:"), this);
    topKLabel->setBuddy(m_topK);

    m_exportButton = new QPushButton(tr("Export CSV…"), this);
    m_exportButton->setObjectName(QStringLiteral("exportButton"));
    m_exportButton->setAccessibleName(tr("Export results as CSV"));
    m_exportButton->setToolTip(tr("Save the results of every query as a CSV file"));
    m_exportButton->setEnabled(false);
    connect(m_exportButton, &QPushButton::clicked, this, &SearchPage::exportResultsAs);

    auto* header = new QHBoxLayout;
    header->addWidget(pageTitle(tr("Search"), this));
    header->addStretch(1);
    header->addWidget(choose);
    header->addWidget(pasteButton);
    header->addWidget(m_exportButton);

    auto* textRow = new QHBoxLayout;
    textRow->addWidget(m_text, 1);
    textRow->addWidget(textButton);
    textRow->addSpacing(12);
    textRow->addWidget(topKLabel);
    textRow->addWidget(m_topK);

    // ---- filters ----
    m_label = new QComboBox(this);
    m_label->setObjectName(QStringLiteral("labelFilter"));
    m_label->setAccessibleName(tr("Label filter"));
    m_label->addItem(tr("Any label"), QString());
    m_label->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_line = filterEdit(tr("Line"), tr("Line filter"), this);
    m_line->setObjectName(QStringLiteral("lineFilter"));
    m_product = filterEdit(tr("Product"), tr("Product filter"), this);
    m_product->setObjectName(QStringLiteral("productFilter"));
    const auto* dateValidator = new QRegularExpressionValidator(
        QRegularExpression(QStringLiteral("\\d{0,4}(-\\d{0,2}(-\\d{0,2})?)?")), this);
    m_dateFrom = filterEdit(tr("From YYYY-MM-DD"), tr("Date from"), this);
    m_dateFrom->setObjectName(QStringLiteral("dateFromFilter"));
    m_dateFrom->setValidator(dateValidator);
    m_dateTo = filterEdit(tr("To YYYY-MM-DD"), tr("Date to"), this);
    m_dateTo->setObjectName(QStringLiteral("dateToFilter"));
    m_dateTo->setValidator(dateValidator);
    m_where = filterEdit(tr("field=value; field=value"), tr("Other filters"), this);
    m_where->setObjectName(QStringLiteral("whereFilter"));
    m_where->setToolTip(tr("Conditions on lot, inspector, notes or imported CSV columns, e.g. lot=A12; inspector=Sato"));
    auto* filterRow = new QHBoxLayout;
    auto* filterLabel = new QLabel(tr("Filters:"), this);
    filterRow->addWidget(filterLabel);
    filterRow->addWidget(m_label);
    filterRow->addWidget(m_line);
    filterRow->addWidget(m_product);
    filterRow->addWidget(m_dateFrom);
    filterRow->addWidget(m_dateTo);
    filterRow->addWidget(m_where, 2);

    // Changed filters search again, after a short pause so that typing does not start many searches.
    m_rerunTimer = new QTimer(this);
    m_rerunTimer->setSingleShot(true);
    m_rerunTimer->setInterval(350);
    connect(m_rerunTimer, &QTimer::timeout, this, [this] {
        if (filterSignature() != m_appliedFilter) searchAgain();  // leaving a field unchanged is no change
    });
    auto schedule = [this] { m_rerunTimer->start(); };
    connect(m_label, &QComboBox::currentIndexChanged, this, schedule);
    connect(m_topK, &QSpinBox::valueChanged, this, schedule);
    for (QLineEdit* e : {m_line, m_product, m_dateFrom, m_dateTo, m_where})
        connect(e, &QLineEdit::editingFinished, this, schedule);

    // ---- messages ----
    m_busyPanel = new QWidget(this);
    m_busyBar = new QProgressBar(m_busyPanel);
    m_busyBar->setRange(0, 0);  // the core reports no progress within one search
    m_busyBar->setTextVisible(false);
    m_busyBar->setAccessibleName(tr("Searching"));
    m_busyBar->setMaximumWidth(fontMetrics().averageCharWidth() * 20);
    m_busyLabel = new QLabel(m_busyPanel);
    m_busyLabel->setObjectName(QStringLiteral("busyLabel"));
    auto* busyRow = new QHBoxLayout(m_busyPanel);
    busyRow->setContentsMargins(0, 0, 0, 0);
    busyRow->addWidget(m_busyBar);
    busyRow->addWidget(m_busyLabel, 1);
    m_busyPanel->hide();

    m_error = new ErrorBanner(this);

    m_confidence = new QLabel(this);
    m_confidence->setObjectName(QStringLiteral("noConfidentMatch"));
    m_confidence->setWordWrap(true);
    m_confidence->setTextFormat(Qt::PlainText);
    m_confidence->setFrameShape(QFrame::StyledPanel);
    m_confidence->setMargin(8);
    m_confidence->setAccessibleName(tr("No confident match"));
    m_confidence->setStyleSheet(QStringLiteral("QLabel { background: rgba(230, 160, 40, 60); border-radius: 4px; }"));
    m_confidence->hide();

    m_notEmbedded = new QWidget(this);
    m_notEmbedded->setObjectName(QStringLiteral("notEmbeddedNotice"));
    m_notEmbeddedText = new QLabel(m_notEmbedded);
    m_notEmbeddedText->setWordWrap(true);
    m_notEmbeddedText->setAccessibleName(tr("Photos not yet embedded"));
    m_reembedButton = new QPushButton(tr("Embed Them Now"), m_notEmbedded);
    m_reembedButton->setAccessibleName(tr("Embed the missing photos now"));
    m_reembedButton->setToolTip(tr("Runs as a background job; the search is repeated when it ends"));
    m_reembedButton->setVisible(m_jobs != nullptr);
    connect(m_reembedButton, &QPushButton::clicked, this, &SearchPage::startReembedding);
    auto* neRow = new QHBoxLayout(m_notEmbedded);
    neRow->setContentsMargins(0, 0, 0, 0);
    neRow->addWidget(m_notEmbeddedText, 1);
    neRow->addWidget(m_reembedButton);
    m_notEmbedded->hide();

    // ---- left: the query (preview) and the query strip ----
    m_queryPreview = new QLabel(this);
    m_queryPreview->setObjectName(QStringLiteral("queryPreview"));
    m_queryPreview->setAlignment(Qt::AlignCenter);
    m_queryPreview->setFixedSize(kPreviewEdge, kPreviewEdge);
    m_queryPreview->setFrameShape(QFrame::StyledPanel);
    m_queryPreview->setWordWrap(true);
    m_queryPreview->setAccessibleName(tr("Query"));
    m_queryName = new QLabel(this);
    m_queryName->setWordWrap(true);
    m_queryName->setTextFormat(Qt::PlainText);
    m_queryName->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_queryName->setMaximumWidth(kPreviewEdge);
    m_strip = new QListWidget(this);
    m_strip->setObjectName(QStringLiteral("queryStrip"));
    m_strip->setAccessibleName(tr("Queries"));
    m_strip->setIconSize(QSize(48, 48));
    m_strip->setMaximumWidth(kPreviewEdge);
    m_strip->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_strip, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != m_current) setCurrentQuery(row);
    });
    auto* stripLabel = new QLabel(tr("&Queries:"), this);
    stripLabel->setBuddy(m_strip);
    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(m_queryPreview);
    leftLayout->addWidget(m_queryName);
    leftLayout->addWidget(stripLabel);
    leftLayout->addWidget(m_strip, 1);

    // ---- right: the results grid, or a hint ----
    m_grid = new QListView(this);
    m_grid->setObjectName(QStringLiteral("resultsGrid"));
    m_grid->setAccessibleName(tr("Search results"));
    m_grid->setModel(m_results);
    auto* delegate = new SearchHitDelegate(kThumbnailEdge, m_grid);
    m_grid->setItemDelegate(delegate);
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setUniformItemSizes(true);
    m_grid->setSpacing(6);
    m_grid->setSelectionMode(QAbstractItemView::SingleSelection);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // activated: double-click or Enter.
    connect(m_grid, &QListView::activated, this, [this](const QModelIndex& i) { openHit(i.row()); });

    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(QStringLiteral("searchEmptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setForegroundRole(QPalette::PlaceholderText);
    m_resultStack = new QStackedWidget(this);
    m_resultStack->addWidget(m_emptyState);
    m_resultStack->addWidget(m_grid);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("searchStatus"));
    m_status->setAccessibleName(tr("Search status"));
    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->addWidget(m_confidence);
    rightLayout->addWidget(m_notEmbedded);
    rightLayout->addWidget(m_resultStack, 1);
    rightLayout->addWidget(m_status);

    m_splitter = new QSplitter(Qt::Horizontal, this);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->addWidget(left);
    m_splitter->addWidget(right);
    m_splitter->setStretchFactor(1, 1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(header);
    layout->addLayout(textRow);
    layout->addLayout(filterRow);
    layout->addWidget(m_busyPanel);
    layout->addWidget(m_error);
    layout->addWidget(m_splitter, 1);

    // Keyboard: active while focus is anywhere in the page. A focused line edit keeps its own
    // Ctrl+V (it takes the key first), so pasting text into a filter still works.
    auto addShortcut = [this](const QKeySequence& keys, const QString& name, auto slot) {
        auto* a = new QAction(name, this);
        a->setShortcut(keys);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(a, &QAction::triggered, this, slot);
        addAction(a);
    };
    addShortcut(QKeySequence::Open, tr("Choose Photo"), &SearchPage::choosePhotos);
    addShortcut(QKeySequence::Paste, tr("Paste Image"), &SearchPage::paste);
    addShortcut(QKeySequence::Find, tr("Text Search"), &SearchPage::focusTextSearch);

    connect(m_thumbnails, &ThumbnailCache::ready, this, [this](const QString& path) {
        for (int i = 0; i < int(m_queries.size()); ++i)
            if (m_queries[size_t(i)].path == path) updateQueryStripItem(i);
        if (m_current >= 0 && m_queries[size_t(m_current)].path == path) showQueryPreview();
    });

    showCurrent();
}

SearchPage::~SearchPage() {
    // Late answers of running searches must not reach a half-destroyed page.
    ++m_generation;
}

void SearchPage::setWorkspace(std::shared_ptr<diffclip::Workspace> workspace) {
    m_workspace = std::move(workspace);
    setQueries({});
    m_error->clear();
    refreshLabels();
}

// ---------------------------------------------------------------------------------------------
// Queries

void SearchPage::choosePhotos() {
    const QString filter = tr("Photos (*.jpg *.jpeg *.png *.tif *.tiff *.webp *.bmp);;All files (*)");
    const QStringList paths = QFileDialog::getOpenFileNames(this, tr("Choose Query Photos"), AppSettings::photoFolder(), filter);
    if (paths.isEmpty()) return;
    AppSettings::rememberPhotoFolder(paths.first());
    searchPhotos(paths);
}

void SearchPage::focusTextSearch() {
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

void SearchPage::searchPhotos(const QStringList& paths) {
    std::vector<Query> queries;
    bool truncated = false;
    for (const QString& raw : paths) {
        const QFileInfo info(raw);
        QStringList files;
        if (info.isDir()) {
            const QDir dir(info.absoluteFilePath());
            for (const QString& name : dir.entryList(photoNameFilters(), QDir::Files | QDir::Readable, QDir::Name))
                files << dir.filePath(name);
        } else {
            files << info.absoluteFilePath();
        }
        for (const QString& f : files) {
            if (int(queries.size()) >= kMaxQueries) {
                truncated = true;
                break;
            }
            Query q;
            q.path = QDir::cleanPath(f);
            queries.push_back(std::move(q));
        }
    }
    if (queries.empty()) {
        m_error->showError(tr("No photos to search with"),
                           tr("The dropped folders hold no JPEG, PNG, TIFF, WebP or BMP files."), paths.join(QLatin1Char('\n')));
        return;
    }
    setQueries(std::move(queries));
    if (truncated)
        m_error->showError(tr("Only the first %1 photos are searched").arg(kMaxQueries),
                           tr("To compare many photos with the library, index them and use the Library page."), QString());
}

void SearchPage::searchText(const QString& rawText) {
    const QString text = rawText.simplified();
    if (text.isEmpty()) return;
    Query q;
    q.text = text;
    std::vector<Query> queries;
    queries.push_back(std::move(q));
    setQueries(std::move(queries));
}

bool SearchPage::pasteFromClipboard() {
    const QMimeData* mime = QApplication::clipboard()->mimeData();
    const QStringList files = localPaths(mime);
    if (!files.isEmpty()) {
        searchPhotos(files);
        return true;
    }
    if (mime && mime->hasImage()) {
        const QImage img = qvariant_cast<QImage>(mime->imageData());
        if (!img.isNull() && m_pasteDir.isValid()) {
            // The core searches files: write the image as PNG (on the worker, not here).
            Query q;
            q.path = QDir(m_pasteDir.path()).filePath(QStringLiteral("pasted-%1.png").arg(++m_pasteCount));
            q.pasted = img;
            std::vector<Query> queries;
            queries.push_back(std::move(q));
            setQueries(std::move(queries));
            return true;
        }
    }
    m_error->showError(tr("Nothing to paste"),
                       tr("The clipboard holds no image. Copy a photo or an image file, then paste again."), QString());
    return false;
}

void SearchPage::setQueries(std::vector<Query> queries) {
    ++m_generation;  // answers still on their way belong to the old queries
    m_running = -1;
    m_appliedFilter = filterSignature();
    m_rerunTimer->stop();
    m_queries = std::move(queries);
    m_current = m_queries.empty() ? -1 : 0;
    m_error->clear();
    if (m_detail) m_detail->close();
    {
        const QSignalBlocker block(m_strip);
        m_strip->clear();
        for (int i = 0; i < int(m_queries.size()); ++i) {
            m_strip->addItem(QString());
            updateQueryStripItem(i);
        }
        m_strip->setCurrentRow(m_current);
    }
    m_strip->setVisible(m_queries.size() > 1);
    if (!m_queries.empty() && !m_workspace) {
        m_error->showError(tr("No library is open"),
                           tr("Open or create a library first: the search compares your photo with its photos."),
                           QString());
    }
    showCurrent();
    startNext();
    updateBusyUi();
}

void SearchPage::setCurrentQuery(int index) {
    if (index < 0 || index >= int(m_queries.size())) return;
    m_current = index;
    {
        const QSignalBlocker block(m_strip);
        m_strip->setCurrentRow(index);
    }
    showCurrent();
}

bool SearchPage::isQueryDone(int index) const {
    return index >= 0 && index < int(m_queries.size()) && m_queries[size_t(index)].done;
}

bool SearchPage::parseWhere(std::vector<std::pair<std::string, std::string>>* out, QString* bad) const {
    const QStringList parts = m_where->text().split(QLatin1Char(';'), Qt::SkipEmptyParts);
    for (const QString& part : parts) {
        const QString p = part.trimmed();
        if (p.isEmpty()) continue;
        const qsizetype eq = p.indexOf(QLatin1Char('='));
        const QString field = eq > 0 ? p.left(eq).trimmed() : QString();
        if (field.isEmpty() || field.contains(QLatin1Char('"'))) {
            *bad = p;
            return false;
        }
        out->emplace_back(toUtf8(field), toUtf8(p.mid(eq + 1).trimmed()));
    }
    return true;
}

diffclip::ImageFilter SearchPage::currentFilter() const {
    diffclip::ImageFilter f;
    f.label = toUtf8(m_label->currentData().toString());
    f.dateFrom = toUtf8(m_dateFrom->text().trimmed());
    f.dateTo = toUtf8(m_dateTo->text().trimmed());
    if (!m_line->text().trimmed().isEmpty()) f.where.emplace_back("line", toUtf8(m_line->text().trimmed()));
    if (!m_product->text().trimmed().isEmpty()) f.where.emplace_back("product", toUtf8(m_product->text().trimmed()));
    QString bad;
    parseWhere(&f.where, &bad);
    return f;
}

QString SearchPage::filterSignature() const {
    return QStringList{m_label->currentData().toString(), m_line->text().trimmed(), m_product->text().trimmed(),
                       m_dateFrom->text().trimmed(), m_dateTo->text().trimmed(), m_where->text().trimmed(),
                       QString::number(m_topK->value())}
        .join(QChar(0x1f));
}

void SearchPage::searchAgain() {
    m_rerunTimer->stop();
    std::vector<std::pair<std::string, std::string>> where;
    QString bad;
    if (!parseWhere(&where, &bad)) {
        m_error->showError(tr("Filter not understood: “%1”").arg(bad),
                           tr("Write each condition as field=value and separate them with semicolons, "
                              "e.g. lot=A12; inspector=Sato."),
                           QString());
        return;
    }
    if (m_queries.empty()) return;
    for (Query& q : m_queries) {
        q.done = false;
        q.ok = false;
    }
    ++m_generation;
    m_running = -1;
    m_appliedFilter = filterSignature();
    m_error->clear();
    for (int i = 0; i < int(m_queries.size()); ++i) updateQueryStripItem(i);
    showCurrent();
    startNext();
    updateBusyUi();
}

void SearchPage::startNext() {
    if (m_running >= 0 || !m_workspace) return;
    // The query on screen first, then the others in order.
    int next = -1;
    if (m_current >= 0 && !m_queries[size_t(m_current)].done) next = m_current;
    for (int i = 0; next < 0 && i < int(m_queries.size()); ++i)
        if (!m_queries[size_t(i)].done) next = i;
    if (next < 0) return;
    const bool wasBusy = isBusy();
    m_running = next;
    if (!wasBusy) Q_EMIT busyChanged(true);

    Query& q = m_queries[size_t(next)];
    diffclip::SearchOptions options;
    options.k = m_topK->value();
    const diffclip::ImageFilter filter = currentFilter();
    const int generation = m_generation;
    const QImage pasted = q.pasted;  // implicitly shared: reading it on the worker is safe
    const QString path = q.path;
    const std::string text = toUtf8(q.text);
    std::shared_ptr<diffclip::Workspace> ws = m_workspace;

    auto* watcher = new QFutureWatcher<Outcome>(this);
    connect(watcher, &QFutureWatcher<Outcome>::finished, this, [this, watcher] {
        const Outcome outcome = watcher->result();
        watcher->deleteLater();
        finishSearch(outcome);
    });
    watcher->setFuture(QtConcurrent::run([=]() -> Outcome {
        Outcome out;
        out.generation = generation;
        out.index = next;
        try {
            if (!pasted.isNull() && !QFileInfo::exists(path) && !pasted.save(path, "PNG", 80)) {
                out.error = diffclip::makeError(diffclip::ErrorCode::Io,
                                                toUtf8(path) + ": could not save the pasted image (disk full?)");
                return out;
            }
            auto r = path.isEmpty() ? ws->searchText(text, options, filter)
                                    : ws->searchPhoto(QFile::encodeName(path).toStdString(), options, filter);
            out.ok = r.ok();
            if (r.ok())
                out.result = std::move(r).value();
            else
                out.error = r.error();
        } catch (const std::bad_alloc&) {
            out.error = diffclip::makeError(diffclip::ErrorCode::OutOfMemory, "out of memory during the search");
        } catch (const std::exception& e) {
            out.error = diffclip::makeError(diffclip::ErrorCode::Internal, e.what());
        }
        return out;
    }));
    updateQueryStripItem(next);
    updateBusyUi();
}

void SearchPage::finishSearch(const Outcome& outcome) {
    if (outcome.generation != m_generation) return;  // superseded by a newer query or filter
    if (outcome.index < 0 || outcome.index >= int(m_queries.size())) return;
    Query& q = m_queries[size_t(outcome.index)];
    q.done = true;
    q.ok = outcome.ok;
    q.result = outcome.result;
    q.error = outcome.error;
    q.pasted = QImage();  // saved by now (or failed); the file is the query from here on
    m_running = -1;
    updateQueryStripItem(outcome.index);
    if (outcome.index == m_current) showCurrent();
    Q_EMIT queryFinished(outcome.index, outcome.ok);
    startNext();
    updateBusyUi();
    if (!isBusy()) Q_EMIT busyChanged(false);
}

// ---------------------------------------------------------------------------------------------
// Showing

QString SearchPage::queryTitle(const Query& q) const {
    if (!q.text.isEmpty()) return tr("“%1”").arg(q.text);
    if (!q.pasted.isNull() || q.path.startsWith(m_pasteDir.path())) return tr("Pasted image");
    return QFileInfo(q.path).fileName();
}

void SearchPage::updateQueryStripItem(int index) {
    QListWidgetItem* item = m_strip->item(index);
    if (!item || index >= int(m_queries.size())) return;
    const Query& q = m_queries[size_t(index)];
    QString state;
    if (!q.done)
        state = index == m_running ? tr("searching…") : tr("waiting");
    else if (!q.ok)
        state = tr("failed");
    else
        state = tr("%n result(s)", nullptr, int(q.result.hits.size()));
    item->setText(queryTitle(q) + QLatin1Char('\n') + state);
    item->setToolTip(q.text.isEmpty() ? q.path : q.text);
    if (!q.pasted.isNull()) {
        item->setIcon(QPixmap::fromImage(q.pasted.scaled(48, 48, Qt::KeepAspectRatio, Qt::FastTransformation)));
    } else if (!q.path.isEmpty()) {
        const QImage t = m_thumbnails->thumbnail(q.path);
        if (!t.isNull()) item->setIcon(QPixmap::fromImage(t));
    }
}

void SearchPage::showQueryPreview() {
    if (m_current < 0) {
        m_queryPreview->setPixmap(QPixmap());
        m_queryPreview->setText(tr("Drop a photo here"));
        m_queryName->clear();
        return;
    }
    const Query& q = m_queries[size_t(m_current)];
    m_queryName->setText(q.text.isEmpty() ? q.path : tr("Text search"));
    if (!q.text.isEmpty()) {
        m_queryPreview->setPixmap(QPixmap());
        m_queryPreview->setText(tr("“%1”").arg(q.text));
        return;
    }
    QImage img = q.pasted.isNull() ? m_thumbnails->thumbnail(q.path) : q.pasted;
    if (img.isNull()) {
        m_queryPreview->setPixmap(QPixmap());
        m_queryPreview->setText(m_thumbnails->failed(q.path) ? tr("This photo cannot be shown.") : tr("Loading…"));
        return;
    }
    m_queryPreview->setPixmap(
        QPixmap::fromImage(img.scaled(kPreviewEdge - 8, kPreviewEdge - 8, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

void SearchPage::showCurrent() {
    showQueryPreview();
    m_confidence->hide();
    m_notEmbedded->hide();
    m_status->clear();
    const Query* q = m_current >= 0 ? &m_queries[size_t(m_current)] : nullptr;
    if (!q || !q->done || !q->ok) m_results->clear();
    if (!q) {
        m_emptyState->setText(m_workspace ? tr("Drop a defect photo here, paste one with Ctrl+V, choose one with "
                                               "Ctrl+O, or type words above and press Enter.")
                                          : tr("No library is open. Open a library to search its photos."));
        m_resultStack->setCurrentWidget(m_emptyState);
    } else if (!q->done) {
        m_emptyState->setText(m_workspace ? tr("Searching…") : tr("No library is open. Open a library to search its photos."));
        m_resultStack->setCurrentWidget(m_emptyState);
    } else if (!q->ok) {
        const bool photo = q->text.isEmpty();
        m_error->showError(tr("Could not search with %1").arg(queryTitle(*q)), searchReason(q->error.code, photo),
                           QString::fromStdString(q->error.describe()));
        m_emptyState->setText(tr("No results: the search failed (see the message above)."));
        m_resultStack->setCurrentWidget(m_emptyState);
    } else {
        const diffclip::SearchResult& r = q->result;
        m_results->setResult(r);
        if (r.hits.empty()) {
            m_emptyState->setText(r.searched == 0 ? tr("No photos pass the filters, or none are embedded by this model yet.")
                                                  : tr("No results."));
            m_resultStack->setCurrentWidget(m_emptyState);
        } else {
            m_resultStack->setCurrentWidget(m_grid);
            m_grid->setCurrentIndex(m_results->index(0));
        }
        if (r.confident.has_value() && !*r.confident && !r.hits.empty()) {
            m_confidence->setText(
                tr("No confident match. The best score, %1, is below this library's own threshold of %2: "
                   "this photo is further from the library than 95% of its photos are from their nearest "
                   "neighbour. The closest photos are listed anyway.")
                    .arg(double(r.hits.front().score), 0, 'f', 3)
                    .arg(r.threshold, 0, 'f', 3));
            m_confidence->show();
        }
        if (r.notEmbedded > 0) {
            m_notEmbeddedText->setText(tr("Not yet embedded by this model: %n photo(s). They are left out of this "
                                          "search until they are embedded.",
                                          nullptr, int(std::min<int64_t>(r.notEmbedded, INT32_MAX))));
            m_reembedButton->setEnabled(m_reembedJob == 0);
            m_notEmbedded->show();
        }
        m_status->setText(statusText());
    }
    bool any = false;
    for (const Query& x : m_queries) any = any || (x.done && x.ok && !x.result.hits.empty());
    m_exportButton->setEnabled(any);
}

QString SearchPage::statusText() const {
    if (m_current < 0) return {};
    const Query& q = m_queries[size_t(m_current)];
    if (!q.done || !q.ok) return {};
    const diffclip::SearchResult& r = q.result;
    QString s = tr("%n result(s) from %1 photos in %2 s", nullptr, int(r.hits.size()))
                    .arg(QLocale().toString(qlonglong(r.searched)))
                    .arg(r.seconds, 0, 'f', 2);
    if (r.confident.has_value())
        s += QStringLiteral(" · ") + tr("threshold %1").arg(r.threshold, 0, 'f', 3);
    else if (!q.text.isEmpty())
        s += QStringLiteral(" · ") + tr("text scores are not calibrated");
    else
        s += QStringLiteral(" · ") + tr("library too small to judge confidence");
    return s;
}

HitDetail* SearchPage::hitDetail() const { return m_detail.data(); }

bool SearchPage::isNoConfidentMatchShown() const { return !m_confidence->isHidden(); }
bool SearchPage::isNotEmbeddedShown() const { return !m_notEmbedded->isHidden(); }

void SearchPage::updateBusyUi() {
    if (!isBusy()) {
        m_busyPanel->hide();
        return;
    }
    QString text = tr("Searching with %1…").arg(queryTitle(m_queries[size_t(m_running)]));
    if (m_queries.size() > 1) text += QLatin1Char(' ') + tr("(%1 of %2)").arg(m_running + 1).arg(m_queries.size());
    m_busyLabel->setText(text);
    m_busyPanel->show();
}

void SearchPage::refreshLabels() {
    const QString keep = m_label->currentData().toString();
    {
        const QSignalBlocker block(m_label);
        m_label->clear();
        m_label->addItem(tr("Any label"), QString());
    }
    if (!m_workspace) return;
    const std::string lib = m_workspace->libraryPath();
    auto* watcher = new QFutureWatcher<diffclip::Result<std::vector<std::string>>>(this);
    connect(watcher, &QFutureWatcher<diffclip::Result<std::vector<std::string>>>::finished, this,
            [this, watcher, keep, lib] {
                const auto labels = watcher->result();
                watcher->deleteLater();
                if (!m_workspace || m_workspace->libraryPath() != lib) return;  // another library by now
                if (!labels.ok()) {
                    m_error->showError(tr("Could not list the library's labels"),
                                       tr("The label filter offers no choices until the library can be read."),
                                       QString::fromStdString(labels.error().describe()));
                    return;
                }
                const QSignalBlocker block(m_label);
                for (const std::string& l : *labels) m_label->addItem(fromUtf8(l), fromUtf8(l));
                const int i = m_label->findData(keep);
                m_label->setCurrentIndex(i < 0 ? 0 : i);
            });
    watcher->setFuture(QtConcurrent::run([lib]() -> diffclip::Result<std::vector<std::string>> {
        try {
            auto library = diffclip::Library::open(lib, diffclip::LibraryOptions{true, false, 5000});
            if (!library) return library.error();
            return library->labels();
        } catch (const std::exception& e) {
            return diffclip::makeError(diffclip::ErrorCode::Internal, e.what());
        }
    }));
}

void SearchPage::startReembedding() {
    if (!m_jobs || !m_workspace || m_reembedJob != 0) return;
    m_reembedButton->setEnabled(false);
    QPointer<SearchPage> self(this);
    m_reembedJob = m_jobs->submitReembedding(m_workspace, diffclip::IndexOptions{}, [self](const JobInfo& info) {
        if (!self) return;
        self->m_reembedJob = 0;
        if (info.state == JobState::Succeeded) {
            self->refreshLabels();
            self->searchAgain();
        } else if (info.state == JobState::Failed) {
            self->m_error->showError(tr("Embedding the missing photos failed"), info.outcome.errorReason,
                                     info.outcome.errorDetails);
            self->m_reembedButton->setEnabled(true);
        } else {
            self->m_reembedButton->setEnabled(true);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// Hits, export, drops

void SearchPage::openHit(int row) {
    if (m_current < 0) return;
    const diffclip::SearchHit* hit = m_results->hitAt(row);
    if (!hit) return;
    const Query& q = m_queries[size_t(m_current)];
    if (m_detail) m_detail->close();
    HitDetail::Query query;
    query.path = q.text.isEmpty() ? q.path : QString();
    query.text = q.text;
    const diffclip::SearchResult& r = m_results->result();
    const QString lib = m_workspace ? QString::fromStdString(m_workspace->libraryPath()) : QString();
    m_detail = new HitDetail(lib, query, *hit, r.threshold, r.confident.has_value(), this);
    m_detail->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_detail, &HitDetail::explainRequested, this, &SearchPage::explainRequested);
    m_detail->show();
}

bool SearchPage::exportResults(const QString& csvPath) {
    bool any = false;
    for (const Query& q : m_queries) any = any || (q.done && q.ok && !q.result.hits.empty());
    if (!any) {
        m_error->showError(tr("Nothing to export"), tr("There are no search results yet."), QString());
        return false;
    }
    QSaveFile file(csvPath);  // written beside, renamed over: never half a file
    if (!file.open(QIODevice::WriteOnly)) {
        m_error->showError(tr("Could not export the results"),
                           tr("The file could not be created. Check the folder exists and you may write there."),
                           file.errorString());
        return false;
    }
    QString out = QStringLiteral("query,rank,group,path,score,label,product,line,lot,date,inspector,notes,extra\r\n");
    for (const Query& q : m_queries) {
        if (!q.done || !q.ok) continue;
        const QString key = q.text.isEmpty() ? q.path : QStringLiteral("text:") + q.text;
        int rank = 0;
        int group = 0;
        for (const diffclip::SearchHit& best : q.result.hits) {
            ++group;
            std::vector<const diffclip::SearchHit*> members{&best};
            for (const auto& d : best.nearDuplicates) members.push_back(&d);
            for (const diffclip::SearchHit* h : members) {
                const diffclip::ImageRecord& im = h->image;
                const QStringList fields = {key,
                                            QString::number(++rank),
                                            QString::number(group),
                                            fromUtf8(im.path),
                                            QString::number(double(h->score), 'f', 6),
                                            fromUtf8(h->label),
                                            fromUtf8(im.product),
                                            fromUtf8(im.line),
                                            fromUtf8(im.lot),
                                            fromUtf8(im.date),
                                            fromUtf8(im.inspector),
                                            fromUtf8(im.notes),
                                            im.extraJson == "{}" ? QString() : fromUtf8(im.extraJson)};
                QStringList quoted;
                for (const QString& f : fields) quoted << csvField(f);
                out += quoted.join(QLatin1Char(',')) + QStringLiteral("\r\n");
            }
        }
    }
    file.write(out.toUtf8());
    if (!file.commit()) {
        m_error->showError(tr("Could not export the results"),
                           tr("Writing the file failed. Check that the disk is not full."), file.errorString());
        return false;
    }
    return true;
}

void SearchPage::exportResultsAs() {
    const QString path = QFileDialog::getSaveFileName(this, tr("Export Search Results"),
                                                      QStringLiteral("search-results.csv"), tr("CSV files (*.csv)"));
    if (!path.isEmpty()) exportResults(path);
}

void SearchPage::dragEnterEvent(QDragEnterEvent* event) {
    const QMimeData* mime = event->mimeData();
    if (!localPaths(mime).isEmpty() || (mime && mime->hasImage())) event->acceptProposedAction();
}

void SearchPage::dropEvent(QDropEvent* event) {
    const QMimeData* mime = event->mimeData();
    const QStringList paths = localPaths(mime);
    if (!paths.isEmpty()) {
        event->acceptProposedAction();
        searchPhotos(paths);
        return;
    }
    if (mime && mime->hasImage()) {
        // An image dragged from another program (a browser, a viewer) without a file.
        const QImage img = qvariant_cast<QImage>(mime->imageData());
        if (img.isNull() || !m_pasteDir.isValid()) return;
        event->acceptProposedAction();
        Query q;
        q.path = QDir(m_pasteDir.path()).filePath(QStringLiteral("pasted-%1.png").arg(++m_pasteCount));
        q.pasted = img;
        std::vector<Query> queries;
        queries.push_back(std::move(q));
        setQueries(std::move(queries));
    }
}

}  // namespace diffclip::ui
