"""Python bindings (issue #7): same numbers and bytes as the CLI, numpy and GeoDataFrame inputs,
error types, GIL release, Ctrl-C, progress."""
import os
import signal
import threading
import time

import numpy as np
import pandas as pd
import pytest

import redline
from redline_testkit import ALBERS, TESTDATA, box_wkt, read_csv, real_text, run, write_layer, write_raster

X0, Y0 = 600000.0, 3600000.0
GT = (X0, 10.0, 0, Y0, 0, -10.0)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("py")
    rng = np.random.default_rng(9)
    arr = rng.integers(0, 10, size=(400, 500), dtype=np.uint8)
    r = write_raster(d / "lc.tif", arr, GT, ALBERS, nodata=0, block=(128, 128))
    t1 = arr.copy()
    m = rng.random(arr.shape) < 0.03
    t1[m] = 8
    r1 = write_raster(d / "lc1.tif", t1, GT, ALBERS, nodata=0, block=(128, 128))
    wkts, codes, kinds = [], [], []
    for i in range(25):
        x, y = X0 + 150 * i + 3.3, Y0 - 120 * i - 7.1
        wkts.append(box_wkt(x, y - 900.5, x + 1400.25, y))
        codes.append(f"Z{i:02d}")
        kinds.append("a" if i % 3 else "b")
    z = write_layer(d / "plan.gpkg", "redline", wkts, ALBERS, {"code": codes, "kind": kinds})
    write_layer(z, "cropland", [box_wkt(X0 + 100, Y0 - 3000, X0 + 2100, Y0 - 100)], ALBERS, {"code": ["C1"]}, append=True)
    return {"dir": d, "arr": arr, "raster": r, "t1": r1, "zones": z, "wkts": wkts, "codes": codes}


def test_zonal_matches_cli_bytes_and_values(data):
    d = data["dir"]
    cli = run("zonal", "--raster", data["raster"], "--zones", f"{data['zones']}:redline", "--id", "code",
              "--classes", "clcd", "--output", d / "cli.csv")
    assert cli.returncode == 0, cli.stderr
    df = redline.zonal(data["raster"], f"{data['zones']}:redline", id="code", classes="clcd", output=d / "py.csv")
    assert (d / "py.csv").read_bytes() == (d / "cli.csv").read_bytes()
    rows = read_csv(d / "cli.csv")
    assert list(df.columns) == list(rows[0].keys())
    assert len(df) == len(rows)
    # The CSV holds every double to the last bit: the text is the shortest round-trip form of the
    # DataFrame's value (Python's repr, an implementation independent of the engine's).
    for col in ("area_m2", "share", "cells"):
        assert [real_text(v) for v in df[col]] == [r[col] for r in rows]
    assert list(df["class"]) == [r["class"] for r in rows]
    assert df.attrs["meta"]["ellipsoid"] == "CGCS2000 (GRS80)"
    for fmt in ("json", "gpkg"):
        run("zonal", "--raster", data["raster"], "--zones", f"{data['zones']}:redline", "--id", "code",
            "--output", d / f"cli.{fmt}")
        redline.zonal(data["raster"], f"{data['zones']}:redline", id="code", output=d / f"py.{fmt}")
        if fmt == "json":
            assert (d / f"py.{fmt}").read_bytes() == (d / f"cli.{fmt}").read_bytes()


def test_numpy_array_equals_file_input(data):
    from shapely import wkt as shapely_wkt
    geoms = [shapely_wkt.loads(w) for w in data["wkts"]]
    a = redline.zonal(data["raster"], f"{data['zones']}:redline")
    b = redline.zonal(data["arr"], geoms, transform=GT, crs=ALBERS, nodata=0)
    # Feature ids: GeoPackage fids start at 1, a list is numbered from 0.
    a["zone"] = [str(int(z) - 1) for z in a["zone"]]
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True)
    # WKB bytes work too, and a non-contiguous view is accepted (copied once).
    c = redline.zonal(np.asfortranarray(data["arr"]), [g.wkb for g in geoms], transform=GT, crs=ALBERS, nodata=0)
    assert list(c["area_m2"]) == list(b["area_m2"])


