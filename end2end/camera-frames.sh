#!/usr/bin/env bash
# Makes the fake camera's videos for the camera-proctoring tests and benchmark, from
# permissively licensed photos that ship inside scikit-image's wheel on the Python package
# index: astronaut.png (public domain) and coffee.png (CC0). Chromium plays them as the camera
# (`--use-file-for-fake-video-capture`), looping, at 320×240 and 5 frames a second:
#   one.y4m   one face (the astronaut)
#   none.y4m  no face (a cup of coffee)
#   two.y4m   two faces (the astronaut beside her mirror image)
# Needs ffmpeg and pip; scripts/setup.sh --test installs ffmpeg. Idempotent.
set -euo pipefail

out="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/.camera-frames}"
SKIMAGE_VERSION="0.26.0"
if [ -s "$out/one.y4m" ] && [ -s "$out/none.y4m" ] && [ -s "$out/two.y4m" ]; then exit 0; fi
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# Only the two pictures are taken from the wheel; nothing is installed.
pip="python3 -m pip"
$pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 \
  --platform manylinux_2_28_x86_64 --dest "$work" "scikit-image==$SKIMAGE_VERSION"
python3 - "$work" <<'PY'
import glob, sys, zipfile
work = sys.argv[1]
with zipfile.ZipFile(glob.glob(f"{work}/scikit_image-*.whl")[0]) as wheel:
    for name in ("astronaut.png", "coffee.png"):
        with open(f"{work}/{name}", "wb") as f:
            f.write(wheel.read(f"skimage/data/{name}"))
PY

pad="pad=320:240:(ow-iw)/2:(oh-ih)/2:color=gray"
ffmpeg -loglevel error -y -loop 1 -i "$work/astronaut.png" -t 2 -r 5 -vf "scale=240:240,$pad" -pix_fmt yuv420p -f yuv4mpegpipe "$out/one.y4m"
ffmpeg -loglevel error -y -loop 1 -i "$work/coffee.png" -t 2 -r 5 -vf "scale=320:-2,$pad" -pix_fmt yuv420p -f yuv4mpegpipe "$out/none.y4m"
# The whole photo beside its mirror image: two faces about 35 pixels across at 320 wide.
ffmpeg -loglevel error -y -loop 1 -i "$work/astronaut.png" -t 2 -r 5 \
  -filter_complex "[0]split[a][b];[b]hflip[m];[a][m]hstack,scale=320:160,$pad" \
  -pix_fmt yuv420p -f yuv4mpegpipe "$out/two.y4m"
echo "camera test videos in $out"
