#!/usr/bin/python3
"""Builds the embedded demo dataset of `redline demo` / `redline report` (testdata/demo/).

Real inputs (the repository's clips, which read back exactly as the original files; with
--shared DIR, the originals in DIR, e.g. ../shared/data):
  testdata/cn_atlas/cn-atlas-provinces.json     China nation + 34 provinces (TopoJSON, WGS84,
    (DIR/cn_atlas/cn-atlas.json)                CTAmap 2023 via cn-atlas, ISC)
  testdata/gshhg_clip/china_mainland_coast.geojson.gz
    (DIR/gshhg_china_coast/gshhg_china_coast.gpkg)  GSHHG 2.3.7 China mainland coast (LGPL-3+)
Everything else is synthetic and deterministic (fixed seed, numpy PCG64 + GDAL/OGR/GEOS only).

Outputs, all in CGCS2000 Albers (+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=GRS80):
  china.gpkg        land (the nation, repaired, densified to <= 1 km before projecting),
                    provinces (34, repaired, same treatment), coast (GSHHG mainland coast simplified
                    at 150 m, cut into 20-50 km segments with a synthetic shoreline `type`)
  lc_2015.tif       synthetic CLCD land cover (codes 1-9, 0 = nodata outside the land), 2 km cells
  lc_2020.tif       lc_2015 plus planted changes (natural -> built-up/cropland patches inside and
                    outside the redline and the permitted corridors; cropland -> built-up near cities)
  plan.gpkg         redline, cropland (permanent basic farmland), protected, urban, permitted
  indicators.yaml   the demo report configuration (its `accuracy:` samples are made by
                    make_demo_samples.py, which needs a build of redline)

Usage (from anywhere; about 10 s of CPU):
  /usr/bin/python3 testdata/demo/make_demo.py [--shared DIR] [--out DIR] [--verbose]
The same inputs give byte-identical files (GeoPackage timestamps are pinned with OGR_CURRENT_DATE).
"""
import argparse
import math
import os
import pathlib
import struct
import sys
import time

import numpy as np
from osgeo import gdal, ogr, osr

gdal.UseExceptions()
ogr.UseExceptions()
osr.UseExceptions()

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEED = 20240601
ALBERS = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
CELL_M = 2000.0
DENSIFY_DEG = 0.0089          # <= 0.994 km anywhere in China (1 deg <= 111.7 km)
COAST_SIMPLIFY_M = 150.0
# CLCD codes
CROP, FOREST, SHRUB, GRASS, WATER, SNOW, BARREN, IMPERV, WETLAND = range(1, 10)
NATURAL = (FOREST, SHRUB, GRASS, WATER, SNOW, BARREN, WETLAND)
# Targets of the synthetic world (the demo passes or fails the national targets by a little).
FOREST_SHARE, CROP_SHARE = 0.245, 0.165
SNOW_SHARE, WETLAND_SHARE, POND_SHARE, TOWN_SHARE = 0.009, 0.005, 0.009, 0.010
REDLINE_M2 = (3.190e12, 3.215e12)
CROPLAND_M2 = (1.215e12, 1.235e12)
PROTECTED_SHARE = (0.1830, 0.1850)
NATURAL_COAST_SHARE = 0.400
ESTUARY_COAST_SHARE = 0.05
NOISE_SIGMA = 1.1
FIXED_DATE = "2024-06-01T00:00:00.000Z"

T_START = time.time()
VERBOSE = False


def log(msg):
    if VERBOSE:
        print(f"[{time.time() - T_START:6.1f}s] {msg}", file=sys.stderr)


def rng_for(*stream):
    """A fixed random stream per stage (land cover, plans, changes, coast)."""
    return np.random.default_rng([SEED, *stream])


# ----------------------------------------------------------------------------------------------
# Geometry helpers (OGR/GEOS, WKB built from numpy)

_ALBERS_SRS = []


def srs_albers():
    if not _ALBERS_SRS:
        s = osr.SpatialReference()
        s.SetFromUserInput(ALBERS)
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
        _ALBERS_SRS.append(s)
    return _ALBERS_SRS[0]


def srs_wgs84():
    s = osr.SpatialReference()
    s.ImportFromEPSG(4326)
    s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    return s


TO_ALBERS = osr.CoordinateTransformation(srs_wgs84(), srs_albers())
TO_LONLAT = osr.CoordinateTransformation(srs_albers(), srs_wgs84())


def project(points, ct=TO_ALBERS):
    """(n, 2) array -> (n, 2) array."""
    if len(points) == 0:
        return np.zeros((0, 2))
    return np.asarray(ct.TransformPoints(np.ascontiguousarray(points, dtype=np.float64)))[:, :2]


def ring_wkb(xy):
    xy = np.ascontiguousarray(xy, dtype="<f8")
    return struct.pack("<I", len(xy)) + xy.tobytes()


def polygon_wkb(rings):
    return b"\x01" + struct.pack("<II", 3, len(rings)) + b"".join(ring_wkb(r) for r in rings)


def polygon(rings):
    """Polygon from closed or open (n, 2) rings."""
    closed = []
    for r in rings:
        r = np.asarray(r, dtype=np.float64)
        if not np.array_equal(r[0], r[-1]):
            r = np.vstack([r, r[:1]])
        closed.append(r)
    return ogr.CreateGeometryFromWkb(polygon_wkb(closed))


def linestring(xy):
    xy = np.ascontiguousarray(xy, dtype="<f8")
    return ogr.CreateGeometryFromWkb(b"\x01" + struct.pack("<II", 2, len(xy)) + xy.tobytes())


def polygons_of(g):
    """The polygonal parts of any geometry, as a list of Polygon geometries (clones)."""
    if g is None or g.IsEmpty():
        return []
    t = ogr.GT_Flatten(g.GetGeometryType())
    if t == ogr.wkbPolygon:
        return [g.Clone()]
    if t in (ogr.wkbMultiPolygon, ogr.wkbGeometryCollection):
        out = []
        for i in range(g.GetGeometryCount()):
            out += polygons_of(g.GetGeometryRef(i))
        return out
    return []


def multipolygon(parts):
    m = ogr.Geometry(ogr.wkbMultiPolygon)
    for p in parts:
        m.AddGeometry(p)
    return m


def polygonal(g, min_part_m2=0.0):
    """The polygonal part of g as a MultiPolygon, parts smaller than min_part_m2 dropped (None if empty)."""
    parts = [p for p in polygons_of(g) if p.GetArea() > min_part_m2]
    return multipolygon(parts) if parts else None


def rings_of(poly):
    return [np.array(poly.GetGeometryRef(i).GetPoints())[:, :2] for i in range(poly.GetGeometryCount())]


def vertex_count(g):
    return sum(len(r) for p in polygons_of(g) for r in rings_of(p))


def repair(g):
    """GEOS MakeValid, keeping the polygonal part (MultiPolygon)."""
    gdal.PushErrorHandler("CPLQuietErrorHandler")   # GEOS describes each self-intersection
    try:
        if not g.IsValid():
            g = g.MakeValid()
    finally:
        gdal.PopErrorHandler()
    return polygonal(g)


def lonlat_to_albers_polygon(g):
    """Densify a lon/lat polygon to <= 1 km edges, then project to Albers (re-repaired if needed)."""
    g = g.Clone()
    g.Segmentize(DENSIFY_DEG)
    g.AssignSpatialReference(None)
    g.Transform(TO_ALBERS)
    if not g.IsValid():
        g = g.MakeValid()
    return polygonal(g)


def ellipse_lonlat(cx, cy, a, b, n=48):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    return [(cx + a * math.cos(v), cy + b * math.sin(v)) for v in t]


def lonlat_shape(points, n_densify=0.25):
    """A closed lon/lat outline -> Albers polygon (edges densified in degrees first)."""
    g = polygon([np.array(points, dtype=float)])
    g.Segmentize(n_densify)
    g.Transform(TO_ALBERS)
    return g


def lonlat_line(points, n_densify=0.1):
    g = linestring(np.array(points, dtype=float))
    g.Segmentize(n_densify)
    g.Transform(TO_ALBERS)
    return g


# ----------------------------------------------------------------------------------------------
# Real inputs

def read_cn_atlas(path):
    ds = ogr.Open(str(path))
    if ds is None:
        sys.exit(f"make_demo: cannot open {path}")
    nation_layer = ds.GetLayerByName("nation")
    feature = nation_layer.GetNextFeature()
    nation = feature.GetGeometryRef().Clone()
    nation_name = feature.GetField("地名")
    land = lonlat_to_albers_polygon(repair(nation))
    provinces = []
    layer = ds.GetLayerByName("provinces")
    for f in layer:
        g = lonlat_to_albers_polygon(repair(f.GetGeometryRef().Clone()))
        provinces.append({"name": f.GetField("name"), "name_zh": f.GetField("地名"),
                          "code": str(f.GetField("区划码")), "geom": g})
    return nation_name, land, provinces


def read_coast(path):
    ds = ogr.Open(("/vsigzip/" if str(path).endswith(".gz") else "") + str(path))
    if ds is None:
        sys.exit(f"make_demo: cannot open {path}")
    layer = ds.GetLayerByName("china_mainland_coast")
    feature = layer.GetNextFeature()
    xy = np.array(feature.GetGeometryRef().GetPoints())[:, :2]   # lon, lat (GPKG stores x = lon)
    line = linestring(project(xy))
    return line.Simplify(COAST_SIMPLIFY_M)


# ----------------------------------------------------------------------------------------------
# Raster helpers

