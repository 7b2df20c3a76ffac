// `diffclip report`: the PoC report (report/PocReport.h, docs/POC.md "The PoC report") as PDF or
// HTML, and its tables as CSV, from a library's usage log and labelled photos.
#include <QGuiApplication>
#include <QString>

#include <fstream>
#include <iostream>
#include <sstream>

#include "Commands.h"
#include "CompareModels.h"
#include "Output.h"
#include "PocReport.h"
#include "UsageArgs.h"
#include "diffclip/model/ModelSummary.h"

#ifndef DIFFCLIP_VERSION
#define DIFFCLIP_VERSION "unknown"
#endif

namespace diffclip::cli {

namespace {

// The saved result of `study data-needs --json`; errors name the file.
Result<Json> readDataNeeds(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return makeError(ErrorCode::NotFound, path + ": cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    auto j = parseJson(text.str());
    if (!j) return makeError(ErrorCode::Format, path + ": " + j.error().message);
    const Json* format = j->is_object() ? jsonFind(*j, "format") : nullptr;
    if (!format || !format->is_string() || format->get<std::string>() != "diffclip-data-needs/1")
        return makeError(ErrorCode::Format, path + ": not the output of `diffclip study data-needs --json`");
    return *j;
}

}  // namespace

int runReport(int argc, char** argv) {
    CommandLine cli("report",
                    "--library LIB --out FILE.pdf|FILE.html [--csv DIR] [--lang en|ja] [--models A,B] "
                    "[--data-needs FILE.json] [--from DATE] [--to DATE] [filters] [--before-minutes M ...]\n\n"
                    "The PoC report a manager can sign: a verdict, the hit rates with 95% intervals (overall, per label,\n"
                    "per week), monitoring and photo drift, speed and cost, time and money with the plant's inputs, two\n"
                    "models compared on the library's labelled photos, the data-needs curve of a saved study, example\n"
                    "searches with their A1 and A1 − λA2 maps, the models' provenance and the machine. PDF (A4) or one self-contained HTML file; --csv writes its tables.\n"
                    "docs/POC.md says how each figure is computed.");
    std::string library, out, csvDir, lang = "en", modelList, dataNeeds, tokenizer;
    long long bootstrap = 10000, examples = 3;
    std::string explainModel, masks;
    KpiArgs args;
    UsageKpiOptions o;
    EconomicsInputs money;
    cli.addText("--library", library, "LIB", "the library file")->required();
    cli.addText("--out", out, "FILE", "the report: FILE.pdf or FILE.html (replaced atomically)")->required();
    cli.addText("--csv", csvDir, "DIR", "also write the tables as CSV files into DIR");
    cli.addText("--lang", lang, "L", "en | ja (default en)");
    cli.addText("--models", modelList, "A,B", "compare these two models (MODEL arguments that embedded the library)");
    cli.addInteger("--bootstrap", bootstrap, 1, 10000000, "N", "bootstrap resamples of the comparison (default 10000)");
    cli.addText("--tokenizer", tokenizer, "FILE", kTokenizerHelp);
    cli.addInteger("--examples", examples, 0, 20, "N",
                   "example searches shown with their A1 and A1 − λA2 maps (default 3; 0: none)");
    cli.addText("--explain-model", explainModel, "MODEL",
                "the differential model whose maps they show (default: the library's main model)");
    cli.addText("--masks", masks, "DIR",
                "region masks of the example photos (DIR/<folder>/<name>.png or DIR/<name>.png): the share of each "
                "map inside the defect");
    cli.addText("--data-needs", dataNeeds, "FILE", "the JSON of `diffclip study data-needs --json` to include");
    addKpiOptions(cli, o, args);
    addEconomicsOptions(cli, money);
    if (int rc = cli.parse(argc, argv); rc >= 0) return rc;
    if (lang != "en" && lang != "ja") return cli.usageError("--lang must be en or ja, not \"" + lang + "\"");
    std::string moneyError;
    const bool withMoney = economicsGiven(cli, money, moneyError);
    if (!moneyError.empty()) return cli.usageError(moneyError);
    if (auto bad = applyKpiOptions(args, o); !bad.empty()) return cli.usageError(bad);
    const QString outPath = QString::fromLocal8Bit(out.c_str());
    if (!outPath.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive) && !outPath.endsWith(QLatin1String(".html"), Qt::CaseInsensitive))
        return cli.usageError("--out must end in .pdf or .html");
    std::string modelA, modelB;
    if (!modelList.empty()) {
        const auto comma = modelList.find(',');
        if (comma == std::string::npos || comma == 0 || comma + 1 >= modelList.size() ||
            modelList.find(',', comma + 1) != std::string::npos)
            return cli.usageError("--models needs two models: A,B");
        modelA = modelList.substr(0, comma);
        modelB = modelList.substr(comma + 1);
    }

    report::PocReportRequest request;
    request.libraryPath = library;
    request.kpis = o;
    if (withMoney) request.economics = money;
    request.iterations = bootstrap;
    request.examples = int(examples);
    request.explainModel = explainModel;
    request.masksDir = masks;
    request.program = std::string("diffclip ") + DIFFCLIP_VERSION;
    request.machine = {runtimeDescription()};
    if (!dataNeeds.empty()) {
        auto j = readDataNeeds(dataNeeds);
        if (!j) return fail(j.error());
        request.dataNeeds = *j;
    }
    auto lib = openLog(library, false);
    if (!lib) return fail(lib.error());
    if (!modelA.empty()) {
        auto counts = lib->embeddingCountsByModel();
        if (!counts) return fail(counts.error());
        auto models = resolveComparedModels(library, *counts, modelA, modelB, tokenizer);
        if (!models) return fail(models.error());
        request.models = *models;
    }

    // Fonts and painting need a QGuiApplication; no window is shown, so no display is needed.
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    int qtArgc = 1;
    char* qtArgv[] = {argv[0], nullptr};
    QGuiApplication app(qtArgc, qtArgv);
    if (!report::installReportTranslator(QString::fromStdString(lang)))
        return fail(makeError(ErrorCode::NotFound, "the " + lang + " translation of the report is missing from this build"));
    auto data = report::gatherPocReport(*lib, request);
    if (!data) return fail(makeError(data.error().code, library + ": " + data.error().message));
    if (Status s = report::PocReport::write(outPath, *data, request); !s) return fail(s.error());
    std::cout << out << "\n";
    if (!csvDir.empty()) {
        auto files = report::PocReport::writeCsv(QString::fromLocal8Bit(csvDir.c_str()), *data, request);
        if (!files) return fail(files.error());
        for (const QString& f : *files) std::cout << f.toLocal8Bit().constData() << "\n";
    }
    if (!data->comparisonError.empty()) std::cerr << "diffclip: note: no comparison in the report: " << data->comparisonError << "\n";
    if (size_t(examples) > data->examples.size() && !data->examplesNote.empty())
        std::cerr << "diffclip: note: " << data->examples.size() << " of " << examples
                  << " example searches in the report: " << data->examplesNote << "\n";
    return kOk;
}

}  // namespace diffclip::cli
