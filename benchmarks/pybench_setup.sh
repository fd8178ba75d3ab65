# Sourced by run_dask_bench.sh and run_numpy_bench.sh: BUILD (the build directory, $1 or build),
# DATA (BENCH_DATA or /tmp/redline-pybench/s16k_z4000, made with `redline synth --size 16000
# --zones 4000 --seed 1` when missing), WORK (a temporary directory removed at exit); prints the
# machine, its load, the versions and the data.
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
DATA=${BENCH_DATA:-/tmp/redline-pybench/s16k_z4000}
if [ ! -f "$DATA/lc_t0.tif" ]; then
    "$BUILD/cli/redline" synth "$DATA" --size 16000 --zones 4000 --seed 1 --quiet
fi
WORK=$(mktemp -d /tmp/redline-pybench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -srm); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $("$BUILD/cli/redline" --version | tr '\n' ' ')"
echo "== data $DATA: $(gdalinfo "$DATA/lc_t0.tif" | awk '/Size is/ {print $3 $4}') cells," \
    "$(ogrinfo -ro -so "$DATA/plan.gpkg" redline | awk -F': ' '/Feature Count/ {print $2}') redline polygons"
