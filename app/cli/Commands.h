#pragma once
// The `diffclip` commands. Each takes the full argv (argv[1] is its name) and returns the
// process exit status (Output.h). Errors are printed, never thrown.

#include <string>
#include <vector>

#include "CommandLine.h"

namespace diffclip::cli {

struct Command {
    const char* name;
    int (*run)(int argc, char** argv);
};

const std::vector<Command>& commands();
void printVersion();

int runInspect(int argc, char** argv);
int runImport(int argc, char** argv);
int runVerify(int argc, char** argv);
int runTokenize(int argc, char** argv);
int runEmbed(int argc, char** argv);
int runBench(int argc, char** argv);
#ifdef DIFFCLIP_HAVE_LIBRARY
int runIndex(int argc, char** argv);
int runSearch(int argc, char** argv);
int runLibrary(int argc, char** argv);
int runExport(int argc, char** argv);
/// `diffclip usage export|clear|kpis` (UsageCommands.cpp).
int runUsage(int argc, char** argv);
int runClassify(int argc, char** argv);
int runEvaluate(int argc, char** argv);
int runTrain(int argc, char** argv);
/// `diffclip study data-needs` (StudyCommands.cpp).
int runStudy(int argc, char** argv);
int runExplain(int argc, char** argv);
#endif
#ifdef DIFFCLIP_HAVE_REPORT
/// `diffclip report` (ReportCommands.cpp): the PoC report as PDF or HTML, and CSV.
int runReport(int argc, char** argv);
#endif
#ifdef DIFFCLIP_HAVE_DEMO
int runDemo(int argc, char** argv);
/// `diffclip demo` without a subcommand: generate, train, index, measure, open the application.
int runDemoAll(int argc, char** argv);
int runPretrain(int argc, char** argv);  // needs the demo (generator) and training
#endif

}  // namespace diffclip::cli
