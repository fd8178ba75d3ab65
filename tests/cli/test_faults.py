"""Interrupts and faults (issue #9): SIGINT/SIGTERM in the middle of a run, a full disk (a file-size
limit, as `ulimit -f` sets it) and an unreadable block in the middle of a tiled GeoTIFF. In every
case: the documented exit status, a message naming what failed, and no output or temporary left."""
import errno
import os
import resource
import signal
import subprocess
import time

import numpy as np
import pytest
from osgeo import gdal

from redline_testkit import ALBERS, BIN, box_wkt, run, write_layer, write_raster


@pytest.fixture(scope="module")
def big_scene(tmp_path_factory):
    """A 4096 x 4096 raster with 400 zones: a zonal run takes a few seconds."""
    d = tmp_path_factory.mktemp("synth")
    p = run("synth", "--size", 4096, "--zones", 400, "--threads", 2, "--quiet", d)
    assert p.returncode == 0, p.stderr
    return d


@pytest.fixture(scope="module")
def small_scene(tmp_path_factory):
    d = tmp_path_factory.mktemp("synth_small")
    p = run("synth", "--size", 512, "--zones", 400, "--threads", 2, "--quiet", d)
    assert p.returncode == 0, p.stderr
    return d


def start(args, **kw):
    return subprocess.Popen([BIN, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def wait_for_progress(p):
    """Reads stderr until the first progress line (the run is in its tile loop, signal handlers
    installed), so the signal does not arrive while the process is still starting."""
    deadline = time.monotonic() + 60
    line = ""
    while time.monotonic() < deadline:
        line = p.stderr.readline()
        if not line or ("%" in line and line.startswith(("zonal", "change"))):  # the raster pass
            break
    assert p.poll() is None, "the run ended before it could be interrupted: " + line


@pytest.mark.parametrize("sig,status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
@pytest.mark.parametrize("ext", ["csv", "gpkg"])
def test_signal_during_a_run_leaves_no_output(big_scene, tmp_path, sig, status, ext):
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"zonal.{ext}"
    p = start(["zonal", "--raster", big_scene / "lc_t0.tif", "--zones", f"{big_scene / 'plan.gpkg'}:redline",
               "--output", target, "--threads", 2, "--tile-size", 512, "--progress"])
    wait_for_progress(p)
    p.send_signal(sig)
    _, err = p.communicate(timeout=120)
    assert p.returncode == status, err
    assert "interrupted" in err, err
    assert os.listdir(out) == [], os.listdir(out)


def test_signal_during_change_leaves_no_output(big_scene, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    p = start(["change", "--t0", big_scene / "lc_t0.tif", "--t1", big_scene / "lc_t1.tif",
               "--zones", f"{big_scene / 'plan.gpkg'}:redline", "--matrix", out / "m.csv",
               "--patches", out / "p.gpkg", "--threads", 2, "--tile-size", 512, "--progress"])
    wait_for_progress(p)
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=120)
    assert p.returncode == 143, err
    assert os.listdir(out) == [], os.listdir(out)


def limit_file_size(nbytes):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (nbytes, nbytes))
    return set_limit


@pytest.mark.parametrize("ext", ["csv", "json", "gpkg"])
def test_full_disk_is_an_io_error_naming_the_output(small_scene, tmp_path, ext):
    out = tmp_path / "out"
    out.mkdir()
    target = out / f"zonal.{ext}"
    args = ["zonal", "--raster", small_scene / "lc_t0.tif", "--zones", f"{small_scene / 'plan.gpkg'}:redline",
            "--output", target, "--threads", 2, "--quiet"]
    # The output without a limit is far larger than 16 KiB.
    p = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=300,
                       preexec_fn=limit_file_size(16 * 1024))
    # Exit 3, an I/O error: not killed by SIGXFSZ (returncode -25), not an internal error.
    assert p.returncode == 3, p.stderr
    assert p.stderr.startswith("error: cannot write"), p.stderr
    if ext != "gpkg":  # the write failed with EFBIG, and the message gives that reason
        assert os.strerror(errno.EFBIG) in p.stderr, p.stderr
    assert str(target) in p.stderr or target.name in p.stderr, p.stderr
    assert os.listdir(out) == [], os.listdir(out)
    # The same run with room to write works, and is larger than the limit.
    ok = subprocess.run([BIN, *map(str, args)], capture_output=True, text=True, timeout=300)
    assert ok.returncode == 0, ok.stderr
    assert target.stat().st_size > 16 * 1024


def test_full_disk_during_a_report(small_scene, tmp_path):
    # A report folder whose map and pages do not fit: exit 3, no report folder, no temporary.
    d = small_scene
    cfg = d / "indicators.yaml"
    cfg.write_text("version: 1\ntitle: faults\nyear: 2020\ninputs:\n  landcover_t0: lc_t0.tif\n"
                   "  landcover_t1: lc_t1.tif\n  classes: clcd\n  redline: plan.gpkg:redline\n"
                   "  cropland: plan.gpkg:cropland\n  land: plan.gpkg:land\nindicators:\n  - id: ecr_area\n"
                   "  - id: cropland_cover\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    p = subprocess.run([BIN, "report", "--config", str(cfg), "--output-dir", str(out / "rep"), "--threads", "2",
                        "--quiet"], capture_output=True, text=True, timeout=300, preexec_fn=limit_file_size(8 * 1024))
    assert p.returncode == 3, p.stderr
    assert f"cannot write the report '{out / 'rep'}'" in p.stderr, p.stderr
    assert os.listdir(out) == [], os.listdir(out)


