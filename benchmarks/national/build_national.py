#!/usr/bin/python3
"""Build the national-size benchmark data of issue #8 from one `redline synth` tile.

    build_national.py TILE_DIR OUT_DIR [--nx 4] [--ny 3] [--quarter-tiles 3]

TILE_DIR holds lc_t0.tif, lc_t1.tif and plan.gpkg from `redline synth --size N`. OUT_DIR gets:

  mosaic_t0.vrt, mosaic_t1.vrt   NX x NY copies of the tile's rasters, each a SimpleSource with
                                 its DstRect at (i*N, j*N); 512 x 512 VRT blocks (the tile's
                                 block size), nodata 0, georeferenced so that the mosaic is
                                 centred near x = 0 in the tile's CGCS2000 Albers CRS
  plan.gpkg                      every layer of the tile's plan.gpkg, once per tile, translated
                                 by the same offsets (ogr2ogr -ct +proj=affine); `code` and
                                 `name` become "tIJ-<original>" so that ids stay unique
  quarter_t0.vrt, quarter_t1.vrt the first QUARTER tiles of row 0 (NX*NY/4 tiles: 1/4 of the
  plan_quarter.gpkg              cells) and the plan of those tiles only (same polygon density)
  corner_t0.vrt, corner_t1.vrt   the top-left 512 x 512 cells (nodata margin, touched by no zone):
                                 zonal on it measures the per-job cost of preparing the zones
  report/                        indicators.yaml + VRT copies + a hard link of plan.gpkg

Python: Debian's /usr/bin/python3 with python3-gdal. Idempotent: existing outputs are kept.
"""
import argparse
import os
import subprocess
import sys

from osgeo import gdal, ogr

gdal.UseExceptions()

LAYERS = ["redline", "cropland", "protected", "urban", "permitted", "land", "regions", "shoreline"]


def tile_grid(nx, ny):
    return [(i, j) for j in range(ny) for i in range(nx)]


def write_vrt(path, src, tiles, size, gt, srs_wkt, block, cut=None):
    """cut: write only the top-left CUT x CUT cells (a corner that no zone touches)."""
    nx = max(i for i, _ in tiles) + 1
    ny = max(j for _, j in tiles) + 1
    src_size = size
    if cut:
        tiles, size, nx, ny = tiles[:1], cut, 1, 1
    srs = srs_wkt.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    out = [f'<VRTDataset rasterXSize="{nx * size}" rasterYSize="{ny * size}">',
           f"  <SRS>{srs}</SRS>",
           "  <GeoTransform>" + ", ".join(repr(float(v)) for v in gt) + "</GeoTransform>",
           f'  <VRTRasterBand dataType="Byte" band="1" blockXSize="{block[0]}" blockYSize="{block[1]}">',
           "    <NoDataValue>0</NoDataValue>"]
    for i, j in tiles:
        out += ["    <SimpleSource>",
                f'      <SourceFilename relativeToVRT="0">{os.path.abspath(src)}</SourceFilename>',
                "      <SourceBand>1</SourceBand>",
                f'      <SourceProperties RasterXSize="{src_size}" RasterYSize="{src_size}" DataType="Byte" '
                f'BlockXSize="{block[0]}" BlockYSize="{block[1]}"/>',
                f'      <SrcRect xOff="0" yOff="0" xSize="{size}" ySize="{size}"/>',
                f'      <DstRect xOff="{i * size}" yOff="{j * size}" xSize="{size}" ySize="{size}"/>',
                "    </SimpleSource>"]
    out += ["  </VRTRasterBand>", "</VRTDataset>", ""]
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(out))
    os.replace(tmp, path)


