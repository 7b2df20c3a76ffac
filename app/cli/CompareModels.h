#pragma once
// `diffclip evaluate --library LIB --models A,B`: two models compared on the library's labelled
// photos (core/indexing Compare.h). runEvaluate parses the options and hands them here.

#include <string>
#include <utility>
#include <vector>

#include "diffclip/indexing/Compare.h"
#include "diffclip/library/Library.h"

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

/// The library's records of two MODEL arguments: each model is opened (checksums checked) and
/// named by its folder (the full argument when both folders share a name); its weights'
/// fingerprint must have embeddings in the library (`counts`). Errors name model A or B and,
/// for a model without embeddings, the index command that adds them.
Result<std::pair<ComparedModel, ComparedModel>> resolveComparedModels(
    const std::string& library, const std::vector<Library::ModelEmbeddingCount>& counts, const std::string& modelA,
    const std::string& modelB, const std::string& tokenizer);

}  // namespace diffclip::cli
