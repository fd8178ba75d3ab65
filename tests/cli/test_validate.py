"""`redline validate`: every problem kind with its location, exit codes 0 (clean) and 5
(problems), output formats, determinism, bad inputs, and the real invalid geometries of
cn_atlas and Natural Earth (clips in testdata/)."""
import json

import pytest
from osgeo import ogr

from overlay_oracle import rect_intersection_area
from redline_testkit import ALBERS, TESTDATA, box_wkt, no_temp_files, read_csv, read_csv_text, run, write_layer

HEADER = "id,fid,problem,detail,x,y,area_m2"


def test_clean_layer_exits_0(tmp_path):
    p = write_layer(tmp_path / "ok.gpkg", "ok", [box_wkt(105, 30, 105.1, 30.1), box_wkt(105.1, 30, 105.2, 30.1)],
                    crs="EPSG:4490")
    r = run("validate", "--layer", p)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == [HEADER]
    assert "2 features, no problems" in r.stderr


def test_every_problem_kind_with_location(tmp_path):
    wkts = [
        box_wkt(105.0, 30.0, 105.2, 30.2),                      # 1 a: overlaps 2
        box_wkt(105.1, 30.1, 105.3, 30.3),                      # 2 b
        "POLYGON((106 30,106.1 30.1,106.1 30,106 30.1,106 30))",  # 3 bow-tie
        None,                                                   # 4 null geometry
        "LINESTRING(107 30,107.1 30.1)",                        # 5 a line
        box_wkt(108.0, 30.0, 108.1, 30.1),                      # 6
        box_wkt(108.0, 30.0, 108.1, 30.1),                      # 7 duplicate of 6
        box_wkt(30.0, 109.0, 30.1, 109.1),                      # 8 lat/lon swapped
        box_wkt(110.0, 30.0, 110.1, 30.1),                      # 9 id 'k' used again
    ]
    codes = ["a", "b", "bow", "null", "line", "d1", "d2", "swap", "k"]
    codes[8] = "d1"
    p = write_layer(tmp_path / "bad.gpkg", "bad", wkts, crs="EPSG:4490", fields={"code": codes})
    out = tmp_path / "problems.csv"
    r = run("validate", "--layer", p, "--id", "code", "--output", out)
    assert r.returncode == 5, r.stderr
    assert out.read_text().splitlines()[0] == HEADER
    rows = read_csv(out)
    got = [(x["id"], x["fid"], x["problem"]) for x in rows]
    assert got == [("a", "1", "overlap"), ("bow", "3", "invalid_geometry"), ("null", "4", "empty_geometry"),
                   ("line", "5", "non_polygonal"), ("d2", "7", "duplicate_geometry"),
                   ("swap", "8", "outside_crs_area"), ("d1", "9", "duplicate_id")]
    by = {x["problem"]: x for x in rows}
    ov = by["overlap"]
    assert "overlaps feature 'b' (fid 2)" in ov["detail"]
    area = rect_intersection_area((105.0, 30.0, 105.2, 30.2), (105.1, 30.1, 105.3, 30.3))
    assert abs(float(ov["area_m2"]) / area - 1) < 1e-9
    assert 105.1 < float(ov["x"]) < 105.2 and 30.1 < float(ov["y"]) < 30.2
    bow = by["invalid_geometry"]
    assert bow["detail"] == "Self-intersection"
    assert abs(float(bow["x"]) - 106.05) < 1e-9 and abs(float(bow["y"]) - 30.05) < 1e-9
    assert by["empty_geometry"]["x"] == ""
    assert "Line String" in by["non_polygonal"]["detail"]
    dup = by["duplicate_geometry"]
    assert "feature 'd1' (fid 6)" in dup["detail"] and float(dup["area_m2"]) > 0
    sw = by["outside_crs_area"]
    assert "latitude 109" in sw["detail"] and "4 vertices" in sw["detail"]
    assert (float(sw["x"]), float(sw["y"])) == (30.0, 109.0)
    assert "also used by feature fid 6" in by["duplicate_id"]["detail"]
    assert "7 problems in 7 of 9 features" in r.stderr
    assert "1 invalid_geometry" in r.stderr