class Grid:
    def __init__(self, envelope, cell):
        minx, maxx, miny, maxy = envelope
        self.cell = cell
        self.x0 = math.floor(minx / cell) * cell
        self.y1 = math.ceil(maxy / cell) * cell
        self.cols = int(math.ceil(maxx / cell) - math.floor(minx / cell))
        self.rows = int(math.ceil(maxy / cell) - math.floor(miny / cell))

    @property
    def geotransform(self):
        return (self.x0, self.cell, 0.0, self.y1, 0.0, -self.cell)

    def coarse(self, factor):
        g = Grid.__new__(Grid)
        g.cell = self.cell * factor
        g.x0, g.y1 = self.x0, self.y1
        g.cols = -(-self.cols // factor)
        g.rows = -(-self.rows // factor)
        return g

    def centres(self, rows, cols):
        return self.x0 + (cols + 0.5) * self.cell, self.y1 - (rows + 0.5) * self.cell

    def cell_of(self, x, y):
        return (np.floor((self.y1 - y) / self.cell).astype(np.int64),
                np.floor((x - self.x0) / self.cell).astype(np.int64))


def rasterize(grid, geoms, values=None, dtype=gdal.GDT_Int32, all_touched=False, add=False):
    """Burns geometries (Albers) into a grid (later features win, or values add up); returns the array."""
    mem = gdal.GetDriverByName("MEM").Create("", grid.cols, grid.rows, 1, dtype)
    mem.SetGeoTransform(grid.geotransform)
    mem.SetSpatialRef(srs_albers())
    vds = ogr.GetDriverByName("Memory").CreateDataSource("")
    lyr = vds.CreateLayer("g", srs_albers(), ogr.wkbUnknown)
    lyr.CreateField(ogr.FieldDefn("v", ogr.OFTReal))
    for i, g in enumerate(geoms):
        if g is None:
            continue
        f = ogr.Feature(lyr.GetLayerDefn())
        f.SetGeometry(g)
        f.SetField("v", float(1 if values is None else values[i]))
        lyr.CreateFeature(f)
    opts = ["ATTRIBUTE=v"] + (["ALL_TOUCHED=TRUE"] if all_touched else []) + (["MERGE_ALG=ADD"] if add else [])
    gdal.RasterizeLayer(mem, [1], lyr, options=opts)
    return mem.GetRasterBand(1).ReadAsArray()


def box_blur(a, radius, passes=3):
    """Separable box blur (edge-clamped), repeated: about a Gaussian of sigma ~ radius * 0.8 * sqrt(passes)."""
    a = a.astype(np.float64)
    k = 2 * radius + 1
    for _ in range(passes):
        for axis in (0, 1):
            pad = [(0, 0), (0, 0)]
            pad[axis] = (radius + 1, radius)
            p = np.pad(a, pad, mode="edge")
            c = np.cumsum(p, axis=axis)
            if axis == 0:
                a = (c[k:, :] - c[:-k, :]) / k
            else:
                a = (c[:, k:] - c[:, :-k]) / k
    return a


def separable(v, fx, fy, smooth):
    """Interpolates a lattice v (ny, nx) at fractional lattice coordinates: columns fx (cols,), rows
    fy (rows,), edge-clamped; smooth = smoothstep weights (value noise) instead of linear."""
    fx = np.clip(fx, 0, v.shape[1] - 1.000001)
    fy = np.clip(fy, 0, v.shape[0] - 1.000001)
    ix = np.floor(fx).astype(np.int64)
    iy = np.floor(fy).astype(np.int64)
    tx = (fx - ix).astype(np.float32)
    ty = (fy - iy).astype(np.float32)
    if smooth:
        tx = tx * tx * (3 - 2 * tx)
        ty = ty * ty * (3 - 2 * ty)
    v = v.astype(np.float32)
    t = v[:, ix]
    t += (v[:, ix + 1] - t) * tx                           # (ny, cols)
    d = np.diff(t, axis=0)                                 # (ny - 1, cols)
    out = t[iy, :]
    out += d[iy, :] * ty[:, None]
    return out


class Warp:
    """Bilinear sampling of coarse-grid arrays at fixed displaced points (precomputed weights)."""

    def __init__(self, grid, x, y):
        fx = np.clip((x - grid.x0) / grid.cell - 0.5, 0, grid.cols - 1.000001)
        fy = np.clip((grid.y1 - y) / grid.cell - 0.5, 0, grid.rows - 1.000001)
        ix = np.floor(fx).astype(np.int64)
        iy = np.floor(fy).astype(np.int64)
        tx = fx - ix
        ty = fy - iy
        i00 = (iy * grid.cols + ix).ravel()
        self.index = [i00, i00 + 1, i00 + grid.cols, i00 + grid.cols + 1]
        self.weight = [((1 - tx) * (1 - ty)).ravel(), (tx * (1 - ty)).ravel(), ((1 - tx) * ty).ravel(),
                       (tx * ty).ravel()]
        self.shape = np.shape(x)

    def __call__(self, a):
        a = a.ravel()
        out = sum(np.take(a, i) * w for i, w in zip(self.index, self.weight))
        return out.reshape(self.shape)


def upsample(coarse_arr, coarse, grid):
    """Bilinear resampling of a coarse-grid array (same origin) to the fine grid's cell centres."""
    xs = grid.x0 + (np.arange(grid.cols) + 0.5) * grid.cell
    ys = grid.y1 - (np.arange(grid.rows) + 0.5) * grid.cell
    return separable(coarse_arr, (xs - coarse.x0) / coarse.cell - 0.5, (coarse.y1 - ys) / coarse.cell - 0.5, False)


def nearest_up(coarse_arr, coarse, grid):
    """Nearest-neighbour resampling of a coarse-grid array (same origin, integer factor)."""
    f = int(round(coarse.cell / grid.cell))
    return np.repeat(np.repeat(coarse_arr, f, axis=0), f, axis=1)[:grid.rows, :grid.cols]


def noise2d(rng, grid, wavelength_m):
    """Smooth value noise in [-1, 1] on the grid: one uniform random value per lattice node."""
    w = float(wavelength_m)
    nx = int(math.ceil(grid.cols * grid.cell / w)) + 3
    ny = int(math.ceil(grid.rows * grid.cell / w)) + 3
    v = rng.uniform(-1.0, 1.0, size=(ny, nx))
    xs = (np.arange(grid.cols) + 0.5) * grid.cell / w + 1.0
    ys = (np.arange(grid.rows) + 0.5) * grid.cell / w + 1.0
    return separable(v, xs, ys, True)


def fbm(rng, grid, wavelengths_km, gain=0.55, step=1):
    """Fractal sum of value noises on the grid, roughly in [-1, 1]; step > 1 computes it on a grid
    `step` times coarser and interpolates (for octaves much longer than the cell)."""
    g = grid.coarse(step) if step > 1 else grid
    s = np.zeros((g.rows, g.cols), dtype=np.float32)
    total = 0.0
    for i, w in enumerate(wavelengths_km):
        a = gain ** i
        s += np.float32(a) * noise2d(rng, g, w * 1000.0)
        total += a
    s *= np.float32(1.6 / total)
    return upsample(s, g, grid) if step > 1 else s


def unit(a):
    """a scaled to zero mean and unit standard deviation (computed on every 7th value)."""
    sample = a.ravel()[::7].astype(np.float64)
    return ((a - np.float32(sample.mean())) / np.float32(sample.std())).astype(np.float32)


def dilate(mask, steps=1):
    m = mask.copy()
    for _ in range(steps):
        n = m.copy()
        n[1:, :] |= m[:-1, :]
        n[:-1, :] |= m[1:, :]
        n[:, 1:] |= m[:, :-1]
        n[:, :-1] |= m[:, 1:]
        n[1:, 1:] |= m[:-1, :-1]
        n[1:, :-1] |= m[:-1, 1:]
        n[:-1, 1:] |= m[1:, :-1]
        n[:-1, :-1] |= m[1:, 1:]
        m = n
    return m


# ----------------------------------------------------------------------------------------------
# The synthetic geography: regions in lon/lat (rough outlines of real landscapes), each with a
# land-cover composition (weights of forest, cropland, grassland, barren, shrub).

REGIONS = [
    # name, outline (lon, lat) or ellipse, composition
    ("plateau", [(73.5, 36.8), (75.5, 37.6), (77.0, 36.6), (78.5, 36.2), (80.5, 36.3), (83, 36.4),
                 (86, 36.8), (88.5, 37.6), (90.5, 38.2), (93, 38.6), (95.5, 39.0), (98, 39.3),
                 (100.5, 38.6), (102.5, 37.5), (103.5, 35.5), (102.5, 34.0), (103.3, 32.5),
                 (102.3, 30.5), (101.8, 28.5), (100.5, 27.5), (99.2, 26.5), (98.3, 27.2),
                 (97.3, 28.2), (95.5, 28.9), (93.5, 28.3), (91.5, 27.8), (89.5, 27.5), (88, 27.9),
                 (86, 28.0), (84, 28.5), (82, 29.8), (81, 30.3), (79.5, 30.9), (78.5, 32.5),
                 (78.3, 34.0), (77.5, 35.2), (75.5, 35.8), (74.0, 36.2)],
     {"grass": lambda lon, lat: 0.55 + 0.75 * np.clip((lon - 84) / 10, 0, 1),
      "barren": lambda lon, lat: 0.45 + 0.9 * np.clip((91 - lon) / 10, 0, 1) + 0.3 * np.clip(lat - 33.5, 0, 2),
      "forest": lambda lon, lat: 0.05 * np.clip((lon - 92) / 6, 0, 1), "shrub": 0.08}),
    ("hengduan", [(94.5, 29.5), (96, 30.0), (98.5, 31.0), (100.5, 32.5), (102.5, 33.5), (103.8, 32.8),
                  (103.6, 31.2), (102.6, 30.4), (102, 28.5), (100.5, 27.6), (98.5, 27.3), (97.3, 28.2)],
     {"forest": 1.05, "grass": 0.75, "shrub": 0.3, "crop": 0.1}),
    ("tarim", ("ellipse", 83.0, 39.2, 6.6, 1.5), {"barren": 1.6, "grass": 0.06}),
    ("tarim_oases", ("ring", 83.0, 39.2, 7.1, 1.9, 0.45), {"crop": 0.6, "barren": 0.6, "grass": 0.3}),
    ("junggar", ("ellipse", 86.5, 45.2, 3.2, 1.0), {"barren": 1.0, "grass": 0.7, "crop": 0.05}),
    ("gobi", [(91, 39.2), (91, 40.0), (93, 42.3), (96, 42.8), (100, 42.6), (104, 41.9), (107, 41.6),
              (107.5, 40.3), (106.5, 38.5), (104.5, 38.2), (102.5, 38.8), (100, 39.8), (97.5, 40.2),
              (95, 40.0), (93.5, 39.3)], {"barren": 1.4, "grass": 0.35}),
    ("xinjiang_east", [(88, 41.2), (90, 43.0), (93, 44.6), (95.5, 44.5), (96, 42.8), (93, 42.3),
                       (91, 40.0)], {"barren": 1.3, "grass": 0.4}),
    ("qaidam", ("ellipse", 94.5, 37.3, 4.0, 1.0), {"barren": 1.5, "grass": 0.35, "water": 0.0}),
    ("tianshan", [(75.5, 40.3), (78, 41.3), (81, 42.2), (84, 42.8), (87, 43.0), (90, 43.2), (94, 43.3),
                  (95, 43.0), (94, 42.4), (90, 42.4), (87, 42.2), (84, 41.8), (81, 41.4), (78, 40.6),
                  (76, 39.7)], {"grass": 1.0, "forest": 0.45, "barren": 0.45}),
    ("altai", [(85.5, 47.2), (87.3, 49.2), (88.5, 49.0), (90.5, 47.8), (91, 46.5), (89.5, 46.6),
               (87.5, 47.2)], {"grass": 0.9, "forest": 0.7, "barren": 0.2}),
    ("steppe", [(107.5, 40.5), (107.5, 41.5), (110, 42.4), (113, 43.5), (116, 44.5), (118.5, 45.8),
                (120.5, 47.0), (122, 46.5), (121, 44.5), (119, 43.0), (117, 42.0), (115, 41.3),
                (112, 40.8), (109.5, 40.7)],
     {"grass": 1.2, "crop": 0.4, "barren": lambda lon, lat: 0.5 * np.clip((113 - lon) / 5, 0, 1)}),
    ("hulunbuir", [(115.5, 47.5), (117.5, 49.8), (119.8, 50.5), (120.8, 49.5), (120.2, 48.0),
                   (118.5, 47.2), (116.5, 47.0)], {"grass": 1.25, "crop": 0.15, "forest": 0.1}),
    ("ordos", [(106.8, 38.0), (107, 40.0), (109, 40.6), (111, 40.2), (110.5, 38.8), (109, 37.8),
               (107.5, 37.5)], {"grass": 0.95, "barren": 0.6, "crop": 0.25, "shrub": 0.25}),
    ("khingan_great", [(119.5, 47.0), (121, 50), (121.5, 52.5), (123, 53.5), (126, 52.8), (127.5, 50.5),
                       (126, 49.5), (124, 49), (122.5, 47.5), (121, 46.5)],
     {"forest": 1.5, "grass": 0.35, "crop": 0.15}),
    ("khingan_lesser", [(126.5, 48.5), (128, 49.5), (130.5, 48.8), (130.5, 47), (129, 46.3), (127.5, 46.8)],
     {"forest": 1.4, "crop": 0.3}),
    ("changbai", [(124.5, 40.2), (125.5, 42.5), (127, 44.5), (128.5, 46.2), (130.5, 45.8), (131.3, 44.5),
                  (131, 43.2), (129.5, 42.2), (128, 41.5), (126.5, 40.9), (125, 40.0)],
     {"forest": 1.45, "crop": 0.35}),
    ("songnen", [(122.5, 43.5), (123.5, 46.5), (124.5, 48.2), (126.5, 48.3), (127.2, 46.5), (126.5, 44.5),
                 (125, 43.3), (123.5, 42.8)], {"crop": 1.45, "grass": 0.35, "forest": 0.1}),
    ("liaohe", [(121.5, 40.8), (122, 42.5), (123.5, 43), (124.5, 42.3), (123.5, 41), (122.3, 40.5)],
     {"crop": 1.5}),
    ("sanjiang", [(130.2, 46.0), (131, 47.8), (133.5, 48.3), (134.8, 48.0), (134.2, 46.5), (133, 45.8),
                  (131.5, 45.5)], {"crop": 1.4, "grass": 0.2, "forest": 0.15}),
    ("ncp", [(113.2, 34.0), (113.7, 36.5), (114.3, 38.5), (115.3, 39.8), (116.5, 40.3), (118, 40.0),
             (119.3, 39.5), (118.8, 38.8), (117.8, 38.3), (118.7, 37.6), (119.2, 37.0), (118.8, 35.8),
             (119.6, 34.8), (120.3, 34.3), (120.8, 33.0), (120.8, 32.3), (119, 32.3), (117, 32.6),
             (115.5, 32.3), (114, 32.6)], {"crop": 1.75}),
    ("shandong_hills", ("ellipse", 117.8, 36.0, 1.0, 0.5), {"forest": 0.7, "crop": 0.7, "grass": 0.3}),
    ("jiaodong", ("ellipse", 121.0, 37.2, 1.4, 0.45), {"crop": 0.9, "forest": 0.6}),
    ("loess", [(103.5, 34.5), (104.5, 36.8), (106.5, 37.8), (108.5, 38.3), (110.5, 39.3), (112.5, 39.8),
               (113.5, 38.5), (113, 36), (111.5, 35), (109.5, 34.5), (107, 34.3), (105, 34.2)],
     {"grass": 0.95, "crop": 0.75, "forest": 0.2, "shrub": 0.25}),
    ("guanzhong", ("ellipse", 108.7, 34.5, 1.6, 0.35), {"crop": 1.6}),
    ("hetao", ("ellipse", 108.5, 40.7, 2.0, 0.35), {"crop": 1.3, "grass": 0.3}),
    ("yinchuan", ("ellipse", 106.3, 38.5, 0.5, 0.8), {"crop": 1.3}),
    ("north_mountains", [(110.5, 34.8), (111.5, 37.5), (112.5, 40.5), (114, 41.5), (116.5, 41.8),
                         (119, 41.5), (119.5, 40.3), (117, 40.5), (115.5, 40.0), (114.2, 38.6),
                         (113.5, 36.5), (113, 35)], {"forest": 0.75, "grass": 0.75, "crop": 0.45, "shrub": 0.2}),
    ("sichuan_basin", [(103.6, 30.0), (104.2, 31.5), (105.5, 32.3), (107.5, 31.8), (108.5, 30.8),
                       (107.5, 29.3), (106, 28.8), (104.5, 29.0)], {"crop": 1.45, "forest": 0.5}),
    ("qinling_daba", [(104.5, 33.8), (106, 34.3), (108, 34.0), (110.5, 34.1), (112, 33.6), (111.5, 32.4),
                      (110, 31.5), (108, 31.6), (106, 32.5), (104.8, 32.9)], {"forest": 1.45, "crop": 0.35}),
    ("jianghan", [(111.3, 29.8), (112, 31.3), (113.8, 31.0), (114.6, 30.4), (113.8, 29.5), (112.8, 28.5),
                  (111.8, 28.7)], {"crop": 1.5, "forest": 0.15}),
    ("poyang", [(115.5, 28.3), (115.8, 29.8), (117.0, 29.9), (117, 28.6), (116.3, 28.2)],
     {"crop": 1.4, "forest": 0.2}),
    ("lower_yangtze", [(116.5, 30.8), (117.5, 32.2), (119, 32.6), (121, 32.5), (121.9, 31.6), (121.8, 30.8),
                       (120.7, 30.2), (119.6, 30.5), (118.3, 30.8)], {"crop": 1.55, "forest": 0.15}),
    ("pearl_delta", ("ellipse", 113.3, 22.8, 0.7, 0.5), {"crop": 1.2, "forest": 0.3}),
    ("south_hills", [(104.2, 26), (104.5, 28.8), (107.5, 29.0), (110.5, 29.5), (111.5, 30.5), (113.5, 30.0),
                     (116, 29.8), (118.3, 30.5), (120.7, 30.3), (122.0, 29.8), (121.5, 28.0), (120.2, 27.0),
                     (119.5, 25.5), (118, 24.3), (116.5, 23.2), (114, 22.3), (111.5, 21.4), (110, 21.0),
                     (108.5, 21.5), (107.5, 22.5), (106.2, 22.8), (105.2, 23.2), (104.2, 23.5)],
     {"forest": 1.35, "crop": 0.65, "shrub": 0.25, "grass": 0.1}),
    ("karst", [(103.6, 24.0), (104.5, 27.5), (106.5, 28.6), (109, 28.4), (109.5, 26.5), (109.2, 24.5),
               (108, 23.2), (106, 22.9), (104.5, 23.2)], {"forest": 0.85, "shrub": 0.8, "crop": 0.65, "grass": 0.35}),
    ("yunnan", [(97.5, 24.0), (98.8, 27.8), (100.6, 27.8), (102.8, 27.5), (104.2, 26.5), (104.2, 23.4),
                (103.2, 22.6), (101.5, 21.2), (99.5, 21.7), (98.5, 23.2)],
     {"forest": 1.3, "crop": 0.6, "grass": 0.3, "shrub": 0.35}),
    ("taiwan", ("ellipse", 120.95, 23.7, 0.6, 1.3), {"forest": 1.4, "crop": 0.55}),
    ("hainan", ("ellipse", 109.8, 19.2, 1.1, 0.8), {"forest": 1.6, "crop": 0.5}),
]
CLASS_KEYS = {"crop": CROP, "forest": FOREST, "shrub": SHRUB, "grass": GRASS, "barren": BARREN}
BASE_CLASSES = [CROP, FOREST, SHRUB, GRASS, BARREN]

SNOW_RIDGES = [  # mountain crests (lon, lat), with a weight
    ([(74.5, 36.6), (76.0, 35.9), (77.8, 35.4)], 1.2),                                     # Karakoram
    ([(79.5, 31.2), (81.5, 30.3), (83.5, 29.4), (85.5, 28.5), (87.5, 28.1), (89.5, 28.0), (91.5, 28.1),
      (93.5, 28.5), (95, 29.3), (96.5, 29.8)], 1.1),                                        # Himalaya
    ([(76, 36.5), (78, 36.0), (80, 35.9), (82, 35.8), (84.5, 36.0), (87, 36.0), (90, 35.9), (93, 35.7),
      (95.5, 35.5), (98, 35.2)], 1.0),                                                      # Kunlun
    ([(90.5, 33.0), (92, 32.9), (94, 32.6)], 0.8),                                          # Tanggula
    ([(90, 30.2), (91.5, 30.6), (93.5, 30.3), (95.5, 30.0), (97, 29.5)], 1.0),              # Nyainqentanglha
    ([(80.5, 31.3), (82, 31.0), (84, 30.6), (86, 30.3), (88, 30.0), (89.5, 29.9)], 0.7),    # Gangdise
    ([(94.5, 39.0), (96.5, 39.0), (98.5, 38.8), (100.5, 38.0), (102, 37.5)], 0.8),          # Qilian
    ([(76, 40.8), (78, 41.6), (80, 42.1), (82, 42.6), (84, 43.0), (86, 43.2), (88, 43.5), (89.5, 43.7)], 0.9),
    ([(99.5, 28.8), (101.9, 29.6)], 0.7),                                                   # Hengduan peaks
    ([(87.3, 49.1), (88.3, 48.8)], 0.6),                                                    # Altai
]

LAKES = [  # lon, lat, area km2, elongation, angle (deg)
    (100.2, 36.9, 4400, 1.6, 0), (116.3, 29.1, 3200, 2.2, 70), (112.9, 29.3, 2600, 1.5, 20),
    (120.2, 31.2, 2300, 1.1, 0), (118.7, 33.3, 1600, 1.2, 30), (117.4, 48.95, 2300, 1.9, 50),
    (90.6, 30.7, 2000, 2.4, 10), (89.0, 31.8, 2400, 2.6, 0), (117.5, 31.6, 770, 1.8, 0),
    (87.0, 42.0, 1000, 1.8, 10), (97.6, 34.9, 1200, 1.5, 0), (119.3, 32.85, 700, 1.4, 80),
    (117.2, 34.6, 1200, 3.0, 125), (102.7, 24.9, 300, 2.0, 80), (100.2, 25.8, 250, 2.5, 80),
    (87.3, 47.2, 1000, 1.5, 20), (82.9, 44.9, 500, 1.7, 0), (85.6, 31.0, 1000, 1.8, 110),
    (86.6, 31.0, 800, 2.0, 90), (90.7, 29.0, 650, 2.0, 30), (89.4, 37.6, 600, 2.0, 0),
    (132.6, 45.2, 900, 1.6, 0), (93.5, 31.5, 500, 1.5, 0), (84.0, 33.0, 700, 1.5, 0),
    (87.5, 34.5, 600, 1.5, 40), (81.5, 33.5, 500, 1.4, 0), (91.9, 34.7, 500, 1.8, 20),
]

RIVERS = [  # main rivers drawn as 1-cell water lines where not too steep (lon, lat)
    [(104.6, 28.8), (105.5, 28.9), (106.5, 29.5), (107.4, 29.9), (108.4, 30.8), (109.5, 31.0), (110.3, 30.9),
     (111.3, 30.7), (112.2, 30.3), (113.1, 29.4), (113.8, 30.1), (114.3, 30.6), (115.0, 30.2), (116.0, 29.7),
     (117.0, 30.5), (118.0, 31.1), (118.4, 31.35), (118.8, 32.1), (119.5, 32.25), (120.3, 32.0), (121.0, 31.8),
     (121.75, 31.45)],                                                              # Chang Jiang
    [(103.8, 36.1), (104.8, 37.0), (105.6, 37.5), (106.3, 38.4), (106.8, 39.3), (107.4, 40.6), (108.6, 40.9),
     (110.0, 40.6), (111.0, 40.0), (111.2, 38.8), (110.6, 37.5), (110.4, 36.3), (110.3, 35.2), (110.6, 34.6),
     (112.0, 34.8), (113.0, 34.9), (114.0, 34.9), (115.0, 35.0), (116.0, 36.0), (117.0, 36.7), (118.0, 37.4),
     (118.9, 37.75)],                                                               # Huang He
    [(107.8, 23.5), (109.0, 23.5), (110.3, 23.4), (111.3, 23.5), (112.5, 23.1), (113.3, 22.8)],   # Xi Jiang
    [(124.0, 45.3), (125.5, 45.6), (126.6, 45.8), (128.0, 46.2), (129.5, 46.6), (130.5, 47.0),
     (132.0, 47.5), (133.5, 47.9)],                                                 # Songhua Jiang
    [(114.1, 33.4), (115.5, 32.6), (116.8, 32.9), (117.8, 33.2), (118.7, 33.3)],   # Huai He
]

WETLANDS = [  # lon, lat, radius km
    (133.2, 47.3, 110), (102.6, 33.6, 90), (97.5, 34.3, 140), (118.9, 37.7, 45), (121.9, 41.0, 45),
    (120.7, 33.4, 70), (117.5, 48.6, 60), (123.6, 45.5, 60), (116.2, 29.0, 40), (112.9, 29.1, 35),
    (91.9, 32.3, 90), (93.5, 34.5, 110), (124.0, 40.9, 25), (111.0, 21.2, 30), (109.0, 21.6, 25),
    (95.0, 31.5, 80), (86.5, 46.5, 50), (81.5, 43.3, 40),
]

CITIES = [  # name, name_zh, lon, lat, built-up radius km, coastal port weight
    ("Beijing", "北京", 116.40, 39.90, 26, 0), ("Shanghai", "上海", 121.47, 31.23, 26, 1.0),
    ("Guangzhou", "广州", 113.26, 23.13, 21, 0.8), ("Shenzhen", "深圳", 114.06, 22.60, 16, 1.0),
    ("Tianjin", "天津", 117.20, 39.13, 19, 1.0), ("Chongqing", "重庆", 106.55, 29.56, 15, 0),
    ("Chengdu", "成都", 104.07, 30.67, 19, 0), ("Wuhan", "武汉", 114.31, 30.59, 19, 0),
    ("Xi'an", "西安", 108.94, 34.34, 16, 0), ("Hangzhou", "杭州", 120.16, 30.27, 16, 0.4),
    ("Nanjing", "南京", 118.80, 32.06, 16, 0), ("Shenyang", "沈阳", 123.43, 41.80, 15, 0),
    ("Harbin", "哈尔滨", 126.63, 45.75, 14, 0), ("Changchun", "长春", 125.32, 43.82, 13, 0),
    ("Dalian", "大连", 121.61, 38.91, 12, 0.9), ("Qingdao", "青岛", 120.38, 36.07, 13, 0.9),
    ("Jinan", "济南", 117.00, 36.67, 13, 0), ("Zhengzhou", "郑州", 113.65, 34.76, 16, 0),
    ("Shijiazhuang", "石家庄", 114.51, 38.04, 12, 0), ("Taiyuan", "太原", 112.55, 37.87, 11, 0),
    ("Hohhot", "呼和浩特", 111.75, 40.84, 9, 0), ("Lanzhou", "兰州", 103.83, 36.06, 9, 0),
    ("Xining", "西宁", 101.78, 36.62, 7, 0), ("Yinchuan", "银川", 106.23, 38.49, 8, 0),
    ("Urumqi", "乌鲁木齐", 87.62, 43.83, 12, 0), ("Lhasa", "拉萨", 91.13, 29.65, 6, 0),
    ("Kunming", "昆明", 102.71, 25.04, 13, 0), ("Guiyang", "贵阳", 106.63, 26.65, 10, 0),
    ("Nanning", "南宁", 108.37, 22.82, 11, 0), ("Haikou", "海口", 110.35, 20.00, 8, 0.6),
    ("Fuzhou", "福州", 119.30, 26.08, 11, 0.6), ("Xiamen", "厦门", 118.09, 24.52, 10, 0.9),
    ("Nanchang", "南昌", 115.86, 28.68, 11, 0), ("Changsha", "长沙", 112.94, 28.23, 14, 0),
    ("Hefei", "合肥", 117.23, 31.82, 13, 0), ("Suzhou", "苏州", 120.62, 31.30, 14, 0),
    ("Ningbo", "宁波", 121.55, 29.87, 11, 0.9), ("Wenzhou", "温州", 120.70, 28.00, 9, 0.6),
    ("Tangshan", "唐山", 118.18, 39.63, 10, 0.8), ("Taipei", "台北", 121.56, 25.04, 12, 0.5),
    ("Kaohsiung", "高雄", 120.30, 22.63, 9, 0.7), ("Hong Kong", "香港", 114.17, 22.38, 8, 0.9),
    ("Dongguan", "东莞", 113.75, 23.02, 12, 0.3),
]
PORTS = [  # more artificial-shore centres (lon, lat, weight)
    (119.6, 39.9, 0.7), (122.2, 40.7, 0.7), (119.2, 34.7, 0.8), (121.4, 37.5, 0.6), (119.5, 35.4, 0.7),
    (120.9, 32.0, 0.8), (110.4, 21.2, 0.7), (109.1, 21.5, 0.5), (116.7, 23.35, 0.7), (121.4, 28.65, 0.6),
    (113.55, 22.25, 0.9), (118.05, 38.0, 0.7), (121.0, 30.6, 0.8), (117.9, 38.6, 0.7), (122.1, 30.0, 0.6),
    (108.6, 21.7, 0.5), (111.9, 21.8, 0.5), (115.3, 22.75, 0.4),
]
ESTUARIES = [  # river mouths (lon, lat, half-length km along the coast)
    (121.9, 31.4, 60), (113.65, 22.6, 45), (119.2, 37.75, 30), (122.05, 40.75, 20), (119.6, 26.0, 15),
    (121.0, 30.45, 30), (124.35, 39.9, 15), (117.75, 38.98, 10), (120.85, 27.95, 12), (116.75, 23.4, 12),
    (120.3, 34.3, 10),
]
CORRIDORS = [  # name, name_zh, route (lon, lat)
    ("Qinghai-Tibet railway", "青藏铁路", [(94.90, 36.40), (93.1, 35.2), (92.4, 34.2), (91.7, 32.3),
                                       (92.05, 31.48), (91.1, 30.5), (91.13, 29.65)]),
    ("Sichuan-Tibet railway", "川藏铁路", [(103.0, 30.0), (101.96, 30.05), (101.0, 30.03), (100.27, 30.0),
                                       (99.1, 30.0), (97.5, 29.7), (95.77, 29.86), (94.36, 29.65)]),
    ("Lanzhou-Xinjiang high-speed railway", "兰新高铁", [(103.83, 36.06), (102.64, 37.93), (100.45, 38.93),
                                                     (98.5, 39.73), (96.0, 40.5), (93.51, 42.83)]),
    ("China-Laos railway", "中老铁路", [(102.71, 25.04), (102.54, 24.35), (101.6, 23.5), (100.97, 22.78),
                                    (100.80, 22.01), (101.69, 21.18)]),
    ("Greater Khingan forest highway", "大兴安岭林区公路", [(123.95, 47.35), (125.2, 49.17), (124.12, 50.41),
                                                        (124.7, 52.33), (122.53, 52.97)]),
    ("West-East gas pipeline (Xinjiang)", "西气东输管道（新疆段）", [(84.2, 41.6), (86.15, 41.76), (89.19, 42.95),
                                                              (90.2, 42.87), (93.51, 42.83)]),
]


def region_shape(spec):
    if isinstance(spec, tuple) and spec[0] == "ellipse":
        return lonlat_shape(ellipse_lonlat(*spec[1:]))
    if isinstance(spec, tuple) and spec[0] == "ring":
        cx, cy, a, b, w = spec[1:]
        outer = lonlat_shape(ellipse_lonlat(cx, cy, a + w, b + w))
        return outer.Difference(lonlat_shape(ellipse_lonlat(cx, cy, a - w, b - w)))
    return lonlat_shape(spec)


def comp_value(v, lon, lat):
    return v(lon, lat) if callable(v) else np.full(np.shape(lon), float(v))


# ----------------------------------------------------------------------------------------------
# Land cover at t0

class World:
    """The grid, the land mask, lon/lat of every cell, and a 10 km coarse grid for smooth fields."""

    def __init__(self, land, provinces):
        self.grid = g = Grid(land.GetEnvelope(), CELL_M)
        self.land_mask = rasterize(g, [land], dtype=gdal.GDT_Byte).astype(bool)
        self.land_index = np.flatnonzero(self.land_mask.ravel())
        self.coarse = c = g.coarse(5)
        cr, cc = np.meshgrid(np.arange(c.rows), np.arange(c.cols), indexing="ij")
        self.cx, self.cy = c.centres(cr, cc)
        ll = project(np.column_stack([self.cx.ravel(), self.cy.ravel()]), TO_LONLAT)
        self.clon = ll[:, 0].reshape(c.rows, c.cols)
        self.clat = ll[:, 1].reshape(c.rows, c.cols)
        self.province = rasterize(g, [p["geom"] for p in provinces], list(range(1, len(provinces) + 1)))
        log(f"grid {g.cols} x {g.rows}, {len(self.land_index)} land cells")

    def window(self, x, y, radius_m):
        """Row and column slices of the cells within radius_m of (x, y), and their centres."""
        g = self.grid
        r0 = max(0, int((g.y1 - y - radius_m) / g.cell))
        r1 = min(g.rows, int((g.y1 - y + radius_m) / g.cell) + 1)
        c0 = max(0, int((x - radius_m - g.x0) / g.cell))
        c1 = min(g.cols, int((x + radius_m - g.x0) / g.cell) + 1)
        rr, cc = np.meshgrid(np.arange(r0, r1), np.arange(c0, c1), indexing="ij")
        xs, ys = g.centres(rr, cc)
        return (slice(r0, r1), slice(c0, c1)), xs, ys

    def coarse_field(self, geom, blur_cells, warp=None):
        """Membership in [0, 1] of each coarse cell in a blurred (and warped) region."""
        a = box_blur(rasterize(self.coarse, [geom], dtype=gdal.GDT_Byte).astype(np.float64), blur_cells)
        return a if warp is None else warp(a)


def top_k(score, candidates, k):
    """The k candidates (flat indices) with the highest scores (ties by index)."""
    k = int(max(0, min(round(k), len(candidates))))
    if k == 0:
        return candidates[:0]
    order = np.argsort(-score[candidates], kind="stable")
    return candidates[order[:k]]


def make_landcover(world, cities):
    rng = rng_for(1)
    g, c = world.grid, world.coarse
    n = len(world.land_index)
    land = world.land_mask
    # region composition on the coarse grid, regions bent by a smooth warp
    warp = Warp(c, world.cx + 45000 * fbm(rng, c, [500, 220, 100]), world.cy + 45000 * fbm(rng, c, [500, 220, 100]))
    comp = {k: np.zeros((c.rows, c.cols)) for k in BASE_CLASSES}
    weight = np.zeros((c.rows, c.cols))
    lon, lat = world.clon, world.clat
    fields = {}
    for name, spec, mix in REGIONS:
        m = world.coarse_field(region_shape(spec), 4, warp)
        fields[name] = m
        weight += m
        for key, v in mix.items():
            if key in CLASS_KEYS:
                comp[CLASS_KEYS[key]] += m * comp_value(v, lon, lat)
    arid = 1 / (1 + np.exp(-((104.5 - lon) / 4.0 + (lat - 36.0) / 4.0)))
    bg = np.clip(1 - weight, 0, None) + 0.05
    comp[BARREN] += bg * (1.1 * arid)
    comp[GRASS] += bg * (0.8 * arid + 0.3)
    comp[FOREST] += bg * (1.0 * (1 - arid))
    comp[CROP] += bg * (0.6 * (1 - arid))
    comp[SHRUB] += bg * 0.12
    total = sum(comp.values())
    # score = log(share) + smooth noise: a spatially coherent draw from the local composition
    # (summed on a 4 km grid, then interpolated to the 2 km cells)
    h = g.coarse(2)
    terrain = unit(fbm(rng, h, [300, 150, 70, 30, 14]))
    tilt = {CROP: -0.5, FOREST: 0.35, GRASS: 0.15}
    scores = {}
    for k in BASE_CLASSES:
        s = upsample(np.log(comp[k] / total + 0.003), c, h)
        s += np.float32(NOISE_SIGMA) * unit(fbm(rng, h, [100, 50, 25, 12, 6], gain=0.75))
        if k in tilt:
            s += np.float32(tilt[k]) * terrain
        scores[k] = upsample(s, h, g)
    crop_like = upsample(comp[CROP] / total, c, g)
    log("base scores")

    fixed = np.zeros((g.rows, g.cols), dtype=np.uint8)   # overlays (0 = none)
    flat = fixed.ravel()
    # impervious: cities (irregular disks) and towns (noise peaks in farmland)
    city_noise = fbm(rng, g, [20, 9], step=2)
    for city in cities:
        win, xs, ys = world.window(city["x"], city["y"], city["r_m"] * 2)
        d = np.hypot(xs - city["x"], ys - city["y"])
        hit = (d < city["r_m"] * (1 + 0.35 * city_noise[win])) & land[win]
        fixed[win][hit] = IMPERV
    east = np.clip((g.x0 + (np.arange(g.cols) + 0.5) * g.cell + 5e5) / 1.8e6, 0, 1).astype(np.float32)
    town = fbm(rng, g, [9, 4.5]) + 0.9 * crop_like + np.float32(0.2) * east[None, :]
    cand = world.land_index[(flat[world.land_index] == 0) & (crop_like.ravel()[world.land_index] > 0.25)]
    flat[top_k(town.ravel(), cand, TOWN_SHARE * n)] = IMPERV
    # water: lakes, rivers, ponds in wet lowlands and on the plateau
    for lon0, lat0, area, elong, ang in LAKES:
        cx, cy = project(np.array([[lon0, lat0]]))[0]
        a = math.sqrt(area * 1e6 / math.pi * elong)
        b = a / elong
        t = math.radians(ang)
        win, xs, ys = world.window(cx, cy, 1.6 * a)
        u = ((xs - cx) * math.cos(t) + (ys - cy) * math.sin(t)) / a
        v = (-(xs - cx) * math.sin(t) + (ys - cy) * math.cos(t)) / b
        hit = (np.hypot(u, v) < 1 + 0.25 * city_noise[win]) & land[win] & (fixed[win] == 0)
        fixed[win][hit] = WATER
    rivers = rasterize(g, [lonlat_line(r, 0.02) for r in RIVERS], dtype=gdal.GDT_Byte)
    fixed[(rivers > 0) & land & (fixed == 0)] = WATER
    wet_lowland = np.zeros((c.rows, c.cols))
    for name in ("jianghan", "poyang", "lower_yangtze", "pearl_delta", "ncp", "sanjiang", "songnen",
                 "sichuan_basin", "liaohe"):
        wet_lowland = np.maximum(wet_lowland, fields[name])
    plateau = fields["plateau"]
    pond = fbm(rng, g, [12, 6, 4], step=2) + upsample(0.6 * wet_lowland + 0.35 * plateau, c, g)
    pond_zone = nearest_up((wet_lowland > 0.3) | (plateau > 0.6), c, g)
    li = world.land_index
    cand = li[(flat[li] == 0) & pond_zone.ravel()[li]]
    flat[top_k(pond.ravel(), cand, POND_SHARE * n)] = WATER
    # snow and ice on mountain crests
    snowy = np.zeros((c.rows, c.cols))
    for pts, wgt in SNOW_RIDGES:
        snowy = np.maximum(snowy, wgt * world.coarse_field(lonlat_line(pts).Buffer(22000, 4), 2))
    snow_score = upsample(upsample(snowy, c, h) + 0.45 * fbm(rng, h, [40, 18, 8]), h, g)
    cand = li[(flat[li] == 0) & nearest_up(snowy > 0.15, c, g).ravel()[li]]
    flat[top_k(snow_score.ravel(), cand, SNOW_SHARE * n)] = SNOW
    # wetlands
    wet = np.zeros((g.rows, g.cols), dtype=np.float32)
    for lon0, lat0, r_km in WETLANDS:
        cx, cy = project(np.array([[lon0, lat0]]))[0]
        win, xs, ys = world.window(cx, cy, r_km * 1000)
        wet[win] = np.maximum(wet[win], np.clip(1 - np.hypot(xs - cx, ys - cy) / (r_km * 1000), 0, 1))
    wet_score = wet + 0.5 * fbm(rng, g, [30, 12, 5], step=2)
    cand = li[(flat[li] == 0) & (wet.ravel()[li] > 0.05)]
    flat[top_k(wet_score.ravel(), cand, WETLAND_SHARE * n)] = WETLAND
    log("overlays")

    # argmax of the base classes; forest and cropland biases calibrated to the target shares
    free = li[flat[li] == 0]
    stack = np.stack([scores[k].ravel()[free] for k in BASE_CLASSES])
    bias = np.zeros((len(BASE_CLASSES), 1), dtype=np.float32)
    i_crop, i_forest = BASE_CLASSES.index(CROP), BASE_CLASSES.index(FOREST)
    sub = stack[:, ::7]
    for _ in range(30):
        pick = np.argmax(sub + bias, axis=0)
        frac = len(free) / n / sub.shape[1]
        bias[i_crop] += np.float32(1.0 * (CROP_SHARE - np.count_nonzero(pick == i_crop) * frac))
        bias[i_forest] += np.float32(1.0 * (FOREST_SHARE - np.count_nonzero(pick == i_forest) * frac))
    log(f"biases crop {bias[i_crop, 0]:.3f} forest {bias[i_forest, 0]:.3f}")
    pick = np.argmax(stack + bias, axis=0)
    flat[free] = np.array(BASE_CLASSES, dtype=np.uint8)[pick]
    lc = fixed
    cls = flat[li]
    log("land cover t0: " + ", ".join(f"{k}:{np.count_nonzero(cls == k) / n:.4f}" for k in range(1, 10)))
    return lc


# ----------------------------------------------------------------------------------------------
# Planning layers: a Voronoi partition of jittered seeds keeps redline, cropland and urban polygons
# apart (cells shrunk by 500 m); each polygon is a rough star-shaped blob cut to its cell and the land.

SEED_SPACING_M = 85000.0
CELL_GAP_M = 500.0


def clip_halfplane(poly, nx, ny, offset):
    """Sutherland-Hodgman: keep the part of a convex polygon (list of (x, y)) with n . p <= offset."""
    out = []
    k = len(poly)
    for i in range(k):
        p, q = poly[i], poly[(i + 1) % k]
        dp = nx * p[0] + ny * p[1] - offset
        dq = nx * q[0] + ny * q[1] - offset
        if dp <= 0:
            out.append(p)
        if (dp < 0 < dq) or (dq < 0 < dp):
            t = dp / (dp - dq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def voronoi_cells(points, half_size):
    """Voronoi cell of every point (bounded by a square of half_size), each shrunk by CELL_GAP_M."""
    cells = []
    for i, (px, py) in enumerate(points):
        d = np.hypot(points[:, 0] - px, points[:, 1] - py)
        d[i] = np.inf
        poly = [(-half_size, -half_size), (half_size, -half_size), (half_size, half_size), (-half_size, half_size)]
        for j in np.argsort(d, kind="stable"):
            reach = max(math.hypot(*v) for v in poly)
            if d[j] / 2 - CELL_GAP_M > reach:
                break
            nx, ny = (points[j, 0] - px) / d[j], (points[j, 1] - py) / d[j]
            poly = clip_halfplane(poly, nx, ny, d[j] / 2 - CELL_GAP_M)
        cells.append(np.array(poly) + [px, py])
    return cells


def star(rng, cx, cy, radius, n=72, rough=0.22, harmonics=9):
    """A rough star-shaped polygon: radius * (1 + sum of random harmonics), counter-clockwise."""
    th = np.arange(n) * (2 * np.pi / n)
    r = np.ones(n)
    for h in range(2, harmonics + 1):
        r += rough * rng.uniform(0.3, 1.0) / h ** 0.9 * np.cos(h * th + rng.uniform(0, 2 * np.pi))
    r = radius * np.clip(r, 0.35, None)
    return polygon([np.column_stack([cx + r * np.cos(th), cy + r * np.sin(th)])])


def coords_of(g, segment_m=None):
    if segment_m:
        g = g.Clone()
        g.Segmentize(segment_m)
    return np.vstack([r for p in polygons_of(g) for r in rings_of(p)])


class Plans:
    def __init__(self):
        self.layers = {k: [] for k in ("redline", "cropland", "protected", "urban", "permitted")}
        self.conflicts = []


def province_of(world, provinces, x, y):
    r, c = world.grid.cell_of(np.array([x]), np.array([y]))
    r = int(np.clip(r[0], 0, world.grid.rows - 1))
    c = int(np.clip(c[0], 0, world.grid.cols - 1))
    k = int(world.province[r, c])
    if k == 0:   # on a provincial border gap: the nearest province by centroid distance
        d = [p["geom"].Distance(ogr.CreateGeometryFromWkt(f"POINT ({x} {y})")) for p in provinces]
        k = int(np.argmin(d)) + 1
    return provinces[k - 1]


def make_plans(world, land, lc0, cities, provinces):
    rng = rng_for(2)
    g = world.grid
    land_prep = land.CreatePreparedGeometry()

    def clip_land(geom):
        if geom is None:
            return None
        if land_prep.Contains(geom):
            return polygonal(geom)
        return polygonal(geom.Intersection(land), min_part_m2=1e6)

    # seeds: the cities, then a jittered lattice over the land away from the cities
    S = SEED_SPACING_M
    city_xy = np.array([[c["x"], c["y"]] for c in cities])
    xs = np.arange(g.x0 + S / 2, g.x0 + g.cols * g.cell, S)
    ys = np.arange(g.y1 - g.rows * g.cell + S / 2, g.y1, S)
    lattice = np.array([(x, y) for y in ys for x in xs])
    lattice += rng.uniform(-0.35 * S, 0.35 * S, size=lattice.shape)
    r, c = g.cell_of(lattice[:, 0], lattice[:, 1])
    inside = (r >= 0) & (r < g.rows) & (c >= 0) & (c < g.cols)
    on_land = np.zeros(len(lattice), dtype=bool)
    on_land[inside] = world.land_mask[r[inside], c[inside]]
    far = np.min(np.hypot(lattice[:, None, 0] - city_xy[None, :, 0], lattice[:, None, 1] - city_xy[None, :, 1]),
                 axis=1) > 0.8 * S
    seeds = np.vstack([city_xy, lattice[on_land & far]])
    n_city = len(cities)
    cells = voronoi_cells(seeds, 2.5 * S)
    log(f"{len(seeds)} seeds, Voronoi cells")

    # one blob per seed
    blobs = []
    for i, (sx, sy) in enumerate(seeds):
        cell = polygon([cells[i]])
        if i < n_city:
            b = star(rng, sx, sy, 1.5 * cities[i]["r_m"], n=64, rough=0.25)
        else:
            b = star(rng, sx, sy, math.sqrt(cell.GetArea() / math.pi) * rng.uniform(0.68, 1.02), n=56,
                     rough=0.32, harmonics=10)
        blobs.append(clip_land(polygonal(b.Intersection(cell))))
    log("blobs")
    # land cover inside every blob
    ids = rasterize(g, blobs, list(range(1, len(blobs) + 1)))
    counts = np.bincount((ids.ravel().astype(np.int64) * 10 + lc0.ravel()), minlength=(len(blobs) + 1) * 10)
    counts = counts.reshape(len(blobs) + 1, 10)[1:].astype(np.float64)
    valid = counts[:, 1:].sum(axis=1)
    frac = counts / np.maximum(valid, 1)[:, None]
    area = np.array([b.GetArea() if b is not None else 0.0 for b in blobs])

    role = np.array(["none"] * len(seeds), dtype=object)
    role[:n_city] = "urban"
    candidates = np.arange(n_city, len(seeds))
    candidates = candidates[area[candidates] > 0]
    # permanent basic farmland: the most cropland-rich blobs
    crop_score = frac[candidates, CROP] - frac[candidates, IMPERV] + rng.uniform(0, 0.05, len(candidates))
    order = candidates[np.argsort(-crop_score, kind="stable")]
    total = 0.0
    for i in order:
        if total >= CROPLAND_M2[0]:
            break
        role[i] = "cropland"
        total += area[i]
    # redline: the most natural of the rest (forest, grassland, snow first; deserts less)
    rest = candidates[role[candidates] == "none"]
    nat = (frac[rest, FOREST] + frac[rest, GRASS] + frac[rest, SNOW] + frac[rest, SHRUB] + frac[rest, WETLAND]
           + 0.6 * frac[rest, WATER] + 0.35 * frac[rest, BARREN] - frac[rest, CROP] - 2 * frac[rest, IMPERV])
    order = rest[np.argsort(-(nat + rng.uniform(0, 0.25, len(rest))), kind="stable")]
    redline = []     # (seed index, geometry, extra)
    total = 0.0
    for k, i in enumerate(order):
        if total >= REDLINE_M2[0]:
            break
        role[i] = "redline"
        cell_union = blobs[i]
        redline.append((i, blobs[i], False))
        if k % 23 == 11:        # a second, overlapping redline polygon in the same cell
            sx, sy = seeds[i]
            rr = math.sqrt(area[i] / math.pi)
            a = rng.uniform(0, 2 * np.pi)
            extra = star(rng, sx + 0.45 * rr * math.cos(a), sy + 0.45 * rr * math.sin(a), 0.5 * rr, n=48)
            extra = clip_land(polygonal(extra.Intersection(polygon([cells[i]]))))
            if extra is not None:
                redline.append((i, extra, True))
                cell_union = cell_union.Union(extra)
        total += cell_union.GetArea()
    log(f"redline {len(redline)} polygons, union {total / 1e6:.0f} km2")
    if not REDLINE_M2[0] <= total <= REDLINE_M2[1]:
        sys.exit(f"make_demo: internal error: redline union {total / 1e6:.0f} km2 is off target")

    plans = Plans()
    counters = {}

    def code_for(prefix, prov):
        key = (prefix, prov["code"])
        counters[key] = counters.get(key, 0) + 1
        return f"{prefix}-{prov['code']}-{counters[key]:03d}", counters[key]

    for i, geom, extra in redline:
        prov = province_of(world, provinces, *seeds[i])
        code, k = code_for("ECR", prov)
        plans.layers["redline"].append({"code": code, "name": f"{prov['name_zh']}生态保护红线{k:03d}",
                                        "province": prov["code"], "geom": geom, "seed": i, "extra": extra})
    for i in np.flatnonzero(role == "cropland"):
        prov = province_of(world, provinces, *seeds[i])
        code, k = code_for("PBF", prov)
        plans.layers["cropland"].append({"code": code, "name": f"{prov['name_zh']}永久基本农田{k:03d}",
                                         "province": prov["code"], "geom": blobs[i], "seed": i})
    for i in range(n_city):
        prov = province_of(world, provinces, *seeds[i])
        code, k = code_for("UDB", prov)
        plans.layers["urban"].append({"code": code, "name": cities[i]["name"],
                                      "name_zh": cities[i]["name_zh"] + "城镇开发边界",
                                      "province": prov["code"], "geom": blobs[i], "seed": i})
    plant_conflicts(rng, plans, seeds, land_prep, S)
    total = sum(f["geom"].GetArea() for f in plans.layers["cropland"])   # disjoint polygons
    if not CROPLAND_M2[0] <= total <= CROPLAND_M2[1]:
        sys.exit(f"make_demo: internal error: cropland union {total / 1e6:.0f} km2 is off target")
    make_protected(rng, world, plans, land, clip_land, provinces, seeds)
    for k, (name, zh, route) in enumerate(CORRIDORS, start=1):
        geom = clip_land(lonlat_line(route, 0.05).Buffer(3000.0, 4))
        plans.layers["permitted"].append({"code": f"PERM-{k:02d}", "name": name, "name_zh": zh, "geom": geom})
    for layer, feats in plans.layers.items():
        for f in feats:
            f["geom"] = polygonal(f["geom"])
            if f["geom"] is None or not f["geom"].IsValid():
                sys.exit(f"make_demo: internal error: invalid or empty {layer} polygon {f['code']}")
    return plans


def plant_conflicts(rng, plans, seeds, land_prep, S):
    """Small deliberate overlaps between the three control lines: a finger from one polygon across the
    gap into a neighbouring polygon of another layer is added to the first."""
    wanted = [("cropland", "redline", 2), ("urban", "redline", 1), ("urban", "cropland", 2)]
    three = [(layer, f) for layer in ("redline", "cropland", "urban") for f in plans.layers[layer]]
    for grow_layer, into_layer, count in wanted:
        pairs = []
        for b in plans.layers[grow_layer]:
            for a in plans.layers[into_layer]:
                d = math.dist(seeds[a["seed"]], seeds[b["seed"]])
                if d < 1.5 * S:
                    pairs.append((b, a))
        order = rng.permutation(len(pairs))
        done = 0
        for k in order:
            if done == count:
                break
            b, a = pairs[k]
            if b.get("conflict") or a.get("conflict"):
                continue
            pa, pb = coords_of(a["geom"], 1000.0), coords_of(b["geom"], 1000.0)
            dist = np.hypot(pa[:, None, 0] - pb[None, :, 0], pa[:, None, 1] - pb[None, :, 1])
            ia, ib = np.unravel_index(np.argmin(dist), dist.shape)
            gap = dist[ia, ib]
            if gap > 15000:
                continue
            # a finger from inside b across the gap, reaching 2-4 km into a
            u = (pa[ia] - pb[ib]) / max(gap, 1.0)
            start = pb[ib] - 1000.0 * u
            end = pa[ia] + rng.uniform(2000.0, 4000.0) * u
            bump = linestring(np.array([start, end])).Buffer(rng.uniform(1000.0, 1600.0), 8)
            if not land_prep.Contains(bump):
                continue
            if any(f is not a and f is not b and bump.Intersects(f["geom"]) for _, f in three):
                continue
            overlap = bump.Intersection(a["geom"]).GetArea()
            if not (3e6 <= overlap <= 20e6) or bump.Intersection(b["geom"]).GetArea() <= 0:
                continue
            b["geom"] = polygonal(b["geom"].Union(bump))
            b["conflict"] = a["conflict"] = True
            plans.conflicts.append((grow_layer, b["code"], into_layer, a["code"], overlap))
            done += 1
        if done < count:
            sys.exit(f"make_demo: internal error: could not plant {count} {grow_layer}/{into_layer} overlaps")
    log("conflicts: " + "; ".join(f"{a} {b} x {c} {d}: {e / 1e6:.2f} km2" for a, b, c, d, e in plans.conflicts))


def make_protected(rng, world, plans, land, clip_land, provinces, seeds):
    """Protected areas: large parks on the plateau and in the mountains, medium and small reserves;
    mostly centred on redline polygons, overlapping each other and the redline. Added in a fixed
    random order until their union reaches the target share of the land (counted on the grid first,
    then checked exactly)."""
    g = world.grid
    land_area = land.GetArea()
    red_seeds = np.array([seeds[f["seed"]] for f in plans.layers["redline"] if not f.get("extra")])
    cand = []
    for _ in range(700):
        u = rng.uniform()
        if u < 0.08:
            kind, r = "national_park", rng.uniform(90e3, 200e3)
        elif u < 0.55:
            kind, r = "nature_reserve", rng.uniform(25e3, 70e3)
        else:
            kind, r = "natural_park", rng.uniform(6e3, 25e3)
        if rng.uniform() < 0.85:
            cx, cy = red_seeds[rng.integers(len(red_seeds))] + rng.uniform(-30e3, 30e3, 2)
        else:
            k = world.land_index[rng.integers(len(world.land_index))]
            cy, cx = g.y1 - (k // g.cols + 0.5) * g.cell, g.x0 + (k % g.cols + 0.5) * g.cell
        cand.append((kind, cx, cy, r, star(rng, cx, cy, r, n=80 if r > 60e3 else 44, rough=0.3)))
    covered = np.zeros((g.rows, g.cols), dtype=bool)
    target_lo = PROTECTED_SHARE[0] * land_area / (g.cell * g.cell)
    target_hi = PROTECTED_SHARE[1] * land_area / (g.cell * g.cell)
    chosen = []
    count = 0
    for kind, cx, cy, r, geom in cand:
        if count >= (target_lo + target_hi) / 2:
            break
        geom = clip_land(geom)
        if geom is None:
            continue
        win, wx, wy = world.window(cx, cy, r * 1.6)
        sub = Grid.__new__(Grid)
        sub.cell, sub.x0, sub.y1 = g.cell, g.x0 + win[1].start * g.cell, g.y1 - win[0].start * g.cell
        sub.rows, sub.cols = win[0].stop - win[0].start, win[1].stop - win[1].start
        m = rasterize(sub, [geom], dtype=gdal.GDT_Byte).astype(bool)
        new = np.count_nonzero(m & ~covered[win])
        if count + new > target_hi:
            continue
        covered[win] |= m
        count += new
        chosen.append((kind, cx, cy, geom))
    counters = {}
    for kind, cx, cy, geom in chosen:
        prov = province_of(world, provinces, cx, cy)
        counters[prov["code"]] = counters.get(prov["code"], 0) + 1
        k = counters[prov["code"]]
        zh = {"national_park": "国家公园", "nature_reserve": "自然保护区", "natural_park": "自然公园"}[kind]
        plans.layers["protected"].append({"code": f"PA-{prov['code']}-{k:03d}", "name": f"{prov['name_zh']}{zh}{k:02d}",
                                          "kind": kind, "province": prov["code"], "geom": geom})
    log(f"protected {len(chosen)} polygons, grid share {count * g.cell * g.cell / land_area:.4f}")


# ----------------------------------------------------------------------------------------------
# Land cover at t1: planted changes

def grow_patch(rng, start, size, ok, cols):
    """Random 4-connected growth from a start cell (flat index) over cells where ok(k) is true."""
    patch = [start]
    seen = {start}
    frontier = []

    def push(k):
        for n in (k - 1, k + 1, k - cols, k + cols):
            if n not in seen and abs((n % cols) - (k % cols)) <= 1 and ok(n):
                seen.add(n)
                frontier.append(n)
    push(start)
    while len(patch) < size and frontier:
        k = frontier.pop(int(rng.integers(len(frontier))))
        patch.append(k)
        push(k)
    return patch


def make_changes(world, lc0, plans, cities):
    rng = rng_for(3)
    g = world.grid
    cols = g.cols
    lc1 = lc0.copy()
    flat0, flat1 = lc0.ravel(), lc1.ravel()
    red_geoms = [f["geom"] for f in plans.layers["redline"]]
    red_n = rasterize(g, red_geoms, dtype=gdal.GDT_Byte, add=True)
    # cells touched by exactly one redline polygon, so each planted patch belongs to a single zone
    in_red = (red_n == 1) & (rasterize(g, red_geoms, dtype=gdal.GDT_Byte, add=True, all_touched=True) == 1)
    corridors = [f["geom"] for f in plans.layers["permitted"]]
    perm_any = dilate(rasterize(g, corridors, dtype=gdal.GDT_Byte, all_touched=True).astype(bool), 3)
    perm_core = rasterize(g, [c.Buffer(-1500.0, 4) for c in corridors], dtype=gdal.GDT_Byte).astype(bool)
    natural = np.isin(lc0, NATURAL)
    excluded = ~world.land_mask.copy()
    excluded[:2, :] = excluded[-2:, :] = True
    excluded[:, :2] = excluded[:, -2:] = True
    ex = excluded.ravel()
    log_counts = {}

    def exclude(cells):
        for k in cells:
            r, c = divmod(k, cols)
            excluded[max(r - 2, 0):r + 3, max(c - 2, 0):c + 3] = True

    def plant(label, where, count, sizes, to_classes):
        w = where.ravel()
        cand = np.flatnonzero(w)
        placed = tries = 0
        while placed < count and tries < count * 40:
            tries += 1
            start = int(cand[rng.integers(len(cand))])
            if ex[start]:
                continue
            c0 = flat0[start]
            patch = grow_patch(rng, start, sizes(), lambda k: w[k] and not ex[k] and flat0[k] == c0, cols)
            flat1[patch] = to_classes(c0)
            exclude(patch)
            placed += 1
        log_counts[label] = placed

    # cropland -> built-up around the cities (urban growth; not a redline rule)
    noise = fbm(rng, g, [16, 8], step=2)
    for city in cities:
        win, xs, ys = world.window(city["x"], city["y"], city["r_m"] * 2.6)
        d = np.hypot(xs - city["x"], ys - city["y"])
        ring = (d < city["r_m"] * 2.2) & (lc0[win] == CROP) & (noise[win] > 0.15) & ~in_red[win]
        lc1[win][ring] = IMPERV
        excluded[win] |= dilate(ring, 2)
    # natural -> built-up / cropland inside the redline (violations), in the permitted corridors
    # (permitted), outside the redline (changes, no violation); natural -> natural inside the redline
    small = lambda: 1 + int(29 * rng.uniform() ** 2.2)
    human = lambda c0: IMPERV if rng.uniform() < 0.55 else CROP
    plant("violation", in_red & natural & ~perm_any, 170, small, human)
    plant("permitted", in_red & natural & perm_core, 24, lambda: int(rng.integers(2, 9)), lambda c0: IMPERV)
    plant("outside", ~dilate(red_n > 0, 2) & natural & world.land_mask, 90, small, human)
    succession = {GRASS: FOREST, BARREN: GRASS, SHRUB: FOREST, FOREST: GRASS, WETLAND: WATER, WATER: WETLAND}
    plant("natural_change", in_red & np.isin(lc0, list(succession)) & ~perm_any, 50,
          lambda: int(rng.integers(2, 21)), lambda c0: succession[int(c0)])
    log("planted patches: " + ", ".join(f"{k} {v}" for k, v in log_counts.items()))
    return lc1, log_counts


# ----------------------------------------------------------------------------------------------
# Coast: 20-50 km segments with a synthetic shoreline type

NATURAL_MIX = [  # (test on lon, lat), probabilities of bedrock, sandy, muddy, biological
    (lambda lon, lat: lat >= 38.5 and lon >= 120.8, (0.6, 0.3, 0.1, 0.0)),     # Liaodong peninsula
    (lambda lon, lat: lat >= 39.0, (0.1, 0.5, 0.4, 0.0)),                       # north Bohai
    (lambda lon, lat: lat >= 37.0 and lon < 119.5, (0.0, 0.1, 0.8, 0.1)),       # Bohai bay, Yellow River delta
    (lambda lon, lat: lat >= 35.0, (0.5, 0.4, 0.1, 0.0)),                       # Shandong peninsula
    (lambda lon, lat: lat >= 31.5, (0.0, 0.05, 0.75, 0.2)),                     # Jiangsu
    (lambda lon, lat: lat >= 23.5, (0.55, 0.25, 0.15, 0.05)),                   # Zhejiang, Fujian
    (lambda lon, lat: lon >= 111.5, (0.35, 0.45, 0.1, 0.1)),                    # Guangdong
    (lambda lon, lat: True, (0.05, 0.4, 0.2, 0.35)),                            # Leizhou, Guangxi (mangroves)
]
NATURAL_TYPES = ("bedrock", "sandy", "muddy", "biological")


def make_coast(coast):
    rng = rng_for(4)
    xy = np.array(coast.GetPoints())[:, :2]
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
    length = cum[-1]
    cuts = [0.0]
    while cuts[-1] < length:
        cuts.append(cuts[-1] + rng.uniform(20e3, 50e3))
    cuts[-1] = length
    if cuts[-1] - cuts[-2] < 10e3:
        del cuts[-2]
    segs = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        inner = xy[(cum > a) & (cum < b)]
        pa = [np.interp(a, cum, xy[:, 0]), np.interp(a, cum, xy[:, 1])]
        pb = [np.interp(b, cum, xy[:, 0]), np.interp(b, cum, xy[:, 1])]
        pts = np.vstack([pa, inner, pb])
        mid = np.array([[np.interp((a + b) / 2, cum, xy[:, 0]), np.interp((a + b) / 2, cum, xy[:, 1])]])
        segs.append({"xy": pts, "len": b - a, "mid": mid[0], "midll": project(mid, TO_LONLAT)[0]})
    mids = np.array([s["mid"] for s in segs])
    lens = np.array([s["len"] for s in segs])
    # estuaries: segments nearest to the river mouths, up to the target share
    est_d = np.full(len(segs), np.inf)
    for lon, lat, half_km in ESTUARIES:
        ex, ey = project(np.array([[lon, lat]]))[0]
        d = np.hypot(mids[:, 0] - ex, mids[:, 1] - ey) / (half_km * 1000)
        est_d = np.minimum(est_d, d)
    types = np.array([""] * len(segs), dtype=object)
    est_len = 0.0
    for k in np.argsort(est_d, kind="stable"):
        if est_d[k] > 1.0 or est_len + lens[k] > ESTUARY_COAST_SHARE * length:
            break
        types[k] = "estuary"
        est_len += lens[k]
    # artificial shore: near the ports and big coastal cities
    score = rng.uniform(0, 0.35, len(segs))
    for lon, lat, w in [(c[2], c[3], c[5]) for c in CITIES if c[5] > 0] + PORTS:
        px, py = project(np.array([[lon, lat]]))[0]
        score += w * np.exp(-np.hypot(mids[:, 0] - px, mids[:, 1] - py) / 60e3)
    nat_len = 0.0
    for k in np.argsort(score, kind="stable"):
        if types[k]:
            continue
        if nat_len >= NATURAL_COAST_SHARE * length:
            types[k] = "artificial"
            continue
        lon, lat = segs[k]["midll"]
        probs = next(p for test, p in NATURAL_MIX if test(lon, lat))
        types[k] = NATURAL_TYPES[rng.choice(4, p=probs)]
        nat_len += lens[k]
    out = []
    for k, sgt in enumerate(segs):
        out.append({"code": f"COAST-{k + 1:03d}", "type": types[k], "geom": linestring(sgt["xy"])})
    log(f"coast {len(out)} segments, {length / 1e3:.0f} km planar, natural {nat_len / length:.4f}, "
        f"estuary {est_len / length:.4f}")
    return out


# ----------------------------------------------------------------------------------------------
# Output helpers

def write_tif(path, grid, array):
    opts = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "ZLEVEL=6"]
    tmp = str(path) + ".tmp.tif"
    ds = gdal.GetDriverByName("GTiff").Create(tmp, grid.cols, grid.rows, 1, gdal.GDT_Byte, opts)
    ds.SetGeoTransform(grid.geotransform)
    ds.SetSpatialRef(srs_albers())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(0)
    ct = gdal.ColorTable()
    colours = {0: (0, 0, 0, 0), 1: (250, 227, 156, 255), 2: (68, 111, 51, 255), 3: (51, 160, 44, 255),
               4: (171, 211, 123, 255), 5: (30, 105, 180, 255), 6: (166, 206, 227, 255),
               7: (207, 189, 163, 255), 8: (226, 66, 144, 255), 9: (40, 150, 160, 255)}
    for k, v in colours.items():
        ct.SetColorEntry(k, v)
    band.SetColorTable(ct)
    band.SetDescription("CLCD class (synthetic)")
    band.WriteArray(array)
    ds = None
    os.replace(tmp, path)


def write_gpkg(path, layers):
    """layers: [(name, geometry type, [(field, OGR type)], [feature dicts with 'geom' and the fields])]."""
    tmp = str(path) + ".tmp.gpkg"
    if os.path.exists(tmp):
        os.remove(tmp)
    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_DATE)
    ds = ogr.GetDriverByName("GPKG").CreateDataSource(tmp)
    for name, gtype, fields, feats in layers:
        lyr = ds.CreateLayer(name, srs_albers(), gtype, ["FID=fid", "GEOMETRY_NAME=geom"])
        for fname, ftype in fields:
            lyr.CreateField(ogr.FieldDefn(fname, ftype))
        lyr.StartTransaction()
        defn = lyr.GetLayerDefn()
        for f in feats:
            feat = ogr.Feature(defn)
            for fname, _ in fields:
                feat.SetField(fname, f[fname])
            geom = f["geom"]
            if gtype == ogr.wkbMultiPolygon:
                geom = ogr.ForceToMultiPolygon(geom)
            feat.SetGeometry(geom)
            lyr.CreateFeature(feat)
        lyr.CommitTransaction()
    ds = None
    gdal.SetConfigOption("OGR_CURRENT_DATE", None)
    os.replace(tmp, path)


CONFIG = """\
version: 1
title: "Beautiful China indicators - demo (synthetic land cover and plans on the real China boundary)"
year: 2020
inputs:
  landcover_t0: lc_2015.tif       # optional (needed for ecr_nature_unchanged)
  landcover_t1: lc_2020.tif       # the current land cover
  classes: clcd
  redline: plan.gpkg:redline
  cropland: plan.gpkg:cropland
  protected: plan.gpkg:protected
  urban: plan.gpkg:urban
  permitted: plan.gpkg:permitted  # optional
  land: china.gpkg:land
  shoreline: china.gpkg:coast
  shoreline_class_field: type
  regions: china.gpkg:provinces
  regions_id: name
  shoreline_artificial: [artificial]
options:
  # The demo's coast is GSHHG's full-resolution mainland line; its province boundaries are
  # cn_atlas's, simplified much more, so in bays and estuaries the coast lies up to ~10 km
  # outside every province. Pieces within 10 km go to the nearest province (default 5 km).
  shoreline_region_snap_m: 10000
accuracy:
  # Error-adjusted estimates from labelled samples (docs/accuracy.md#in-the-report): drawn with
  # `redline sample` and labelled from the synthetic truth (make_demo_samples.py).
  forest_coverage: {sample: sample_2020.gpkg}
  cropland_cover: {sample: sample_2020.gpkg}
  ecr_nature_unchanged: {sample: sample_change.gpkg}
"""


def main(argv=None):
    global VERBOSE
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", help="read the original files from this shared data folder (e.g. ../shared/data) "
                    "instead of the repository's clips in testdata/")
    ap.add_argument("--out", default=str(HERE), help="output folder (default: the script's folder)")
    ap.add_argument("--verbose", action="store_true", help="progress and totals on stderr")
    args = ap.parse_args(argv)
    VERBOSE = args.verbose
    if args.shared:
        atlas = pathlib.Path(args.shared) / "cn_atlas" / "cn-atlas.json"
        coast_path = pathlib.Path(args.shared) / "gshhg_china_coast" / "gshhg_china_coast.gpkg"
    else:
        atlas = REPO / "testdata" / "cn_atlas" / "cn-atlas-provinces.json"
        coast_path = REPO / "testdata" / "gshhg_clip" / "china_mainland_coast.geojson.gz"
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    nation_name, land, provinces = read_cn_atlas(atlas)
    log(f"land {land.GetArea() / 1e6:.0f} km2, {vertex_count(land)} vertices; provinces "
        f"{sum(vertex_count(p['geom']) for p in provinces)} vertices")
    coast = read_coast(coast_path)
    world = World(land, provinces)
    cities = []
    for name, zh, lon, lat, r_km, port in CITIES:
        cx, cy = project(np.array([[lon, lat]]))[0]
        cities.append({"name": name, "name_zh": zh, "x": cx, "y": cy, "r_m": r_km * 1000.0, "port": port})
    lc0 = make_landcover(world, cities)
    plans = make_plans(world, land, lc0, cities, provinces)
    lc1, _ = make_changes(world, lc0, plans, cities)
    segments = make_coast(coast)

    for g in [land] + [p["geom"] for p in provinces]:
        if not g.IsValid():
            sys.exit("make_demo: internal error: invalid boundary polygon after projection")
    write_tif(out / "lc_2015.tif", world.grid, lc0)
    write_tif(out / "lc_2020.tif", world.grid, lc1)
    S = ogr.OFTString
    write_gpkg(out / "china.gpkg", [
        ("land", ogr.wkbMultiPolygon, [("name", S)], [{"name": nation_name, "geom": land}]),
        ("provinces", ogr.wkbMultiPolygon, [("name", S), ("name_zh", S), ("code", S)], provinces),
        ("coast", ogr.wkbLineString, [("code", S), ("type", S)], segments),
    ])
    L = plans.layers
    write_gpkg(out / "plan.gpkg", [
        ("redline", ogr.wkbMultiPolygon, [("code", S), ("name", S), ("province", S)], L["redline"]),
        ("cropland", ogr.wkbMultiPolygon, [("code", S), ("name", S), ("province", S)], L["cropland"]),
        ("protected", ogr.wkbMultiPolygon, [("code", S), ("name", S), ("kind", S), ("province", S)], L["protected"]),
        ("urban", ogr.wkbMultiPolygon, [("code", S), ("name", S), ("name_zh", S), ("province", S)], L["urban"]),
        ("permitted", ogr.wkbMultiPolygon, [("code", S), ("name", S), ("name_zh", S)], L["permitted"]),
    ])
    with open(out / "indicators.yaml", "w", encoding="utf-8") as f:
        f.write(CONFIG)
    log("wrote " + ", ".join(sorted(p.name for p in out.iterdir() if p.suffix in (".tif", ".gpkg", ".yaml"))))


if __name__ == "__main__":
    main()
