"""Esri File Geodatabases (issue #15): a `.gdb` folder written here by GDAL's OpenFileGDB driver,
with Chinese layer and field names, addressed as PATH.gdb:LAYER by every command that reads vector
data. Areas are checked against the closed-form ellipsoidal area of lon/lat rectangles
(overlay_oracle), lengths against the GRS80 equator."""
import json
import math

import numpy as np
import pytest
from osgeo import ogr

from overlay_oracle import rect_area
from redline_testkit import box_wkt, read_csv, read_csv_text, run, write_layer, write_raster

RED = {"生态红线甲": (105.0, 30.0, 105.1, 30.1), "生态红线乙": (105.2, 30.0, 105.3, 30.1)}
CROP = {"基本农田": (105.05, 30.0, 105.25, 30.1)}
GT = (105.0, 0.05, 0, 30.1, 0, -0.05)  # 0.05-degree cells over 105.0-105.4 E, 29.9-30.1 N


def multi(rect):
    x0, y0, x1, y1 = rect
    return f"MULTIPOLYGON((({x0} {y0},{x1} {y0},{x1} {y1},{x0} {y1},{x0} {y0})))"


@pytest.fixture
def gdb(tmp_path):
    path = tmp_path / "规划.gdb"
    write_layer(path, "红线", [multi(r) for r in RED.values()], "EPSG:4490",
                {"名称": list(RED), "分区": ["甲区", "甲区"]}, geom_type=ogr.wkbMultiPolygon)
    write_layer(path, "耕地", [multi(r) for r in CROP.values()], "EPSG:4490", {"名称": list(CROP)},
                geom_type=ogr.wkbMultiPolygon, append=True)
    write_layer(path, "许可", [multi((105.0, 30.05, 105.05, 30.1))], "EPSG:4490", {"名称": ["道路"]},
                geom_type=ogr.wkbMultiPolygon, append=True)
    write_layer(path, "岸线", ["MULTILINESTRING((105 0,105.3 0))", "MULTILINESTRING((105.3 0,106 0))"], "EPSG:4490",
                {"类型": ["基岩岸线", "人工岸线"]}, geom_type=ogr.wkbMultiLineString, append=True)
    write_layer(path, "省界", [multi((104.0, -1.0, 105.5, 1.0)), multi((105.5, -1.0, 107.0, 1.0))], "EPSG:4490",
                {"名称": ["西省", "东省"]}, geom_type=ogr.wkbMultiPolygon, append=True)
    ds = ogr.Open(str(path))
    assert ds.GetDriver().GetName() == "OpenFileGDB"
    assert ds.GetLayerByName("红线").GetLayerDefn().GetFieldDefn(0).GetName() == "名称"
    ds = None
    return tmp_path, str(path)


def test_area_by_id_and_dissolve_by(gdb):
    d, g = gdb
    r = run("area", "--layer", f"{g}:红线", "--id", "名称")
    assert r.returncode == 0, r.stderr
    rows = read_csv_text(r.stdout)
    assert [x["id"] for x in rows] == list(RED)
    for x in rows:
        assert abs(float(x["area_m2"]) / rect_area(*RED[x["id"]]) - 1) < 1e-9
    r = run("area", "--layer", f"{g}:红线", "--dissolve-by", "分区", "--output", d / "a.json")
    assert r.returncode == 0, r.stderr
    rows = json.loads((d / "a.json").read_bytes().decode("utf-8"))["rows"]
    assert [x["group"] for x in rows] == ["甲区"]
    assert abs(rows[0]["area_m2"] / sum(rect_area(*x) for x in RED.values()) - 1) < 1e-9


