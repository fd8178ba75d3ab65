"""The report's survey indicators (issue 17, "The report"): with inputs.landuse (a land-use survey
layer, 三调 / 变更调查 地类图斑), cropland_survey (net area of class 01 inside the land, against
18 亿亩) and ecr_construction_land (classes 05-10 inside the redline), hand-computed on a tiny
coverage of parcels, and absent from reports without a survey layer."""
import json

import pytest

from redline_testkit import ALBERS, run, write_layer
from test_report import CONFIG, indicators, km, scene  # noqa: F401 (fixture)

PARCELS = [  # (box in km of the tiny scene, DLBM, KCXS); the land is 0-10 x 0-10, the redline x 0-5
    ((0, 0, 2, 10), "0101", 0.0),    # paddy, 20 km2, in the redline
    ((2, 0, 5, 9), "0301", 0.0),     # forest, 27 km2, in the redline
    ((2, 9, 5, 10), "0601", 0.0),    # industrial and mining land, 3 km2, in the redline
    ((5, 0, 8, 10), "0103", 0.1),    # dry land, 30 km2, 10 % field ridges
    ((8, 0, 10, 5), "0702", 0.0),    # rural homesteads, 10 km2
    ((8, 5, 10, 10), "1003", 0.0),   # highway land, 10 km2
]


def with_survey(d, cfg, extra=""):
    write_layer(d / "survey.gpkg", "DLTB", [km(*b) for b, _, _ in PARCELS], ALBERS,
                {"DLBM": [c for _, c, _ in PARCELS], "KCXS": [k for _, _, k in PARCELS]})
    cfg.write_text(CONFIG.replace("options:\n", "  landuse: survey.gpkg:DLTB\n" + extra + "options:\n"),
                   encoding="utf-8")


def test_survey_indicators_by_hand(scene):  # noqa: F811
    d, cfg = scene
    with_survey(d, cfg, "  landuse_deduct_field: KCXS\n")
    out = d / "out"
    r = run("report", "--config", cfg, "--output-dir", out)
    assert r.returncode == 0, r.stderr
    rep, ind = indicators(out)
    c = ind["cropland_survey"]
    # Net cropland: 20 + 30 x (1 - 0.1) = 47 km2; gross 50; 3 km2 deducted.
    assert c["value"] == pytest.approx(47.0, rel=1e-9)
    assert c["details"]["gross_km2"] == pytest.approx(50.0, rel=1e-9)
    assert c["details"]["deductions_km2"] == pytest.approx(3.0, rel=1e-9)
    assert c["details"]["net_yi_mu"] == pytest.approx(47e6 * 0.0015 / 1e8, rel=1e-9)
    assert c["details"]["area_convention"] == "geodesic"  # an Albers layer: not Gauss-Krüger
    assert c["target"] == 1200000.0 and c["pass"] is False
    assert [x["class"] for x in c["details"]["classes"]] == ["01"]
    e = ind["ecr_construction_land"]
    assert e["value"] == pytest.approx(3.0, rel=1e-9) and e["pass"] is None
    assert [x["class"] for x in e["details"]["classes"]] == ["06"]
    assert e["details"]["not_surveyed_km2"] == pytest.approx(0.0, abs=1e-9)
    assert "cropland_survey" in r.stdout and "ecr_construction_land" in r.stdout
    # By region (West x 0-5, East x 5-10): net cropland West 20 (paddy), East 30 x 0.9 = 27;
    # construction land in the redline (x 0-5) West 3 (0601), East none.
    regions = {g["region"]: g for g in rep["regions"]}
    assert regions["West"]["cropland_survey_net_km2"] == pytest.approx(20.0, rel=1e-9)
    assert regions["East"]["cropland_survey_net_km2"] == pytest.approx(27.0, rel=1e-9)
    assert regions["West"]["ecr_construction_land_km2"] == pytest.approx(3.0, rel=1e-9)
    assert regions["East"]["ecr_construction_land_km2"] == 0.0
    cols = rep["region_columns"]
    assert cols.index("cropland_survey_net_km2") < cols.index("ecr_construction_land_km2")
    assert "ecr_construction_land_km2" in (out / "report.md").read_text(encoding="utf-8")
    roles = {i["role"] for i in json.loads((out / "manifest.json").read_text())["inputs"]}
    assert "landuse" in roles
    # Without the deduction field the net area is the gross one.
    with_survey(d, cfg)
    r = run("report", "--config", cfg, "--output-dir", d / "out2")
    assert r.returncode == 0, r.stderr
    assert indicators(d / "out2")[1]["cropland_survey"]["value"] == pytest.approx(50.0, rel=1e-9)


def test_without_a_survey_layer_the_survey_indicators_are_absent(scene):  # noqa: F811
    d, cfg = scene
    r = run("report", "--config", cfg, "--output-dir", d / "out")
    assert r.returncode == 0, r.stderr
    ids = [i["id"] for i in indicators(d / "out")[0]["indicators"]]
    assert "cropland_survey" not in ids and "ecr_construction_land" not in ids and len(ids) == 8
    # Listed explicitly without the layer: refused, naming the input.
    cfg.write_text(CONFIG + "indicators:\n  - id: cropland_survey\n", encoding="utf-8")
    r = run("report", "--config", cfg, "--output-dir", d / "out3")
    assert r.returncode == 2 and "landuse" in r.stderr, r.stderr


def test_survey_errors_name_the_config_line(scene):  # noqa: F811
    d, cfg = scene
    with_survey(d, cfg, "  landuse_class_field: CODE\n")
    r = run("report", "--config", cfg, "--output-dir", d / "out")
    assert r.returncode == 2, r.stderr
    assert "(landuse)" in r.stderr and "CODE" in r.stderr, r.stderr
    assert not (d / "out").exists()


def test_a_gap_in_the_survey_is_reported_once_per_indicator(scene):  # noqa: F811
    d, cfg = scene
    with_survey(d, cfg)
    kept = [p for p in PARCELS if p[1] != "0601"]  # a 3 km2 hole at x 2-5, y 9-10, in the redline
    write_layer(d / "survey.gpkg", "DLTB", [km(*b) for b, _, _ in kept], ALBERS,
                {"DLBM": [c for _, c, _ in kept], "KCXS": [k for _, _, k in kept]})
    out = d / "out"
    r = run("report", "--config", cfg, "--output-dir", out)
    assert r.returncode == 0, r.stderr
    rep, ind = indicators(out)
    e = ind["ecr_construction_land"]
    assert e["value"] == 0.0 and e["details"]["not_surveyed_km2"] == pytest.approx(3.0, rel=1e-9)
    assert ind["cropland_survey"]["details"]["not_surveyed_km2"] == pytest.approx(3.0, rel=1e-9)
    gaps = [w for w in rep["warnings"] if "does not cover" in w]
    assert gaps == [
        "inputs.landuse does not cover 3000000.00 m2 of the union of inputs.land (gaps between "
        "parcels or area outside the layer; reported as not_surveyed_km2)",
        "inputs.landuse does not cover 3000000.00 m2 of the union of inputs.redline (gaps "
        "between parcels or area outside the layer; reported as not_surveyed_km2)"], rep["warnings"]
    assert not any("zones are not fully covered" in w for w in rep["warnings"])
