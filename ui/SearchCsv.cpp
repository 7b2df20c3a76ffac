#include "SearchCsv.h"

#include <QSaveFile>
#include <QStringList>

#include "SearchQuery.h"

namespace diffclip::ui {

namespace {

QString fromUtf8(const std::string& s) { return QString::fromUtf8(s.data(), qsizetype(s.size())); }

QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) && !s.contains(QLatin1Char('\n')) &&
        !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

}  // namespace

SearchCsvOutcome writeSearchCsv(const QString& path, const std::vector<SearchQuery>& queries) {
    SearchCsvOutcome outcome;
    QSaveFile file(path);  // written beside, renamed over: never half a file
    if (!file.open(QIODevice::WriteOnly)) {
        outcome.failure = SearchCsvOutcome::Failure::Create;
        outcome.detail = file.errorString();
        return outcome;
    }
    QString out = QStringLiteral("query,rank,group,path,score,label,product,line,lot,date,inspector,notes,extra\r\n");
    for (const SearchQuery& q : queries) {
        if (!q.done || !q.ok) continue;
        const QString key = q.feedbackKey();
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
                ++outcome.rows;
            }
        }
    }
    file.write(out.toUtf8());
    if (!file.commit()) {
        outcome.failure = SearchCsvOutcome::Failure::Write;
        outcome.detail = file.errorString();
        outcome.rows = 0;
    }
    return outcome;
}

}  // namespace diffclip::ui
