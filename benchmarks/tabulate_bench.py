#!/usr/bin/python3
"""Benchmark of `redline tabulate` on a synthetic 三调 survey against the analysts' recipe.

    tabulate_bench.py --redline build/cli/redline --parcels 200000 --zones 300 --workdir /tmp/tb [--threads 2]
                      [--baseline /tmp/redline-main] [--no-recipe] [--no-synth]
    tabulate_bench.py --recipe PARCELS.gpkg ZONES.gpkg OUT.csv     (the recipe alone; run by the benchmark)

Steps, each under /usr/bin/time -v (wall time, CPU time, peak RSS):
 1. `redline synth --survey-only --survey-parcels N --zones Z` (GK zone 39, TBMJ in the survey convention);
 2. `redline tabulate --landuse survey_t0.gpkg:DLTB --class-field DLBM --deduct-field KCXS --zones
    survey_zones.gpkg:redline --id code --output redline.csv` (survey convention, exact sums);
 3. the recipe: what an analyst writes with shapely/GDAL when GeoPandas' overlay is not available (it needs rtree
    or pygeos; neither is installed here, and overlay does the same thing): read both layers with OGR, transform
    them to an equal-area Albers (CGCS2000, lon_0 117E, standard parallels 25N/47N), an STRtree over the parcels,
    for every zone the intersection area with each candidate parcel (the whole parcel when the prepared zone
    contains it), summed per (zone, DLBM), gross and net of KCXS. Single-threaded, as such scripts are.
Then the two tables are compared row by row: the relative difference of every (zone, class) area is reported (the
survey convention reads each edge as a straight line of the cylindrical equal-area map, the recipe as a straight
line of the Albers plane; docs/survey-area.md bounds that difference: ~1e-6 relative for 300 m edges).
Prints a Markdown table for benchmarks/RESULTS.md. Never run by ctest.
"""
import argparse
import csv
import os
import platform
import re
import subprocess
import sys
import time

ALBERS = "+proj=aea +lat_0=0 +lon_0=117 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"


def recipe(parcels_path, zones_path, out_path):
    from osgeo import ogr, osr
    from shapely import wkb
    from shapely.prepared import prep
    from shapely.strtree import STRtree

    dst = osr.SpatialReference()
    dst.ImportFromProj4(ALBERS)

    def read(path, fields):
        ds = ogr.Open(path)
        lyr = ds.GetLayer(0)
        src = lyr.GetSpatialRef()
        for s in (src, dst):
            s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        ct = osr.CoordinateTransformation(src, dst)
        geoms, attrs = [], []
        for f in lyr:
            g = f.GetGeometryRef()
            g.Transform(ct)
            geoms.append(wkb.loads(bytes(g.ExportToWkb())))
            attrs.append(tuple(f.GetField(k) for k in fields))
        return geoms, attrs

    t0 = time.time()
    parcels, pattrs = read(parcels_path, ["DLBM", "KCXS"])
    zones, zattrs = read(zones_path, ["code"])
    t1 = time.time()
    tree = STRtree(parcels)
    index = {id(g): i for i, g in enumerate(parcels)}
    t2 = time.time()
    rows = []
    for z, (code,) in zip(zones, zattrs):
        pz = prep(z)
        area, net = {}, {}
        for g in tree.query(z):
            if not pz.intersects(g):
                continue
            a = g.area if pz.contains(g) else z.intersection(g).area
            if a <= 0:
                continue
            cls, k = pattrs[index[id(g)]]
            area[cls] = area.get(cls, 0.0) + a
            net[cls] = net.get(cls, 0.0) + a * (1 - (k or 0.0))
        for cls in sorted(area):
            rows.append((code, cls, area[cls], net[cls]))
    t3 = time.time()
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["zone", "class", "area_m2", "net_area_m2"])
        w.writerows(rows)
    print(f"recipe: read+transform {t1 - t0:.1f} s, index {t2 - t1:.1f} s, intersect+sum {t3 - t2:.1f} s",
          file=sys.stderr)


