#pragma once
// Forced into every translation unit of the UI and of what links it (CMake: -include).
// ui/ talks to the model only through the core's LibTorch-free headers; a LibTorch header
// reached directly or through a core header names the namespace c10 and stops the build here.
// On Debian, LibTorch's headers sit in /usr/include, so include paths alone cannot keep them out.
#pragma GCC poison c10
