"""`redline shoreline`: the contract of issue #5 from the command line.

Lengths are checked against geodesics with a closed form (arcs of the equator are geodesics of
length a * dlambda on GRS80), against the reference length of the GSHHG mainland coast
(17,459.9 km, testdata/gshhg_clip/PROVENANCE.md, and GeographicLib through pyproj), and between two
CRSs; classes, islands, regions, pieces, determinism and bad input with exit codes and messages."""
import math
import os
import pathlib

import numpy as np
import pytest
from osgeo import ogr, osr

from redline_testkit import (ALBERS, TESTDATA, box_wkt, no_temp_files, read_csv,
                             read_csv_text, real, real_text, run, srs_of, write_layer, write_raster)

A = 6378137.0
CLIP = TESTDATA / "gshhg_clip" / "gshhg_zhuhai.gpkg"
# The whole GSHHG China mainland coast, gzip-compressed GeoJSON read through GDAL's /vsigzip/.
COAST = f"/vsigzip/{TESTDATA / 'gshhg_clip' / 'china_mainland_coast.geojson.gz'}"
ATLAS = TESTDATA / "cn_atlas" / "cn-atlas-provinces.json"
# Transverse Mercator on 105E, k = 1: the metric scale is 1 near x = 0 (exact ties).
TM0 = "+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"
HEADER = ("region,natural_m,artificial_m,estuary_m,total_m,natural_share_percent,"
          "target_percent,pass,margin_percent,island_m,unclassified_m")


def equator_lines(lengths_m, lon0=0.0):
    """WKT lines along the equator with the given geodesic lengths, one after the other."""
    wkts, lon = [], lon0
    for length in lengths_m:
        d = math.degrees(length / A)
        wkts.append(f"LINESTRING({lon!r} 0,{lon + d!r} 0)")
        lon += d + 0.01
    return wkts


def attribute_layer(tmp_path, lengths, values, name="coast.gpkg"):
    return write_layer(tmp_path / name, "coast", equator_lines(lengths), fields={"type": values})


def summary(proc):
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == HEADER
    return read_csv_text(proc.stdout)


def test_help_teaches_the_method_and_the_columns():
    p = run("shoreline", "--help")
    assert p.returncode == 0
    for text in ("geodesic", "CGCS2000", "landward", "--mainland", "island_m", "ties are artificial",
                 "Exit codes", "--segments", "GSHHG"):
        assert text in p.stdout, text


def test_thirty_five_of_one_hundred_km_passes(tmp_path):
    lines = attribute_layer(tmp_path, [35000.0, 65000.0], ["natural", "artificial"])
    rows = summary(run("shoreline", "--lines", lines, "--class-field", "type"))
    assert len(rows) == 1 and rows[0]["region"] == "all"
    r = rows[0]
    # Geodesic lengths of lines built to a length: equal to ~1e-10 m, written to the last bit.
    assert real(r["natural_m"]) == pytest.approx(35000.0, abs=1e-6)
    assert real(r["artificial_m"]) == pytest.approx(65000.0, abs=1e-6)
    assert real(r["total_m"]) == pytest.approx(100000.0, abs=1e-6) and r["estuary_m"] == real_text(0.0)
    assert real(r["natural_share_percent"]) == pytest.approx(35.0, abs=1e-9)
    assert r["target_percent"] == real_text(35.0) and r["pass"] == "true"
    assert r["island_m"] == ""  # no --mainland


def test_thirty_four_point_nine_nine_nine_km_fails(tmp_path):
    lines = attribute_layer(tmp_path, [34999.0, 65001.0], ["sandy", "seawall"])
    p = run("shoreline", "--lines", lines, "--class-field", "type")
    r = summary(p)[0]
    assert real(r["natural_share_percent"]) == pytest.approx(34.999, abs=1e-9)
    assert r["pass"] == "false" and real(r["margin_percent"]) == pytest.approx(-0.001, abs=1e-9)
    assert "seawall" in p.stderr and "count as artificial" in p.stderr


