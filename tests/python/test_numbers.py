"""Numbers that round-trip (issue #15, item 8): every real in the CSV and JSON outputs of zonal,
change, area, conflicts, shoreline and validate parses back to the double the engine computed --
the GeoPackage output of the same run (SQLite keeps the IEEE double) and the Python API's DataFrame
(the engine's own double) -- and is written as the shortest text that does so (Python's repr, an
implementation independent of the engine's fmt). CSV and JSON hold the same text.

The fixtures are slivers: cells and areas of 1e-5 and below, which the former fixed 6 decimals
wrote with one or two significant digits (the `cells` of a sliver off by up to 4 %)."""
import json
import math
import struct

import numpy as np
import pytest
from osgeo import ogr

import redline
from redline_testkit import box_wkt, read_csv, real, real_text, run, write_layer, write_raster

CRS = "EPSG:4490"
X0, Y0, D = 110.0, 30.0, 1e-4  # a 30 x 30 geographic grid of 1e-4 degree (about 10 m) cells
GT = (X0, D, 0, Y0, 0, -D)
A = 6378137.0


class Text(str):
    """A JSON number as written (json.load's parse_float / parse_int hooks)."""


class IntText(str):
    pass


def load_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f, parse_float=Text, parse_int=IntText)


def floats_in(node):
    if isinstance(node, Text):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from floats_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from floats_in(v)


def same_double(a, b):
    return struct.pack("<d", a) == struct.pack("<d", b) or a == b == 0.0


def gpkg_rows(path):
    ds = ogr.Open(str(path))
    lyr = ds.GetLayer(0)
    defn = lyr.GetLayerDefn()
    names = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
    rows = []
    for f in sorted(lyr, key=lambda f: f.GetFID()):
        rows.append({n: (None if not f.IsFieldSetAndNotNull(n) else f.GetFieldAsDouble(n)
                         if defn.GetFieldDefn(i).GetType() == ogr.OFTReal else f.GetField(n))
                     for i, n in enumerate(names)})
    return rows


def check_outputs(csv_path, json_path, reals, gpkg_path=None, frame=None):
    """Checks the reals of one table written as CSV and JSON (when the command writes it; and
    GeoPackage / DataFrame) by one run; returns [(text, value)] of every non-empty real cell."""
    rows = read_csv(csv_path)
    assert rows
    doc = None
    if json_path is not None:
        doc = load_json(json_path)
        assert len(doc["rows"]) == len(rows)
        # Every float of the JSON file (meta and summaries included) has the shortest round-trip form.
        for t in floats_in(doc):
            real(str(t))
        # Reals are exactly the declared columns, and always typed real (never an integer text).
        typed_real = {k for r in doc["rows"] for k, v in r.items() if isinstance(v, Text)}
        assert typed_real <= set(reals), typed_real - set(reals)
    gp = gpkg_rows(gpkg_path) if gpkg_path else None
    if gp is not None:
        assert len(gp) == len(rows)
    seen = []
    for i, r in enumerate(rows):
        j = doc["rows"][i] if doc is not None else None
        for c in reals:
            text = r[c]
            if text == "":
                assert j is None or j[c] is None, (i, c)
                if gp is not None:
                    assert gp[i][c] is None, (i, c)
                continue
            value = real(text)
            assert j is None or (isinstance(j[c], Text) and str(j[c]) == text), (i, c, j[c], text)
            if gp is not None:
                assert same_double(gp[i][c], value), (i, c, gp[i][c], text)
            if frame is not None:
                assert real_text(frame[c].iloc[i]) == text, (i, c, frame[c].iloc[i], text)
            seen.append((text, value))
    return seen


