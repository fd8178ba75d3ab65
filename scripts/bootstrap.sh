#!/usr/bin/env bash
# One-step set-up for a fresh Debian 12 machine.
#   scripts/bootstrap.sh demo   install packages, build, run the demo report on embedded data
#   scripts/bootstrap.sh test   install packages, build, run every test (what CI runs)
# Packages come from Debian's archive only (scripts/debian-packages.txt); nothing is downloaded
# at build time. Uses sudo when not root. BUILD_DIR (default build) and JOBS may be set.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-test}"
build="${BUILD_DIR:-build}"

if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
missing=$(while read -r p; do [ -n "$p" ] && ! dpkg -s "$p" >/dev/null 2>&1 && echo "$p"; done < scripts/debian-packages.txt || true)
if [ -n "$missing" ]; then
  echo "== installing Debian packages: $(echo $missing | tr '\n' ' ')"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi

echo "== configuring and building ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}"

case "$mode" in
  demo)
    echo "== redline demo"
    "$build/cli/redline" demo --output-dir "${DEMO_DIR:-out/demo}"
    echo "== open ${DEMO_DIR:-out/demo}/report.html in a browser"
    ;;
  test)
    echo "== running every test"
    ctest --test-dir "$build" --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 900
    ;;
  *)
    echo "usage: scripts/bootstrap.sh demo|test" >&2
    exit 2
    ;;
esac
