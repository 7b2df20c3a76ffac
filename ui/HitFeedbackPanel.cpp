#include "HitFeedbackPanel.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

#include "ErrorBanner.h"
#include "ErrorText.h"
#include "LibraryAccess.h"
#include "SearchResultsModel.h"

namespace diffclip::ui {

namespace {

using History = diffclip::Result<std::vector<diffclip::Library::FeedbackRecord>>;

QPushButton* judgeButton(const QString& name, const QString& accessible, QWidget* parent) {
    auto* b = new QPushButton(parent);
    b->setObjectName(name);
    b->setAccessibleName(accessible);
    // A dialog makes its first auto-default button the default: Enter would judge.
    b->setAutoDefault(false);
    b->setDefault(false);
    return b;
}

}  // namespace

HitFeedbackPanel::HitFeedbackPanel(LibraryAccess* access, const QString& queryKey, qint64 hitImageId, QWidget* parent,
                                   std::shared_ptr<const std::atomic<qint64>> searchId, int rank)
    : QWidget(parent),
      m_access(access),
      m_key(queryKey.toStdString()),
      m_hitId(hitImageId),
      m_searchId(std::move(searchId)),
      m_rank(rank) {
    m_right = judgeButton(QStringLiteral("rightButton"), tr("Mark hit as right"), this);
    connect(m_right, &QPushButton::clicked, this, &HitFeedbackPanel::markRight);
    m_wrong = judgeButton(QStringLiteral("wrongButton"), tr("Mark hit as wrong"), this);
    connect(m_wrong, &QPushButton::clicked, this, &HitFeedbackPanel::markWrong);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("feedbackState"));
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::PlainText);
    m_historyText = new QLabel(this);
    m_historyText->setObjectName(QStringLiteral("feedbackHistory"));
    m_historyText->setTextFormat(Qt::PlainText);
    m_historyText->setAccessibleName(tr("Earlier judgements"));
    m_historyText->setToolTip(tr("Every judgement of this hit for this query, oldest first. All are kept."));
    m_historyText->setForegroundRole(QPalette::PlaceholderText);
    m_historyText->hide();
    m_error = new ErrorBanner(this);

    auto* texts = new QVBoxLayout;
    texts->addWidget(m_state);
    texts->addWidget(m_historyText);
    auto* row = new QHBoxLayout;
    row->addLayout(texts, 1);
    row->addWidget(m_right);
    row->addWidget(m_wrong);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_error);
    layout->addLayout(row);

    showHistory();
    load();
}

std::optional<bool> HitFeedbackPanel::current() const {
    if (m_history.empty()) return std::nullopt;
    return m_history.back().right;
}

QString HitFeedbackPanel::when(qint64 ms) const {
    return QLocale().toString(QDateTime::fromMSecsSinceEpoch(ms), QLocale::ShortFormat);
}

void HitFeedbackPanel::load() {
    if (!m_access || !m_access->isOpen()) return;
    m_loading = true;
    showHistory();
    m_access->run<History>(
        this, [key = m_key, id = m_hitId](diffclip::Library& lib) { return lib.feedbackHistory(key, id); },
        [this](History r) {
            m_loading = false;
            if (!r) {
                m_error->showError(tr("Earlier judgements not read"),
                                   tr("The library could not be read. You can still judge this hit."),
                                   ErrorText::details(r.error()));
            } else {
                m_history = std::move(r).value();
            }
            showHistory();
        });
}

void HitFeedbackPanel::markRight() { store(true); }
void HitFeedbackPanel::markWrong() { store(false); }

void HitFeedbackPanel::store(bool right) {
    if (isBusy() || !m_access || !m_access->isOpen() || current() == right) return;
    const std::optional<bool> before = current();
    const qint64 beforeMs = m_history.empty() ? 0 : m_history.back().createdAtMs;
    m_saving = true;
    m_error->clear();
    showHistory();
    m_access->run<History>(
        this,
        [key = m_key, id = m_hitId, right, searchId = m_searchId, rank = m_rank](diffclip::Library& lib) -> History {
            // Linked to the logged search (usage log) when it is; the row is the same either way.
            const qint64 logged = searchId ? searchId->load() : 0;
            diffclip::Status s = logged > 0 && rank > 0 ? lib.addSearchFeedback(logged, rank, right)
                                                        : lib.addFeedback(key, id, right);
            if (!s) return s.error();
            return lib.feedbackHistory(key, id);
        },
        [this, right, before, beforeMs](History r) {
            m_saving = false;
            if (!r) {
                m_error->showError(tr("Feedback not saved"),
                                   tr("The judgement could not be stored in the library. Check that the library "
                                      "file is writable and the disk is not full, then try again."),
                                   ErrorText::details(r.error()));
                showHistory(tr("Not saved."));
                return;
            }
            m_history = std::move(r).value();
            const QString now = SearchResultsModel::judgementText(right);
            showHistory(before ? tr("Changed to %1. It replaces %2 of %3, which stays in the history.")
                                     .arg(now, SearchResultsModel::judgementText(*before), when(beforeMs))
                               : tr("Saved: %1.").arg(now));
            Q_EMIT feedbackStored(m_hitId, right);
        });
}

void HitFeedbackPanel::showHistory(const QString& outcome) {
    const bool open = m_access && m_access->isOpen();
    const std::optional<bool> now = current();
    m_right->setText(now == false ? tr("Change to Right Match") : tr("Right Match"));
    m_wrong->setText(now == true ? tr("Change to Wrong Match") : tr("Wrong Match"));
    for (QPushButton* b : {m_right, m_wrong}) {
        const bool isRight = b == m_right;
        b->setEnabled(open && !isBusy() && now != isRight);
        if (now == isRight)
            b->setToolTip(tr("This is your judgement now."));
        else if (now)
            b->setToolTip(tr("Replaces your judgement “%1” of %2; the earlier one stays in the history.")
                              .arg(SearchResultsModel::judgementText(*now), when(m_history.back().createdAtMs)));
        else
            b->setToolTip(isRight ? tr("This photo shows the same kind of defect (saved in the library)")
                                  : tr("This photo does not match the query (saved in the library)"));
    }

    QString state;
    if (!open)
        state = tr("Feedback needs an open library.");
    else if (m_loading)
        state = tr("Reading earlier judgements…");
    else if (m_saving)
        state = tr("Saving…");
    else if (!outcome.isEmpty())
        state = outcome;
    else if (now)
        state = tr("Your judgement: %1 (%2).")
                    .arg(SearchResultsModel::judgementText(*now), when(m_history.back().createdAtMs));
    else
        state = tr("Not judged yet. Is this hit a right match for the query?");
    m_state->setText(state);

    QStringList lines;
    for (const auto& f : m_history)
        lines << tr("%1 %2 · %3").arg(f.right ? QStringLiteral("✓") : QStringLiteral("✗"),
                                     SearchResultsModel::judgementText(f.right), when(f.createdAtMs));
    m_historyText->setText(lines.join(QLatin1Char('\n')));
    m_historyText->setVisible(m_history.size() > 1);  // one judgement: the state line says it all
}

}  // namespace diffclip::ui
