#include "SearchResultsPanel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QListView>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

#include <algorithm>

#include "BusyRow.h"
#include "Controls.h"
#include "SearchHitDelegate.h"
#include "SearchResultsModel.h"

namespace diffclip::ui {

SearchResultsPanel::SearchResultsPanel(SearchResultsModel* model, int thumbnailEdge, bool canReembed, QWidget* parent)
    : QWidget(parent) {
    m_busy = new BusyRow(tr("Searching"), 20, this);  // the core reports no progress within one search

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
    m_reembedButton = makeButton(tr("Embed Them Now"), tr("Embed the missing photos now"), m_notEmbedded,
                                 tr("Runs as a background job; the search is repeated when it ends"));
    m_reembedButton->setVisible(canReembed);
    connect(m_reembedButton, &QPushButton::clicked, this, &SearchResultsPanel::reembedRequested);
    auto* neRow = new QHBoxLayout(m_notEmbedded);
    neRow->setContentsMargins(0, 0, 0, 0);
    neRow->addWidget(m_notEmbeddedText, 1);
    neRow->addWidget(m_reembedButton);
    m_notEmbedded->hide();

    m_grid = new QListView(this);
    m_grid->setObjectName(QStringLiteral("resultsGrid"));
    m_grid->setAccessibleName(tr("Search results"));
    m_grid->setModel(model);
    m_grid->setItemDelegate(new SearchHitDelegate(thumbnailEdge, m_grid));
    m_grid->setViewMode(QListView::IconMode);
    m_grid->setResizeMode(QListView::Adjust);
    m_grid->setMovement(QListView::Static);
    m_grid->setUniformItemSizes(true);
    m_grid->setSpacing(6);
    m_grid->setSelectionMode(QAbstractItemView::SingleSelection);
    m_grid->setEditTriggers(QAbstractItemView::NoEditTriggers);
    // activated: double-click or Enter.
    connect(m_grid, &QListView::activated, this, [this](const QModelIndex& i) { Q_EMIT hitActivated(i.row()); });

    m_sentence = new QLabel(this);
    m_sentence->setObjectName(QStringLiteral("searchEmptyState"));
    m_sentence->setAlignment(Qt::AlignCenter);
    m_sentence->setWordWrap(true);
    m_sentence->setForegroundRole(QPalette::PlaceholderText);
    m_stack = new QStackedWidget(this);
    m_stack->addWidget(m_sentence);
    m_stack->addWidget(m_grid);

    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("searchStatus"));
    m_status->setAccessibleName(tr("Search status"));
    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("searchMessage"));
    m_message->setAccessibleName(tr("Last action"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    // Feedback on the whole answer, for the usage log's hit rates (docs/POC.md): without it a
    // search whose hits are all wrong would never count as a miss.
    m_noneRight = makeButton(tr("None Right"), tr("None of these hits is right"), this,
                             tr("Records that no hit of this search shows the same defect. The PoC figures count "
                                "it as a miss; mark a hit right instead when one is."));
    m_noneRight->setObjectName(QStringLiteral("noneRightButton"));
    m_noneRight->setAutoDefault(false);
    m_noneRight->hide();
    connect(m_noneRight, &QPushButton::clicked, this, &SearchResultsPanel::noneRightRequested);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_busy);
    layout->addWidget(m_confidence);
    layout->addWidget(m_notEmbedded);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_status);
    layout->addLayout(makeButtonRow({m_noneRight}));  // a row of its own: the status line may be long
    layout->addWidget(m_message);
}

void SearchResultsPanel::setBusy(const QString& text) { m_busy->say(text); }

void SearchResultsPanel::showSentence(const QString& text) {
    m_sentence->setText(text);
    m_stack->setCurrentWidget(m_sentence);
}

void SearchResultsPanel::showTiles() {
    m_stack->setCurrentWidget(m_grid);
    m_grid->setCurrentIndex(m_grid->model()->index(0, 0));
}

void SearchResultsPanel::setConfidenceNote(const QString& text) {
    m_confidence->setText(text);
    m_confidence->setVisible(!text.isEmpty());
}

bool SearchResultsPanel::isConfidenceNoteShown() const { return !m_confidence->isHidden(); }

void SearchResultsPanel::setNotEmbedded(qint64 count, bool canStart) {
    if (count <= 0) {
        m_notEmbedded->hide();
        return;
    }
    m_notEmbeddedText->setText(tr("Not yet embedded by this model: %n photo(s). They are left out of this "
                                  "search until they are embedded.",
                                  nullptr, int(std::min<qint64>(count, INT32_MAX))));
    m_reembedButton->setEnabled(canStart);
    m_notEmbedded->show();
}

bool SearchResultsPanel::isNotEmbeddedShown() const { return !m_notEmbedded->isHidden(); }

void SearchResultsPanel::setReembedEnabled(bool enabled) { m_reembedButton->setEnabled(enabled); }

void SearchResultsPanel::setStatus(const QString& text) { m_status->setText(text); }

void SearchResultsPanel::setNoneRightState(bool visible, bool enabled) {
    m_noneRight->setVisible(visible);
    m_noneRight->setEnabled(enabled);
}

void SearchResultsPanel::setMessage(const QString& text) {
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

QString SearchResultsPanel::message() const { return m_message->text(); }

}  // namespace diffclip::ui
