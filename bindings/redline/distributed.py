"""Run redline jobs on a dask.distributed cluster with the same answer, to the last bit, as a
local run.

The client prepares the job once (reads and checks the zones, repairs, dissolves), splits its
tile plan into ``partitions`` contiguous task ranges, and submits one task per range. The job
goes to every worker once and is deserialized there once per run, however many of its ranges
the worker gets. Each worker reopens the rasters by path (so inputs must be readable by every
worker: a shared filesystem or object storage path GDAL understands), runs its ranges and
returns an exact partial result per range (128-bit integer sums, patch pieces with their tile
borders); the client merges the partials in tile order. Because every sum is an integer, the
result does not depend on how the work was split.

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")          # or Client(LocalCluster(n_workers=4))
    df = redline.distributed.zonal("lc.tif", "plan.gpkg:redline", client=client, partitions=64)

The functions take the options of :func:`redline.zonal` and :func:`redline.change` (a test,
tests/python/test_option_sets.py, keeps the sets equal), except ``cancel`` (stop a cluster job
with ``client.cancel``) and the numpy-array inputs ``transform``/``crs``/``nodata`` (the workers
read the raster by path). ``max_memory`` is applied where the job is prepared, on the client: it
bounds the tile plan, so every worker's tiles fit it too. ``progress`` runs on the client: True
for a progress bar (tqdm), or a callable ``f(done, total, label)`` called each time a partition
finishes, with ``done`` and ``total`` counted in tiles and ``label`` "zonal" or "change".
"""
import threading
import uuid

import redline
from . import _core


