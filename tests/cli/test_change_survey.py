"""`redline change --t0-layer/--t1-layer` (issue #17): the transition matrix and change patches of two land-use
survey years with different parcel boundaries. A hand-computed case in an equal-area CRS (an independent
coordinate-compression oracle of zone ∩ parcel_t0 ∩ parcel_t1), rules on text codes, --mmu-m2 and --permitted,
patches as connected polygons, a synthetic survey (matrix row sums = `tabulate` of the t0 layer in the survey
convention; the planted changes as patches), determinism across threads, and every bad input (exit 2, message,
no output)."""
import os

import pytest
from osgeo import ogr

from redline_testkit import ALBERS, box_wkt, no_temp_files, read_csv, read_csv_text, read_json, real, run, write_layer

MATRIX_HEADER = "zone,from,to,area_m2,cells,from_name,to_name"
PATCH_HEADER = "patch_id,zone,rule,from,to,pixels,area_m2,x,y,lon,lat,status,permitted_share,from_name,to_name"
GK39 = "EPSG:4527"

T0 = [((0, 0, 60, 100), "0301"), ((60, 0, 100, 100), "0101")]
# Other boundaries a year later, a gap at 90..100 x 40..100 and a parcel beyond t0 at 100..110.
T1 = [((0, 0, 100, 40), "0702"), ((0, 40, 30, 100), "0301"), ((30, 40, 90, 100), "0101"), ((100, 0, 110, 100), "0404")]
ZONES = [("z1", (-10, -10, 105, 50)), ("z2", (20, 20, 80, 80))]
NAMES = {"0101": "水田", "0301": "乔木林地", "0702": "农村宅基地", "0404": "其他草地", "uncovered": "uncovered"}


def oracle(t0, t1, zones):
    """{(zone, from, to): (area, pieces)} by coordinate compression of the boxes: each elementary cell lies in one
    zone box, at most one t0 box and one t1 box; pieces = distinct (t0 box, t1 box) per row."""
    xs = sorted({v for b, _ in t0 + t1 for v in (b[0], b[2])} | {v for _, b in zones for v in (b[0], b[2])})
    ys = sorted({v for b, _ in t0 + t1 for v in (b[1], b[3])} | {v for _, b in zones for v in (b[1], b[3])})
    inside = lambda b, x, y: b[0] < x < b[2] and b[1] < y < b[3]
    cells, pieces = {}, {}
    for zname, z in zones:
        for i in range(len(xs) - 1):
            for j in range(len(ys) - 1):
                cx, cy = (xs[i] + xs[i + 1]) / 2, (ys[j] + ys[j + 1]) / 2
                if not inside(z, cx, cy):
                    continue
                a = [k for k, (b, _) in enumerate(t0) if inside(b, cx, cy)]
                c = [k for k, (b, _) in enumerate(t1) if inside(b, cx, cy)]
                if not a and not c:
                    continue
                key = (zname, t0[a[0]][1] if a else "uncovered", t1[c[0]][1] if c else "uncovered")
                cells[key] = cells.get(key, 0.0) + (xs[i + 1] - xs[i]) * (ys[j + 1] - ys[j])
                pieces.setdefault(key, set()).add((a[0] if a else None, c[0] if c else None))
    order = lambda k: (k[0], k[1] == "uncovered", k[1], k[2] == "uncovered", k[2])
    return [(k, cells[k], len(pieces[k])) for k in sorted(cells, key=order)]


@pytest.fixture
def years(tmp_path):
    t0 = write_layer(tmp_path / "t0.gpkg", "DLTB", [box_wkt(*b) for b, _ in T0], crs=ALBERS,
                     fields={"DLBM": [c for _, c in T0]})
    t1 = write_layer(tmp_path / "t1.gpkg", "DLTB", [box_wkt(*b) for b, _ in T1], crs=ALBERS,
                     fields={"DLBM": [c for _, c in T1]})
    zones = write_layer(tmp_path / "zones.gpkg", "redline", [box_wkt(*b) for _, b in ZONES], crs=ALBERS,
                        fields={"code": [n for n, _ in ZONES], "prov": ["p", "p"]})
    return t0, t1, zones


def change(t0, t1, zones, *extra):
    return run("change", "--t0-layer", t0, "--t1-layer", t1, "--class-field", "DLBM", "--zones", zones, "--id", "code",
               *extra)


