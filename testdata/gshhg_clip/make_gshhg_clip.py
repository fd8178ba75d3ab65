#!/usr/bin/python3
"""Builds testdata/gshhg_clip/gshhg_zhuhai.gpkg, a small clip of the GSHHG 2.3.7 full-resolution
shoreline (../shared/data/gshhg_china_coast, LGPL-3+) around Zhuhai and Macao, for shoreline tests.

Box: 113.50-113.75 E, 22.05-22.30 N (EPSG:4326). Layers:
  mainland_coast     the China mainland coastline clipped to the box (LineString, GSHHG direction:
                     land on the left)
  island_shorelines  the level-1 shorelines (closed, counter-clockwise) of the islands entirely
                     inside the box, as lines
  coast_all          mainland_coast followed by island_shorelines (field `kind`)
  islands            the same islands as polygons (field `area_km2` from GSHHG)
  mainland           the land part of the box: faces of (box boundary + mainland coast) that lie on
                     the left of the coast

Also writes china_mainland_coast.geojson.gz: the whole China mainland coastline (the source's
`china_mainland_coast`, one LineString of 96,870 vertices, with its fields) as gzip-compressed
GeoJSON, coordinates written as the shortest decimal that reads back to the same double (Python's
repr), so GDAL reads exactly the source's vertices (open it as /vsigzip/PATH).

Run from the repository root:  /usr/bin/python3 testdata/gshhg_clip/make_gshhg_clip.py
"""
import gzip
import json
import os
import pathlib
import sys

from osgeo import ogr, osr

ogr.UseExceptions()
ROOT = pathlib.Path(__file__).resolve().parents[2]
SRC = pathlib.Path(os.environ.get("REDLINE_SHARED_DATA", ROOT.parent / "shared" / "data")) / \
    "gshhg_china_coast" / "gshhg_china_coast.gpkg"
OUT = pathlib.Path(__file__).resolve().parent / "gshhg_zhuhai.gpkg"
COAST_OUT = pathlib.Path(__file__).resolve().parent / "china_mainland_coast.geojson.gz"
X0, Y0, X1, Y1 = 113.50, 22.05, 113.75, 22.30


def box_geom():
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in [(X0, Y0), (X1, Y0), (X1, Y1), (X0, Y1), (X0, Y0)]:
        ring.AddPoint_2D(x, y)
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    return poly


def lines_of(g):
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbLineString:
        return [g.Clone()]
    if t in (ogr.wkbMultiLineString, ogr.wkbGeometryCollection):
        out = []
        for i in range(g.GetGeometryCount()):
            out += lines_of(g.GetGeometryRef(i))
        return out
    return []


def write_mainland_coast(src):
    layer = src.GetLayerByName("china_mainland_coast")
    f = layer.GetNextFeature()
    layer.ResetReading()
    xy = [[x, y] for x, y, *_ in f.GetGeometryRef().GetPoints()]
    doc = {"type": "FeatureCollection", "name": "china_mainland_coast",
           "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
           "features": [{"type": "Feature", "properties": f.items(),
                         "geometry": {"type": "LineString", "coordinates": xy}}]}
    text = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
    COAST_OUT.write_bytes(gzip.compress(text.encode("utf-8"), 9, mtime=0))
    print(f"wrote {COAST_OUT}: 1 line, {len(xy)} vertices")