def test_estuary_in_total_not_natural_and_target_option(tmp_path):
    lines = attribute_layer(tmp_path, [30000.0, 10000.0, 60000.0], ["自然岸线", "河口岸线", "人工岸线"])
    r = summary(run("shoreline", "--lines", lines, "--class-field", "type", "--target", "30"))[0]
    assert real(r["estuary_m"]) == pytest.approx(10000.0, abs=1e-6)
    assert real(r["total_m"]) == pytest.approx(100000.0, abs=1e-6)
    assert real(r["natural_share_percent"]) == pytest.approx(30.0, abs=1e-9) and r["pass"] == "true"
    assert r["target_percent"] == real_text(30)
    r = summary(run("shoreline", "--lines", lines, "--class-field", "type", "--estuary-rule", "natural"))[0]
    assert real(r["natural_share_percent"]) == pytest.approx(40.0, abs=1e-9)
    assert real(r["natural_m"]) == pytest.approx(30000.0, abs=1e-6)
    r = summary(run("shoreline", "--lines", lines, "--class-field", "type", "--estuary-rule", "excluded"))[0]
    assert real(r["total_m"]) == pytest.approx(90000.0, abs=1e-6)
    assert real(r["natural_share_percent"]) == pytest.approx(100 / 3, abs=1e-9)


def test_regions_all_first_then_layer_order_and_json(tmp_path):
    lines = attribute_layer(tmp_path, [20000.0, 30000.0], ["natural", "dike"])
    d1 = math.degrees(20000.0 / A)
    # "z_east" comes first in the layer: rows follow the layer, not the alphabet.
    regions = write_layer(tmp_path / "regions.gpkg", "regions",
                          [box_wkt(d1 + 0.005, -1, 5, 1), box_wkt(-1, -1, d1 + 0.005, 1)],
                          fields={"code": ["z_east", "a_west"]})
    out = tmp_path / "s.json"
    p = run("shoreline", "--lines", lines, "--class-field", "type", "--artificial", "dike",
            "--by", f"{regions}:regions", "--by-id", "code", "--output", out)
    assert p.returncode == 0, p.stderr
    import json
    doc = json.loads(out.read_text())
    assert doc["columns"] == HEADER.split(",")
    assert [r["region"] for r in doc["rows"]] == ["all", "z_east", "a_west"]
    assert doc["rows"][1]["artificial_m"] == 30000.0 and doc["rows"][1]["natural_m"] == 0.0
    assert doc["rows"][2]["natural_m"] == 20000.0
    assert doc["meta"]["command"] == "shoreline"
    assert doc["meta"]["lengths"]["ellipsoid"].startswith("CGCS2000")


def test_segments_add_up_to_the_summary(tmp_path):
    lines = attribute_layer(tmp_path, [1234.5, 250.0], ["natural", "port"])
    seg = tmp_path / "pieces.gpkg"
    segcsv = tmp_path / "pieces.csv"
    r = summary(run("shoreline", "--lines", lines, "--class-field", "type", "--segments", seg))[0]
    assert run("shoreline", "--lines", lines, "--class-field", "type", "--segments", segcsv).returncode == 0
    rows = read_csv(segcsv)
    assert len(rows) == 13 + 3
    assert list(rows[0].keys()) == ["feature", "part", "piece", "class", "mainland", "region", "start_m",
                                    "length_m", "value", "land_side", "side_from"]
    nat = sum(float(x["length_m"]) for x in rows if x["class"] == "natural")
    assert abs(nat - 1234.5) < 0.01 and abs(float(r["natural_m"]) - 1234.5) < 1e-6
    assert all(float(x["length_m"]) <= 100.0 for x in rows)
    ds = ogr.Open(str(seg))
    lyr = ds.GetLayer(0)
    assert lyr.GetFeatureCount() == 16
    f = lyr.GetNextFeature()
    assert f.GetGeometryRef().GetGeometryName() in ("LINESTRING", "MULTILINESTRING")
    assert f.GetField("class") == "natural"