def build_plan(tile_plan, out, tiles, offsets, prj):
    if os.path.exists(out):
        return
    tmp = out + ".tmp.gpkg"
    if os.path.exists(tmp):
        os.remove(tmp)
    src = ogr.Open(tile_plan)
    fields = {}
    for name in LAYERS:
        lyr = src.GetLayerByName(name)
        d = lyr.GetLayerDefn()
        fields[name] = [d.GetFieldDefn(k).GetName() for k in range(d.GetFieldCount())]
    src = None
    first = True
    for (i, j) in tiles:
        dx, dy = offsets[(i, j)]
        tag = f"t{i}{j}-"
        for name in LAYERS:
            cols = []
            for fld in fields[name]:
                if fld in ("code", "name"):
                    cols.append(f"'{tag}' || \"{fld}\" AS \"{fld}\"")
                else:
                    cols.append(f'"{fld}"')
            sql = f"SELECT geom, {', '.join(cols)} FROM \"{name}\""
            cmd = ["ogr2ogr", "-f", "GPKG", "-dialect", "SQLite", "-sql", sql, "-nln", name,
                   "-s_srs", prj, "-t_srs", prj,
                   "-ct", f"+proj=affine +xoff={dx!r} +yoff={dy!r}"]
            if first:
                first = False
            else:
                cmd += ["-update", "-append"]
            cmd += [tmp, tile_plan]
            subprocess.run(cmd, check=True)
        print(f"  plan: tile {i},{j} done", file=sys.stderr, flush=True)
    os.replace(tmp, out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tile_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--nx", type=int, default=4)
    ap.add_argument("--ny", type=int, default=3)
    ap.add_argument("--quarter-tiles", type=int, default=None)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    t0 = os.path.join(a.tile_dir, "lc_t0.tif")
    ds = gdal.Open(t0)
    size = ds.RasterXSize
    assert ds.RasterYSize == size
    g = ds.GetGeoTransform()
    block = ds.GetRasterBand(1).GetBlockSize()
    srs_wkt = ds.GetProjection()
    ds = None
    step = size * g[1]
    # mosaic origin: centred on x = 0; top at y = 5 900 000 (roughly China's Albers extent)
    mx0 = -round(a.nx * step / 2 / 1e4) * 1e4
    my0 = 5_900_000.0
    gt = (mx0, g[1], 0.0, my0, 0.0, g[5])
    tiles = tile_grid(a.nx, a.ny)
    offsets = {(i, j): (mx0 + i * step - g[0], my0 - j * step - g[3]) for (i, j) in tiles}
    prj = os.path.join(a.out_dir, "tile.prj")
    with open(prj, "w") as f:
        f.write(srs_wkt)
    quarter_n = a.quarter_tiles if a.quarter_tiles else (a.nx * a.ny) // 4
    assert quarter_n <= a.nx, "the quarter mosaic is the first tiles of row 0"
    quarter = [(i, 0) for i in range(quarter_n)]
    for date in ("t0", "t1"):
        src = os.path.join(a.tile_dir, f"lc_{date}.tif")
        write_vrt(os.path.join(a.out_dir, f"mosaic_{date}.vrt"), src, tiles, size, gt, srs_wkt, block)
        write_vrt(os.path.join(a.out_dir, f"quarter_{date}.vrt"), src, quarter, size, gt, srs_wkt, block)
        # 512 x 512 cells of the nodata margin: zonal on it prepares every zone but reads no tile
        write_vrt(os.path.join(a.out_dir, f"corner_{date}.vrt"), src, tiles, size, gt, srs_wkt, block,
                  cut=block[0])
    tile_plan = os.path.join(a.tile_dir, "plan.gpkg")
    build_plan(tile_plan, os.path.join(a.out_dir, "plan.gpkg"), tiles, offsets, prj)
    build_plan(tile_plan, os.path.join(a.out_dir, "plan_quarter.gpkg"), quarter, offsets, prj)
    # report config folder: its paths must stay inside it, and `redline report` resolves symlinks
    # (a symlink to ../plan.gpkg is "outside"), so: copies of the VRTs (they name the tiles by
    # absolute path) and a hard link of the GeoPackage
    rep = os.path.join(a.out_dir, "report")
    os.makedirs(rep, exist_ok=True)
    for name in ("mosaic_t0.vrt", "mosaic_t1.vrt", "plan.gpkg"):
        dst = os.path.join(rep, name)
        if os.path.islink(dst):
            os.remove(dst)
        if name.endswith(".vrt"):
            with open(os.path.join(a.out_dir, name)) as f, open(dst, "w") as g:
                g.write(f.read())
        elif not os.path.exists(dst):
            os.link(os.path.join(a.out_dir, name), dst)
    with open(os.path.join(rep, "indicators.yaml"), "w") as f:
        f.write(f"""version: 1
title: "National-size benchmark (issue 8): {a.nx}x{a.ny} synthetic provinces"
year: 2020
inputs:
  landcover_t0: mosaic_t0.vrt
  landcover_t1: mosaic_t1.vrt
  classes: clcd
  redline: plan.gpkg:redline
  cropland: plan.gpkg:cropland
  protected: plan.gpkg:protected
  urban: plan.gpkg:urban
  permitted: plan.gpkg:permitted
  land: plan.gpkg:land
  shoreline: plan.gpkg:shoreline
  shoreline_class_field: type
  shoreline_artificial: [artificial]
  regions: plan.gpkg:regions
  regions_id: code
""")
    print(f"mosaic {a.nx}x{a.ny} tiles of {size}^2 = {a.nx * a.ny * size * size:.4g} cells; "
          f"quarter {quarter_n} tiles = {quarter_n * size * size:.4g} cells", file=sys.stderr)


if __name__ == "__main__":
    main()
