#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs each for SECONDS
# (default 60). Corpora are seeded from ../shared/fixtures and kept in build-fuzz/corpus/ so
# later runs continue from them; crashing inputs land in build-fuzz/artifacts/<target>/.
# Exit status: 0 when every target ran clean, 1 when any crashed or failed to build.
#   usage: tools/run-fuzzers.sh [SECONDS]
set -u -o pipefail

SECONDS_PER_TARGET="${1:-60}"
case "$SECONDS_PER_TARGET" in
  '' | *[!0-9]*) echo "usage: $0 [SECONDS]" >&2; exit 2 ;;
esac

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="$ROOT/build-fuzz"
SHARED="${DIFFCLIP_SHARED_DIR:-$ROOT/../shared}"
FIXTURES="$SHARED/fixtures"
JOBS="${FUZZ_BUILD_JOBS:-2}"
TARGETS=(fuzz_json fuzz_safetensors_header fuzz_pickle fuzz_zipindex)

echo "== configure $BUILD"
CC=clang CXX=clang++ cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDIFFCLIP_FUZZ=ON -DDIFFCLIP_MODEL_ONLY=ON -DDIFFCLIP_BUILD_TESTS=OFF >"$BUILD.configure.log" 2>&1 || {
  cat "$BUILD.configure.log" >&2
  echo "configure failed" >&2
  exit 1
}
rm -f "$BUILD.configure.log"

available=()
for t in "${TARGETS[@]}"; do
  if ninja -C "$BUILD" -t query "$t" >/dev/null 2>&1; then
    available+=("$t")
  else
    echo "-- $t: not configured (its sources do not exist yet)"
  fi
done
if [ "${#available[@]}" -eq 0 ]; then
  echo "no fuzz targets to build" >&2
  exit 1
fi
echo "== build ${available[*]}"
ninja -C "$BUILD" -j"$JOBS" "${available[@]}" || { echo "build failed" >&2; exit 1; }

# Seeds, regenerated each run in a temporary folder.
SEEDS="$(mktemp -d)"
trap 'rm -rf "$SEEDS"' EXIT
mkdir -p "$SEEDS/json" "$SEEDS/safetensors" "$SEEDS/pickle" "$SEEDS/zip"
for f in "$FIXTURES"/*.json "$FIXTURES"/*/config.json; do
  [ -f "$f" ] && cp "$f" "$SEEDS/json/$(echo "${f#"$FIXTURES"/}" | tr '/' '_')"
done
# Safetensors headers: mode 0 = [0][file size LE64][first 8+N bytes]; mode 1 = [1][data size LE32][JSON].
python3 - "$FIXTURES" "$SEEDS" <<'PY' || echo "warning: could not build safetensors seeds" >&2
import os, struct, sys
fixtures, seeds = sys.argv[1], sys.argv[2]
for dirpath, _, files in os.walk(fixtures):
    for name in files:
        if not name.endswith(".safetensors"):
            continue
        path = os.path.join(dirpath, name)
        size = os.path.getsize(path)
        with open(path, "rb") as f:
            head = f.read(8)
            n = struct.unpack("<Q", head)[0]
            text = f.read(n)
        tag = os.path.relpath(path, fixtures).replace("/", "_")
        with open(os.path.join(seeds, "safetensors", tag + ".raw"), "wb") as out:
            out.write(b"\x00" + struct.pack("<Q", size) + head + text)
        with open(os.path.join(seeds, "safetensors", tag + ".json"), "wb") as out:
            out.write(b"\x01" + struct.pack("<I", (size - 8 - n) & 0xFFFFFFFF) + text)
        with open(os.path.join(seeds, "json", tag + ".header.json"), "wb") as out:
            out.write(text)
PY
# Pickles: the data.pkl inside each .pt zip archive.
i=0
for pt in "$FIXTURES"/*/*.pt; do
  [ -f "$pt" ] || continue
  tmp="$SEEDS/unzip.$i"
  mkdir -p "$tmp"
  if unzip -q -o "$pt" '*/data.pkl' -d "$tmp" 2>/dev/null; then
    for pkl in "$tmp"/*/data.pkl; do
      cp "$pkl" "$SEEDS/pickle/$(basename "$(dirname "$pt")")_$(basename "$pt" .pt).pkl"
    done
  else
    echo "warning: no data.pkl in $pt" >&2
  fi
  rm -rf "$tmp"
  i=$((i + 1))
done

# Zips: small archives laid out like torch.save's (stored records under one top folder).
python3 - "$SEEDS/zip" <<'PY' || echo "warning: could not build zip seeds" >&2
import os, sys, zipfile
out = sys.argv[1]
for i, records in enumerate([{"data.pkl": b"\x80\x02}q\x00.", "data/0": b"\0" * 16, "version": b"3\n"},
                             {"data.pkl": b"\x80\x02N.", "byteorder": b"little"}]):
    with zipfile.ZipFile(os.path.join(out, f"seed{i}.zip"), "w", zipfile.ZIP_STORED) as z:
        for name, data in records.items():
            z.writestr(f"archive/{name}", data)
PY

seeds_for() {
  case "$1" in
    fuzz_zipindex) echo "$SEEDS/zip" ;;
    fuzz_json) echo "$SEEDS/json" ;;
    fuzz_safetensors_header) echo "$SEEDS/safetensors" ;;
    fuzz_pickle) echo "$SEEDS/pickle" ;;
  esac
}

status=0
summary=()
for t in "${available[@]}"; do
  corpus="$BUILD/corpus/$t"
  artifacts="$BUILD/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  log="$BUILD/$t.log"
  echo "== run $t for ${SECONDS_PER_TARGET}s (log: $log)"
  # -rss_limit_mb/-timeout turn runaway memory or time into reported failures too.
  "$BUILD/fuzz/$t" -max_total_time="$SECONDS_PER_TARGET" -timeout=20 -rss_limit_mb=2048 \
    -max_len=262144 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "$(seeds_for "$t")" >"$log" 2>&1
  rc=$?
  runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)"
  cov="$(grep -o 'cov: [0-9]*' "$log" | tail -1 || true)"
  if [ "$rc" -eq 0 ]; then
    summary+=("$t: ok, ${runs:-?} runs, ${cov:-cov ?}, corpus $(ls "$corpus" | wc -l) files")
  else
    status=1
    summary+=("$t: FAILED (exit $rc), see $log and $artifacts/")
    grep -E "ERROR|SUMMARY|fuzz_[a-z_]*:|Test unit written" "$log" | head -20 >&2
  fi
done

echo "== summary"
printf '%s\n' "${summary[@]}"
for t in "${TARGETS[@]}"; do
  printf '%s\n' "${available[@]}" | grep -qx "$t" || echo "$t: not built (source missing)"
done
exit "$status"