def test_real_clip_islands_are_reported_apart(tmp_path):
    both = summary(run("shoreline", "--lines", f"{CLIP}:coast_all", "--class-field", "kind",
                       "--natural", "mainland", "--artificial", "island", "--mainland", f"{CLIP}:mainland"))[0]
    coast = summary(run("shoreline", "--lines", f"{CLIP}:coast_all", "--class-field", "kind",
                        "--natural", "mainland", "--artificial", "island"))[0]
    # Without --mainland everything counts; with it the island rings move to island_m.
    assert float(coast["total_m"]) == pytest.approx(float(both["total_m"]) + float(both["island_m"]), abs=2e-3)
    assert float(both["artificial_m"]) == 0.0  # no island piece is taken for mainland
    assert float(both["natural_share_percent"]) == 100.0
    assert float(both["island_m"]) == pytest.approx(float(coast["artificial_m"]), abs=2e-3)
    assert 40000 < float(both["natural_m"]) < 43000  # 41.5 km of GSHHG mainland coast in the clip


def to_albers(src, dst, layer):
    ds = ogr.Open(str(src))
    lyr = ds.GetLayerByName(layer)
    ct = osr.CoordinateTransformation(srs_of("EPSG:4326"), srs_of(ALBERS))
    wkts = []
    for f in lyr:
        g = f.GetGeometryRef().Clone()
        g.Transform(ct)
        wkts.append(g.ExportToWkt())
    return write_layer(dst, layer, wkts, crs=ALBERS, fields={"kind": ["x"] * len(wkts)})


def test_real_clip_same_length_in_lonlat_and_albers(tmp_path):
    alb = to_albers(CLIP, tmp_path / "albers.gpkg", "mainland_coast")
    src = ogr.Open(str(CLIP))
    wkts = [f.GetGeometryRef().ExportToWkt() for f in src.GetLayerByName("mainland_coast")]
    ll = write_layer(tmp_path / "ll.gpkg", "c", wkts, fields={"kind": ["x"] * len(wkts)})
    a = float(summary(run("shoreline", "--lines", ll, "--class-field", "kind"))[0]["total_m"])
    b = float(summary(run("shoreline", "--lines", alb, "--class-field", "kind"))[0]["total_m"])
    assert a > 40000
    assert abs(b / a - 1) < 1e-7


def test_full_china_mainland_coast_is_17459_9_km():
    r = summary(run("shoreline", "--lines", COAST, "--class-field", "name"))[0]
    assert abs(float(r["total_m"]) / 1000 - 17459.9) < 0.1  # PROVENANCE.md (SpatiaLite, WGS84)
    # Independently: the sum of GeographicLib inverse distances (pyproj.Geod) between the vertices, on GRS80.
    from pyproj import Geod
    ds = ogr.Open(COAST)
    feature = ds.GetLayer(0).GetNextFeature()
    lon, lat = zip(*[p[:2] for p in feature.GetGeometryRef().GetPoints()])
    assert abs(float(r["total_m"]) / Geod(ellps="GRS80").line_length(lon, lat) - 1) < 1e-9


# ---- raster classification ------------------------------------------------------------------

def tie_fixture(tmp_path, rows_top_down, crs=TM0):
    """10 m cells, 20 columns from x = 0; the top edge at y = 3000030. The line runs east along
    y = 3000000 from x = 55 to 145 (90 m; land on its left = north)."""
    arr = np.array([[v] * 20 if np.isscalar(v) else v for v in rows_top_down], dtype=np.uint8)
    lc = write_raster(tmp_path / "lc.tif", arr, (0, 10, 0, 3000030, 0, -10), crs=crs, nodata=0)
    lines = write_layer(tmp_path / "line.gpkg", "line", ["LINESTRING(55 3000000,145 3000000)"], crs=crs)
    return lc, lines


