"""`redline tabulate` (issue #17): class areas of land-use parcels inside zones. The contract
(columns, row order, uncovered row, share, net of deductions), hand-computed cases in an
equal-area CRS, the survey area convention on a Gauss-Kruger layer against an independent
implementation of the 32号 trapezoid sum, a GEOS (shapely) intersection oracle on random
parcels, determinism across threads, and every bad input (exit code, message, no output)."""
import json
import math
import os
import random

import pytest
from osgeo import ogr, osr

from redline_testkit import (ALBERS, box_wkt, no_temp_files, read_csv, read_csv_text, read_json, real, run,
                             write_gbk_shapefile, write_layer)

HEADER = "zone,class,area_m2,share,net_area_m2,parcels,area_convention"
NAMED_HEADER = "zone,class,area_m2,share,net_area_m2,class_name,group,group_name,parcels,area_convention"
GK39 = "EPSG:4527"  # CGCS2000 3-degree Gauss-Kruger zone 39 (CM 117E, zone prefix)


@pytest.fixture
def squares(tmp_path):
    """Albers (equal-area, plane area exact): four parcels tiling 0..100 x 0..100 except 90..100 x 50..100;
    zone a covers -10..100 (2 600 m2 uncovered), zone b is the centre 25..75."""
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB",
                     [box_wkt(0, 0, 50, 50), box_wkt(50, 0, 100, 50), box_wkt(0, 50, 50, 100), box_wkt(50, 50, 90, 100)],
                     crs=ALBERS, fields={"DLBM": ["0101", "0103", "0101", "0301"], "KCXS": [0.1, 0.0, 0.2, 0.05]})
    zones = write_layer(tmp_path / "zones.gpkg", "redline", [box_wkt(-10, -10, 100, 100), box_wkt(25, 25, 75, 75)],
                        crs=ALBERS, fields={"code": ["a", "b"], "prov": ["p", "p"]})
    return lu, zones


def rows_of(r):
    assert r.returncode == 0, r.stderr
    return read_csv_text(r.stdout)


def test_hand_computed_squares(squares):
    lu, zones = squares
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--deduct-field", "KCXS", "--zones", zones,
            "--id", "code")
    assert r.stdout.splitlines()[0] == HEADER
    got = [(x["zone"], x["class"], x["area_m2"], x["share"], x["net_area_m2"], x["parcels"], x["area_convention"])
           for x in rows_of(r)]
    assert got == [
        ("a", "0101", "5000.0", repr(5000 / 9500), "4250.0", "2", "geodesic"),  # 2500*0.9 + 2500*0.8
        ("a", "0103", "2500.0", repr(2500 / 9500), "2500.0", "1", "geodesic"),
        ("a", "0301", "2000.0", repr(2000 / 9500), "1900.0", "1", "geodesic"),  # 2000*0.95
        ("a", "uncovered", "2600.0", "", "", "0", "geodesic"),  # 110*110 - 9500
        ("b", "0101", "1250.0", "0.5", "1062.5", "2", "geodesic"),
        ("b", "0103", "625.0", "0.25", "625.0", "1", "geodesic"),
        ("b", "0301", "625.0", "0.25", "593.75", "1", "geodesic"),
        ("b", "uncovered", "0.0", "", "", "0", "geodesic"),
    ]
    assert "1 of 2 zones is not fully covered" in r.stderr and "2600.00 m2" in r.stderr


def test_uncovered_exactly_zero_when_covered_and_a_1_m2_gap_measured(tmp_path):
    """Albers: four 50 m squares tiling 0..100, the north-east one with a 1 m2 hole (a real gap).
    Zones: 'gap' across the hole and 'whole' the layer's outline (uncovered 1 m2, measured); 'west'
    inside the west half and 'half' the west half's outline through the squares' corners (exactly
    covered: the shared edges prove it, no union; the rows must still be exactly 0); 'out' partly
    outside the layer (measured)."""
    holed = "POLYGON((50 50,100 50,100 100,50 100,50 50),(70 70,70 71,71 71,71 70,70 70))"
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB",
                     [box_wkt(0, 0, 50, 50), box_wkt(50, 0, 100, 50), box_wkt(0, 50, 50, 100), holed],
                     crs=ALBERS, fields={"DLBM": ["0101", "0103", "0101", "0301"]})
    whole = "POLYGON((0 0,50 0,100 0,100 50,100 100,50 100,0 100,0 50,0 0))"
    half = "POLYGON((0 0,50 0,50 50,50 100,0 100,0 50,0 0))"
    zones = write_layer(tmp_path / "zones.gpkg", "redline",
                        [box_wkt(60, 60, 80, 80), box_wkt(10, 10, 45, 90), whole, half, box_wkt(-20, 10, 20, 90)],
                        crs=ALBERS, fields={"code": ["gap", "west", "whole", "half", "out"]})
    rows = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--id", "code"))
    unc = {x["zone"]: float(x["area_m2"]) for x in rows if x["class"] == "uncovered"}
    assert unc["west"] == 0.0 and unc["half"] == 0.0
    assert abs(unc["gap"] - 1.0) < 1e-6 and abs(unc["whole"] - 1.0) < 1e-6  # the hole, measured
    assert abs(unc["out"] - 20 * 80) < 1e-6  # the part west of x = 0
    cls = {(x["zone"], x["class"]): float(x["area_m2"]) for x in rows if x["class"] != "uncovered"}
    assert abs(cls[("gap", "0301")] - 399.0) < 1e-6 and abs(cls[("whole", "0301")] - 2499.0) < 1e-6