def main():
    src = ogr.Open(str(SRC))
    if src is None:
        sys.exit(f"cannot open {SRC}")
    write_mainland_coast(src)
    box = box_geom()
    coast_layer = src.GetLayerByName("china_mainland_coast")
    coast_feature = coast_layer.GetNextFeature()
    coast = coast_feature.GetGeometryRef().Clone()
    mainland_lines = lines_of(coast.Intersection(box))
    mainland_lines = [l for l in mainland_lines if l.GetPointCount() >= 2]

    islands = []  # (fid, polygon, line, area)
    lyr = src.GetLayerByName("gshhg_f_l1_islands")
    lyr.SetSpatialFilterRect(X0, Y0, X1, Y1)
    for f in lyr:
        g = f.GetGeometryRef()
        e = g.GetEnvelope()
        if e[0] >= X0 and e[1] <= X1 and e[2] >= Y0 and e[3] <= Y1:
            ring = g.GetGeometryRef(0)
            line = ogr.Geometry(ogr.wkbLineString)
            for i in range(ring.GetPointCount()):
                line.AddPoint_2D(ring.GetX(i), ring.GetY(i))
            islands.append((f.GetFID(), g.Clone(), line, f.GetField("area_km2")))
    islands.sort(key=lambda t: t[0])

    # Mainland polygon: polygonize the box boundary with the coast, keep faces left of the coast.
    noded = ogr.Geometry(ogr.wkbMultiLineString)
    boundary = ogr.Geometry(ogr.wkbLineString)
    for x, y in [(X0, Y0), (X1, Y0), (X1, Y1), (X0, Y1), (X0, Y0)]:
        boundary.AddPoint_2D(x, y)
    noded.AddGeometry(boundary)
    for l in mainland_lines:
        noded.AddGeometry(l)
    noded = noded.Union(noded)
    faces = noded.Polygonize()
    land = ogr.Geometry(ogr.wkbMultiPolygon)
    for i in range(faces.GetGeometryCount()):
        face = faces.GetGeometryRef(i)
        left = right = 0
        for l in mainland_lines:
            pts = l.GetPoints()
            for k in range(0, len(pts) - 1, 7):
                (ax, ay), (bx, by) = pts[k][:2], pts[k + 1][:2]
                dx, dy = bx - ax, by - ay
                n = (dx * dx + dy * dy) ** 0.5
                if n == 0:
                    continue
                mx, my, eps = (ax + bx) / 2, (ay + by) / 2, 1e-6
                pl = ogr.CreateGeometryFromWkt(f"POINT({mx - dy / n * eps} {my + dx / n * eps})")
                pr = ogr.CreateGeometryFromWkt(f"POINT({mx + dy / n * eps} {my - dx / n * eps})")
                left += face.Contains(pl)
                right += face.Contains(pr)
        if left > right:
            land.AddGeometry(face)

    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    if OUT.exists():
        OUT.unlink()
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(str(OUT))

    def layer(name, gtype, fields):
        l = ds.CreateLayer(name, srs, gtype)
        for fname, ftype in fields:
            l.CreateField(ogr.FieldDefn(fname, ftype))
        return l

    def add(l, geom, **values):
        f = ogr.Feature(l.GetLayerDefn())
        for k, v in values.items():
            f.SetField(k, v)
        f.SetGeometry(geom)
        l.CreateFeature(f)

    l = layer("mainland_coast", ogr.wkbLineString, [])
    for g in mainland_lines:
        add(l, g)
    l = layer("island_shorelines", ogr.wkbLineString, [("gshhg_fid", ogr.OFTInteger64)])
    for fid, _, line, _ in islands:
        add(l, line, gshhg_fid=fid)
    l = layer("coast_all", ogr.wkbLineString, [("kind", ogr.OFTString)])
    for g in mainland_lines:
        add(l, g, kind="mainland")
    for _, _, line, _ in islands:
        add(l, line, kind="island")
    l = layer("islands", ogr.wkbPolygon, [("gshhg_fid", ogr.OFTInteger64), ("area_km2", ogr.OFTReal)])
    for fid, poly, _, area in islands:
        add(l, poly, gshhg_fid=fid, area_km2=area)
    l = layer("mainland", ogr.wkbMultiPolygon, [("name", ogr.OFTString)])
    add(l, land, name="mainland")
    ds = None
    print(f"wrote {OUT}: {len(mainland_lines)} mainland line(s), {len(islands)} islands, "
          f"{land.GetGeometryCount()} mainland face(s)")


if __name__ == "__main__":
    main()
