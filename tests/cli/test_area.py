"""`redline area`: the contract of issue #3 (columns, order, dissolve, within/share), ellipsoidal
values against independent computations (overlay_oracle), determinism and every bad input."""
import json
import os
import pathlib

import pytest
from osgeo import ogr

from overlay_oracle import plane_rect_area, rect_area, rect_intersection_area, union_area
from redline_testkit import (ALBERS, TESTDATA, box_wkt, no_temp_files, read_csv, read_csv_text, real_text,
                             run, write_layer)

REL = 1e-9


def rel(a, b):
    return abs(a / b - 1.0)


@pytest.fixture
def lonlat(tmp_path):
    """Three lon/lat rectangles (EPSG:4490): r1 and r2 overlap, r3 is apart; groups g1 = r1 + r2."""
    rects = {"r1": (105.0, 30.0, 105.2, 30.1), "r2": (105.1, 30.05, 105.3, 30.15), "r3": (106.0, 31.0, 106.01, 31.01)}
    path = write_layer(tmp_path / "plan.gpkg", "redline", [box_wkt(*r) for r in rects.values()], crs="EPSG:4490",
                       fields={"code": list(rects), "grp": ["g1", "g1", "g2"]})
    return path, rects


def test_per_feature_areas_are_ellipsoidal_in_feature_order(lonlat):
    path, rects = lonlat
    r = run("area", "--layer", f"{path}:redline", "--id", "code")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "id,area_m2"
    rows = read_csv_text(r.stdout)
    assert [x["id"] for x in rows] == ["r1", "r2", "r3"]
    for row in rows:
        assert rel(float(row["area_m2"]), rect_area(*rects[row["id"]])) < REL
    # Without --id the feature id names the rows.
    r = run("area", "--layer", f"{path}:redline")
    assert [x["id"] for x in read_csv_text(r.stdout)] == ["1", "2", "3"]


def test_reference_cells_of_the_docs(tmp_path):
    path = write_layer(tmp_path / "cells.gpkg", "cells",
                       [box_wkt(105, 30, 106, 31), box_wkt(105, 30, 105.01, 30.01)], crs="EPSG:4490")
    rows = read_csv_text(run("area", "--layer", path).stdout)
    assert abs(float(rows[0]["area_m2"]) - 10642393438.71) <= 0.01
    assert abs(float(rows[1]["area_m2"]) - 1069521.173) <= 0.001


def test_gauss_kruger_layer_is_measured_on_the_ellipsoid(tmp_path):
    """No plane areas: a 0.1-degree cell 1.5 degrees from the CM of GK zone 35 (EPSG:4523), its edges densified
    in lon/lat before projection: the area equals the lon/lat cell's, not the plane area
    (+0.052 %)."""
    from osgeo import osr
    src, dst = osr.SpatialReference(), osr.SpatialReference()
    src.ImportFromEPSG(4490)
    dst.ImportFromEPSG(4523)
    for s in (src, dst):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    ct = osr.CoordinateTransformation(src, dst)
    lon0, lat0, lon1, lat1 = 106.4, 30.0, 106.5, 30.1
    n = 200
    pts = [(lon0 + (lon1 - lon0) * k / n, lat0) for k in range(n)] + \
          [(lon1, lat0 + (lat1 - lat0) * k / n) for k in range(n)] + \
          [(lon1 - (lon1 - lon0) * k / n, lat1) for k in range(n)] + \
          [(lon0, lat1 - (lat1 - lat0) * k / n) for k in range(n)]
    gk = [ct.TransformPoint(x, y)[:2] for x, y in pts]
    ring = ogr.Geometry(ogr.wkbLinearRing)
    for x, y in gk + [gk[0]]:
        ring.AddPoint_2D(x, y)
    poly = ogr.Geometry(ogr.wkbPolygon)
    poly.AddGeometry(ring)
    plane = poly.GetArea()
    path = write_layer(tmp_path / "gk.gpkg", "gk", [poly.ExportToWkt()], crs="EPSG:4523")
    r = run("area", "--layer", path, "--output", tmp_path / "gk.json")
    assert r.returncode == 0, r.stderr
    out = json.loads((tmp_path / "gk.json").read_text())
    area = out["rows"][0]["area_m2"]
    expected = rect_area(lon0, lat0, lon1, lat1)
    assert rel(area, expected) < 1e-7
    # Mean offset 1.45 degrees from the CM: (1.45 / 1.5)^2 x 0.000517 = +0.048 % in the plane.
    assert 0.00046 < plane / expected - 1 < 0.00050
    assert "densified to 100" in out["meta"]["area_method"]


