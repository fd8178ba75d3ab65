"""Shapefiles in GBK and other legacy encodings (issue #15): --encoding on every command that reads
vector data, detection of GB18030 in a .dbf that declares no encoding, a .cpg or language driver
byte that always wins, and never garbled text (exit 2 naming the file, the field and --encoding).

The shapefiles are written here by GDAL in CP936 (GBK) and then given each way a real file declares
(or does not declare) its encoding: no .cpg and language driver byte (LDID, byte 29 of the .dbf) 0;
no .cpg and LDID 0x4D (CP936); a .cpg holding "GBK". The Chinese names below are written in GBK by
GDAL, so the expected values are the test's own Python strings, not the program's output."""
import json
import pathlib

import numpy as np
import pytest
from osgeo import ogr

from overlay_oracle import rect_area
from redline_testkit import (box_wkt, no_temp_files, read_csv, read_csv_text, run, write_gbk_shapefile, write_layer,
                             write_raster)

NAMES = ["生态红线", "一般生态空间"]
ZONES = ["甲区", "甲区"]
RECTS = [(105.0, 30.0, 105.1, 30.1), (105.2, 30.0, 105.3, 30.1)]


def gbk_shapefile(path, variant, wkts=None, fields=None, geom_type=ogr.wkbPolygon):
    """The two lon/lat rectangles with Chinese names and zones, in GBK (see write_gbk_shapefile)."""
    return write_gbk_shapefile(path, variant, wkts or [box_wkt(*r) for r in RECTS],
                               fields or {"名称": NAMES, "分区": ZONES, "code": [1, 2]}, geom_type=geom_type)


def patch_dbf(path, old, new):
    """Replaces bytes in a shapefile's .dbf (same length), to plant bytes no writer would emit."""
    dbf = pathlib.Path(path).with_suffix(".dbf")
    data = dbf.read_bytes()
    assert len(old) == len(new) and data.count(old) == 1
    dbf.write_bytes(data.replace(old, new))


def warnings_of(stderr):
    return [line for line in stderr.splitlines() if line.startswith("warning:")]


def detection_warnings(stderr):
    return [w for w in warnings_of(stderr) if "decoded as GB18030" in w]


@pytest.mark.parametrize("variant", ["ldid0", "ldid4d", "cpg"])
def test_area_id_and_dissolve_by_read_gbk_names(tmp_path, variant):
    shp = gbk_shapefile(tmp_path / "redline.shp", variant)
    r = run("area", "--layer", shp, "--id", "名称")
    assert r.returncode == 0, r.stderr
    rows = read_csv_text(r.stdout)
    assert [x["id"] for x in rows] == NAMES
    for row, rect in zip(rows, RECTS):
        assert abs(float(row["area_m2"]) / rect_area(*rect) - 1) < 1e-9
    # Only the undeclared file is detected, and it says so once, naming the .dbf and GB18030.
    det = detection_warnings(r.stderr)
    if variant == "ldid0":
        assert len(det) == 1, r.stderr
        assert "redline.dbf" in det[0] and "no .cpg file, language driver byte 0" in det[0]
        assert "--encoding" in det[0]
    else:
        assert det == [], r.stderr
    r = run("area", "--layer", shp, "--dissolve-by", "分区")
    assert r.returncode == 0, r.stderr
    rows = read_csv_text(r.stdout)
    assert [x["group"] for x in rows] == ["甲区"]
    assert abs(float(rows[0]["area_m2"]) / (rect_area(*RECTS[0]) + rect_area(*RECTS[1])) - 1) < 1e-9


def test_explicit_encoding_decodes_without_a_warning(tmp_path):
    shp = gbk_shapefile(tmp_path / "redline.shp", "ldid0")
    for enc in ("CP936", "GBK", "GB18030"):
        r = run("area", "--layer", shp, "--id", "名称", "--encoding", enc)
        assert r.returncode == 0, r.stderr
        assert [x["id"] for x in read_csv_text(r.stdout)] == NAMES
        assert detection_warnings(r.stderr) == []