def test_raster_fifty_percent_is_a_tie_and_ties_are_artificial(tmp_path):
    lc, lines = tie_fixture(tmp_path, [0, 2, 8, 0, 0, 0])
    seg = tmp_path / "p.csv"
    r = summary(run("shoreline", "--lines", lines, "--raster", lc, "--buffer-m", "20", "--segments", seg))[0]
    pieces = read_csv(seg)
    assert len(pieces) == 1
    assert abs(float(pieces[0]["artificial_percent"]) - 50.0) < 0.01
    assert pieces[0]["class"] == "artificial"
    assert r["natural_share_percent"] == real_text(0.0) and r["pass"] == "false"


def test_raster_cut_at_land_use_change_and_custom_classes(tmp_path):
    row = [8] * 10 + [4] * 10  # impervious west of x = 100, grassland east
    lc, lines = tie_fixture(tmp_path, [0, row, row, 0, 0, 0])
    seg = tmp_path / "p.csv"
    r = summary(run("shoreline", "--lines", lines, "--raster", lc, "--buffer-m", "20", "--segments", seg))[0]
    pieces = read_csv(seg)
    assert [p["class"] for p in pieces] == ["artificial", "natural"]
    assert abs(float(pieces[0]["length_m"]) - float(pieces[1]["length_m"])) < 0.5
    assert abs(float(r["natural_share_percent"]) - 50.0) < 0.5
    # Grassland declared artificial too: all artificial.
    r = summary(run("shoreline", "--lines", lines, "--raster", lc, "--buffer-m", "20",
                    "--artificial-classes", "8,grassland"))[0]
    assert float(r["natural_m"]) == 0.0


def test_raster_sea_side_is_unclassified_with_a_warning(tmp_path):
    lc, lines = tie_fixture(tmp_path, [0, 2, 8, 0, 0, 0])
    p = run("shoreline", "--lines", lines, "--raster", lc, "--buffer-m", "20", "--land-side", "right")
    r = summary(p)[0]
    assert real(r["unclassified_m"]) > 89.9 and r["total_m"] == real_text(0.0) and r["pass"] == ""
    assert "unclassified" in p.stderr


def test_real_clip_raster_same_bytes_for_one_and_eight_threads(tmp_path):
    arr = np.full((834, 834), 2, dtype=np.uint8)
    arr[:417, :] = 8
    arr[600:, 200:400] = 1
    lc = write_raster(tmp_path / "lc.tif", arr, (113.5, 0.0003, 0, 22.3, 0, -0.0003), crs="EPSG:4326", nodata=0)
    outs = []
    for t in ("1", "8"):
        o, s = tmp_path / f"s{t}.csv", tmp_path / f"p{t}.csv"
        p = run("shoreline", "--lines", f"{CLIP}:coast_all", "--raster", lc, "--mainland", f"{CLIP}:mainland",
                "--segments", s, "--output", o, "--threads", t)
        assert p.returncode == 0, p.stderr
        outs.append((o.read_bytes(), s.read_bytes()))
    assert outs[0] == outs[1]
    r = read_csv(tmp_path / "s1.csv")[0]
    # The mainland coast of the clip lies north of 22.17 N: mostly in the impervious half.
    assert float(r["artificial_m"]) > 0.9 * float(r["total_m"])
    assert float(r["island_m"]) > 40000
    pieces = read_csv(tmp_path / "p1.csv")
    assert {p["side_from"] for p in pieces if p["mainland"] == "true"} == {"mainland"}
    assert {p["land_side"] for p in pieces if p["mainland"] == "true"} == {"left"}  # GSHHG: land on the left


# ---- bad input: exit 2 (3 for I/O), a message naming the input, no output left behind ---------

def bad(tmp_path, *args, code=2, expect=()):
    out = tmp_path / "out" / "s.csv"
    out.parent.mkdir(exist_ok=True)
    p = run("shoreline", *args, "--output", out)
    assert p.returncode == code, (p.returncode, p.stderr)
    for e in expect:
        assert e in p.stderr, (e, p.stderr)
    assert not out.exists()
    assert no_temp_files(out.parent)
    return p


