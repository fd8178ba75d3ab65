"""redline.sample and redline.estimate (issue 18): the same units, bytes and numbers as the CLI, a
GeoDataFrame sample labelled in Python and estimated with its design checked, strata areas as a
dict, and the CLI's errors as ValueError."""
import json
import shutil

import numpy as np
import pandas as pd
import pytest

import redline
from redline_testkit import ALBERS, box_wkt, read_csv, read_json, run, write_layer, write_raster

GT = (500000.0, 30.0, 0.0, 3500000.0, 0.0, -30.0)
OLOFSSON_COUNTS = [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]]
OLOFSSON_AREAS = {1: 200000 * 900, 2: 150000 * 900, 3: 3200000 * 900, 4: 6450000 * 900}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("acc")
    rng = np.random.default_rng(4)
    m = rng.integers(1, 5, size=(50, 70)).astype(np.uint8)
    m[:, :20] = 1
    m[0, :] = 0
    truth = m.copy()
    flip = rng.random(m.shape) < 0.1
    truth[flip] = rng.integers(1, 5, size=int(flip.sum()))
    write_raster(d / "map.tif", m, GT, ALBERS, nodata=0)
    write_layer(d / "zones.gpkg", "zones", [box_wkt(500000 + 300, 3500000 - 1200, 500000 + 1500, 3500000 - 90)], ALBERS,
                {"name": ["a"]})
    return d, m, truth


def test_sample_is_a_geodataframe_with_the_cli_units_and_design(data, tmp_path):
    d, m, _ = data
    g = redline.sample(d / "map.tif", size=90, min_per_stratum=10, seed=3, zones=str(d / "zones.gpkg"), id="name",
                       output=tmp_path / "py.csv")
    r = run("sample", "--map", d / "map.tif", "--size", 90, "--min-per-stratum", 10, "--seed", 3, "--zones",
            d / "zones.gpkg", "--id", "name", "--output", tmp_path / "cli.csv")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()
    assert (tmp_path / "py.csv.design.json").read_bytes() == (tmp_path / "cli.csv.design.json").read_bytes()
    assert type(g).__name__ == "GeoDataFrame"
    assert list(g.columns) == ["id", "stratum", "map_class", "x", "y", "lon", "lat", "zone", "reference", "geometry"]
    assert len(g) == 90 and set(g["zone"]) == {"a"}
    assert g.crs is not None and g.crs.is_projected and "Albers" in g.crs.to_wkt()
    assert list(g.geometry.x) == list(g["x"]) and list(g.geometry.y) == list(g["y"])
    cli = read_csv(tmp_path / "cli.csv")
    assert [int(c["id"]) for c in cli] == list(g["id"])
    assert g.attrs["design"] == read_json(tmp_path / "cli.csv.design.json")
    assert g["reference"].isna().all()


def test_sample_same_for_any_threads(data):
    d = data[0]
    a = redline.sample(d / "map.tif", target_se=0.03, expected_users_accuracy={1: 0.95}, allocation="neyman",
                       min_per_stratum=3, seed=8, threads=1)
    b = redline.sample(d / "map.tif", target_se=0.03, expected_users_accuracy={1: 0.95}, allocation="neyman",
                       min_per_stratum=3, seed=8, threads=2)
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")), pd.DataFrame(b.drop(columns="geometry")))
    assert a.attrs["design"] == b.attrs["design"]


def test_label_in_python_and_estimate_with_the_design_checked(data, tmp_path):
    d, m, truth = data
    g = redline.sample(d / "map.tif", size=200, min_per_stratum=20, seed=1)
    rows = ((3500000 - g["y"]) / 30 - 0.5).astype(int)
    cols = ((g["x"] - 500000) / 30 - 0.5).astype(int)
    g["reference"] = [str(truth[r, c]) for r, c in zip(rows, cols)]
    table, res = redline.estimate(g, map=d / "map.tif", output=tmp_path / "py.csv", json_output=tmp_path / "py.json")
    assert list(table.columns) == ["class", "map_area_m2", "area_m2", "area_ci95_m2", "users_accuracy",
                                   "users_accuracy_ci95", "producers_accuracy", "producers_accuracy_ci95"]
    assert res["design_check"]["checked"] and res["design_check"]["design"] == "attrs['design']"
    assert res["estimator"] == "olofsson2014"
    # The CLI on the same labelled sample: the same bytes.
    g.drop(columns="geometry").to_csv(tmp_path / "s.csv", index=False)
    (tmp_path / "s.csv.design.json").write_text(json.dumps(g.attrs["design"]))
    r = run("estimate", "--map", d / "map.tif", "--sample", tmp_path / "s.csv", "--output", tmp_path / "cli.csv")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "py.csv").read_bytes() == (tmp_path / "cli.csv").read_bytes()
    for k, row in table.iterrows():
        assert row["map_area_m2"] == float((m == row["class"]).sum()) * 900