def test_outputs_hold_utf8(tmp_path):
    """CSV, JSON and GeoPackage outputs of area --id and zonal --id hold the names in UTF-8."""
    shp = gbk_shapefile(tmp_path / "redline.shp", "ldid0")
    for ext in ("csv", "json", "gpkg"):
        out = tmp_path / f"area.{ext}"
        r = run("area", "--layer", shp, "--id", "名称", "--output", out)
        assert r.returncode == 0, r.stderr
        if ext == "csv":
            assert [x["id"] for x in read_csv(out)] == NAMES
            assert "生态红线".encode("utf-8") in out.read_bytes()
        elif ext == "json":
            text = out.read_bytes().decode("utf-8")  # strict: fails on any non-UTF-8 byte
            assert [x["id"] for x in json.loads(text)["rows"]] == NAMES
        else:
            ds = ogr.Open(str(out))
            lyr = ds.GetLayer(0)
            assert [f.GetField("id") for f in lyr] == NAMES
    # zonal --id over a lon/lat raster of 0.05-degree cells (class 1 west of 105.15, 2 east).
    arr = np.ones((4, 8), dtype=np.uint8)
    arr[:, 3:] = 2
    tif = write_raster(tmp_path / "lc.tif", arr, (105.0, 0.05, 0, 30.1, 0, -0.05), "EPSG:4490", nodata=0)
    for ext in ("csv", "json", "gpkg"):
        out = tmp_path / f"zonal.{ext}"
        r = run("zonal", "--raster", tif, "--zones", shp, "--id", "名称", "--output", out)
        assert r.returncode == 0, r.stderr
        assert len(detection_warnings(r.stderr)) == 1
        if ext == "csv":
            rows = read_csv(out)
            zones = [x["zone"] for x in rows]
            # Zone 1 (105.0-105.1) lies on class 1, zone 2 (105.2-105.3) on class 2.
            assert [(x["zone"], x["class"]) for x in rows] == [(NAMES[0], "1"), (NAMES[1], "2")]
            assert abs(float(rows[0]["area_m2"]) / rect_area(*RECTS[0]) - 1) < 1e-9
        elif ext == "json":
            zones = [x["zone"] for x in json.loads(out.read_bytes().decode("utf-8"))["rows"]]
        else:
            ds = ogr.Open(str(out))  # kept alive while its layer is read
            zones = [f.GetField("zone") for f in ds.GetLayer(0)]
        assert zones == NAMES


def test_zonal_dissolve_by_and_change_read_gbk(tmp_path):
    shp = gbk_shapefile(tmp_path / "redline.shp", "ldid4d")
    arr = np.ones((4, 8), dtype=np.uint8)
    t0 = write_raster(tmp_path / "t0.tif", arr, (105.0, 0.05, 0, 30.1, 0, -0.05), "EPSG:4490", nodata=0)
    r = run("zonal", "--raster", t0, "--zones", shp, "--dissolve-by", "分区")
    assert r.returncode == 0, r.stderr
    assert {x["zone"] for x in read_csv_text(r.stdout)} == {"甲区"}
    arr1 = arr.copy()
    arr1[0, 0] = 8  # class 1 (cropland) -> 8 (impervious) in zone 1's first cell
    t1 = write_raster(tmp_path / "t1.tif", arr1, (105.0, 0.05, 0, 30.1, 0, -0.05), "EPSG:4490", nodata=0)
    m = tmp_path / "m.csv"
    r = run("change", "--t0", t0, "--t1", t1, "--zones", shp, "--id", "名称", "--preset", "cropland",
            "--matrix", m, "--patches", tmp_path / "p.csv", "--permitted", shp)
    assert r.returncode == 0, r.stderr
    rows = read_csv(m)
    assert {x["zone"] for x in rows} == set(NAMES)
    assert [(x["zone"], x["from"], x["to"]) for x in rows if x["from"] != x["to"]] == [(NAMES[0], "1", "8")]


