#!/bin/sh
# Issue 19, "a huge zone": `redline change` with the redline layer dissolved into one zone
# against the same layer undissolved, for two builds, in one sitting. Best of REPEAT per case;
# prints one TSV line per run (build, zones, tile size, wall s, user s, sys s, peak KB, the
# start of the stages check / index / change and the end, from --progress lines time-stamped
# by national/stamp.py, and the 1-min load) and checks that both builds write byte-identical
# outputs. The change stage (the raster pass) is end - change.
#
#   benchmarks/run_huge_zone_bench.sh OLD_BIN NEW_BIN T0 T1 UNDISSOLVED DISSOLVED [TILE...]
#
# UNDISSOLVED / DISSOLVED are PATH:LAYER; make DISSOLVED with benchmarks/dissolve_layer.py.
set -eu
old=$1 new=$2 t0=$3 t1=$4 und=$5 dis=$6
shift 6
tiles=${*:-1024}
REPEAT=${REPEAT:-3}
OUT=${OUT:-/tmp/redline-huge-zone}
mkdir -p "$OUT"
here=$(dirname "$0")
printf 'build\tzones\ttile\twall_s\tuser_s\tsys_s\tpeak_kb\tcheck\tindex\tchange\tend\tload1\n'
for tile in $tiles; do
    for i in $(seq "$REPEAT"); do
        for b in old new; do
            eval bin=\$$b
            for z in und dis; do
                eval zones=\$$z
                load=$(cut -d' ' -f1 /proc/loadavg)
                /usr/bin/time -o "$OUT/time" -f '%e\t%U\t%S\t%M' "$bin" change --t0 "$t0" \
                    --t1 "$t1" --zones "$zones" --matrix "$OUT/m_${b}_${z}_$tile.csv" \
                    --patches "$OUT/p_${b}_${z}_$tile.csv" --tile-size "$tile" --threads 2 \
                    --progress 2>&1 >/dev/null | "$here/national/stamp.py" >"$OUT/stamps"
                stages=$(awk -F'\t' '{ split($2, a, " ") }
                    a[1] == "check" && !c { c = $1 } a[1] == "index" && !i { i = $1 }
                    a[1] == "change" && !g { g = $1 } END { printf "%s\t%s\t%s\t%s", c, i, g, $1 }' \
                    "$OUT/stamps")
                printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$b" "$z" "$tile" "$(tail -1 "$OUT/time")" \
                    "$stages" "$load"
            done
        done
    done
    for z in und dis; do
        cmp "$OUT/m_old_${z}_$tile.csv" "$OUT/m_new_${z}_$tile.csv"
        cmp "$OUT/p_old_${z}_$tile.csv" "$OUT/p_new_${z}_$tile.csv"
    done
    echo "# tile $tile: outputs of both builds byte-identical" >&2
done
