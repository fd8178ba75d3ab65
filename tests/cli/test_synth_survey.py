"""`redline synth --survey-parcels` (issue #17): a 三调-like land-use survey in GK zone 39 -- a coverage (shapely:
no gaps, no overlaps), text codes and deduction coefficients as the survey writes them, TBMJ in the survey
convention (an independent trapezoid sum, and `redline tabulate --check-field`), a second year with the planted
changes, deliberate defects that tabulate's overlap check finds, and the same bytes for any thread count."""
import hashlib
import os

import pytest
from osgeo import ogr

from redline_testkit import no_temp_files, read_csv, read_csv_text, real, run
from test_tabulate import survey_ring_area, to_lonlat

N, ZONES = 900, 16
SURVEY_FILES = ["survey_t0.gpkg", "survey_t1.gpkg", "survey_zones.gpkg", "survey_changes.csv", "survey_defects.csv"]


def features(path, layer="DLTB"):
    from shapely import wkb
    ds = ogr.Open(str(path))
    lyr = ds.GetLayer(layer)
    out = []
    for f in lyr:
        row = {k: f.GetField(k) for k in [lyr.GetLayerDefn().GetFieldDefn(i).GetName()
                                          for i in range(lyr.GetLayerDefn().GetFieldCount())]}
        row["fid"] = f.GetFID()
        row["geom"] = wkb.loads(bytes(f.GetGeometryRef().ExportToWkb()))
        out.append(row)
    srs = lyr.GetSpatialRef()
    return out, srs


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    out = tmp_path_factory.mktemp("survey") / "s"
    r = run("synth", out, "--survey-only", "--survey-parcels", N, "--zones", ZONES, "--seed", 3, "--threads", 1)
    assert r.returncode == 0, r.stderr
    return out, r


def test_writes_only_the_survey_files(survey):
    out, r = survey
    assert sorted(os.listdir(out)) == sorted(SURVEY_FILES)
    for f in SURVEY_FILES:
        assert f"wrote {out / f}" in r.stderr
    assert "layer DLTB: 900 parcels (30 x 30 lattice of 100 m) in EPSG:4527" in r.stderr
    assert no_temp_files(out)


def test_a_coverage_in_gauss_kruger_zone_39(survey):
    from shapely.ops import unary_union
    out, _ = survey
    feats, srs = features(out / "survey_t0.gpkg")
    assert len(feats) == N
    assert srs.GetAuthorityCode(None) == "4527"
    geoms = [f["geom"] for f in feats]
    assert all(g.is_valid for g in geoms)
    union = unary_union(geoms)
    minx, miny, maxx, maxy = union.bounds
    assert 39_000_000 < minx < maxx < 40_000_000  # the zone prefix 39 in the easting
    assert (maxx - minx, maxy - miny) == (3000.0, 3000.0)
    extent = (maxx - minx) * (maxy - miny)
    assert abs(union.area / extent - 1) < 1e-12  # no gaps
    assert abs(sum(g.area for g in geoms) / union.area - 1) < 1e-12  # no overlaps


def test_codes_coefficients_and_areas_as_the_survey_writes_them(survey):
    out, _ = survey
    feats, _ = features(out / "survey_t0.gpkg")
    codes = [f["DLBM"] for f in feats]
    assert all(isinstance(c, str) and len(c) in (4, 5) for c in codes)
    share = {c: codes.count(c) / len(codes) for c in set(codes)}
    assert 0.15 < sum(v for c, v in share.items() if c.startswith("01")) < 0.5  # cropland
    assert 0.1 < sum(v for c, v in share.items() if c.startswith("03")) < 0.5  # forest
    assert sum(v for c, v in share.items() if c[:2] in ("05", "06", "07", "08", "10")) > 0.05  # built-up, roads
    assert len(share) >= 15
    for f in feats:
        assert f["BSM"] == f["fid"] and f["TBBH"] == str(f["BSM"])
        if f["DLBM"].startswith("01"):
            assert 0.02 <= f["KCXS"] <= 0.15 and round(f["KCXS"], 4) == f["KCXS"]
        else:
            assert f["KCXS"] == 0
        assert abs(f["KCMJ"] - f["TBMJ"] * f["KCXS"]) <= 0.005 + 1e-9 and round(f["KCMJ"], 2) == f["KCMJ"]
        assert abs(f["TBDLMJ"] - (f["TBMJ"] - f["KCMJ"])) < 1e-6
        assert f["DLMC"]
    assert {f["DLMC"] for f in feats if f["DLBM"] == "0101"} == {"水田"}
    # TBMJ: the independent trapezoid sum of the vertices, rounded to 0.01 m2 (every 10th parcel).
    for f in feats[::10]:
        ring = list(f["geom"].geoms[0].exterior.coords)
        assert abs(survey_ring_area(to_lonlat(ring)) - f["TBMJ"]) <= 0.005 + 1e-9 * f["TBMJ"]
    assert 5000 < sum(f["TBMJ"] for f in feats) / N < 15000  # about 1 ha


