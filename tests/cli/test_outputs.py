"""Where outputs go, for every command alike: `--output FILE` in a folder that does not exist is
an I/O error (exit 3) naming the folder, and nothing is created; report/demo `--output-dir`
creates missing parents instead (tests/cli/test_report.py)."""
import numpy as np
import pytest

from redline_testkit import ALBERS, box_wkt, run, write_layer, write_raster


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    d = tmp_path_factory.mktemp("outputs")
    a = np.ones((20, 20), dtype=np.uint8)
    b = a.copy()
    b[5:8, 5:8] = 8
    gt = (500000.0, 100.0, 0, 3400000.0, 0, -100.0)
    write_raster(d / "t0.tif", a, gt, ALBERS, nodata=0)
    write_raster(d / "t1.tif", b, gt, ALBERS, nodata=0)
    write_layer(d / "z.gpkg", "z", [box_wkt(500000, 3398000, 501000, 3399000),
                                    box_wkt(500500, 3398500, 501500, 3399500)], ALBERS, {"code": ["A", "B"]})
    write_layer(d / "coast.gpkg", "coast", ["LINESTRING(105 30, 105.1 30)"], "EPSG:4490", {"type": ["sandy"]})
    return d


COMMANDS = {
    "zonal": lambda d: ["zonal", "--raster", d / "t0.tif", "--zones", d / "z.gpkg:z"],
    "change": lambda d: ["change", "--t0", d / "t0.tif", "--t1", d / "t1.tif", "--zones", d / "z.gpkg:z",
                         "--matrix"],
    "area": lambda d: ["area", "--layer", d / "z.gpkg:z"],
    "conflicts": lambda d: ["conflicts", "--layer", d / "z.gpkg:z", "--self"],
    "validate": lambda d: ["validate", "--layer", d / "z.gpkg:z"],
    "shoreline": lambda d: ["shoreline", "--lines", d / "coast.gpkg:coast", "--class-field", "type"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("ext", [".csv", ".json"])
def test_output_in_a_missing_folder_is_an_io_error_naming_it(scene, tmp_path, command, ext):
    args = COMMANDS[command](scene)
    missing = tmp_path / "no" / "such"
    target = missing / f"out{ext}"
    if args[-1] != "--matrix":
        args.append("--output")
    p = run(*args, target)
    assert p.returncode == 3, (command, p.returncode, p.stderr)
    assert f"cannot write '{target}': directory '{missing}' does not exist" in p.stderr, p.stderr
    assert not (tmp_path / "no").exists()
