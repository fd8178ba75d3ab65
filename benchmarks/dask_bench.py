"""redline.distributed.zonal on a local Dask cluster of 2 single-thread worker processes against
redline.zonal in this process (issue 19). Run by run_dask_bench.sh; prints the figures and exits
non-zero when a distributed output differs from the local one.

Usage: dask_bench.py DATA_DIR WORK_DIR [ROUNDS]

Timed: the call only (the cluster is started, and redline imported on the workers, before the
first round; the workers keep running between rounds, as in a session). Each round runs, in turn:
local (threads=2), distributed with the default threads per task (0 = every core of the
machine), distributed with threads=1 per task. Outputs (CSV) are compared byte for byte with the
local run's every round. A breakdown of the distributed run's parts follows the rounds.
"""
import os
import sys
import time

import redline
import redline.distributed
from redline import _core


def main():
    data, work = sys.argv[1], sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    raster, zones = f"{data}/lc_t0.tif", f"{data}/plan.gpkg:redline"
    from distributed import Client, LocalCluster
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
    client = Client(cluster)
    client.run(lambda: __import__("redline.distributed"))
    runs = {
        "local   redline.zonal(threads=2)":
            lambda out: redline.zonal(raster, zones, id="code", threads=2, output=out),
        "dask    distributed.zonal(threads=None: every core per task)":
            lambda out: redline.distributed.zonal(raster, zones, client=client, id="code", output=out),
        "dask    distributed.zonal(threads=1 per task)":
            lambda out: redline.distributed.zonal(raster, zones, client=client, id="code", threads=1, output=out),
    }
    best = {k: float("inf") for k in runs}
    ok = True
    for r in range(rounds):
        line = []
        for i, (label, fn) in enumerate(runs.items()):
            out = f"{work}/dask_{i}.csv"
            t = time.perf_counter()
            fn(out)
            dt = time.perf_counter() - t
            best[label] = min(best[label], dt)
            line.append(f"{dt:.2f}")
            if i and open(out, "rb").read() != open(f"{work}/dask_0.csv", "rb").read():
                print(f"   round {r + 1}: {label}: OUTPUT DIFFERS from the local run")
                ok = False
        print(f"   round {r + 1} (s): {' / '.join(line)}   load {os.getloadavg()[0]:.2f}", flush=True)
    base = best["local   redline.zonal(threads=2)"]
    for label, t in best.items():
        print(f"   {label:62s} {t:6.2f} s  ratio {t / base:.2f}  (best of {rounds})")
    print("   outputs: every distributed CSV byte-identical to the local one" if ok else "   OUTPUTS DIFFER")

    # Breakdown of one distributed run, part by part, in this process and on the workers.
    def timed(fn):
        t = time.perf_counter()
        v = fn()
        return v, time.perf_counter() - t

    opts, array = redline._zonal_options(raster, zones, "code", "exact", False, None, None, None, 1, 1024, False,
                                         False, None, 100.0, None, None, None)
    job, t_prep = timed(lambda: _core.ZonalJob.prepare(opts, array))
    blob, t_ser = timed(job.serialize)
    n = job.task_count()
    _, t_local_pass = timed(lambda: job.run(None, 2, None))
    fut, t_scatter = timed(lambda: client.scatter(getattr(redline.distributed, "_shippable", bytes)(blob), broadcast=True))

    def deser_on_worker(b):
        t = time.perf_counter()
        _core.ZonalJob.deserialize(b)
        return time.perf_counter() - t

    t_deser = client.gather([client.submit(deser_on_worker, fut, pure=False, workers=[w])
                             for w in client.scheduler_info()["workers"]])
    parts, t_tasks = timed(lambda: redline.distributed._gather(client, redline.distributed._zonal_part, blob, n,
                                                                redline.distributed._default_partitions(client), 1))
    _, t_finish = timed(lambda: job.finish(parts))
    print(f"   breakdown (s, one run each, same sitting): prepare zones on the client {t_prep:.2f}; "
          f"local raster pass (threads=2) {t_local_pass:.2f}; serialize job {t_ser:.2f} "
          f"({len(blob) / 1e6:.1f} MB, {n} tasks); scatter to both workers {t_scatter:.2f}; "
          f"deserialize on each worker "
          f"{' / '.join(f'{t:.2f}' for t in t_deser)}; scatter + tasks + gather (8 partitions, threads=1) "
          f"{t_tasks:.2f}; merge {t_finish:.3f}")
    client.close()
    cluster.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
