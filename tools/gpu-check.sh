#!/usr/bin/env bash
# GPU check: on a machine with CUDA and PyTorch (no Qt/OpenCV/SQLite needed), configure the
# model target against PyTorch's LibTorch, build the CLI, check CUDA parity with the reference
# fixtures and measure the encoders. Prints one table at the end.
#   tools/gpu-check.sh --stage          on the development machine, before the copy: puts the
#                                       header-only nlohmann-json and CLI11 (/usr/include/nlohmann,
#                                       /usr/include/CLI) into build-gpu-deps/include, to carry
#                                       along with the tree (it is ignored by git)
#   tools/gpu-check.sh [SHARED_DIR]     on the GPU machine (default ../shared)
# Set DIFFCLIP_TORCH_PREFIX to use another LibTorch (default: the one inside python3's torch).
# CMake takes the staged copies through DIFFCLIP_EXTRA_INCLUDE where it finds no package.
set -euo pipefail
cd "$(dirname "$0")/.."
deps=build-gpu-deps/include
if [ "${1:-}" = "--stage" ]; then
  rm -rf "$deps/nlohmann" "$deps/CLI"
  mkdir -p "$deps"
  cp -r /usr/include/nlohmann /usr/include/CLI "$deps/"
  echo "gpu-check: staged nlohmann-json and CLI11 ($(du -sh "$deps" | cut -f1)) in $deps; carry build-gpu-deps"
  exit 0
fi
shared=${1:-../shared}
prefix=${DIFFCLIP_TORCH_PREFIX:-$(python3 -c 'import torch;print(torch.utils.cmake_prefix_path)')}
build=build-gpu
# nlohmann-json and CLI11: the staged copies when there are some, else installed packages.
json=()
[ -d "$deps" ] && json=(-DDIFFCLIP_EXTRA_INCLUDE="$PWD/$deps")

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIFFCLIP_MODEL_ONLY=ON \
  -DDIFFCLIP_BUILD_TESTS=OFF -DCMAKE_PREFIX_PATH="$prefix" ${json[@]+"${json[@]}"}
cmake --build "$build" -j "$(nproc)" --target diffclip
bin=$build/bin/diffclip
device=${DIFFCLIP_DEVICE:-cuda}

rows=()
for f in diffclip-tiny-a/checkpoint_best.pt diffclip-tiny-a/checkpoint_best_torch113_ordereddict.pt \
         diffclip-tiny-a/model.safetensors clip-std-tiny-a/checkpoint_best.pt; do
  ref=$shared/fixtures/$(dirname "$f")/expected.safetensors
  if out=$("$bin" verify --model "$shared/fixtures/$f" --reference "$ref" --device "$device" --atol 1e-4); then
    rows+=("verify $f|$(echo "$out" | tail -1)")
  else
    rows+=("verify $f|FAILED: $(echo "$out" | tail -1)")
  fi
done

bench() {  # what dtype batch
  "$bin" bench --model preset:diffclip-vit-b16 --device "$device" --what "$1" --dtype "$2" --batch "$3" \
    --iters 20 --warmup 3 --json
}
for dt in bf16 fp16 fp32; do
  j=$(bench image $dt 256)
  rows+=("image encoder $dt batch 256|$(python3 -c 'import json,sys;d=json.load(sys.stdin);print(f"{d[\"images_per_second\"]:.0f} images/s, cosine vs fp32 {d[\"image_cosine_min_vs_fp32\"]}, peak {d[\"peak_memory_bytes\"]/2**30:.2f} GiB")' <<<"$j")")
  j=$(bench text $dt 256)
  rows+=("text encoder $dt batch 256|$(python3 -c 'import json,sys;d=json.load(sys.stdin);print(f"{d[\"prompts_per_second\"]:.0f} prompts/s, cosine vs fp32 {d[\"text_cosine_min_vs_fp32\"]}, peak {d[\"peak_memory_bytes\"]/2**30:.2f} GiB")' <<<"$j")")
done

echo
echo "DiffCLIP Studio GPU check — $(date -u +%Y-%m-%d) — $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1) — LibTorch $(python3 -c 'import torch;print(torch.__version__)')"
printf '| %s | %s |\n' check result --- ---
for r in "${rows[@]}"; do printf '| %s | %s |\n' "${r%%|*}" "${r#*|}"; done
