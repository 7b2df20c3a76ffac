#pragma once
// Synthetic training photos shared by the training tests: small BMPs whose stripe direction is
// the class, and a three-class tree with duplicates and a prompt.txt.
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace diffclip::testdata {

namespace fs = std::filesystem;

// A 24-bit BMP of w x h pixels whose pattern depends on `kind` (the class) and `variant`.
inline void writeBmp(const fs::path& path, int w, int h, int kind, int variant) {
    const int rowBytes = (w * 3 + 3) & ~3;
    const int size = 54 + rowBytes * h;
    std::vector<uint8_t> b(static_cast<size_t>(size), 0);
    auto put32 = [&](int off, uint32_t v) {
        for (int i = 0; i < 4; ++i) b[static_cast<size_t>(off + i)] = static_cast<uint8_t>(v >> (8 * i));
    };
    b[0] = 'B';
    b[1] = 'M';
    put32(2, static_cast<uint32_t>(size));
    put32(10, 54);
    put32(14, 40);
    put32(18, static_cast<uint32_t>(w));
    put32(22, static_cast<uint32_t>(h));
    b[26] = 1;
    b[28] = 24;
    put32(34, static_cast<uint32_t>(rowBytes * h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            int v = 0;
            if (kind == 0) v = ((x / 4) % 2) * 200;            // vertical stripes
            else if (kind == 1) v = ((y / 4) % 2) * 200;       // horizontal stripes
            else v = (((x + y) / 4) % 2) * 200;                // diagonal
            v = std::min(255, v + (variant * 7) % 40);
            uint8_t* p = &b[static_cast<size_t>(54 + y * rowBytes + x * 3)];
            p[0] = p[1] = p[2] = static_cast<uint8_t>(v);
        }
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), size);
}

// 3 classes x `perClass` photos, plus duplicates inside a class and across classes.
inline void makeTree(const fs::path& root, int perClass) {
    const char* names[] = {"scratch_mark", "dent", "clean"};
    for (int c = 0; c < 3; ++c) {
        fs::create_directories(root / names[c]);
        for (int i = 0; i < perClass; ++i) writeBmp(root / names[c] / ("p" + std::to_string(i) + ".bmp"), 24, 20, c, i);
    }
    fs::copy_file(root / "dent" / "p1.bmp", root / "dent" / "copy_of_p1.bmp");
    fs::copy_file(root / "dent" / "p2.bmp", root / "clean" / "same_as_dent_p2.bmp");
    std::ofstream(root / "dent" / "prompt.txt") << "\n  a photo of a dented metal sheet  \n";
}

}  // namespace diffclip::testdata