def test_conflicts_and_validate_read_gbk(tmp_path):
    a = gbk_shapefile(tmp_path / "redline.shp", "ldid0")
    b = gbk_shapefile(tmp_path / "cropland.shp", "cpg", wkts=[box_wkt(105.05, 30.0, 105.25, 30.1)],
                      fields={"名称": ["基本农田"]})
    r = run("conflicts", "--layer", a, "--layer", b, "--id", "名称")
    assert r.returncode == 0, r.stderr
    rows = read_csv_text(r.stdout)
    got = {(x["layer_a"], x["id_a"], x["layer_b"], x["id_b"]): float(x["area_m2"]) for x in rows}
    assert set(got) == {("redline", n, "cropland", "基本农田") for n in NAMES}
    assert abs(got[("redline", NAMES[0], "cropland", "基本农田")] / rect_area(105.05, 30.0, 105.1, 30.1) - 1) < 1e-9
    assert abs(got[("redline", NAMES[1], "cropland", "基本农田")] / rect_area(105.2, 30.0, 105.25, 30.1) - 1) < 1e-9
    assert len(detection_warnings(r.stderr)) == 1  # redline.dbf only; cropland has its .cpg
    # validate: a clean layer, the detection said once; duplicate Chinese ids are named in UTF-8.
    r = run("validate", "--layer", a, "--id", "名称")
    assert r.returncode == 0, r.stderr
    assert len(detection_warnings(r.stderr)) == 1
    dup = gbk_shapefile(tmp_path / "dup.shp", "ldid0", fields={"名称": ["同名", "同名"]})
    out = tmp_path / "v.csv"
    r = run("validate", "--layer", dup, "--id", "名称", "--output", out)
    assert r.returncode == 5, r.stderr
    rows = [x for x in read_csv(out) if x["problem"] == "duplicate_id"]
    assert [x["id"] for x in rows] == ["同名"] and "'同名'" in rows[0]["detail"]


def test_shoreline_classes_from_gbk_values(tmp_path):
    """Natural / artificial values given in UTF-8 on the command line match the decoded GBK values;
    the lines lie on the equator so their lengths are exact: 0.3 and 0.7 degrees of the GRS80
    equator (a = 6378137 m; the output is in mm)."""
    import math
    lines = gbk_shapefile(tmp_path / "coast.shp", "ldid0",
                          wkts=["LINESTRING(105 0,105.3 0)", "LINESTRING(105.3 0,106 0)"],
                          fields={"类型": ["基岩岸线", "人工岸线"]}, geom_type=ogr.wkbLineString)
    r = run("shoreline", "--lines", lines, "--class-field", "类型", "--natural", "基岩岸线")
    assert r.returncode == 0, r.stderr
    row = read_csv_text(r.stdout)[0]
    deg = 6378137.0 * math.pi / 180
    assert abs(float(row["natural_m"]) - 0.3 * deg) < 1e-3
    assert abs(float(row["artificial_m"]) - 0.7 * deg) < 1e-3
    assert len(detection_warnings(r.stderr)) == 1


def test_forced_wrong_encoding_is_an_error_naming_file_field_and_option(tmp_path):
    shp = gbk_shapefile(tmp_path / "redline.shp", "cpg")
    out = tmp_path / "a.csv"
    r = run("area", "--layer", shp, "--id", "名称", "--encoding", "UTF-8", "--output", out)
    assert r.returncode == 2, r.stderr
    err = r.stderr
    assert "'redline.shp'" in err or "redline.shp'" in err
    assert "the name of field 1" in err and "\\xc3\\xfb\\xb3\\xc6" in err  # 名称 in GBK
    assert "not valid UTF-8" in err and "given by --encoding" in err and "--encoding CP936" in err
    assert not out.exists() and no_temp_files(tmp_path)
    # The same for every command family.
    tif = write_raster(tmp_path / "lc.tif", np.ones((4, 8), dtype=np.uint8), (105.0, 0.05, 0, 30.1, 0, -0.05),
                       "EPSG:4490", nodata=0)
    for args in (["zonal", "--raster", tif, "--zones", shp], ["validate", "--layer", shp],
                 ["conflicts", "--layer", shp, "--self"],
                 ["change", "--t0", tif, "--t1", tif, "--zones", shp, "--matrix", tmp_path / "m.csv"]):
        r = run(*args, "--encoding", "UTF-8")
        assert r.returncode == 2, (args, r.stderr)
        assert "redline.shp" in r.stderr and "the name of field 1" in r.stderr and "--encoding" in r.stderr
    assert not (tmp_path / "m.csv").exists()


