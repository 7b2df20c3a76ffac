#include "SearchResultsModel.h"
#include "StdText.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

namespace diffclip::ui {

SearchResultsModel::SearchResultsModel(ThumbnailCache* thumbnails, QObject* parent)
    : QAbstractListModel(parent), m_thumbnails(thumbnails) {
    connect(m_thumbnails, &ThumbnailCache::ready, this, &SearchResultsModel::thumbnailReady);
}

void SearchResultsModel::setResult(const diffclip::SearchResult& result, const Judgements& judgements) {
    beginResetModel();
    m_result = result;
    m_judgements = judgements;
    endResetModel();
}

void SearchResultsModel::setJudgements(const Judgements& judgements) {
    m_judgements = judgements;
    if (!m_result.hits.empty())
        Q_EMIT dataChanged(index(0), index(rowCount() - 1), {JudgementRole, Qt::ToolTipRole, Qt::AccessibleTextRole});
}

void SearchResultsModel::setJudgement(qint64 imageId, bool right) {
    m_judgements[imageId] = right;
    for (int row = 0; row < rowCount(); ++row) {
        if (qint64(m_result.hits[size_t(row)].image.id) == imageId) {
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i, {JudgementRole, Qt::ToolTipRole, Qt::AccessibleTextRole});
        }
    }
}

QString SearchResultsModel::judgementText(bool right) { return right ? tr("right match") : tr("wrong match"); }

void SearchResultsModel::clear() { setResult({}, {}); }

const diffclip::SearchHit* SearchResultsModel::hitAt(int row) const {
    if (row < 0 || row >= int(m_result.hits.size())) return nullptr;
    return &m_result.hits[size_t(row)];
}

int SearchResultsModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_result.hits.size());
}

QVariant SearchResultsModel::data(const QModelIndex& index, int role) const {
    const diffclip::SearchHit* hit = index.isValid() ? hitAt(index.row()) : nullptr;
    if (!hit) return {};
    const QString path = fromStd(hit->image.path);
    const auto judged = m_judgements.find(qint64(hit->image.id));
    const int judgement = judged == m_judgements.end() ? 0 : judged->second ? 1 : -1;
    switch (role) {
    case Qt::DisplayRole:
        return QFileInfo(path).fileName();
    case Qt::DecorationRole:
        return m_thumbnails->thumbnail(path);
    case Qt::ToolTipRole: {
        QString tip = path + QLatin1Char('\n') + tr("Score: %1").arg(double(hit->score), 0, 'f', 3);
        if (!hit->label.empty()) tip += QLatin1Char('\n') + tr("Label: %1").arg(fromStd(hit->label));
        const QString meta = metadataDetails(hit->image);
        if (!meta.isEmpty()) tip += QLatin1Char('\n') + meta;
        if (!hit->nearDuplicates.empty()) tip += QLatin1Char('\n') + tr("%n similar photo(s) in this group", nullptr, int(hit->nearDuplicates.size()));
        if (judgement != 0) tip += QLatin1Char('\n') + tr("Your judgement: %1").arg(judgementText(judgement > 0));
        return tip;
    }
    case Qt::AccessibleTextRole: {
        QString text = tr("%1, score %2, label %3")
                           .arg(QFileInfo(path).fileName())
                           .arg(double(hit->score), 0, 'f', 3)
                           .arg(hit->label.empty() ? tr("none") : fromStd(hit->label));
        if (judgement != 0) text += tr(", judged %1").arg(judgementText(judgement > 0));
        return text;
    }
    case ScoreRole:
        return double(hit->score);
    case LabelRole:
        return fromStd(hit->label);
    case PathRole:
        return path;
    case ImageIdRole:
        return qint64(hit->image.id);
    case MetadataRole:
        return metadataLine(hit->image);
    case SimilarCountRole:
        return int(hit->nearDuplicates.size());
    case BelowThresholdRole:
        return m_result.confident.has_value() && double(hit->score) < m_result.threshold;
    case ThumbnailFailedRole:
        return m_thumbnails->failed(path);
    case JudgementRole:
        return judgement;
    default:
        return {};
    }
}

void SearchResultsModel::thumbnailReady(const QString& path) {
    for (int row = 0; row < int(m_result.hits.size()); ++row) {
        if (fromStd(m_result.hits[size_t(row)].image.path) == path) {
            const QModelIndex i = index(row);
            Q_EMIT dataChanged(i, i, {Qt::DecorationRole, ThumbnailFailedRole});
        }
    }
}

QString SearchResultsModel::metadataLine(const diffclip::ImageRecord& image) {
    QStringList parts;
    for (const std::string* s : {&image.product, &image.line, &image.date, &image.lot})
        if (!s->empty()) parts << fromStd(*s);
    return parts.join(QStringLiteral(" · "));
}

QString SearchResultsModel::metadataDetails(const diffclip::ImageRecord& image) {
    QStringList lines;
    const std::pair<QString, const std::string*> fields[] = {
        {tr("Product"), &image.product}, {tr("Line"), &image.line},           {tr("Lot"), &image.lot},
        {tr("Date"), &image.date},       {tr("Inspector"), &image.inspector}, {tr("Notes"), &image.notes},
    };
    for (const auto& [name, value] : fields)
        if (!value->empty()) lines << tr("%1: %2").arg(name, fromStd(*value));
    const QJsonObject extra = QJsonDocument::fromJson(QByteArray::fromStdString(image.extraJson)).object();
    for (auto it = extra.begin(); it != extra.end(); ++it) {
        const QString v = it.value().isString() ? it.value().toString()
                                                : QString::fromUtf8(QJsonDocument(QJsonObject{{it.key(), it.value()}})
                                                                        .toJson(QJsonDocument::Compact));
        if (!v.isEmpty()) lines << tr("%1: %2").arg(it.key(), v);
    }
    return lines.join(QLatin1Char('\n'));
}

}  // namespace diffclip::ui
