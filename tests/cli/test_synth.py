"""`redline synth`: deterministic files, GeoTIFF and GeoPackage layout, planted changes that really
change t0 into t1, valid polygons, and clear errors for bad arguments."""
import hashlib
import os

import numpy as np
import pytest
from osgeo import gdal, ogr, osr

from redline_testkit import ALBERS, no_temp_files, read_csv, run

SIZE, ZONES = 600, 30
FILES = ["lc_t0.tif", "lc_t1.tif", "plan.gpkg", "planted_changes.csv", "planted_cells.csv"]


def digest(directory):
    return {f: hashlib.sha256(open(os.path.join(directory, f), "rb").read()).hexdigest() for f in FILES}


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth") / "a"
    r = run("synth", out, "--size", SIZE, "--zones", ZONES, "--seed", 5, "--threads", 1)
    assert r.returncode == 0, r.stderr
    return out, r


def test_prints_what_was_written(synth):
    out, r = synth
    for f in FILES:
        assert f"wrote {out / f}" in r.stderr
    assert "layers redline (30), cropland (90)" in r.stderr
    assert no_temp_files(out)


def test_same_arguments_same_bytes_for_any_thread_count_other_seed_other_bytes(synth, tmp_path):
    out, _ = synth
    r = run("synth", tmp_path / "b", "--size", SIZE, "--zones", ZONES, "--seed", 5, "--threads", 2, "--quiet")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert digest(out) == digest(tmp_path / "b")
    r = run("synth", tmp_path / "c", "--size", SIZE, "--zones", ZONES, "--seed", 6, "--quiet")
    assert r.returncode == 0, r.stderr
    other = digest(tmp_path / "c")
    for f in FILES:
        assert other[f] != digest(out)[f], f


def test_rasters_are_tiled_deflate_uint8_albers_with_nodata(synth):
    out, _ = synth
    albers = osr.SpatialReference()
    albers.SetFromUserInput(ALBERS)
    for name in ("lc_t0.tif", "lc_t1.tif"):
        ds = gdal.Open(str(out / name))
        assert (ds.RasterXSize, ds.RasterYSize) == (SIZE, SIZE)
        band = ds.GetRasterBand(1)
        assert band.DataType == gdal.GDT_Byte
        assert band.GetBlockSize() == [512, 512]
        assert band.GetNoDataValue() == 0
        assert ds.GetMetadata("IMAGE_STRUCTURE")["COMPRESSION"] == "DEFLATE"
        assert ds.GetGeoTransform() == (600000.0, 30.0, 0.0, 3600000.0, 0.0, -30.0)
        assert ds.GetSpatialRef().IsSame(albers)
        a = band.ReadAsArray()
        values = set(np.unique(a).tolist())
        assert values <= set(range(10))
        assert {0, 1, 2, 5, 8} <= values
        nodata_share = (a == 0).mean()
        assert 0.02 < nodata_share < 0.1  # a nodata margin of a few percent
        assert (a[0, :] == 0).all() and (a[:, -1] == 0).all()


def test_cell_size_option_changes_the_geotransform(tmp_path):
    r = run("synth", tmp_path / "d", "--size", 128, "--zones", 5, "--cell-size", 10, "--quiet")
    assert r.returncode == 0, r.stderr
    ds = gdal.Open(str(tmp_path / "d" / "lc_t0.tif"))
    assert ds.GetGeoTransform()[1] == 10.0 and ds.GetGeoTransform()[5] == -10.0
    assert (ds.RasterXSize, ds.RasterYSize) == (128, 128)


LAYERS = {
    "redline": (ogr.wkbMultiPolygon, {"code", "name"}),
    "cropland": (ogr.wkbMultiPolygon, {"code", "name"}),
    "protected": (ogr.wkbMultiPolygon, {"code", "name", "type"}),
    "urban": (ogr.wkbMultiPolygon, {"code", "name"}),
    "permitted": (ogr.wkbMultiPolygon, {"code", "name", "type"}),
    "land": (ogr.wkbMultiPolygon, {"code", "name"}),
    "regions": (ogr.wkbMultiPolygon, {"code", "name"}),
    "shoreline": (ogr.wkbLineString, {"code", "type", "island"}),
}


def features(ds, layer):
    lyr = ds.GetLayerByName(layer)
    lyr.ResetReading()
    return [(f, f.GetGeometryRef().Clone()) for f in lyr]


