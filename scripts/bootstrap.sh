#!/usr/bin/env bash
# One-step set-up for a fresh Debian 12 machine.
#   scripts/bootstrap.sh demo   install packages, build, run the demo report on embedded data
#                               (its last step alone: `demo-run`, used by the readme test)
#   scripts/bootstrap.sh test   install packages, build, run every test (what CI runs): the
#                               three steps below, in this order
#   scripts/bootstrap.sh check  release build (build): unit, CLI and Python tests, lint
#   scripts/bootstrap.sh asan   ASan+UBSan build (build-asan, gcc, -O1 -g), unit and CLI tests
#   scripts/bootstrap.sh fuzz   libFuzzer build (build-fuzz, clang), short fuzz runs (FUZZ_SECONDS)
# Packages come from Debian's archive only (scripts/debian-packages.txt); nothing is downloaded
# at build time. Uses sudo when not root. BUILD_DIR (default build) and JOBS may be set.
set -euo pipefail
self="$(cd "$(dirname "$0")" && pwd)/$(basename "$0")"
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

# Sanitizer runs (tests/README.md, "Sanitizers and fuzzing"): a failure aborts the test.
# detect_leaks stays on; tests/sanitizers/lsan.supp suppresses what GDAL, PROJ, GEOS and TBB
# keep until exit (their caches and singletons), so our own leaks are still reported.
san_env() {
  export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1"
  export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=0:print_stacktrace=1"
  export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp:print_suppressions=0"
  # Tests skip what instrumentation distorts (peak RSS and speed assertions), nothing else.
  export REDLINE_SANITIZED=1
}

# The README's main job: the demo report on the embedded data, written to out/demo (created,
# with its parents). `demo` runs it after installing and building; `demo-run` runs only this
# step with an existing build (tests/readme runs it from a fresh clone).
demo_run() {
  echo "== redline demo"
  "$build/cli/redline" demo --data testdata/demo --output-dir "${DEMO_DIR:-out/demo}"
  echo "== open ${DEMO_DIR:-out/demo}/report.html in a browser"
}

case "$mode" in
  demo-run)
    demo_run
    exit 0
    ;;
  test)
    # Every test, each step timed: the release build's tests, then ASan+UBSan, then fuzzing.
    for step in check asan fuzz; do
      t0=$SECONDS
      "$self" "$step"
      echo "== bootstrap test: step '$step' took $((SECONDS - t0)) s"
    done
    exit 0
    ;;
  asan)
    build="${BUILD_DIR:-build-asan}"
    echo "== configuring and building with ASan+UBSan ($build)"
    # Only what the unit and CLI tests run (no benchmarks, no Python module: an ASan-built
    # extension cannot be loaded by an uninstrumented python3 without LD_PRELOAD tricks).
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREDLINE_SANITIZE=address,undefined \
      -DREDLINE_BUILD_BENCHMARKS=OFF -DREDLINE_BUILD_PYTHON=OFF >/dev/null
    cmake --build "$build" -j "${JOBS:-$(nproc)}" --target redline redline_tests
    echo "== unit and CLI tests under ASan+UBSan"
    san_env
    # cli.scale (8192^2 rasters, resume after SIGKILL, memory limits) runs in the normal build
    # only: under ASan it doubles this step's time and its code paths are exercised by the rest.
    ctest --test-dir "$build" --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 900 -L 'unit|cli' -E '^cli\.scale$'
    exit 0
    ;;
  fuzz)
    build="${BUILD_DIR:-build-fuzz}"
    echo "== configuring and building the fuzz targets with clang ($build)"
    CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DREDLINE_FUZZ=ON \
      -DREDLINE_FUZZ_SECONDS="${FUZZ_SECONDS:-30}" -DREDLINE_BUILD_TESTS=OFF \
      -DREDLINE_BUILD_BENCHMARKS=OFF -DREDLINE_BUILD_PYTHON=OFF >/dev/null
    cmake --build "$build" -j "${JOBS:-$(nproc)}" --target fuzz
    echo "== short fuzz runs (${FUZZ_SECONDS:-30} s per target)"
    ctest --test-dir "$build" --output-on-failure -j "${JOBS:-$(nproc)}" -L fuzz
    exit 0
    ;;
esac

echo "== configuring and building ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j "${JOBS:-$(nproc)}"

case "$mode" in
  demo)
    demo_run
    ;;
  check)
    echo "== running the unit, CLI and Python tests"
    ctest --test-dir "$build" --output-on-failure -j "${JOBS:-$(nproc)}" --timeout 900
    ;;
  *)
    echo "usage: scripts/bootstrap.sh demo|demo-run|test|check|asan|fuzz" >&2
    exit 2
    ;;
esac