def test_dissolve_reports_union_sum_and_overlap(lonlat):
    path, rects = lonlat
    r = run("area", "--layer", f"{path}:redline", "--dissolve")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "group,area_m2,sum_m2,overlap_m2"
    (row,) = read_csv_text(r.stdout)
    assert row["group"] == "all"
    union = union_area(list(rects.values()))
    parts = sum(rect_area(*x) for x in rects.values())
    overlap = rect_intersection_area(rects["r1"], rects["r2"])
    assert rel(float(row["area_m2"]), union) < REL
    assert rel(float(row["sum_m2"]), parts) < REL
    assert rel(float(row["overlap_m2"]), overlap) < REL
    assert rel(parts - union, overlap) < REL  # the oracle is consistent


def test_dissolve_by_groups_in_order_of_first_appearance(lonlat):
    path, rects = lonlat
    rows = read_csv_text(run("area", "--layer", f"{path}:redline", "--dissolve-by", "grp").stdout)
    assert [x["group"] for x in rows] == ["g1", "g2"]
    assert rel(float(rows[0]["area_m2"]), union_area([rects["r1"], rects["r2"]])) < REL
    assert float(rows[1]["overlap_m2"]) == 0.0
    assert rel(float(rows[1]["area_m2"]), rect_area(*rects["r3"])) < REL


def test_identical_protected_areas_count_once(tmp_path):
    """Union before share: two identical 1 km2 protected areas give 1 km2."""
    sq = box_wkt(0, 3000000, 1000, 3001000)
    path = write_layer(tmp_path / "pa.gpkg", "pa", [sq, sq], crs=ALBERS)
    (row,) = read_csv_text(run("area", "--layer", path, "--dissolve").stdout)
    assert abs(float(row["area_m2"]) - 1e6) < 1e-3
    assert abs(float(row["sum_m2"]) - 2e6) < 1e-3
    assert abs(float(row["overlap_m2"]) - 1e6) < 1e-3


def test_within_measures_the_part_inside_and_adds_share(tmp_path, lonlat):
    path, rects = lonlat
    # The boundary is the union of two touching rectangles (a land layer of two provinces).
    b1, b2 = (104.9, 29.9, 105.15, 30.2), (105.15, 29.9, 105.25, 30.2)
    land = write_layer(tmp_path / "land.gpkg", "land", [box_wkt(*b1), box_wkt(*b2)], crs="EPSG:4490")
    bound = (104.9, 29.9, 105.25, 30.2)
    barea = rect_area(*bound)
    r = run("area", "--layer", f"{path}:redline", "--id", "code", "--within", land)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "id,area_m2,share"
    rows = {x["id"]: x for x in read_csv_text(r.stdout)}
    for k in ("r1", "r2"):
        inside = rect_intersection_area(rects[k], bound)
        assert rel(float(rows[k]["area_m2"]), inside) < REL
        assert abs(float(rows[k]["share"]) - inside / barea) < 1e-12
    assert float(rows["r3"]["area_m2"]) == 0.0 and float(rows["r3"]["share"]) == 0.0

    out = tmp_path / "within.json"
    r = run("area", "--layer", f"{path}:redline", "--dissolve", "--within", land, "--output", out)
    assert r.returncode == 0, r.stderr
    j = json.loads(out.read_text())
    assert j["columns"] == ["group", "area_m2", "sum_m2", "overlap_m2", "share"]
    row = j["rows"][0]
    clipped = [rect_intersection_area(rects[k], bound) for k in rects]
    union_inside = union_area([(max(x[0], bound[0]), max(x[1], bound[1]), min(x[2], bound[2]), min(x[3], bound[3]))
                               for x in rects.values() if x[0] < bound[2] and x[1] < bound[3]])
    assert rel(row["area_m2"], union_inside) < REL
    assert rel(row["sum_m2"], sum(clipped)) < REL
    assert rel(row["share"], union_inside / barea) < REL
    assert rel(j["summary"]["boundary_area_m2"], barea) < REL
    assert j["meta"]["within"]["layer"] == "land"


