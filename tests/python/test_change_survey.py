"""redline.change(t0_layer=..., t1_layer=..., class_field=...) (issue #17): the same DataFrames, files and errors
as `redline change --t0-layer/--t1-layer`."""
import pandas as pd
import pytest

import redline
from redline_testkit import ALBERS, box_wkt, run, write_layer


@pytest.fixture
def years(tmp_path):
    t0 = write_layer(tmp_path / "t0.gpkg", "DLTB", [box_wkt(0, 0, 60, 100), box_wkt(60, 0, 100, 100)], crs=ALBERS,
                     fields={"DLBM": ["0301", "0101"]})
    t1 = write_layer(tmp_path / "t1.gpkg", "DLTB",
                     [box_wkt(0, 0, 100, 40), box_wkt(0, 40, 30, 100), box_wkt(30, 40, 100, 100)], crs=ALBERS,
                     fields={"DLBM": ["0702", "0301", "0101"]})
    zones = write_layer(tmp_path / "z.gpkg", "redline", [box_wkt(-10, -10, 105, 50), box_wkt(20, 20, 80, 80)],
                        crs=ALBERS, fields={"code": ["z1", "z2"]})
    return t0, t1, zones, tmp_path


def test_same_frames_and_files_as_the_cli(years):
    t0, t1, zones, d = years
    m, p = redline.change(t0_layer=t0, t1_layer=t1, class_field="DLBM", zones=zones, id="code", mmu_m2=500,
                          matrix_output=d / "py_m.csv", patches_output=d / "py_p.csv", threads=2)
    r = run("change", "--t0-layer", t0, "--t1-layer", t1, "--class-field", "DLBM", "--zones", zones, "--id", "code",
            "--mmu-m2", 500, "--matrix", d / "m.csv", "--patches", d / "p.csv")
    assert r.returncode == 0, r.stderr
    assert (d / "py_m.csv").read_bytes() == (d / "m.csv").read_bytes()
    assert (d / "py_p.csv").read_bytes() == (d / "p.csv").read_bytes()
    cli = pd.read_csv(d / "m.csv", dtype={"from": str, "to": str}, float_precision="round_trip")
    assert list(m.columns) == list(cli.columns) == ["zone", "from", "to", "area_m2", "cells", "from_name", "to_name"]
    assert list(m["from"]) == list(cli["from"]) and list(m["to"]) == list(cli["to"])
    assert list(m["area_m2"]) == list(cli["area_m2"])
    # z1 (y 0..50): 0101 -> 0101 40x10, 0101 -> 0702 40x40, 0301 -> 0101 30x10; x 100..105 is in neither year.
    assert list(zip(m["zone"], m["from"], m["to"], m["area_m2"]))[:3] == [
        ("z1", "0101", "0101", 400.0), ("z1", "0101", "0702", 1600.0), ("z1", "0301", "0101", 300.0)]
    assert list(zip(p["zone"], p["from"], p["to"], p["area_m2"], p["status"])) == [
        ("z1", "0301", "0101", 300.0, "below-mmu"), ("z1", "0301", "0702", 2400.0, "violation"),
        ("z2", "0301", "0101", 1200.0, "violation"), ("z2", "0301", "0702", 800.0, "violation")]
    assert p.attrs["summary"][0]["below_mmu"] == 1 and m.attrs["meta"]["inputs"] == "vector"


def test_errors_are_value_errors(years):
    t0, t1, zones, _ = years
    with pytest.raises(ValueError, match="has no field 'CODE' \\(class_field=\\)"):
        redline.change(t0_layer=t0, t1_layer=t1, class_field="CODE", zones=zones)
    with pytest.raises(ValueError, match="t0_layer, t1_layer and class_field go together"):
        redline.change(t0_layer=t0, zones=zones, class_field="DLBM")
    with pytest.raises(ValueError, match="not both"):
        redline.change("a.tif", t0_layer=t0, t1_layer=t1, class_field="DLBM", zones=zones)


def test_class_table_default_and_explicit(years):
    """Survey layers default to the GB/T 21010 code table; an explicit raster table is refused
    (not silently swapped), as the CLI refuses --classes clcd with --t0-layer."""
    t0, t1, zones, d = years
    m, _ = redline.change(t0_layer=t0, t1_layer=t1, class_field="DLBM", zones=zones, id="code")
    assert m.loc[m["from"] == "0101", "from_name"].iloc[0] == "水田"
    m2, _ = redline.change(t0_layer=t0, t1_layer=t1, class_field="DLBM", zones=zones, id="code", classes="gbt21010")
    assert m2.equals(m)
    r = run("change", "--t0-layer", t0, "--t1-layer", t1, "--class-field", "DLBM", "--zones", zones,
            "--classes", "clcd", "--matrix", d / "cli_clcd.csv")
    with pytest.raises(ValueError) as e:
        redline.change(t0_layer=t0, t1_layer=t1, class_field="DLBM", zones=zones, classes="clcd")
    assert r.returncode == 2 and "clcd" in r.stderr and "clcd" in str(e.value), (r.stderr, str(e.value))
