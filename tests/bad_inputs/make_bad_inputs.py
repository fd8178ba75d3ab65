#!/usr/bin/python3
"""Generates the catalogue of broken (and awkward-but-valid) inputs of the bad-input suite
(issue #9) into a directory. Nothing here is a committed binary: every file is made by GDAL/OGR
or by patching the bytes GDAL wrote, each time the suite runs.

    /usr/bin/python3 tests/bad_inputs/make_bad_inputs.py OUTDIR     # writes and lists the catalogue

As a module: `build(outdir) -> Catalogue` with the good fixtures (raster, zones, lines, report
scene) and the cases. A case has a kind (which role it can play), the argument to pass (a path,
PATH:LAYER or a folder), what the engine must do with it and a fragment naming it that every
message about it must contain:

    expect = "error"   exit 2, 3 or 4 and no output; `validate` may instead exit 5 with a complete
                       table holding the row `problem` (it reports geometry problems as rows)
    expect = "ok"      must work (awkward but legitimate: spaces, non-ASCII, 100k parts, ...)
    expect = "warn"    must work and print a warning naming the input

Kinds: raster (class raster), polygons (zones / planning layers), lines (shoreline),
config (a report folder: its indicators.yaml), rules (a change rules YAML).

The geometry is a 100 x 100 raster of 10 m cells in CGCS2000 Albers at (X0, Y0); zones, lines and
the report scene sit on it.
"""
import math
import os
import pathlib
import shutil
import struct
import sys
from dataclasses import dataclass, field

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()

ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
X0, Y0 = 600000.0, 3600000.0  # top-left corner of the fixtures (Albers metres)
CELL = 10.0
N = 100  # raster side in cells


@dataclass
class Case:
    name: str
    kind: str  # raster | polygons | lines | config | rules
    arg: str   # what goes on the command line
    expect: str = "error"  # error | ok | warn
    names: str = ""  # fragment every message must contain (default: the file's base name)
    note: str = ""
    by_command: dict = field(default_factory=dict)  # command -> expect override
    problem: str = ""  # validate: the problem row it must report when it exits 5

    def expect_for(self, command):
        return self.by_command.get(command, self.expect)

    def fragment(self):
        if self.names:
            return self.names
        path = self.arg.split(":")[0] if not os.path.exists(self.arg) else self.arg
        return os.path.basename(path.rstrip("/"))


@dataclass
class Catalogue:
    root: pathlib.Path
    raster: str = ""
    raster_t1: str = ""
    zones: str = ""
    layer_b: str = ""
    lines: str = ""
    cases: list = field(default_factory=list)

    def of_kind(self, kind):
        return [c for c in self.cases if c.kind == kind]


# ----------------------------------------------------------------------------- writers

def srs_of(crs):
    s = osr.SpatialReference()
    s.SetFromUserInput(crs)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


def write_raster(path, array, gt=(X0, CELL, 0, Y0, 0, -CELL), crs=ALBERS, nodata=0, dtype=gdal.GDT_Byte,
                 options=()):
    rows, cols = array.shape
    ds = gdal.GetDriverByName("GTiff").Create(str(path), cols, rows, 1, dtype, list(options))
    if gt is not None:
        ds.SetGeoTransform(gt)
    if crs:
        ds.SetSpatialRef(srs_of(crs))
    band = ds.GetRasterBand(1)
    if nodata is not None:
        band.SetNoDataValue(nodata)
    band.WriteArray(array)
    ds = None
    return str(path)


def write_layer(path, layer, geoms, crs=ALBERS, fields=None, driver=None, append=False, geom_type=ogr.wkbUnknown):
    """geoms: WKT strings, ogr.Geometry objects or None (null geometry)."""
    path = str(path)
    driver = driver or {".gpkg": "GPKG", ".shp": "ESRI Shapefile", ".geojson": "GeoJSON"}[pathlib.Path(path).suffix]
    if append and os.path.exists(path):
        ds = ogr.Open(path, 1)
    else:
        ds = ogr.GetDriverByName(driver).CreateDataSource(path)
    lyr = ds.CreateLayer(layer, srs_of(crs) if crs else None, geom_type)
    fields = fields or {}
    for name, values in fields.items():
        ftype = ogr.OFTInteger64 if isinstance(values[0], int) else ogr.OFTString
        lyr.CreateField(ogr.FieldDefn(name, ftype))
    for i, g in enumerate(geoms):
        f = ogr.Feature(lyr.GetLayerDefn())
        for name, values in fields.items():
            f.SetField(name, values[i])
        if g is not None:
            f.SetGeometry(ogr.CreateGeometryFromWkt(g) if isinstance(g, str) else g)
        lyr.CreateFeature(f)
    ds = None
    return path


