"""redline.zonal on a numpy array against the CLI on the same raster file (issue 19). Run by
run_numpy_bench.sh; prints the figures and exits non-zero when an output differs from the CLI's.

Usage: numpy_bench.py REDLINE_BIN DATA_DIR WORK_DIR [ROUNDS]

Each round, in turn: the CLI as a process (`redline zonal --raster F --zones Z --id code
--threads 2 --output cli.csv`, wall time of the process, start to exit); the raster read into
numpy with GDAL's Python bindings (ReadAsArray, timed); redline.zonal on that array (transform,
CRS and nodata from the file, threads=2, output py_array.csv; the call only); redline.zonal on
the path in this process (the call only). Outputs are compared byte for byte with the CLI's every
round.
"""
import os
import subprocess
import sys
import time

import redline
from osgeo import gdal

gdal.UseExceptions()


def main():
    exe, data, work = sys.argv[1], sys.argv[2], sys.argv[3]
    rounds = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    raster, zones = f"{data}/lc_t0.tif", f"{data}/plan.gpkg:redline"
    ds = gdal.Open(raster)
    gt, wkt, nodata = ds.GetGeoTransform(), ds.GetProjection(), ds.GetRasterBand(1).GetNoDataValue()
    ds = None
    nodata = None if nodata is None else int(nodata)
    labels = ["CLI process (redline zonal, file)", "read into numpy (GDAL ReadAsArray)",
              "redline.zonal(array) call", "read + redline.zonal(array)", "redline.zonal(path) call"]
    best = {k: float("inf") for k in labels}
    ok = True
    cli_out = f"{work}/cli.csv"
    for r in range(rounds):
        t = time.perf_counter()
        subprocess.run([exe, "zonal", "--raster", raster, "--zones", zones, "--id", "code", "--threads", "2",
                        "--output", cli_out, "--quiet"], check=True)
        t_cli = time.perf_counter() - t
        t = time.perf_counter()
        ds = gdal.Open(raster)
        arr = ds.GetRasterBand(1).ReadAsArray()
        ds = None
        t_read = time.perf_counter() - t
        t = time.perf_counter()
        redline.zonal(arr, zones, id="code", threads=2, transform=gt, crs=wkt, nodata=nodata,
                      output=f"{work}/py_array.csv")
        t_arr = time.perf_counter() - t
        del arr
        t = time.perf_counter()
        redline.zonal(raster, zones, id="code", threads=2, output=f"{work}/py_path.csv")
        t_path = time.perf_counter() - t
        for k, v in zip(labels, (t_cli, t_read, t_arr, t_read + t_arr, t_path)):
            best[k] = min(best[k], v)
        cli = open(cli_out, "rb").read()
        for name in ("py_array", "py_path"):
            if open(f"{work}/{name}.csv", "rb").read() != cli:
                print(f"   round {r + 1}: {name}.csv DIFFERS from the CLI's output")
                ok = False
        print(f"   round {r + 1} (s): CLI {t_cli:.2f} | read {t_read:.2f} | zonal(array) {t_arr:.2f} | "
              f"zonal(path) {t_path:.2f}   load {os.getloadavg()[0]:.2f}", flush=True)
    base = best[labels[0]]
    for k in labels:
        print(f"   {k:40s} {best[k]:6.2f} s  ratio to the CLI {best[k] / base:.2f}  (best of {rounds})")
    print("   outputs: the array and path CSVs are byte-identical to the CLI's" if ok else "   OUTPUTS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
