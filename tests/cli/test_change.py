"""`redline change` contract (issue #4): planted changes, MMU, connectivity, zones, permitted,
matrix identities, determinism and bad input."""
import json

import numpy as np
import pytest
from osgeo import ogr

from redline_testkit import (ALBERS, box_wkt, no_temp_files, read_csv, read_csv_text, real_text, run,
                             write_layer, write_raster)

X0, Y0, CELL = 600000.0, 3600000.0, 10.0
GT = (X0, CELL, 0, Y0, 0, -CELL)


def cell_box(r0, c0, r1, c1):
    """Polygon covering cells rows r0..r1-1, cols c0..c1-1."""
    return box_wkt(X0 + c0 * CELL, Y0 - r1 * CELL, X0 + c1 * CELL, Y0 - r0 * CELL)


@pytest.fixture
def scene(tmp_path):
    """20 x 20 forest (2) at t0. At t1:
      - a 2x2 block turned impervious (8) at rows 2-3, cols 2-3           -> violation (4 cells)
      - an L of 3 cells turned impervious at (2,10),(3,10),(3,11)          -> below-mmu
      - a diagonal pair turned cropland (1) at (8,2) and (9,3)             -> 1 patch (8-conn) / 2 (4-conn)
      - a 2x3 block turned impervious at rows 12-13, cols 8-10, which straddles the border between
        zone A (cols 0-9) and zone B (cols 10-19): a 4-cell patch in A and a 2-cell patch in B
      - a 2x2 block forest->water (5): natural->natural, a change but no violation
      - a 2x2 block turned impervious at rows 16-17, cols 2-3, inside the permitted corridor
      - one nodata cell at (19,19) in both dates
    """
    t0 = np.full((20, 20), 2, dtype=np.uint8)
    t1 = t0.copy()
    t1[2:4, 2:4] = 8
    t1[2, 10] = 8
    t1[3, 10:12] = 8
    t1[8, 2] = 1
    t1[9, 3] = 1
    t1[12:14, 8:11] = 8          # straddles the A/B border at col 9|10? A covers cols 0-9 (x<100)
    t1[5:7, 15:17] = 5
    t1[16:18, 2:4] = 8
    t0[19, 19] = 0                # a nodata cell in both
    t1[19, 19] = 0
    a = write_raster(tmp_path / "t0.tif", t0, GT, ALBERS, nodata=0)
    b = write_raster(tmp_path / "t1.tif", t1, GT, ALBERS, nodata=0)
    zones = write_layer(tmp_path / "plan.gpkg", "redline",
                        [cell_box(0, 0, 20, 10), cell_box(0, 10, 20, 20)], ALBERS, {"code": ["A", "B"]})
    write_layer(zones, "permitted", [cell_box(15, 1, 19, 5)], ALBERS, {"code": ["road"]}, append=True)
    return tmp_path, a, b, zones


def patches_of(p):
    assert p.returncode == 0, p.stderr
    return p


