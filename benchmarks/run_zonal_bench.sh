#!/bin/bash
# End-to-end benchmark of `redline zonal` (issue #2 "Performance"); figures go to
# benchmarks/RESULTS.md. Never run by ctest. Data and outputs stay in $DATA (outside the repo).
#
#   benchmarks/run_zonal_bench.sh [BUILD_DIR]        (default BUILD_DIR: ./build)
#   env: DATA=/tmp/redline-bench  REPEAT=1  SKIP_LARGE=0
#
# Data (made once with `redline synth`, then reused):
#   s16k_z4000   16000 x 16000 cells, 4,000 redline polygons (32..1500 vertices)
#   s16k_z12000  16000 x 16000 cells, 12,000 smaller redline polygons
#   s32k_z4000   32000 x 32000 cells (4x the cells), 4,000 polygons: peak RSS must stay flat
# For each 16k data set, in the same run:
#   (a) bm_decode: every block decoded with 1 and 2 threads (the floor)
#   (b) the recipe: gdal_rasterize of zone ids (Int32 GTiff) + numpy bincount (recipe_bincount.py)
#   (c) redline zonal --mode exact with 1 and 2 threads, and --mode centroid with 2 threads
# Each command runs under /usr/bin/time (wall, user, sys, max RSS); REPEAT times; the summary
# keeps the run with the smallest wall time. Rows go to $DATA/results.tsv, the table to
# $DATA/results.md.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-$HERE/../build}" && pwd)
DATA=${DATA:-/tmp/redline-bench}
REPEAT=${REPEAT:-1}
SKIP_LARGE=${SKIP_LARGE:-0}
REDLINE=$BUILD/cli/redline
DECODE=$BUILD/benchmarks/bm_decode
RECIPE=$HERE/recipe_bincount.py
[ -x /usr/bin/time ] || { echo "run_zonal_bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
for exe in "$REDLINE" "$DECODE"; do
  [ -x "$exe" ] || { echo "run_zonal_bench: $exe not built (ninja -C $BUILD)" >&2; exit 1; }
done
mkdir -p "$DATA"
TSV=$DATA/results.tsv
printf "label\twall_s\tuser_s\tsys_s\tmax_rss_kb\tload1\n" > "$TSV"

measure() {  # measure LABEL COMMAND...
  local label=$1; shift
  for _ in $(seq "$REPEAT"); do
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    if ! /usr/bin/time -f "%e %U %S %M" -o "$DATA/time.txt" "$@" > "$DATA/last.out" 2> "$DATA/last.err"; then
      echo "run_zonal_bench: failed: $*" >&2; cat "$DATA/last.err" >&2; exit 1
    fi
    local wall user sys rss; read -r wall user sys rss < "$DATA/time.txt"
    printf "%s\t%s\t%s\t%s\t%s\t%s\n" "$label" "$wall" "$user" "$sys" "$rss" "$load" | tee -a "$TSV"
  done
}

synth() {  # synth NAME SIZE ZONES
  if [ ! -f "$DATA/$1/planted_cells.csv" ]; then
    echo "making $1 (redline synth --size $2 --zones $3 --seed 1)"
    "$REDLINE" synth "$DATA/$1" --size "$2" --zones "$3" --seed 1 --quiet
  fi
}

synth s16k_z4000 16000 4000
synth s16k_z12000 16000 12000
[ "$SKIP_LARGE" = 1 ] || synth s32k_z4000 32000 4000

extent() {  # xmin ymin xmax ymax of a raster
  /usr/bin/python3 -c "
from osgeo import gdal
ds = gdal.Open('$1'); g = ds.GetGeoTransform()
print(g[0], g[3] + g[5] * ds.RasterYSize, g[0] + g[1] * ds.RasterXSize, g[3])"
}

for ds in s16k_z4000 s16k_z12000; do
  d=$DATA/$ds
  lc=$d/lc_t0.tif
  # shellcheck disable=SC2046
  set -- $(extent "$lc")
  measure "$ds decode 1t" "$DECODE" "$lc" --threads 1
  cp "$DATA/last.out" "$DATA/$ds.decode1.txt"
  measure "$ds decode 2t" "$DECODE" "$lc" --threads 2
  cp "$DATA/last.out" "$DATA/$ds.decode2.txt"
  rm -f "$DATA/zid.tif"
  measure "$ds recipe rasterize" gdal_rasterize -q -sql "SELECT fid + 0 AS zid, geom FROM redline" -a zid \
    -te "$1" "$2" "$3" "$4" -tr 30 30 -ot Int32 -init 0 "$d/plan.gpkg" "$DATA/zid.tif"
  measure "$ds recipe bincount" /usr/bin/python3 "$RECIPE" "$DATA/zid.tif" "$lc" "$DATA/$ds.recipe.csv"
  rm -f "$DATA/zid.tif"
  measure "$ds zonal exact 1t" "$REDLINE" zonal --raster "$lc" --zones "$d/plan.gpkg:redline" --id code \
    --threads 1 --output "$DATA/$ds.exact1.csv" --quiet
  measure "$ds zonal exact 2t" "$REDLINE" zonal --raster "$lc" --zones "$d/plan.gpkg:redline" --id code \
    --threads 2 --output "$DATA/$ds.exact2.csv" --quiet
  measure "$ds zonal centroid 2t" "$REDLINE" zonal --raster "$lc" --zones "$d/plan.gpkg:redline" --id code \
    --mode centroid --threads 2 --output "$DATA/$ds.centroid2.csv" --quiet
  cmp "$DATA/$ds.exact1.csv" "$DATA/$ds.exact2.csv" || { echo "1 and 2 threads differ" >&2; exit 1; }
done

if [ "$SKIP_LARGE" != 1 ]; then
  d=$DATA/s32k_z4000
  measure "s32k_z4000 decode 2t" "$DECODE" "$d/lc_t0.tif" --threads 2
  measure "s32k_z4000 zonal exact 2t" "$REDLINE" zonal --raster "$d/lc_t0.tif" --zones "$d/plan.gpkg:redline" \
    --id code --threads 2 --output "$DATA/s32k_z4000.exact2.csv" --quiet
fi

/usr/bin/python3 - "$TSV" > "$DATA/results.md" <<'PY'
import collections, sys
rows = collections.OrderedDict()
for line in open(sys.argv[1]).read().splitlines()[1:]:
    label, wall, user, sys_, rss, load = line.split("\t")
    r = dict(wall=float(wall), cpu=float(user) + float(sys_), rss=int(rss) / 1024, load=load)
    if label not in rows or r["wall"] < rows[label]["wall"]:
        rows[label] = r
print("| run | wall s | CPU s | peak RSS MB | load before |")
print("|---|---:|---:|---:|---:|")
for label, r in rows.items():
    print(f"| {label} | {r['wall']:.2f} | {r['cpu']:.2f} | {r['rss']:.0f} | {r['load']} |")
for ds in ("s16k_z4000", "s16k_z12000"):
    g = lambda k: rows.get(f"{ds} {k}")
    if not g("zonal exact 2t"):
        continue
    recipe_wall = g("recipe rasterize")["wall"] + g("recipe bincount")["wall"]
    recipe_rss = max(g("recipe rasterize")["rss"], g("recipe bincount")["rss"])
    print(f"\n{ds}: exact 2t / decode 2t = {g('zonal exact 2t')['wall'] / g('decode 2t')['wall']:.2f}x; "
          f"recipe / exact 2t = {recipe_wall / g('zonal exact 2t')['wall']:.2f}x (recipe {recipe_wall:.2f} s, "
          f"peak {recipe_rss:.0f} MB); exact 1t / 2t = {g('zonal exact 1t')['wall'] / g('zonal exact 2t')['wall']:.2f}x")
if "s32k_z4000 zonal exact 2t" in rows and "s16k_z4000 zonal exact 2t" in rows:
    a, b = rows["s16k_z4000 zonal exact 2t"], rows["s32k_z4000 zonal exact 2t"]
    print(f"\npeak RSS 16k -> 32k (4x cells): {a['rss']:.0f} MB -> {b['rss']:.0f} MB; wall {a['wall']:.2f} -> {b['wall']:.2f} s")
PY
cat "$DATA/results.md"