def _ranges(n, partitions):
    partitions = max(1, min(int(partitions), n)) if n else 1
    return [(n * i // partitions, n * (i + 1) // partitions) for i in range(partitions)]


def _default_partitions(client):
    try:
        workers = len(client.scheduler_info()["workers"])
    except Exception:  # pragma: no cover
        workers = 1
    return max(1, 4 * workers)


# On a worker: the jobs deserialized there, by the key the client gave the run, so that the
# partitions of one run that land on one worker deserialize its job once (deserializing rebuilds
# the zone index: about as long as a partition's raster work on 4,000 zones). A job is immutable
# once prepared and its const members may run concurrently (exec/tiled_job.hpp), so tasks of
# one run share it. The client drops its run's entry from every worker when the run ends; the
# bound below only matters when a client died before that.
_JOBS = {}
_JOBS_LOCK = threading.Lock()
_JOBS_KEPT = 4


def _worker_job(cls_name, key, blob):
    from redline import _core as core
    with _JOBS_LOCK:  # one deserialization per key even when a worker runs several threads
        job = _JOBS.get(key)
        if job is None:
            job = getattr(core, cls_name).deserialize(blob)
            _JOBS[key] = job
            while len(_JOBS) > _JOBS_KEPT:
                _JOBS.pop(next(iter(_JOBS)))
        return job


def _forget_job(key):
    with _JOBS_LOCK:
        _JOBS.pop(key, None)


def _zonal_part(key, blob, begin, end, threads):
    return _worker_job("ZonalJob", key, blob).run_part(begin, end, threads)


def _change_part(key, blob, begin, end, threads):
    return _worker_job("ChangeJob", key, blob).run_part(begin, end, threads)


def _shippable(blob):
    """The job's bytes as Dask ships them fastest: a numpy view of them (sent as one frame, not
    pickled; a bytes object of 29 MB took 1.2-2 s to scatter to two local workers, the view
    0.1-0.16 s: benchmarks/RESULTS.md, issue 19), else the bytes themselves."""
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy comes with the bindings' usual installs
        return blob
    return np.frombuffer(blob, dtype=np.uint8)


def _gather(client, fn, blob, n, partitions, threads, progress=False, label=""):
    """The partials of every range, in task order. With ``progress``, reports the tiles done as each
    partition finishes (on the client)."""
    key = uuid.uuid4().hex
    try:
        return _gather_parts(client, fn, key, blob, n, partitions, threads, progress, label)
    finally:
        try:
            client.run(_forget_job, key)
        except Exception:  # pragma: no cover - a worker gone: its cache went with it
            pass


def _gather_parts(client, fn, key, blob, n, partitions, threads, progress, label):
    ranges = _ranges(n, partitions)
    blob_future = client.scatter(_shippable(blob), broadcast=True)
    futures = [client.submit(fn, key, blob_future, b, e, threads, pure=False) for b, e in ranges]
    cb, close = redline._progress_callback(progress)
    if cb is None:
        return client.gather(futures)
    from dask.distributed import as_completed
    where = {f.key: i for i, f in enumerate(futures)}
    parts = [None] * len(futures)
    done = 0
    try:
        cb(0, n, label)
        for fut in as_completed(futures):
            i = where[fut.key]
            parts[i] = fut.result()
            done += ranges[i][1] - ranges[i][0]
            cb(done, n, label)
    finally:
        if close:
            close()
    return parts


def zonal(raster, zones, *, client, partitions=None, id=None, mode="exact", dissolve=False, dissolve_by=None,
          classes=None, threads=None, progress=False, band=1, tile_size=1024, reproject=False, make_valid=False,
          zones_crs=None, densify=100.0, output=None, max_memory=None, encoding=None):
    """``redline.zonal`` over a cluster; the DataFrame equals the local one byte for byte.

    ``raster`` must be a path readable by every worker; ``zones`` a path, GeoDataFrame or list of
    polygons (prepared on the client and shipped to the workers). ``partitions`` defaults to
    4 x workers; ``threads`` is the thread count inside each task (default all cores of a worker);
    ``encoding`` as in :func:`redline.zonal` (the zones are read on the client); ``max_memory``
    (applied to the tile plan made on the client) and ``progress`` (per finished partition) as in
    the module's docstring.
    """
    if not isinstance(redline._path(raster), str):
        raise ValueError("distributed.zonal needs a raster path readable by every worker, not an array")
    opts, array = redline._zonal_options(raster, zones, id, mode, dissolve, dissolve_by, classes, threads, band,
                                         tile_size, reproject, make_valid, zones_crs, densify, None, None, None,
                                         max_memory=max_memory, encoding=encoding)
    job = _core.ZonalJob.prepare(opts, array)
    n = job.task_count()
    parts = _gather(client, _zonal_part, job.serialize(), n, partitions or _default_partitions(client),
                    redline._threads(threads), progress, "zonal")
    rep = job.finish(parts)
    redline._emit_warnings(rep.warnings())
    if output is not None:
        rep.write(redline._path(output))
    return redline._frame(rep.columns(), rep.meta_json(), rep.warnings())


def change(t0=None, t1=None, zones=None, *, client, partitions=None, id=None, preset="redline", rules=None,
           classes=None, mmu_pixels=4, connectivity=8, permitted=None, mode="exact", threads=None, progress=False,
           band=1, tile_size=1024, reproject=False, make_valid=False, zones_crs=None, permitted_min_share=0.5,
           matrix_output=None, patches_output=None, max_memory=None, encoding=None, t0_layer=None, t1_layer=None,
           class_field=None, dissolve=False, dissolve_by=None, mmu_m2=0.0, area_convention=None, on_overlap="error"):
    """``redline.change`` over a cluster: ``(matrix, patches)`` equal to the local run byte for byte;
    patches that cross partition borders are stitched on the client. ``max_memory`` and
    ``progress`` as in the module's docstring. Survey layers (``t0_layer``, ``t1_layer``,
    ``class_field``) are not split into tasks: that run happens on the client, as
    ``redline.change``."""
    if t0_layer is not None or t1_layer is not None:
        return redline.change(t0, t1, zones, id=id, preset=preset, rules=rules, classes=classes,
                              permitted=permitted, threads=threads, progress=progress, reproject=reproject,
                              make_valid=make_valid, zones_crs=zones_crs, permitted_min_share=permitted_min_share,
                              matrix_output=matrix_output, patches_output=patches_output, encoding=encoding,
                              t0_layer=t0_layer, t1_layer=t1_layer, class_field=class_field, dissolve=dissolve,
                              dissolve_by=dissolve_by, mmu_m2=mmu_m2, area_convention=area_convention,
                              on_overlap=on_overlap)
    gpkg = patches_output is not None and str(patches_output).lower().endswith(".gpkg")
    opts = redline._change_options(t0, t1, zones, id, preset, rules, classes or "clcd", mmu_pixels, connectivity,
                                   permitted, mode, threads, band, tile_size, reproject, make_valid, zones_crs,
                                   permitted_min_share, gpkg, max_memory=max_memory, encoding=encoding)
    job = _core.ChangeJob.prepare(opts)
    n = job.task_count()
    parts = _gather(client, _change_part, job.serialize(), n, partitions or _default_partitions(client),
                    redline._threads(threads), progress, "change")
    return redline._change_frames(job.finish(parts), matrix_output, patches_output)
