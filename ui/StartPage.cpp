#include "StartPage.h"

#include <QDir>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "AppSettings.h"
#include "Controls.h"
#include "ModelListModel.h"

namespace diffclip::ui {

namespace {

constexpr int kPathRole = Qt::UserRole + 1;

QLabel* paragraph(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::PlainText);
    return l;
}

QLabel* heading(const QString& text, double scale, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    QFont f = l->font();
    f.setPointSizeF(f.pointSizeF() * scale);
    f.setBold(true);
    l->setFont(f);
    l->setWordWrap(true);
    return l;
}

// A command the user can select and copy; shell syntax, so never translated.
QWidget* commandBlock(const QString& command, QWidget* parent) {
    auto* frame = new QFrame(parent);
    frame->setFrameShape(QFrame::StyledPanel);
    frame->setBackgroundRole(QPalette::Base);
    frame->setAutoFillBackground(true);
    auto* label = new QLabel(command, frame);
    label->setTextFormat(Qt::PlainText);
    label->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    label->setAccessibleName(StartPage::tr("Command"));
    label->setAccessibleDescription(command);
    auto* layout = new QVBoxLayout(frame);
    layout->addWidget(label);
    return frame;
}

}  // namespace

StartPage::StartPage(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("startPage"));

    auto* content = new QWidget;
    // Lines of prose read best at a limited width; measured in characters, so DPI-safe.
    content->setMaximumWidth(fontMetrics().averageCharWidth() * 110);
    auto* col = new QVBoxLayout(content);

    col->addWidget(heading(tr("Welcome to DiffCLIP Studio"), 1.6, content));

    // The next step on the way to a first search, so a first start never shows empty pages.
    auto* stepFrame = new QFrame(content);
    stepFrame->setObjectName(QStringLiteral("nextStepFrame"));
    stepFrame->setFrameShape(QFrame::StyledPanel);
    stepFrame->setBackgroundRole(QPalette::AlternateBase);
    stepFrame->setAutoFillBackground(true);
    auto* stepLayout = new QVBoxLayout(stepFrame);
    stepLayout->addWidget(heading(tr("Next step"), 1.1, stepFrame));
    m_nextStep = paragraph(QString(), stepFrame);
    m_nextStep->setObjectName(QStringLiteral("nextStepLabel"));
    stepLayout->addWidget(m_nextStep);
    m_stepModel = makeButton(tr("Open Model…"), tr("Open a model file"), stepFrame);
    connect(m_stepModel, &QPushButton::clicked, this, &StartPage::chooseModelFileRequested);
    m_stepCreateLibrary = makeButton(tr("Create the Default Library"), tr("Create the default library"), stepFrame,
                                     QDir::toNativeSeparators(AppSettings::defaultLibraryPath()));
    connect(m_stepCreateLibrary, &QPushButton::clicked, this, &StartPage::createDefaultLibraryRequested);
    m_stepOpenLibrary = makeButton(tr("Open Library…"), tr("Open a library file"), stepFrame);
    connect(m_stepOpenLibrary, &QPushButton::clicked, this, &StartPage::openLibraryRequested);
    m_stepShowLibrary = makeButton(tr("Go to the Library"), tr("Show the Library page"), stepFrame);
    connect(m_stepShowLibrary, &QPushButton::clicked, this, &StartPage::showLibraryRequested);
    QHBoxLayout* stepButtons =
        makeButtonRow({m_stepModel, m_stepCreateLibrary, m_stepOpenLibrary, m_stepShowLibrary});
    stepLayout->addLayout(stepButtons);
    col->addWidget(stepFrame);
    col->addWidget(paragraph(
        tr("DiffCLIP Studio brings DiffCLIP to quality work on defect photos. DiffCLIP is CLIP, a model that "
           "places images and text in one shared space, with differential attention: each attention head "
           "subtracts a second attention map from the first, which cancels attention noise and keeps the "
           "focus on the object. Everything runs on this computer; no photo or model leaves it. Open models to "
           "see their architecture and checksums, keep a library of your photos with labels and metadata, and "
           "let long work (adding photos, re-embedding) run in the background on the Jobs page."),
        content));

    col->addSpacing(fontMetrics().height());
    col->addWidget(heading(tr("Getting started"), 1.2, content));
    col->addWidget(paragraph(tr("Open a model: a DiffCLIP or CLIP training checkpoint (.pt, .pth), a .safetensors "
                                "file, or a model package folder. You can also drop it onto this window."),
                             content));
    auto* openFile = makeButton(tr("Open Model…"), tr("Open model file"), content);
    connect(openFile, &QPushButton::clicked, this, &StartPage::chooseModelFileRequested);
    auto* openFolder = makeButton(tr("Open Package Folder…"), tr("Open model package folder"), content);
    connect(openFolder, &QPushButton::clicked, this, &StartPage::chooseModelFolderRequested);
    QHBoxLayout* buttons = makeButtonRow({openFile, openFolder});
    col->addLayout(buttons);

    col->addWidget(paragraph(tr("For the public DiffCLIP checkpoints, the command-line tool can first convert the "
                                "checkpoint into a model package (weights as safetensors, the configuration and "
                                "the tokenizer in one folder):"),
                             content));
    col->addWidget(commandBlock(QStringLiteral("diffclip import checkpoint_best.pt --out ~/models/diffclip-vit-b16"),
                                content));
    col->addWidget(paragraph(tr("To check that the model computes what the reference implementation computes, "
                                "compare it with reference outputs saved from that implementation:"),
                             content));
    col->addWidget(commandBlock(
        QStringLiteral("diffclip verify --model ~/models/diffclip-vit-b16 --reference expected.safetensors"), content));

    col->addSpacing(fontMetrics().height());
    col->addWidget(heading(tr("Recent models"), 1.2, content));
    m_recent = new QListWidget(content);
    m_recent->setObjectName(QStringLiteral("recentModelsList"));
    m_recent->setAccessibleName(tr("Recent models"));
    m_recent->setUniformItemSizes(true);
    // As tall as its entries (at most kMaxRecentModels), so the page does not stretch it.
    m_recent->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_recent->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    connect(m_recent, &QListWidget::itemActivated, this, &StartPage::openItem);
    connect(m_recent, &QListWidget::currentItemChanged, this, &StartPage::updateButtons);
    m_noRecent = paragraph(tr("No models opened yet."), content);
    m_noRecent->setForegroundRole(QPalette::PlaceholderText);
    m_openRecent = makeButton(tr("Open"), tr("Open the selected recent model"), content);
    connect(m_openRecent, &QPushButton::clicked, this, [this] { openItem(m_recent->currentItem()); });
    m_clearRecent = makeButton(tr("Clear List"), tr("Clear the list of recent models"), content);
    connect(m_clearRecent, &QPushButton::clicked, this, [this] {
        AppSettings::clearRecentModels();
        refreshRecentModels();
    });
    QHBoxLayout* recentButtons = makeButtonRow({m_openRecent, m_clearRecent});
    col->addWidget(m_noRecent);
    col->addWidget(m_recent);
    col->addLayout(recentButtons);
    col->addStretch(1);

    auto* scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    auto* holder = new QWidget;
    auto* holderLayout = new QHBoxLayout(holder);
    holderLayout->addWidget(content, 1);
    holderLayout->addStretch(0);
    scroll->setWidget(holder);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(scroll);

    refreshRecentModels();
    setSetupState(QString(), QString(), false);
}

