"""`redline conflicts`: the contract of issue #3 (columns, pair order, id order, slivers, summary,
GeoPackage polygons), ellipsoidal overlap areas against independent computations, determinism
and every bad input."""
import json

import pytest
from osgeo import ogr

from overlay_oracle import rect_area, rect_intersection_area
from redline_testkit import ALBERS, box_wkt, no_temp_files, read_csv, read_csv_text, run, write_layer

REL = 1e-9
Y0 = 3000000  # CGCS2000 Albers northing near 27N


def sq(x, y, size=1000):
    return box_wkt(x, Y0 + y, x + size, Y0 + y + size)


def test_identical_squares_conflict_by_one_square_kilometre(tmp_path):
    p = write_layer(tmp_path / "p.gpkg", "redline", [sq(0, 0)], crs=ALBERS)
    write_layer(p, "cropland", [sq(0, 0)], crs=ALBERS, append=True)
    r = run("conflicts", "--layer", f"{p}:redline", "--layer", f"{p}:cropland")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == "layer_a,id_a,layer_b,id_b,area_m2"
    (row,) = read_csv_text(r.stdout)
    assert (row["layer_a"], row["id_a"], row["layer_b"], row["id_b"]) == ("redline", "1", "cropland", "1")
    assert abs(float(row["area_m2"]) - 1e6) < 1e-6
    assert "redline x cropland: 1 conflict, 1000000.00 m2; 0 slivers" in r.stderr


def test_touching_squares_are_not_conflicts(tmp_path):
    p = write_layer(tmp_path / "p.gpkg", "redline", [sq(0, 0)], crs=ALBERS)
    write_layer(p, "cropland", [sq(1000, 0), sq(1000, 1000), sq(0, 1000)], crs=ALBERS, append=True)
    out = tmp_path / "c.json"
    r = run("conflicts", "--layer", f"{p}:redline", "--layer", f"{p}:cropland", "--output", out)
    assert r.returncode == 0, r.stderr
    j = json.loads(out.read_text())
    assert j["rows"] == []
    assert j["summary"] == [{"layer_a": "redline", "layer_b": "cropland", "conflicts": 0, "area_m2": 0.0,
                             "slivers": 0, "sliver_area_m2": 0.0, "min_area_m2": 1.0, "pass": True}]


def test_slivers_are_counted_not_listed(tmp_path):
    p = write_layer(tmp_path / "p.gpkg", "a", [sq(0, 0)], crs=ALBERS)
    # Overlaps: 0.5 m x 1000 m = 500 m2 (listed) and 0.5 m x 1 m = 0.5 m2 (a sliver).
    write_layer(p, "b", [box_wkt(999.5, Y0, 1500, Y0 + 1000), box_wkt(-10, Y0 + 999.5, 1, Y0 + 1001)], crs=ALBERS,
                append=True)
    out = tmp_path / "c.json"
    r = run("conflicts", "--layer", f"{p}:a", "--layer", f"{p}:b", "--output", out)
    assert r.returncode == 0, r.stderr
    j = json.loads(out.read_text())
    assert [(x["id_a"], x["id_b"]) for x in j["rows"]] == [("1", "1")]
    assert abs(j["rows"][0]["area_m2"] - 500) < 1e-6
    s = j["summary"][0]
    assert s["conflicts"] == 1 and s["slivers"] == 1 and abs(s["sliver_area_m2"] - 0.5) < 1e-9
    assert s["pass"] is False
    assert "1 sliver (0.500000 m2) below 1 m2" in r.stderr
    r = run("conflicts", "--layer", f"{p}:a", "--layer", f"{p}:b", "--min-area", 0.1)
    assert len(read_csv_text(r.stdout)) == 2
    r = run("conflicts", "--layer", f"{p}:a", "--layer", f"{p}:b", "--min-area", 1000)
    assert read_csv_text(r.stdout) == []


