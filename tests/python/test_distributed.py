"""Distributed runs on a dask LocalCluster with 2 worker processes equal local runs byte for byte."""
import numpy as np
import pytest

import redline
import redline.distributed
from redline_testkit import ALBERS, box_wkt, read_csv, real_text, run, write_layer, write_raster

distributed = pytest.importorskip("distributed")

X0, Y0 = 600000.0, 3600000.0
GT = (X0, 10.0, 0, Y0, 0, -10.0)


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    c = distributed.Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    d = tmp_path_factory.mktemp("dask")
    rng = np.random.default_rng(4)
    t0 = rng.integers(1, 10, size=(600, 700), dtype=np.uint8)
    t1 = t0.copy()
    m = rng.random(t0.shape) < 0.04
    t1[m] = rng.choice([1, 8], size=m.sum())
    a = write_raster(d / "t0.tif", t0, GT, ALBERS, nodata=0, block=(64, 64))
    b = write_raster(d / "t1.tif", t1, GT, ALBERS, nodata=0, block=(64, 64))
    wkts = [box_wkt(X0 + 230 * i + 1.5, Y0 - 5900 + 11 * i, X0 + 230 * i + 1700.5, Y0 - 3.5 * i) for i in range(20)]
    z = write_layer(d / "z.gpkg", "z", wkts, ALBERS, {"code": [f"R{i}" for i in range(20)]})
    return d, a, b, z


def test_distributed_zonal_equals_local(client, data):
    d, a, b, z = data
    redline.zonal(a, z, id="code", tile_size=64, output=d / "local.csv")
    df = redline.distributed.zonal(a, z, client=client, partitions=7, id="code", tile_size=64, output=d / "dist.csv")
    assert (d / "dist.csv").read_bytes() == (d / "local.csv").read_bytes()
    assert len(df) > 0
    # JSON too, and both equal the command line's bytes; the reals are the DataFrame's doubles.
    redline.distributed.zonal(a, z, client=client, partitions=3, id="code", tile_size=64, output=d / "dist.json")
    for ext in ("csv", "json"):
        p = run("zonal", "--raster", a, "--zones", z, "--id", "code", "--tile-size", "64", "--output", d / f"cli.{ext}")
        assert p.returncode == 0, p.stderr
        assert (d / f"dist.{ext}").read_bytes() == (d / f"cli.{ext}").read_bytes()
    rows = read_csv(d / "cli.csv")
    for col in ("area_m2", "share", "cells"):
        assert [real_text(v) for v in df[col]] == [r[col] for r in rows]


def test_distributed_change_equals_local(client, data):
    d, a, b, z = data
    redline.change(a, b, z, id="code", tile_size=64, matrix_output=d / "m_local.csv", patches_output=d / "p_local.csv")
    redline.distributed.change(a, b, z, client=client, partitions=5, id="code", tile_size=64,
                               matrix_output=d / "m_dist.csv", patches_output=d / "p_dist.csv")
    assert (d / "m_dist.csv").read_bytes() == (d / "m_local.csv").read_bytes()
    assert (d / "p_dist.csv").read_bytes() == (d / "p_local.csv").read_bytes()
    m, p = redline.distributed.change(a, b, z, client=client, partitions=3, id="code", tile_size=64,
                                      matrix_output=d / "m_dist.json", patches_output=d / "p_dist.json")
    cli = run("change", "--t0", a, "--t1", b, "--zones", z, "--id", "code", "--tile-size", "64",
              "--matrix", d / "m_cli.json", "--patches", d / "p_cli.json")
    assert cli.returncode == 0, cli.stderr
    assert (d / "m_dist.json").read_bytes() == (d / "m_cli.json").read_bytes()
    assert (d / "p_dist.json").read_bytes() == (d / "p_cli.json").read_bytes()
    assert [real_text(v) for v in p["area_m2"]] == [r["area_m2"] for r in read_csv(d / "p_local.csv")]


def test_distributed_zonal_reads_gbk_zones_like_local(client, tmp_path):
    """encoding= applies where the zones are read (the client); names reach the workers' result."""
    from redline_testkit import write_gbk_shapefile
    wkts = [box_wkt(X0 + 100 * i, Y0 - 900, X0 + 100 * i + 80, Y0 - 100) for i in range(3)]
    shp = write_gbk_shapefile(tmp_path / "z.shp", "ldid0", wkts, {"名称": ["甲", "乙", "丙"]}, crs=ALBERS)
    arr = np.arange(100 * 40, dtype=np.uint32).reshape(100, 40) % 7 + 1
    tif = write_raster(tmp_path / "lc.tif", arr.astype(np.uint8), GT, ALBERS, nodata=0)
    redline.zonal(tif, shp, id="名称", encoding="CP936", tile_size=64, output=tmp_path / "local.csv")
    df = redline.distributed.zonal(tif, shp, client=client, partitions=3, id="名称", encoding="CP936", tile_size=64,
                                   output=tmp_path / "dist.csv")
    assert (tmp_path / "dist.csv").read_bytes() == (tmp_path / "local.csv").read_bytes()
    assert list(dict.fromkeys(df["zone"])) == ["甲", "乙", "丙"]
    with pytest.raises(ValueError, match="encoding="):
        redline.distributed.zonal(tif, shp, client=client, id="名称", encoding="UTF-8")
    m, _ = redline.distributed.change(tif, tif, shp, client=client, partitions=2, id="名称", encoding="GB18030")
    assert list(dict.fromkeys(m["zone"])) == ["甲", "乙", "丙"]