void StartPage::setSetupState(const QString& libraryPath, const QString& activeModel, bool workspaceReady) {
    // One word for the model in use everywhere: the active model. Opening a model makes it the
    // active model of the open library, or of the library opened or created next.
    const bool library = !libraryPath.isEmpty();
    const bool model = !activeModel.isEmpty();
    const QString modelName = ModelListModel::displayName(activeModel);
    QString text;
    if (!library && !model) {
        text = tr("Nothing is set up yet. First open a model: it becomes the active model, which turns photos into "
                  "embeddings for search. Then create a library and add a folder of photos to it. The library is "
                  "one file; your photos stay where they are.");
    } else if (!library) {
        text = tr("The active model is %1. Now create a library (or open an existing one): it uses the active model. "
                  "Then add a folder of photos on the Library page.")
                   .arg(modelName);
    } else if (!model && !workspaceReady) {
        text = tr("The library %1 is open, but no model is active. Open a model: the one the library was indexed "
                  "with, or another one. It becomes the library's active model.")
                   .arg(QDir::toNativeSeparators(libraryPath));
    } else if (!workspaceReady) {
        text = tr("The library %1 is being opened with the active model %2…")
                   .arg(QDir::toNativeSeparators(libraryPath), modelName);
    } else {
        text = tr("Ready: the library %1 is open with the active model %2. Add a folder of photos on the Library "
                  "page, label them, and follow the work on the Jobs page.")
                   .arg(QDir::toNativeSeparators(libraryPath), modelName);
    }
    m_nextStep->setText(text);
    m_stepModel->setVisible(!model && !workspaceReady);
    m_stepCreateLibrary->setVisible(!library);
    m_stepOpenLibrary->setVisible(!library);
    m_stepShowLibrary->setVisible(library);
}

QString StartPage::nextStepText() const { return m_nextStep->text(); }

void StartPage::refreshRecentModels() {
    m_recent->clear();
    const QStringList paths = AppSettings::recentModels();
    for (const QString& path : paths) {
        auto* item = new QListWidgetItem(m_recent);
        const bool exists = QFileInfo::exists(path);
        const QString native = QDir::toNativeSeparators(path);
        item->setText(exists ? ModelListModel::displayName(path) + QStringLiteral("  —  ") + native
                             : tr("%1 (not found)").arg(native));
        item->setData(kPathRole, path);
        item->setToolTip(exists ? native
                                : tr("%1 no longer exists or is on a drive that is not connected.").arg(native));
        if (!exists) item->setForeground(palette().brush(QPalette::Disabled, QPalette::Text));
    }
    m_recent->setVisible(!paths.isEmpty());
    m_noRecent->setVisible(paths.isEmpty());
    if (!paths.isEmpty()) m_recent->setCurrentRow(0);
    updateButtons();
}

void StartPage::openItem(QListWidgetItem* item) {
    if (item) Q_EMIT openModelRequested(item->data(kPathRole).toString());
}

void StartPage::updateButtons() {
    m_openRecent->setEnabled(m_recent->currentItem() != nullptr);
    m_clearRecent->setEnabled(m_recent->count() > 0);
    m_openRecent->setVisible(m_recent->count() > 0);
    m_clearRecent->setVisible(m_recent->count() > 0);
}

}  // namespace diffclip::ui