def test_bytes_valid_in_no_encoding_are_an_error(tmp_path):
    """Field names in ASCII, one value neither UTF-8 nor GB18030 (0xFF is in neither): nothing is
    detected, and reading that field fails naming it and the feature; other fields still read."""
    shp = gbk_shapefile(tmp_path / "z.shp", "ldid0", fields={"name": ["ok", "XXXX"], "code": ["a", "b"]})
    patch_dbf(shp, b"XXXX", b"\xff\xfeAB")
    out = tmp_path / "a.json"
    r = run("area", "--layer", shp, "--id", "name", "--output", out)
    assert r.returncode == 2, r.stderr
    assert "the value of field 'name' in feature 1" in r.stderr
    assert "\\xff\\xfeAB" in r.stderr and "z.shp" in r.stderr
    assert "neither UTF-8 nor GB18030" in r.stderr and "--encoding" in r.stderr
    assert not out.exists() and no_temp_files(tmp_path)
    r = run("area", "--layer", shp, "--id", "code")
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_csv_text(r.stdout)] == ["a", "b"]
    # A forced encoding that cannot decode it is refused too (GDAL would drop the bytes).
    r = run("area", "--layer", shp, "--id", "name", "--encoding", "GB18030")
    assert r.returncode == 2 and "not valid GB18030" in r.stderr and "given by --encoding" in r.stderr


def test_declared_encoding_is_checked_strictly(tmp_path):
    """A .cpg says GBK but a value holds 0xAA 0xA1, which GB18030 maps (to U+E000) and GBK does
    not: GDAL would skip the bytes; the error names the .cpg, and --encoding GB18030 reads it."""
    shp = gbk_shapefile(tmp_path / "z.shp", "cpg", fields={"name": ["ok", "XX"]})
    patch_dbf(shp, b"XX", b"\xaa\xa1")
    r = run("area", "--layer", shp, "--id", "name")
    assert r.returncode == 2, r.stderr
    assert "the value of field 'name' in feature 1" in r.stderr
    assert "not valid GBK (decoded as GBK, as its .cpg file says ('GBK'))" in r.stderr
    r = run("area", "--layer", shp, "--id", "name", "--encoding", "GB18030")
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_csv_text(r.stdout)] == ["ok", "\ue000"]
    # Undeclared, the same bytes are valid GB18030 and detected as such.
    pathlib.Path(shp).with_suffix(".cpg").unlink()
    r = run("area", "--layer", shp, "--id", "name")
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_csv_text(r.stdout)] == ["ok", "\ue000"]
    assert len(detection_warnings(r.stderr)) == 1


def test_declaration_wins_over_detection(tmp_path):
    """A .cpg (or LDID) that names another encoding is obeyed, even when the bytes look like GBK:
    a .cpg of UTF-8 on GBK bytes is an error, not a silent re-detection."""
    shp = gbk_shapefile(tmp_path / "z.shp", "cpg")
    pathlib.Path(shp).with_suffix(".cpg").write_text("UTF-8")
    r = run("area", "--layer", shp, "--id", "code")
    assert r.returncode == 2, r.stderr
    assert "taken as UTF-8, as its .cpg file says ('UTF-8')" in r.stderr
    assert detection_warnings(r.stderr) == []
    r = run("area", "--layer", shp, "--id", "名称", "--encoding", "CP936")  # --encoding overrides it
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_csv_text(r.stdout)] == NAMES


def test_utf8_and_ascii_shapefiles_are_not_touched(tmp_path):
    """A UTF-8 .dbf without .cpg (LDID 0) is not taken for GB18030, though its bytes pair up as
    GB18030 too; plain ASCII gives no warning either."""
    path = tmp_path / "u.shp"
    write_layer(path, "u", [box_wkt(*r) for r in RECTS], "EPSG:4490", {"名称": NAMES}, layer_options=["ENCODING=UTF-8"])
    path.with_suffix(".cpg").unlink()
    r = run("area", "--layer", path, "--id", "名称")
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_csv_text(r.stdout)] == NAMES
    assert warnings_of(r.stderr) == []
    a = tmp_path / "a.shp"
    write_layer(a, "a", [box_wkt(*RECTS[0])], "EPSG:4490", {"name": ["plain"]})
    a.with_suffix(".cpg").unlink(missing_ok=True)
    r = run("area", "--layer", a, "--id", "name")
    assert r.returncode == 0 and warnings_of(r.stderr) == [], r.stderr


