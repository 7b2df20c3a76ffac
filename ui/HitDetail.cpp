#include "HitDetail.h"
#include "StdText.h"

#include <QDialogButtonBox>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include "Controls.h"
#include "HitFeedbackPanel.h"
#include "SearchQuery.h"
#include "SearchResultsModel.h"

namespace diffclip::ui {

namespace {

constexpr int kDetailPreviewEdge = 360;


QLabel* previewLabel(QWidget* parent, const QString& accessibleName) {
    auto* l = new QLabel(parent);
    l->setAlignment(Qt::AlignCenter);
    l->setMinimumSize(kDetailPreviewEdge / 2, kDetailPreviewEdge / 2);
    l->setFixedSize(kDetailPreviewEdge, kDetailPreviewEdge);
    l->setFrameShape(QFrame::StyledPanel);
    l->setWordWrap(true);
    l->setAccessibleName(accessibleName);
    return l;
}

QLabel* selectable(const QString& text, QWidget* parent) {
    auto* l = new QLabel(text, parent);
    l->setTextFormat(Qt::PlainText);
    l->setWordWrap(true);
    l->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return l;
}

}  // namespace

HitDetail::HitDetail(LibraryAccess* access, const SearchQuery& query, const diffclip::SearchHit& hit, double threshold,
                     bool thresholdKnown, QWidget* parent)
    : QDialog(parent), m_hit(hit) {
    setObjectName(QStringLiteral("hitDetail"));
    const QString hitPath = fromStd(hit.image.path);
    setWindowTitle(tr("Search Hit — %1").arg(QFileInfo(hitPath).fileName()));
    setAccessibleName(tr("Search hit details"));

    // Left: the query (photo or words); right: the hit.
    auto* queryBox = new QGroupBox(tr("Query"), this);
    auto* queryLayout = new QVBoxLayout(queryBox);
    if (!query.isText()) {
        m_queryImage = previewLabel(queryBox, tr("Query photo"));
        queryLayout->addWidget(m_queryImage);
        queryLayout->addWidget(selectable(query.path, queryBox));
        showPreview(m_queryImage, query.path);
    } else {
        auto* words = selectable(tr("Text: “%1”").arg(query.text), queryBox);
        words->setObjectName(QStringLiteral("queryText"));
        QFont f = words->font();
        f.setPointSizeF(f.pointSizeF() * 1.3);
        words->setFont(f);
        words->setMinimumWidth(kDetailPreviewEdge / 2);
        queryLayout->addWidget(words);
    }
    queryLayout->addStretch(1);

    auto* hitBox = new QGroupBox(tr("Hit"), this);
    auto* hitLayout = new QVBoxLayout(hitBox);
    m_hitImage = previewLabel(hitBox, tr("Hit photo"));
    hitLayout->addWidget(m_hitImage);
    hitLayout->addWidget(selectable(hitPath, hitBox));
    showPreview(m_hitImage, hitPath);

    QString scoreLine = tr("Score: %1").arg(double(hit.score), 0, 'f', 3);
    if (thresholdKnown)
        scoreLine += QLatin1Char(' ') + (double(hit.score) >= threshold
                                             ? tr("(at or above this library's threshold %1)").arg(threshold, 0, 'f', 3)
                                             : tr("(below this library's threshold %1)").arg(threshold, 0, 'f', 3));
    auto* score = selectable(scoreLine, hitBox);
    score->setObjectName(QStringLiteral("hitScore"));
    hitLayout->addWidget(score);
    auto* label = selectable(tr("Label: %1").arg(hit.label.empty() ? tr("(none)") : fromStd(hit.label)), hitBox);
    setBold(label);
    hitLayout->addWidget(label);
    const QString meta = SearchResultsModel::metadataDetails(hit.image);
    auto* metaLabel = selectable(meta.isEmpty() ? tr("No metadata recorded for this photo.") : meta, hitBox);
    metaLabel->setObjectName(QStringLiteral("hitMetadata"));
    hitLayout->addWidget(metaLabel);
    if (hit.image.width > 0 && hit.image.height > 0)
        hitLayout->addWidget(selectable(tr("%1 × %2 pixels").arg(hit.image.width).arg(hit.image.height), hitBox));
    if (!hit.nearDuplicates.empty()) {
        QStringList lines;
        for (const auto& d : hit.nearDuplicates)
            lines << tr("%1 (score %2)").arg(fromStd(d.image.path)).arg(double(d.score), 0, 'f', 3);
        auto* dupTitle = new QLabel(tr("Similar photos in this group (%1):").arg(hit.nearDuplicates.size()), hitBox);
        hitLayout->addWidget(dupTitle);
        auto* dups = selectable(lines.join(QLatin1Char('\n')), hitBox);
        dups->setObjectName(QStringLiteral("nearDuplicateList"));
        hitLayout->addWidget(dups);
    }
    hitLayout->addStretch(1);

    auto* sides = new QHBoxLayout;
    sides->addWidget(queryBox, 1);
    sides->addWidget(hitBox, 1);

    // Feedback: a person's judgement, kept for evaluation and training.
    int rank = 0;  // the hit's place in the results, for the usage log
    for (size_t i = 0; i < query.result.hits.size(); ++i)
        if (query.result.hits[i].image.id == hit.image.id) rank = int(i) + 1;
    m_feedback = new HitFeedbackPanel(access, query.feedbackKey(), qint64(hit.image.id), this, query.searchId, rank);
    connect(m_feedback, &HitFeedbackPanel::feedbackStored, this, &HitDetail::feedbackStored);

    // Enter closes the window (Close is the default button); judging takes a click.
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    close->button(QDialogButtonBox::Close)->setDefault(true);

    // Explaining needs a query photo (text queries have no image to condition the map on).
    auto* why = makeButton(tr("Why Did This Match?"), tr("Explain this match"), this,
                           tr("Show where the model looks in the hit, conditioned on the query photo"));
    why->setObjectName(QStringLiteral("explainButton"));
    why->setAutoDefault(false);
    why->setEnabled(!query.isText());
    const QString queryPath = query.path, hitPathCopy = hitPath;
    connect(why, &QPushButton::clicked, this, [this, queryPath, hitPathCopy] {
        Q_EMIT explainRequested(queryPath, hitPathCopy);
        this->close();
    });

    auto* feedbackRow = new QHBoxLayout;
    feedbackRow->addWidget(why, 0, Qt::AlignBottom);
    feedbackRow->addWidget(m_feedback, 1);
    feedbackRow->addWidget(close, 0, Qt::AlignBottom);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(sides, 1);
    layout->addLayout(feedbackRow);
}

bool HitDetail::isSaving() const { return m_feedback->isSaving(); }

const ErrorBanner* HitDetail::errorBanner() const { return m_feedback->errorBanner(); }

void HitDetail::showPreview(QLabel* target, const QString& path) {
    target->setText(tr("Loading…"));
    auto* watcher = new QFutureWatcher<std::pair<QImage, QString>>(this);
    connect(watcher, &QFutureWatcher<std::pair<QImage, QString>>::finished, this, [watcher, target] {
        const auto [img, error] = watcher->result();
        watcher->deleteLater();
        if (img.isNull()) {
            target->setText(error);
            return;
        }
        const qreal dpr = target->devicePixelRatioF();
        QPixmap pm = QPixmap::fromImage(img.scaled(QSize(kDetailPreviewEdge, kDetailPreviewEdge) * dpr, Qt::KeepAspectRatio,
                                                   Qt::SmoothTransformation));
        pm.setDevicePixelRatio(dpr);
        target->setPixmap(pm);
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QString error;
        QImage img = loadScaledImage(path, kDetailPreviewEdge * 2, &error);
        return std::make_pair(img, error);
    }));
}

}  // namespace diffclip::ui
