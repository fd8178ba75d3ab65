"""`redline zonal` contract (issue #2): columns, order, values, formats, determinism, bad input."""
import json
import math
import os

import numpy as np
import pytest
from osgeo import gdal, ogr, osr

from overlay_oracle import rect_area
from redline_testkit import (ALBERS, TESTDATA, box_wkt, no_temp_files, read_csv, read_csv_text, real_text,
                             run, write_layer, write_raster)

X0, Y0 = 600000.0, 3600000.0  # Albers origin of the small fixtures, 10 m cells


@pytest.fixture
def small(tmp_path):
    """4 x 3 raster of 10 m cells (equal-area: 100 m2 per cell), classes:
        1 1 2 2
        1 3 3 2
        0 3 9 9      (0 = nodata)
    and a layer with two zones: A covers the left half exactly, B the centre of cell (1,1)...(2,2)."""
    arr = np.array([[1, 1, 2, 2], [1, 3, 3, 2], [0, 3, 9, 9]], dtype=np.uint8)
    r = write_raster(tmp_path / "lc.tif", arr, (X0, 10, 0, Y0, 0, -10), ALBERS, nodata=0)
    a = box_wkt(X0, Y0 - 30, X0 + 20, Y0)              # columns 0-1, all rows
    b = box_wkt(X0 + 15, Y0 - 25, X0 + 35, Y0 - 5)     # half/quarter cells around (1..3, 0..2)
    z = write_layer(tmp_path / "plan.gpkg", "redline", [a, b], ALBERS, {"code": ["A", "B"]})
    return tmp_path, r, z


def test_hand_computed_areas_and_row_order(small):
    d, r, z = small
    p = run("zonal", "--raster", r, "--zones", f"{z}:redline", "--id", "code")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert lines[0].split(",")[:4] == ["zone", "class", "area_m2", "share"]
    rows = read_csv_text(p.stdout)
    got = [(x["zone"], x["class"], x["area_m2"]) for x in rows]
    # A: class 1 x3 cells, 3 x2 cells (cells (1,1),(2,1)... see fixture), nodata x1.
    # B: x in [15,35] -> col1 half, col2 full, col3 half; y in [5,25] -> row0 half, row1 full, row2 half.
    #   row0: c1 (1) .5*.5, c2 (2) .5, c3 (2) .25; row1: c1 (3) .5, c2 (3) 1, c3 (2) .5;
    #   row2: c1 (3) .25, c2 (9) .5, c3 (9) .25  -> 1: 25, 2: 125, 3: 175, 9: 75 m2
    # Full and half cells of an equal-area grid are exact: the text is that of the hand-computed value.
    assert got == [("A", "1", real_text(300)), ("A", "3", real_text(200)), ("A", "nodata", real_text(100)),
                   ("B", "1", real_text(25)), ("B", "2", real_text(125)), ("B", "3", real_text(175)),
                   ("B", "9", real_text(75))]
    shares = {(x["zone"], x["class"]): float(x["share"]) for x in rows}
    assert shares[("A", "1")] == pytest.approx(0.6, abs=1e-12)
    assert shares[("A", "nodata")] == pytest.approx(0.2, abs=1e-12)  # nodata / valid area
    assert sum(v for (zn, c), v in shares.items() if zn == "B") == pytest.approx(1.0, abs=1e-12)
    assert {x["area_model"] for x in rows} == {"constant"}
    assert {x["ellipsoid"] for x in rows} == {"CGCS2000 (GRS80)"}
    assert float(rows[3]["cells"]) == pytest.approx(0.25, abs=1e-12)


def test_progress_shows_each_stage_of_preparation_then_the_raster_pass(small):
    d, r, z = small
    p = run("zonal", "--raster", r, "--zones", f"{z}:redline", "--progress", "--output", d / "z.csv")
    assert p.returncode == 0, p.stderr
    stages = [line.split()[0] for line in p.stderr.splitlines() if "%" in line]
    order = ["zones", "check", "index", "zonal"]  # read, validity, zone set, raster pass
    assert [s for i, s in enumerate(stages) if i == 0 or stages[i - 1] != s] == order, p.stderr
    for stage in order:
        assert "100.0%" in [line for line in p.stderr.splitlines() if line.startswith(stage)][-1], p.stderr


