#pragma once
// The PoC report (docs/POC.md, "The PoC report"): one document a manager can read and sign, from
// a library's usage log and labelled photos, as PDF (A4, fonts embedded, so Japanese prints as
// typed), as one self-contained HTML file (charts inline), and as CSV files of its tables.
// Sections: a one-paragraph verdict; the hit rates with 95% intervals (overall, per label, per
// week with a chart); monitoring and photo drift; latency and cost; time and money with the
// plant's inputs; the A/B comparison of two models; the data-needs curve of a saved
// `study data-needs --json`; the models' provenance; the machine; dates and program version.
//
// Qt Gui only (no widgets, no LibTorch), so `diffclip report` and the PoC page share it. Words go
// through Qt's translator: the caller installs the language (installReportTranslator for the
// command line; the desktop application's own translator covers these texts too).
//
// Threading: gatherPocReport reads through the given Library on the calling thread (a worker
// thread in the application). The writers paint charts and lay out text: on a thread with a
// QGuiApplication (the GUI thread).

#include <QCoreApplication>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>
#include <vector>

#include "diffclip/base/Result.h"
#include "diffclip/formats/Json.h"
#include "diffclip/imaging/ImageDecode.h"
#include "diffclip/indexing/Compare.h"
#include "diffclip/library/EmbeddingDrift.h"
#include "diffclip/library/UsageEconomics.h"
#include "diffclip/library/UsageKpis.h"

namespace diffclip {
class Library;
}

namespace diffclip::report {

struct PocReportRequest {
    std::string libraryPath;                // shown in the report
    UsageKpiOptions kpis;                   // period, filters, time zone, monitoring window
    std::optional<EconomicsInputs> economics;
    /// A and B of the comparison (library model records); none: the section says how to add it.
    std::optional<std::pair<ComparedModel, ComparedModel>> models;
    int64_t iterations = 10000;             // bootstrap resamples of the comparison
    /// The JSON of `diffclip study data-needs --json` (format diffclip-data-needs/1); null: none.
    Json dataNeeds;
    /// Example searches shown with their A1 and A1 − λA2 maps (0: none): judged searches whose
    /// hit was marked right and whose query photo is still on disk, spread over the period.
    int examples = 3;
    /// The differential model whose maps they show (MODEL argument); "": the library's main
    /// model (the one with the most embeddings; its name is the MODEL it was indexed with).
    std::string explainModel;
    /// Optional folder of region masks (as `diffclip explain --masks`): an example photo's mask is
    /// DIR/<its folder name>/<its name>.png or DIR/<its name>.png (white = the defect). Without
    /// it, a photo under .../photos/<path> finds its mask at .../masks/<path> with .png (the
    /// demo's layout). With a mask the example says how much of each map falls inside it. Needs a
    /// package folder as the model (its config.json says how photos are cropped).
    std::string masksDir;
    std::vector<std::string> machine;       // lines the caller adds (LibTorch version, device)
    std::string program;                    // e.g. "DiffCLIP Studio 0.9.0"
};

/// One model the library holds, for the provenance table.
struct ReportModel {
    std::string name, fingerprint;
    int64_t embeddings = 0;
    Json training;   // training.json of the package folder named `name`, when readable; null else
};

/// One example search: the query photo as the model saw it beside its A1 and A1 − λA2 maps on one
/// colour scale (the Explain page's figure), and how concentrated each map is.
struct ReportExample {
    std::string query;          // the photo path
    std::string label;          // the label of the right hit
    int rank = 0;               // rank of the first hit marked right
    RgbImage8 figure;           // photo, A1, A1 − λA2, colour bar, caption
    double a1Top10 = 0, diffTop10 = 0;            // share of |map| in the top 10 % of patches
    double a1Entropy = 0, diffEntropy = 0;        // normalised entropy, 0 (one patch) .. 1 (uniform)
    std::optional<double> a1Region, diffRegion;   // share of |map| inside the photo's mask, when found
};

/// Everything the report shows, read from the library (plain data, copyable across threads).
struct PocReportData {
    UsageKpis kpis;
    std::optional<Economics> economics;
    EmbeddingDrift drift;
    std::optional<ModelComparison> comparison;
    std::string comparisonError;            // why there is none although models were asked for
    std::vector<ReportModel> models;
    std::vector<ReportExample> examples;
    std::string examplesModel;              // the model the maps come from
    std::string examplesNote;               // why there are fewer examples than asked (or none)
    int64_t photos = 0, labelled = 0;
    int64_t generatedMs = 0;                // when it was gathered (Unix ms)
};

/// Reads the figures for `request` through `library`. Errors: those of the library reads (a
/// failed comparison is kept in comparisonError instead; the rest of the report still stands).
Result<PocReportData> gatherPocReport(Library& library, const PocReportRequest& request);

/// The report's words and layout. Q_DECLARE_TR_FUNCTIONS gives the translation context.
class PocReport {
    Q_DECLARE_TR_FUNCTIONS(PocReport)

public:
    /// The report as one HTML document; with `inlineImages` the charts are data: URIs (a
    /// self-contained file), else they refer to the resource names chartNames() lists.
    static QString html(const PocReportData& data, const PocReportRequest& request, bool inlineImages);
    static QStringList chartNames();
    /// The resource name of example `index`'s figure in the PDF's document.
    static QString exampleName(size_t index);
    /// Writes `path`: .pdf (A4) or .html (self-contained). Errors: InvalidArgument (another
    /// extension), Io (the file cannot be written; nothing is left half-written).
    static Status write(const QString& path, const PocReportData& data, const PocReportRequest& request);
    /// One CSV file per table (RFC 4180, UTF-8) in `dir` (made when missing): hit_rates.csv,
    /// latency.csv, per_day.csv, comparison.csv and data_needs.csv when present. Returns the
    /// files written. Errors: Io.
    static Result<QStringList> writeCsv(const QString& dir, const PocReportData& data, const PocReportRequest& request);

    /// One sentence per comparison finding in the installed language (the PoC page's dialog
    /// uses it too).
    static QString comparisonSentence(const ComparisonFinding& f);
};

/// Installs the translator of `language` ("en": none needed, "ja") for the report's texts from
/// the resources compiled into this library. False when the language is not known.
bool installReportTranslator(const QString& language);

}  // namespace diffclip::report
