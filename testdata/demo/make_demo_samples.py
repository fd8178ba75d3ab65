#!/usr/bin/python3
"""Builds the map-accuracy part of the demo (issue 18): a synthetic truth and two labelled samples.

The demo's land cover lc_2020.tif plays the *map*; this script makes the *land* it maps, with the
kind of errors a 30 m national product has, and then does what an accuracy team does: draw a
stratified random sample with `redline sample` and label every unit from the reference (here the
synthetic truth instead of field visits or very-high-resolution imagery).

  truth_2020.tif          the true land cover of 2020 (CLCD codes, 0 = nodata), the map with errors
                          undone: mapped forest that is really shrub or grassland (7 %), forest
                          mapped as shrub (35 % of shrub) or grassland (5 %), cropland/grassland
                          confusions (8 % / 3 %)
  truth_change.tif        the true natural -> built-up/cropland conversion 2015 -> 2020
                          (1 converted, 0 not, 255 outside the valid cells of both dates): 85 % of
                          the mapped conversions are real; 10 % of the stable cells touching a
                          mapped conversion were converted too (the change map's omission)
  sample_2020.gpkg        `redline sample --map lc_2020.tif --zones china.gpkg:land --target-se 0.015
                          --min-per-stratum 30 --seed 7`, reference = truth_2020 at each unit
  sample_change.gpkg      `redline sample --t0 lc_2015.tif --t1 lc_2020.tif --zones plan.gpkg:redline
                          --size 300 --allocation equal --seed 8`, reference = the true change
                          category (0 stable, 1 natural-to-human)
  (each sample with its design, SAMPLE.design.json, written by `redline sample`)

indicators.yaml attaches sample_2020.gpkg to forest_coverage and cropland_cover and
sample_change.gpkg to ecr_nature_unchanged (config key `accuracy:`).

Usage (after building; about 10 s):
  /usr/bin/python3 testdata/demo/make_demo_samples.py [--redline build/cli/redline] [--out DIR]
The truth rasters are deterministic (numpy PCG64, fixed seed); the samples are deterministic for
the seed whatever the thread count. tests/cli/test_demo_data.py regenerates them and compares.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
from osgeo import gdal, ogr

gdal.UseExceptions()
ogr.UseExceptions()

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]
SEED = 20261206
FIXED_DATE = "2024-06-01T00:00:00.000Z"
CROP, FOREST, SHRUB, GRASS, WATER, SNOW, BARREN, IMPERV, WETLAND = range(1, 10)
NATURAL = (FOREST, SHRUB, GRASS, WATER, SNOW, BARREN, WETLAND)
HUMAN = (CROP, IMPERV)
# (mapped class, true class, probability): the map's confusions undone in the truth.
CONFUSIONS = [(FOREST, SHRUB, 0.04), (FOREST, GRASS, 0.03), (SHRUB, FOREST, 0.35),
              (GRASS, FOREST, 0.05), (CROP, GRASS, 0.08), (GRASS, CROP, 0.03)]
CONVERSION_REAL = 0.85
CONVERSION_OMITTED_NEAR = 0.10


def write_like(src_path, path, array, nodata):
    src = gdal.Open(str(src_path))
    opts = ["TILED=YES", "BLOCKXSIZE=256", "BLOCKYSIZE=256", "COMPRESS=DEFLATE", "ZLEVEL=6"]
    tmp = str(path) + ".tmp.tif"
    ds = gdal.GetDriverByName("GTiff").Create(tmp, src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Byte,
                                              opts)
    ds.SetGeoTransform(src.GetGeoTransform())
    ds.SetSpatialRef(src.GetSpatialRef())
    band = ds.GetRasterBand(1)
    band.SetNoDataValue(nodata)
    band.WriteArray(array)
    ds = None
    os.replace(tmp, path)


def truth_2020(lc):
    rng = np.random.Generator(np.random.PCG64(SEED))
    u = rng.random(lc.shape)
    truth = lc.copy()
    # One uniform draw per cell; a mapped class's confusions take consecutive slices of [0, 1).
    start = {}
    for mapped, true, p in CONFUSIONS:
        lo = start.get(mapped, 0.0)
        hit = (lc == mapped) & (u >= lo) & (u < lo + p)
        truth[hit] = true
        start[mapped] = lo + p
    return truth


def truth_change(t0, t1):
    rng = np.random.Generator(np.random.PCG64(SEED + 1))
    u = rng.random(t0.shape)
    valid = (t0 > 0) & (t1 > 0)
    mapped = valid & np.isin(t0, NATURAL) & np.isin(t1, HUMAN)
    near = np.zeros_like(mapped)
    padded = np.pad(mapped, 1)
    for dr in (-1, 0, 1):
        for dc in (-1, 0, 1):
            if dr or dc:
                near |= padded[1 + dr:1 + dr + mapped.shape[0], 1 + dc:1 + dc + mapped.shape[1]]
    near &= valid & ~mapped
    out = np.full(t0.shape, 255, dtype=np.uint8)
    out[valid] = 0
    out[mapped & (u < CONVERSION_REAL)] = 1
    out[near & (u < CONVERSION_OMITTED_NEAR)] = 1
    return out


def label(sample_path, truth_path):
    """Fills `reference` of every unit from the truth raster at its cell (x, y: the cell centre)."""
    truth = gdal.Open(str(truth_path))
    gt = truth.GetGeoTransform()
    arr = truth.ReadAsArray()
    gdal.SetConfigOption("OGR_CURRENT_DATE", FIXED_DATE)
    try:
        ds = ogr.Open(str(sample_path), 1)
        layer = ds.GetLayer(0)
        for f in layer:
            col = int((f.GetField("x") - gt[0]) // gt[1])
            row = int((f.GetField("y") - gt[3]) // gt[5])
            f.SetField("reference", str(int(arr[row, col])))
            layer.SetFeature(f)
        ds = None
    finally:
        gdal.SetConfigOption("OGR_CURRENT_DATE", None)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--redline", default=str(REPO / "build" / "cli" / "redline"))
    ap.add_argument("--out", default=str(HERE), help="output folder (DEFAULT testdata/demo); the "
                    "inputs (lc_*.tif, china.gpkg, plan.gpkg) are read from the demo folder")
    a = ap.parse_args()
    out = pathlib.Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    lc15 = gdal.Open(str(HERE / "lc_2015.tif")).ReadAsArray()
    lc20 = gdal.Open(str(HERE / "lc_2020.tif")).ReadAsArray()
    write_like(HERE / "lc_2020.tif", out / "truth_2020.tif", truth_2020(lc20), 0)
    write_like(HERE / "lc_2020.tif", out / "truth_change.tif", truth_change(lc15, lc20), 255)
    runs = [
        ("sample_2020.gpkg", "truth_2020.tif",
         ["--map", HERE / "lc_2020.tif", "--zones", f"{HERE / 'china.gpkg'}:land", "--target-se", "0.015",
          "--min-per-stratum", "30", "--seed", "7"]),
        ("sample_change.gpkg", "truth_change.tif",
         ["--t0", HERE / "lc_2015.tif", "--t1", HERE / "lc_2020.tif", "--zones", f"{HERE / 'plan.gpkg'}:redline",
          "--size", "300", "--allocation", "equal", "--seed", "8"]),
    ]
    for name, truth, args in runs:
        target = out / name
        for p in (target, pathlib.Path(str(target) + ".design.json")):
            if p.exists():
                p.unlink()
        cmd = [a.redline, "sample", *map(str, args), "--quiet", "--output", str(target)]
        r = subprocess.run(cmd, capture_output=True, text=True,
                           env={**os.environ, "OGR_CURRENT_DATE": FIXED_DATE})
        if r.returncode != 0:
            sys.exit(f"{' '.join(cmd)} failed:\n{r.stderr}")
        label(target, out / truth)
        # The design records the paths it was drawn from; keep them relative to the demo folder.
        design = pathlib.Path(str(target) + ".design.json")
        text = design.read_text().replace(str(HERE) + "/", "")
        design.write_text(text)
    print(f"wrote truth_2020.tif, truth_change.tif, sample_2020.gpkg, sample_change.gpkg in {out}")


if __name__ == "__main__":
    main()