def test_default_zone_key_is_the_feature_id(small):
    d, r, z = small
    rows = read_csv_text(run("zonal", "--raster", r, "--zones", f"{z}:redline").stdout)
    assert [x["zone"] for x in rows][0] == "1" and rows[-1]["zone"] == "2"  # GeoPackage fids


def test_layer_is_optional_for_single_layer_files(small):
    d, r, z = small
    p = run("zonal", "--raster", r, "--zones", z, "--id", "code")
    assert p.returncode == 0, p.stderr
    assert len(read_csv_text(p.stdout)) == 7


def test_class_names_from_builtin_and_csv_tables(small, tmp_path):
    d, r, z = small
    rows = read_csv_text(run("zonal", "--raster", r, "--zones", f"{z}:redline", "--id", "code",
                             "--classes", "clcd").stdout)
    names = {x["class"]: x["class_name"] for x in rows}
    assert names["1"] == "Cropland" and names["3"] == "Shrub" and names["9"] == "Wetland"
    assert names["nodata"] == "nodata"
    table = tmp_path / "mine.csv"
    table.write_text("code,name,group\n1,Paddy,cropland\n3,Scrub,shrub\n", encoding="utf-8")
    rows = read_csv_text(run("zonal", "--raster", r, "--zones", f"{z}:redline", "--id", "code",
                             "--classes", table).stdout)
    names = {x["class"]: x["class_name"] for x in rows}
    assert names["1"] == "Paddy" and names["2"] == "2"  # unknown codes keep their number


def test_modes(small):
    d, r, z = small
    def areas(mode):
        rows = read_csv_text(run("zonal", "--raster", r, "--zones", f"{z}:redline", "--id", "code",
                                 "--mode", mode).stdout)
        return {(x["zone"], x["class"]): float(x["area_m2"]) for x in rows if x["zone"] == "B"}
    # centroid: centres of cells (1..2, 0..1) lie in [15,35] x [5,25] -> classes 1,2,3,3
    assert areas("centroid") == {("B", "1"): 100.0, ("B", "2"): 100.0, ("B", "3"): 200.0}
    # all-touched: the 3 x 3 block of cells (1..3, 0..2)
    assert areas("all-touched") == {("B", "1"): 100.0, ("B", "2"): 300.0, ("B", "3"): 300.0,
                                    ("B", "9"): 200.0}


def test_dissolve_counts_overlaps_once(tmp_path):
    arr = np.full((10, 10), 4, dtype=np.uint8)
    r = write_raster(tmp_path / "lc.tif", arr, (X0, 10, 0, Y0, 0, -10), ALBERS, nodata=0)
    sq = box_wkt(X0 + 10, Y0 - 60, X0 + 60, Y0 - 10)
    z = write_layer(tmp_path / "pa.gpkg", "protected", [sq, sq, box_wkt(X0, Y0 - 100, X0 + 20, Y0 - 80)],
                    ALBERS, {"code": ["P1", "P2", "P3"], "type": ["park", "park", "reserve"]})
    per_feature = read_csv_text(run("zonal", "--raster", r, "--zones", z, "--id", "code").stdout)
    assert [float(x["area_m2"]) for x in per_feature] == [2500.0, 2500.0, 400.0]
    allrows = read_csv_text(run("zonal", "--raster", r, "--zones", z, "--dissolve").stdout)
    assert [(x["zone"], float(x["area_m2"])) for x in allrows] == [("all", 2900.0)]
    by = read_csv_text(run("zonal", "--raster", r, "--zones", z, "--dissolve-by", "type").stdout)
    assert [(x["zone"], float(x["area_m2"])) for x in by] == [("park", 2500.0), ("reserve", 400.0)]
    p = run("zonal", "--raster", r, "--zones", z, "--dissolve", "--dissolve-by", "type")
    assert p.returncode == 2 and "excludes" in p.stderr


