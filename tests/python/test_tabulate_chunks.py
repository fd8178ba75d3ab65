"""`redline tabulate` by spatial chunks (issue #17 "Scale", docs/land-use-survey.md "Memory: spatial
chunks"): a layer read chunk by chunk gives byte for byte the tables, warnings and errors of the same layer
read whole. REDLINE_TABULATE_CHUNK_PARCELS forces tiny chunks (a few parcels each) so gaps, zones, a ring
parcel and overlaps straddle chunk borders; the default (50,000 parcels per chunk) reads these small layers
whole. The progress label "tabulate chunks" (done, total) tells which way a run went."""
import os
import random

import pytest
from osgeo import ogr

from redline import _core
from redline_testkit import ALBERS, box_wkt, read_json, run, write_layer

GK39 = "EPSG:4527"
TINY = {"REDLINE_TABULATE_CHUNK_PARCELS": "7"}


def survey(tmp_path, crs, x0, y0, overlap=False, null_coefficient=False, seed=3, bowties=(), declare_crs=True):
    """A 14 x 12 grid of 100 m cells: squares, some split into two triangles along a diagonal, eleven cells
    left out (gaps), and a ring parcel (a frame with a hole) around the grid whose bounding box centre lies
    in the hole. overlap: one more square straddling four cells (and chunk borders) overlapping its
    neighbours. bowties: cells (i, j) drawn as a self-crossing bow-tie (invalid; GEOS MakeValid makes two
    triangles of it). declare_crs=False: the parcels' file declares no CRS (--layer-crs gives it). Zones:
    boxes across the grid, one beyond the layer, one around everything."""
    rnd = random.Random(seed)
    wkts, codes, coefs, tbmj = [], [], [], []
    codes_pool = ["0101", "0102", "0301", "0307K", "1001", "1101", "0702"]
    gaps = {(rnd.randrange(14), rnd.randrange(12)) for _ in range(11)}

    def add(w, area):
        wkts.append(w)
        codes.append(rnd.choice(codes_pool))
        coefs.append(None if null_coefficient and len(wkts) % 17 == 0 else rnd.choice([0.0, 0.05, 0.12]))
        tbmj.append(None if len(wkts) % 13 == 0 else round(area + rnd.choice([0.0, 0.0, 0.5, -3.0]), 2))

    add(f"POLYGON(({x0 - 150} {y0 - 150},{x0 + 1550} {y0 - 150},{x0 + 1550} {y0 + 1350},{x0 - 150} {y0 + 1350},"
        f"{x0 - 150} {y0 - 150}),({x0} {y0},{x0} {y0 + 1200},{x0 + 1400} {y0 + 1200},{x0 + 1400} {y0},{x0} {y0}))",
        1700 * 1500 - 1400 * 1200)
    for j in range(12):
        for i in range(14):
            if (i, j) in gaps:
                continue
            a, b = x0 + 100 * i, y0 + 100 * j
            if (i * 7 + j * 3) % 5 == 0:
                add(f"POLYGON(({a} {b},{a + 100} {b},{a + 100} {b + 100},{a} {b}))", 5000)
                add(f"POLYGON(({a} {b},{a + 100} {b + 100},{a} {b + 100},{a} {b}))", 5000)
            elif (i, j) in bowties:
                add(f"POLYGON(({a} {b},{a + 100} {b + 100},{a + 100} {b},{a} {b + 100},{a} {b}))", 5000)
            else:
                add(box_wkt(a, b, a + 100, b + 100), 10000)
    if overlap:
        add(box_wkt(x0 + 650, y0 + 550, x0 + 750, y0 + 650), 10000)
    lu = write_layer(tmp_path / "lu.gpkg", "DLTB", wkts, crs=crs if declare_crs else None,
                     fields={"DLBM": codes, "KCXS": coefs, "TBMJ": tbmj})
    zb = [(130, 70, 870, 455), (-20, 610, 520, 1190), (840, 330, 1420, 1010), (400, 400, 460, 470),
          (2000, 2000, 2100, 2100), (-200, -200, 1600, 1400), (1290, -60, 1380, 300)]
    zones = write_layer(tmp_path / "zones.gpkg", "redline",
                        [box_wkt(x0 + a, y0 + b, x0 + c, y0 + d) for a, b, c, d in zb], crs=crs,
                        fields={"code": [f"Z{k}" for k in range(len(zb))], "prov": ["p"] * len(zb)})
    return lu, zones


