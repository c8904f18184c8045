#!/usr/bin/env bash
# The browser bundle's size, from a release build (`cargo leptos build --release --precompress
# --split`, as `scripts/run.sh --release` makes it).
#   bench/bundle.sh            builds, then measures
#   bench/bundle.sh --no-build measures what target/site/pkg holds
# Prints every file with its raw, gzip -9 and brotli (as served) size, then the main bundle every
# page loads and what each lazily loaded group of pages adds (the manifest the split writes names
# the files of each group).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/setup.sh"
cd "$root"
if [ "${1:-}" != "--no-build" ]; then
  ensure_rust_tools
  ensure_release_tools
  cargo leptos build --release --precompress --split
  build_camera_detector
fi
pkg="${LEPTOS_SITE_ROOT:-target/site}/pkg"
[ -f "$pkg/vigil.wasm" ] || { echo "no release bundle in $pkg" >&2; exit 1; }

python3 - "$pkg" <<'PY'
import gzip, json, os, sys
pkg = sys.argv[1]

def sizes(name):
    data = open(os.path.join(pkg, name), "rb").read()
    br = os.path.join(pkg, name + ".br")
    return len(data), len(gzip.compress(data, 9)), os.path.getsize(br) if os.path.exists(br) else None

def kb(n):
    return "-" if n is None else f"{n / 1000:.1f} kB"

files = sorted(f for f in os.listdir(pkg) if not f.endswith((".br", ".gz")) and os.path.isfile(os.path.join(pkg, f)))
table = {f: sizes(f) for f in files}
print(f"{'file':<52} {'raw':>10} {'gzip -9':>10} {'brotli':>10}")
for f in files:
    raw, gz, br = table[f]
    print(f"{f:<52} {kb(raw):>10} {kb(gz):>10} {kb(br):>10}")

def total(names):
    return sum(table[n][0] for n in names), sum(table[n][1] for n in names)

main = [f for f in ("vigil.js", "vigil.wasm", "vigil.css", "__wasm_split.______________________.js") if f in table]
raw, gz = total(main)
print()
print(f"main bundle, every page ({', '.join(main)}): {kb(raw)} raw, {kb(gz)} gzip; vigil.wasm alone {kb(table['vigil.wasm'][1])} gzip (target: 200 kB)")
manifest = os.path.join(pkg, "__wasm_split_manifest.json")
if os.path.exists(manifest):
    for split, modules in sorted(json.load(open(manifest)).items()):
        names = [m + ".wasm" for m in modules if m + ".wasm" in table]
        raw, gz = total(names)
        group = split.strip("_").rsplit("_", 1)[0]
        print(f"  + the {group} group's files ({len(names)}): {kb(raw)} raw, {kb(gz)} gzip")
PY
