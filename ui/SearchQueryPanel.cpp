#include "SearchQueryPanel.h"

#include <QFileInfo>
#include <QLabel>
#include <QListWidget>
#include <QPixmap>
#include <QVBoxLayout>

#include "SearchQuery.h"
#include "ThumbnailCache.h"

namespace diffclip::ui {

namespace {

constexpr int kQueryPreviewEdge = 256;
constexpr int kStripIcon = 48;

}  // namespace

SearchQueryPanel::SearchQueryPanel(ThumbnailCache* thumbnails, QWidget* parent)
    : QWidget(parent), m_thumbnails(thumbnails) {
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("queryPreview"));
    m_preview->setAlignment(Qt::AlignCenter);
    m_preview->setFixedSize(kQueryPreviewEdge, kQueryPreviewEdge);
    m_preview->setFrameShape(QFrame::StyledPanel);
    m_preview->setWordWrap(true);
    m_preview->setAccessibleName(tr("Query"));
    m_name = new QLabel(this);
    m_name->setObjectName(QStringLiteral("queryName"));
    m_name->setWordWrap(true);
    m_name->setTextFormat(Qt::PlainText);
    m_name->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_name->setMaximumWidth(kQueryPreviewEdge);
    m_strip = new QListWidget(this);
    m_strip->setObjectName(QStringLiteral("queryStrip"));
    m_strip->setAccessibleName(tr("Queries"));
    m_strip->setIconSize(QSize(kStripIcon, kStripIcon));
    m_strip->setMaximumWidth(kQueryPreviewEdge);
    m_strip->setSelectionMode(QAbstractItemView::SingleSelection);
    connect(m_strip, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0) Q_EMIT currentChanged(row);
    });
    m_stripLabel = new QLabel(tr("&Queries:"), this);
    m_stripLabel->setBuddy(m_strip);
    // One query: no strip and no label; the preview and its name stay at the top.
    m_strip->hide();
    m_stripLabel->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_preview);
    layout->addWidget(m_name);
    layout->addWidget(m_stripLabel);
    layout->addWidget(m_strip, 1);
    layout->addStretch(0);  // takes the height only while the strip is hidden
}

QString SearchQueryPanel::title(const SearchQuery& q) {
    if (q.isText()) return tr("“%1”").arg(q.text);
    if (q.fromClipboard) return tr("Pasted image");
    return QFileInfo(q.path).fileName();
}

void SearchQueryPanel::setQueries(const std::vector<SearchQuery>& queries, int current, int running) {
    {
        const QSignalBlocker block(m_strip);
        m_strip->clear();
        for (int i = 0; i < int(queries.size()); ++i) {
            m_strip->addItem(QString());
            updateQuery(queries, i, running);
        }
        m_strip->setCurrentRow(current);
    }
    m_strip->setVisible(queries.size() > 1);
    m_stripLabel->setVisible(queries.size() > 1);
}

void SearchQueryPanel::updateQuery(const std::vector<SearchQuery>& queries, int index, int running) {
    QListWidgetItem* item = m_strip->item(index);
    if (!item || index >= int(queries.size())) return;
    const SearchQuery& q = queries[size_t(index)];
    QString state;
    if (!q.done)
        state = index == running ? tr("searching…") : tr("waiting");
    else if (!q.ok)
        state = tr("failed");
    else
        state = tr("%n result(s)", nullptr, int(q.result.hits.size()));
    item->setText(title(q) + QLatin1Char('\n') + state);
    item->setToolTip(q.isText() ? q.text : q.path);
    if (!q.pasted.isNull()) {
        item->setIcon(QPixmap::fromImage(q.pasted.scaled(kStripIcon, kStripIcon, Qt::KeepAspectRatio, Qt::FastTransformation)));
    } else if (!q.path.isEmpty()) {
        const QImage t = m_thumbnails->thumbnail(q.path);
        if (!t.isNull()) item->setIcon(QPixmap::fromImage(t));
    }
}

void SearchQueryPanel::setCurrent(int index) {
    const QSignalBlocker block(m_strip);
    m_strip->setCurrentRow(index);
}

void SearchQueryPanel::showQuery(const SearchQuery* q) {
    if (!q) {
        m_preview->setPixmap(QPixmap());
        m_preview->setText(tr("Drop a photo here"));
        m_name->clear();
        return;
    }
    m_name->setText(q->isText() ? tr("Text search") : q->path);
    if (q->isText()) {
        m_preview->setPixmap(QPixmap());
        m_preview->setText(tr("“%1”").arg(q->text));
        return;
    }
    const QImage img = q->pasted.isNull() ? m_thumbnails->thumbnail(q->path) : q->pasted;
    if (img.isNull()) {
        m_preview->setPixmap(QPixmap());
        m_preview->setText(m_thumbnails->failed(q->path) ? tr("This photo cannot be shown.") : tr("Loading…"));
        return;
    }
    m_preview->setPixmap(
        QPixmap::fromImage(img.scaled(kQueryPreviewEdge - 8, kQueryPreviewEdge - 8, Qt::KeepAspectRatio, Qt::SmoothTransformation)));
}

}  // namespace diffclip::ui