def test_outputs_csv_json_gpkg(small):
    d, r, z = small
    base = ["zonal", "--raster", r, "--zones", f"{z}:redline", "--id", "code", "--classes", "clcd"]
    stdout = run(*base).stdout
    assert run(*base, "--output", d / "o.csv").returncode == 0
    assert (d / "o.csv").read_text(encoding="utf-8") == stdout
    assert run(*base, "--output", d / "o.json").returncode == 0
    j = json.loads((d / "o.json").read_text(encoding="utf-8"))
    assert j["meta"]["ellipsoid"] == "CGCS2000 (GRS80)"
    assert j["meta"]["area_model"]["kind"] == "constant"
    assert j["meta"]["mode"] == "exact" and j["meta"]["class_table"] == "clcd"
    assert j["columns"][:4] == ["zone", "class", "area_m2", "share"]
    assert [(x["zone"], x["class"], x["area_m2"]) for x in j["rows"]][:2] == [("A", "1", 300.0), ("A", "3", 200.0)]
    assert run(*base, "--output", d / "o.gpkg").returncode == 0
    ds = ogr.Open(str(d / "o.gpkg"))
    lyr = ds.GetLayerByName("zonal")
    feats = [(f["zone"], f["class"], f["area_m2"], f["class_name"]) for f in lyr]
    assert feats[0] == ("A", "1", 300.0, "Cropland") and len(feats) == 7
    assert "CGCS2000" in lyr.GetMetadataItem("REDLINE_META")
    assert no_temp_files(d)
    p = run(*base, "--output", d / "o.txt")
    assert p.returncode == 2 and ".csv, .json, .gpkg" in p.stderr and not (d / "o.txt").exists()


def test_identical_bytes_for_threads_and_tile_sizes(tmp_path):
    rng = np.random.default_rng(1)
    arr = rng.integers(0, 10, size=(700, 900), dtype=np.uint8)
    r = write_raster(tmp_path / "lc.tif", arr, (X0, 30, 0, Y0, 0, -30), ALBERS, nodata=0, block=(128, 128))
    wkts = []
    for i in range(40):
        cx, cy = X0 + rng.uniform(0, 27000), Y0 - rng.uniform(0, 21000)
        n = int(rng.integers(8, 300))
        rad = rng.uniform(100, 4000) * rng.uniform(0.4, 1.0, n)
        t = np.linspace(0, 2 * math.pi, n, endpoint=False)
        pts = [(cx + a * math.cos(b), cy + a * math.sin(b)) for a, b in zip(rad, t)]
        pts.append(pts[0])
        wkts.append("POLYGON((" + ",".join(f"{x!r} {y!r}" for x, y in pts) + "))")
    z = write_layer(tmp_path / "z.gpkg", "z", wkts, ALBERS)
    outs = set()
    for threads in ("1", "2", "8"):
        for ts in ("64", "200", "1024"):
            p = run("zonal", "--raster", r, "--zones", z, "--threads", threads, "--tile-size", ts)
            assert p.returncode == 0, p.stderr
            assert "TBB" not in p.stderr, p.stderr  # more threads than cores: honoured, silently
            outs.add(p.stdout)
    assert len(outs) == 1


SAO = TESTDATA / "sao_miguel_clc"  # CORINE 2018 over São Miguel and six zones cut from it (PROVENANCE.md)
CLC = SAO / "clc2018_v2020_20u1.tif"


def test_matches_the_pixel_centre_oracle_on_real_data():
    """São Miguel CORINE x six zones: centroid counts and areas equal an independent oracle, GDAL's
    RasterizeLayer (pixel-centre rule) with each row's exact ellipsoidal quadrangle (overlay_oracle)."""
    p = run("zonal", "--raster", CLC, "--zones", SAO / "zones.fgb", "--id", "name", "--mode", "centroid")
    assert p.returncode == 0, p.stderr
    assert "nodata = -128, which a Byte band cannot hold" in p.stderr
    got = {(x["zone"], x["class"]): (float(x["cells"]), float(x["area_m2"])) for x in read_csv_text(p.stdout)}
    src = gdal.Open(str(CLC))
    gt = src.GetGeoTransform()
    classes = src.GetRasterBand(1).ReadAsArray()
    row_m2 = np.array([rect_area(gt[0], gt[3] + (r + 1) * gt[5], gt[0] + gt[1], gt[3] + r * gt[5])
                       for r in range(src.RasterYSize)])
    zones = ogr.Open(str(SAO / "zones.fgb"))
    layer = zones.GetLayer(0)
    expected = {}
    for name in [f.GetField("name") for f in layer]:
        mask = gdal.GetDriverByName("MEM").Create("", src.RasterXSize, src.RasterYSize, 1, gdal.GDT_Byte)
        mask.SetGeoTransform(gt)
        mask.SetProjection(src.GetProjection())
        layer.SetAttributeFilter(f"name = '{name}'")
        gdal.RasterizeLayer(mask, [1], layer, burn_values=[1])
        inside = mask.GetRasterBand(1).ReadAsArray() == 1
        for c in np.unique(classes[inside]):
            cells = inside & (classes == c)
            expected[(name, str(c))] = (int(cells.sum()), float((cells.sum(axis=1) * row_m2).sum()))
    layer.SetAttributeFilter(None)
    assert len(expected) > 60 and set(got) == set(expected)
    for key, (cells, area) in expected.items():
        assert got[key][0] == cells, key
        assert got[key][1] == pytest.approx(area, rel=1e-9, abs=1e-6), key