def test_hand_computed_matrix(years):
    t0, t1, zones = years
    r = change(t0, t1, zones)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[0] == MATRIX_HEADER
    rows = read_csv_text(r.stdout)
    want = oracle(T0, T1, ZONES)
    # By hand: z1 = 0301->0702 60x40, 0301->0301 30x10, 0301->0101 30x10, 0101->0702 40x40, 0101->0101 30x10,
    # 0101 outside t1 10x10, t1's 0404 outside t0 5x50; z2 (20..80 square) 800, 400, 1200, 400, 800.
    assert [(k, a) for k, a, _ in want] == [
        (("z1", "0101", "0101"), 300.0), (("z1", "0101", "0702"), 1600.0), (("z1", "0101", "uncovered"), 100.0),
        (("z1", "0301", "0101"), 300.0), (("z1", "0301", "0301"), 300.0), (("z1", "0301", "0702"), 2400.0),
        (("z1", "uncovered", "0404"), 250.0),
        (("z2", "0101", "0101"), 800.0), (("z2", "0101", "0702"), 400.0), (("z2", "0301", "0101"), 1200.0),
        (("z2", "0301", "0301"), 400.0), (("z2", "0301", "0702"), 800.0)]
    assert [(x["zone"], x["from"], x["to"]) for x in rows] == [k for k, _, _ in want]
    for x, (k, area, pieces) in zip(rows, want):
        assert abs(real(x["area_m2"]) / area - 1) < 1e-9, (k, x["area_m2"])
        assert real(x["cells"]) == pieces
        assert (x["from_name"], x["to_name"]) == (NAMES[k[1]], NAMES[k[2]])
    # Rows of one t0 class add up to the zone's t0 area of that class (tabulate of t0).
    tab = read_csv_text(run("tabulate", "--landuse", t0, "--class-field", "DLBM", "--zones", zones,
                            "--id", "code").stdout)
    for t in tab:
        if t["class"] == "uncovered":
            continue
        s = sum(real(x["area_m2"]) for x in rows if (x["zone"], x["from"]) == (t["zone"], t["class"]))
        assert abs(s / real(t["area_m2"]) - 1) < 1e-12
    # redline preset: 0301 -> 0101 and 0301 -> 0702 in both zones, 300 + 2400 + 1200 + 800 m2.
    assert "rule natural-to-human: 4 violation patch(es), 4700.00 m2; 0 permitted, 0.00 m2; 0 below the MMU, " \
           "0.00 m2" in r.stderr


def test_patches_rules_mmu_and_permitted(years, tmp_path):
    t0, t1, zones = years
    permitted = write_layer(tmp_path / "perm.gpkg", "permitted", [box_wkt(0, 0, 30, 40)], crs=ALBERS)
    out = tmp_path / "p.gpkg"
    r = change(t0, t1, zones, "--matrix", tmp_path / "m.json", "--patches", out, "--mmu-m2", 500,
               "--permitted", permitted)
    assert r.returncode == 0, r.stderr
    ds = ogr.Open(str(out))
    lyr = ds.GetLayer("patches")
    got = []
    for f in lyr:
        g = f.GetGeometryRef()
        x, y = f.GetField("x"), f.GetField("y")
        pt = ogr.CreateGeometryFromWkt(f"POINT({x} {y})")
        assert g.Contains(pt)
        assert abs(g.GetArea() - f.GetField("area_m2")) < 1e-6
        got.append((f.GetField("patch_id"), f.GetField("zone"), f.GetField("rule"), f.GetField("from"),
                    f.GetField("to"), f.GetField("pixels"), round(f.GetField("area_m2"), 6), f.GetField("status"),
                    round(f.GetField("permitted_share"), 9), f.GetField("from_name"), f.GetField("to_name"),
                    tuple(round(v, 9) for v in g.GetEnvelope())))
    # redline preset: natural (0301) -> human (0101, 0702); ids by zone, rule, from, to.
    assert got == [
        (1, "z1", "natural-to-human", "0301", "0101", 1, 300.0, "below-mmu", 0.0, "乔木林地", "水田", (30, 60, 40, 50)),
        (2, "z1", "natural-to-human", "0301", "0702", 1, 2400.0, "permitted", 0.5, "乔木林地", "农村宅基地", (0, 60, 0, 40)),
        (3, "z2", "natural-to-human", "0301", "0101", 1, 1200.0, "violation", 0.0, "乔木林地", "水田", (30, 60, 40, 80)),
        (4, "z2", "natural-to-human", "0301", "0702", 1, 800.0, "violation", 0.25, "乔木林地", "农村宅基地", (20, 60, 20, 40))]
    assert "rule natural-to-human: 2 violation patch(es), 2000.00 m2; 1 permitted, 2400.00 m2; 1 below the MMU, " \
           "300.00 m2" in r.stderr
    m = read_json(tmp_path / "m.json")
    assert m["meta"]["area_convention"] == "geodesic" and m["meta"]["inputs"] == "vector"
    assert m["summary"][0]["below_mmu_area_m2"] == 300.0
    # A rules file on text codes: cropland loss (01 -> anything else); `uncovered` never matches.
    rules = tmp_path / "rules.yaml"
    rules.write_text("rules:\n  - name: cropland-loss\n    from: [01]\n    to_except: [cropland]\n")
    r = change(t0, t1, zones, "--rules", rules, "--patches", tmp_path / "p.csv")
    assert r.returncode == 0, r.stderr
    rows = read_csv(tmp_path / "p.csv")
    assert open(tmp_path / "p.csv", encoding="utf-8").readline().strip() == PATCH_HEADER
    assert [(x["zone"], x["from"], x["to"], x["area_m2"], x["status"]) for x in rows] == [
        ("z1", "0101", "0702", "1600.0", "violation"), ("z2", "0101", "0702", "400.0", "violation")]