def test_geodataframe_zones(data):
    import geopandas as gpd
    gdf = gpd.read_file(data["zones"], layer="redline")
    a = redline.zonal(data["raster"], f"{data['zones']}:redline", id="code")
    b = redline.zonal(data["raster"], gdf, id="code")
    assert list(a["area_m2"]) == list(b["area_m2"]) and list(a["zone"]) == list(b["zone"])
    by = redline.zonal(data["raster"], gdf, dissolve_by="kind")
    cli = read_csv_run("zonal", "--raster", data["raster"], "--zones", f"{data['zones']}:redline",
                       "--dissolve-by", "kind")
    assert [real_text(v) for v in by["area_m2"]] == [r["area_m2"] for r in cli]
    # A GeoDataFrame in another CRS is a mismatch, as on the command line.
    with pytest.raises(ValueError, match="CRS mismatch"):
        redline.zonal(data["raster"], gdf.to_crs("EPSG:4490"))
    ok = redline.zonal(data["raster"], gdf.to_crs("EPSG:4490"), reproject=True, id="code")
    assert ok["area_m2"].sum() == pytest.approx(a["area_m2"].sum(), rel=1e-6)


def read_csv_run(*args):
    from redline_testkit import read_csv_text
    p = run(*args)
    assert p.returncode == 0, p.stderr
    return read_csv_text(p.stdout)


def test_change_matches_cli(data):
    d = data["dir"]
    run("change", "--t0", data["raster"], "--t1", data["t1"], "--zones", f"{data['zones']}:redline", "--id", "code",
        "--matrix", d / "m_cli.csv", "--patches", d / "p_cli.csv")
    m, p = redline.change(data["raster"], data["t1"], f"{data['zones']}:redline", id="code",
                          matrix_output=d / "m_py.csv", patches_output=d / "p_py.csv")
    assert (d / "m_py.csv").read_bytes() == (d / "m_cli.csv").read_bytes()
    assert (d / "p_py.csv").read_bytes() == (d / "p_cli.csv").read_bytes()
    assert len(p) == len(read_csv(d / "p_cli.csv")) > 0
    assert p.attrs["summary"][0]["rule"] == "natural-to-human"


def test_vector_functions_match_cli(data):
    d = data["dir"]
    z = data["zones"]
    cases = [
        (("area", "--layer", f"{z}:redline", "--id", "code"), lambda o: redline.area(f"{z}:redline", id="code", output=o)),
        (("area", "--layer", f"{z}:redline", "--dissolve-by", "kind"),
         lambda o: redline.area(f"{z}:redline", dissolve_by="kind", output=o)),
        (("conflicts", "--layer", f"{z}:redline", "--layer", f"{z}:cropland", "--id", "code"),
         lambda o: redline.conflicts([f"{z}:redline", f"{z}:cropland"], id="code", output=o)),
    ]
    for i, (args, fn) in enumerate(cases):
        p = run(*args, "--output", d / f"v{i}_cli.csv")
        assert p.returncode == 0, p.stderr
        df = fn(d / f"v{i}_py.csv")
        assert (d / f"v{i}_py.csv").read_bytes() == (d / f"v{i}_cli.csv").read_bytes(), args
        assert len(df) == len(read_csv(d / f"v{i}_cli.csv"))
    p = run("validate", "--layer", f"{z}:redline", "--id", "code", "--output", d / "val_cli.csv")
    df = redline.validate(f"{z}:redline", id="code", output=d / "val_py.csv")
    assert (d / "val_py.csv").read_bytes() == (d / "val_cli.csv").read_bytes()
    assert (p.returncode == 0) == df.empty