def timed(cmd, label):
    """Runs cmd under /usr/bin/time -v; returns wall s, CPU s, peak RSS MiB."""
    r = subprocess.run(["/usr/bin/time", "-v"] + [str(c) for c in cmd], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{label} failed ({r.returncode}):\n{r.stderr[-3000:]}")
    def field(name):
        return re.search(re.escape(name) + r": (.*)", r.stderr).group(1).strip()
    wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
    parts = [float(p) for p in wall.split(":")]
    wall_s = sum(p * 60 ** (len(parts) - 1 - i) for i, p in enumerate(parts))
    cpu = float(field("User time (seconds)")) + float(field("System time (seconds)"))
    rss = int(field("Maximum resident set size (kbytes)")) / 1024
    for line in r.stderr.splitlines():
        if line.startswith("recipe:"):
            print("  " + line, file=sys.stderr)
    print(f"{label}: {wall_s:.1f} s wall, {cpu:.1f} s CPU, {rss:.0f} MiB", file=sys.stderr)
    return wall_s, cpu, rss


def compare(ours_path, recipe_path):
    ours = {(r["zone"], r["class"]): r for r in csv.DictReader(open(ours_path, encoding="utf-8"))
            if r["class"] != "uncovered"}
    theirs = {(r["zone"], r["class"]): r for r in csv.DictReader(open(recipe_path, encoding="utf-8"))}
    if set(ours) != set(theirs):
        only = sorted(set(ours) ^ set(theirs))[:5]
        sys.exit(f"the (zone, class) rows differ, e.g. {only}")
    worst = worst_net = worst_abs = 0.0
    tot_a = tot_b = 0.0
    for k, r in ours.items():
        a, b = float(r["area_m2"]), float(theirs[k]["area_m2"])
        worst = max(worst, abs(a - b) / b)
        worst_abs = max(worst_abs, abs(a - b))
        worst_net = max(worst_net, abs(float(r["net_area_m2"]) - float(theirs[k]["net_area_m2"])) / b)
        tot_a += a
        tot_b += b
    return len(ours), worst, worst_net, worst_abs, (tot_a - tot_b) / tot_b


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--recipe", nargs=3, metavar=("PARCELS", "ZONES", "OUT"))
    ap.add_argument("--redline", default="build/cli/redline")
    ap.add_argument("--parcels", type=int, default=200000)
    ap.add_argument("--zones", type=int, default=300)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", default="/tmp/tabulate_bench")
    ap.add_argument("--no-recipe", action="store_true", help="time redline only")
    ap.add_argument("--baseline", help="another redline binary (e.g. main's): its tabulate is timed on the same "
                    "survey and its table must be byte-identical")
    ap.add_argument("--no-synth", action="store_true", help="reuse the survey already in the work directory")
    a = ap.parse_args()
    if a.recipe:
        recipe(*a.recipe)
        return
    d = os.path.join(a.workdir, f"p{a.parcels}_z{a.zones}")
    os.makedirs(a.workdir, exist_ok=True)
    load = open("/proc/loadavg").read().split()[:3]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; load {' '.join(load)}",
          file=sys.stderr)
    rows = []
    if not a.no_synth:
        synth = timed([a.redline, "synth", d, "--survey-only", "--survey-parcels", a.parcels, "--zones", a.zones,
                       "--threads", a.threads, "--quiet"], "synth")
        rows.append(f"| synth --survey-parcels {a.parcels} --zones {a.zones} | {synth[0]:.1f} | {synth[1]:.1f} | "
                    f"{synth[2]:.0f} | |")

    def tabulate(binary, out, what):
        return timed([binary, "tabulate", "--landuse", os.path.join(d, "survey_t0.gpkg:DLTB"), "--class-field",
                      "DLBM", "--deduct-field", "KCXS", "--zones", os.path.join(d, "survey_zones.gpkg:redline"),
                      "--id", "code", "--threads", a.threads, "--output", out, "--quiet"], what)

    ours = os.path.join(d, "redline.csv")
    if a.baseline:
        base_out = os.path.join(d, "baseline.csv")
        base = tabulate(a.baseline, base_out, "baseline tabulate")
    tab = tabulate(a.redline, ours, "redline tabulate")
    if a.baseline:
        same = open(base_out, "rb").read() == open(ours, "rb").read()
        rows.append(f"| baseline tabulate ({a.threads} threads) | {base[0]:.1f} | {base[1]:.1f} | {base[2]:.0f} | |")
        if not same:
            print("tables differ from the baseline's", file=sys.stderr)
    rows.append(f"| redline tabulate ({a.threads} threads) | {tab[0]:.1f} | {tab[1]:.1f} | {tab[2]:.0f} | "
                + ("" if not a.baseline else "byte-identical to the baseline's table" if same else "DIFFERS")
                + " |")
    if not a.no_recipe:
        theirs = os.path.join(d, "recipe.csv")
        rec = timed([sys.executable, os.path.abspath(__file__), "--recipe", os.path.join(d, "survey_t0.gpkg"),
                     os.path.join(d, "survey_zones.gpkg"), theirs], "recipe (shapely STRtree, 1 thread)")
        n, worst, worst_net, worst_abs, total = compare(ours, theirs)
        rows.append(f"| recipe: OGR + Albers + shapely STRtree intersection + sum (1 thread) | {rec[0]:.1f} | "
                    f"{rec[1]:.1f} | {rec[2]:.0f} | {n} (zone, class) rows equal; max relative difference "
                    f"{worst:.1e} (net {worst_net:.1e}), max absolute {worst_abs:.3f} m2, totals {total:+.1e} |")
        rows.append(f"| speed-up (wall) | {rec[0] / tab[0]:.1f}x | | | |")
    print("| run | wall s | CPU s | peak RSS MiB | results |\n|---|---:|---:|---:|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