def test_geopackage_layers_fields_crs_and_counts(synth):
    out, _ = synth
    ds = ogr.Open(str(out / "plan.gpkg"))
    assert sorted(ds.GetLayer(i).GetName() for i in range(ds.GetLayerCount())) == sorted(LAYERS)
    albers = osr.SpatialReference()
    albers.SetFromUserInput(ALBERS)
    for name, (gtype, fields) in LAYERS.items():
        lyr = ds.GetLayerByName(name)
        assert lyr.GetGeomType() == gtype, name
        defn = lyr.GetLayerDefn()
        assert {defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())} == fields, name
        assert lyr.GetSpatialRef().IsSame(albers), name
        assert lyr.GetFeatureCount() > 0, name
    assert ds.GetLayerByName("redline").GetFeatureCount() == ZONES
    assert ds.GetLayerByName("cropland").GetFeatureCount() == 3 * ZONES
    assert ds.GetLayerByName("protected").GetFeatureCount() == 3  # 5 % of 30, at least 3
    assert ds.GetLayerByName("land").GetFeatureCount() == 1
    assert 4 <= ds.GetLayerByName("regions").GetFeatureCount() <= 9
    codes = [f.GetField("code") for f, _ in features(ds, "redline")]
    assert codes[0] == "ECR-000001" and len(set(codes)) == ZONES
    shore = features(ds, "shoreline")
    types = {f.GetField("type") for f, _ in shore}
    assert types <= {"bedrock", "sandy", "muddy", "biological", "artificial", "estuary"}
    assert any(f.GetField("island") == 1 for f, _ in shore)
    assert any(f.GetField("island") == 0 for f, _ in shore)


def test_every_polygon_is_valid_with_holes_multipolygons_and_complex_rings(synth):
    out, _ = synth
    ds = ogr.Open(str(out / "plan.gpkg"))
    for name, (gtype, _) in LAYERS.items():
        if gtype != ogr.wkbMultiPolygon:
            continue
        for f, g in features(ds, name):
            assert g.IsValid(), f"{name} {f.GetField('code')}"
    red = [g for _, g in features(ds, "redline")]
    assert any(g.GetGeometryCount() > 1 for g in red)
    assert any(g.GetGeometryRef(0).GetGeometryCount() > 1 for g in red)  # a hole
    vertices = [g.GetGeometryRef(0).GetGeometryRef(0).GetPointCount() - 1 for g in red]
    assert min(vertices) >= 32 and max(vertices) <= 1500 and max(vertices) > 200


def test_overlaps_exist_between_redline_and_cropland(synth):
    out, _ = synth
    ds = ogr.Open(str(out / "plan.gpkg"))
    red = [g for _, g in features(ds, "redline")]
    crop = [g for _, g in features(ds, "cropland")]
    overlapping = sum(1 for c in crop if any(c.Intersection(r).GetArea() > 0 for r in red))
    assert 1 <= overlapping < len(crop) // 5


def test_regions_tile_the_land_and_land_excludes_the_sea(synth):
    out, _ = synth
    ds = ogr.Open(str(out / "plan.gpkg"))
    land = features(ds, "land")[0][1]
    regions = [g for _, g in features(ds, "regions")]
    union = regions[0]
    for g in regions[1:]:
        union = union.Union(g)
    assert sum(g.GetArea() for g in regions) == pytest.approx(land.GetArea(), rel=1e-9)
    assert union.SymDifference(land).GetArea() == pytest.approx(0, abs=1e-3)
    # The sea is cut out: land covers less than the raster extent, but most of it.
    assert 0.75 * (SIZE * 30.0) ** 2 < land.GetArea() < (SIZE * 30.0) ** 2