def test_dissolve_by_classes_and_levels(squares, tmp_path):
    lu, zones = squares
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--dissolve-by", "prov",
            "--classes", "gbt21010", "--level", "1")
    assert r.stdout.splitlines()[0] == NAMED_HEADER
    rows = rows_of(r)
    # The union of a and b is a: cropland 01 = 0101 + 0103, forest 03; net = gross without --deduct-field.
    assert [(x["zone"], x["class"], x["area_m2"], x["net_area_m2"], x["class_name"], x["group"], x["group_name"])
            for x in rows] == [("p", "01", "7500.0", "7500.0", "耕地", "01", "耕地"),
                               ("p", "03", "2000.0", "2000.0", "林地", "03", "林地"),
                               ("p", "uncovered", "2600.0", "", "", "", "")]
    # A CSV code table; unknown codes keep empty names.
    table = tmp_path / "codes.csv"
    table.write_text("code,name,group,group_name\n0101,paddy,C,crop\n0103,dry,C,crop\n", encoding="utf-8")
    rows = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--dissolve",
                       "--classes", table))
    assert [(x["zone"], x["class"], x["class_name"], x["group"], x["group_name"]) for x in rows] == [
        ("all", "0101", "paddy", "C", "crop"), ("all", "0103", "dry", "C", "crop"), ("all", "0301", "", "", ""),
        ("all", "uncovered", "", "", "")]


def test_level_two_restores_integer_codes_and_drops_survey_suffixes(tmp_path):
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10), box_wkt(20, 0, 30, 10)],
                     crs=ALBERS, fields={"DLBM": [101, 307, 102]})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(0, 0, 30, 10)], crs=ALBERS)
    # Integers as their text by default ...
    assert [x["class"] for x in rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones))] \
        == ["101", "102", "307", "uncovered"]
    # ... and GB/T 21010 codes with --level 2, first-level groups with --level 1.
    assert [x["class"] for x in rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones,
                                            "--level", "2"))] == ["0101", "0102", "0307", "uncovered"]
    rows = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--level", "1"))
    assert [(x["class"], x["area_m2"]) for x in rows] == [("01", "200.0"), ("03", "100.0"), ("uncovered", "0.0")]
    lu2 = write_layer(tmp_path / "lu2.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10)], crs=ALBERS,
                      fields={"DLBM": ["0307K", "1104A"]})
    rows = rows_of(run("tabulate", "--landuse", lu2, "--class-field", "DLBM", "--zones", zones, "--level", "2",
                       "--classes", "gbt21010"))
    assert [(x["class"], x["class_name"]) for x in rows[:2]] == [("0307", "其他林地"), ("1104", "坑塘水面")]


# --- The survey convention on a Gauss-Kruger layer -----------------------------------------------------------

A, F = 6378137.0, 1 / 298.257222101
E2 = F * (2 - F)
E = math.sqrt(E2)


def q(phi):
    s = math.sin(phi)
    return (1 - E2) * (s / (1 - E2 * s * s) - 1 / (2 * E) * math.log((1 - E * s) / (1 + E * s)))


def survey_ring_area(lonlat):
    """The 32号 per-edge trapezoid sum (docs/survey-area.md), independently of the engine."""
    lon0 = math.radians(lonlat[0][0])
    s = 0.0
    for (l1, p1), (l2, p2) in zip(lonlat, lonlat[1:]):
        lm = 0.5 * (math.radians(l1) + math.radians(l2)) - lon0
        s += lm * (q(math.radians(p2)) - q(math.radians(p1)))
    return abs(0.5 * A * A * s)


