#!/usr/bin/python3
# Dissolves the redline layer of a plan.gpkg (redline synth) into one zone: the union of all
# its features as one MultiPolygon feature, layer "redline", field name = "all".
#   /usr/bin/python3 benchmarks/dissolve_layer.py plan.gpkg redline_dissolved.gpkg
import sys
from osgeo import ogr, osr
import shapely
from shapely.ops import unary_union
from shapely import wkb
src = ogr.Open(sys.argv[1]); lyr = src.GetLayerByName("redline")
geoms = [wkb.loads(bytes(f.GetGeometryRef().ExportToWkb())) for f in lyr]
u = unary_union(geoms)
assert u.is_valid
drv = ogr.GetDriverByName("GPKG"); out = drv.CreateDataSource(sys.argv[2])
ol = out.CreateLayer("redline", lyr.GetSpatialRef(), ogr.wkbMultiPolygon)
ol.CreateField(ogr.FieldDefn("name", ogr.OFTString))
f = ogr.Feature(ol.GetLayerDefn()); f.SetField("name", "all")
g = ogr.CreateGeometryFromWkb(wkb.dumps(u)); f.SetGeometry(ogr.ForceToMultiPolygon(g)); ol.CreateFeature(f)
print(len(geoms), "features ->", len(getattr(u, "geoms", [u])), "parts,", sum(len(p.exterior.coords)+sum(len(i.coords) for i in p.interiors) for p in getattr(u, "geoms", [u])), "vertices")