def test_shoreline_matches_cli(tmp_path):
    lines = write_layer(tmp_path / "coast.gpkg", "coast",
                        ["LINESTRING(105 30, 105 30.2)", "LINESTRING(105 30.2, 105.1 30.3)"], "EPSG:4490",
                        {"type": ["sandy", "artificial"]})
    p = run("shoreline", "--lines", lines, "--class-field", "type", "--output", tmp_path / "s_cli.csv")
    assert p.returncode == 0, p.stderr
    df = redline.shoreline(lines, class_field="type", output=tmp_path / "s_py.csv")
    assert (tmp_path / "s_py.csv").read_bytes() == (tmp_path / "s_cli.csv").read_bytes()
    assert df["region"][0] == "all"


def test_errors_have_python_types_and_cli_text(data, tmp_path):
    z = f"{data['zones']}:redline"
    cli = run("zonal", "--raster", data["raster"], "--zones", z, "--id", "nosuch")
    with pytest.raises(ValueError) as e:
        redline.zonal(data["raster"], z, id="nosuch")
    # The CLI's text, with the option named as Python names it (core/option_name.hpp).
    assert cli.stderr.strip() == f"error: {e.value}".replace("(id=)", "(--id)")
    assert "(id=)" in str(e.value)
    with pytest.raises(OSError, match="no such file"):
        redline.zonal(tmp_path / "missing.tif", z)
    with pytest.raises(NotImplementedError, match="rotated"):
        redline.zonal(data["arr"], data["wkts"][:0] or [b""], transform=(0, 1, 0.1, 0, 0, -1), crs="EPSG:4326")
    with pytest.raises(ValueError, match="integer class codes"):
        redline.zonal(data["arr"].astype(np.float32), [b""], transform=GT, crs=ALBERS)
    with pytest.raises(ValueError, match="crs="):
        redline.zonal(data["arr"], [b""], transform=GT)
    with pytest.raises(ValueError, match="unknown --preset|redline or cropland"):
        redline.change(data["raster"], data["t1"], z, preset="forest")


MIB = 1 << 20


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """Two dates of a 1024 x 1024 raster in 128 x 128 blocks and zones over all of it: with
    tile_size=4096 one tile holds the whole raster, so a limit below one worker's full tile in the
    engine's memory model must shrink the tiles."""
    d = tmp_path_factory.mktemp("wide")
    rng = np.random.default_rng(3)
    t0 = rng.integers(1, 10, size=(1024, 1024), dtype=np.uint8)
    t1 = t0.copy()
    t1[rng.random(t0.shape) < 0.02] = 8
    r0 = write_raster(d / "t0.tif", t0, GT, ALBERS, nodata=0, block=(128, 128))
    r1 = write_raster(d / "t1.tif", t1, GT, ALBERS, nodata=0, block=(128, 128))
    z = write_layer(d / "z.gpkg", "z", [box_wkt(X0 + 5, Y0 - 10235, X0 + 10235, Y0 - 5),
                                        box_wkt(X0 + 2000.5, Y0 - 6000, X0 + 7000, Y0 - 1000.5)], ALBERS)
    return r0, r1, f"{z}:z"


def zonal_tasks(raster, zones, **kw):
    """Tasks (busy tiles) of the job redline.zonal would run, as redline.distributed prepares it."""
    opts, array = redline._zonal_options(
        raster, zones, id=None, mode="exact", dissolve=False, dissolve_by=None, classes=None, threads=1, band=1,
        tile_size=kw.get("tile_size", 1024), reproject=False, make_valid=False, zones_crs=None, densify=100.0,
        transform=None, crs=None, nodata=None, max_memory=kw.get("max_memory"))
    return redline._core.ZonalJob.prepare(opts, array).task_count()


def change_tasks(t0, t1, zones, **kw):
    opts = redline._change_options(
        t0, t1, zones, id=None, preset="redline", rules=None, classes="clcd", mmu_pixels=4, connectivity=8,
        permitted=None, mode="exact", threads=1, band=1, tile_size=kw.get("tile_size", 1024), reproject=False,
        make_valid=False, zones_crs=None, permitted_min_share=0.5, patch_geometry=False,
        max_memory=kw.get("max_memory"))
    return redline._core.ChangeJob.prepare(opts).task_count()