def test_zonal_and_change(gdb):
    d, g = gdb
    t0 = np.ones((4, 8), dtype=np.uint8)        # cropland everywhere
    t1 = t0.copy()
    t1[0, 0] = 8                                 # impervious in 生态红线甲's first cell
    a = write_raster(d / "t0.tif", t0, GT, "EPSG:4490", nodata=0)
    b = write_raster(d / "t1.tif", t1, GT, "EPSG:4490", nodata=0)
    r = run("zonal", "--raster", a, "--zones", f"{g}:红线", "--id", "名称")
    assert r.returncode == 0, r.stderr
    rows = read_csv_text(r.stdout)
    assert [(x["zone"], x["class"]) for x in rows] == [(n, "1") for n in RED]
    for x in rows:
        assert abs(float(x["area_m2"]) / rect_area(*RED[x["zone"]]) - 1) < 1e-9
    r = run("change", "--t0", a, "--t1", b, "--zones", f"{g}:红线", "--id", "名称", "--preset", "cropland",
            "--mmu-pixels", "1", "--permitted", f"{g}:许可", "--matrix", d / "m.csv", "--patches", d / "p.csv")
    assert r.returncode == 0, r.stderr
    changed = [(x["zone"], x["from"], x["to"]) for x in read_csv(d / "m.csv") if x["from"] != x["to"]]
    assert changed == [("生态红线甲", "1", "8")]
    patches = read_csv(d / "p.csv")
    # The changed cell (105.0-105.05, 30.05-30.1) lies inside the permitted polygon.
    assert [(p["zone"], p["status"]) for p in patches] == [("生态红线甲", "permitted")]
    assert abs(float(patches[0]["area_m2"]) / rect_area(105.0, 30.05, 105.05, 30.1) - 1) < 1e-9


def test_conflicts_and_validate(gdb):
    d, g = gdb
    r = run("conflicts", "--layer", f"{g}:红线", "--layer", f"{g}:耕地", "--id", "名称")
    assert r.returncode == 0, r.stderr
    got = {(x["layer_a"], x["id_a"], x["layer_b"], x["id_b"]): float(x["area_m2"]) for x in read_csv_text(r.stdout)}
    assert got.keys() == {("红线", "生态红线甲", "耕地", "基本农田"), ("红线", "生态红线乙", "耕地", "基本农田")}
    assert abs(got[("红线", "生态红线甲", "耕地", "基本农田")] / rect_area(105.05, 30.0, 105.1, 30.1) - 1) < 1e-9
    assert abs(got[("红线", "生态红线乙", "耕地", "基本农田")] / rect_area(105.2, 30.0, 105.25, 30.1) - 1) < 1e-9
    r = run("validate", "--layer", f"{g}:红线", "--id", "名称")
    assert r.returncode == 0, r.stderr
    assert "layer '红线': 2 features, no problems" in r.stderr
    # A missing layer lists the Chinese layer names.
    r = run("area", "--layer", f"{g}:林地")
    assert r.returncode == 2 and "has no layer '林地'" in r.stderr and "红线" in r.stderr


def test_shoreline_by_regions(gdb):
    d, g = gdb
    r = run("shoreline", "--lines", f"{g}:岸线", "--class-field", "类型", "--natural", "基岩岸线",
            "--by", f"{g}:省界", "--by-id", "名称")
    assert r.returncode == 0, r.stderr
    rows = {x["region"]: x for x in read_csv_text(r.stdout)}
    deg = 6378137.0 * math.pi / 180  # one degree of the GRS80 equator
    assert abs(float(rows["all"]["natural_m"]) - 0.3 * deg) < 1e-3
    assert abs(float(rows["all"]["artificial_m"]) - 0.7 * deg) < 1e-3
    # Regions take whole 100 m pieces of the line (--piece-m), so the split at 105.5 E is exact to a
    # piece: 西省 holds 105.3-105.5, 东省 105.5-106.
    assert abs(float(rows["西省"]["artificial_m"]) - 0.2 * deg) < 100
    assert abs(float(rows["东省"]["artificial_m"]) - 0.5 * deg) < 100
    assert abs(float(rows["西省"]["natural_m"]) - 0.3 * deg) < 1e-3
    assert abs(float(rows["西省"]["artificial_m"]) + float(rows["东省"]["artificial_m"]) - 0.7 * deg) < 2e-3


def test_report_inputs_from_a_gdb(gdb, tmp_path):
    d, g = gdb
    cfg = d / "r.yaml"
    cfg.write_text("version: 1\nyear: 2020\ninputs:\n  redline: 规划.gdb:红线\n  cropland: 规划.gdb:耕地\n"
                   "indicators:\n  - id: ecr_area\n  - id: cropland_area\n", encoding="utf-8")
    out = d / "out"
    r = run("report", "--config", cfg, "--output-dir", out)
    assert r.returncode == 0, r.stderr
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    ind = {i["id"]: i for i in rep["indicators"]}
    assert ind["ecr_area"]["value"] * 1e6 == pytest.approx(sum(rect_area(*x) for x in RED.values()), rel=1e-9)
    assert ind["cropland_area"]["value"] * 1e6 == pytest.approx(rect_area(*CROP["基本农田"]), rel=1e-9)