def test_planted_changes_found_with_exact_areas(scene):
    d, a, b, z = scene
    p = run("change", "--t0", a, "--t1", b, "--zones", f"{z}:redline", "--id", "code",
            "--patches", d / "p.csv", "--matrix", d / "m.csv", "--permitted", f"{z}:permitted")
    assert p.returncode == 0, p.stderr
    rows = read_csv(d / "p.csv")
    assert list(rows[0].keys())[:12] == ["patch_id", "zone", "rule", "from", "to", "pixels", "area_m2",
                                         "x", "y", "lon", "lat", "status"]
    got = [(r["patch_id"], r["zone"], r["from"], r["to"], r["pixels"], r["area_m2"], r["status"]) for r in rows]
    assert got == [
        ("1", "A", "2", "8", "4", real_text(400), "violation"),       # rows 2-3, cols 2-3
        ("2", "A", "2", "1", "2", real_text(200), "below-mmu"),       # diagonal pair (8-conn)
        ("3", "A", "2", "8", "4", real_text(400), "violation"),       # rows 12-13, cols 8-9 (A part)
        ("4", "A", "2", "8", "4", real_text(400), "permitted"),       # rows 16-17 in the corridor
        ("5", "B", "2", "8", "3", real_text(300), "below-mmu"),       # the L at cols 10-11
        ("6", "B", "2", "8", "2", real_text(200), "below-mmu"),       # rows 12-13, col 10 (B part)
    ]
    # x/y: centre of the top-left-most largest cell; lon/lat near 110.4 E, 31.8 N for this Albers origin.
    assert float(rows[0]["x"]) == X0 + 2.5 * CELL and float(rows[0]["y"]) == Y0 - 2.5 * CELL
    assert 100 < float(rows[0]["lon"]) < 120 and 25 < float(rows[0]["lat"]) < 40
    assert float(rows[3]["permitted_share"]) == 1.0
    assert "rule natural-to-human: 2 violation patch(es), 800.00 m2; 1 permitted, 400.00 m2; 3 below the MMU, 700.00 m2" in p.stderr
    m = read_csv(d / "m.csv")
    mat = {(r["zone"], r["from"], r["to"]): float(r["area_m2"]) for r in m}
    assert mat[("A", "2", "8")] == 1200.0 and mat[("A", "2", "1")] == 200.0
    assert mat[("B", "2", "5")] == 400.0 and mat[("B", "nodata", "nodata")] == 100.0
    assert mat[("A", "2", "2")] == 20000.0 - 1400.0
    assert [k for k in mat if k[0] == "B"][-1] == ("B", "nodata", "nodata")  # nodata sorts last
    assert no_temp_files(d)


def test_four_connectivity_splits_the_diagonal_pair(scene):
    d, a, b, z = scene
    p = run("change", "--t0", a, "--t1", b, "--zones", f"{z}:redline", "--id", "code",
            "--patches", d / "p.csv", "--connectivity", "4")
    assert p.returncode == 0, p.stderr
    diag = [r for r in read_csv(d / "p.csv") if r["to"] == "1"]
    assert [(r["pixels"], r["area_m2"], r["status"]) for r in diag] == [("1", real_text(100), "below-mmu")] * 2


def test_mmu_threshold(scene):
    d, a, b, z = scene
    for mmu, status in (("3", "violation"), ("4", "below-mmu")):
        run("change", "--t0", a, "--t1", b, "--zones", f"{z}:redline", "--id", "code", "--patches",
            d / "p.csv", "--mmu-pixels", mmu)
        l_patch = [r for r in read_csv(d / "p.csv") if r["pixels"] == "3"][0]
        assert l_patch["status"] == status, mmu


def test_matrix_rows_sum_to_the_t0_zonal_areas(scene):
    d, a, b, z = scene
    m = read_csv_text(run("change", "--t0", a, "--t1", b, "--zones", f"{z}:redline", "--id", "code").stdout)
    zon = read_csv_text(run("zonal", "--raster", a, "--zones", f"{z}:redline", "--id", "code").stdout)
    sums = {}
    for r in m:
        sums[(r["zone"], r["from"])] = sums.get((r["zone"], r["from"]), 0.0) + float(r["area_m2"])
    assert sums == pytest.approx({(r["zone"], r["class"]): float(r["area_m2"]) for r in zon}, abs=1e-6)