def to_lonlat(points, crs=GK39):
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.SetFromUserInput(crs)
    dst.ImportFromEPSG(4490)
    for x in (src, dst):
        x.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    t = osr.CoordinateTransformation(src, dst)
    return [t.TransformPoint(x, y)[:2] for x, y in points]


def test_survey_convention_is_the_default_for_gauss_kruger(tmp_path):
    """A 600 m x 400 m parcel 1.2 degrees east of the CM of zone 39 (where the GK plane area is 1.7e-4 too
    large) inside a larger zone: its area is the trapezoid sum of its inverse-projected vertices."""
    x0, y0 = 39500000 + 115000, 3400000
    ring = [(x0, y0), (x0 + 600, y0 + 30), (x0 + 580, y0 + 420), (x0 - 20, y0 + 400), (x0, y0)]
    wkt = "POLYGON((" + ",".join(f"{x} {y}" for x, y in ring) + "))"
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [wkt], crs=GK39, fields={"DLBM": ["0101"]})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(x0 - 100, y0 - 100, x0 + 700, y0 + 500)], crs=GK39)
    rows = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones))
    want = survey_ring_area(to_lonlat(ring))
    assert rows[0]["area_convention"] == "survey"
    assert abs(real(rows[0]["area_m2"]) / want - 1) < 1e-9
    plane = 0.5 * abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:])))
    assert abs(want / plane - 1) > 1e-4  # the plane area is not what is reported
    # The geodesic convention differs from the survey's by the edge-shape bound (docs/survey-area.md).
    geo = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones,
                      "--area-convention", "geodesic"))
    assert geo[0]["area_convention"] == "geodesic"
    assert abs(real(geo[0]["area_m2"]) / want - 1) < 1e-6
    # The convention is in the JSON metadata too.
    out = tmp_path / "t.json"
    assert run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--output", out).returncode == 0
    doc = read_json(out)
    assert doc["meta"]["area_convention"] == "survey"
    assert "32号" in doc["meta"]["area_method"]
    assert doc["summary"]["area_convention"] == "survey"
    # GeoPackage: a table without geometry, the same rows.
    gpkg = tmp_path / "t.gpkg"
    assert run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--output", gpkg).returncode == 0
    ds = ogr.Open(str(gpkg))
    feats = [(f.GetField("class"), f.GetField("area_m2"), f.GetField("area_convention")) for f in ds.GetLayer("tabulate")]
    assert feats == [("0101", real(rows[0]["area_m2"]), "survey"), ("uncovered", real(rows[1]["area_m2"]), "survey")]


# --- GEOS oracle on random parcels ------------------------------------------------------------------------------

def random_coverage(seed, n=60, size=1000.0):
    """Voronoi parcels of n random points clipped to a square (a coverage: no gaps, no overlaps), with codes."""
    from shapely.geometry import MultiPoint, box
    from shapely.ops import voronoi_diagram
    rnd = random.Random(seed)
    pts = MultiPoint([(rnd.uniform(0, size), rnd.uniform(0, size)) for _ in range(n)])
    frame = box(0, 0, size, size)
    cells = [c.intersection(frame) for c in voronoi_diagram(pts, envelope=frame).geoms]
    cells = [c for c in cells if c.area > 0]
    codes = [rnd.choice(["0101", "0102", "0301", "0702", "1101"]) for _ in cells]
    coefs = [round(rnd.uniform(0, 0.15), 3) if c.startswith("01") else 0.0 for c in codes]
    return cells, codes, coefs


