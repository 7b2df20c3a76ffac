#include "Commands.h"

#include <iostream>

#include "diffclip/model/Runtime.h"

#ifndef DIFFCLIP_VERSION
#define DIFFCLIP_VERSION "unknown"
#endif

namespace diffclip::cli {

const std::vector<Command>& commands() {
    static const std::vector<Command> list = {
        {"inspect", runInspect}, {"import", runImport}, {"verify", runVerify},
        {"tokenize", runTokenize}, {"embed", runEmbed}, {"bench", runBench},
#ifdef DIFFCLIP_HAVE_LIBRARY
        {"index", runIndex}, {"search", runSearch}, {"library", runLibrary}, {"export", runExport},
        {"usage", runUsage},
        {"classify", runClassify}, {"evaluate", runEvaluate}, {"explain", runExplain},
        {"train", runTrain}, {"study", runStudy},
#endif
#ifdef DIFFCLIP_HAVE_REPORT
        {"report", runReport},
#endif
#ifdef DIFFCLIP_HAVE_DEMO
        {"demo", runDemo},
#endif
#ifdef DIFFCLIP_HAVE_DEMO_RUN
        {"pretrain", runPretrain},
#endif
    };
    return list;
}

void printVersion() {
    std::cout << "diffclip " << DIFFCLIP_VERSION << "\n"
              << "LibTorch " << libtorchVersion() << "\n"
#ifdef DIFFCLIP_OPENCV_VERSION
              << "OpenCV " << DIFFCLIP_OPENCV_VERSION << "\n"
#else
              << "OpenCV: not in this build\n"
#endif
#ifdef DIFFCLIP_SQLITE_VERSION
              << "SQLite " << DIFFCLIP_SQLITE_VERSION << "\n"
#else
              << "SQLite: not in this build\n"
#endif
#ifdef DIFFCLIP_QT_VERSION
              << "Qt " << DIFFCLIP_QT_VERSION << " (desktop application)\n";
#else
              << "Qt: not in this build\n";
#endif
}

}  // namespace diffclip::cli
