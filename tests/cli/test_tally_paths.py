"""Full cells inside a zone are counted per class (zonal) or per class pair (change) and added to
the exact tally once per row area (issue 19): few classes use four interleaved counter arrays,
more than 64 local classes a dirty list; equal-area grids flush once per zone and tile, geographic
grids once per row. Every path is checked against numpy counts on zones aligned to cell edges
(so every covered cell is full), with tiles that hold many classes and several tiles per zone."""
import math

import numpy as np
import pytest

from redline_testkit import ALBERS, box_wkt, read_csv, real, run, write_layer, write_raster

CELL = 30.0
ROWS = COLS = 300
X0, Y0 = 600000.0, 3600000.0


def scene(tmp_path, classes, seed):
    rng = np.random.default_rng(seed)
    t0 = rng.integers(1, classes + 1, size=(ROWS, COLS), dtype=np.uint8)
    t1 = t0.copy()
    flip = rng.random((ROWS, COLS)) < 0.2
    t1[flip] = rng.integers(1, classes + 1, size=int(flip.sum()), dtype=np.uint8)
    t0[:5, :] = 0  # nodata rows
    gt = (X0, CELL, 0, Y0, 0, -CELL)
    write_raster(tmp_path / "t0.tif", t0, gt, ALBERS, nodata=0, block=(128, 128), compress="DEFLATE")
    write_raster(tmp_path / "t1.tif", t1, gt, ALBERS, nodata=0, block=(128, 128), compress="DEFLATE")
    # Zone A: rows 2-249, cols 20-279 (cell-aligned, across nine 128-cell tiles, nodata included).
    r0, r1, c0, c1 = 2, 250, 20, 280
    a = box_wkt(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)
    write_layer(tmp_path / "z.gpkg", "zones", [a], ALBERS, {"code": ["A"]})
    return t0[r0:r1, c0:c1], t1[r0:r1, c0:c1]


@pytest.mark.parametrize("classes", [9, 200])
def test_zonal_counts_equal_numpy(tmp_path, classes):
    t0, _ = scene(tmp_path, classes, seed=classes)
    out = tmp_path / "z.csv"
    r = run("zonal", "--raster", tmp_path / "t0.tif", "--zones", tmp_path / "z.gpkg:zones", "--id", "code",
            "--tile-size", "128", "--threads", "2", "--output", out, "--quiet")
    assert r.returncode == 0, r.stderr
    got = {row["class"]: real(row["area_m2"]) for row in read_csv(out)}
    values, counts = np.unique(t0, return_counts=True)
    want = {("nodata" if v == 0 else str(v)): n * CELL * CELL for v, n in zip(values, counts)}
    assert len([k for k in want if k != "nodata"]) == classes
    for k, v in want.items():
        if k == "nodata" and k not in got:
            continue
        assert got[k] == v, (k, got[k], v)
    assert set(got) <= set(want)


@pytest.mark.parametrize("classes", [9, 30])
def test_change_matrix_equals_numpy(tmp_path, classes):
    t0, t1 = scene(tmp_path, classes, seed=100 + classes)
    m = tmp_path / "m.csv"
    r = run("change", "--t0", tmp_path / "t0.tif", "--t1", tmp_path / "t1.tif", "--zones", tmp_path / "z.gpkg:zones",
            "--id", "code", "--tile-size", "128", "--threads", "2", "--matrix", m, "--quiet")
    assert r.returncode == 0, r.stderr
    got = {(row["from"], row["to"]): real(row["area_m2"]) for row in read_csv(m)}
    valid = t0 > 0
    pairs, counts = np.unique(np.stack([t0[valid], t1[valid]]), axis=1, return_counts=True)
    want = {(str(a), str(b)): n * CELL * CELL for (a, b), n in zip(pairs.T, counts)}
    for k, v in want.items():
        assert got[k] == v, (k, got.get(k), v)
    assert sum(v for k, v in got.items() if k[0] != "nodata") == pytest.approx(sum(want.values()), rel=1e-12)


def quadrangle_m2(lat1, lat2, dlon):
    """Area of the GRS80 quadrangle between two parallels, dlon degrees wide (authalic form)."""
    a, f = 6378137.0, 1 / 298.257222101
    e2 = f * (2 - f)
    e = math.sqrt(e2)

    def g(lat):
        s = math.sin(math.radians(lat))
        return s / (1 - e2 * s * s) + math.log((1 + e * s) / (1 - e * s)) / (2 * e)

    return a * a * (1 - e2) * math.radians(dlon) / 2 * abs(g(lat2) - g(lat1))


def test_geographic_rows_flush_each_row(tmp_path):
    """On a lon/lat grid every row has its own cell area: the counted full cells of each row must
    be added with that row's area (numpy counts per row x the quadrangle area of the row)."""
    rng = np.random.default_rng(7)
    arr = rng.integers(1, 5, size=(200, 200), dtype=np.uint8)
    d = 0.01
    write_raster(tmp_path / "g.tif", arr, (100.0, d, 0, 40.0, 0, -d), "EPSG:4490", block=(64, 64))
    r0, r1, c0, c1 = 10, 190, 10, 190
    wide = box_wkt(100.0 + d * c0, 40.0 - d * r1, 100.0 + d * c1, 40.0 - d * r0)
    write_layer(tmp_path / "w.gpkg", "wide", [wide], "EPSG:4490", {"code": ["W"]})
    r = run("zonal", "--raster", tmp_path / "g.tif", "--zones", tmp_path / "w.gpkg:wide", "--id", "code",
            "--tile-size", "64", "--threads", "2", "--output", tmp_path / "w.csv", "--quiet")
    assert r.returncode == 0, r.stderr
    got = {row["class"]: real(row["area_m2"]) for row in read_csv(tmp_path / "w.csv")}
    want = {}
    for row in range(r0, r1):
        area = quadrangle_m2(40.0 - d * row, 40.0 - d * (row + 1), d)
        values, counts = np.unique(arr[row, c0:c1], return_counts=True)
        for v, n in zip(values, counts):
            want[str(v)] = want.get(str(v), 0.0) + n * area
    assert set(got) == set(want) == {"1", "2", "3", "4"}
    for k, v in want.items():
        assert got[k] == pytest.approx(v, rel=1e-9), k
    # The rows differ by more than the tolerance: one area for all rows would fail.
    assert quadrangle_m2(38.1, 38.11, d) / quadrangle_m2(39.89, 39.9, d) - 1 > 1e-3
