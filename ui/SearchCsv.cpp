#include "SearchCsv.h"
#include "StdText.h"

#include <QSaveFile>
#include <QStringList>

#include "SearchQuery.h"
#include "diffclip/formats/Csv.h"

namespace diffclip::ui {

SearchCsvOutcome writeSearchCsv(const QString& path, const std::vector<SearchQuery>& queries) {
    SearchCsvOutcome outcome;
    QSaveFile file(path);  // written beside, renamed over: never half a file
    if (!file.open(QIODevice::WriteOnly)) {
        outcome.failure = SearchCsvOutcome::Failure::Create;
        outcome.detail = file.errorString();
        return outcome;
    }
    std::string out = "query,rank,group,path,score,label,product,line,lot,date,inspector,notes,extra\r\n";
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
                                            fromStd(im.path),
                                            QString::number(double(h->score), 'f', 6),
                                            fromStd(h->label),
                                            fromStd(im.product),
                                            fromStd(im.line),
                                            fromStd(im.lot),
                                            fromStd(im.date),
                                            fromStd(im.inspector),
                                            fromStd(im.notes),
                                            im.extraJson == "{}" ? QString() : fromStd(im.extraJson)};
                std::vector<std::string> utf8;
                for (const QString& f : fields) utf8.push_back(f.toUtf8().toStdString());
                diffclip::appendCsvRow(out, utf8);
                ++outcome.rows;
            }
        }
    }
    file.write(out.data(), qint64(out.size()));
    if (!file.commit()) {
        outcome.failure = SearchCsvOutcome::Failure::Write;
        outcome.detail = file.errorString();
        outcome.rows = 0;
    }
    return outcome;
}

}  // namespace diffclip::ui