def test_exact_mode_sums_to_polygon_area_on_real_data():
    """Exact coverage: each zone's class areas add up to the zone's ellipsoidal area. Oracle: the zone
    densified in lon/lat (1e-4 degrees) and projected to an equal-area LAEA on GRS80 (PROJ)."""
    p = run("zonal", "--raster", CLC, "--zones", SAO / "zones.fgb", "--id", "name")
    assert p.returncode == 0, p.stderr
    totals = {}
    for x in read_csv_text(p.stdout):
        totals[x["zone"]] = totals.get(x["zone"], 0.0) + float(x["area_m2"])
    laea = osr.SpatialReference()
    laea.ImportFromProj4("+proj=laea +lat_0=37.8 +lon_0=-25.5 +ellps=GRS80 +units=m +no_defs")
    zones = ogr.Open(str(SAO / "zones.fgb"))
    layer = zones.GetLayer(0)
    to_laea = osr.CoordinateTransformation(layer.GetSpatialRef(), laea)
    expected = {}
    for f in layer:
        g = f.GetGeometryRef().Clone()
        g.Segmentize(1e-4)
        g.Transform(to_laea)
        expected[f.GetField("name")] = g.GetArea()
    assert sorted(totals) == sorted(expected) == [f"Z{k}" for k in range(1, 7)]
    for name, area in expected.items():
        assert totals[name] == pytest.approx(area, rel=1e-8), name
    assert 7.0e8 < sum(totals.values()) < 8.0e8  # the island, about 745 km2, plus a 6 m margin


def test_crs_mismatch_and_reproject(small, tmp_path):
    d, r, z = small
    # The same zones in lon/lat.
    wgs = tmp_path / "wgs.gpkg"
    gdal.VectorTranslate(str(wgs), str(z), options="-t_srs EPSG:4490 -nln redline")
    p = run("zonal", "--raster", r, "--zones", f"{wgs}:redline", "--id", "code", "--output", tmp_path / "x.csv")
    assert p.returncode == 2
    assert "CRS mismatch" in p.stderr and "EPSG:4490" in p.stderr and "--reproject" in p.stderr
    assert "lc.tif" in p.stderr and not (tmp_path / "x.csv").exists()
    p = run("zonal", "--raster", r, "--zones", f"{wgs}:redline", "--id", "code", "--reproject")
    assert p.returncode == 0, p.stderr
    a = {(x["zone"], x["class"]): float(x["area_m2"]) for x in read_csv_text(p.stdout)}
    assert a[("A", "1")] == pytest.approx(300.0, rel=1e-6)


def test_geographic_and_gauss_kruger_area_models(tmp_path):
    arr = np.ones((10, 10), dtype=np.uint8)
    geo = write_raster(tmp_path / "g.tif", arr, (105, 0.1, 0, 31, 0, -0.1), "EPSG:4490")
    z = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(105, 30, 106, 31)], "EPSG:4490")
    rows = read_csv_text(run("zonal", "--raster", geo, "--zones", z).stdout)
    assert rows[0]["area_model"] == "per-row"
    assert float(rows[0]["area_m2"]) == pytest.approx(10642393438.71, abs=0.01)  # docs/geodesy.md#reference-values
    gk = write_raster(tmp_path / "gk.tif", arr, (35500000 + 144000, 30, 0, 3330000, 0, -30), "EPSG:4523")
    zk = write_layer(tmp_path / "zk.gpkg", "z", [box_wkt(35644000, 3329700, 35644300, 3330000)], "EPSG:4523")
    rows = read_csv_text(run("zonal", "--raster", gk, "--zones", zk).stdout)
    assert rows[0]["area_model"] == "per-cell"
    # 1.5 degrees from the CM the plane overstates the ellipsoid by ~0.052 % (docs/geodesy.md#no-plane-areas)
    assert 90000 / float(rows[0]["area_m2"]) - 1 == pytest.approx(5.2e-4, abs=0.3e-4)