def test_partial_cells_and_geometry(tmp_path):
    """Exact mode with a zone cutting cells in half: areas and patch polygons are the covered part."""
    t0 = np.full((6, 6), 4, dtype=np.uint8)
    t1 = t0.copy()
    t1[1:3, 1:4] = 8                                   # 6 cells grassland -> impervious
    a = write_raster(tmp_path / "a.tif", t0, GT, ALBERS, nodata=0)
    b = write_raster(tmp_path / "b.tif", t1, GT, ALBERS, nodata=0)
    z = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(X0, Y0 - 60, X0 + 25, Y0)], ALBERS)  # cols 0-1, half of col 2
    p = run("change", "--t0", a, "--t1", b, "--zones", z, "--patches", tmp_path / "p.gpkg")
    assert p.returncode == 0, p.stderr
    ds = ogr.Open(str(tmp_path / "p.gpkg"))
    lyr = ds.GetLayer(0)
    feats = list(lyr)
    assert len(feats) == 1
    f = feats[0]
    assert f["pixels"] == 4 and f["area_m2"] == pytest.approx(300.0, abs=1e-9)  # 2 full + 2 half cells
    assert f.GetGeometryRef().GetArea() == pytest.approx(300.0, abs=1e-6)
    # centroid mode: half cells are out (centre at x = 25 is on the right edge)
    p = run("change", "--t0", a, "--t1", b, "--zones", z, "--patches", tmp_path / "c.csv", "--mode", "centroid")
    rows = read_csv(tmp_path / "c.csv")
    assert [(r["pixels"], r["area_m2"]) for r in rows] == [("2", real_text(200))]


def test_cropland_preset_and_rules_file(tmp_path):
    t0 = np.array([[1, 1, 2], [1, 1, 2], [4, 4, 4]], dtype=np.uint8)
    t1 = np.array([[8, 1, 1], [2, 1, 2], [4, 1, 0]], dtype=np.uint8)
    a = write_raster(tmp_path / "a.tif", t0, GT, ALBERS, nodata=0)
    b = write_raster(tmp_path / "b.tif", t1, GT, ALBERS, nodata=0)
    z = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(X0, Y0 - 30, X0 + 30, Y0)], ALBERS)
    p = run("change", "--t0", a, "--t1", b, "--zones", z, "--preset", "cropland", "--patches", tmp_path / "p.csv",
            "--mmu-pixels", "1")
    assert p.returncode == 0, p.stderr
    rows = read_csv(tmp_path / "p.csv")
    # cropland->impervious at (0,0) and cropland->forest at (1,0): one 8-connected patch of 2 cells
    assert [(r["rule"], r["pixels"], r["status"]) for r in rows] == [("cropland-loss", "2", "violation")]
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - name: any-to-crop\n    from: [forest, grassland]\n    to: [1]\n", encoding="utf-8")
    p = run("change", "--t0", a, "--t1", b, "--zones", z, "--rules", rules, "--patches", tmp_path / "q.csv",
            "--mmu-pixels", "1")
    assert p.returncode == 0, p.stderr
    rows = read_csv(tmp_path / "q.csv")
    # forest->crop at (0,2), grass->crop at (2,1): (0,2) and (2,1) are not adjacent -> 2 patches
    assert [(r["rule"], r["from"], r["pixels"]) for r in rows] == [("any-to-crop", "2", "1"), ("any-to-crop", "4", "1")]


def test_identical_bytes_for_threads_and_tiles(tmp_path):
    rng = np.random.default_rng(3)
    t0 = rng.integers(1, 10, size=(300, 400), dtype=np.uint8)
    t1 = t0.copy()
    mask = rng.random((300, 400)) < 0.05
    t1[mask] = rng.choice([1, 8], size=mask.sum())
    a = write_raster(tmp_path / "a.tif", t0, GT, ALBERS, nodata=0, block=(64, 64))
    b = write_raster(tmp_path / "b.tif", t1, GT, ALBERS, nodata=0, block=(64, 64))
    zs = [box_wkt(X0 + 100 * i + 3.3, Y0 - 2900 + 7.7 * i, X0 + 100 * i + 1500.1, Y0 - 13.1 * i) for i in range(12)]
    z = write_layer(tmp_path / "z.gpkg", "z", zs, ALBERS)
    outs = set()
    for threads, ts in (("1", "1024"), ("2", "64"), ("8", "100")):
        p = run("change", "--t0", a, "--t1", b, "--zones", z, "--threads", threads, "--tile-size", ts,
                "--matrix", tmp_path / f"m{threads}.csv", "--patches", tmp_path / f"p{threads}.csv")
        assert p.returncode == 0, p.stderr
        outs.add((tmp_path / f"m{threads}.csv").read_bytes() + (tmp_path / f"p{threads}.csv").read_bytes())
    assert len(outs) == 1