def six_decimals_loss(values):
    """The largest relative error the former fixed 6-decimal text made on these values."""
    return max(abs(float(f"{v:.6f}") - v) / abs(v) for _, v in values if v != 0)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("numbers")
    rng = np.random.default_rng(15)
    t0 = rng.choice([1, 2, 2, 2, 4, 5], size=(30, 30)).astype(np.uint8)
    t0[0, :3] = 0
    t1 = t0.copy()
    t1[5:12, 3:20][t0[5:12, 3:20] != 0] = 8  # natural (and cropland) -> built-up under the slivers
    r0 = write_raster(d / "t0.tif", t0, GT, CRS, nodata=0)
    r1 = write_raster(d / "t1.tif", t1, GT, CRS, nodata=0)
    # Zones: an ordinary one, and slivers 1e-9 to 2e-13 degree tall (0.1 mm to 20 nm) and 120 m
    # long along row 8: 1.3e-2 m^2 to 2.7e-6 m^2, and 1e-5 to 2e-9 of each cell they cross.
    wkts, codes = [box_wkt(X0 + 3.3 * D, Y0 - 25.7 * D, X0 + 27.1 * D, Y0 - 2.2 * D)], ["big"]
    for k, h in enumerate((1e-9, 1e-10, 2e-11, 2e-13)):
        y = Y0 - (8.37 + 0.1 * k) * D
        wkts.append(box_wkt(X0 + 4.31 * D, y, X0 + 16.77 * D, y + h))
        codes.append(f"sliver{k}")
    zones = write_layer(d / "zones.gpkg", "zones", wkts, CRS, {"code": codes})
    # Another layer overlapping the slivers by a part of their length: tiny overlaps.
    write_layer(d / "other.gpkg", "other", [box_wkt(X0 + 9.1 * D, Y0 - 9 * D, X0 + 12.9 * D, Y0 - 8 * D),
                                            box_wkt(X0 + 20.05 * D, Y0 - 24 * D, X0 + 29 * D, Y0 - 20 * D)],
                CRS, {"code": ["o1", "o2"]})
    # A layer whose features overlap each other by a sliver (validate reports the overlap area).
    write_layer(d / "overlapping.gpkg", "f", [box_wkt(X0, Y0 - D, X0 + 5 * D, Y0),
                                              box_wkt(X0 + 5 * D - 3e-10, Y0 - D, X0 + 9 * D, Y0)],
                CRS, {"code": ["f1", "f2"]})
    # Shoreline pieces of millimetres along the equator (geodesic length a * dlambda).
    lines = []
    lon = 120.0
    for length in (0.0123456789, 0.000987654321, 1234.56789e-6, 0.5):
        dl = math.degrees(length / A)
        lines.append(f"LINESTRING({lon!r} 0,{lon + dl!r} 0)")
        lon += dl
    shore = write_layer(d / "shore.gpkg", "shore", lines, "EPSG:4326",
                        {"type": ["natural", "seawall", "estuary", "natural"]})
    return {"dir": d, "t0": r0, "t1": r1, "zones": zones, "other": str(d / "other.gpkg"),
            "overlapping": str(d / "overlapping.gpkg"), "shore": shore}


def cli(*args, ok=(0,)):
    p = run(*args, "--quiet")
    assert p.returncode in ok, p.stderr
    return p


def test_zonal_reals_round_trip_on_slivers(data):
    d = data["dir"]
    base = ["zonal", "--raster", data["t0"], "--zones", data["zones"], "--id", "code"]
    for ext in ("csv", "json", "gpkg"):
        cli(*base, "--output", d / f"zonal.{ext}")
    df = redline.zonal(data["t0"], data["zones"], id="code", output=d / "zonal_py.json")
    assert (d / "zonal_py.json").read_bytes() == (d / "zonal.json").read_bytes()
    seen = check_outputs(d / "zonal.csv", d / "zonal.json", ["area_m2", "share", "cells"], d / "zonal.gpkg", df)
    slivers = [(r["cells"], float(r["cells"])) for r in read_csv(d / "zonal.csv") if r["zone"].startswith("sliver")]
    assert min(v for _, v in slivers) < 1e-5
    # The fixture exposes the former loss: 6 fixed decimals were off by more than 4 % here.
    assert six_decimals_loss(slivers) > 0.04
    assert len(seen) > 20