# ---------------------------------------------------------------- bad input

def expect_error(args, code, *fragments, outdir=None):
    p = run(*args)
    assert p.returncode == code, (p.returncode, p.stderr)
    for f in fragments:
        assert f in p.stderr, (f, p.stderr)
    if outdir is not None:
        assert no_temp_files(outdir)
    return p


def test_missing_and_corrupt_raster(small, tmp_path):
    d, r, z = small
    out = tmp_path / "o.csv"
    expect_error(["zonal", "--raster", tmp_path / "nope.tif", "--zones", z, "--output", out], 3,
                 "cannot open raster", "nope.tif", "no such file", outdir=tmp_path)
    # A truncated file: GDAL opens the header, the data blocks are missing.
    arr = np.random.default_rng(0).integers(1, 9, (300, 300), dtype=np.uint8)
    big = write_raster(tmp_path / "big.tif", arr, (X0, 10, 0, Y0, 0, -10), ALBERS, nodata=0)
    data = open(big, "rb").read()
    bad = tmp_path / "bad.tif"
    bad.write_bytes(data[:len(data) // 2])
    expect_error(["zonal", "--raster", bad, "--zones", z, "--output", out], 3, "bad.tif", "unreadable",
                 "TIFFReadEncodedStrip", outdir=tmp_path)
    assert not out.exists()
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"this is not a raster at all" * 10)
    expect_error(["zonal", "--raster", junk, "--zones", z], 3, "junk.tif", "not recognise it as a raster")


def test_raster_without_crs_geotransform_or_integer_classes(small, tmp_path):
    d, r, z = small
    arr = np.ones((3, 3), dtype=np.uint8)
    nocrs = write_raster(tmp_path / "nocrs.tif", arr, (X0, 10, 0, Y0, 0, -10), None)
    expect_error(["zonal", "--raster", nocrs, "--zones", z], 2, "has no CRS", "gdal_edit.py -a_srs")
    nogt = write_raster(tmp_path / "nogt.tif", arr, None, ALBERS)
    expect_error(["zonal", "--raster", nogt, "--zones", z], 2, "has no geotransform")
    flt = write_raster(tmp_path / "f.tif", arr.astype(np.float32), (X0, 10, 0, Y0, 0, -10), ALBERS,
                       dtype=gdal.GDT_Float32)
    expect_error(["zonal", "--raster", flt, "--zones", z], 2, "Float32", "integer class codes", "gdal_translate -ot")
    expect_error(["zonal", "--raster", r, "--band", "2", "--zones", z], 2, "--band 2 does not exist")


def test_layer_and_field_problems(small, tmp_path):
    d, r, z = small
    expect_error(["zonal", "--raster", r, "--zones", f"{z}:nosuch"], 2, "no layer 'nosuch'", "redline")
    expect_error(["zonal", "--raster", r, "--zones", z, "--id", "nosuch"], 2, "no field 'nosuch'", "code")
    two = write_layer(tmp_path / "two.gpkg", "a", [box_wkt(X0, Y0 - 10, X0 + 10, Y0)], ALBERS)
    write_layer(two, "b", [box_wkt(X0, Y0 - 10, X0 + 10, Y0)], ALBERS, append=True)
    expect_error(["zonal", "--raster", r, "--zones", two], 2, "holds 2 layers", "a, b", ":LAYER")
    pts = write_layer(tmp_path / "pts.gpkg", "p", ["POINT(600005 3599995)"], ALBERS, {"code": ["P"]})
    expect_error(["zonal", "--raster", r, "--zones", pts, "--id", "code"], 2, "must hold polygons", "P (Point)")
    empty = write_layer(tmp_path / "empty.gpkg", "e", [], ALBERS)
    expect_error(["zonal", "--raster", r, "--zones", empty], 2, "has no features")
    dup = write_layer(tmp_path / "dup.gpkg", "d", [box_wkt(X0, Y0 - 10, X0 + 10, Y0)] * 2, ALBERS, {"code": ["X", "X"]})
    expect_error(["zonal", "--raster", r, "--zones", dup, "--id", "code"], 2, "not unique", "'X'", "--dissolve-by")
    expect_error(["zonal", "--raster", r, "--zones", tmp_path / "missing.gpkg"], 3, "no such file")
    nocrs = write_layer(tmp_path / "nocrs.geojson", "n", [box_wkt(X0, Y0 - 10, X0 + 10, Y0)], None)
    p = run("zonal", "--raster", r, "--zones", nocrs)
    # GeoJSON is WGS84 by definition: Albers metres read as degrees are caught at read time.
    assert p.returncode == 2, p.stderr
    assert "nocrs" in p.stderr and "beyond +-90 degrees" in p.stderr and "another CRS" in p.stderr


def test_invalid_geometry_is_reported_and_repaired_on_request(small, tmp_path):
    d, r, z = small
    bowtie = f"POLYGON(({X0} {Y0 - 30},{X0 + 30} {Y0},{X0 + 30} {Y0 - 30},{X0} {Y0},{X0} {Y0 - 30}))"
    bad = write_layer(tmp_path / "bad.gpkg", "b", [box_wkt(X0, Y0 - 10, X0 + 10, Y0), bowtie], ALBERS,
                      {"code": ["ok", "tie"]})
    out = tmp_path / "o.csv"
    expect_error(["zonal", "--raster", r, "--zones", bad, "--id", "code", "--output", out], 2,
                 "invalid geometr", "'tie'", "Self-intersection", "--make-valid", outdir=tmp_path)
    assert not out.exists()
    p = run("zonal", "--raster", r, "--zones", bad, "--id", "code", "--make-valid")
    assert p.returncode == 0 and "repaired 1 invalid geometry" in p.stderr
    rows = read_csv_text(p.stdout)
    tie = sum(float(x["area_m2"]) for x in rows if x["zone"] == "tie")
    assert tie == pytest.approx(450.0, abs=1e-6)  # two triangles of 225 m2


def test_no_zone_touching_the_raster_warns_and_writes_an_empty_table(small, tmp_path):
    d, r, z = small
    far = write_layer(tmp_path / "far.gpkg", "f", [box_wkt(X0 + 1e5, Y0, X0 + 1e5 + 10, Y0 + 10)], ALBERS)
    p = run("zonal", "--raster", r, "--zones", far)
    assert p.returncode == 0
    assert "no zone of layer 'far' touches the raster" in p.stderr
    assert p.stdout.splitlines() == ["zone,class,area_m2,share,cells,area_model,ellipsoid"]


def test_output_directory_missing_is_an_io_error(small, tmp_path):
    d, r, z = small
    expect_error(["zonal", "--raster", r, "--zones", z, "--output", tmp_path / "no" / "o.csv"], 3,
                 "does not exist")


def test_usage_errors_and_version():
    p = run("zonal", "--zones", "x.gpkg")
    assert p.returncode == 2 and "--raster is required" in p.stderr
    p = run("zonal", "--raster", "a.tif", "--zones", "b.gpkg", "--bogus")
    assert p.returncode == 2
    p = run("zonal", "--raster", "a.tif", "--zones", "b.gpkg", "--mode", "fuzzy")
    assert p.returncode == 2 and "fuzzy" in p.stderr
    p = run("--version")
    assert p.returncode == 0 and "redline" in p.stdout and "GDAL" in p.stdout and "GEOS" in p.stdout and "PROJ" in p.stdout
    h = run("zonal", "--help")
    assert h.returncode == 0 and "ellipsoidal" in h.stdout and "Examples" in h.stdout


# ---------------------------------------------------------------- several rasters (issue 20 §3)

@pytest.fixture
def dates(tmp_path):
    """Three dates of a 40 x 30 geographic raster (per-row cell areas) with nodata 0, a 20 x 30
    raster on another grid, and zones with partial cells."""
    rng = np.random.default_rng(20)
    gt = (110.0, 1e-3, 0, 30.0, 0, -1e-3)
    paths = []
    for k in range(3):
        arr = rng.integers(0, 6, (30, 40), dtype=np.uint8)
        paths.append(write_raster(tmp_path / f"lc_{2015 + 2 * k}.tif", arr, gt, "EPSG:4490", nodata=0))
    other = write_raster(tmp_path / "other.tif", np.ones((30, 20), dtype=np.uint8), gt, "EPSG:4490", nodata=0)
    z = write_layer(tmp_path / "zones.gpkg", "z",
                    [box_wkt(110.0033, 29.9791, 110.0217, 29.9983), box_wkt(110.0151, 29.9707, 110.0389, 29.9903)],
                    "EPSG:4490", {"code": ["P", "Q"]})
    return tmp_path, paths, other, z


def test_several_rasters_are_the_single_runs_with_a_raster_column(dates):
    d, paths, other, z = dates
    single = []
    for p_ in paths:
        p = run("zonal", "--raster", p_, "--zones", z, "--id", "code", "--mode", "exact")
        assert p.returncode == 0, p.stderr
        single.append(p.stdout.splitlines())
    args = ["zonal", "--zones", z, "--id", "code"]
    for p_ in paths:
        args += ["--raster", p_]
    p = run(*args)
    assert p.returncode == 0, p.stderr
    # The oracle: each date's own run, its rows prefixed by the file name stem, dates in the order given.
    expected = ["raster," + single[0][0]]
    for stem, lines in zip(["lc_2015", "lc_2017", "lc_2019"], single):
        assert lines[0] == single[0][0]
        expected += [f"{stem},{line}" for line in lines[1:]]
    assert p.stdout.splitlines() == expected
    assert len(expected) > 10
    # JSON and GeoPackage carry the same column first, and the metadata lists the rasters.
    out = d / "stack.json"
    p = run(*args, "--output", out, "--quiet")
    assert p.returncode == 0, p.stderr
    with open(out, encoding="utf-8") as f:
        text = json.dumps(json.load(f))
    assert '"raster": "lc_2017"' in text and '"lc_2019"' in text
    assert "zone_coverage" in text and "computed once" in text
    # Another order gives the same rows in that order.
    p2 = run("zonal", "--zones", z, "--id", "code", "--raster", paths[2], "--raster", paths[0])
    assert p2.returncode == 0, p2.stderr
    assert p2.stdout.splitlines()[1:] == [line for line in expected[1:] if line.startswith("lc_2019,")] + \
        [line for line in expected[1:] if line.startswith("lc_2015,")]


def test_several_rasters_threads_and_tiles_do_not_change_the_bytes(dates):
    d, paths, other, z = dates
    outs = []
    for extra in (["--threads", "1", "--tile-size", "8"], ["--threads", "2", "--tile-size", "1024"]):
        p = run("zonal", "--raster", paths[0], "--raster", paths[1], "--zones", z, "--id", "code", *extra)
        assert p.returncode == 0, p.stderr
        outs.append(p.stdout)
    assert outs[0] == outs[1]


def test_several_rasters_must_share_one_grid_and_have_distinct_names(dates, tmp_path):
    d, paths, other, z = dates
    out = tmp_path / "o.csv"
    expect_error(["zonal", "--raster", paths[0], "--raster", other, "--zones", z, "--output", out], 2,
                 "the rasters of --raster do not share a grid", "sizes differ", "40 x 30 cells", "20 x 30 cells",
                 "other.tif", outdir=tmp_path)
    assert not out.exists()
    albers = write_raster(tmp_path / "albers.tif", np.ones((30, 40), dtype=np.uint8), (X0, 10, 0, Y0, 0, -10),
                          ALBERS, nodata=0)
    expect_error(["zonal", "--raster", paths[0], "--raster", albers, "--zones", z, "--output", out], 2,
                 "do not share a grid", "CRSs differ", outdir=tmp_path)
    shifted = write_raster(tmp_path / "shifted.tif", np.ones((30, 40), dtype=np.uint8),
                           (110.001, 1e-3, 0, 30.0, 0, -1e-3), "EPSG:4490", nodata=0)
    expect_error(["zonal", "--raster", paths[0], "--raster", shifted, "--zones", z, "--output", out], 2,
                 "origins differ", outdir=tmp_path)
    os.makedirs(tmp_path / "again", exist_ok=True)
    same_stem = write_raster(tmp_path / "again" / "lc_2015.tif", np.ones((30, 40), dtype=np.uint8),
                             (110.0, 1e-3, 0, 30.0, 0, -1e-3), "EPSG:4490", nodata=0)
    expect_error(["zonal", "--raster", paths[0], "--raster", same_stem, "--zones", z, "--output", out], 2,
                 "same file name stem 'lc_2015'", outdir=tmp_path)
    assert not out.exists()


def test_help_documents_several_rasters():
    p = run("zonal", "--help")
    assert p.returncode == 0
    assert "Repeat it for several rasters on one grid" in " ".join(p.stdout.split())
    assert "With several --raster: raster,zone,class,..." in p.stdout
