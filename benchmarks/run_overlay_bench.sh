#!/bin/bash
# Vector overlays against PostGIS, in the same run on the same machine (issue #3):
#   conflicts: every overlap of redline x cropland, redline x protected, cropland x protected,
#              measured on the ellipsoid -- redline conflicts vs ST_Intersection +
#              ST_Area(geography) joined on ST_Intersects (GiST indexes);
#   dissolve:  union area of a layer -- redline area --dissolve vs ST_Area(ST_Union(geom)::geography).
# Data: `redline synth` planning layers (default 4,000 redline x 12,000 cropland x 200 protected
# polygons, CGCS2000 Albers). Results are compared (counts, totals) and must agree.
#
# Usage: benchmarks/run_overlay_bench.sh [BUILD_DIR]   (default: build)
# Environment: BENCH_SIZE (synth raster side, default 16000), BENCH_ZONES (default 4000),
#              BENCH_KEEP=1 keeps the work directory.
# Needs root once to install Debian's postgresql + postgis (apt-get) when they are missing; the
# cluster runs as the postgres user on a Unix socket in the work directory, and is stopped at exit.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=$(cd "${1:-$ROOT/build}" && pwd)/cli/redline
SIZE=${BENCH_SIZE:-16000}
ZONES=${BENCH_ZONES:-4000}
PORT=55433