def test_outputs_and_determinism_across_threads(tmp_path):
    wkts, codes = [], []
    for i in range(60):
        x, y = 100 + (i % 10) * 0.13, 25 + (i // 10) * 0.11
        wkts.append(box_wkt(x, y, x + 0.2, y + 0.15))
        codes.append(f"p{i % 7}")
    path = write_layer(tmp_path / "many.gpkg", "many", wkts, crs="EPSG:4490", fields={"grp": codes})
    outs = []
    for t in (1, 8):
        for ext in ("csv", "json"):
            o = tmp_path / f"out{t}.{ext}"
            r = run("area", "--layer", path, "--dissolve-by", "grp", "--threads", t, "--output", o)
            assert r.returncode == 0, r.stderr
            outs.append(o.read_bytes())
    assert outs[0] == outs[2] and outs[1] == outs[3]
    o = tmp_path / "out.gpkg"
    assert run("area", "--layer", path, "--output", o).returncode == 0
    ds = ogr.Open(str(o))
    assert ds.GetLayer(0).GetFeatureCount() == 60
    assert no_temp_files(tmp_path)


def test_projected_within_boundary_in_another_crs_needs_reproject(tmp_path):
    sq = box_wkt(0, 3000000, 1000, 3001000)
    layer = write_layer(tmp_path / "a.gpkg", "a", [sq], crs=ALBERS)
    land = write_layer(tmp_path / "land.gpkg", "land", [box_wkt(100, 20, 110, 30)], crs="EPSG:4490")
    r = run("area", "--layer", layer, "--within", land)
    assert r.returncode == 2
    assert "CRS mismatch" in r.stderr and "'a'" in r.stderr and "'land'" in r.stderr and "EPSG:4490" in r.stderr
    assert "--reproject" in r.stderr
    r = run("area", "--layer", layer, "--within", land, "--reproject")
    assert r.returncode == 0, r.stderr
    (row,) = read_csv_text(r.stdout)
    assert abs(float(row["area_m2"]) - 1e6) < 1e-3


# --- bad input -------------------------------------------------------------------------------

def expect_error(tmp_path, args, code, *texts):
    out = tmp_path / "out.csv"
    r = run("area", *args, "--output", out)
    assert r.returncode == code, (r.returncode, r.stderr)
    for t in texts:
        assert t in r.stderr, r.stderr
    assert not out.exists()
    assert no_temp_files(tmp_path)
    return r


def test_missing_file(tmp_path):
    expect_error(tmp_path, ["--layer", tmp_path / "nope.gpkg"], 3, "no such file", "nope.gpkg")


def test_unreadable_file(tmp_path):
    bad = tmp_path / "garbage.gpkg"
    bad.write_bytes(b"this is not a geopackage" * 10)
    expect_error(tmp_path, ["--layer", bad], 3, "garbage.gpkg")


def test_missing_and_empty_layer(tmp_path):
    path = write_layer(tmp_path / "p.gpkg", "a", [box_wkt(0, 0, 1, 1)], crs="EPSG:4490")
    write_layer(path, "empty", [], crs="EPSG:4490", append=True)
    expect_error(tmp_path, ["--layer", f"{path}:zzz"], 2, "no layer 'zzz'", "a, empty")
    expect_error(tmp_path, ["--layer", f"{path}:empty"], 2, "'empty'", "no features")
    expect_error(tmp_path, ["--layer", path], 2, "holds 2 layers")


def test_non_polygon_layer(tmp_path):
    path = write_layer(tmp_path / "l.gpkg", "lines", ["LINESTRING(0 0,1 1)"], crs="EPSG:4490")
    expect_error(tmp_path, ["--layer", path], 2, "must hold polygons", "Line String")


def test_invalid_geometry_needs_make_valid(tmp_path):
    bow = "POLYGON((105 30,105.1 30.1,105.1 30,105 30.1,105 30))"
    path = write_layer(tmp_path / "b.gpkg", "b", [box_wkt(105, 31, 105.1, 31.1), bow], crs="EPSG:4490",
                       fields={"code": ["ok", "bow"]})
    expect_error(tmp_path, ["--layer", path, "--id", "code"], 2, "invalid geometr", "'bow'", "Self-intersection",
                 "--make-valid")
    r = run("area", "--layer", path, "--id", "code", "--make-valid")
    assert r.returncode == 0, r.stderr
    assert "repaired 1 invalid geometry" in r.stderr
    rows = {x["id"]: float(x["area_m2"]) for x in read_csv_text(r.stdout)}
    # MakeValid keeps both triangles of the bow-tie: half the rectangle.
    assert rel(rows["bow"], 0.5 * rect_area(105, 30, 105.1, 30.1)) < 1e-3


def test_no_crs_needs_layer_crs(tmp_path):
    path = write_layer(tmp_path / "n.shp", "n", [box_wkt(105, 30, 106, 31)], crs=None)  # no .prj
    expect_error(tmp_path, ["--layer", path], 2, "has no CRS", "--layer-crs")
    r = run("area", "--layer", path, "--layer-crs", "EPSG:4490")
    assert r.returncode == 0, r.stderr
    assert "declares no CRS" in r.stderr
    assert abs(float(read_csv_text(r.stdout)[0]["area_m2"]) - 10642393438.71) <= 0.01


def test_geopackage_without_crs_is_no_crs(tmp_path):
    # GDAL reports a GeoPackage layer written without a CRS as "Undefined geographic SRS" (srs_id
    # 0): that is no CRS, so --layer-crs applies; it was read as lon/lat and refused as corrupt.
    path = write_layer(tmp_path / "n.gpkg", "n", [box_wkt(105, 30, 106, 31)], crs=None)
    expect_error(tmp_path, ["--layer", path], 2, "has no CRS", "--layer-crs")
    r = run("area", "--layer", path, "--layer-crs", "EPSG:4490")
    assert r.returncode == 0, r.stderr
    assert "declares no CRS; using EPSG:4490" in r.stderr
    assert abs(float(read_csv_text(r.stdout)[0]["area_m2"]) - 10642393438.71) <= 0.01


def test_usage_errors(tmp_path):
    path = write_layer(tmp_path / "u.gpkg", "u", [box_wkt(105, 30, 106, 31)] * 2, crs="EPSG:4490",
                       fields={"code": ["a", "a"]})
    expect_error(tmp_path, ["--layer", path, "--id", "code"], 2, "not unique")
    expect_error(tmp_path, ["--layer", path, "--id", "nofield"], 2, "no field 'nofield'")
    expect_error(tmp_path, ["--layer", path, "--dissolve", "--dissolve-by", "code"], 2, "excludes")
    r = run("area", "--layer", path, "--output", tmp_path / "x.txt")
    assert r.returncode == 2 and "unsupported output format" in r.stderr
    assert not (tmp_path / "x.txt").exists()


def test_help_teaches_columns_and_examples():
    r = run("area", "--help")
    assert r.returncode == 0
    for text in ("group,area_m2,sum_m2,overlap_m2", "--within", "--dissolve-by", "Examples:", "--densify"):
        assert text in r.stdout


def test_real_provinces_union_and_share_of_the_nation(tmp_path):
    atlas = TESTDATA / "cn_atlas" / "cn-atlas-provinces.json"  # cn_atlas nation and provinces, unchanged
    out = tmp_path / "prov.json"
    r = run("area", "--layer", f"{atlas}:provinces", "--layer-crs", "EPSG:4326", "--make-valid", "--dissolve",
            "--within", f"{atlas}:nation", "--output", out)
    assert r.returncode == 0, r.stderr
    j = json.loads(out.read_text())
    row = j["rows"][0]
    nation_km2 = j["summary"]["boundary_area_m2"] / 1e6
    # testdata/cn_atlas/PROVENANCE.md: 9,507,711 km2 with geodesic edges; edges straight in lon/lat differ
    # by ~3e-6. Independently: GeographicLib (pyproj.Geod) on the nation repaired by GEOS (OGR MakeValid).
    assert abs(nation_km2 / 9507711 - 1) < 1e-5
    from pyproj import Geod
    from shapely import wkb
    ds = ogr.Open(str(atlas))
    feature = ds.GetLayerByName("nation").GetNextFeature()
    nation = wkb.loads(bytes(feature.GetGeometryRef().MakeValid().ExportToWkb()))
    geodesic_km2 = abs(Geod(ellps="GRS80").geometry_area_perimeter(nation)[0]) / 1e6
    assert abs(nation_km2 / geodesic_km2 - 1) < 1e-5
    assert 0.9999 < row["share"] <= 1.0
    assert 0 <= row["overlap_m2"] < 1e5  # the provinces tile the nation: overlaps are slivers


def test_dissolve_of_disjoint_features_has_exactly_zero_overlap(tmp_path):
    """Disjoint parts (multipolygon features included) are not re-noded: the union is the parts,
    and its area equals their sum to the last bit."""
    wkts, rects = [], []
    for i in range(40):
        x, y = 100 + 0.3 * (i % 8), 25 + 0.3 * (i // 8)
        r1, r2 = (x, y, x + 0.1, y + 0.1), (x + 0.15, y, x + 0.2, y + 0.05)
        rects += [r1, r2]
        wkts.append(f"MULTIPOLYGON((({r1[0]} {r1[1]},{r1[2]} {r1[1]},{r1[2]} {r1[3]},{r1[0]} {r1[3]},{r1[0]} {r1[1]})),"
                    f"(({r2[0]} {r2[1]},{r2[2]} {r2[1]},{r2[2]} {r2[3]},{r2[0]} {r2[3]},{r2[0]} {r2[1]})))")
    path = write_layer(tmp_path / "d.gpkg", "d", wkts, crs="EPSG:4490")
    (row,) = read_csv_text(run("area", "--layer", path, "--dissolve").stdout)
    assert row["overlap_m2"] == real_text(0.0)
    assert row["area_m2"] == row["sum_m2"]
    assert rel(float(row["area_m2"]), sum(rect_area(*r) for r in rects)) < REL