def test_max_memory_shrinks_the_tiles(wide):
    # The model (engine/include/redline/exec/memory_budget.hpp): 64 MiB for the process, 48 bytes
    # per zone vertex and 1 KiB per zone, no block cache for 128 x 128 blocks, and per worker
    # tile cells x 10 bytes (zonal) or 28 bytes (change). One worker on the whole raster
    # (1024^2 cells) needs 10 MiB (zonal) and 28 MiB (change) above the base; tiles of 512^2
    # need a quarter of that. So these limits admit 512 but not 1024 or more: 2 x 2 tiles.
    r0, r1, z = wide
    zonal_limit, change_limit = 64 * MIB + 6 * MIB, 64 * MIB + 16 * MIB
    assert zonal_tasks(r0, z, tile_size=4096) == 1
    assert zonal_tasks(r0, z, tile_size=4096, max_memory=zonal_limit) == 4
    assert zonal_tasks(r0, z, tile_size=4096, max_memory="70M") == 4  # the same limit as text
    assert change_tasks(r0, r1, z, tile_size=4096) == 1
    assert change_tasks(r0, r1, z, tile_size=4096, max_memory=change_limit) == 4
    # The CLI says so in its plan, and the results are those of the unbounded run.
    p = run("zonal", "--raster", r0, "--zones", z, "--tile-size", 4096, "--threads", 1, "--verbose",
            "--max-memory", zonal_limit, "--output", "-")
    assert p.returncode == 0, p.stderr
    assert "tile size 512 (reduced from 4096)" in p.stderr
    assert "tile plan: 2 x 2 tiles of 512 x 512 cells" in p.stderr
    ref = redline.zonal(r0, z, tile_size=4096, threads=1)
    small = redline.zonal(r0, z, tile_size=4096, threads=1, max_memory=zonal_limit)
    pd.testing.assert_frame_equal(small, ref, check_exact=True)
    m0, p0 = redline.change(r0, r1, z, tile_size=4096, threads=1)
    m1, p1 = redline.change(r0, r1, z, tile_size=4096, threads=1, max_memory=change_limit)
    pd.testing.assert_frame_equal(m1, m0, check_exact=True)
    pd.testing.assert_frame_equal(p1, p0, check_exact=True)
    assert len(m0) > 0 and len(p0) > 0


def test_max_memory_too_small_or_not_a_size(data, wide):
    r0, r1, z = wide
    # Below even the smallest tiles (one 128 x 128 block: 160 KiB per worker): refused before any
    # work, with the model's terms: the two zones' 10 vertices, the block size, one worker.
    with pytest.raises(ValueError, match=r"max_memory=64 MiB is too small for this job: .*for 2 zones with 10 "
                                         r"vertices, 0 KiB of GDAL block cache, 160 KiB per worker x 1\)"):
        redline.zonal(r0, z, threads=1, max_memory=64 * MIB + 100 * 1024, output=data["dir"] / "never.csv")
    assert not (data["dir"] / "never.csv").exists()
    with pytest.raises(ValueError, match="max_memory=1 MiB is too small for this job"):
        redline.zonal(data["raster"], f"{data['zones']}:redline", max_memory=1 << 20)
    with pytest.raises(ValueError, match="max_memory 'lots' is not a size"):
        redline.change(data["raster"], data["t1"], f"{data['zones']}:redline", max_memory="lots")