def test_gauss_kruger_coordinates_without_zone_prefix_are_outside_the_crs(tmp_path):
    # EPSG:4523 expects eastings with the zone prefix (35 500 000 at the CM); 500 000 is not.
    good = box_wkt(35500000, 3320000, 35501000, 3321000)
    bad = box_wkt(500000, 3320000, 501000, 3321000)
    p = write_layer(tmp_path / "gk.gpkg", "gk", [good, bad], crs="EPSG:4523")
    r = run("validate", "--layer", p)
    assert r.returncode == 5, r.stderr
    (row,) = read_csv_text(r.stdout)
    assert (row["fid"], row["problem"]) == ("2", "outside_crs_area")
    assert "EPSG:4523" in row["detail"]


def test_missing_crs_is_a_layer_problem(tmp_path):
    p = write_layer(tmp_path / "n.shp", "n", [box_wkt(105, 30, 105.1, 30.1)], crs=None)
    r = run("validate", "--layer", p)
    assert r.returncode == 5
    (row,) = read_csv_text(r.stdout)
    assert row["problem"] == "missing_crs" and row["id"] == "" and row["fid"] == ""
    assert "look like longitude/latitude" in row["detail"]
    r = run("validate", "--layer", p, "--layer-crs", "EPSG:4490")
    assert r.returncode == 5
    (row,) = read_csv_text(r.stdout)
    assert "EPSG:4490 was assumed" in row["detail"]


def test_overlaps_without_crs_are_reported_in_plane_units(tmp_path):
    p = write_layer(tmp_path / "n.shp", "n", [box_wkt(0, 0, 10, 10), box_wkt(5, 5, 15, 15)], crs=None)
    rows = read_csv_text(run("validate", "--layer", p).stdout)
    assert [x["problem"] for x in rows] == ["missing_crs", "overlap"]
    assert "by 25 square CRS units" in rows[1]["detail"] and rows[1]["area_m2"] == ""


def test_min_overlap_and_touching_features(tmp_path):
    # Albers squares: 0 and 1 touch; 2 overlaps 3 by 0.5 m2.
    y = 3000000
    wkts = [box_wkt(0, y, 1000, y + 1000), box_wkt(1000, y, 2000, y + 1000), box_wkt(5000, y, 6000, y + 1000),
            box_wkt(5999.5, y, 7000, y + 1)]
    p = write_layer(tmp_path / "t.gpkg", "t", wkts, crs=ALBERS)
    rows = read_csv_text(run("validate", "--layer", p).stdout)
    assert [(x["fid"], x["problem"]) for x in rows] == [("3", "overlap")]
    assert abs(float(rows[0]["area_m2"]) - 0.5) < 1e-9
    r = run("validate", "--layer", p, "--min-overlap", 1)
    assert r.returncode == 0 and read_csv_text(r.stdout) == []


def test_json_and_gpkg_outputs_and_determinism(tmp_path):
    wkts = [box_wkt(100 + 0.05 * i, 30 + 0.01 * (i % 5), 100.08 + 0.05 * i, 30.06 + 0.01 * (i % 5))
            for i in range(120)]
    wkts[17] = "POLYGON((101 31,101.1 31.1,101.1 31,101 31.1,101 31))"
    p = write_layer(tmp_path / "m.gpkg", "m", wkts, crs="EPSG:4490")
    outs = []
    for t in (1, 8):
        o = tmp_path / f"v{t}.json"
        assert run("validate", "--layer", p, "--threads", t, "--output", o).returncode == 5
        outs.append(o.read_bytes())
    assert outs[0] == outs[1]
    j = json.loads(outs[0])
    assert j["columns"] == HEADER.split(",")
    s = j["summary"]
    assert s["by_problem"]["invalid_geometry"] == 1 and s["by_problem"]["overlap"] == 117
    assert s["clean"] is False and s["features"] == 120
    assert j["meta"]["command"] == "validate" and "crs_wkt" not in j["meta"]
    g = tmp_path / "v.gpkg"
    assert run("validate", "--layer", p, "--output", g).returncode == 5
    ds = ogr.Open(str(g))
    lyr = ds.GetLayer(0)
    assert lyr.GetFeatureCount() == 118
    f = lyr.GetNextFeature()
    assert f.GetGeometryRef().GetGeometryName() == "POINT"
    assert no_temp_files(tmp_path)