if ! ls /usr/share/postgresql/*/extension/postgis.control > /dev/null 2>&1; then
    echo "installing postgresql + postgis (apt-get)" >&2
    # postgresql-postgis: the extension for the default server (the 'postgis' package alone holds
    # only its command-line tools when recommends are not installed).
    apt-get install -y --no-install-recommends postgresql postgresql-postgis > /dev/null ||
        { apt-get update > /dev/null &&
            apt-get install -y --no-install-recommends postgresql postgresql-postgis > /dev/null; }
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

WORK=$(mktemp -d /tmp/redline-overlay-bench.XXXXXX)
chmod 755 "$WORK"
cleanup() {
    if [ -f "$WORK/pg/data/postmaster.pid" ]; then
        runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -m fast -w stop > /dev/null 2>&1 || true
    fi
    if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(uname -srm); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== $("$BIN" --version | tr '\n' ' ')"
"$BIN" synth "$WORK/synth" --size "$SIZE" --zones "$ZONES" --seed 7 --quiet
PLAN=$WORK/synth/plan.gpkg
for l in redline cropland protected; do
    echo "   $l: $(ogrinfo -ro -so "$PLAN" "$l" | awk -F': ' '/Feature Count/ {print $2}') polygons"
done

# timed REPS LABEL NAME CMD...: runs CMD REPS times (stdout to $WORK/NAME.out); prints the best
# wall time with the CPU time and peak RSS of that run, and keeps it in $WORK/NAME.wall.
timed() {
    local reps=$1 label=$2 name=$3
    shift 3
    local best="" line
    for ((i = 0; i < reps; i++)); do
        /usr/bin/time -o "$WORK/$name.time" -f "%e %U %S %M" "$@" > "$WORK/$name.out"
        line=$(tail -1 "$WORK/$name.time")
        if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN {exit !(a < b)}'; then best=$line; fi
    done
    echo "$best" | awk -v l="$label" -v r="$reps" \
        '{printf "   %-48s %8.2f s wall %8.2f s CPU %7.0f MB peak RSS (best of %d)\n", l, $1, $2 + $3, $4 / 1024, r}'
    echo "${best%% *}" > "$WORK/$name.wall"
}

echo "== redline (3 runs each)"
LAYERS=(--layer "$PLAN:redline" --layer "$PLAN:cropland" --layer "$PLAN:protected" --id code)
timed 3 "redline conflicts (3 layers)" rl_conflicts \
    "$BIN" conflicts "${LAYERS[@]}" --output "$WORK/rl_conflicts.json" --quiet
timed 3 "redline conflicts (3 layers, --threads 1)" rl_conflicts1 \
    "$BIN" conflicts "${LAYERS[@]}" --output "$WORK/rl_conflicts1.json" --quiet --threads 1
cmp -s "$WORK/rl_conflicts.json" "$WORK/rl_conflicts1.json" && echo "   all threads and 1 thread: identical bytes"
for l in protected redline; do
    timed 3 "redline area --dissolve ($l)" "rl_dissolve_$l" \
        "$BIN" area --layer "$PLAN:$l" --dissolve --output "$WORK/rl_dissolve_$l.json" --quiet
done

echo "== PostGIS"
mkdir -p "$WORK/pg"
chown postgres "$WORK/pg"
runuser -u postgres -- "$PGBIN/initdb" -D "$WORK/pg/data" -A trust -U postgres --no-sync > /dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$WORK/pg/data" -l "$WORK/pg/log" -w start \
    -o "-p $PORT -k $WORK/pg -c listen_addresses='' -c shared_buffers=2GB -c work_mem=256MB -c fsync=off -c jit=off" \
    > /dev/null
PGPID=$(head -1 "$WORK/pg/data/postmaster.pid")
# CPU seconds of the server: the postmaster and its reaped children (backends, parallel workers).
server_cpu() { sleep 0.5; awk '{printf "%.2f\n", ($14 + $15 + $16 + $17) / 100}' "/proc/$PGPID/stat"; }
PSQL=(psql -h "$WORK/pg" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -c "CREATE DATABASE bench" > /dev/null
PSQL+=(-d bench)
"${PSQL[@]}" -c "CREATE EXTENSION postgis" > /dev/null
echo "   $("${PSQL[@]}" -At -c "SELECT 'PostgreSQL ' || current_setting('server_version') || ', PostGIS ' || postgis_full_version()" | cut -c1-120)"
ogr2ogr -f PostgreSQL "PG:host=$WORK/pg port=$PORT user=postgres dbname=bench" "$PLAN" redline cropland protected \
    -lco GEOMETRY_NAME=geom -lco SPATIAL_INDEX=GIST
"${PSQL[@]}" -c "VACUUM ANALYZE" > /dev/null

# Conflicts: ST_Intersection + ST_Area(geography) on CGCS2000 lon/lat (EPSG:4490, GRS80).
cat > "$WORK/conflicts.sql" <<'SQL'
CREATE TABLE pg_conflicts AS
SELECT 'redline'::text AS layer_a, a.code AS id_a, 'cropland'::text AS layer_b, b.code AS id_b,
       ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4490)::geography) AS area_m2
  FROM redline a JOIN cropland b ON ST_Intersects(a.geom, b.geom)
UNION ALL
SELECT 'redline', a.code, 'protected', b.code,
       ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4490)::geography)
  FROM redline a JOIN protected b ON ST_Intersects(a.geom, b.geom)
UNION ALL
SELECT 'cropland', a.code, 'protected', b.code,
       ST_Area(ST_Transform(ST_Intersection(a.geom, b.geom), 4490)::geography)
  FROM cropland a JOIN protected b ON ST_Intersects(a.geom, b.geom);
SQL
echo "   (1 run each; jit=off, which makes these queries faster; 'CPU' is the server's)"
pg_timed() {
    local label=$1 name=$2
    shift 2
    local c0 c1
    c0=$(server_cpu)
    /usr/bin/time -o "$WORK/$name.time" -f "%e" "$@" > "$WORK/$name.out"
    c1=$(server_cpu)
    awk -v l="$label" -v w="$(tail -1 "$WORK/$name.time")" -v c="$(awk -v a="$c0" -v b="$c1" 'BEGIN {print b - a}')" \
        'BEGIN {printf "   %-48s %8.2f s wall %8.2f s CPU\n", l, w, c}'
    tail -1 "$WORK/$name.time" > "$WORK/$name.wall"
}
pg_timed "PostGIS conflicts (ST_Intersection, geography)" pg_conflicts "${PSQL[@]}" -f "$WORK/conflicts.sql"
"${PSQL[@]}" -At -F, -c "SELECT layer_a, layer_b, count(*) FILTER (WHERE area_m2 >= 1),
    coalesce(sum(area_m2) FILTER (WHERE area_m2 >= 1), 0), count(*) FILTER (WHERE area_m2 > 0 AND area_m2 < 1)
    FROM pg_conflicts GROUP BY 1, 2" > "$WORK/pg_conflicts.csv"
"${PSQL[@]}" -At -F, -c "SELECT layer_a, id_a, layer_b, id_b, area_m2 FROM pg_conflicts WHERE area_m2 >= 1" \
    > "$WORK/pg_conflict_rows.csv"
for l in protected redline; do
    pg_timed "PostGIS ST_Union ($l)" "pg_dissolve_$l" \
        "${PSQL[@]}" -At -c "SELECT ST_Area(ST_Transform(ST_Union(geom), 4490)::geography) FROM $l"
done

echo "== comparison"
/usr/bin/python3 - "$WORK" <<'PY'
import csv, json, sys
w = sys.argv[1]
rl = json.load(open(f"{w}/rl_conflicts.json"))
pg = {(r[0], r[1]): (int(r[2]), float(r[3]), int(r[4])) for r in csv.reader(open(f"{w}/pg_conflicts.csv"))}
ok = True
worst = 0.0
for s in rl["summary"]:
    key = (s["layer_a"], s["layer_b"])
    n, area, slivers = pg.get(key, (0, 0.0, 0))
    d = abs(s["area_m2"] / area - 1) if area else abs(s["area_m2"])
    worst = max(worst, d)
    print(f"   {key[0]} x {key[1]}: redline {s['conflicts']} conflicts {s['area_m2']:.2f} m2 "
          f"({s['slivers']} slivers) | PostGIS {n} conflicts {area:.2f} m2 ({slivers} slivers) | "
          f"rel. diff {d:.1e}")
    ok = ok and s["conflicts"] == n and d < 1e-6
# Row by row.
pg_rows = {(r[0], r[1], r[2], r[3]): float(r[4]) for r in csv.reader(open(f"{w}/pg_conflict_rows.csv"))}
rl_rows = {(r["layer_a"], r["id_a"], r["layer_b"], r["id_b"]): r["area_m2"] for r in rl["rows"]}
same_keys = set(pg_rows) == set(rl_rows)
row_diff = max(abs(rl_rows[k] / pg_rows[k] - 1) for k in rl_rows if k in pg_rows)
print(f"   rows: {len(rl_rows)} redline, {len(pg_rows)} PostGIS, same pairs: {same_keys}, "
      f"largest relative difference of one overlap: {row_diff:.1e}")
ok = ok and same_keys
for l in ("protected", "redline"):
    r = json.load(open(f"{w}/rl_dissolve_{l}.json"))["rows"][0]["area_m2"]
    p = float(open(f"{w}/pg_dissolve_{l}.out").read())
    d = abs(r / p - 1)
    print(f"   union {l}: redline {r:.2f} m2 | PostGIS {p:.2f} m2 | rel. diff {d:.1e}")
    ok = ok and d < 1e-6
def t(name):
    return float(open(f"{w}/{name}.wall").read())
print(f"   speed-up (wall): conflicts {t('pg_conflicts') / t('rl_conflicts'):.1f}x; "
      f"dissolve protected {t('pg_dissolve_protected') / t('rl_dissolve_protected'):.1f}x; "
      f"dissolve redline {t('pg_dissolve_redline') / t('rl_dissolve_redline'):.1f}x")
print("   results agree" if ok else "   RESULTS DIFFER")
sys.exit(0 if ok else 1)
PY