def test_estimate_olofsson_2014_from_a_dataframe_and_dict_areas():
    units = [(i + 1, j + 1) for i, row in enumerate(OLOFSSON_COUNTS) for j, n in enumerate(row) for _ in range(n)]
    df = pd.DataFrame({"stratum": [u[0] for u in units], "reference": [u[1] for u in units]})
    table, res = redline.estimate(df, strata_areas=OLOFSSON_AREAS)
    assert res["design_check"] == {"checked": False}
    assert table["area_m2"].tolist() == pytest.approx(
        [e * 1e4 for e in (21157.7622377622, 11686.1538461538, 285769.93006993, 581386.153846154)], rel=1e-12)
    assert table["producers_accuracy_ci95"].tolist() == pytest.approx(
        [0.213305933366663, 0.254403685905928, 0.0343237919472898, 0.0183611980841087], rel=1e-12)
    assert res["overall_accuracy"] == pytest.approx(0.946511888111888, rel=1e-13)


def test_errors_are_value_errors_naming_python_parameters(data):
    d = data[0]
    df = pd.DataFrame({"stratum": [1, 1, 2, 2], "reference": [1, None, 2, 2]})
    with pytest.raises(ValueError, match="have no reference value"):
        redline.estimate(df, strata_areas={1: 1e6, 2: 1e6})
    df = pd.DataFrame({"stratum": [1, 1, 2, 2], "reference": [1, 1, 2, 2]})
    with pytest.raises(ValueError, match=r"confidence=1.5 is outside \(0, 1\)"):
        redline.estimate(df, strata_areas={1: 1e6, 2: 1e6}, confidence=1.5)
    with pytest.raises(ValueError, match="give the sample size"):
        redline.sample(d / "map.tif")


def test_warnings_in_attrs_are_the_cli_words_as_in_the_json():
    # As every other result's attrs["warnings"] (and the files' metadata): options named as the CLI names
    # them, no unrendered option markers; redline.estimate's results["warnings"] are the same texts.
    df = pd.DataFrame({"id": [1, 2, 3, 4, 5], "stratum": [1, 1, 1, 2, 2], "reference": [1, None, 1, 2, 2]})
    with pytest.warns(redline.RedlineWarning, match=r"dropped \(drop_unlabelled=\)"):
        table, res = redline.estimate(df, strata_areas={1: 1e6, 2: 1e6}, drop_unlabelled=True)
    assert table.attrs["warnings"] == res["warnings"]
    assert len(res["warnings"]) == 1 and res["warnings"][0].endswith("1 of 5 units have no reference value "
                                                                      "(reference is empty): 2; dropped "
                                                                      "(--drop-unlabelled)")

def test_change_strata_from_two_dates(data, tmp_path):
    d, m, _ = data
    t0 = m.copy()
    t0[t0 == 3] = 2  # forest
    t1 = t0.copy()
    t1[10:20, 30:40] = np.where(t0[10:20, 30:40] == 2, 8, t0[10:20, 30:40])  # forest -> impervious
    write_raster(tmp_path / "t0.tif", t0, GT, ALBERS, nodata=0)
    write_raster(tmp_path / "t1.tif", t1, GT, ALBERS, nodata=0)
    g = redline.sample(t0=tmp_path / "t0.tif", t1=tmp_path / "t1.tif", size=40, min_per_stratum=10, seed=2)
    assert g.attrs["design"]["stratum_names"] == {"0": "stable", "1": "natural-to-human"}
    broken = int(((t0[10:20, 30:40] == 2) & (t1[10:20, 30:40] == 8)).sum())
    assert {s["stratum"]: s["cells"] for s in g.attrs["design"]["strata"]}[1] == broken
    g["reference"] = g["stratum"]
    table, res = redline.estimate(g, t0=tmp_path / "t0.tif", t1=tmp_path / "t1.tif")
    assert res["design_check"]["digest_compared"]
    assert table.set_index("class").loc[1, "area_m2"] == pytest.approx(broken * 900, rel=1e-13)