def test_equals_shapely_intersection_oracle_on_random_parcels(tmp_path):
    from shapely.geometry import Polygon
    from shapely.ops import unary_union
    cells, codes, coefs = random_coverage(17)
    rnd = random.Random(5)
    zones = []
    for _ in range(6):  # random convex-ish hexagons, partly outside the coverage
        cx, cy, r = rnd.uniform(0, 1000), rnd.uniform(0, 1000), rnd.uniform(80, 400)
        zones.append(Polygon([(cx + r * rnd.uniform(0.6, 1) * math.cos(a), cy + r * rnd.uniform(0.6, 1) * math.sin(a))
                              for a in [k * math.pi / 3 + 0.1 for k in range(6)]]))
    # Albers near 105E 30N (the plane area is exact there).
    ox, oy = 0.0, 3300000.0
    shift = lambda g: __import__("shapely.affinity", fromlist=["translate"]).translate(g, ox, oy)
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [shift(c).wkt for c in cells], crs=ALBERS,
                     fields={"DLBM": codes, "KCXS": coefs})
    zp = write_layer(tmp_path / "z.gpkg", "z", [shift(z).wkt for z in zones], crs=ALBERS,
                     fields={"name": [f"z{i}" for i in range(len(zones))]})
    rows = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--deduct-field", "KCXS",
                       "--zones", zp, "--id", "name"))
    got = {(x["zone"], x["class"]): x for x in rows}
    cover = unary_union(cells)
    n = 0
    for i, z in enumerate(zones):
        want, net = {}, {}
        for c, code, k in zip(cells, codes, coefs):
            a = z.intersection(c).area
            if a > 0:
                want[code] = want.get(code, 0.0) + a
                net[code] = net.get(code, 0.0) + a * (1 - k)
        keys = [key for key in got if key[0] == f"z{i}"]
        assert sorted(k[1] for k in keys) == sorted(want) + ["uncovered"]
        for code, a in want.items():
            row = got[(f"z{i}", code)]
            assert abs(real(row["area_m2"]) / a - 1) < 1e-9, (i, code)
            assert abs(real(row["net_area_m2"]) / net[code] - 1) < 1e-9
            assert abs(real(row["share"]) - a / sum(want.values())) < 1e-9
            n += 1
        gap = z.difference(cover).area
        assert abs(real(got[(f"z{i}", "uncovered")]["area_m2"]) - gap) <= 1e-9 * z.area
    assert n > 10


def test_byte_identical_for_one_and_two_threads(tmp_path):
    cells, codes, coefs = random_coverage(3, n=120)
    # A Gauss-Kruger layer (survey convention, GEOS intersections) and overlapping zones.
    ox, oy = 39500000 - 20000, 3500000
    from shapely.affinity import translate
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [translate(c, ox, oy).wkt for c in cells], crs=GK39,
                     fields={"DLBM": codes, "KCXS": coefs})
    zp = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(ox + 100 * i, oy + 50, ox + 100 * i + 400, oy + 900)
                                                for i in range(6)], crs=GK39)
    outs = []
    for t in (1, 2):
        for ext in ("csv", "json"):
            out = tmp_path / f"t{t}.{ext}"
            r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--deduct-field", "KCXS", "--zones", zp,
                    "--threads", t, "--output", out)
            assert r.returncode == 0, r.stderr
    assert (tmp_path / "t1.csv").read_bytes() == (tmp_path / "t2.csv").read_bytes()
    assert (tmp_path / "t1.json").read_bytes() == (tmp_path / "t2.json").read_bytes()
    rows = read_csv(tmp_path / "t1.csv")
    assert len(rows) > 12 and {x["area_convention"] for x in rows} == {"survey"}
    # Zones inside the coverage: uncovered is exactly 0 (measured on zone - parcels, not as a difference of areas).
    assert [x["area_m2"] for x in rows if x["class"] == "uncovered"] == ["0.0"] * 6


# --- Overlaps -----------------------------------------------------------------------------------------------------

@pytest.fixture
def overlapping(tmp_path):
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB",
                     [box_wkt(0, 0, 60, 100), box_wkt(50, 0, 100, 100), box_wkt(0, 0, 10, 10)],
                     crs=ALBERS, fields={"DLBM": ["0101", "0301", "1101"]})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(0, 0, 100, 100)], crs=ALBERS)
    return lu, zones


def test_overlaps_are_an_error_by_default(overlapping, tmp_path):
    lu, zones = overlapping
    out = tmp_path / "out.csv"
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--output", out)
    assert r.returncode == 2
    assert "land-use layer 'lu' in '" in r.stderr and "is not a coverage: 2 pairs of parcels overlap, 1100.00 m2 " \
        "in total" in r.stderr
    assert "parcels '1' (0101) and '2' (0301) overlap by 1000.00 m2 at (" in r.stderr
    assert "parcels '1' (0101) and '3' (1101) overlap by 100.00 m2" in r.stderr
    assert "pass --on-overlap first to count each overlapping area once" in r.stderr
    assert not out.exists() and no_temp_files(tmp_path)
    # --max-examples limits the list.
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--max-examples", "1")
    assert "the first 1: parcels '1' (0101) and '2' (0301)" in r.stderr and "'3' (1101)" not in r.stderr


