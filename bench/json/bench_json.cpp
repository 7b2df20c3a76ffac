// Times parsing and dumping a large real JSON text: the safetensors header of DiffCLIP ViT-B/16
// (517 tensors, names and shapes from ../shared/fixtures; 400 generated entries when the fixture
// is missing), with parseJson / dumpJson and with nlohmann's own parser without our checks.
// The hand-written parser they replaced measured 0.38 ms against 1.07 ms for parseJson + dumpJson
// (docs/ARCHITECTURE.md, "JSON"; the commit that introduced this benchmark compared both).
//   bench_json [ITERATIONS]   (default 200)

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "diffclip/formats/Json.h"
#include "diffclip/formats/SafetensorsHeader.h"

namespace {

using namespace diffclip;
using Clock = std::chrono::steady_clock;

std::string readFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// The header text (without the 8-byte length) that writing these tensors produces.
std::string headerText(std::string& source)
{
    std::vector<SafetensorsTensorInfo> tensors;
    auto shapes = parseJson(readFile(std::string(DIFFCLIP_SHARED_DIR) + "/fixtures/diffclip-vitb16-state-dict-shapes.json"));
    if (shapes && shapes->is_object()) {
        source = "DiffCLIP ViT-B/16 state dict (fixture)";
        for (const auto& [name, shape] : shapes->items())
            tensors.push_back({name, SafetensorsDtype::F32, shape.get<std::vector<int64_t>>()});
    } else {
        source = "400 generated entries (fixture missing)";
        for (int i = 0; i < 400; ++i)
            tensors.push_back({"visual.blocks." + std::to_string(i / 16) + ".attn.tensor_" + std::to_string(i % 16) + ".weight",
                               SafetensorsDtype::F32, {768, 3 * 768}});
    }
    auto encoded = encodeSafetensorsHeader(tensors, {{"format", "pt"}}, nullptr);
    if (!encoded) {
        std::fprintf(stderr, "bench_json: %s\n", encoded.error().describe().c_str());
        std::exit(1);
    }
    return encoded->substr(8);
}

struct Timing {
    double parseUs = 0, dumpUs = 0;
};

// Median over `iterations` runs of each step, in microseconds.
template <class Parse, class Dump>
Timing measure(int iterations, Parse parse, Dump dump)
{
    std::vector<double> p, d;
    size_t sink = 0;
    for (int i = 0; i < iterations; ++i) {
        const auto t0 = Clock::now();
        auto value = parse();
        const auto t1 = Clock::now();
        sink += dump(value).size();
        const auto t2 = Clock::now();
        p.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
        d.push_back(std::chrono::duration<double, std::micro>(t2 - t1).count());
    }
    if (sink == 0)
        std::exit(1);
    const auto median = [](std::vector<double>& v) {
        std::nth_element(v.begin(), v.begin() + long(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    return {median(p), median(d)};
}

}  // namespace

int main(int argc, char** argv)
{
    const int iterations = argc > 1 ? std::max(1, std::atoi(argv[1])) : 200;
    std::string source;
    const std::string text = headerText(source);

    auto parsed = parseJson(text);
    if (!parsed) {
        std::fprintf(stderr, "bench_json: the header does not parse: %s\n", parsed.error().describe().c_str());
        return 1;
    }

    const Timing newT = measure(
        iterations, [&] { return std::move(parseJson(text)).value(); }, [](const Json& v) { return dumpJson(v); });
    // nlohmann's own DOM parser without our checks: what the strict SAX handler costs on top.
    const Timing plainT = measure(
        iterations, [&] { return Json::parse(text); }, [](const Json& v) { return v.dump(); });

    std::printf("header: %s, %zu bytes, %zu entries\n", source.c_str(), text.size(), parsed->size());
    std::printf("median of %d runs     parse (us)  dump (us)  parse+dump (us)  parse MB/s\n", iterations);
    const auto row = [&](const char* name, const Timing& t) {
        std::printf("%-20s %11.1f %10.1f %16.1f %11.1f\n", name, t.parseUs, t.dumpUs, t.parseUs + t.dumpUs,
                    double(text.size()) / t.parseUs);
    };
    row("parseJson/dumpJson", newT);
    row("nlohmann, unchecked", plainT);
    std::printf("CPU flags: ");
    std::fflush(stdout);
    return std::system("grep -o -w -E 'avx2|avx512f|avx512_bf16' /proc/cpuinfo | sort -u | tr '\\n' ' '; echo") == 0
               ? 0
               : 1;
}
