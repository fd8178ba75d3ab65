#!/usr/bin/python3
"""Builds testdata/natural_earth/countries-10m-clip.json: 30 of the 255 countries of Natural Earth
4.1 admin-0 at 1:10m, as TopoJSON (npm world-atlas 2.0.2, ../shared/data/natural_earth_world_atlas/
countries-10m.json; Natural Earth public domain, world-atlas ISC).

Chosen for validation tests, in the source's feature order:
  - every invalid country (GEOS, through OGR) whose geometry is small (WKT < 25 000 characters):
    13 countries, self-touching or self-intersecting rings from the quantization;
  - Vatican, whose quantized polygon collapses to an empty geometry;
  - the 16 smallest valid countries.
The arcs they use are copied unchanged (quantized, delta-encoded, with the original `transform`)
and renumbered, so every vertex decodes to the same double as from the original file. The `land`
object is dropped. Prints the counts recorded in PROVENANCE.md.

Run from the repository root:  /usr/bin/python3 testdata/natural_earth/make_natural_earth_clip.py
"""
import json
import os
import pathlib
import sys

from osgeo import gdal, ogr

ogr.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SRC = pathlib.Path(os.environ.get("REDLINE_SHARED_DATA", ROOT.parent / "shared" / "data")) / \
    "natural_earth_world_atlas" / "countries-10m.json"
OUT = HERE / "countries-10m-clip.json"
MAX_INVALID_WKT = 25000
VALID = 16


def remap(arcs, index):
    if isinstance(arcs, list):
        return [remap(a, index) for a in arcs]
    return index[arcs] if arcs >= 0 else ~index[~arcs]


def used_arcs(arcs, out):
    if isinstance(arcs, list):
        for a in arcs:
            used_arcs(a, out)
    else:
        out.add(arcs if arcs >= 0 else ~arcs)


def main():
    if not SRC.is_file():
        sys.exit(f"cannot open {SRC}")
    topo = json.loads(SRC.read_text(encoding="utf-8"))
    ds = ogr.Open(str(SRC))
    info = []  # (position, empty, valid, wkt size) in feature order
    for k, f in enumerate(ds.GetLayerByName("countries")):
        g = f.GetGeometryRef()
        empty = g is None or g.IsEmpty()
        info.append((k, empty, (not empty) and g.IsValid(), 0 if empty else len(g.ExportToWkt())))
    ds = None
    invalid = [k for k, e, v, n in info if not e and not v and n < MAX_INVALID_WKT]
    empty = [k for k, e, v, n in info if e]
    valid = [k for k, e, v, n in sorted(info, key=lambda t: (t[3], t[0])) if not e and v][:VALID]
    keep = sorted(invalid + empty + valid)
    geoms = [topo["objects"]["countries"]["geometries"][k] for k in keep]
    used = set()
    for g in geoms:
        used_arcs(g.get("arcs", []), used)
    order = sorted(used)
    index = {old: new for new, old in enumerate(order)}
    obj = dict(topo["objects"]["countries"])
    obj["geometries"] = [dict(g, arcs=remap(g["arcs"], index)) if "arcs" in g else g for g in geoms]
    out = {"type": "Topology", "arcs": [topo["arcs"][i] for i in order], "transform": topo["transform"],
           "objects": {"countries": obj}}
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    ds = ogr.Open(str(OUT))
    n = n_valid = n_empty = 0
    names = []
    for f in ds.GetLayerByName("countries"):
        g = f.GetGeometryRef()
        n += 1
        if g is None or g.IsEmpty():
            n_empty += 1
        elif g.IsValid():
            n_valid += 1
        else:
            names.append(f.GetField("name"))
    print(f"countries: {n} features, {n_valid} valid, {n - n_valid - n_empty} invalid ({', '.join(names)}), "
          f"{n_empty} empty")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(order)} of {len(topo['arcs'])} arcs)")


if __name__ == "__main__":
    main()
