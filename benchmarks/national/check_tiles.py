#!/usr/bin/python3
"""Per-tile correctness check of the mosaic zonal output.

    check_tiles.py TILE_CSV MOSAIC_CSV

Every tile of the mosaic is the same raster with the same polygons shifted by whole cells, so
the rows of zone "tIJ-<code>" in MOSAIC_CSV must equal the rows of "<code>" in TILE_CSV (same
class, area_m2, cells) up to rounding: the shifted coordinates differ in their last bits, so
a row may differ by ~1e-6 m2 (the CSV's last digit). Prints, per tile, the number of rows, how
many are byte-identical and the largest absolute area difference; exits 1 if a row is missing
or differs by more than 1e-3 m2 (about one millionth of a 30 m cell).
"""
import collections
import csv
import sys

tile = {}
with open(sys.argv[1], newline="") as f:
    for r in csv.DictReader(f):
        tile[(r["zone"], r["class"])] = r
per = collections.defaultdict(lambda: [0, 0, 0.0])
TOL_M2 = 1e-3
seen = collections.defaultdict(set)
with open(sys.argv[2], newline="") as f:
    for r in csv.DictReader(f):
        tag, _, code = r["zone"].partition("-")
        ref = tile.get((code, r["class"]))
        s = per[tag]
        s[0] += 1
        seen[tag].add((code, r["class"]))
        if ref is None:
            s[2] = float("inf")
            continue
        if ref["area_m2"] == r["area_m2"] and ref["cells"] == r["cells"]:
            s[1] += 1
        a, b = float(ref["area_m2"]), float(r["area_m2"])
        s[2] = max(s[2], abs(a - b))
bad = False
for tag in sorted(per):
    n, same, rel = per[tag]
    missing = len(set(tile) - seen[tag])
    print(f"{tag}: {n} rows ({len(tile)} in the tile, {missing} missing), {same} identical, "
          f"max |area difference| {rel:.3g} m2")
    bad |= missing > 0 or rel > TOL_M2
print("per-tile check:", "FAILED" if bad else "ok")
sys.exit(1 if bad else 0)