def tabulate(tmp_path, lu, zones, name, *extra, env=None):
    out = tmp_path / f"{name}.json"
    r = run("tabulate", "--landuse", lu, "--class-field", "DLBM", "--deduct-field", "KCXS", "--zones", zones,
            "--id", "code", "--output", out, *extra, env=env)
    return r, out


def chunks_used(lu, zones, env, **opts):
    """(done, total) of the "tabulate chunks" progress, or None when the layer was read whole."""
    labels = {}
    o = dict(landuse=str(lu), class_field="DLBM", deduct_field="KCXS", zones=str(zones), id="code", threads=1,
             **opts)
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        _core.tabulate(o, lambda d, t, label: labels.__setitem__(label, (d, t)), None)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return labels.get("tabulate chunks")


def same_run(tmp_path, lu, zones, *extra):
    """Runs whole and by tiny chunks (1 and 2 threads); asserts equal exit codes, stderr and output bytes."""
    whole, out_whole = tabulate(tmp_path, lu, zones, "whole", "--threads", "2", *extra)
    for threads in ("1", "2"):
        chunked, out_chunked = tabulate(tmp_path, lu, zones, f"chunked{threads}", "--threads", threads, *extra,
                                        env=TINY)
        assert chunked.returncode == whole.returncode
        assert chunked.stderr.replace(f"chunked{threads}.json", "X") == whole.stderr.replace("whole.json", "X")
        if whole.returncode == 0:
            assert out_chunked.read_bytes() == out_whole.read_bytes()
    return whole, out_whole


def assert_rows_like_geopackage(tmp_path, lu, zones, out, rel, abs):
    """The rows of `out` (the layer in another format) are those of the GeoPackage `lu`: the same zones,
    classes and parcel counts, areas to the format's rounding of coordinates."""
    _, out_gpkg = tabulate(tmp_path, lu, zones, "gpkg")
    rows, rows_gpkg = read_json(out)["rows"], read_json(out_gpkg)["rows"]
    assert [(r["zone"], r["class"], r["parcels"]) for r in rows] == [(r["zone"], r["class"], r["parcels"])
                                                                      for r in rows_gpkg]
    assert [r["area_m2"] for r in rows] == pytest.approx([r["area_m2"] for r in rows_gpkg], rel=rel, abs=abs)


@pytest.mark.parametrize("crs,x0,y0", [(ALBERS, 0, 3000000), (GK39, 39580000, 3300000)])
def test_chunked_equals_whole_layer(tmp_path, crs, x0, y0):
    lu, zones = survey(tmp_path, crs, x0, y0)
    ds = ogr.Open(str(lu))
    features = ds.GetLayer(0).GetFeatureCount()
    ds = None
    done, total = chunks_used(lu, zones, TINY)
    assert done == total == features  # the progress counts parcels (here by chunks of 7)
    assert chunks_used(lu, zones, {}) is None  # the default reads this layer whole
    whole, out = same_run(tmp_path, lu, zones)
    assert whole.returncode == 0, whole.stderr
    doc = read_json(out)
    rows = {(r["zone"], r["class"]): r for r in doc["rows"]}
    # The gaps and the zones beyond the layer are measured; the ring parcel is tabulated in the big zone.
    assert rows[("Z4", "uncovered")]["area_m2"] == pytest.approx(100 * 100, rel=1e-3)
    assert rows[("Z5", "uncovered")]["area_m2"] > 0
    assert sum(r["parcels"] for r in doc["rows"] if r["zone"] == "Z5") == features  # every parcel meets Z5
    assert "not fully covered" in whole.stderr


