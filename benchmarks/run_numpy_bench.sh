#!/bin/bash
# redline.zonal on a numpy array (read with GDAL's Python bindings) against `redline zonal` on the
# same GeoTIFF, outputs compared byte for byte (issue 19).
#
# Usage: benchmarks/run_numpy_bench.sh [BUILD_DIR]   (default: build)
# Environment: BENCH_DATA (a `redline synth` directory, see pybench_setup.sh), BENCH_ROUNDS (5).
# Runs /usr/bin/python3 (numpy and GDAL's Python bindings from Debian).
set -euo pipefail
. "$(dirname "$0")/pybench_setup.sh"
PYTHONPATH=$BUILD/bindings /usr/bin/python3 -W ignore "$ROOT/benchmarks/numpy_bench.py" "$BUILD/cli/redline" \
    "$DATA" "$WORK" "${BENCH_ROUNDS:-5}"