def test_json_outputs_carry_the_summary(scene):
    d, a, b, z = scene
    assert run("change", "--t0", a, "--t1", b, "--zones", f"{z}:redline", "--matrix", d / "m.json",
               "--patches", d / "p.json").returncode == 0
    j = json.loads((d / "p.json").read_text(encoding="utf-8"))
    # without --permitted the corridor patch is a violation too
    assert j["summary"][0]["rule"] == "natural-to-human" and j["summary"][0]["violations"] == 3
    assert j["meta"]["rules"]["rules"][0]["from"] == [2, 3, 4, 5, 6, 7, 9]
    assert j["meta"]["rules"]["rules"][0]["to"] == [1, 8]


# ---------------------------------------------------------------- bad input

def expect_error(args, code, *fragments):
    p = run(*args)
    assert p.returncode == code, (p.returncode, p.stderr)
    for f in fragments:
        assert f in p.stderr, (f, p.stderr)


def test_mismatched_grids(scene, tmp_path):
    d, a, b, z = scene
    arr = np.full((20, 21), 2, dtype=np.uint8)
    wide = write_raster(tmp_path / "wide.tif", arr, GT, ALBERS, nodata=0)
    shifted = write_raster(tmp_path / "shift.tif", np.full((20, 20), 2, np.uint8), (X0 + 5, CELL, 0, Y0, 0, -CELL), ALBERS)
    other = write_raster(tmp_path / "utm.tif", np.full((20, 20), 2, np.uint8), GT, "EPSG:32649")
    out = tmp_path / "m.csv"
    expect_error(["change", "--t0", a, "--t1", wide, "--zones", z, "--matrix", out], 2, "do not share a grid", "sizes",
                 "20 x 20", "21 x 20", "gdalwarp")
    expect_error(["change", "--t0", a, "--t1", shifted, "--zones", z], 2, "origins")
    expect_error(["change", "--t0", a, "--t1", other, "--zones", z], 2, "CRSs", "EPSG:32649")
    assert not out.exists() and no_temp_files(tmp_path)


def test_bad_rules(scene, tmp_path):
    d, a, b, z = scene
    r = tmp_path / "r.yaml"
    r.write_text("rules:\n  - name: x\n    from: [forest]\n    to: [42]\n", encoding="utf-8")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--rules", r], 2, "unknown class code 42",
                 "line 4", "clcd")
    r.write_text("rules:\n  - name: x\n    from: [forest\n    to: [8]\n", encoding="utf-8")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--rules", r], 2, "r.yaml' line")
    r.write_text("rules:\n  - name: x\n    from: [woods]\n    to: [8]\n", encoding="utf-8")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--rules", r], 2, "'woods'", "neither a class code nor a group")
    r.write_text("rules:\n  - name: x\n    form: [forest]\n    to: [8]\n", encoding="utf-8")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--rules", r], 2, "unknown key 'form'")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--rules", tmp_path / "none.yaml"], 3, "cannot open rules file")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--rules", r, "--preset", "cropland"], 2, "excludes")


def test_missing_inputs(scene, tmp_path):
    d, a, b, z = scene
    expect_error(["change", "--t0", tmp_path / "x.tif", "--t1", b, "--zones", z], 3, "x.tif")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", f"{z}:nolayer"], 2, "no layer 'nolayer'")
    expect_error(["change", "--t0", a, "--t1", b, "--zones", z, "--patches", tmp_path / "p.shp"], 2, "--patches", ".gpkg")
    expect_error(["change", "--t1", b, "--zones", z], 2, "--t0 is required")