def test_lonlat_overlaps_are_ellipsoidal(tmp_path):
    ecr = {"10": (105.0, 30.0, 105.2, 30.2), "9": (105.5, 30.0, 105.7, 30.2)}
    pbf = {"1": (105.1, 30.1, 105.3, 30.3), "2": (105.6, 29.9, 105.65, 30.05), "3": (105.15, 29.95, 105.6, 30.01)}
    p = write_layer(tmp_path / "ll.gpkg", "ecr", [box_wkt(*r) for r in ecr.values()], crs="EPSG:4490",
                    fields={"code": list(ecr)})
    write_layer(p, "pbf", [box_wkt(*r) for r in pbf.values()], crs="EPSG:4490", fields={"code": list(pbf)},
                append=True)
    r = run("conflicts", "--layer", f"{p}:ecr", "--layer", f"{p}:pbf", "--id", "code")
    assert r.returncode == 0, r.stderr
    rows = read_csv_text(r.stdout)
    expected = sorted(((int(a), int(b)), rect_intersection_area(ra, rb)) for a, ra in ecr.items()
                      for b, rb in pbf.items() if rect_intersection_area(ra, rb) > 0)
    # Rows sorted by id_a then id_b as integers: 9 before 10.
    assert [(int(x["id_a"]), int(x["id_b"])) for x in rows] == [k for k, _ in expected]
    for x, (_, area) in zip(rows, expected):
        assert abs(float(x["area_m2"]) / area - 1) < REL


def test_three_layers_pair_order_self_and_ids(tmp_path):
    p = write_layer(tmp_path / "p.gpkg", "ecr", [sq(0, 0), sq(500, 0)], crs=ALBERS, fields={"k": ["e1", "e2"]})
    write_layer(p, "pbf", [sq(0, 500)], crs=ALBERS, fields={"code": ["p1"]}, append=True)
    write_layer(p, "udb", [sq(200, 200)], crs=ALBERS, fields={"code": ["u1"]}, append=True)
    layers = ["--layer", f"{p}:ecr", "--layer", f"{p}:pbf", "--layer", f"{p}:udb"]
    r = run("conflicts", *layers, "--id", "k", "--id", "code", "--id", "code")
    assert r.returncode == 0, r.stderr
    got = [(x["layer_a"], x["id_a"], x["layer_b"], x["id_b"], float(x["area_m2"])) for x in read_csv_text(r.stdout)]
    assert [g[:4] for g in got] == [("ecr", "e1", "pbf", "p1"), ("ecr", "e2", "pbf", "p1"),
                                    ("ecr", "e1", "udb", "u1"), ("ecr", "e2", "udb", "u1"),
                                    ("pbf", "p1", "udb", "u1")]
    areas = [g[4] for g in got]
    for a, e in zip(areas, [1000 * 500, 500 * 500, 800 * 800, 700 * 800, 800 * 700]):
        assert abs(a - e) < 1e-6
    r = run("conflicts", *layers, "--id", "k", "--id", "code", "--id", "code", "--self")
    got = [(x["layer_a"], x["id_a"], x["layer_b"], x["id_b"]) for x in read_csv_text(r.stdout)]
    assert got[0] == ("ecr", "e1", "ecr", "e2")
    assert got[1:] == [("ecr", "e1", "pbf", "p1"), ("ecr", "e2", "pbf", "p1"), ("ecr", "e1", "udb", "u1"),
                       ("ecr", "e2", "udb", "u1"), ("pbf", "p1", "udb", "u1")]
    assert "ecr (inside the layer): 1 conflict" in r.stderr
    assert "pbf (inside the layer): 0 conflicts" in r.stderr
    # One layer is enough with --self.
    r = run("conflicts", "--layer", f"{p}:ecr", "--self")
    assert [(x["id_a"], x["id_b"]) for x in read_csv_text(r.stdout)] == [("1", "2")]