def test_a_patch_per_connected_polygon(tmp_path):
    """Two separate forest parcels turned into one built-up parcel: one transition, two patches."""
    t0 = write_layer(tmp_path / "t0.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10), box_wkt(20, 0, 30, 10)],
                     crs=ALBERS, fields={"DLBM": ["0301", "0101", "0305"]})
    t1 = write_layer(tmp_path / "t1.gpkg", "DLTB", [box_wkt(0, 0, 30, 10)], crs=ALBERS, fields={"DLBM": ["0601"]})
    zones = write_layer(tmp_path / "z.gpkg", "z", [box_wkt(0, 0, 30, 10)], crs=ALBERS, fields={"code": ["z"]})
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - name: to-industry\n    from: [forest, '01']\n    to: ['06']\n")
    r = change(t0, t1, zones, "--rules", rules, "--patches", tmp_path / "p.csv")
    assert r.returncode == 0, r.stderr
    rows = read_csv(tmp_path / "p.csv")
    assert [(x["patch_id"], x["from"], x["to"], x["pixels"], x["area_m2"]) for x in rows] == [
        ("1", "0101", "0601", "1", "100.0"), ("2", "0301", "0601", "1", "100.0"), ("3", "0305", "0601", "1", "100.0")]
    # The same transition twice in one zone: a patch each.
    t0b = write_layer(tmp_path / "t0b.gpkg", "DLTB", [box_wkt(0, 0, 10, 10), box_wkt(10, 0, 20, 10), box_wkt(20, 0, 30, 10)],
                      crs=ALBERS, fields={"DLBM": ["0301", "0101", "0301"]})
    r = change(t0b, t1, zones, "--patches", tmp_path / "q.csv")
    assert r.returncode == 0, r.stderr
    rows = read_csv(tmp_path / "q.csv")
    assert [(x["from"], x["to"], x["pixels"], x["area_m2"], real(x["x"]) < 10 or real(x["x"]) > 20) for x in rows] == [
        ("0301", "0601", "1", "100.0", True), ("0301", "0601", "1", "100.0", True)]
    assert {real(x["x"]) < 10 for x in rows} == {True, False}
    m = read_csv_text(run("change", "--t0-layer", t0b, "--t1-layer", t1, "--class-field", "DLBM", "--zones", zones).stdout)
    assert [(x["from"], x["to"], x["area_m2"], x["cells"]) for x in m] == [
        ("0101", "0601", "100.0", "1.0"), ("0301", "0601", "200.0", "2.0")]


# --- A synthetic survey in GK zone 39 (survey convention) -----------------------------------------------------------

@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    out = tmp_path_factory.mktemp("vchange") / "s"
    r = run("synth", out, "--survey-only", "--survey-parcels", 2500, "--zones", 16, "--seed", 7, "--threads", 1)
    assert r.returncode == 0, r.stderr
    return out


SYNTH_RULES = """rules:
  - name: cropland-loss
    from: [cropland]
    to_except: [cropland]
  - name: forest-to-cropland
    from: [forest]
    to: [cropland]
  - name: to-built
    from: ['00', '02', '03', '04', '11', '12', '05', '06', '07', '08', '09', '10']
    to: [built_up]
"""


def survey_change(out, tmp_path, threads, name):
    rules = tmp_path / "rules.yaml"
    rules.write_text(SYNTH_RULES)
    m, p, g = tmp_path / f"{name}.csv", tmp_path / f"{name}_p.csv", tmp_path / f"{name}_p.gpkg"
    for patches in (p, g):
        r = run("change", "--t0-layer", out / "survey_t0.gpkg", "--t1-layer", out / "survey_t1.gpkg", "--class-field",
                "DLBM", "--zones", out / "survey_zones.gpkg", "--id", "code", "--rules", rules, "--matrix", m,
                "--patches", patches, "--threads", threads)
        assert r.returncode == 0, r.stderr
    return m, p, g