def test_distributed_progress_reports_each_finished_partition(client, data):
    d, a, b, z = data
    calls = []
    df = redline.distributed.zonal(a, z, client=client, partitions=5, id="code", tile_size=64,
                                   progress=lambda done, total, label: calls.append((done, total, label)))
    opts, _ = redline._zonal_options(a, z, "code", "exact", False, None, None, None, 1, 64, False, False, None,
                                     100.0, None, None, None)
    n = redline._core.ZonalJob.prepare(opts).task_count()
    assert calls[0] == (0, n, "zonal") and calls[-1] == (n, n, "zonal")
    assert len(calls) == 6 and [c[0] for c in calls] == sorted(c[0] for c in calls)
    assert df.equals(redline.zonal(a, z, id="code", tile_size=64))
    calls.clear()
    m, p = redline.distributed.change(a, b, z, client=client, partitions=3, id="code", tile_size=64,
                                      progress=lambda *c: calls.append(c))
    assert len(calls) == 4 and calls[-1][0] == calls[-1][1] and calls[-1][2] == "change"


def test_distributed_max_memory_is_applied_on_the_client(client, data):
    d, a, b, z = data
    with pytest.raises(ValueError, match=r"^max_memory=1 MiB is too small for this job"):
        redline.distributed.zonal(a, z, client=client, id="code", max_memory="1M")
    with pytest.raises(ValueError, match=r"^max_memory=1 MiB is too small for this job"):
        redline.distributed.change(a, b, z, client=client, id="code", max_memory=1 << 20)
    with pytest.raises(ValueError, match="max_memory 'lots' is not a size"):
        redline.distributed.zonal(a, z, client=client, max_memory="lots")
    # A limit that fits changes nothing in the answer.
    m1, p1 = redline.distributed.change(a, b, z, client=client, partitions=2, id="code", tile_size=64,
                                        max_memory="2G")
    m0, p0 = redline.change(a, b, z, id="code", tile_size=64)
    assert m1.equals(m0) and p1.equals(p0)


def _count_deserializations():
    """On a worker: wraps ZonalJob.deserialize to count its calls (undone by _uncount)."""
    import redline._core as core
    real = core.ZonalJob.deserialize
    calls = []

    def counting(blob):
        calls.append(1)
        return real(blob)

    core.ZonalJob.deserialize = counting
    redline._test_deserialize = (real, calls)


def _uncount():
    import redline._core as core
    real, calls = redline._test_deserialize
    core.ZonalJob.deserialize = real
    del redline._test_deserialize
    return len(calls)


def _cached_jobs():
    import redline.distributed as rd
    return len(rd._JOBS)


def test_distributed_deserializes_the_job_once_per_worker(client, data):
    """The partitions of one run that land on a worker share one deserialized job (it was
    deserialized per partition); the answer is unchanged to the bit, and the workers drop the job
    when the run ends."""
    d, a, b, z = data
    redline.zonal(a, z, id="code", tile_size=64, output=d / "once_local.csv")
    client.run(_count_deserializations)
    try:
        redline.distributed.zonal(a, z, client=client, partitions=12, id="code", tile_size=64,
                                  output=d / "once_dist.csv")
    finally:
        counts = client.run(_uncount)
    assert 1 <= sum(counts.values()) <= len(counts) and max(counts.values()) == 1, counts
    assert (d / "once_dist.csv").read_bytes() == (d / "once_local.csv").read_bytes()
    assert set(client.run(_cached_jobs).values()) == {0}
    # Two runs in a row on the same workers do not mix their jobs up.
    redline.zonal(a, z, id="code", tile_size=64, mode="centroid", output=d / "once_local_c.csv")
    redline.distributed.zonal(a, z, client=client, partitions=5, id="code", tile_size=64, mode="centroid",
                              output=d / "once_dist_c.csv")
    assert (d / "once_dist_c.csv").read_bytes() == (d / "once_local_c.csv").read_bytes()


def test_serialized_job_is_read_from_bytes_or_a_contiguous_buffer(data):
    d, a, b, z = data
    opts, _ = redline._zonal_options(a, z, "code", "exact", False, None, None, None, 1, 64, False, False, None,
                                     100.0, None, None, None)
    blob = redline._core.ZonalJob.prepare(opts).serialize()
    view = np.frombuffer(blob, dtype=np.uint8)
    assert redline._core.ZonalJob.deserialize(view).serialize() == blob
    assert redline._core.ZonalJob.deserialize(blob).serialize() == blob
    with pytest.raises(ValueError, match="contiguous"):
        redline._core.ZonalJob.deserialize(view[::2])
