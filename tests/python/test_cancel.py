"""cancel= on every public function: a callable polled every 100 ms on the calling thread; True
stops the engine (its cancel token) and the call raises redline.Cancelled with no result and no
output (what a GUI such as QGIS's Processing needs besides Ctrl-C)."""
import threading
import time

import numpy as np
import pytest

import redline
from redline_testkit import ALBERS, SOURCE_DIR, box_wkt, write_layer, write_raster

X0, Y0 = 600000.0, 3600000.0
GT = (X0, 10.0, 0, Y0, 0, -10.0)
DEMO = SOURCE_DIR / "testdata" / "demo"


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("cancel")
    arr = np.random.default_rng(1).integers(1, 10, size=(3000, 3000), dtype=np.uint8)
    r = write_raster(d / "big.tif", arr, GT, ALBERS, nodata=0, block=(64, 64))
    # 80 overlapping zones over the whole raster: ~7e8 cell-zone visits, a second or more.
    z = write_layer(d / "z.gpkg", "z", [box_wkt(X0 + 1 + i, Y0 - 29990 + i, X0 + 29990 - i, Y0 - 1 - i)
                                        for i in range(80)], ALBERS)
    small = write_layer(d / "s.gpkg", "s", [box_wkt(X0 + 5, Y0 - 995, X0 + 995, Y0 - 5)], ALBERS)
    return d, r, z, small


def test_cancel_mid_run_stops_the_engine_and_writes_nothing(big):
    d, r, z, _ = big
    # The whole run, with a cancel that never fires: same bytes as a run without cancel=.
    full, plain = d / "full.csv", d / "plain.csv"
    t0 = time.monotonic()
    redline.zonal(r, z, tile_size=64, threads=1, output=full, cancel=lambda: False)
    full_seconds = time.monotonic() - t0
    redline.zonal(r, z, tile_size=512, output=plain)
    assert full.read_bytes() == plain.read_bytes()

    out = d / "never.csv"
    seen = []
    state = {"polls": 0}

    def progress(done, total, label):
        seen.append((done, total))

    def cancel():
        state["polls"] += 1
        return len(seen) > 0  # once the engine has reported its first tiles

    t0 = time.monotonic()
    with pytest.raises(redline.Cancelled, match="cancelled at the caller's request") as e:
        redline.zonal(r, z, tile_size=64, threads=1, output=out, progress=progress, cancel=cancel)
    elapsed = time.monotonic() - t0
    assert not isinstance(e.value, KeyboardInterrupt) and isinstance(e.value, Exception)
    assert seen and seen[-1][0] < seen[-1][1]  # stopped before the end
    assert state["polls"] >= 2
    assert elapsed < 0.6 * full_seconds, (elapsed, full_seconds)  # the engine stopped, not just the caller
    assert not out.exists()


def test_a_threading_event_cancels_from_another_thread(big):
    d, r, z, _ = big
    ev = threading.Event()
    timer = threading.Timer(0.3, ev.set)
    timer.start()
    t0 = time.monotonic()
    try:
        with pytest.raises(redline.Cancelled):
            redline.zonal(r, z, tile_size=64, threads=1, cancel=ev.is_set)
    finally:
        timer.cancel()
    assert time.monotonic() - t0 < 3


def test_cancel_before_the_start_runs_nothing(big, tmp_path):
    d, r, z, small = big
    calls = []
    with pytest.raises(redline.Cancelled, match="before the start"):
        redline.zonal(r, small, progress=lambda *a: calls.append(a), cancel=lambda: True,
                      output=tmp_path / "z.csv")
    with pytest.raises(redline.Cancelled):
        redline.change(r, r, small, cancel=lambda: True, matrix_output=tmp_path / "m.csv")
    for fn, args in ((redline.area, (small,)), (redline.validate, (small,)),
                     (redline.conflicts, ([small, small],))):
        with pytest.raises(redline.Cancelled):
            fn(*args, cancel=lambda: True, output=tmp_path / f"{fn.__name__}.csv")
    with pytest.raises(redline.Cancelled):
        redline.report(DEMO / "indicators.yaml", output_dir=tmp_path / "rep", cancel=lambda: True)
    assert calls == []
    assert list(tmp_path.iterdir()) == []


def test_report_cancelled_mid_run_leaves_no_directory(tmp_path):
    seen = []
    out = tmp_path / "rep"
    with pytest.raises(redline.Cancelled):
        redline.report(DEMO / "indicators.yaml", output_dir=out, progress=lambda *a: seen.append(a),
                       cancel=lambda: bool(seen))
    assert seen  # the engine had started
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_an_exception_from_cancel_stops_the_run_and_propagates(big):
    d, r, z, _ = big
    out = d / "never2.csv"
    n = {"polls": 0}

    def cancel():
        n["polls"] += 1
        if n["polls"] == 3:
            raise LookupError("the GUI went away")
        return False

    with pytest.raises(LookupError, match="the GUI went away"):
        redline.zonal(r, z, tile_size=64, threads=1, output=out, cancel=cancel)
    assert n["polls"] == 3 and not out.exists()


def test_cancel_that_never_fires_keeps_results_identical(tmp_path):
    # Vector operations and change on the demo data: same bytes with and without cancel=.
    plan = DEMO / "plan.gpkg"
    redline.conflicts([f"{plan}:redline", f"{plan}:cropland"], id="code", output=tmp_path / "a.csv")
    redline.conflicts([f"{plan}:redline", f"{plan}:cropland"], id="code", output=tmp_path / "b.csv",
                      cancel=lambda: False)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
    m1, _ = redline.change(DEMO / "lc_2015.tif", DEMO / "lc_2020.tif", f"{plan}:redline", id="code",
                           matrix_output=tmp_path / "m1.csv")
    m2, _ = redline.change(DEMO / "lc_2015.tif", DEMO / "lc_2020.tif", f"{plan}:redline", id="code",
                           matrix_output=tmp_path / "m2.csv", cancel=lambda: False)
    assert (tmp_path / "m1.csv").read_bytes() == (tmp_path / "m2.csv").read_bytes()