def test_on_overlap_first_counts_overlaps_once_in_feature_order(overlapping):
    lu, zones = overlapping
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--on-overlap", "first")
    rows = rows_of(r)
    # Parcel 1 keeps 0..60; parcel 2 keeps 60..100; parcel 3 lies inside parcel 1 and keeps nothing.
    assert [(x["class"], x["area_m2"], x["share"]) for x in rows] == [
        ("0101", "6000.0", "0.6"), ("0301", "4000.0", "0.4"), ("uncovered", "0.0", "")]
    assert "--on-overlap first: each overlapping area counts once" in r.stderr


# --- Bad inputs ---------------------------------------------------------------------------------------------------

def bad(tmp_path, *args):
    out = tmp_path / "out.csv"
    r = run("tabulate", *args, "--output", out)
    assert not out.exists() and no_temp_files(tmp_path)
    return r


def test_missing_class_field(squares, tmp_path):
    lu, zones = squares
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM2", "--zones", zones)
    assert r.returncode == 2
    assert "has no field 'DLBM2' (--class-field); its fields are: DLBM, KCXS" in r.stderr
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--deduct-field", "TKXS", "--zones", zones)
    assert r.returncode == 2 and "has no field 'TKXS' (--deduct-field)" in r.stderr


@pytest.mark.parametrize("coef", [1.0, -0.1, 8.0])
def test_coefficient_outside_unit_interval(tmp_path, coef):
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10)], crs=ALBERS,
                     fields={"DLBM": ["0101", "0103"], "KCXS": [0.1, coef]})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(0, 0, 20, 10)], crs=ALBERS)
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--deduct-field", "KCXS", "--zones", zones)
    assert r.returncode == 2
    assert f"feature '2' has deduction coefficient '{coef:g}' in --deduct-field 'KCXS', outside [0, 1)" in r.stderr


def test_mixed_geometry_types(tmp_path):
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), "LINESTRING(0 0,10 10)"], crs=ALBERS,
                     fields={"DLBM": ["0101", "1001"]})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(0, 0, 20, 10)], crs=ALBERS)
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones)
    assert r.returncode == 2
    assert "lu.gpkg' must hold polygons, but 1 feature(s) do not: 2 (Line String)" in r.stderr


def test_other_crs_needs_reproject(squares, tmp_path):
    lu, _ = squares
    # A lon/lat zone around the Albers origin's neighbourhood (105E, 0N), holding every parcel.
    zones = write_layer(tmp_path / "z4490.gpkg", "z", [box_wkt(104.9, -0.1, 105.1, 0.1)], crs="EPSG:4490")
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones)
    assert r.returncode == 2
    assert "CRS mismatch: land-use layer 'lu' in '" in r.stderr
    assert "pass --reproject to transform 'z4490' into" in r.stderr
    rows = rows_of(run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--reproject"))
    assert [(x["class"], x["area_m2"]) for x in rows[:3]] == [("0101", "5000.0"), ("0103", "2500.0"),
                                                             ("0301", "2000.0")]


def test_empty_layer(tmp_path, squares):
    _, zones = squares
    lu = write_layer(tmp_path / "empty.gpkg", "DLTB", [], crs=ALBERS, fields={"DLBM": []},
                     geom_type=ogr.wkbPolygon)
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones)
    assert r.returncode == 2 and "empty.gpkg" in r.stderr and "no features" in r.stderr


def test_null_class_and_bad_options(tmp_path, squares):
    _, zones = squares
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10)], crs=ALBERS,
                     fields={"DLBM": ["0101", None]})
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones)
    assert r.returncode == 2 and "feature '2' has no land-use code in --class-field 'DLBM'" in r.stderr
    for opt in (["--level", "3"], ["--area-convention", "plane"], ["--on-overlap", "last"]):
        r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones, *opt)
        assert r.returncode == 2 and opt[0] in r.stderr
    lu2 = write_layer(tmp_path / "lu2.gpkg", "DLTB", [box_wkt(0, 0, 10, 10)], crs=ALBERS, fields={"DLBM": ["abc"]})
    r = bad(tmp_path, "--landuse", lu2, "--class-field", "DLBM", "--zones", zones, "--level", "1")
    assert r.returncode == 2 and "code 'abc'" in r.stderr and "--level 1 needs GB/T 21010 codes" in r.stderr
    r = bad(tmp_path, "--landuse", lu2, "--class-field", "DLBM", "--zones", zones, "--classes", "gb2017")
    assert r.returncode == 2 and "unknown land-use code table 'gb2017'" in r.stderr