def test_change_reals_round_trip_on_slivers(data):
    d = data["dir"]
    base = ["change", "--t0", data["t0"], "--t1", data["t1"], "--zones", data["zones"], "--id", "code"]
    for ext in ("csv", "json"):
        cli(*base, "--matrix", d / f"m.{ext}", "--patches", d / f"p.{ext}")
    cli(*base, "--patches", d / "p.gpkg")
    m, p = redline.change(data["t0"], data["t1"], data["zones"], id="code", matrix_output=d / "m_py.json",
                          patches_output=d / "p_py.json")
    assert (d / "m_py.json").read_bytes() == (d / "m.json").read_bytes()
    assert (d / "p_py.json").read_bytes() == (d / "p.json").read_bytes()
    seen = check_outputs(d / "m.csv", d / "m.json", ["area_m2", "cells"], frame=m)
    assert six_decimals_loss([s for s in seen if s[1] < 1e-3]) > 0.01
    patch_reals = ["area_m2", "x", "y", "lon", "lat", "permitted_share"]
    seen = check_outputs(d / "p.csv", d / "p.json", patch_reals, d / "p.gpkg", p)
    sliver_patches = [r for r in read_csv(d / "p.csv") if r["zone"].startswith("sliver")]
    assert sliver_patches and min(float(r["area_m2"]) for r in sliver_patches) < 1e-3


def test_area_and_conflicts_reals_round_trip_on_slivers(data):
    d = data["dir"]
    for ext in ("csv", "json", "gpkg"):
        cli("area", "--layer", data["zones"], "--id", "code", "--output", d / f"area.{ext}")
        cli("area", "--layer", data["zones"], "--dissolve", "--output", d / f"union.{ext}")
        cli("conflicts", "--layer", data["zones"], "--layer", data["other"], "--id", "code", "--min-area", "0",
            "--output", d / f"conf.{ext}")
    a = redline.area(data["zones"], id="code")
    seen = check_outputs(d / "area.csv", d / "area.json", ["area_m2"], d / "area.gpkg", a)
    assert min(v for _, v in seen) < 1e-4 and six_decimals_loss(seen) > 0.04
    u = redline.area(data["zones"], dissolve=True)
    check_outputs(d / "union.csv", d / "union.json", ["area_m2", "sum_m2", "overlap_m2"], d / "union.gpkg", u)
    c = redline.conflicts([data["zones"], data["other"]], id="code", min_area=0)
    seen = check_outputs(d / "conf.csv", d / "conf.json", ["area_m2"], d / "conf.gpkg", c)
    assert min(v for _, v in seen) < 1e-4


def test_shoreline_and_validate_reals_round_trip(data):
    d = data["dir"]
    base = ["shoreline", "--lines", data["shore"], "--class-field", "type"]
    cli(*base, "--output", d / "shore.csv")
    cli(*base, "--output", d / "shore.json")
    cli(*base, "--piece-m", "0.3", "--output", d / "shore2.csv", "--segments", d / "pieces.csv")
    cli(*base, "--piece-m", "0.3", "--output", d / "shore3.csv", "--segments", d / "pieces.gpkg")
    s = redline.shoreline(data["shore"], class_field="type")
    summary_reals = ["natural_m", "artificial_m", "estuary_m", "total_m", "natural_share_percent",
                     "target_percent", "margin_percent", "island_m", "unclassified_m"]
    seen = check_outputs(d / "shore.csv", d / "shore.json", summary_reals, frame=s)
    assert min(v for _, v in seen if v > 0) < 0.01
    seen = check_outputs(d / "pieces.csv", None, ["start_m", "length_m"], d / "pieces.gpkg")
    assert any(0 < val < 1e-3 for _, val in seen)
    for ext in ("csv", "json", "gpkg"):
        cli("validate", "--layer", data["overlapping"], "--id", "code", "--output", d / f"problems.{ext}", ok=(5,))
    v = redline.validate(data["overlapping"], id="code")
    seen = check_outputs(d / "problems.csv", d / "problems.json", ["x", "y", "area_m2"], d / "problems.gpkg", v)
    assert any(0 < val < 1e-3 for _, val in seen)


def test_report_json_reals_round_trip(tmp_path):
    """report.json and manifest.json (demo data): every float has the shortest round-trip form and
    the indicators of manifest.json equal those of report.json bit for bit."""
    from redline_testkit import TESTDATA
    out = tmp_path / "r"
    p = run("report", "--config", TESTDATA / "demo" / "indicators.yaml", "--output-dir", out, "--quiet",
            "--threads", "2")
    assert p.returncode == 0, p.stderr
    rep, man = load_json(out / "report.json"), load_json(out / "manifest.json")
    texts = list(floats_in(rep)) + list(floats_in(man))
    assert len(texts) > 10
    for t in texts:
        real(str(t))
    for i in rep["indicators"]:
        v = man["indicators"][i["id"]]
        assert (v is None and i["value"] is None) or same_double(float(v), float(i["value"]))