def test_progress_callable_and_warnings(data):
    calls = []
    redline.zonal(data["raster"], f"{data['zones']}:redline", tile_size=64,
                  progress=lambda done, total, label: calls.append((done, total, label)))
    assert calls and calls[-1][0] == calls[-1][1] and calls[-1][2] == "zonal"
    assert all(a[0] <= b[0] for a, b in zip(calls, calls[1:]))
    with pytest.warns(redline.RedlineWarning, match="Byte band cannot hold"):
        d = TESTDATA / "sao_miguel_clc"  # CORINE raster with nodata -128 on a Byte band
        redline.zonal(d / "clc2018_v2020_20u1.tif", d / "zones.fgb", id="name")


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("big")
    arr = np.random.default_rng(1).integers(1, 10, size=(3000, 3000), dtype=np.uint8)
    r = write_raster(d / "big.tif", arr, GT, ALBERS, nodata=0, block=(64, 64))
    # 80 overlapping zones over the whole raster: ~7e8 cell-zone visits, about a second or more.
    z = write_layer(d / "z.gpkg", "z", [box_wkt(X0 + 1 + i, Y0 - 29990 + i, X0 + 29990 - i, Y0 - 1 - i)
                                        for i in range(80)], ALBERS)
    return d, r, z


def test_gil_is_released_during_a_long_call(big):
    d, r, z = big
    count = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    t0 = time.monotonic()
    redline.zonal(r, z, tile_size=64, threads=1)
    elapsed = time.monotonic() - t0
    stop.set()
    t.join()
    assert elapsed > 0.2
    assert count[0] > 10000 * elapsed  # the other thread ran while the engine worked


def test_ctrl_c_cancels_cleanly(big):
    d, r, z = big
    out = d / "never.csv"
    sent = []

    def interrupt_once(done, total, label):
        # Ctrl-C arrives while the engine is mid-run (after the first tiles).
        if not sent:
            sent.append((done, total))
            os.kill(os.getpid(), signal.SIGINT)

    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        redline.zonal(r, z, tile_size=64, threads=1, output=out, progress=interrupt_once)
    assert sent and sent[0][0] < sent[0][1]  # interrupted before the end
    assert time.monotonic() - t0 < 5
    assert not out.exists()
    # The engine is usable afterwards.
    assert len(redline.zonal(r, z, tile_size=512)) > 0


def test_help_explains_units_and_modes():
    doc = redline.zonal.__doc__
    assert "m2" in doc and "exact" in doc and "centroid" in doc and "all-touched" in doc and "ellipsoid" in doc


def test_report_matches_cli(tmp_path):
    demo = redline_testkit_source() / "testdata" / "demo" / "indicators.yaml"
    p = run("report", "--config", demo, "--output-dir", tmp_path / "cli")
    assert p.returncode == 0, p.stderr
    rep = redline.report(demo, output_dir=tmp_path / "py")
    assert (tmp_path / "py" / "report.json").read_bytes() == (tmp_path / "cli" / "report.json").read_bytes()
    ecr = rep["indicators"][0]
    assert ecr["id"] == "ecr_area"
    # Independently: the demo redline is in an equal-area (Albers, GRS80) CRS, so the planar area of
    # its union (shapely/GEOS) is its ellipsoidal area; the target is >= 3 150 000 km2
    # (docs/indicators.md). 3.19e6 km2 passes.
    import geopandas as gpd
    from shapely.ops import unary_union
    plan = gpd.read_file(demo.parent / "plan.gpkg", layer="redline")
    union_km2 = unary_union(list(plan.geometry.values)).area / 1e6
    assert ecr["value"] == pytest.approx(union_km2, rel=1e-9)
    assert (ecr["target"], ecr["comparator"]) == (3150000, ">=")
    assert union_km2 >= 3150000 and ecr["pass"] is True
    # Every indicator's pass follows from its value, comparator and target.
    for i in rep["indicators"]:
        if i.get("comparator") is None:
            assert i["pass"] is None, i
        else:
            expect = i["value"] >= i["target"] if i["comparator"] == ">=" else i["value"] <= i["target"]
            assert i["pass"] is expect, i


def test_report_never_replaces_a_folder_that_is_not_a_report(tmp_path):
    demo = redline_testkit_source() / "testdata" / "demo" / "indicators.yaml"
    (tmp_path / "keep.txt").write_text("x")
    with pytest.raises(ValueError, match="holds no earlier report"):
        redline.report(demo, output_dir=tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def redline_testkit_source():
    from redline_testkit import SOURCE_DIR
    return SOURCE_DIR