def test_gbk_shapefile_land_use_layer(tmp_path):
    """A GBK shapefile (no .cpg, LDID 0x4D) whose class field holds Chinese names: decoded, kept as written."""
    shp = write_gbk_shapefile(tmp_path / "dltb.shp", "ldid4d",
                              [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10), box_wkt(0, 10, 20, 20)],
                              {"DLMC": ["水田", "旱地", "水田"], "KCXS": [0.1, 0.0, 0.0]}, crs=ALBERS)
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(0, 0, 20, 20)], crs=ALBERS, fields={"名称": ["保护区"]})
    r = run("tabulate", "--landuse", shp, "--class-field", "DLMC", "--deduct-field", "KCXS", "--zones", zones,
            "--id", "名称", "--encoding", "CP936")
    rows = rows_of(r)
    assert [(x["zone"], x["class"], x["area_m2"], x["net_area_m2"]) for x in rows] == [
        ("保护区", "旱地", "100.0", "100.0"), ("保护区", "水田", "300.0", "290.0"), ("保护区", "uncovered", "0.0", "")]


def test_help_teaches_the_contract():
    r = run("tabulate", "--help")
    assert r.returncode == 0
    for text in ("--landuse", "--class-field", "--deduct-field", "--area-convention", "--on-overlap", "survey",
                 "zone,class,area_m2,share,net_area_m2", "uncovered", "32号", "--check-field", "--check-tolerance",
                 "--check-output", "0.005 m2", "(default 0.005,1e-6)"):
        assert text in r.stdout


def test_file_geodatabase_land_use_layer(tmp_path, squares):
    """The survey's usual delivery: a File Geodatabase with a DLTB layer (written by GDAL's OpenFileGDB)."""
    _, zones = squares
    multi = [f"MULTIPOLYGON((({x0} 0,{x0 + 50} 0,{x0 + 50} 50,{x0} 50,{x0} 0)))" for x0 in (0, 50)]
    gdb = write_layer(tmp_path / "dltb.gdb", "DLTB", multi, crs=ALBERS, fields={"DLBM": ["0101", "0201K"],
                      "KCXS": [0.12, 0.0]}, geom_type=ogr.wkbMultiPolygon)
    assert ogr.Open(gdb).GetDriver().GetName() == "OpenFileGDB"
    rows = rows_of(run("tabulate", "--landuse", f"{gdb}:DLTB", "--class-field", "DLBM", "--deduct-field", "KCXS",
                       "--zones", zones, "--id", "code", "--classes", "gbt21010"))
    assert [(x["zone"], x["class"], x["area_m2"], x["net_area_m2"], x["class_name"]) for x in rows[:3]] == [
        ("a", "0101", "2500.0", "2200.0", "水田"), ("a", "0201K", "2500.0", "2500.0", "可调整果园"),
        ("a", "uncovered", "7100.0", "", "")]


def test_survey_default_for_a_gauss_kruger_shapefile(tmp_path):
    """A shapefile's .prj in Esri's wording ("CGCS2000_3_Degree_GK_Zone_39") is Gauss-Kruger too."""
    x0, y0 = 39500000 + 1000, 3400000
    shp = write_layer(tmp_path / "dltb.shp", "dltb", [box_wkt(x0, y0, x0 + 100, y0 + 100)], crs=GK39,
                      fields={"DLBM": ["0101"]}, geom_type=ogr.wkbPolygon)
    prj = (tmp_path / "dltb.prj").read_text()
    assert "GK" in prj
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(x0 - 10, y0 - 10, x0 + 110, y0 + 110)], crs=GK39)
    rows = rows_of(run("tabulate", "--landuse", shp, "--class-field", "DLBM", "--zones", zones))
    assert rows[0]["area_convention"] == "survey"
    ring = [(x0, y0), (x0 + 100, y0), (x0 + 100, y0 + 100), (x0, y0 + 100), (x0, y0)]
    assert abs(real(rows[0]["area_m2"]) / survey_ring_area(to_lonlat(ring)) - 1) < 1e-9


# --- --check-field: each parcel's TBMJ against its own survey-convention area -------------------------------------