def test_bad_polygon_layer_as_lines(tmp_path):
    poly = write_layer(tmp_path / "poly.gpkg", "land", [box_wkt(0, 0, 1, 1)], fields={"type": ["x"]})
    bad(tmp_path, "--lines", poly, "--class-field", "type", expect=("must hold lines", "layer 'poly'", "(Polygon)"))


def test_bad_missing_field_and_missing_values(tmp_path):
    lines = attribute_layer(tmp_path, [1000.0, 1000.0], ["natural", None])
    bad(tmp_path, "--lines", lines, "--class-field", "kind", expect=("has no field 'kind'", "type"))
    bad(tmp_path, "--lines", lines, "--class-field", "type",
        expect=("have no value in --class-field 'type'", "feature ids 2"))


def test_bad_unknown_value_and_unknown_raster_class(tmp_path):
    lines = attribute_layer(tmp_path, [1000.0, 1000.0], ["natural", "harbour"])
    bad(tmp_path, "--lines", lines, "--class-field", "type", "--artificial", "dike",
        expect=("'harbour'", "none of --natural, --estuary and --artificial"))
    lc, rl = tie_fixture(tmp_path, [0, 2, 8, 0, 0, 0])
    bad(tmp_path, "--lines", rl, "--raster", lc, "--artificial-classes", "8,99",
        expect=("code 99 is not a class of table 'clcd'",))
    bad(tmp_path, "--lines", rl, "--raster", lc, "--artificial-classes", "concrete",
        expect=("'concrete' is neither a class code nor a group",))


def test_bad_crs_mismatch_without_reproject(tmp_path):
    lc, _ = tie_fixture(tmp_path, [0, 2, 8, 0, 0, 0])
    ll = write_layer(tmp_path / "ll.gpkg", "ll", ["LINESTRING(105 27.1,105.001 27.1)"], crs="EPSG:4326")
    bad(tmp_path, "--lines", ll, "--raster", lc, expect=("CRS mismatch", "EPSG:4326", "--reproject"))
    assert run("shoreline", "--lines", ll, "--raster", lc, "--reproject").returncode == 0
    lines = attribute_layer(tmp_path, [1000.0], ["natural"])
    ml = write_layer(tmp_path / "ml.gpkg", "mainland", [box_wkt(0, 0, 100, 100)], crs=ALBERS)
    bad(tmp_path, "--lines", lines, "--class-field", "type", "--mainland", ml,
        expect=("CRS mismatch: --mainland layer 'ml'", "EPSG:4326", "--reproject"))


def test_bad_usage(tmp_path):
    lines = attribute_layer(tmp_path, [1000.0], ["natural"])
    lc, _ = tie_fixture(tmp_path, [0, 2, 8, 0, 0, 0])
    bad(tmp_path, "--lines", lines, "--class-field", "type", "--raster", lc, expect=("excludes",))
    bad(tmp_path, "--lines", lines, expect=("exactly one of the two",))
    bad(tmp_path, "--lines", lines, "--class-field", "type", "--by", lines, expect=("--by-id",))
    bad(tmp_path, "--lines", lines, "--class-field", "type", "--buffer-m", "50", expect=("--raster",))
    bad(tmp_path, "--lines", tmp_path / "nope.gpkg", "--class-field", "type", code=3, expect=("nope.gpkg",))
    p = run("shoreline", "--lines", lines, "--class-field", "type", "--output", tmp_path / "s.txt")
    assert p.returncode == 2 and "unsupported output format" in p.stderr
    p = run("shoreline", "--lines", lines, "--class-field", "type", "--segments", tmp_path / "s.json")
    assert p.returncode == 2 and "--segments" in p.stderr


def test_gshhg_runs_with_land_on_the_left():
    """The --land-side default: GSHHG island rings are counter-clockwise (land on the left)."""
    ds = ogr.Open(str(CLIP))
    for f in ds.GetLayerByName("island_shorelines"):
        pts = f.GetGeometryRef().GetPoints()
        area2 = sum(pts[k][0] * pts[k + 1][1] - pts[k + 1][0] * pts[k][1] for k in range(len(pts) - 1))
        assert pts[0] == pts[-1] and area2 > 0


