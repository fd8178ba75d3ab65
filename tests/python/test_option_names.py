"""Engine errors and warnings name a parameter: the CLI shows `--densify`, Python `densify=`
(core/option_name.hpp). The same bad value gives each front end its own words."""
import numpy as np
import pytest

import redline
from redline_testkit import ALBERS, box_wkt, run, write_layer, write_raster

X0, Y0 = 600000.0, 3600000.0
GT = (X0, 10.0, 0, Y0, 0, -10.0)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("names")
    arr = np.ones((50, 60), dtype=np.uint8)
    r = write_raster(d / "lc.tif", arr, GT, ALBERS, nodata=0)
    z = write_layer(d / "plan.gpkg", "redline", [box_wkt(X0 + 50, Y0 - 300, X0 + 250, Y0 - 50)], ALBERS,
                    {"code": ["A"]})
    lonlat = write_layer(d / "ll.gpkg", "zones", [box_wkt(105.0, 30.0, 105.01, 30.01)], "EPSG:4326", {"code": ["B"]})
    lines = write_layer(d / "coast.gpkg", "coast", ["LINESTRING (105 30, 105.01 30)"], "EPSG:4326",
                        {"type": ["sandy"]})
    return {"dir": d, "raster": r, "zones": z, "lonlat": lonlat, "lines": lines}


def test_a_bad_value_names_the_keyword_argument(data):
    with pytest.raises(ValueError) as e:
        redline.shoreline(data["lines"], class_field="type", densify=0)
    assert str(e.value) == "densify= must be a positive number of metres, got 0"
    with pytest.raises(ValueError, match=r"^permitted_min_share=2 must be in \(0, 1\]$"):
        redline.change(data["raster"], data["raster"], data["zones"], permitted_min_share=2.0)
    with pytest.raises(ValueError, match=r"mmu_pixels=0 must be at least 1"):
        redline.change(data["raster"], data["raster"], data["zones"], mmu_pixels=0)


def test_a_flag_is_named_as_a_keyword_argument_set_to_true(data):
    with pytest.raises(ValueError) as e:
        redline.zonal(data["raster"], data["lonlat"])
    msg = str(e.value)
    assert "pass reproject=True to transform the zones into the raster CRS" in msg, msg
    assert "--" not in msg and "\x1e" not in msg


def test_the_cli_says_the_flag_for_the_same_input(data):
    p = run("shoreline", "--lines", data["lines"], "--class-field", "type", "--piece-m", "0")
    assert p.returncode == 2
    assert p.stderr == "error: --piece-m must be a positive number of metres, got 0\n"
    p = run("zonal", "--raster", data["raster"], "--zones", data["lonlat"])
    assert p.returncode == 2
    assert "pass --reproject to transform the zones into the raster CRS" in p.stderr
    assert "\x1e" not in p.stderr and "reproject=" not in p.stderr


def test_warnings_name_the_keyword_argument_and_files_keep_the_cli_words(data, tmp_path):
    with pytest.warns(redline.RedlineWarning) as w:
        df = redline.shoreline(data["lines"], class_field="type", natural=["rock"], output=tmp_path / "s.json")
    texts = [str(x.message) for x in w]
    assert any("class_field='type': value(s) sandy are in neither natural= nor estuary=" in t for t in texts), texts
    # DataFrame.attrs keeps the text of the files' metadata: the CLI's words.
    assert df.attrs["warnings"] == df.attrs["meta"]["warnings"]
    assert any("--class-field 'type': value(s) sandy" in t for t in df.attrs["warnings"])
    # The JSON file holds the CLI's words, the same bytes as `redline shoreline --output`.
    assert "--class-field 'type': value(s) sandy" in (tmp_path / "s.json").read_text()
