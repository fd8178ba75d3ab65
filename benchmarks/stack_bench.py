"""Python side of the several-dates benchmark (issue 20 §3): redline.zonal on a 3-D
xarray.DataArray (time, y, x) -- one pass, zones rasterized once -- against one call per date,
with the dates Dask-backed (rioxarray.open_rasterio(..., chunks=...), read tile by tile) and
in memory (numpy). Never run by ctest.

    PYTHONPATH=build/bindings /usr/bin/python3 benchmarks/stack_bench.py DATA_SET_DIR [REPEAT]

DATA_SET_DIR: a `redline synth` output with d0.tif .. d3.tif (benchmarks/run_stack_bench.sh makes
it). Prints a Markdown table: wall and CPU seconds of this process (time.perf_counter,
time.process_time: the engine's threads and Dask's included), peak RSS so far, 1-minute load."""
import os
import resource
import sys
import time

import pandas as pd
import rioxarray
import xarray as xr

import redline


def main():
    data = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    zones = os.path.join(data, "plan.gpkg:redline")
    paths = [os.path.join(data, f"d{k}.tif") for k in range(4)]
    times = pd.date_range("2017-01-01", periods=4, freq="365D")

    def dates(chunks):
        return [rioxarray.open_rasterio(p, chunks=chunks).squeeze("band", drop=True) for p in paths]

    def cube(chunks):
        return xr.concat(dates(chunks), dim=pd.Index(times, name="time"))

    runs = {
        "1 date (Dask)": lambda: redline.zonal(dates((1, 2048, 2048))[0], zones, id="code"),
        "4 dates, 4 calls (Dask)": lambda: [redline.zonal(d, zones, id="code") for d in dates((1, 2048, 2048))],
        "4 dates, one call on (time, y, x) (Dask)": lambda: redline.zonal(cube((1, 2048, 2048)), zones, id="code"),
        "4 dates, one call on (time, y, x) (numpy)": lambda: redline.zonal(cube(None).load(), zones, id="code"),
    }
    best = {}
    check = {}
    for _ in range(repeat):
        for label, fn in runs.items():
            load = os.getloadavg()[0]
            w0, c0 = time.perf_counter(), time.process_time()
            out = fn()
            wall, cpu = time.perf_counter() - w0, time.process_time() - c0
            if label not in best or wall < best[label][0]:
                best[label] = (wall, cpu, load)
            check[label] = out
    # The cube's rows are the per-date rows, date by date.
    per_date = pd.concat(check["4 dates, 4 calls (Dask)"], ignore_index=True)
    for label in ("4 dates, one call on (time, y, x) (Dask)", "4 dates, one call on (time, y, x) (numpy)"):
        got = check[label].drop(columns="time").reset_index(drop=True)
        assert got.equals(per_date), label
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print("| run | wall s | CPU s | load (1 min) |")
    print("|---|---|---|---|")
    for label, (wall, cpu, load) in best.items():
        print(f"| {label} | {wall:.2f} | {cpu:.2f} | {load:.2f} |")
    print(f"\npeak RSS of the process: {rss:.0f} MB; outputs checked: the cube's rows == the per-date rows")


if __name__ == "__main__":
    main()