def test_geopackage_output_carries_the_overlap_polygons(tmp_path):
    p = write_layer(tmp_path / "p.gpkg", "a", [sq(0, 0)], crs=ALBERS)
    write_layer(p, "b", [sq(250, 500)], crs=ALBERS, append=True)
    out = tmp_path / "c.gpkg"
    r = run("conflicts", "--layer", f"{p}:a", "--layer", f"{p}:b", "--output", out)
    assert r.returncode == 0, r.stderr
    ds = ogr.Open(str(out))
    lyr = ds.GetLayer(0)
    assert lyr.GetName() == "conflicts"
    f = lyr.GetNextFeature()
    g = f.GetGeometryRef()
    assert abs(g.GetArea() - 750 * 500) < 1e-6
    assert abs(f.GetField("area_m2") - 750 * 500) < 1e-6
    env = g.GetEnvelope()
    assert env == pytest.approx((250, 1000, Y0 + 500, Y0 + 1000))
    assert "Albers" in lyr.GetSpatialRef().ExportToWkt() or "aea" in lyr.GetSpatialRef().ExportToProj4()
    assert json.loads(lyr.GetMetadataItem("REDLINE_summary"))[0]["conflicts"] == 1


def test_reproject_and_crs_mismatch(tmp_path):
    a = write_layer(tmp_path / "a.gpkg", "ecr", [box_wkt(105, 30, 105.2, 30.2)], crs="EPSG:4490")
    b = write_layer(tmp_path / "b.gpkg", "pbf", [box_wkt(105.1, 30.1, 105.3, 30.3)], crs="EPSG:4523")
    out = tmp_path / "c.csv"
    r = run("conflicts", "--layer", f"{a}:ecr", "--layer", f"{b}:pbf", "--output", out)
    assert r.returncode == 2
    assert "CRS mismatch" in r.stderr and f"'ecr' in '{a}' is EPSG:4490" in r.stderr and "'pbf'" in r.stderr
    assert "EPSG:4523" in r.stderr and "--reproject" in r.stderr
    assert not out.exists()
    # The pbf square written in EPSG:4523 axis order is far away; write it properly in GK.
    from osgeo import osr
    s4490, s4523 = osr.SpatialReference(), osr.SpatialReference()
    s4490.ImportFromEPSG(4490)
    s4523.ImportFromEPSG(4523)
    for s in (s4490, s4523):
        s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    g = ogr.CreateGeometryFromWkt(box_wkt(105.1, 30.1, 105.3, 30.3))
    g.Segmentize(0.001)
    g.Transform(osr.CoordinateTransformation(s4490, s4523))
    b = write_layer(tmp_path / "b.gpkg", "pbf", [g.ExportToWkt()], crs="EPSG:4523")
    r = run("conflicts", "--layer", f"{a}:ecr", "--layer", f"{b}:pbf", "--reproject", "--output", out)
    assert r.returncode == 0, r.stderr
    assert "transformed from EPSG:4523 to EPSG:4490" in r.stderr
    (row,) = read_csv(out)
    assert abs(float(row["area_m2"]) / rect_area(105.1, 30.1, 105.2, 30.2) - 1) < 1e-6


def test_determinism_across_threads(tmp_path):
    ecr, pbf = [], []
    for i in range(25):
        for j in range(12):
            ecr.append(sq(i * 700, j * 900, 800))
    for i in range(40):
        for j in range(10):
            pbf.append(box_wkt(i * 430 + 13, Y0 + j * 1100 + 7, i * 430 + 613, Y0 + j * 1100 + 507))
    p = write_layer(tmp_path / "p.gpkg", "ecr", ecr, crs=ALBERS)
    write_layer(p, "pbf", pbf, crs=ALBERS, append=True)
    outs = {}
    for t in (1, 8):
        for ext in ("csv", "json"):
            o = tmp_path / f"c{t}.{ext}"
            r = run("conflicts", "--layer", f"{p}:ecr", "--layer", f"{p}:pbf", "--self", "--threads", t,
                    "--output", o)
            assert r.returncode == 0, r.stderr
            outs[(t, ext)] = o.read_bytes()
    assert outs[(1, "csv")] == outs[(8, "csv")]
    assert outs[(1, "json")] == outs[(8, "json")]
    rows = read_csv(tmp_path / "c1.csv")
    assert len(rows) > 300
    assert no_temp_files(tmp_path)


