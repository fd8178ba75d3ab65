#!/usr/bin/python3
"""Builds testdata/sao_miguel_clc/: the CORINE Land Cover 2018 raster of São Miguel (Azores) from
../shared/data/sao_miguel_clc (exactextractr 0.10.1, Apache-2.0; CORINE open data), copied byte for
byte, and `zones.fgb`, six zones made from the raster itself.

The municipal polygons that come with the raster are not copied (their source and licence are
unknown). Instead the zones are the island as CORINE draws it, cut into six strips:
  1. the cells whose class is not 44 (CLC 523 "Sea and ocean") are polygonized (GDAL, 8-connected),
     and the largest polygon is kept: São Miguel island, edges on cell edges;
  2. it is buffered by 0.00007 degrees (GEOS, 2 segments per quadrant) and simplified
     (Douglas-Peucker, 0.0005 degrees), so that its vertices are off the cell corners, its edges
     cross cells at any angle (exact coverage has partial cells) and no cell centre lies on an
     edge (the pixel-centre rule has no ties);
  3. it is cut by five slanted lines lon = c + 0.4 (lat - 37.8) into six zones `Z1` (west) ...
     `Z6` (east), field `name`.
Output: FlatGeobuf, EPSG:4326 (the raster's CRS), vertices as doubles.

Run from the repository root:  /usr/bin/python3 testdata/sao_miguel_clc/make_sao_miguel_clip.py
"""
import os
import pathlib
import shutil
import sys

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SRC = pathlib.Path(os.environ.get("REDLINE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sao_miguel_clc"
RASTER = "clc2018_v2020_20u1.tif"
SEA = 44
CUTS = [-25.70, -25.58, -25.47, -25.36, -25.25]  # lon of the cut lines at lat 37.8
SLOPE = 0.4


def count_points(g):
    return g.GetPointCount() + sum(count_points(g.GetGeometryRef(i)) for i in range(g.GetGeometryCount()))


def main():
    if not (SRC / RASTER).is_file():
        sys.exit(f"cannot open {SRC / RASTER}")
    shutil.copyfile(SRC / RASTER, HERE / RASTER)
    src = gdal.Open(str(HERE / RASTER))
    band = src.GetRasterBand(1)
    land = gdal.GetDriverByName("MEM").Create("", src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Byte)
    land.SetGeoTransform(src.GetGeoTransform())
    land.GetRasterBand(1).WriteArray((band.ReadAsArray() != SEA).astype("uint8"))
    mem = ogr.GetDriverByName("Memory").CreateDataSource("")
    polys = mem.CreateLayer("p", src.GetSpatialRef(), ogr.wkbPolygon)
    polys.CreateField(ogr.FieldDefn("v", ogr.OFTInteger))
    gdal.Polygonize(land.GetRasterBand(1), land.GetRasterBand(1), polys, 0, ["8CONNECTED=8"])
    island = max((f.GetGeometryRef().Clone() for f in polys), key=lambda g: g.GetArea())
    island = island.Buffer(0.00007, 2).SimplifyPreserveTopology(0.0005)
    assert island.IsValid()
    y0, y1 = 37.5, 38.1
    edges = [-26.5] + CUTS + [-24.5]
    zones = []
    for k in range(len(edges) - 1):
        a, b = edges[k], edges[k + 1]
        ring = [(a + SLOPE * (y0 - 37.8), y0), (b + SLOPE * (y0 - 37.8), y0),
                (b + SLOPE * (y1 - 37.8), y1), (a + SLOPE * (y1 - 37.8), y1)]
        wkt = "POLYGON((" + ",".join(f"{x!r} {y!r}" for x, y in ring + ring[:1]) + "))"
        zones.append((f"Z{k + 1}", island.Intersection(ogr.CreateGeometryFromWkt(wkt))))
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(4326)
    out = HERE / "zones.fgb"
    if out.exists():
        out.unlink()
    ds = ogr.GetDriverByName("FlatGeobuf").CreateDataSource(str(out))
    layer = ds.CreateLayer("zones", srs, ogr.wkbMultiPolygon, ["SPATIAL_INDEX=NO"])
    layer.CreateField(ogr.FieldDefn("name", ogr.OFTString))
    for name, g in zones:
        f = ogr.Feature(layer.GetLayerDefn())
        f.SetField("name", name)
        f.SetGeometry(ogr.ForceToMultiPolygon(g))
        layer.CreateFeature(f)
    ds = None
    n = sum(count_points(g) for _, g in zones)
    print(f"wrote {HERE / RASTER} ({(HERE / RASTER).stat().st_size} bytes) and {out} ({out.stat().st_size} bytes): "
          f"{len(zones)} zones ({n} vertices), island {island.GetGeometryRef(0).GetPointCount()} vertices")


if __name__ == "__main__":
    main()
