#include "HitDetail.h"

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

#include "ErrorBanner.h"
#include "SearchQuery.h"
#include "SearchResultsModel.h"
#include "diffclip/library/Library.h"

namespace diffclip::ui {

namespace {

constexpr int kPreviewEdge = 360;

QString fromUtf8(const std::string& s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

QLabel* previewLabel(QWidget* parent, const QString& accessibleName) {
    auto* l = new QLabel(parent);
    l->setAlignment(Qt::AlignCenter);
    l->setMinimumSize(kPreviewEdge / 2, kPreviewEdge / 2);
    l->setFixedSize(kPreviewEdge, kPreviewEdge);
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

HitDetail::HitDetail(const QString& libraryPath, const SearchQuery& query, const diffclip::SearchHit& hit, double threshold,
                     bool thresholdKnown, QWidget* parent)
    : QDialog(parent), m_libraryPath(libraryPath), m_feedbackKey(query.feedbackKey()), m_hit(hit) {
    setObjectName(QStringLiteral("hitDetail"));
    const QString hitPath = fromUtf8(hit.image.path);
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
        words->setMinimumWidth(kPreviewEdge / 2);
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
    auto* label = selectable(tr("Label: %1").arg(hit.label.empty() ? tr("(none)") : fromUtf8(hit.label)), hitBox);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
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
            lines << tr("%1 (score %2)").arg(fromUtf8(d.image.path)).arg(double(d.score), 0, 'f', 3);
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
    m_right = new QPushButton(tr("Right Match"), this);
    m_right->setObjectName(QStringLiteral("rightButton"));
    m_right->setToolTip(tr("This photo shows the same kind of defect (saved in the library)"));
    m_right->setAccessibleName(tr("Mark hit as right"));
    connect(m_right, &QPushButton::clicked, this, &HitDetail::markRight);
    m_wrong = new QPushButton(tr("Wrong Match"), this);
    m_wrong->setObjectName(QStringLiteral("wrongButton"));
    m_wrong->setToolTip(tr("This photo does not match the query (saved in the library)"));
    m_wrong->setAccessibleName(tr("Mark hit as wrong"));
    connect(m_wrong, &QPushButton::clicked, this, &HitDetail::markWrong);
    m_feedbackState = new QLabel(tr("Is this hit a right match for the query?"), this);
    m_feedbackState->setObjectName(QStringLiteral("feedbackState"));
    m_feedbackState->setWordWrap(true);
    m_error = new ErrorBanner(this);

    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);

    // Explaining needs a query photo (text queries have no image to condition the map on).
    auto* why = new QPushButton(tr("Why Did This Match?"), this);
    why->setObjectName(QStringLiteral("explainButton"));
    why->setToolTip(tr("Show where the model looks in the hit, conditioned on the query photo"));
    why->setAccessibleName(tr("Explain this match"));
    why->setEnabled(!query.path.isEmpty());
    const QString queryPath = query.path, hitPathCopy = hitPath;
    connect(why, &QPushButton::clicked, this, [this, queryPath, hitPathCopy] {
        Q_EMIT explainRequested(queryPath, hitPathCopy);
        this->close();
    });

    auto* feedbackRow = new QHBoxLayout;
    feedbackRow->addWidget(why);
    feedbackRow->addWidget(m_feedbackState, 1);
    feedbackRow->addWidget(m_right);
    feedbackRow->addWidget(m_wrong);
    feedbackRow->addWidget(close);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(sides, 1);
    layout->addWidget(m_error);
    layout->addLayout(feedbackRow);
    if (m_libraryPath.isEmpty()) {
        m_right->setEnabled(false);
        m_wrong->setEnabled(false);
        m_feedbackState->setText(tr("Feedback needs an open library."));
    }
}

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
        QPixmap pm = QPixmap::fromImage(img.scaled(QSize(kPreviewEdge, kPreviewEdge) * dpr, Qt::KeepAspectRatio,
                                                   Qt::SmoothTransformation));
        pm.setDevicePixelRatio(dpr);
        target->setPixmap(pm);
    });
    watcher->setFuture(QtConcurrent::run([path] {
        QString error;
        QImage img = loadScaledImage(path, kPreviewEdge * 2, &error);
        return std::make_pair(img, error);
    }));
}

void HitDetail::markRight() { store(true); }
void HitDetail::markWrong() { store(false); }

void HitDetail::store(bool right) {
    if (m_saving || m_libraryPath.isEmpty()) return;
    m_saving = true;
    m_right->setEnabled(false);
    m_wrong->setEnabled(false);
    m_error->clear();
    m_feedbackState->setText(tr("Saving…"));
    auto* watcher = new QFutureWatcher<diffclip::Status>(this);
    connect(watcher, &QFutureWatcher<diffclip::Status>::finished, this, [this, watcher, right] {
        const diffclip::Status s = watcher->result();
        watcher->deleteLater();
        m_saving = false;
        m_right->setEnabled(true);
        m_wrong->setEnabled(true);
        if (s.ok()) {
            m_feedbackState->setText(right ? tr("Saved: right match.") : tr("Saved: wrong match."));
            Q_EMIT feedbackStored(hitImageId(), right);
        } else {
            m_feedbackState->setText(tr("Not saved."));
            const QString reason = tr("The judgement could not be stored in the library. Check that the library "
                                      "file is writable and the disk is not full, then try again.");
            m_error->showError(tr("Feedback not saved"), reason, QString::fromStdString(s.error().describe()));
            Q_EMIT feedbackFailed(reason);
        }
    });
    const std::string lib = m_libraryPath.toStdString();
    const std::string key = m_feedbackKey.toStdString();
    const int64_t id = m_hit.image.id;
    // A connection of its own on a worker thread: opening runs quick_check, which reads the file.
    watcher->setFuture(QtConcurrent::run([lib, key, id, right]() -> diffclip::Status {
        try {
            auto library = diffclip::Library::open(lib, diffclip::LibraryOptions{false, false, 5000});
            if (!library) return library.error();
            return library->addFeedback(key, id, right);
        } catch (const std::exception& e) {
            return diffclip::makeError(diffclip::ErrorCode::Internal, e.what());
        }
    }));
}

}  // namespace diffclip::ui
