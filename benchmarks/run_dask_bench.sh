#!/bin/bash
# redline.distributed.zonal on a local Dask cluster (2 worker processes of 1 thread) against
# redline.zonal in one process, same data, outputs compared byte for byte (issue 19).
#
# Usage: benchmarks/run_dask_bench.sh [BUILD_DIR]   (default: build)
# Environment: BENCH_DATA (a `redline synth` directory, see pybench_setup.sh), BENCH_ROUNDS (3).
# Needs Debian's python3-dask / python3-distributed; runs /usr/bin/python3.
set -euo pipefail
. "$(dirname "$0")/pybench_setup.sh"
echo "== rounds (call times in s: local / dask default threads / dask threads=1)"
PYTHONPATH=$BUILD/bindings /usr/bin/python3 -W ignore "$ROOT/benchmarks/dask_bench.py" "$DATA" "$WORK" \
    "${BENCH_ROUNDS:-3}"