def test_unknown_encoding_name_and_other_formats(tmp_path):
    shp = gbk_shapefile(tmp_path / "z.shp", "ldid0")
    r = run("area", "--layer", shp, "--encoding", "NO-SUCH-CODEPAGE")
    assert r.returncode == 2
    assert "--encoding 'NO-SUCH-CODEPAGE' is not an encoding this system can decode" in r.stderr
    # A GeoPackage stores UTF-8: --encoding does not apply to it.
    gpkg = write_layer(tmp_path / "p.gpkg", "p", [box_wkt(*RECTS[0])], "EPSG:4490", {"名称": ["红线"]})
    r = run("area", "--layer", gpkg, "--id", "名称", "--encoding", "CP936")
    assert r.returncode == 0, r.stderr
    assert [x["id"] for x in read_csv_text(r.stdout)] == ["红线"]


def test_help_teaches_the_option():
    for cmd in ("zonal", "change", "area", "conflicts", "validate", "shoreline"):
        r = run(cmd, "--help")
        assert r.returncode == 0
        text = " ".join(r.stdout.split())
        assert "--encoding" in text and "CP936" in text and "GB18030" in text, cmd
        assert ".cpg" in text and "language driver byte" in text, cmd
    r = run("report", "--help")
    assert "encoding" in r.stdout and "CP936" in r.stdout


REPORT = """version: 1
year: 2020
inputs:
  redline: redline.shp
  land: land.shp
  regions: regions.shp
  regions_id: 名称
indicators:
  - id: ecr_area
"""


def test_report_reads_gbk_inputs_and_takes_the_encoding_option(tmp_path):
    land = (104.9, 29.9, 105.4, 30.2)
    gbk_shapefile(tmp_path / "redline.shp", "ldid0")
    gbk_shapefile(tmp_path / "land.shp", "cpg", wkts=[box_wkt(*land)], fields={"名称": ["陆地"]})
    gbk_shapefile(tmp_path / "regions.shp", "ldid0",
                  wkts=[box_wkt(104.9, 29.9, 105.15, 30.2), box_wkt(105.15, 29.9, 105.4, 30.2)],
                  fields={"名称": ["西区", "东区"]})
    cfg = tmp_path / "r.yaml"
    cfg.write_text(REPORT, encoding="utf-8")
    out = tmp_path / "out"
    r = run("report", "--config", cfg, "--output-dir", out)
    assert r.returncode == 0, r.stderr
    assert len(detection_warnings(r.stderr)) == 2  # redline.dbf and regions.dbf
    rep = json.loads((out / "report.json").read_bytes().decode("utf-8"))
    regions = {x["region"]: x for x in rep["regions"]}
    assert set(regions) == {"西区", "东区"}
    assert regions["西区"]["ecr_area_km2"] * 1e6 == pytest.approx(rect_area(*RECTS[0]), rel=1e-9)
    assert "encoding" not in rep.get("options", {})
    # options.encoding applies to every input; a wrong one is an error naming it.
    cfg.write_text(REPORT + "options:\n  encoding: CP936\n", encoding="utf-8")
    r = run("report", "--config", cfg, "--output-dir", tmp_path / "out2")
    assert r.returncode == 0, r.stderr
    assert detection_warnings(r.stderr) == []
    cfg.write_text(REPORT + "options:\n  encoding: UTF-8\n", encoding="utf-8")
    r = run("report", "--config", cfg, "--output-dir", tmp_path / "out3")
    assert r.returncode == 2, r.stderr
    assert "given by options.encoding" in r.stderr and "options.encoding: CP936" in r.stderr
    assert not (tmp_path / "out3").exists()