def survey_areas_of(path, layer):
    """The survey-convention area of every feature as written to the file (read back with OGR, so the vertices
    are the engine's), by the independent trapezoid sum above."""
    ds = ogr.Open(str(path))
    out = []
    for f in ds.GetLayer(layer):
        g = f.GetGeometryRef()
        polys = [g.GetGeometryRef(k) for k in range(g.GetGeometryCount())] if g.GetGeometryName() == "MULTIPOLYGON" \
            else [g]
        total = 0.0
        for p in polys:
            rings = [p.GetGeometryRef(k).GetPoints() for k in range(p.GetGeometryCount())]
            areas = [survey_ring_area(to_lonlat([pt[:2] for pt in r])) for r in rings]
            total += areas[0] - sum(areas[1:])
        out.append(total)
    return out


@pytest.fixture
def tbmj_survey(tmp_path):
    """Voronoi parcels in GK zone 39 whose TBMJ is the independent survey area rounded to 0.01 m2, with planted
    errors: parcel 4 +0.5 m2, parcel 9 -3 m2, parcel 17 x 1.0001, parcel 23 in mu instead of m2, parcel 30 off by
    0.004 m2 (within half a unit + the relative term: not reported), parcel 35 NULL (not checked)."""
    from shapely.affinity import translate
    cells, codes, coefs = random_coverage(11, n=60)
    ox, oy = 39500000 - 60000, 3600000
    wkts = [translate(c, ox, oy).wkt for c in cells]
    lu = tmp_path / "lu.gpkg"
    write_layer(lu, "DLTB", wkts, crs=GK39, fields={"DLBM": codes, "KCXS": coefs})
    exact = survey_areas_of(lu, "DLTB")
    tbmj = [round(a, 2) for a in exact]
    planted = {4: tbmj[3] + 0.5, 9: tbmj[8] - 3.0, 17: round(tbmj[16] * 1.0001, 2), 23: round(tbmj[22] / 666.67, 2)}
    for fid, v in planted.items():
        tbmj[fid - 1] = v
    tbmj[29] = round(tbmj[29] + 0.004, 2)
    tbmj[34] = None
    write_layer(lu, "DLTB", wkts, crs=GK39, fields={"DLBM": codes, "KCXS": coefs, "TBMJ": tbmj})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(ox, oy, ox + 600, oy + 1000),
                                                   box_wkt(ox + 600, oy, ox + 1000, oy + 1000)], crs=GK39)
    return lu, zones, exact, tbmj, sorted(planted), [translate(c, ox, oy) for c in cells]


def test_check_field_reports_exactly_the_planted_tbmj_errors(tbmj_survey, tmp_path):
    lu, zones, exact, tbmj, planted, cells = tbmj_survey
    out = tmp_path / "check.csv"
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
            "--check-output", out, "--output", tmp_path / "t.csv")
    assert r.returncode == 0, r.stderr
    rows = read_csv(out)
    assert list(rows[0]) == ["parcel", "class", "field_m2", "area_m2", "difference_m2", "relative_difference",
                             "tolerance_m2", "x", "y"]
    assert [int(x["parcel"]) for x in rows] == planted
    from shapely.geometry import Point
    for x in rows:
        i = int(x["parcel"]) - 1
        area = real(x["area_m2"])
        assert abs(area / exact[i] - 1) < 1e-9
        assert real(x["field_m2"]) == tbmj[i]
        assert real(x["difference_m2"]) == area - tbmj[i]
        assert real(x["relative_difference"]) == (area - tbmj[i]) / tbmj[i]
        assert real(x["tolerance_m2"]) == 0.005 + 1e-6 * area
        assert cells[i].contains(Point(real(x["x"]), real(x["y"])))
    assert "--check-field 'TBMJ': 4 of 59 parcels of land-use layer 'lu' in '" in r.stderr
    assert "differ from their survey-convention area by more than 0.005 m2 + 1e-06 x area" in r.stderr
    assert "(1 parcel without a value not checked)" in r.stderr
    assert f"'4' ({rows[0]['class']}) TBMJ {tbmj[3]!r} m2, computed" in r.stderr
    # The tabulated table does not change with the check.
    plain = tmp_path / "plain.csv"
    assert run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--output",
               plain).returncode == 0
    assert plain.read_bytes() == (tmp_path / "t.csv").read_bytes()
    # The check is in the survey convention whatever the table's convention is.
    out2 = tmp_path / "check2.csv"
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
            "--check-output", out2, "--area-convention", "geodesic")
    assert r.returncode == 0 and out2.read_bytes() == out.read_bytes()
    # A looser tolerance drops the small errors: 1 m2 absolute keeps -3 m2, x1.0001 (> 1 m2 here) and the mu value.
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
            "--check-tolerance", "1", "--check-output", out2)
    big = [i + 1 for i in range(len(tbmj)) if tbmj[i] is not None and abs(exact[i] - tbmj[i]) > 1]
    assert [int(x["parcel"]) for x in read_csv(out2)] == big and 4 not in big and 9 in big and 23 in big
    assert "more than 1.0 m2" in r.stderr


