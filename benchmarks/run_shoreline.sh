#!/bin/bash
# Times `redline shoreline` on the real GSHHG 2.3.7 shoreline of the China seas
# (../shared/data/gshhg_china_coast: 7,006 lines, 336,861 vertices, 55,617 km) and on the
# China mainland coast (96,870 vertices, 17,460 km) with a synthetic land-use raster.
# Usage: benchmarks/run_shoreline.sh [BUILD_DIR]   (default: build)
# Prints wall time, CPU time and peak RSS of each run; nothing is timed inside the tests.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BIN=${1:-$ROOT/build}/cli/redline
DATA=${REDLINE_SHARED_DATA:-$ROOT/../shared/data}/gshhg_china_coast/gshhg_china_coast.gpkg
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
ALBERS="+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m +no_defs"

ogr2ogr -t_srs "$ALBERS" "$WORK/albers.gpkg" "$DATA" gshhg_f_l1_shoreline -nln shore
/usr/bin/python3 - "$WORK/lc.tif" <<'PY'
import sys
import numpy as np
from osgeo import gdal, osr
rows, cols = 7667, 5667  # 108-125 E, 18-41 N at 0.003 degrees, 20 x 20 cell blocks of random CLCD codes
rng = np.random.default_rng(1)
blocks = rng.integers(1, 10, size=(rows // 20 + 1, cols // 20 + 1), dtype=np.uint8)
a = np.kron(blocks, np.ones((20, 20), dtype=np.uint8))[:rows, :cols]
ds = gdal.GetDriverByName("GTiff").Create(sys.argv[1], cols, rows, 1, gdal.GDT_Byte,
                                          ["TILED=YES", "COMPRESS=DEFLATE"])
ds.SetGeoTransform((108, 0.003, 0, 41, 0, -0.003))
s = osr.SpatialReference(); s.ImportFromEPSG(4326); ds.SetSpatialRef(s)
ds.GetRasterBand(1).SetNoDataValue(0)
ds.GetRasterBand(1).WriteArray(a)
PY

bench() {
    local label=$1; shift
    /usr/bin/time -f "$label: %e s wall, %U s user, %S s sys, %M KB peak RSS" "$BIN" shoreline "$@" --quiet > /dev/null
}
echo "machine: $(nproc) cores; $(uname -srm)"
bench "lon/lat, 336,861 vertices, attribute" --lines "$DATA:gshhg_f_l1_shoreline" --class-field closed --natural 1 --artificial 0
bench "Albers, 336,861 vertices, attribute" --lines "$WORK/albers.gpkg:shore" --class-field closed --natural 1 --artificial 0
bench "lon/lat, attribute + 556k pieces to CSV" --lines "$DATA:gshhg_f_l1_shoreline" --class-field closed --natural 1 --artificial 0 --segments "$WORK/p.csv"
bench "mainland coast, raster 0.003 deg, 100 m strips" --lines "$DATA:china_mainland_coast" --raster "$WORK/lc.tif"
bench "mainland coast, raster, 1 thread" --lines "$DATA:china_mainland_coast" --raster "$WORK/lc.tif" --threads 1