def test_full_coast_by_province_with_chinese_boundaries():
    p = run("shoreline", "--lines", COAST, "--class-field", "name", "--natural",
            "x", "--by", f"{ATLAS}:provinces", "--by-id", "地名", "--by-crs", "EPSG:4326", "--make-valid")
    rows = summary(p)
    assert rows[0]["region"] == "all" and len(rows) == 35
    assert "repaired 5 invalid geometries" in p.stderr
    totals = {r["region"]: float(r["total_m"]) for r in rows[1:]}
    coastal = {k for k, v in totals.items() if v > 0}
    for name in ("广东省", "福建省", "浙江省", "山东省", "辽宁省", "广西壮族自治区", "江苏省", "河北省"):
        assert name in coastal, name
    assert not coastal & {"四川省", "西藏自治区", "新疆维吾尔自治区"}
    # Pieces more than 5 km from every province are left out of the regions only.
    assert 0.995 * float(rows[0]["total_m"]) < sum(totals.values()) <= float(rows[0]["total_m"]) + 1e-3


def test_polygon_layer_without_crs_needs_its_crs_option(tmp_path):
    lines = attribute_layer(tmp_path, [1000.0], ["natural"])
    d = math.degrees(1000.0 / A)
    ml = write_layer(tmp_path / "ml.shp", "ml", [box_wkt(0, 0, d, 1)], crs=None)  # no .prj
    bad(tmp_path, "--lines", lines, "--class-field", "type", "--mainland", ml,
        expect=("--mainland layer 'ml'", "has no CRS", "--mainland-crs"))
    p = run("shoreline", "--lines", lines, "--class-field", "type", "--mainland", ml, "--mainland-crs", "EPSG:4326")
    r = summary(p)[0]
    assert real(r["natural_m"]) == pytest.approx(1000.0, abs=1e-6) and r["island_m"] == real_text(0.0)
    assert "declares no CRS; using EPSG:4326 as given by --mainland-crs" in p.stderr


def test_real_clip_landward_strips_fall_on_the_land(tmp_path):
    """Burn the clip's mainland polygon as impervious (8) and its islands as forest (2) on a sea of
    nodata: with land on the left every mainland piece is artificial and every island piece
    natural, with nothing unclassified; the opposite side falls into the sea."""
    from osgeo import gdal
    gdal.UseExceptions()
    lc = str(tmp_path / "land.tif")
    ds = gdal.GetDriverByName("GTiff").Create(lc, 1250, 1250, 1, gdal.GDT_Byte)
    ds.SetGeoTransform((113.5, 0.0002, 0, 22.3, 0, -0.0002))
    ds.SetSpatialRef(srs_of("EPSG:4326"))
    ds.GetRasterBand(1).SetNoDataValue(0)
    src = ogr.Open(str(CLIP))
    gdal.RasterizeLayer(ds, [1], src.GetLayerByName("mainland"), burn_values=[8])
    gdal.RasterizeLayer(ds, [1], src.GetLayerByName("islands"), burn_values=[2])
    ds = None
    with_ml = summary(run("shoreline", "--lines", f"{CLIP}:coast_all", "--raster", lc,
                          "--mainland", f"{CLIP}:mainland"))[0]
    left = summary(run("shoreline", "--lines", f"{CLIP}:coast_all", "--raster", lc))[0]
    right = summary(run("shoreline", "--lines", f"{CLIP}:coast_all", "--raster", lc, "--land-side", "right"))[0]
    assert float(with_ml["natural_m"]) == 0.0 and float(with_ml["unclassified_m"]) == 0.0
    assert float(with_ml["artificial_m"]) > 41000 and float(with_ml["island_m"]) > 46000
    assert float(left["natural_m"]) == pytest.approx(float(with_ml["island_m"]), abs=1e-3)
    assert float(left["artificial_m"]) == pytest.approx(float(with_ml["artificial_m"]), abs=1e-3)
    assert float(left["unclassified_m"]) == 0.0
    assert float(right["unclassified_m"]) > 1000
