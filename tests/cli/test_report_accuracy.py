"""The report's error-adjusted estimates (issue 18, config `accuracy:`): a map-derived indicator with a
labelled sample shows the estimate with its confidence interval, and its verdict becomes the interval's.
Checked against an independent computation of the stratified estimator from the sample file and its
design, a perfect sample (the map value, zero width), the permitted-polygon domain of the conversion
estimate, the demo's shipped samples, and bad input."""
import json
import math
import shutil

import numpy as np
import pytest
from osgeo import gdal, ogr

from redline_testkit import ALBERS, run, write_raster
from test_report import CONFIG, X0, Y0, CELL, indicators, scene  # noqa: F401 (fixture)

Z95 = 1.959963984540054


def sample_units(path):
    ds = ogr.Open(str(path))
    layer = ds.GetLayer(0)
    return [{k: f.GetField(k) for k in ("id", "stratum", "map_class", "x", "y", "reference")} for f in layer]


def cell_of(u):
    return int((Y0 - u["y"]) // CELL), int((u["x"] - X0) // CELL)


def label(path, reference_of):
    """Sets every unit's reference to reference_of(unit)."""
    ds = ogr.Open(str(path), 1)
    layer = ds.GetLayer(0)
    for f in layer:
        u = {k: f.GetField(k) for k in ("stratum", "map_class", "x", "y")}
        f.SetField("reference", str(int(reference_of(u))))
        layer.SetFeature(f)
    ds = None


def oracle(path, in_domain):
    """Stratified estimator of a domain's share, written from Stehman (2014) eqs. 2 and 25: returns (p, SE, A)."""
    design = json.loads(open(str(path) + ".design.json").read())
    areas = {s["stratum"]: s["area_m2"] for s in design["strata"]}
    total = sum(areas.values())
    units = sample_units(path)
    p, var = 0.0, 0.0
    for h, a in areas.items():
        ys = [1.0 if in_domain(u) else 0.0 for u in units if u["stratum"] == h]
        n = len(ys)
        mean = sum(ys) / n
        w = a / total
        p += w * mean
        var += w * w * mean * (1 - mean) / (n - 1)
    return p, math.sqrt(var), total


@pytest.fixture
def sampled(scene):  # noqa: F811
    """The tiny scene of test_report with a truth (forest mapped as cropland in x 5.0-5.5 km, cropland
    mapped as forest... no: forest truly grassland in x 4.0-5.0 km) and a labelled sample of lc1 in the land."""
    d, cfg = scene
    lc1 = gdal.Open(str(d / "lc1.tif")).ReadAsArray()
    truth = lc1.copy()
    truth[:, 40:50][truth[:, 40:50] == 2] = 4      # mapped forest that is grassland
    truth[:, 50:55] = 2                             # mapped cropland that is forest
    s = d / "s.gpkg"
    r = run("sample", "--map", d / "lc1.tif", "--zones", f"{d / 'plan.gpkg'}:land", "--size", 60,
            "--min-per-stratum", 10, "--seed", 5, "--output", s)
    assert r.returncode == 0, r.stderr
    label(s, lambda u: truth[cell_of(u)])
    return d, cfg, truth


def with_accuracy(cfg, text):
    cfg.write_text(CONFIG + "accuracy:\n" + text, encoding="utf-8")
    return cfg


def test_estimate_and_interval_verdict_match_an_independent_computation(sampled):
    d, cfg, truth = sampled
    with_accuracy(cfg, "  forest_coverage: {sample: s.gpkg}\n  cropland_cover: {sample: s.gpkg}\n")
    out = d / "out"
    r = run("report", "--config", cfg, "--output-dir", out)
    assert r.returncode == 0, r.stderr
    rep, ind = indicators(out)
    p, se, total = oracle(d / "s.gpkg", lambda u: u["reference"] == "2")
    assert total == pytest.approx(1e8, rel=1e-12)  # the land: 100 km2, every cell valid
    f = ind["forest_coverage"]
    e = f["estimate"]
    # Valid land-cover area = land area here, so the coverage is 100 p.
    assert e["value"] == pytest.approx(100 * p, rel=1e-12)
    assert e["ci_half_width"] == pytest.approx(Z95 * 100 * se, rel=1e-9)
    assert e["ci_low"] == pytest.approx(e["value"] - e["ci_half_width"], rel=1e-12)
    assert e["confidence"] == 0.95
    expected = "met" if e["ci_low"] >= 26 else "not met" if e["ci_high"] < 26 else "undecided"
    assert e["verdict"] == expected
    assert e["details"]["units"] == 60
    assert e["details"]["design_check"]["checked"] is True
    assert f["value"] == pytest.approx(50.0 - 0.09 - 0.04, abs=1e-9) and f["pass"] is True  # the map value stays
    pc, sec, _ = oracle(d / "s.gpkg", lambda u: u["reference"] == "1")
    c = ind["cropland_cover"]["estimate"]
    assert c["value"] == pytest.approx(pc * 100.0, rel=1e-12)  # km2 of a 100 km2 land
    assert c["ci_half_width"] == pytest.approx(Z95 * sec * 100.0, rel=1e-9)
    assert c["verdict"] is None  # reported only
    # The other indicators have no estimate; the status column shows the interval's verdict.
    assert "estimate" not in ind["ecr_area"]
    html = (out / "report.html").read_text(encoding="utf-8")
    md = (out / "report.md").read_text(encoding="utf-8")
    word = {"met": "met with 95 % confidence", "not met": "not met with 95 % confidence",
            "undecided": "undecided at 95 %"}[expected]
    assert word in html and word in md and word in r.stdout
    assert "Map accuracy: estimates from labelled samples" in html
    assert "s.gpkg" in html
    # The sample and its design are inputs of the manifest, and --verify reproduces the report.
    roles = {i["role"] for i in json.loads((out / "manifest.json").read_text())["inputs"]}
    assert {"accuracy.forest_coverage", "accuracy.forest_coverage.design"} <= roles
    v = run("report", "--verify", out / "manifest.json")
    assert v.returncode == 0, v.stdout + v.stderr
    # Another confidence level: the half-width scales with z.
    with_accuracy(cfg, "  forest_coverage: {sample: s.gpkg, confidence: 0.8}\n")
    r = run("report", "--config", cfg, "--output-dir", d / "out80")
    assert r.returncode == 0, r.stderr
    e80 = indicators(d / "out80")[1]["forest_coverage"]["estimate"]
    assert e80["ci_half_width"] == pytest.approx(1.2815515655446004 * 100 * se, rel=1e-9)
    assert e80["confidence"] == 0.8 and "80 %" in (d / "out80" / "report.md").read_text(encoding="utf-8")


def test_a_perfect_sample_gives_the_map_value_with_zero_width(sampled):
    d, cfg, _ = sampled
    label(d / "s.gpkg", lambda u: u["map_class"])
    with_accuracy(cfg, "  forest_coverage: {sample: s.gpkg}\n")
    r = run("report", "--config", cfg, "--output-dir", d / "out")
    assert r.returncode == 0, r.stderr
    f = indicators(d / "out")[1]["forest_coverage"]
    assert f["estimate"]["value"] == pytest.approx(f["value"], rel=1e-12)
    assert f["estimate"]["ci_half_width"] == 0.0
    assert f["estimate"]["verdict"] == "met"


def test_conversion_estimate_leaves_out_units_in_permitted_polygons(scene):  # noqa: F811
    d, cfg = scene
    s = d / "c.gpkg"
    # 13 converted cells in the redline (a 3x3 block, and a 2x2 block in the permitted corridor): take 12.
    r = run("sample", "--t0", d / "lc0.tif", "--t1", d / "lc1.tif", "--zones", f"{d / 'plan.gpkg'}:redline",
            "--size", 24, "--allocation", "equal", "--seed", 2, "--output", s)
    assert r.returncode == 0, r.stderr
    label(s, lambda u: u["stratum"])  # the change map is right
    in_corridor = {(80, 20), (80, 21), (81, 20), (81, 21)}
    units = sample_units(s)
    converted = [u for u in units if u["stratum"] == 1]
    assert len(converted) == 12
    k = sum(cell_of(u) in in_corridor for u in converted)
    assert 1 <= k <= 4  # 12 of 13 cells: at least 3 of the corridor's 4 are drawn
    with_accuracy(cfg, "  ecr_nature_unchanged: {sample: c.gpkg}\n")
    r = run("report", "--config", cfg, "--output-dir", d / "out")
    assert r.returncode == 0, r.stderr
    ecr = indicators(d / "out")[1]["ecr_nature_unchanged"]
    p, se, total = oracle(s, lambda u: u["reference"] == "1" and cell_of(u) not in in_corridor)
    assert ecr["estimate"]["value"] == pytest.approx(p * total, rel=1e-12)
    assert ecr["estimate"]["value"] == pytest.approx(130000.0 * (12 - k) / 12, rel=1e-12)
    assert ecr["estimate"]["ci_half_width"] == pytest.approx(Z95 * se * total, rel=1e-9)
    assert ecr["estimate"]["details"]["converted_units_in_permitted"] == k
    assert ecr["estimate"]["verdict"] == "not met"  # > 0 m2 with 95 % confidence
    assert ecr["value"] == pytest.approx(90000.0, abs=1e-6)  # the map value: 9 ha outside the corridor


def expect_error(d, cfg, *fragments):
    out = d / "bad_out"
    r = run("report", "--config", cfg, "--output-dir", out)
    assert r.returncode == 2, r.stdout + r.stderr
    for fragment in fragments:
        assert fragment in r.stderr, r.stderr
    assert not out.exists()


def test_bad_samples(sampled):
    d, cfg, _ = sampled
    # A sample of another population (drawn in the redline, attached to the land's indicator).
    r = run("sample", "--map", d / "lc1.tif", "--zones", f"{d / 'plan.gpkg'}:redline", "--size", 20,
            "--min-per-stratum", 5, "--seed", 1, "--output", d / "other.gpkg")
    assert r.returncode == 0, r.stderr
    label(d / "other.gpkg", lambda u: u["map_class"])
    with_accuracy(cfg, "  forest_coverage: {sample: other.gpkg}\n")
    expect_error(d, cfg, "(accuracy.forest_coverage): the sample's design does not match", "map digest differs")
    # No design beside the sample: nothing to check it against.
    shutil.copy(d / "s.gpkg", d / "nodesign.gpkg")
    with_accuracy(cfg, "  forest_coverage: {sample: nodesign.gpkg}\n")
    expect_error(d, cfg, "(accuracy.forest_coverage)", "has no design file", "nodesign.gpkg.design.json")
    # Unlabelled units are listed.
    label(d / "s.gpkg", lambda u: u["map_class"])
    ds = ogr.Open(str(d / "s.gpkg"), 1)
    layer = ds.GetLayer(0)
    f = layer.GetFeature(3)
    f.SetFieldNull("reference")
    layer.SetFeature(f)
    ds = None
    with_accuracy(cfg, "  forest_coverage: {sample: s.gpkg}\n")
    expect_error(d, cfg, "(accuracy.forest_coverage)", "1 of 60 units have no reference value")
    # A label that is no class of the class table is refused, never counted as "not forest".
    label(d / "s.gpkg", lambda u: 77 if u["map_class"] == 1 else u["map_class"])
    expect_error(d, cfg, "(accuracy.forest_coverage)", "reference values that are not classes of the class "
                 "table 'clcd': 77 (")
    # A reference field the sample does not have.
    with_accuracy(cfg, "  forest_coverage: {sample: s.gpkg, reference_field: truth}\n")
    expect_error(d, cfg, "(accuracy.forest_coverage)", "truth")
    # An indicator that is not map-derived.
    with_accuracy(cfg, "  ecr_area: {sample: s.gpkg}\n")
    expect_error(d, cfg, "accuracy.ecr_area: a labelled sample can be attached to the map-derived indicators only")


def test_the_demo_shows_estimates_from_its_shipped_samples(tmp_path):
    out = tmp_path / "demo"
    r = run("demo", "--output-dir", out, "--quiet")
    assert r.returncode == 0, r.stderr
    rep, ind = indicators(out)
    demo = __import__("pathlib").Path(__file__).resolve().parents[2] / "testdata" / "demo"
    forest = ind["forest_coverage"]
    p, se, _ = oracle(demo / "sample_2020.gpkg", lambda u: u["reference"] == "2")
    valid_km2 = forest["details"]["raster_valid_km2"]
    land_km2 = forest["details"]["land_area_km2"]
    assert forest["estimate"]["value"] == pytest.approx(100 * p * valid_km2 / land_km2, rel=1e-9)
    assert forest["estimate"]["ci_half_width"] == pytest.approx(Z95 * 100 * se * valid_km2 / land_km2, rel=1e-9)
    # The demo's story: the map says forest coverage fails; the sample cannot tell (the interval
    # straddles 26 %), and the conversions in the redline are real with 95 % confidence.
    assert forest["pass"] is False and forest["estimate"]["verdict"] == "undecided"
    ecr = ind["ecr_nature_unchanged"]
    assert ecr["pass"] is False and ecr["estimate"]["verdict"] == "not met"
    assert ecr["estimate"]["ci_low"] > 0
    assert ind["cropland_cover"]["estimate"]["verdict"] is None


def test_demo_samples_regenerate(tmp_path):
    """make_demo_samples.py gives the committed truth rasters and the same labelled samples."""
    import subprocess
    import sys
    from redline_testkit import BIN
    demo = __import__("pathlib").Path(__file__).resolve().parents[2] / "testdata" / "demo"
    r = subprocess.run(["/usr/bin/python3", str(demo / "make_demo_samples.py"), "--redline", str(BIN),
                        "--out", str(tmp_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    for name in ("truth_2020.tif", "truth_change.tif"):
        a = gdal.Open(str(tmp_path / name)).ReadAsArray()
        b = gdal.Open(str(demo / name)).ReadAsArray()
        assert np.array_equal(a, b), name
    for name in ("sample_2020.gpkg", "sample_change.gpkg"):
        assert sample_units(tmp_path / name) == sample_units(demo / name), name
        assert json.loads((tmp_path / (name + ".design.json")).read_text()) == \
            json.loads((demo / (name + ".design.json")).read_text())
    del sys
