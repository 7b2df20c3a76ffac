#pragma once
// `diffclip evaluate --library LIB --models A,B`: two models compared on the library's labelled
// photos (core/indexing Compare.h). runEvaluate parses the options and hands them here.

#include <string>
#include <vector>

namespace diffclip::cli {

struct CompareModelsArgs {
    std::string library;
    std::string modelA, modelB;  // MODEL arguments
    std::string tokenizer;
    std::vector<int> ks;
    long long iterations = 10000;
    long long seed = 0;
    bool json = false;
};

/// Prints the tables and sentences (or the JSON document); returns the exit status.
int runCompareModels(const CompareModelsArgs& args);

}  // namespace diffclip::cli
