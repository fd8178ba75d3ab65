#!/bin/bash
# Issue #16 ("no slowdown"): the same commands with two builds of redline, alternating the two
# binaries in one sitting so that the machine's load hits both alike. Never run by ctest.
#
#   benchmarks/run_house_plan_compare.sh OLD_REDLINE NEW_REDLINE
#   env: DATA=/tmp/redline-hp  REPEAT=3  SIZE=12000  ZONES=3000
#
# Data: `redline synth --size SIZE --zones ZONES --seed 1` (made once with NEW) and the demo.
# Commands (each under /usr/bin/time, --threads 2, outputs compared byte for byte between the
# two builds): zonal, change (matrix + patches), conflicts of redline/cropland/urban, and the
# demo report. Prints one row per run (label, build, wall, user, sys, max RSS, load) and a
# summary with the fastest wall time of each and the ratio new/old.
set -euo pipefail
OLD=$1
NEW=$2
DATA=${DATA:-/tmp/redline-hp}
REPEAT=${REPEAT:-3}
SIZE=${SIZE:-12000}
ZONES=${ZONES:-3000}
HERE=$(cd "$(dirname "$0")" && pwd)
DEMO=$HERE/../testdata/demo
mkdir -p "$DATA"
S=$DATA/s${SIZE}_z${ZONES}
[ -f "$S/plan.gpkg" ] || "$NEW" synth "$S" --size "$SIZE" --zones "$ZONES" --seed 1 --quiet
TSV=$DATA/results.tsv
printf "label\tbuild\twall_s\tuser_s\tsys_s\tmax_rss_kb\tload1\n" > "$TSV"

cmd() {  # cmd LABEL BIN OUT -> the command line for LABEL
  local label=$1 bin=$2 out=$3
  case $label in
    zonal) echo "$bin zonal --raster $S/lc_t0.tif --zones $S/plan.gpkg:redline --id code --threads 2 --quiet --output $out/zonal.csv" ;;
    change) echo "$bin change --t0 $S/lc_t0.tif --t1 $S/lc_t1.tif --zones $S/plan.gpkg:redline --id code --threads 2 --quiet --matrix $out/m.csv --patches $out/p.csv" ;;
    conflicts) echo "$bin conflicts --layer $S/plan.gpkg:redline --layer $S/plan.gpkg:cropland --layer $S/plan.gpkg:urban --threads 2 --quiet --output $out/c.csv" ;;
    report) echo "$bin report --config $DEMO/indicators.yaml --output-dir $out/report --threads 2 --quiet" ;;
  esac
}

for label in zonal change conflicts report; do
  for r in $(seq "$REPEAT"); do
    for build in old new; do
      bin=$OLD; [ $build = new ] && bin=$NEW
      out=$DATA/out_$build; rm -rf "$out"; mkdir -p "$out"
      load=$(cut -d' ' -f1 /proc/loadavg)
      # shellcheck disable=SC2046
      /usr/bin/time -f "%e %U %S %M" -o "$DATA/time.txt" $(cmd $label "$bin" "$out") > /dev/null 2> "$DATA/err.txt" \
        || { echo "failed: $(cmd $label "$bin" "$out")" >&2; cat "$DATA/err.txt" >&2; exit 1; }
      read -r wall user sys rss < "$DATA/time.txt"
      printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\n" "$label" "$build" "$wall" "$user" "$sys" "$rss" "$load" | tee -a "$TSV"
    done
    # Same bytes from both builds; the report's manifest holds paths and times, so its indicator
    # values are compared instead, to 1e-12 relative (the report's three_lines_overlap now comes
    # from the conflict run that keeps the overlap polygons, which differs in the last digits).
    if [ "$label" = report ]; then
      /usr/bin/python3 - "$DATA/out_old/report/report.json" "$DATA/out_new/report/report.json" <<'PY'
import json, math, sys
a, b = (json.load(open(f))["indicators"] for f in sys.argv[1:3])
for x, y in zip(a, b):
    assert x["id"] == y["id"] and x.get("pass") == y.get("pass"), (x["id"], y["id"])
    assert math.isclose(x["value"], y["value"], rel_tol=1e-12, abs_tol=1e-9), (x["id"], x["value"], y["value"])
PY
    else
      for f in "$DATA"/out_old/*.csv; do cmp "$f" "$DATA/out_new/$(basename "$f")"; done
    fi
  done
done
/usr/bin/python3 - "$TSV" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
print("\n| command | old: fastest wall s (CPU s) | new: fastest wall s (CPU s) | new/old wall | new/old CPU |")
print("|---|---|---|---|---|")
for label in dict.fromkeys(r["label"] for r in rows):
    best = {}
    for b in ("old", "new"):
        rs = [r for r in rows if r["label"] == label and r["build"] == b]
        w = min(float(r["wall_s"]) for r in rs)
        c = min(float(r["user_s"]) + float(r["sys_s"]) for r in rs)
        best[b] = (w, c)
    print(f"| {label} | {best['old'][0]:.2f} ({best['old'][1]:.2f}) | {best['new'][0]:.2f} ({best['new'][1]:.2f}) | "
          f"{best['new'][0] / best['old'][0]:.3f} | {best['new'][1] / best['old'][1]:.3f} |")
PY
