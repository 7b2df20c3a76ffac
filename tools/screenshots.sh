#!/usr/bin/env bash
# Renders every page of DiffCLIP Studio in English and Japanese, light and dark, into
# docs/screenshots/ (<page>-<language>[-dark].png), with the tiny DiffCLIP fixture open and a
# small library of NEU defect photos (24, labelled by folder) added through the app itself.
# Builds nothing: run it after building diffclip-studio.
#
# Usage: tools/screenshots.sh [BUILD_DIR] [MODEL] [PHOTOS]
#   BUILD_DIR  default: build (the program is BUILD_DIR/bin/diffclip-studio)
#   MODEL      default: ../shared/fixtures/diffclip-tiny-a/model.safetensors
#   PHOTOS     default: ../shared/data/neu-cls (a folder per class)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build}"
model="${2:-$root/../shared/fixtures/diffclip-tiny-a/model.safetensors}"
photos="${3:-$root/../shared/data/neu-cls}"
app="$build/bin/diffclip-studio"
out="$root/docs/screenshots"

if [[ ! -x "$app" ]]; then
    echo "screenshots.sh: $app not found; build the diffclip-studio target first" >&2
    exit 1
fi
if [[ ! -e "$model" ]]; then
    echo "screenshots.sh: model $model not found" >&2
    exit 1
fi
mkdir -p "$out"

run() {
    if command -v xvfb-run >/dev/null 2>&1; then
        # 96 dpi, 24-bit colour: the pictures look like an ordinary desktop's.
        xvfb-run -a -s "-screen 0 1920x1200x24 -dpi 96" "$@"
    else
        echo "screenshots.sh: xvfb-run not found; using the offscreen platform" >&2
        QT_QPA_PLATFORM=offscreen "$@"
    fi
}

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Four photos of each class, so the grid shows labels and thumbnails without a long job.
for class_dir in "$photos"/*/; do
    class="$(basename "$class_dir")"
    mkdir -p "$work/photos/$class"
    find "$class_dir" -maxdepth 1 -type f -name '*.jpg' | sort | head -n 4 | while read -r f; do
        cp "$f" "$work/photos/$class/"
    done
done

for theme in light dark; do
    for lang in en ja; do
        # A fixed, neutral environment: no desktop theme plugin, the same fonts for everyone.
        (
            unset QT_QPA_PLATFORMTHEME QT_STYLE_OVERRIDE
            export LANG=C.UTF-8
            lib="$work/$lang-$theme.dclib"
            explain_photo="$(find "$work/photos" -name '*.jpg' | sort | awk 'NR == 1')"
            run "$app" --lang "$lang" --theme "$theme" --model "$model" --library "$lib" \
                --add "$work/photos" --explain "$explain_photo" --search "$explain_photo" --screenshot "$out"
        )
    done
done
