#!/usr/bin/python3
"""Builds testdata/cn_atlas/cn-atlas-provinces.json: the `nation` and `provinces` objects of the
cn-atlas TopoJSON (../shared/data/cn_atlas/cn-atlas.json, ISC; CTAmap 2023), without
`prefectures`.

The arcs the two objects use are copied unchanged (quantized, delta-encoded, with the original
`transform`) and renumbered; unused arcs are dropped. GDAL's TopoJSON driver therefore decodes every
vertex to the same double as from the original file. Prints the counts recorded in PROVENANCE.md.

Run from the repository root:  /usr/bin/python3 testdata/cn_atlas/make_cn_atlas_clip.py
"""
import json
import os
import pathlib
import sys

from osgeo import ogr

ogr.UseExceptions()
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SRC = pathlib.Path(os.environ.get("REDLINE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "cn_atlas" / "cn-atlas.json"
OUT = HERE / "cn-atlas-provinces.json"
KEEP = ("nation", "provinces")


def remap(arcs, index):
    """Arc references of a TopoJSON geometry (nested lists of ints; ~i is arc i reversed)."""
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
    used = set()
    for key in KEEP:
        for g in topo["objects"][key]["geometries"]:
            used_arcs(g.get("arcs", []), used)
    order = sorted(used)
    index = {old: new for new, old in enumerate(order)}
    objects = {}
    for key in KEEP:
        obj = dict(topo["objects"][key])
        obj["geometries"] = [dict(g, arcs=remap(g["arcs"], index)) if "arcs" in g else g for g in obj["geometries"]]
        objects[key] = obj
    out = {"type": "Topology", "arcs": [topo["arcs"][i] for i in order], "transform": topo["transform"],
           "objects": objects}
    OUT.write_text(json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")

    ds = ogr.Open(str(OUT))
    for key in KEEP:
        layer = ds.GetLayerByName(key)
        n = valid = vertices = 0
        for f in layer:
            g = f.GetGeometryRef()
            n += 1
            valid += g.IsValid()
            vertices += sum(g.GetGeometryRef(i).GetGeometryRef(j).GetPointCount()
                            for i in range(g.GetGeometryCount()) for j in range(g.GetGeometryRef(i).GetGeometryCount())) \
                if g.GetGeometryType() == ogr.wkbMultiPolygon else \
                sum(g.GetGeometryRef(j).GetPointCount() for j in range(g.GetGeometryCount()))
        print(f"{key}: {n} features, {valid} valid, {vertices} vertices")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {len(order)} of {len(topo['arcs'])} arcs)")


if __name__ == "__main__":
    main()