def test_check_output_json_and_gpkg(tbmj_survey, tmp_path):
    lu, zones, exact, tbmj, planted, cells = tbmj_survey
    js, gp = tmp_path / "c.json", tmp_path / "c.gpkg"
    for out in (js, gp):
        r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
                "--check-output", out, "--threads", "1")
        assert r.returncode == 0, r.stderr
    doc = read_json(js)
    assert doc["summary"] == {"field": "TBMJ", "tolerance_m2": 0.005, "tolerance_relative": 1e-6, "checked": 59,
                              "missing": 1, "failed": 4, "max_abs_difference_m2": doc["summary"][
                                  "max_abs_difference_m2"], "area_convention": "survey"}
    assert doc["summary"]["max_abs_difference_m2"] == max(abs(a - t) for a, t in zip(
        [x["area_m2"] for x in doc["rows"]], [x["field_m2"] for x in doc["rows"]]))
    assert doc["meta"]["check_field"] == "TBMJ" and "32号" in doc["meta"]["area_method"]
    ds = ogr.Open(str(gp))
    lyr = ds.GetLayer("area_check")
    feats = [(f.GetField("parcel"), f.GetGeometryRef().GetX(), f.GetField("x")) for f in lyr]
    assert [int(p) for p, _, _ in feats] == planted and all(gx == x for _, gx, x in feats)
    assert "Gauss-Kruger zone 39" in lyr.GetSpatialRef().ExportToWkt()


def test_check_field_clean_layer(tmp_path):
    """TBMJ as the survey computes it: no parcel reported, a note with the largest difference."""
    from shapely.affinity import translate
    cells, codes, _ = random_coverage(4, n=30)
    ox, oy = 39500000 + 90000, 3200000
    wkts = [translate(c, ox, oy).wkt for c in cells]
    lu = tmp_path / "lu.gpkg"
    write_layer(lu, "DLTB", wkts, crs=GK39, fields={"DLBM": codes})
    tbmj = [round(a, 2) for a in survey_areas_of(lu, "DLTB")]
    write_layer(lu, "DLTB", wkts, crs=GK39, fields={"DLBM": codes, "TBMJ": tbmj})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(ox, oy, ox + 1000, oy + 1000)], crs=GK39)
    out = tmp_path / "c.csv"
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
            "--check-output", out)
    assert r.returncode == 0, r.stderr
    assert out.read_text().splitlines() == [
        "parcel,class,field_m2,area_m2,difference_m2,relative_difference,tolerance_m2,x,y"]
    assert f"0 of {len(cells)} parcels" in r.stderr and "largest difference 0.00" in r.stderr
    assert "warning" not in r.stderr.lower()


def test_check_field_bad_inputs(tbmj_survey, tmp_path):
    lu, zones, *_ = tbmj_survey
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ2")
    assert r.returncode == 2 and "has no field 'TBMJ2' (--check-field)" in r.stderr
    text = tmp_path / "text.gpkg"
    write_layer(text, "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10)], crs=ALBERS,
                fields={"DLBM": ["0101", "0103"], "TBMJ": ["100.00", "一百"]})
    z = write_layer(tmp_path / "z2.gpkg", "z", [box_wkt(0, 0, 20, 10)], crs=ALBERS)
    r = bad(tmp_path, "--landuse", text, "--class-field", "DLBM", "--zones", z, "--check-field", "TBMJ")
    assert r.returncode == 2
    assert "feature '2' has '一百' in --check-field 'TBMJ', not a number" in r.stderr
    for tol in ("-1", "abc", "0.1,x", "0.1,-1e-6"):
        r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
                "--check-tolerance", tol)
        assert r.returncode == 2 and f"--check-tolerance must be M2 or M2,RELATIVE" in r.stderr and tol in r.stderr
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-output",
            tmp_path / "c.csv")
    assert r.returncode == 2 and "--check-output needs --check-field" in r.stderr
    assert not (tmp_path / "c.csv").exists()
    r = bad(tmp_path, "--landuse", lu, "--class-field", "DLBM", "--zones", zones, "--check-field", "TBMJ",
            "--check-output", tmp_path / "c.txt")
    assert r.returncode == 2 and "--check-output" in r.stderr
