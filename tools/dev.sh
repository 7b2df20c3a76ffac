#!/usr/bin/env bash
# The README's two commands:
#   tools/dev.sh run    install dependencies, build, start DiffCLIP Studio on its built-in demo
#   tools/dev.sh test   install dependencies, build, run the whole test suite
# Dependencies come from Debian 12 packages (tools/install-deps.sh, asks for sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-}
case "$what" in
  run|test) ;;
  *) echo "usage: tools/dev.sh run|test" >&2; exit 2 ;;
esac

bash tools/install-deps.sh
cmake --preset release
# Two jobs: LibTorch translation units need about 1.5 GB of memory each.
cmake --build --preset release -j "${DIFFCLIP_BUILD_JOBS:-2}"

if [ "$what" = run ]; then
  # The built-in demo: synthetic defect photos, a starter model trained on them (a few minutes
  # the first time; later runs reuse everything), a demo library, then the application on it.
  exec build/bin/diffclip demo "${@:2}"
fi

# The test suite: every CTest test (Qt Test executables; the GUI ones on the offscreen
# platform), then a short run of each parser fuzzer under AddressSanitizer.
ctest --preset release -j 2
bash tools/run-fuzzers.sh "${DIFFCLIP_FUZZ_SECONDS:-20}"
