"""CGCS2000 3-degree Gauss-Krüger zones with the zone number in the easting (issue #15): a polygon in
zone 40 (EPSG:4528, eastings around 40,500,000) measures its ellipsoidal area, checked against an
independent geodesic computation (GeographicLib through pyproj) to 1e-9; and a layer with no CRS
whose eastings carry a zone prefix gets an error that names the likely EPSG code and the CRS option
of the command at hand -- never a silent assumption."""
import json

import numpy as np
import pytest
from pyproj import Geod, Transformer

from redline_testkit import box_wkt, read_csv_text, run, write_layer, write_raster

# A 10 km square 100 km east of zone 40's central meridian (120 E), near 29.8 N.
SQUARE = (40600000.0, 3300000.0, 40610000.0, 3310000.0)
HINT = "its coordinates look like CGCS2000 3-degree Gauss-Krüger zone 40, EPSG:4528"


def geodesic_area(x0, y0, x1, y1, step=1.0):
    """Ellipsoidal area of the GK-40 rectangle: its straight edges sampled every `step` metres in the
    plane, inverse-projected by PROJ, and the ring's area taken on GRS80 with GeographicLib (geodesic
    edges of 1 m differ from the projected straight edges by far less than 1e-9 of the area)."""
    n = int(round((x1 - x0) / step))
    m = int(round((y1 - y0) / step))
    xs = np.concatenate([np.linspace(x0, x1, n, endpoint=False), np.full(m, x1),
                         np.linspace(x1, x0, n, endpoint=False), np.full(m, x0)])
    ys = np.concatenate([np.full(n, y0), np.linspace(y0, y1, m, endpoint=False),
                         np.full(n, y1), np.linspace(y1, y0, m, endpoint=False)])
    lon, lat = Transformer.from_crs("EPSG:4528", "EPSG:4490", always_xy=True).transform(xs, ys)
    area, _ = Geod(ellps="GRS80").polygon_area_perimeter(lon, lat)
    return abs(area)


def test_zone_40_polygon_measures_its_ellipsoidal_area(tmp_path):
    expected = geodesic_area(*SQUARE)
    plane = (SQUARE[2] - SQUARE[0]) * (SQUARE[3] - SQUARE[1])
    # The plane area of the conformal projection is 100-110 km east of the meridian larger by
    # about (1 + x^2 / 2R^2)^2 - 1 = x^2 / R^2 = 2.7e-4 (x = 105 km): a test at 1e-9 tells the two
    # apart.
    assert 2.6e-4 < plane / expected - 1 < 2.8e-4
    path = write_layer(tmp_path / "gk40.gpkg", "gk40", [box_wkt(*SQUARE)], "EPSG:4528")
    r = run("area", "--layer", path, "--output", tmp_path / "a.json")
    assert r.returncode == 0, r.stderr
    area = json.loads((tmp_path / "a.json").read_text())["rows"][0]["area_m2"]
    assert abs(area / expected - 1) < 1e-9
    # Declared by hand on a layer without CRS, the code of the hint gives the same area.
    nocrs = write_layer(tmp_path / "n.shp", "n", [box_wkt(*SQUARE)], crs=None)
    r = run("area", "--layer", nocrs, "--layer-crs", "EPSG:4528")
    assert r.returncode == 0, r.stderr
    assert abs(float(read_csv_text(r.stdout)[0]["area_m2"]) / expected - 1) < 1e-9


@pytest.fixture
def nocrs(tmp_path):
    """The zone-40 square, a line along its south edge and a raster over it, all in GK-40
    coordinates; `poly` and `line` have no .prj."""
    poly = write_layer(tmp_path / "poly.shp", "poly", [box_wkt(*SQUARE)], crs=None, fields={"name": ["a"]})
    line = write_layer(tmp_path / "line.shp", "line", [f"LINESTRING({SQUARE[0]} {SQUARE[1]},{SQUARE[2]} {SQUARE[1]})"],
                       crs=None, fields={"type": ["sandy"]})
    line_crs = write_layer(tmp_path / "line40.gpkg", "line40",
                           [f"LINESTRING({SQUARE[0]} {SQUARE[1]},{SQUARE[2]} {SQUARE[1]})"], crs="EPSG:4528",
                           fields={"type": ["sandy"]})
    tif = write_raster(tmp_path / "lc.tif", np.ones((10, 10), dtype=np.uint8),
                       (SQUARE[0], 1000.0, 0, SQUARE[3], 0, -1000.0), "EPSG:4528", nodata=0)
    return tmp_path, poly, line, line_crs, tif


def expect_hint(args, option, code=2):
    r = run(*args)
    assert r.returncode == code, (args, r.returncode, r.stderr)
    assert "has no CRS" in r.stderr, r.stderr
    assert HINT in r.stderr, r.stderr
    assert f"pass {option} EPSG:4528 if so" in r.stderr, r.stderr
    return r


def test_no_crs_error_names_the_zone_and_the_option_of_each_command(nocrs):
    d, poly, line, line_crs, tif = nocrs
    expect_hint(["area", "--layer", poly], "--layer-crs")
    expect_hint(["conflicts", "--layer", poly, "--self"], "--layer-crs")
    expect_hint(["zonal", "--raster", tif, "--zones", poly], "--zones-crs")
    expect_hint(["change", "--t0", tif, "--t1", tif, "--zones", poly, "--matrix", d / "m.csv"], "--zones-crs")
    assert not (d / "m.csv").exists()
    expect_hint(["shoreline", "--lines", line, "--class-field", "type"], "--lines-crs")
    r = expect_hint(["shoreline", "--lines", line_crs, "--class-field", "type", "--mainland", poly],
                    "--mainland-crs")
    assert "--mainland layer 'poly'" in r.stderr
    expect_hint(["shoreline", "--lines", line_crs, "--class-field", "type", "--by", poly, "--by-id", "name"],
                "--by-crs")


def test_validate_reports_the_likely_crs_as_its_missing_crs_detail(nocrs):
    d, poly, *_ = nocrs
    out = d / "v.csv"
    r = run("validate", "--layer", poly, "--output", out)
    assert r.returncode == 5, r.stderr
    rows = [x for x in read_csv_text(out.read_text(encoding="utf-8")) if x["problem"] == "missing_crs"]
    assert len(rows) == 1
    assert HINT in rows[0]["detail"] and "pass --layer-crs EPSG:4528 if so" in rows[0]["detail"]


def test_report_has_no_crs_option_and_says_to_declare_it_in_the_file(nocrs):
    d, *_ = nocrs
    cfg = d / "r.yaml"
    cfg.write_text("version: 1\ninputs:\n  redline: poly.shp\nindicators:\n  - id: ecr_area\n", encoding="utf-8")
    r = run("report", "--config", cfg, "--output-dir", d / "out")
    assert r.returncode == 2, r.stderr
    assert HINT in r.stderr and "declare EPSG:4528 in the file if so" in r.stderr
    assert "layer-crs" not in r.stderr
    assert not (d / "out").exists()


def test_no_hint_without_a_zone_prefix(tmp_path):
    """Eastings without a prefix (480,000) or a prefix outside 25..45 / 13..23: the plain error."""
    for x0, name in ((480000.0, "plain"), (50500000.0, "zone50")):
        path = write_layer(tmp_path / f"{name}.shp", name, [box_wkt(x0, 3300000.0, x0 + 1000, 3301000.0)], crs=None)
        r = run("area", "--layer", path)
        assert r.returncode == 2 and "has no CRS" in r.stderr and "--layer-crs" in r.stderr
        assert "look like" not in r.stderr and "Gauss" not in r.stderr
