"""National-scale behaviour on small data (issue #8): checkpoint and resume after SIGKILL,
--max-memory, pathological block layouts and geometries give the same numbers and stay fast."""
import json
import math
import os
import pathlib
import re
import signal
import subprocess
import time

import numpy as np
import pytest
from osgeo import gdal, ogr

from redline_testkit import ALBERS, BIN, read_csv, run, write_layer, write_raster

gdal.UseExceptions()

# Under ASan/UBSan (scripts/bootstrap.sh asan) memory and time are the instrumentation's.
SANITIZED = bool(os.environ.get("REDLINE_SANITIZED"))


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    """A synthetic province of 8192 x 8192 cells with 1500 redline and 4500 cropland polygons."""
    d = tmp_path_factory.mktemp("province")
    p = run("synth", "--size", 8192, "--zones", 1500, "--quiet", d)
    assert p.returncode == 0, p.stderr
    return d


def zonal_args(d, out, *extra):
    return ["zonal", "--raster", d / "lc_t0.tif", "--zones", f"{d / 'plan.gpkg'}:cropland", "--id", "code",
            "--output", out, "--quiet", *extra]


def change_args(d, matrix, patches, *extra):
    return ["change", "--t0", d / "lc_t0.tif", "--t1", d / "lc_t1.tif", "--zones", f"{d / 'plan.gpkg'}:redline",
            "--id", "code", "--matrix", matrix, "--patches", patches, "--quiet", *extra]


def chunk_files(ck):
    return sorted(ck.glob("chunk-*.bin")) if ck.exists() else []


