#!/usr/bin/python3
"""The zonal recipe analysts use today, step 2 of 2 (step 1 is gdal_rasterize of zone ids):
read the zone-id raster and the land-cover raster whole into numpy, count every (zone, class)
pair with one np.bincount, and multiply by the cell area. Cells count by the centre rule of
gdal_rasterize (not exact coverage), and overlapping zones cannot be represented.

    recipe_bincount.py ZONE_IDS.tif LAND_COVER.tif OUT.csv

Writes zone,class,area_m2 for every pair with cells (class 0 = nodata); zone is the burnt id.
"""
import sys

import numpy as np
from osgeo import gdal

gdal.UseExceptions()


def main(zones_path, lc_path, out_path):
    zds, cds = gdal.Open(zones_path), gdal.Open(lc_path)
    gt = cds.GetGeoTransform()
    if (zds.RasterXSize, zds.RasterYSize) != (cds.RasterXSize, cds.RasterYSize):
        sys.exit("recipe_bincount: the zone raster and the land-cover raster differ in size")
    zones = zds.GetRasterBand(1).ReadAsArray()
    classes = cds.GetRasterBand(1).ReadAsArray()
    n_zones = int(zones.max())
    key = zones.astype(np.int64) * 256 + classes
    counts = np.bincount(key.ravel(), minlength=(n_zones + 1) * 256).reshape(n_zones + 1, 256)
    cell_area = abs(gt[1] * gt[5])
    with open(out_path, "w") as out:
        out.write("zone,class,area_m2\n")
        for z, k in zip(*np.nonzero(counts[1:])):
            out.write(f"{z + 1},{k},{counts[z + 1, k] * cell_area:.6f}\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