def test_bad_inputs(tmp_path):
    r = run("validate", "--layer", tmp_path / "missing.gpkg", "--output", tmp_path / "o.csv")
    assert r.returncode == 3 and "no such file" in r.stderr
    assert not (tmp_path / "o.csv").exists()
    p = write_layer(tmp_path / "e.gpkg", "e", [], crs="EPSG:4490")
    r = run("validate", "--layer", p)
    assert r.returncode == 2 and "no features" in r.stderr
    r = run("validate", "--layer", f"{p}:zz")
    assert r.returncode == 2 and "no layer 'zz'" in r.stderr
    r = run("validate", "--layer", p, "--output", tmp_path / "o.txt")
    assert r.returncode == 2 and "unsupported output format" in r.stderr
    garbage = tmp_path / "g.gpkg"
    garbage.write_bytes(b"not a dataset" * 50)
    r = run("validate", "--layer", garbage)
    assert r.returncode == 3 and "g.gpkg" in r.stderr
    assert no_temp_files(tmp_path)


def test_help_documents_exit_5():
    r = run("validate", "--help")
    assert r.returncode == 0
    for text in (HEADER, "5 problems found", "outside_crs_area", "Examples:"):
        assert text in r.stdout


ATLAS = TESTDATA / "cn_atlas" / "cn-atlas-provinces.json"          # see its PROVENANCE.md
WORLD = TESTDATA / "natural_earth" / "countries-10m-clip.json"


def ogr_problems(path, layer):
    """Independent oracle: {fid: problem} for the features GEOS (through OGR) finds invalid or empty."""
    ds = ogr.Open(str(path))
    out = {}
    for f in ds.GetLayerByName(layer):
        g = f.GetGeometryRef()
        if g is None or g.IsEmpty():
            out[str(f.GetFID())] = "empty_geometry"
        elif not g.IsValid():
            out[str(f.GetFID())] = "invalid_geometry"
    return out


def test_real_cn_atlas_provinces_and_nation():
    r = run("validate", "--layer", f"{ATLAS}:provinces", "--id", "地名")
    assert r.returncode == 5
    rows = read_csv_text(r.stdout)
    assert rows[0]["problem"] == "missing_crs"
    invalid = [x for x in rows if x["problem"] == "invalid_geometry"]
    assert len(invalid) == 5  # PROVENANCE.md: 29 of 34 valid
    assert {x["fid"]: x["problem"] for x in invalid} == ogr_problems(ATLAS, "provinces")
    assert all(x["x"] and x["y"] for x in invalid)
    assert len(rows) == 6
    rows = read_csv_text(run("validate", "--layer", f"{ATLAS}:nation", "--layer-crs", "EPSG:4326").stdout)
    assert [x["problem"] for x in rows] == ["missing_crs", "invalid_geometry"]


def test_real_natural_earth_countries():
    r = run("validate", "--layer", f"{WORLD}:countries", "--layer-crs", "EPSG:4326")
    assert r.returncode == 5
    rows = read_csv_text(r.stdout)
    got = {x["fid"]: x["problem"] for x in rows if x["fid"]}
    assert len(got) == len([x for x in rows if x["fid"]])  # one problem per feature
    # PROVENANCE.md: 30 countries, 16 valid, 13 invalid, Vatican's quantized polygon empty.
    assert got == ogr_problems(WORLD, "countries")
    kinds = sorted(got.values())
    assert kinds.count("invalid_geometry") == 13 and kinds.count("empty_geometry") == 1
