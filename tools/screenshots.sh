#!/usr/bin/env bash
# Renders every page of DiffCLIP Studio in English and Japanese, light and dark, into
# docs/screenshots/ (<page>-<language>[-dark].png), with the tiny DiffCLIP fixture open and a
# small library of NEU defect photos (24, labelled by folder) added through the app itself, and
# a temporary model registry (XDG_DATA_HOME) holding the model and a version trained from it.
# Builds nothing: run it after building diffclip-studio and diffclip.
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
if [[ ! -x "$build/bin/diffclip" ]]; then
    echo "screenshots.sh: $build/bin/diffclip not found; build the diffclip target too" >&2
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
# Four photos of each class, so the grid shows labels and thumbnails without a long job
# (sed, not head, reads all of sort's output: with pipefail an early exit would fail the script).
for class_dir in "$photos"/*/; do
    class="$(basename "$class_dir")"
    mkdir -p "$work/photos/$class"
    find "$class_dir" -maxdepth 1 -type f -name '*.jpg' | sort | sed -n 1,4p | while read -r f; do
        cp "$f" "$work/photos/$class/"
    done
done

# A model registry of its own (the app finds it under XDG_DATA_HOME): the model imported as
# a version, and a linear probe trained from it on the photos, so the Models page shows
# versions, a parent and metrics. The app then opens the imported version as its active model.
export XDG_DATA_HOME="$work/xdg"
registry="$XDG_DATA_HOME/diffclip-studio/models"
mkdir -p "$registry"
if ! log="$("$build/bin/diffclip" import "$model" --out "$registry/diffclip-tiny-a" 2>&1)"; then
    echo "screenshots.sh: importing $model into the registry failed: $log" >&2
    exit 1
fi
# Trained on the whole photo set (as the Training page picture is): four photos per class
# would leave one per class for validation, too few for meaningful figures.
OPENBLAS_NUM_THREADS=1 "$build/bin/diffclip" train --data "$photos" --mode linear --preset quick \
    --base "$registry/diffclip-tiny-a" --out "$registry/diffclip-tiny-a-linear" --threads 1 >/dev/null 2>&1 ||
    echo "screenshots.sh: training the example version failed; the registry shows the imported model only" >&2
model="$registry/diffclip-tiny-a"

for theme in light dark; do
    for lang in en ja; do
        # A fixed, neutral environment: no desktop theme plugin, the same fonts for everyone.
        (
            unset QT_QPA_PLATFORMTHEME QT_STYLE_OVERRIDE
            export LANG=C.UTF-8
            lib="$work/$lang-$theme.dclib"
            explain_photo="$(find "$work/photos" -name '*.jpg' | sort | awk 'NR == 1')"
            run "$app" --lang "$lang" --theme "$theme" --model "$model" --library "$lib" \
                --add "$work/photos" --explain "$explain_photo" --search "$explain_photo" --train "$photos" \
                --screenshot "$out"
        )
    done
done