def test_planted_changes_really_differ_between_t0_and_t1(synth):
    out, _ = synth
    t0 = gdal.Open(str(out / "lc_t0.tif")).ReadAsArray()
    t1 = gdal.Open(str(out / "lc_t1.tif")).ReadAsArray()
    patches = read_csv(out / "planted_changes.csv")
    cells = read_csv(out / "planted_cells.csv")
    assert list(patches[0].keys())[:8] == ["patch_id", "shape", "from", "to", "cells", "area_m2", "x", "y"]
    changed = np.zeros(t0.shape, dtype=bool)
    by_patch = {}
    for c in cells:
        r, k = int(c["row"]), int(c["col"])
        assert t0[r, k] == int(c["from"]) and t1[r, k] == int(c["to"])
        # x, y is the cell centre in Albers metres
        assert float(c["x"]) == pytest.approx(600000 + 30 * (k + 0.5))
        assert float(c["y"]) == pytest.approx(3600000 - 30 * (r + 0.5))
        changed[r, k] = True
        by_patch.setdefault(c["patch_id"], []).append((k, r))
    assert ((t0 != t1) == changed).all()  # nothing else changed
    shapes = {p["shape"] for p in patches}
    assert {"single", "line3", "square4", "diagonal_pair", "blob"} <= shapes
    for p in patches:
        pc = by_patch[p["patch_id"]]
        assert int(p["cells"]) == len(pc)
        assert float(p["area_m2"]) == pytest.approx(900.0 * len(pc))
        if p["shape"] == "diagonal_pair":
            (a, b) = pc
            assert abs(a[0] - b[0]) == 1 and abs(a[1] - b[1]) == 1
        if p["shape"] == "single":
            assert len(pc) == 1
        if p["shape"] == "square4":
            assert len(pc) == 4
        if p["layer"] == "redline":
            assert p["redline"] == p["zone"] and p["zone"].startswith("ECR-")
            assert p["from"] in {"2", "3", "4", "9"} and p["to"] in {"1", "8"}
        if p["layer"] == "cropland":
            assert p["from"] == "1" and p["to"] == "8" and p["zone"] in p["cropland"].split(";")
    layers = {p["layer"] for p in patches}
    assert layers == {"redline", "cropland", "none"}
    assert any(p["permitted"] for p in patches)


def test_planted_patch_positions_fall_inside_the_named_polygons(synth):
    out, _ = synth
    ds = ogr.Open(str(out / "plan.gpkg"))
    red = {f.GetField("code"): g for f, g in features(ds, "redline")}
    perm = {f.GetField("code"): g for f, g in features(ds, "permitted")}
    cells = {}
    for c in read_csv(out / "planted_cells.csv"):
        cells.setdefault(c["patch_id"], []).append((int(c["col"]), int(c["row"])))
    checked = 0
    for p in read_csv(out / "planted_changes.csv"):
        if p["layer"] != "redline":
            continue
        for k, r in cells[p["patch_id"]]:
            x0, y1 = 600000 + 30 * k, 3600000 - 30 * r
            cell = ogr.CreateGeometryFromWkt(
                f"POLYGON(({x0} {y1 - 30},{x0 + 30} {y1 - 30},{x0 + 30} {y1},{x0} {y1},{x0} {y1 - 30}))")
            assert red[p["zone"]].Contains(cell), p
            for code in filter(None, p["permitted"].split(";")):
                assert perm[code].Contains(cell), p
        checked += 1
    assert checked >= 10


def test_zonal_reads_the_synthetic_data(synth, tmp_path):
    out, _ = synth
    r = run("zonal", "--raster", out / "lc_t0.tif", "--zones", f"{out / 'plan.gpkg'}:redline", "--id", "code",
            "--output", tmp_path / "z.csv", "--quiet")
    assert r.returncode == 0, r.stderr
    rows = read_csv(tmp_path / "z.csv")
    assert {row["zone"] for row in rows} == {f"ECR-{i:06d}" for i in range(1, ZONES + 1)}


@pytest.mark.parametrize("args, code, message", [
    (["--size", "10"], 2, "--size"),
    (["--zones", "5000", "--size", "128"], 2, "--zones 5000 is too many for --size 128"),
    (["--cell-size", "0"], 2, "--cell-size"),
])
def test_bad_arguments_exit_2_with_the_option_named(tmp_path, args, code, message):
    r = run("synth", tmp_path / "e", *args)
    assert r.returncode == code, r.stderr
    assert message in r.stderr
    assert not (tmp_path / "e" / "lc_t0.tif").exists()


def test_outdir_that_is_a_file_or_has_no_parent_is_an_io_error(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = run("synth", f, "--size", 64, "--zones", 1)
    assert r.returncode == 3
    assert "exists and is not a directory" in r.stderr
    r = run("synth", tmp_path / "missing" / "deeper", "--size", 64, "--zones", 1)
    assert r.returncode == 3
    assert "cannot create directory" in r.stderr