def box(x0, y0, x1, y1):
    return f"POLYGON(({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0}))"


def ring_geometry(points, closed=True):
    """A polygon from raw points; closed=False leaves the ring open (OGR keeps what it is given)."""
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in points:
        ring.AddPoint_2D(x, y)
    if closed and points[0] != points[-1]:
        ring.AddPoint_2D(*points[0])
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometryDirectly(ring)
    return poly


def line_geometry(points):
    line = ogr.Geometry(ogr.wkbLineString)
    for x, y in points:
        line.AddPoint_2D(x, y)
    return line


def truncate(src, dst, fraction=0.5):
    data = pathlib.Path(src).read_bytes()
    pathlib.Path(dst).write_bytes(data[: int(len(data) * fraction)])
    return str(dst)


def overwrite(src, dst, offset, data):
    b = bytearray(pathlib.Path(src).read_bytes())
    b[offset:offset + len(data)] = data
    pathlib.Path(dst).write_bytes(bytes(b))
    return str(dst)


def patch_tiff_dimensions(path, width, height, rows_per_strip=None):
    """Rewrites ImageWidth/ImageLength (and RowsPerStrip) of the first IFD of a classic
    little-endian TIFF as LONG values: a header that claims any size over the same tiny data."""
    b = bytearray(pathlib.Path(path).read_bytes())
    assert b[:4] == b"II*\x00", "classic little-endian TIFF expected"
    ifd = struct.unpack_from("<I", b, 4)[0]
    count = struct.unpack_from("<H", b, ifd)[0]
    for i in range(count):
        e = ifd + 2 + 12 * i
        tag = struct.unpack_from("<H", b, e)[0]
        value = {256: width, 257: height, 278: rows_per_strip}.get(tag)
        if value is not None:
            struct.pack_into("<HHII", b, e, tag, 4, 1, value)
    pathlib.Path(path).write_bytes(bytes(b))