def test_tabulate_runs_on_it_and_tbmj_reproduces_its_survey_areas(survey, tmp_path):
    out, _ = survey
    check = tmp_path / "check.csv"
    r = run("tabulate", "--landuse", out / "survey_t0.gpkg", "--class-field", "DLBM", "--deduct-field", "KCXS",
            "--zones", out / "survey_zones.gpkg", "--id", "code", "--classes", "gbt21010", "--check-field", "TBMJ",
            "--check-output", check)
    assert r.returncode == 0, r.stderr
    assert "--check-field 'TBMJ': 0 of 900 parcels" in r.stderr
    assert read_csv(check) == []
    rows = read_csv_text(r.stdout)
    assert {x["zone"] for x in rows} == {f"Z{k:04d}" for k in range(1, ZONES + 1)}
    assert {x["area_convention"] for x in rows} == {"survey"}
    crop = [x for x in rows if x["class"].startswith("01")]
    assert crop and all(real(x["net_area_m2"]) < real(x["area_m2"]) for x in crop)
    # Some zones reach outside the survey: uncovered there, 0 inside.
    unc = [real(x["area_m2"]) for x in rows if x["class"] == "uncovered"]
    assert any(u > 0 for u in unc) and any(u == 0 for u in unc)


def test_second_year_with_the_planted_changes(survey):
    from shapely.ops import unary_union
    out, _ = survey
    t0, _ = features(out / "survey_t0.gpkg")
    t1, _ = features(out / "survey_t1.gpkg")
    changes = read_csv(out / "survey_changes.csv")
    assert len(changes) == 9 and {c["kind"] for c in changes} == {"recode", "split"}
    splits = [c for c in changes if c["kind"] == "split"]
    assert len(t1) == N + len(splits)  # a split parcel becomes two
    by0 = {f["BSM"]: f for f in t0}
    by1 = {f["BSM"]: f for f in t1}
    changed = {int(c["t0_bsm"]) for c in changes}
    for c in changes:
        a = by0[int(c["t0_bsm"])]
        assert a["DLBM"] == c["from"] and c["to"] != c["from"]
        b = by1[int(c["t1_bsm"])]
        assert b["DLBM"] == c["to"]
        if c["kind"] == "split":
            assert int(c["t0_bsm"]) not in by1
            south = by1[int(c["t1_bsm"]) - 1]
            assert south["DLBM"] == c["from"]
            assert abs(south["geom"].area + b["geom"].area - a["geom"].area) < 1e-6
            assert not south["geom"].overlaps(b["geom"])
        else:
            assert b["geom"].equals(a["geom"])
    # Everything else is as at t0; the t1 layer is a coverage of the same extent.
    for bsm, f in by0.items():
        if bsm not in changed:
            assert by1[bsm]["DLBM"] == f["DLBM"] and by1[bsm]["geom"].equals(f["geom"])
    u1 = unary_union([f["geom"] for f in t1])
    assert abs(u1.area / unary_union([f["geom"] for f in t0]).area - 1) < 1e-12
    assert abs(sum(f["geom"].area for f in t1) / u1.area - 1) < 1e-12