def test_chunked_check_field_classes_and_level(tmp_path):
    lu, zones = survey(tmp_path, GK39, 39580000, 3300000, seed=5)
    assert chunks_used(lu, zones, TINY, check_field="TBMJ", classes="gbt21010", level=2)[1] >= 20
    for extra in (("--check-field", "TBMJ", "--check-output", tmp_path / "check.csv"),
                  ("--classes", "gbt21010", "--level", "1"), ("--area-convention", "geodesic", "--check-field", "TBMJ")):
        whole, _ = same_run(tmp_path, lu, zones, *extra)
        assert whole.returncode == 0, whole.stderr
    # The failed checks come in feature order, whichever chunk found them.
    _, _ = tabulate(tmp_path, lu, zones, "c", "--check-field", "TBMJ", "--check-output", tmp_path / "c.csv",
                    env=TINY)
    ids = [int(line.split(",")[0]) for line in (tmp_path / "c.csv").read_text().splitlines()[1:]]
    assert len(ids) > 5 and ids == sorted(ids)


def test_check_output_identical(tmp_path):
    lu, zones = survey(tmp_path, GK39, 39580000, 3300000, seed=7)
    outs = []
    for name, env in (("w", None), ("c", TINY)):
        r, _ = tabulate(tmp_path, lu, zones, name, "--check-field", "TBMJ", "--check-output", tmp_path / f"{name}.csv",
                        env=env)
        assert r.returncode == 0, r.stderr
        outs.append((tmp_path / f"{name}.csv").read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 5


def test_overlaps_across_chunks_same_error_and_same_first(tmp_path):
    lu, zones = survey(tmp_path, ALBERS, 0, 3000000, overlap=True)
    whole, _ = same_run(tmp_path, lu, zones)
    assert whole.returncode != 0 and "is not a coverage" in whole.stderr and "pairs of parcels overlap" in whole.stderr
    first, _ = same_run(tmp_path, lu, zones, "--on-overlap", "first")
    assert first.returncode == 0 and "on-overlap first" in first.stderr


def test_null_coefficients_warned_once(tmp_path):
    """Parcels without a deduction coefficient are counted chunk by chunk (each by the chunk that owns
    it): one warning with the layer's count, where the whole read puts it, and the run stays chunked."""
    lu, zones = survey(tmp_path, ALBERS, 0, 3000000, null_coefficient=True)
    done, total = chunks_used(lu, zones, TINY)
    assert done == total
    whole, _ = same_run(tmp_path, lu, zones)
    assert whole.returncode == 0
    assert whole.stderr.count("without a value in --deduct-field") == 1
    # survey() leaves the coefficient of every 17th parcel written NULL.
    assert f"{total // 17} parcels without a value in --deduct-field" in whole.stderr, whole.stderr


def test_make_valid_by_chunks(tmp_path):
    """Invalid parcels stop both reads with the same error; with --make-valid each is repaired alike in
    every chunk that reads it, the one warning counts the layer's repairs, and the run stays chunked."""
    bowties = {(2, 1), (6, 3), (11, 9)}  # squares (not the cells split into triangles)
    lu, zones = survey(tmp_path, GK39, 39580000, 3300000, seed=17, bowties=bowties)
    refused, _ = same_run(tmp_path, lu, zones)
    assert refused.returncode == 2 and "--make-valid" in refused.stderr
    done, total = chunks_used(lu, zones, TINY, make_valid=True)
    assert done == total
    whole, out = same_run(tmp_path, lu, zones, "--make-valid")
    assert whole.returncode == 0, whole.stderr
    invalid = int(refused.stderr.split(" has ")[1].split(" invalid")[0])  # a bow-tie in a gap is left out
    assert invalid >= 2
    assert whole.stderr.count("with GEOS MakeValid") == 1
    assert f"repaired {invalid} invalid geometries of layer" in whole.stderr
    assert read_json(out)["meta"]["landuse"]["repaired"] == invalid


def test_layer_warnings_by_chunks_keep_the_whole_reads_order(tmp_path):
    """A layer that declares no CRS, has NULL coefficients and invalid parcels: its warnings come in the
    whole read's order (the assumed CRS, the NULL coefficients, the repairs), counted over the layer."""
    lu, zones = survey(tmp_path, GK39, 39580000, 3300000, null_coefficient=True, seed=19,
                       bowties={(3, 2), (9, 5)}, declare_crs=False)
    done, total = chunks_used(lu, zones, TINY, make_valid=True, layer_crs=GK39)
    assert done == total
    whole, _ = same_run(tmp_path, lu, zones, "--make-valid", "--layer-crs", GK39)
    assert whole.returncode == 0, whole.stderr
    at = [whole.stderr.index(w) for w in ("declares no CRS", "without a value in --deduct-field",
                                          "with GEOS MakeValid")]
    assert at == sorted(at), whole.stderr
    assert f"{total // 17} parcels without a value" in whole.stderr


def test_indexed_shapefile_by_chunks(tmp_path):
    """A shapefile with a .qix spatial index is read by chunks too (feature ids are record numbers); without
    one it is read whole; both ways give the same bytes (the GeoPackage's rows to rounding: a shapefile
    stores the rings in its own orientation)."""
    from osgeo import gdal
    lu, zones = survey(tmp_path, GK39, 39580000, 3300000, seed=11)
    shp = str(tmp_path / "lu.shp")
    gdal.VectorTranslate(shp, str(lu))
    assert chunks_used(shp, zones, TINY) is None  # no index: whole
    ds = ogr.Open(shp, 1)
    ds.ExecuteSQL("CREATE SPATIAL INDEX ON lu")
    ds = None
    assert (tmp_path / "lu.qix").exists()
    done, total = chunks_used(shp, zones, TINY)
    assert done == total and total >= 20
    whole, out = same_run(tmp_path, shp, zones)
    assert whole.returncode == 0, whole.stderr
    assert_rows_like_geopackage(tmp_path, lu, zones, out, rel=1e-12, abs=1e-6)


def test_file_geodatabase_by_chunks(tmp_path):
    """A File Geodatabase (the survey's usual delivery) has a spatial index (.spx) that GDAL filters by
    rectangle, so it is read by chunks too; the bytes equal its whole read, and its rows the GeoPackage's
    to the rounding of the geodatabase's coordinate grid."""
    from osgeo import gdal
    if int(gdal.VersionInfo()) < 3060000:
        pytest.skip("GDAL writes File Geodatabases from 3.6")
    lu, zones = survey(tmp_path, GK39, 39580000, 3300000, seed=13)
    gdb = str(tmp_path / "lu.gdb")
    gdal.VectorTranslate(gdb, str(lu), format="OpenFileGDB", geometryType="MULTIPOLYGON")
    assert list((tmp_path / "lu.gdb").glob("*.spx"))
    ref = f"{gdb}:DLTB"
    done, total = chunks_used(ref, zones, TINY)
    assert done == total and total >= 20
    assert chunks_used(ref, zones, {}) is None  # the default reads this small layer whole
    for extra in ((), ("--check-field", "TBMJ", "--check-output", tmp_path / "check.csv")):
        whole, out = same_run(tmp_path, ref, zones, *extra)
        assert whole.returncode == 0, whole.stderr
    assert_rows_like_geopackage(tmp_path, lu, zones, out, rel=1e-9, abs=1e-3)
    # Deleted rows leave gaps in the feature ids (and gaps in the coverage): still the same bytes.
    ds = ogr.Open(gdb, 1)
    layer = ds.GetLayer("DLTB")
    for fid in (2, 30, 31, 77):
        assert layer.DeleteFeature(fid) == 0
    ds = None
    done, total = chunks_used(ref, zones, TINY)
    assert done == total and total >= 20
    whole, out = same_run(tmp_path, ref, zones)
    assert whole.returncode == 0, whole.stderr
    assert sum(r["parcels"] for r in read_json(out)["rows"] if r["zone"] == "Z5") == total