def test_synthetic_survey_row_sums_and_planted_changes(survey, tmp_path):
    m, p, g = survey_change(survey, tmp_path, 2, "m")
    rows = read_csv(m)
    tab = read_csv_text(run("tabulate", "--landuse", survey / "survey_t0.gpkg", "--class-field", "DLBM", "--zones",
                            survey / "survey_zones.gpkg", "--id", "code").stdout)
    assert tab and all(t["area_convention"] == "survey" for t in tab)
    sums = {}
    for x in rows:
        sums[(x["zone"], x["from"])] = sums.get((x["zone"], x["from"]), 0.0) + real(x["area_m2"])
    # The two years cover the same ground: no `uncovered` rows, and each t0 class's row sum is its tabulate area.
    assert not [x for x in rows if "uncovered" in (x["from"], x["to"])]
    classes = {(t["zone"], t["class"]): real(t["area_m2"]) for t in tab if t["class"] != "uncovered"}
    assert set(sums) == set(classes)
    # Not to the last bit: where a zone edge crosses the line that splits a parcel, the pieces have a vertex on the
    # zone edge that zone ∩ parcel has not, and neither convention is additive under such a cut (the survey sum takes
    # each edge as the straight line between the inverse-projected vertices; the geodesic convention densifies it):
    # the edge-shape difference, ~1e-7 relative here (docs/survey-area.md).
    worst = max(abs(sums[k] / area - 1) for k, area in classes.items())
    assert worst < 1e-6
    assert sum(abs(sums[k] / area - 1) < 1e-12 for k, area in classes.items()) > 0.8 * len(classes)
    # Each planted change inside a zone is in the matrix and, as the rules flag all of them, inside a patch of its
    # transition and zone.
    zds = ogr.Open(str(survey / "survey_zones.gpkg"))
    zones = [(f.GetField("code"), f.GetGeometryRef().Clone()) for f in zds.GetLayer(0)]
    pds = ogr.Open(str(g))
    patches = [(f.GetField("zone"), f.GetField("from"), f.GetField("to"), f.GetField("status"),
                f.GetGeometryRef().Clone()) for f in pds.GetLayer("patches")]
    changed = {(x["zone"], x["from"], x["to"]) for x in rows if x["from"] != x["to"]}
    found = 0
    for ch in read_csv(survey / "survey_changes.csv"):
        pt = ogr.CreateGeometryFromWkt(f"POINT({ch['x']} {ch['y']})")
        for code, zg in zones:
            if not zg.Contains(pt):
                continue
            found += 1
            assert (code, ch["from"], ch["to"]) in changed
            assert [s for z, a, b, s, pg in patches if (z, a, b) == (code, ch["from"], ch["to"]) and pg.Contains(pt)] \
                == ["violation"], ch
    assert found >= 5
    # Nothing but planted changes changed: every off-diagonal row is a planted transition.
    planted = {(c["from"], c["to"]) for c in read_csv(survey / "survey_changes.csv")}
    assert {(a, b) for _, a, b in changed} <= planted
    assert len(read_csv(p)) == len(patches)


def test_same_bytes_for_any_thread_count(survey, tmp_path):
    a = survey_change(survey, tmp_path, 1, "t1")
    b = survey_change(survey, tmp_path, 2, "t2")
    for x, y in zip(a[:2], b[:2]):
        assert open(x, "rb").read() == open(y, "rb").read()
    j1, j2 = tmp_path / "j1.json", tmp_path / "j2.json"
    for threads, j in ((1, j1), (2, j2)):
        r = run("change", "--t0-layer", survey / "survey_t0.gpkg", "--t1-layer", survey / "survey_t1.gpkg",
                "--class-field", "DLBM", "--zones", survey / "survey_zones.gpkg", "--matrix", j, "--threads", threads)
        assert r.returncode == 0, r.stderr
    assert open(j1, "rb").read() == open(j2, "rb").read()
    meta = read_json(j1)["meta"]
    assert meta["area_convention"] == "survey" and meta["command"] == "change"


# --- Bad input ------------------------------------------------------------------------------------------------------