def test_deliberate_defects_are_found_by_tabulate(tmp_path):
    from shapely.ops import unary_union
    out = tmp_path / "d"
    r = run("synth", out, "--survey-only", "--survey-parcels", 400, "--zones", 4, "--survey-defects", 4,
            "--quiet")
    assert r.returncode == 0, r.stderr
    defects = read_csv(out / "survey_defects.csv")
    assert [d["kind"] for d in defects] == ["overlap", "gap", "overlap", "gap"]
    feats, _ = features(out / "survey_t0.gpkg")
    geoms = {f["BSM"]: f["geom"] for f in feats}
    union = unary_union(list(geoms.values()))
    assert sum(g.area for g in geoms.values()) > union.area * (1 + 1e-6)  # overlaps
    # A ring-shaped gap around each shrunk parcel: the rest with two holes, and the two parcels as islands.
    parts = sorted(union.geoms, key=lambda g: -g.area)
    from shapely.geometry import Polygon
    holes = [Polygon(r).area for r in parts[0].interiors]
    assert len(parts) == 3 and len([a for a in holes if a > 1]) == 2  # (GEOS may leave a 1e-9 m2 sliver)
    overlapping = {int(d["bsm"]) for d in defects if d["kind"] == "overlap"}
    # Tabulate's coverage check: an error naming the enlarged parcels by default ...
    r = run("tabulate", "--landuse", out / "survey_t0.gpkg", "--class-field", "DLBM", "--zones",
            out / "survey_zones.gpkg", "--max-examples", "100")
    assert r.returncode == 2 and "is not a coverage" in r.stderr
    pairs = [(a, b) for a in geoms for b in geoms if a < b and geoms[a].intersection(geoms[b]).area > 1e-6]
    assert f"{len(pairs)} pairs of parcels overlap" in r.stderr
    assert all(a in overlapping or b in overlapping for a, b in pairs)
    for a, b in pairs:
        assert f"parcels '{a}' (" in r.stderr and f"and '{b}' (" in r.stderr
    # ... and with --on-overlap first the gaps show as uncovered zone area.
    r = run("tabulate", "--landuse", out / "survey_t0.gpkg", "--class-field", "DLBM", "--zones",
            out / "survey_zones.gpkg", "--on-overlap", "first", "--check-field", "TBMJ")
    assert r.returncode == 0, r.stderr
    assert "0 of 400 parcels" in r.stderr  # TBMJ is measured on the defective polygons


def test_same_bytes_for_any_thread_count_and_bad_options(survey, tmp_path):
    out, _ = survey
    r = run("synth", tmp_path / "b", "--survey-only", "--survey-parcels", N, "--zones", ZONES, "--seed", 3,
            "--threads", 2, "--quiet")
    assert r.returncode == 0 and r.stderr == ""
    for f in SURVEY_FILES:
        assert (out / f).read_bytes() == (tmp_path / "b" / f).read_bytes(), f
    r = run("synth", tmp_path / "c", "--survey-only", "--survey-parcels", N, "--zones", ZONES, "--seed", 4, "--quiet")
    assert (tmp_path / "c" / "survey_t0.gpkg").read_bytes() != (out / "survey_t0.gpkg").read_bytes()
    for args, text in ((["--survey-only"], "--survey-only needs --survey-parcels"),
                       (["--survey-parcels", "10"], "--survey-parcels must be at least 16"),
                       (["--survey-parcels", "100", "--survey-defects", "6"], "--survey-defects must be between 0 "
                                                                               "and 5 %")):
        r = run("synth", tmp_path / "e", *args)
        assert r.returncode == 2 and text in r.stderr, r.stderr


@pytest.mark.parametrize("fmt", ["gdb", "shp"])
def test_file_geodatabase_and_gbk_shapefile(tmp_path, fmt):
    """--survey-format gdb: File Geodatabases (OpenFileGDB); shp: shapefiles in GBK (CP936), as the survey delivers."""
    out = tmp_path / fmt
    r = run("synth", out, "--survey-only", "--survey-parcels", 100, "--zones", 4, "--survey-format", fmt, "--quiet")
    assert r.returncode == 0, r.stderr
    t0 = out / ("survey_t0.gdb" if fmt == "gdb" else "survey_t0_shp/DLTB.shp")
    t1 = out / ("survey_t1.gdb" if fmt == "gdb" else "survey_t1_shp/DLTB.shp")
    assert t0.exists() and t1.exists() and not (out / "survey_t0.gpkg").exists()
    assert no_temp_files(out)
    ds = ogr.Open(str(t0))
    assert ds.GetDriver().GetName() == ("OpenFileGDB" if fmt == "gdb" else "ESRI Shapefile")
    assert ds.GetLayer(0).GetName() == "DLTB" and ds.GetLayer(0).GetFeatureCount() == 100
    ds = None
    if fmt == "shp":
        dbf = (out / "survey_t0_shp" / "DLTB.dbf").read_bytes()
        assert "水田".encode("gbk") in dbf or "乔木林地".encode("gbk") in dbf
        assert "乔木林地".encode("utf-8") not in dbf and "水田".encode("utf-8") not in dbf
    args = ["--class-field", "DLMC", "--encoding", "CP936"] if fmt == "shp" else ["--class-field", "DLBM"]
    layer = f"{t0}:DLTB" if fmt == "gdb" else str(t0)
    r = run("tabulate", "--landuse", layer, *args, "--zones", out / "survey_zones.gpkg", "--check-field", "TBMJ")
    assert r.returncode == 0, r.stderr
    assert "0 of 100 parcels" in r.stderr
    classes = {x["class"] for x in read_csv_text(r.stdout)}
    assert (classes & {"水田", "乔木林地", "旱地"}) if fmt == "shp" else (classes & {"0101", "0301", "0103"})