def test_full_disk_removes_the_folders_the_report_created(small_scene, tmp_path):
    # --output-dir creates missing parents (mkdir -p); a failed write removes them again.
    d = small_scene
    cfg = d / "indicators.yaml"
    cfg.write_text("version: 1\ntitle: faults\nyear: 2020\ninputs:\n  landcover_t0: lc_t0.tif\n"
                   "  landcover_t1: lc_t1.tif\n  classes: clcd\n  redline: plan.gpkg:redline\n"
                   "  cropland: plan.gpkg:cropland\n  land: plan.gpkg:land\nindicators:\n  - id: ecr_area\n"
                   "  - id: cropland_cover\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    target = out / "new" / "deeper" / "rep"
    p = subprocess.run([BIN, "report", "--config", str(cfg), "--output-dir", str(target), "--threads", "2",
                        "--quiet"], capture_output=True, text=True, timeout=300, preexec_fn=limit_file_size(8 * 1024))
    assert p.returncode == 3, p.stderr
    assert f"cannot write the report '{target}'" in p.stderr, p.stderr
    assert os.listdir(out) == [], os.listdir(out)


def corrupt_tile(path, col, row):
    """Overwrites the compressed bytes of one tile of a tiled GeoTIFF (found through GDAL's TIFF
    metadata, i.e. the TileOffsets/TileByteCounts tags) with garbage."""
    ds = gdal.Open(str(path))
    band = ds.GetRasterBand(1)
    off = int(band.GetMetadataItem(f"BLOCK_OFFSET_{col}_{row}", "TIFF"))
    size = int(band.GetMetadataItem(f"BLOCK_SIZE_{col}_{row}", "TIFF"))
    ds = None
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(b"\xa5" * size)


def test_unreadable_block_names_the_block_and_the_file(tmp_path):
    x0, y0, cell = 600000.0, 3600000.0, 10.0
    rng = np.random.default_rng(3)
    arr = rng.integers(1, 9, (256, 256), dtype=np.uint8)
    tif = write_raster(tmp_path / "lc tiles.tif", arr, (x0, cell, 0, y0, 0, -cell), ALBERS, nodata=0,
                       block=(64, 64), compress="DEFLATE")
    corrupt_tile(tif, 2, 1)  # rows 64-127, columns 128-191
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(x0, y0 - 2560, x0 + 2560, y0)], ALBERS, {"code": ["all"]})
    out = tmp_path / "out"
    out.mkdir()
    for args in (["zonal", "--raster", tif, "--zones", zones, "--output", out / "z.csv"],
                 ["change", "--t0", tif, "--t1", tif, "--zones", zones, "--matrix", out / "m.csv"]):
        p = run(*args, "--threads", 2, "--quiet", "--tile-size", 128)
        assert p.returncode == 3, p.stderr
        assert "lc tiles.tif" in p.stderr, p.stderr
        assert "rows 64-127, columns 128-191" in p.stderr, p.stderr
        assert "block column 2, block row 1" in p.stderr, p.stderr
        assert os.listdir(out) == [], os.listdir(out)
    # The blocks around it are fine: a zone inside the first tile works (tiles without a zone are
    # not read).
    ok_zone = write_layer(tmp_path / "ok.gpkg", "z", [box_wkt(x0, y0 - 600, x0 + 600, y0)], ALBERS, {"code": ["nw"]})
    p = run("zonal", "--raster", tif, "--zones", ok_zone, "--output", out / "z.csv", "--threads", 2, "--quiet",
            "--tile-size", 64)
    assert p.returncode == 0, p.stderr
