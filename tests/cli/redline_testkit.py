"""Helpers shared by the CLI and Python tests: run the binary, build fixture rasters and layers
with GDAL/OGR (so no binary fixture is hand-edited), read outputs.

Environment (set by ctest): REDLINE_BIN, REDLINE_SOURCE_DIR. Tests read data only from TESTDATA
(the repository's testdata/) or generate it."""
import csv
import io
import json
import os
import pathlib
import subprocess

from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

SOURCE_DIR = pathlib.Path(os.environ.get("REDLINE_SOURCE_DIR", pathlib.Path(__file__).resolve().parents[2]))
BIN = os.environ.get("REDLINE_BIN", str(SOURCE_DIR / "build" / "cli" / "redline"))
TESTDATA = SOURCE_DIR / "testdata"

# CGCS2000 Albers (docs/geodesy.md#equal-area-albers): equal-area on GRS80, the engine's default national frame.
ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
GK35 = "EPSG:4523"  # CGCS2000 3-degree Gauss-Kruger zone 35 (CM 105E, with zone prefix)


def run(*args, timeout=600, cwd=None, env=None, input=None):
    """Runs redline with the given arguments; returns the CompletedProcess (text mode)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    return subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, env=e, input=input)


def srs_of(crs):
    s = osr.SpatialReference()
    s.SetFromUserInput(crs)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def write_raster(path, array, geotransform, crs="EPSG:4326", nodata=None, dtype=gdal.GDT_Byte,
                 block=None, compress=None):
    """Writes a single-band GeoTIFF from a 2-D numpy array. crs=None writes no CRS."""
    rows, cols = array.shape
    opts = []
    if block:
        opts += ["TILED=YES", f"BLOCKXSIZE={block[0]}", f"BLOCKYSIZE={block[1]}"]
    if compress:
        opts.append(f"COMPRESS={compress}")
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, 1, dtype, opts)
    if geotransform is not None:
        ds.SetGeoTransform(geotransform)
    if crs:
        ds.SetSpatialRef(srs_of(crs))
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(array)
    ds = None
    return str(path)


def write_layer(path, layer, wkts, crs="EPSG:4326", fields=None, geom_type=ogr.wkbUnknown, append=False,
                layer_options=None):
    """Writes features (WKT strings, None for a null geometry) to a vector file; the driver follows
    the extension (.gpkg, .shp, .geojson, .gdb). fields: {name: [values]} (str, int or float).
    layer_options: GDAL layer creation options, e.g. ["ENCODING=CP936"] for a shapefile."""
    path = str(path)
    drv = {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON", ".json": "GeoJSON",
           ".gdb": "OpenFileGDB"}[pathlib.Path(path).suffix]
    if append and os.path.exists(path):
        ds = ogr.Open(path, 1)
    else:
        if os.path.exists(path):
            ogr.GetDriverByName(drv).DeleteDataSource(path)
        ds = ogr.GetDriverByName(drv).CreateDataSource(path)
    lyr = ds.CreateLayer(layer, srs_of(crs) if crs else None, geom_type, options=layer_options or [])
    fields = fields or {}
    for name, values in fields.items():
        sample = next((v for v in values if v is not None), "")
        ftype = ogr.OFTInteger64 if isinstance(sample, int) else ogr.OFTReal if isinstance(sample, float) else ogr.OFTString
        lyr.CreateField(ogr.FieldDefn(name, ftype))
    for i, w in enumerate(wkts):
        f = ogr.Feature(lyr.GetLayerDefn())
        for name, values in fields.items():
            if values[i] is not None:
                f.SetField(name, values[i])
        if w is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkt(w))
        lyr.CreateFeature(f)
    ds = None
    return path


def write_gbk_shapefile(path, variant, wkts, fields, crs="EPSG:4490", geom_type=ogr.wkbPolygon):
    """A shapefile whose .dbf is in GBK, declared as `variant` says: "ldid0" (no .cpg, LDID 0),
    "ldid4d" (no .cpg, LDID 0x4D) or "cpg" (a .cpg holding GBK, LDID 0). GDAL writes it in CP936;
    the language driver id (LDID) is byte 29 of the .dbf."""
    path = pathlib.Path(path)
    write_layer(path, path.stem, wkts, crs, fields, geom_type=geom_type, layer_options=["ENCODING=CP936"])
    dbf, cpg = path.with_suffix(".dbf"), path.with_suffix(".cpg")
    if cpg.exists():
        cpg.unlink()
    data = bytearray(dbf.read_bytes())
    data[29] = {"ldid0": 0, "ldid4d": 0x4D, "cpg": 0}[variant]
    dbf.write_bytes(bytes(data))
    if variant == "cpg":
        cpg.write_text("GBK")
    texts = list(fields) + [v for vs in fields.values() for v in vs if isinstance(v, str)]
    assert all(t.encode("gbk") in data for t in texts if not t.isascii())  # really GBK on disk
    return str(path)


def box_wkt(x0, y0, x1, y1):
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def real_text(value):
    """The text the engine writes for a real (CSV cell, JSON number): the shortest decimal that parses
    back to the same double, which is Python's repr(float) -- an implementation independent of the
    engine's (fmt)."""
    return repr(float(value))


def real(text):
    """The value of a real written by the engine, after checking that the text is the shortest
    round-trip form of that value."""
    value = float(text)
    assert text == repr(value), f"{text!r} is not the shortest round-trip text of {value!r}"
    return value


def read_csv_text(text):
    return list(csv.DictReader(io.StringIO(text)))


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def no_temp_files(directory):
    """True when no temporary output (".name.tmp-...") is left in the directory."""
    return not [p for p in os.listdir(directory) if ".tmp-" in p]