def test_bad_inputs(years, tmp_path):
    t0, t1, zones = years
    out = tmp_path / "out"
    out.mkdir()
    m, p = out / "m.csv", out / "p.gpkg"

    def bad(*args, expect):
        r = run("change", *args, "--matrix", m, "--patches", p)
        assert r.returncode == 2, r.stderr
        for e in expect:
            assert e in r.stderr, r.stderr
        assert os.listdir(out) == [] and no_temp_files(out)

    base = ["--zones", zones, "--id", "code"]
    # The class field missing in the second year.
    t1x = write_layer(tmp_path / "t1x.gpkg", "DLTB", [box_wkt(0, 0, 100, 100)], crs=ALBERS, fields={"CODE": ["0101"]})
    bad("--t0-layer", t0, "--t1-layer", t1x, "--class-field", "DLBM", *base,
        expect=["t1x.gpkg", "has no field 'DLBM' (--class-field)"])
    bad("--t0-layer", t0, "--t1-layer", t1, *base, expect=["--class-field is required with --t0-layer/--t1-layer"])
    # Another CRS without --reproject.
    t1gk = write_layer(tmp_path / "t1gk.gpkg", "DLTB", [box_wkt(39500000, 3400000, 39500100, 3400100)], crs=GK39,
                       fields={"DLBM": ["0101"]})
    r = run("change", "--t0-layer", t0, "--t1-layer", t1gk, "--class-field", "DLBM", *base, "--matrix", m)
    assert r.returncode == 2 and "--reproject" in r.stderr and "CRS mismatch: t0 layer 't0' in '" in r.stderr, r.stderr
    assert os.listdir(out) == []
    # Raster and layer inputs mixed; a layer without its partner; raster-only and vector-only options.
    bad("--t0", "lc.tif", "--t0-layer", t0, "--t1-layer", t1, "--class-field", "DLBM", *base,
        expect=["--t0 is an option of rasters (--t0/--t1); with --t0-layer/--t1-layer give vector layers only"])
    bad("--t0-layer", t0, "--class-field", "DLBM", *base,
        expect=["--t0-layer and --t1-layer go together"])
    bad("--t0-layer", t0, "--t1-layer", t1, "--class-field", "DLBM", "--mmu-pixels", 4, *base,
        expect=["--mmu-pixels is an option of rasters", "is --mmu-m2"])
    bad("--t0", "a.tif", "--t1", "b.tif", "--class-field", "DLBM", *base,
        expect=["--class-field is an option of survey layers (--t0-layer/--t1-layer)"])
    bad(*base, expect=["--t0 is required: give the two dates as --t0 and --t1 (rasters on the same grid) or as "
                       "--t0-layer and --t1-layer with --class-field"])
    # Overlapping parcels under --on-overlap error (the default), listed with a location.
    t0o = write_layer(tmp_path / "t0o.gpkg", "DLTB", [box_wkt(0, 0, 60, 100), box_wkt(50, 0, 100, 100)], crs=ALBERS,
                      fields={"DLBM": ["0301", "0101"]})
    bad("--t0-layer", t0o, "--t1-layer", t1, "--class-field", "DLBM", *base,
        expect=["t0 layer 't0o' in '", "is not a coverage: 1 pair of parcels overlap, 1000.00 m2 in total",
                "parcels '1' (0301) and '2' (0101) overlap by 1000.00 m2 at (", "--on-overlap first"])
    r = change(t0o, t1, zones, "--on-overlap", "first")
    assert r.returncode == 0 and "--on-overlap first: each overlapping area counts once" in r.stderr
    # z2 now has 0301 only on 20..60 (the first parcel keeps the overlap): unchanged from the clean layer.
    assert read_csv_text(r.stdout) == read_csv_text(change(t0, t1, zones).stdout)
    # An empty layer.
    empty = write_layer(tmp_path / "empty.gpkg", "DLTB", [], crs=ALBERS, fields={"DLBM": []})
    bad("--t0-layer", t0, "--t1-layer", empty, "--class-field", "DLBM", *base, expect=["empty.gpkg", "no features"])
    # A rules item that is no code.
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - name: x\n    from: [forrest]\n    to: [built_up]\n")
    bad("--t0-layer", t0, "--t1-layer", t1, "--class-field", "DLBM", "--rules", rules, *base,
        expect=["line 3: 'forrest' in rule 'x' is neither a land-use code", "groups are cropland"])
    # A parcel without a code.
    t1n = write_layer(tmp_path / "t1n.gpkg", "DLTB", [box_wkt(0, 0, 100, 100)], crs=ALBERS, fields={"DLBM": [None]})
    bad("--t0-layer", t0, "--t1-layer", t1n, "--class-field", "DLBM", *base,
        expect=["t1 layer 't1n' in '", "feature '1' has no land-use code in --class-field 'DLBM'"])