def kill_after_chunks(args, ck, n):
    """Starts redline, waits until `n` checkpoint chunks exist, then SIGKILLs it."""
    proc = subprocess.Popen([BIN, *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 300
    while len(chunk_files(ck)) < n and proc.poll() is None and time.time() < deadline:
        time.sleep(0.005)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    # The run must really have been killed part-way, or the test proves nothing.
    assert proc.returncode == -signal.SIGKILL, "the run finished before it could be killed; use more data"
    job = json.loads((ck / "job.json").read_text())
    total = math.ceil(job["tasks"] / job["chunk_tasks"])
    done = len(chunk_files(ck))
    assert n <= done < total, (done, total)
    return done, total


def test_zonal_resume_after_sigkill_is_byte_identical(province, tmp_path):
    clean = tmp_path / "clean.csv"
    p = run(*zonal_args(province, clean, "--threads", 2))
    assert p.returncode == 0, p.stderr

    out = tmp_path / "resumed.csv"
    ck = tmp_path / "ck"
    done, total = kill_after_chunks(zonal_args(province, out, "--threads", 1, "--checkpoint", ck), ck, 3)
    assert not out.exists()
    assert not [f for f in os.listdir(tmp_path) if ".tmp-" in f]
    # Resume with another thread count: the finished chunks are loaded, the others computed.
    p = run(*zonal_args(province, out, "--threads", 2, "--checkpoint", ck, "--resume", "--verbose"))
    assert p.returncode == 0, p.stderr
    m = re.search(r"checkpoint '.*': (\d+) of (\d+) chunks already done", p.stderr)
    assert m and int(m.group(1)) == done and int(m.group(2)) == total, p.stderr
    assert out.read_bytes() == clean.read_bytes()
    assert not ck.exists(), "the checkpoint is removed after success"


def test_change_resume_after_sigkill_is_byte_identical(province, tmp_path):
    m0, p0 = tmp_path / "m0.csv", tmp_path / "p0.csv"
    p = run(*change_args(province, m0, p0, "--threads", 2))
    assert p.returncode == 0, p.stderr

    m1, p1 = tmp_path / "m1.csv", tmp_path / "p1.csv"
    ck = tmp_path / "ck"
    kill_after_chunks(change_args(province, m1, p1, "--threads", 1, "--checkpoint", ck), ck, 2)
    assert not m1.exists() and not p1.exists()
    p = run(*change_args(province, m1, p1, "--threads", 2, "--checkpoint", ck, "--resume"))
    assert p.returncode == 0, p.stderr
    assert m1.read_bytes() == m0.read_bytes()
    assert p1.read_bytes() == p0.read_bytes()
    assert not ck.exists()


def test_checkpoint_misuse_is_refused(province, tmp_path):
    out = tmp_path / "o.csv"
    ck = tmp_path / "ck"
    ck.mkdir()
    (ck / "job.json").write_text(json.dumps({"fingerprint": "0" * 64, "tasks": 10, "chunk_tasks": 8,
                                            "command": "zonal"}))
    p = run(*zonal_args(province, out, "--checkpoint", ck))
    assert p.returncode == 2 and "already holds a run" in p.stderr and "--resume" in p.stderr, p.stderr
    p = run(*zonal_args(province, out, "--checkpoint", ck, "--resume"))
    assert p.returncode == 2 and "belongs to another job" in p.stderr and str(ck) in p.stderr, p.stderr
    (ck / "job.json").write_text("{not json")
    p = run(*zonal_args(province, out, "--checkpoint", ck, "--resume"))
    assert p.returncode == 2 and "unreadable job.json" in p.stderr, p.stderr
    p = run(*zonal_args(province, out, "--resume"))
    assert p.returncode == 2 and "--resume requires --checkpoint" in p.stderr, p.stderr
    assert not out.exists()
    # --resume on an empty directory: nothing to resume is said, and the run completes.
    empty = tmp_path / "empty"
    p = run(*zonal_args(province, out, "--checkpoint", empty, "--resume"))
    assert p.returncode == 0 and "holds no run to resume" in p.stderr, p.stderr
    assert out.exists() and not empty.exists()


def rss_kib(args):
    """Runs redline under /usr/bin/time; returns (CompletedProcess, peak RSS in KiB)."""
    p = subprocess.run(["/usr/bin/time", "-f", "RSS %M", BIN, *map(str, args)], capture_output=True, text=True,
                       timeout=600)
    m = re.search(r"RSS (\d+)\s*$", p.stderr)
    assert m, p.stderr
    return p, int(m.group(1))


def test_max_memory_shrinks_tiles_and_keeps_the_numbers(province, tmp_path):
    big = tmp_path / "big.csv"
    p, rss_big = rss_kib(zonal_args(province, big, "--threads", 2, "--tile-size", 8192))
    assert p.returncode == 0, p.stderr
    limited = tmp_path / "limited.csv"
    p, rss_limited = rss_kib(zonal_args(province, limited, "--threads", 2, "--tile-size", 8192,
                                        "--max-memory", "300M", "--verbose"))
    assert p.returncode == 0, p.stderr
    m = re.search(r"--max-memory 300 MiB: tile size (\d+) \(reduced from 8192\)", p.stderr)
    assert m, p.stderr
    assert int(m.group(1)) < 8192
    assert limited.read_bytes() == big.read_bytes()
    if not SANITIZED:
        assert rss_limited < 300 * 1024, rss_limited
        assert rss_big > 300 * 1024, "the unlimited run should need more than the limit, or the test proves nothing"


def test_max_memory_too_small_or_malformed(province, tmp_path):
    out = tmp_path / "o.csv"
    p = run(*zonal_args(province, out, "--max-memory", "20M"))
    assert p.returncode == 2, p.stderr
    assert "--max-memory 20 MiB is too small for this job" in p.stderr and "4500 zones" in p.stderr, p.stderr
    assert not out.exists()
    for bad in ["lots", "-1G", "12X", "0"]:
        p = run(*zonal_args(province, out, "--max-memory", bad))
        assert p.returncode == 2 and f"--max-memory '{bad}' is not a size" in p.stderr, (bad, p.stderr)
    m, pt = tmp_path / "m.csv", tmp_path / "p.csv"
    p = run(*change_args(province, m, pt, "--max-memory", "20M"))
    assert p.returncode == 2 and "too small for this job" in p.stderr, p.stderr
    assert not m.exists() and not pt.exists()


def translate(src, dst, creation_options):
    gdal.Translate(str(dst), str(src), creationOptions=creation_options)
    return dst


def timed(args):
    t = time.time()
    p = run(*args)
    return p, time.time() - t


def test_pathological_block_layouts_give_identical_numbers(province, tmp_path):
    src = province / "lc_t0.tif"
    layouts = {
        "tiled": translate(src, tmp_path / "tiled.tif", ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256",
                                                         "COMPRESS=DEFLATE"]),
        "one_strip": translate(src, tmp_path / "one_strip.tif", ["BLOCKYSIZE=8192", "COMPRESS=DEFLATE"]),
        "row_strips": translate(src, tmp_path / "row_strips.tif", ["BLOCKYSIZE=1", "COMPRESS=DEFLATE"]),
        "huge_tiles": translate(src, tmp_path / "huge_tiles.tif", ["TILED=YES", "BLOCKXSIZE=4096",
                                                                   "BLOCKYSIZE=8192", "COMPRESS=DEFLATE"]),
    }
    # GDAL shows one compressed strip as 1-row blocks decoded in sequence; the engine sees through it.
    assert gdal.Open(str(layouts["one_strip"])).GetRasterBand(1).GetMetadataItem("BLOCK_OFFSET_0_1", "TIFF") is None
    assert gdal.Open(str(layouts["row_strips"])).GetRasterBand(1).GetBlockSize() == [8192, 1]
    outputs, times = {}, {}
    for name, path in layouts.items():
        out = tmp_path / f"{name}.csv"
        p, times[name] = timed(["zonal", "--raster", path, "--zones", f"{province / 'plan.gpkg'}:redline",
                                "--id", "code", "--output", out, "--threads", 2, "--verbose"])
        assert p.returncode == 0, p.stderr
        outputs[name] = out.read_bytes()
        if name == "one_strip":
            # The layout is named, and the plan adapts: full-width bands read in order.
            assert "one_strip.tif' is stored as one strip" in p.stderr and "rewrite it tiled" in p.stderr, p.stderr
            assert "decoded in sequence by each worker" in p.stderr, p.stderr
            assert re.search(r"tiles of 8192 x \d+ cells", p.stderr), p.stderr
        if name == "huge_tiles":
            # 32 MiB blocks: decoded once into a cache sized for them, tiles are bands of them.
            assert "stored in blocks of 4096 x 8192 cells (32 MB each)" in p.stderr, p.stderr
            assert "read through GDAL's block cache" in p.stderr, p.stderr
        if name == "row_strips":
            assert "stored as one strip" not in p.stderr, p.stderr
            assert re.search(r"tiles of 8192 x \d+ cells", p.stderr), p.stderr
    assert outputs["one_strip"] == outputs["tiled"]
    assert outputs["row_strips"] == outputs["tiled"]
    assert outputs["huge_tiles"] == outputs["tiled"]
    # Stay fast: no layout costs more than a few times the tiled one (re-reads would cost 10-100x).
    if SANITIZED:
        return
    assert times["one_strip"] < 4 * times["tiled"] + 5, times
    assert times["row_strips"] < 4 * times["tiled"] + 5, times
    assert times["huge_tiles"] < 4 * times["tiled"] + 5, times


X0, Y0, CELL, N = 600000.0, 3600000.0, 10.0, 2000


@pytest.fixture(scope="module")
def flat(tmp_path_factory):
    """2000 x 2000 cells of 10 m in CGCS2000 Albers, all class 1 (constant 100 m2 cells)."""
    d = tmp_path_factory.mktemp("flat")
    r = write_raster(d / "flat.tif", np.ones((N, N), dtype=np.uint8), (X0, CELL, 0, Y0, 0, -CELL), ALBERS,
                     block=(256, 256), compress="DEFLATE")
    return d, r


def total_area(csv_path):
    rows = read_csv(csv_path)
    assert all(r["class"] == "1" for r in rows), rows[:3]
    return sum(float(r["area_m2"]) for r in rows)


def test_multipolygon_with_100k_parts(flat, tmp_path):
    d, r = flat
    # 316 x 317 squares of 7.3 m on a 57.7 m pitch starting off the cell grid: 100,172 parts.
    side, pitch = 7.3, 57.7
    parts = []
    for i in range(316):
        for j in range(317):
            x, y = X0 + 3.1 + i * pitch, Y0 - 2.9 - j * pitch
            parts.append(f"(({x} {y},{x + side} {y},{x + side} {y - side},{x} {y - side},{x} {y}))")
    assert len(parts) >= 100000
    wkt = "MULTIPOLYGON(" + ",".join(parts) + ")"
    zones = write_layer(tmp_path / "parts.gpkg", "parts", [wkt], ALBERS, {"code": ["many"]})
    out = tmp_path / "o.csv"
    p, secs = timed(["zonal", "--raster", r, "--zones", zones, "--id", "code", "--output", out, "--quiet"])
    assert p.returncode == 0, p.stderr
    assert total_area(out) == pytest.approx(len(parts) * side * side, rel=1e-9)
    assert SANITIZED or secs < 60, secs


def test_polygon_with_a_million_vertices(flat, tmp_path):
    d, r = flat
    n, radius = 1_000_000, 9000.0
    cx, cy = X0 + 10000.3, Y0 - 10000.7
    a = np.arange(n) * (2 * math.pi / n)
    xs, ys = cx + radius * np.cos(a), cy + radius * np.sin(a)
    ring = ",".join(f"{x:.6f} {y:.6f}" for x, y in zip(xs, ys))
    wkt = f"POLYGON(({ring},{xs[0]:.6f} {ys[0]:.6f}))"
    zones = write_layer(tmp_path / "circle.gpkg", "circle", [wkt], ALBERS, {"code": ["circle"]})
    expected = ogr.CreateGeometryFromWkt(wkt).GetArea()  # shoelace of the same vertices
    out = tmp_path / "o.csv"
    p, secs = timed(["zonal", "--raster", r, "--zones", zones, "--id", "code", "--output", out, "--quiet"])
    assert p.returncode == 0, p.stderr
    assert total_area(out) == pytest.approx(expected, rel=1e-9)
    assert expected == pytest.approx(0.5 * n * radius ** 2 * math.sin(2 * math.pi / n), rel=1e-6)
    assert SANITIZED or secs < 60, secs