# --- bad input -------------------------------------------------------------------------------

def expect_error(tmp_path, args, code, *texts):
    out = tmp_path / "out.json"
    r = run("conflicts", *args, "--output", out)
    assert r.returncode == code, (r.returncode, r.stderr)
    for t in texts:
        assert t in r.stderr, r.stderr
    assert not out.exists()
    assert no_temp_files(tmp_path)


@pytest.fixture
def plan(tmp_path):
    p = write_layer(tmp_path / "plan.gpkg", "redline", [sq(0, 0)], crs=ALBERS, fields={"code": ["r"]})
    write_layer(p, "cropland", [sq(500, 0)], crs=ALBERS, append=True)
    write_layer(p, "empty", [], crs=ALBERS, append=True)
    write_layer(p, "lines", ["LINESTRING(0 0,1 1)"], crs=ALBERS, append=True)
    write_layer(p, "bad", ["POLYGON((0 3000000,1000 3001000,1000 3000000,0 3001000,0 3000000))"], crs=ALBERS,
                append=True)
    return p


def test_bad_layers(tmp_path, plan):
    ok = ["--layer", f"{plan}:redline"]
    expect_error(tmp_path, ok, 2, "at least two layers")
    expect_error(tmp_path, ok + ["--layer", tmp_path / "missing.gpkg"], 3, "no such file")
    expect_error(tmp_path, ok + ["--layer", f"{plan}:nope"], 2, "no layer 'nope'")
    expect_error(tmp_path, ok + ["--layer", f"{plan}:empty"], 2, "no features")
    expect_error(tmp_path, ok + ["--layer", f"{plan}:lines"], 2, "must hold polygons")
    expect_error(tmp_path, ok + ["--layer", f"{plan}:redline"], 2, "given twice", "--self")
    garbage = tmp_path / "garbage.gpkg"
    garbage.write_bytes(b"\0garbage" * 100)
    expect_error(tmp_path, ok + ["--layer", garbage], 3, "garbage.gpkg")


def test_invalid_geometry_needs_make_valid(tmp_path, plan):
    args = ["--layer", f"{plan}:redline", "--layer", f"{plan}:bad"]
    expect_error(tmp_path, args, 2, "layer 'bad'", "invalid geometr", "Self-intersection", "--make-valid")
    r = run("conflicts", *args, "--make-valid")
    assert r.returncode == 0, r.stderr
    (row,) = read_csv_text(r.stdout)
    assert abs(float(row["area_m2"]) - 500000) < 1e-3  # the two triangles of the bow-tie


def test_id_usage_errors(tmp_path, plan):
    args = ["--layer", f"{plan}:redline", "--layer", f"{plan}:cropland"]
    expect_error(tmp_path, args + ["--id", "code", "--id", "x", "--id", "y"], 2, "--id was given 3 times for 2 layers")
    expect_error(tmp_path, args + ["--id", "code"], 2, "no field 'code'")
    r = run("conflicts", *args, "--id", "code", "--id", "")
    assert r.returncode == 0, r.stderr
    assert read_csv_text(r.stdout)[0]["id_a"] == "r"
    expect_error(tmp_path, args + ["--min-area", "-1"], 2, "--min-area")
    r = run("conflicts", *args, "--output", tmp_path / "c.shp")
    assert r.returncode == 2 and "unsupported output format" in r.stderr


def test_help_teaches_the_contract():
    r = run("conflicts", "--help")
    assert r.returncode == 0
    for text in ("layer_a,id_a,layer_b,id_b,area_m2", "--min-area", "--self", "slivers", "Examples:"):
        assert text in r.stdout