def tile_offsets(path):
    """(offsets, byte counts) of the tiles of a tiled GeoTIFF, from GDAL's metadata."""
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    bx, by = band.GetBlockSize()
    out = []
    for j in range((ds.RasterYSize + by - 1) // by):
        for i in range((ds.RasterXSize + bx - 1) // bx):
            off = int(band.GetMetadataItem(f"BLOCK_OFFSET_{i}_{j}", "TIFF"))
            size = int(band.GetMetadataItem(f"BLOCK_SIZE_{i}_{j}", "TIFF"))
            out.append((i, j, off, size))
    return out


# ----------------------------------------------------------------------------- the catalogue

def classes_array(seed=1):
    rng = np.random.default_rng(seed)
    arr = rng.integers(1, 9, (N, N), dtype=np.uint8)
    arr[0, 0] = 0  # one nodata cell
    return arr


ZONE_A = box(X0 + 5, Y0 - 505, X0 + 505, Y0 - 5)          # 500 m x 500 m inside the raster
ZONE_B = box(X0 + 300, Y0 - 900, X0 + 800, Y0 - 400)
LINE_GOOD = [(X0 + 5, Y0 - 500), (X0 + 995, Y0 - 500)]  # across the raster


def build(root):
    root = pathlib.Path(root)
    good = root / "good"
    bad = root / "bad"
    good.mkdir(parents=True, exist_ok=True)
    bad.mkdir(parents=True, exist_ok=True)
    cat = Catalogue(root)
    arr = classes_array()
    cat.raster = write_raster(good / "lc.tif", arr, options=["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32"])
    t1 = arr.copy()
    t1[40:50, 40:50] = 8
    cat.raster_t1 = write_raster(good / "lc1.tif", t1)
    cat.zones = write_layer(good / "plan.gpkg", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]}) + ":zones"
    # Off the 1 m lattice of the 100k-part case: GEOS's prepared contains takes its slow path (~10 s)
    # when the corners of the other polygon fall on the boundaries of the many parts.
    cat.layer_b = write_layer(good / "other.gpkg", "other", [box(X0 + 100.5, Y0 - 300.5, X0 + 400.5, Y0 - 100.5)],
                              fields={"code": ["O"]}) + ":other"
    cat.lines = write_layer(good / "coast.gpkg", "coast", [line_geometry(LINE_GOOD)], fields={"type": ["sandy"]}) + ":coast"
    add = cat.cases.append

    # ---------------------------------------------------------------- rasters
    add(Case("raster_truncated", "raster", truncate(write_raster(bad / "whole.tif", arr), bad / "truncated.tif"),
             note="the data strips are cut off"))
    add(Case("raster_junk", "raster", str(_write(bad / "junk.tif", b"GIF89a not a raster at all " * 40)),
             note="not a raster"))
    add(Case("raster_empty_file", "raster", str(_write(bad / "empty.tif", b"")), note="a 0-byte file"))
    add(Case("raster_missing", "raster", str(bad / "does_not_exist.tif"), note="no such file"))
    tif_hdr = write_raster(bad / "header_only.tif", arr)
    add(Case("raster_header_only", "raster", truncate(tif_hdr, bad / "header_only.tif", 0.02),
             note="the first 2% of a GeoTIFF"))
    # one tile's compressed bytes replaced by garbage in the middle of a tiled, deflated raster
    tiled = write_raster(bad / "tiled_src.tif", arr, options=["TILED=YES", "BLOCKXSIZE=32", "BLOCKYSIZE=32",
                                                             "COMPRESS=DEFLATE"])
    i, j, off, size = [t for t in tile_offsets(tiled) if t[0] == 1 and t[1] == 1][0]
    add(Case("raster_corrupt_tile", "raster", overwrite(tiled, bad / "corrupt_tile.tif", off, b"\xff" * size),
             names="corrupt_tile.tif", note=f"tile ({i},{j}) (rows 32-63) overwritten"))
    os.remove(tiled)
    add(Case("raster_float32", "raster", write_raster(bad / "float32.tif", arr.astype(np.float32), dtype=gdal.GDT_Float32),
             note="float classes"))
    add(Case("raster_float64", "raster", write_raster(bad / "float64.tif", arr.astype(np.float64), dtype=gdal.GDT_Float64),
             note="float classes"))
    big = arr.astype(np.int64)
    big[50, 50] = 2**40  # on the shoreline's landward strip and inside zone B: every command reads it
    add(Case("raster_int64", "raster", write_raster(bad / "int64.tif", big, dtype=gdal.GDT_Int64),
             note="64-bit classes beyond int32"))
    u32 = arr.astype(np.uint32)
    u32[50, 50] = 2**32 - 2
    add(Case("raster_uint32_large", "raster", write_raster(bad / "uint32.tif", u32, dtype=gdal.GDT_UInt32),
             note="UInt32 class codes beyond int32"))
    add(Case("raster_complex", "raster", write_raster(bad / "complex.tif", arr.astype(np.complex64), dtype=gdal.GDT_CFloat32),
             note="complex samples"))
    add(Case("raster_nodata_unset", "raster", write_raster(bad / "nodata_unset.tif", arr, nodata=None), expect="ok",
             note="no nodata: class 0 is a class"))
    add(Case("raster_nodata_nan", "raster", write_raster(bad / "nodata_nan.tif", arr, nodata=float("nan")),
             expect="ok", note="NaN nodata on a Byte band: no cell is nodata"))
    add(Case("raster_nodata_out_of_range", "raster", write_raster(bad / "nodata_huge.tif", arr, nodata=1e300),
             expect="ok", note="nodata 1e300 on a Byte band: no cell is nodata"))
    add(Case("raster_no_crs", "raster", write_raster(bad / "no_crs.tif", arr, crs=None), note="no CRS"))
    add(Case("raster_unknown_crs", "raster", write_raster(bad / "local_crs.tif", arr, crs='LOCAL_CS["site grid",UNIT["metre",1]]'),
             note="an engineering (local) CRS"))
    add(Case("raster_no_geotransform", "raster", write_raster(bad / "no_gt.tif", arr, gt=None), note="no geotransform"))
    add(Case("raster_rotated", "raster", write_raster(bad / "rotated.tif", arr, gt=(X0, CELL, 1.0, Y0, 1.0, -CELL)),
             note="rotated geotransform"))
    add(Case("raster_nan_geotransform", "raster", write_raster(bad / "nan_gt.tif", arr, gt=(X0, float("nan"), 0, Y0, 0, -CELL)),
             note="NaN cell size"))
    add(Case("raster_zero_cell", "raster", write_raster(bad / "zero_cell.tif", arr, gt=(X0, 0.0, 0, Y0, 0, -CELL)),
             note="cell width 0"))
    add(Case("raster_huge_origin", "raster", write_raster(bad / "huge_origin.tif", arr, gt=(1e300, CELL, 0, Y0, 0, -CELL)),
             note="origin 1e300"))
    zero = write_raster(bad / "zero_size.tif", np.zeros((1, 1), np.uint8))
    patch_tiff_dimensions(zero, 0, 1)
    add(Case("raster_zero_size", "raster", zero, note="ImageWidth 0"))
    huge = write_raster(bad / "huge_declared.tif", np.ones((4, 4), np.uint8))
    patch_tiff_dimensions(huge, 1000000, 1000000, rows_per_strip=1000000)
    add(Case("raster_huge_declared", "raster", huge, note="a 1e6 x 1e6 header over 16 bytes of data"))
    # awkward but valid names
    add(Case("raster_path_spaces", "raster", write_raster(_mkdir(bad / "with spaces") / "land cover 2020.tif", arr),
             expect="ok", note="spaces in the folder and file name"))
    add(Case("raster_path_non_ascii", "raster", write_raster(_mkdir(bad / "土地利用") / "土地覆盖 2020年.tif", arr),
             expect="ok", note="non-ASCII folder and file name"))

    # ---------------------------------------------------------------- polygons
    ok_gpkg = write_layer(bad / "whole.gpkg", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    add(Case("gpkg_truncated", "polygons", truncate(ok_gpkg, bad / "truncated.gpkg", 0.3) + ":zones",
             names="truncated.gpkg"))
    size = os.path.getsize(ok_gpkg)
    add(Case("gpkg_corrupt_pages", "polygons",
             overwrite(ok_gpkg, bad / "corrupt.gpkg", 4096, b"\x5a" * min(size - 4096, 4096 * 6)) + ":zones",
             names="corrupt.gpkg", note="SQLite pages 2-7 overwritten"))
    add(Case("gpkg_junk", "polygons", str(_write(bad / "junk.gpkg", b"SQLite format 3\x00" + b"\x01" * 3000)),
             note="an SQLite magic followed by garbage"))
    add(Case("gpkg_missing", "polygons", str(bad / "missing.gpkg"), note="no such file"))
    add(Case("gpkg_no_layer", "polygons", ok_gpkg + ":nosuch", names="nosuch"))
    shp = write_layer(_mkdir(bad / "shp_truncated") / "zones.shp", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    truncate(shp, shp, 0.6)
    add(Case("shp_truncated", "polygons", shp, names="zones.shp", note=".shp cut, .shx still points past its end"))
    shp = write_layer(_mkdir(bad / "shp_no_shx") / "zones.shp", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    os.remove(shp[:-4] + ".shx")
    add(Case("shp_without_shx", "polygons", shp, names="zones.shp"))
    shp = write_layer(_mkdir(bad / "shp_bad_dbf") / "zones.shp", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    _write(shp[:-4] + ".dbf", b"\x03garbage dbf" * 3)
    add(Case("shp_corrupt_dbf", "polygons", shp, names="zones.shp"))
    shp = write_layer(_mkdir(bad / "shp_no_prj") / "zones.shp", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    os.remove(shp[:-4] + ".prj")
    add(Case("shp_without_prj", "polygons", shp, names="zones.shp", note="no .prj: no CRS", problem="missing_crs"))
    shp = write_layer(_mkdir(bad / "shp_garbage_prj") / "zones.shp", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    _write(shp[:-4] + ".prj", b"this is not a coordinate reference system")
    add(Case("shp_garbage_prj", "polygons", shp, names="zones.shp", note="unparseable .prj (GDAL: no CRS)",
             problem="missing_crs"))
    shp = write_layer(_mkdir(bad / "shp_local_prj") / "zones.shp", "zones", [ZONE_A, ZONE_B], fields={"code": ["A", "B"]})
    _write(shp[:-4] + ".prj", b'LOCAL_CS["site grid",UNIT["metre",1]]')
    add(Case("shp_unknown_crs", "polygons", shp, names="zones.shp", note="engineering CRS"))
    # A .dbf that declares no encoding (no .cpg, language driver byte 0): field name and values in
    # GBK (detected as GB18030, with a warning naming the .dbf), or in bytes no encoding accepts.
    shp = gbk_undeclared(_mkdir(bad / "shp_gbk") / "zones.shp", "\u540d\u79f0".encode("gbk"))
    add(Case("shp_gbk_no_cpg", "polygons", shp, expect="warn", names="zones.dbf",
             note="GBK text, no .cpg, LDID 0: decoded as GB18030"))
    shp = gbk_undeclared(_mkdir(bad / "shp_bad_text") / "zones.shp", b"\xff\xfe\xff\xfe")
    add(Case("shp_text_in_no_encoding", "polygons", shp, names="zones.shp",
             note="a field name neither UTF-8 nor GB18030 (0xFF)"))
    # EPSG:4490 (lat, lon axis order by the authority) written with x = latitude, y = longitude
    add(Case("axis_swapped_4490", "polygons",
             write_layer(bad / "swapped.gpkg", "zones", [box(30.0, 105.0, 30.01, 105.01)], crs="EPSG:4490") + ":zones",
             names="swapped.gpkg", note="latitude 105: axes swapped", problem="outside_crs_area"))
    add(Case("coords_nan", "polygons", write_layer(bad / "nan.gpkg", "zones", [
        ZONE_A, ring_geometry([(X0, Y0 - 10), (float("nan"), Y0 - 10), (X0 + 10, Y0), (X0, Y0 - 10)])],
        fields={"code": ["A", "nan"]}) + ":zones", names="nan.gpkg", problem="invalid_geometry"))
    add(Case("coords_inf", "polygons", write_layer(bad / "inf.gpkg", "zones", [
        ZONE_A, ring_geometry([(X0, Y0 - 10), (math.inf, Y0 - 10), (X0 + 10, Y0), (X0, Y0 - 10)])],
        fields={"code": ["A", "inf"]}) + ":zones", names="inf.gpkg", problem="invalid_geometry"))
    add(Case("coords_1e300", "polygons", write_layer(bad / "e300.gpkg", "zones", [
        ZONE_A, ring_geometry([(X0, Y0 - 10), (1e300, Y0 - 10), (X0 + 10, 1e300), (X0, Y0 - 10)])],
        fields={"code": ["A", "e300"]}) + ":zones", names="e300.gpkg", problem="outside_crs_area"))
    add(Case("geometry_empty", "polygons",
             write_layer(bad / "empty_geom.gpkg", "zones", [ZONE_A, "POLYGON EMPTY"], fields={"code": ["A", "E"]}) + ":zones",
             expect="warn", names="empty_geom", by_command={"validate": "error"}, problem="empty_geometry",
             note="one empty polygon: a zone that covers nothing"))
    add(Case("geometry_null", "polygons",
             write_layer(bad / "null_geom.gpkg", "zones", [ZONE_A, None], fields={"code": ["A", "N"]}) + ":zones",
             expect="warn", names="null_geom", by_command={"validate": "error"}, problem="empty_geometry",
             note="one null geometry: a zone that covers nothing"))
    add(Case("all_empty", "polygons",
             write_layer(bad / "all_empty.gpkg", "zones", ["POLYGON EMPTY", None], fields={"code": ["E", "N"]}) + ":zones",
             names="all_empty", problem="empty_geometry", note="every geometry empty or null"))
    add(Case("no_features", "polygons", write_layer(bad / "no_features.gpkg", "zones", []) + ":zones", names="no_features",
             note="a layer without features"))
    add(Case("ring_unclosed", "polygons", write_layer(bad / "unclosed.gpkg", "zones", [
        ZONE_A, ring_geometry([(X0, Y0 - 50), (X0 + 50, Y0 - 50), (X0 + 50, Y0)], closed=False)],
        fields={"code": ["A", "open"]}) + ":zones", names="unclosed", expect="warn", by_command={"validate": "error"},
        problem="invalid_geometry", note="closed with a warning; validate reports it"))
    add(Case("ring_two_points", "polygons", write_layer(bad / "two_points.gpkg", "zones", [
        ZONE_A, ring_geometry([(X0, Y0 - 50), (X0 + 50, Y0 - 50), (X0, Y0 - 50)])],
        fields={"code": ["A", "flat"]}) + ":zones", names="two_points", problem="invalid_geometry"))
    bowtie = f"POLYGON(({X0} {Y0 - 300},{X0 + 300} {Y0},{X0 + 300} {Y0 - 300},{X0} {Y0},{X0} {Y0 - 300}))"
    add(Case("bowtie", "polygons",
             write_layer(bad / "bowtie.gpkg", "zones", [ZONE_A, bowtie], fields={"code": ["A", "tie"]}) + ":zones",
             names="bowtie", problem="invalid_geometry"))
    add(Case("points_not_polygons", "polygons",
             write_layer(bad / "points.gpkg", "zones", [f"POINT({X0 + 5} {Y0 - 5})"], fields={"code": ["P"]}) + ":zones",
             names="points", problem="non_polygonal"))
    # 100,000 squares of 1 m x 1 m (each in a different 2 m pitch): one multipolygon feature
    mp = ogr.Geometry(ogr.wkbMultiPolygon)
    for k in range(100000):
        x = X0 + 1 + (k % 400) * 2.0
        y = Y0 - 1 - (k // 400) * 2.0 - 1
        mp.AddGeometryDirectly(ring_geometry([(x, y), (x + 1, y), (x + 1, y + 1), (x, y + 1)]))
    add(Case("multipolygon_100k_parts", "polygons",
             write_layer(bad / "many_parts.gpkg", "zones", [mp], fields={"code": ["M"]}) + ":zones",
             expect="ok", names="many_parts", note="one feature of 100,000 disjoint 1 m2 squares (100,000 m2)"))
    add(Case("path_spaces", "polygons",
             write_layer(_mkdir(bad / "plan folder") / "my plan.gpkg", "zones", [ZONE_A], fields={"code": ["A"]}) + ":zones",
             expect="ok", names="my plan.gpkg"))
    add(Case("path_non_ascii", "polygons",
             write_layer(_mkdir(bad / "规划") / "生态保护红线.gpkg", "红线", [ZONE_A], fields={"名称": ["甲"]}) + ":红线",
             expect="ok", names="生态保护红线.gpkg"))

    # ---------------------------------------------------------------- lines (shoreline)
    ok_lines = write_layer(bad / "lines_whole.gpkg", "coast", [line_geometry(LINE_GOOD)], fields={"type": ["sandy"]})
    add(Case("lines_truncated", "lines", truncate(ok_lines, bad / "lines_truncated.gpkg", 0.3) + ":coast",
             names="lines_truncated.gpkg"))
    add(Case("lines_nan", "lines", write_layer(bad / "lines_nan.gpkg", "coast", [
        line_geometry(LINE_GOOD), line_geometry([(X0, Y0 - 5), (float("nan"), Y0 - 5)])],
        fields={"type": ["sandy", "sandy"]}) + ":coast", names="lines_nan"))
    add(Case("lines_1e300", "lines", write_layer(bad / "lines_e300.gpkg", "coast", [
        line_geometry(LINE_GOOD), line_geometry([(X0, Y0 - 5), (1e300, Y0 - 5)])],
        fields={"type": ["sandy", "sandy"]}) + ":coast", names="lines_e300"))
    add(Case("lines_axis_swapped_4490", "lines", write_layer(bad / "lines_swapped.gpkg", "coast", [
        line_geometry([(22.0, 113.5), (22.1, 113.6)])], crs="EPSG:4490", fields={"type": ["sandy"]}) + ":coast",
        names="lines_swapped"))
    add(Case("lines_one_point", "lines", write_layer(bad / "lines_one_point.gpkg", "coast", [
        line_geometry(LINE_GOOD), line_geometry([(X0, Y0 - 5)])], fields={"type": ["sandy", "sandy"]}) + ":coast",
        expect="warn", names="lines_one_point", note="a line of a single point: no length"))
    add(Case("lines_empty_and_null", "lines", write_layer(bad / "lines_empty.gpkg", "coast", [
        line_geometry(LINE_GOOD), "LINESTRING EMPTY", None], fields={"type": ["sandy", "sandy", "sandy"]}) + ":coast",
        expect="warn", names="lines_empty"))
    add(Case("lines_are_polygons", "lines", write_layer(bad / "lines_polys.gpkg", "coast", [ZONE_A],
                                                        fields={"type": ["sandy"]}) + ":coast", names="lines_polys"))
    shp = write_layer(_mkdir(bad / "lines_no_prj") / "coast.shp", "coast", [line_geometry(LINE_GOOD)], fields={"type": ["sandy"]})
    os.remove(shp[:-4] + ".prj")
    add(Case("lines_shp_without_prj", "lines", shp, names="coast.shp"))
    add(Case("lines_path_non_ascii", "lines", write_layer(_mkdir(bad / "海岸线 数据") / "岸线.gpkg", "岸线",
                                                           [line_geometry(LINE_GOOD)], fields={"type": ["sandy"]}) + ":岸线",
             expect="ok", names="岸线.gpkg"))

    # ---------------------------------------------------------------- change rules
    add(Case("rules_bad_yaml", "rules", str(_write(bad / "rules_bad.yaml", b"rules:\n  - name: [unclosed\n    from: {\n")),
             names="rules_bad.yaml"))
    add(Case("rules_binary", "rules", str(_write(bad / "rules_binary.yaml", bytes(range(256)) * 4)), names="rules_binary.yaml"))
    add(Case("rules_unknown_group", "rules", str(_write(bad / "rules_group.yaml",
                                                        b"rules:\n  - name: x\n    from: [jungle]\n    to: [built_up]\n")),
             names="rules_group.yaml"))
    add(Case("rules_huge_code", "rules", str(_write(bad / "rules_code.yaml",
                                                    b"rules:\n  - name: x\n    from: [99999999999999999999999]\n    to: [8]\n")),
             names="rules_code.yaml"))
    add(Case("rules_empty", "rules", str(_write(bad / "rules_empty.yaml", b"")), names="rules_empty.yaml"))

    # ---------------------------------------------------------------- report configs
    scene = make_report_scene(_mkdir(root / "scene"), arr, t1)
    add(Case("config_outside_paths", "config", report_folder(root, scene, "cfg_outside",
                                                            {"landcover_t1": "../scene/lc1.tif"}),
             names="indicators.yaml"))
    add(Case("config_absolute_outside", "config", report_folder(root, scene, "cfg_absolute",
                                                               {"redline": str(scene / "plan.gpkg") + ":redline"}),
             names="indicators.yaml"))
    add(Case("config_bad_yaml", "config", report_folder(root, scene, "cfg_bad_yaml", raw="version: 1\ninputs: [\n  a: b\n"),
             names="indicators.yaml"))
    add(Case("config_binary", "config", report_folder(root, scene, "cfg_binary", raw_bytes=bytes(range(256)) * 8),
             names="indicators.yaml"))
    add(Case("config_empty", "config", report_folder(root, scene, "cfg_empty", raw=""), names="indicators.yaml"))
    add(Case("config_missing_input", "config", report_folder(root, scene, "cfg_missing",
                                                            {"landcover_t1": "nosuch.tif"}), names="nosuch.tif"))
    for c in list(cat.cases):
        # the broken rasters and layers, reached through a config (copied into its folder)
        if c.kind == "raster" and c.name in REPORT_RASTERS:
            add(Case("config_" + c.name, "config", report_folder(root, scene, "cfg_" + c.name, {"landcover_t1": c.arg}),
                     expect=c.expect, names=c.fragment()))
        if c.kind == "polygons" and c.name in REPORT_POLYGONS:
            add(Case("config_" + c.name, "config", report_folder(root, scene, "cfg_" + c.name, {"redline": c.arg}),
                     expect=c.expect_for("report"), names=c.fragment()))
    add(Case("config_folder_non_ascii", "config", report_folder(root, scene, "报告 配置 folder"), expect="ok",
             names="indicators.yaml"))
    return cat


REPORT_RASTERS = {"raster_truncated", "raster_corrupt_tile", "raster_float32", "raster_int64", "raster_no_crs",
                  "raster_huge_declared", "raster_path_non_ascii"}
REPORT_POLYGONS = {"gpkg_corrupt_pages", "shp_without_prj", "shp_corrupt_dbf", "coords_nan", "coords_1e300", "bowtie",
                   "ring_unclosed", "all_empty", "axis_swapped_4490", "path_non_ascii", "shp_gbk_no_cpg",
                   "shp_text_in_no_encoding"}

REPORT_CONFIG = """version: 1
title: bad-input suite
year: 2020
inputs:
{inputs}
indicators:
  - id: ecr_area
  - id: cropland_cover
"""


def make_report_scene(scene, t0, t1):
    """Land cover and plans for a small report (two indicators: ecr_area, cropland_cover)."""
    write_raster(scene / "lc0.tif", t0)
    write_raster(scene / "lc1.tif", t1)
    plan = str(scene / "plan.gpkg")
    write_layer(plan, "land", [box(X0, Y0 - 1000, X0 + 1000, Y0)], fields={"name": ["land"]})
    write_layer(plan, "redline", [ZONE_A], fields={"code": ["R"]}, append=True)
    write_layer(plan, "cropland", [ZONE_B], fields={"code": ["C"]}, append=True)
    return scene


def report_folder(root, scene, name, replace=None, raw=None, raw_bytes=None):
    """A report folder: the scene's files and an indicators.yaml. replace maps input keys to new
    values; a value naming an existing file outside the folder is copied in (with its sidecars),
    so only the bad input differs; values starting with '..' or '/' are kept as they are."""
    folder = _mkdir(pathlib.Path(root) / "reports" / name)
    for f in scene.iterdir():
        shutil.copy(f, folder / f.name)
    inputs = {"landcover_t0": "lc0.tif", "landcover_t1": "lc1.tif", "classes": "clcd",
              "redline": "plan.gpkg:redline", "cropland": "plan.gpkg:cropland", "land": "plan.gpkg:land"}
    for key, value in (replace or {}).items():
        path, layer = (value, "") if os.path.exists(value) else (value.rsplit(":", 1) + [""])[:2]
        if os.path.isabs(path) and os.path.exists(path) and not path.startswith(str(scene)):
            base = pathlib.Path(path)
            for side in base.parent.glob(base.stem + ".*"):
                shutil.copy(side, folder / side.name)
            value = base.name + (":" + layer if layer else "")
        inputs[key] = value
    cfg = folder / "indicators.yaml"
    if raw_bytes is not None:
        cfg.write_bytes(raw_bytes)
    elif raw is not None:
        cfg.write_text(raw, encoding="utf-8")
    else:
        body = "\n".join(f"  {k}: \"{v}\"" for k, v in inputs.items())
        cfg.write_text(REPORT_CONFIG.format(inputs=body), encoding="utf-8")
    return str(cfg)


def gbk_undeclared(path, name_bytes):
    """A shapefile whose one text field is named `name_bytes` (4 bytes) and holds two GBK values,
    with no .cpg and a language driver byte (byte 29 of the .dbf) of 0: GDAL writes ASCII
    placeholders, which are then replaced in the .dbf."""
    shp = write_layer(path, "zones", [ZONE_A, box(X0 + 600, Y0 - 300, X0 + 700, Y0 - 200)],
                      fields={"XXXX": ["YYYY", "ZZZZ"]})
    dbf = pathlib.Path(shp[:-4] + ".dbf")
    data = bytearray(dbf.read_bytes())
    data[29] = 0
    data = bytes(data).replace(b"XXXX", name_bytes)
    data = data.replace(b"YYYY", "\u751f\u6001".encode("gbk")).replace(b"ZZZZ", "\u7ea2\u7ebf".encode("gbk"))
    dbf.write_bytes(data)
    pathlib.Path(shp[:-4] + ".cpg").unlink(missing_ok=True)
    return shp


def _write(path, data):
    pathlib.Path(path).write_bytes(data)
    return path


def _mkdir(path):
    pathlib.Path(path).mkdir(parents=True, exist_ok=True)
    return pathlib.Path(path)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__)
        sys.exit(2)
    catalogue = build(sys.argv[1])
    for c in catalogue.cases:
        print(f"{c.kind:9} {c.name:28} {c.expect:5} {c.arg}  {c.note}")
    print(f"{len(catalogue.cases)} cases")
