"""`redline sample` and `redline estimate` (issue 18): the Olofsson et al. 2014 worked example
through the command line, a perfect sample giving the map areas with zero variance, a sample the
same for any --threads, a sample -> label -> estimate round trip on a small synthetic map checked
against an independent implementation of the estimators, and every bad input (exit 2, the
message, nothing written)."""
import math
import os
import shutil

import numpy as np
import pytest
from osgeo import gdal

from redline_testkit import ALBERS, box_wkt, no_temp_files, read_csv, read_json, real, run, write_layer, write_raster

ESTIMATE_COLUMNS = ["class", "map_area_m2", "area_m2", "area_ci95_m2", "users_accuracy", "users_accuracy_ci95",
                    "producers_accuracy", "producers_accuracy_ci95"]
SAMPLE_COLUMNS = ["id", "stratum", "map_class", "x", "y", "lon", "lat", "zone", "reference"]

# Olofsson et al. 2014, worked example (Table 8, p. 54): rows = map class (stratum), columns =
# reference class; classes deforestation (1), forest gain (2), stable forest (3), stable non-forest (4);
# map areas in 30 m pixels. The expected values are those of the engine's unit test
# (tests/engine/ops/accuracy/paper_examples_test.cpp), from an exact-arithmetic evaluation of the
# paper's equations (paper_examples_oracle.py). The paper prints a couple of half-widths that do not
# follow from its own equations; as the unit test, this follows the equations.
OLOFSSON_COUNTS = [[66, 0, 5, 4], [0, 55, 8, 12], [1, 0, 153, 11], [2, 1, 9, 313]]
OLOFSSON_AREAS = [200000 * 900, 150000 * 900, 3200000 * 900, 6450000 * 900]
AREA_HA = [21157.7622377622, 11686.1538461538, 285769.93006993, 581386.153846154]
AREA_CI_HA = [6157.52123809034, 3755.75701121927, 15509.551301307, 16281.3571729885]
UA = [0.88, 0.733333333333333, 0.927272727272727, 0.963076923076923]
UA_CI = [0.0740396215572573, 0.100755163091139, 0.0397446394180457, 0.0205331233787712]
PA = [0.748661404830841, 0.847156398104265, 0.934508908579693, 0.961608992831456]
PA_CI = [0.213305933366663, 0.254403685905928, 0.0343237919472898, 0.0183611980841087]
OA, OA_CI = 0.946511888111888, 0.0184832781017408
Z95 = 1.959963984540054


def write_sample_csv(path, counts, ids=None, header="id,stratum,reference", skip_reference=()):
    ids = ids or list(range(1, len(counts) + 1))
    lines, uid = [header], 0
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            for _ in range(n):
                uid += 1
                ref = "" if uid in skip_reference else str(ids[j])
                lines.append(f"{uid},{ids[i]},{ref}")
    path.write_text("\n".join(lines) + "\n")
    return path


def write_strata_csv(path, areas, ids=None):
    ids = ids or list(range(1, len(areas) + 1))
    path.write_text("stratum,area_m2\n" + "".join(f"{i},{a}\n" for i, a in zip(ids, areas)))
    return path


def close(got, want, rel):
    assert abs(got - want) <= rel * abs(want), (got, want)


@pytest.fixture()
def olofsson(tmp_path):
    return write_sample_csv(tmp_path / "labels.csv", OLOFSSON_COUNTS), write_strata_csv(tmp_path / "strata.csv",
                                                                                       OLOFSSON_AREAS)


def test_olofsson_2014_worked_example_from_a_csv_sample_and_strata_areas(olofsson, tmp_path):
    sample, strata = olofsson
    out, js = tmp_path / "est.csv", tmp_path / "est.json"
    r = run("estimate", "--sample", sample, "--strata-areas", strata, "--output", out, "--json", js)
    assert r.returncode == 0, r.stderr
    assert "640 labelled units in 4 strata, estimator olofsson2014" in r.stderr
    assert "no design file to check against" in r.stderr
    rows = read_csv(out)
    assert list(rows[0].keys()) == ESTIMATE_COLUMNS
    assert [row["class"] for row in rows] == ["1", "2", "3", "4"]
    for k, row in enumerate(rows):
        assert real(row["map_area_m2"]) == OLOFSSON_AREAS[k]
        close(real(row["area_m2"]) / 1e4, AREA_HA[k], 1e-12)
        close(real(row["area_ci95_m2"]) / 1e4, AREA_CI_HA[k], 1e-12)
        close(real(row["users_accuracy"]), UA[k], 1e-13)
        close(real(row["users_accuracy_ci95"]), UA_CI[k], 1e-12)
        close(real(row["producers_accuracy"]), PA[k], 1e-13)
        close(real(row["producers_accuracy_ci95"]), PA_CI[k], 1e-12)
    j = read_json(js)
    assert j["estimator"] == "olofsson2014"
    assert j["confidence"] == 0.95
    close(j["z"], Z95, 1e-15)
    close(j["overall_accuracy"], OA, 1e-13)
    close(j["overall_accuracy_ci95"], OA_CI, 1e-12)
    close(j["overall_accuracy_se"], OA_CI / Z95, 1e-12)
    assert j["error_matrix"]["classes"] == [1, 2, 3, 4]
    assert j["error_matrix"]["counts"] == OLOFSSON_COUNTS
    p = j["error_matrix"]["proportions"]
    assert abs(p[0][0] - 0.0176) < 1e-15 and abs(p[2][3] - 0.0213333333333333) < 1e-15
    assert abs(sum(map(sum, p)) - 1) < 1e-14
    assert [(s["stratum"], s["n"]) for s in j["strata"]] == [(1, 75), (2, 75), (3, 165), (4, 325)]
    for c, k in zip(j["classes"], range(4)):
        close(c["area_se_m2"] * Z95 / 1e4, AREA_CI_HA[k], 1e-12)
        close(c["users_accuracy_se"] * Z95, UA_CI[k], 1e-12)
    assert j["design_check"] == {"checked": False}
    assert j["units_read"] == 640 and j["dropped_unlabelled"] == []


def test_confidence_scales_every_half_width_by_z(olofsson, tmp_path):
    sample, strata = olofsson
    r = run("estimate", "--sample", sample, "--strata-areas", strata, "--confidence", 0.9, "--json", tmp_path / "j.json")
    assert r.returncode == 0, r.stderr
    rows = {row["class"]: row for row in read_csv_text_rows(r.stdout)}
    z90 = 1.6448536269514722
    j = read_json(tmp_path / "j.json")
    assert j["confidence"] == 0.9
    close(j["z"], z90, 1e-14)
    for k in range(4):
        close(real(rows[str(k + 1)]["area_ci95_m2"]) / 1e4, AREA_CI_HA[k] * z90 / Z95, 1e-12)
        close(real(rows[str(k + 1)]["users_accuracy_ci95"]), UA_CI[k] * z90 / Z95, 1e-12)


def read_csv_text_rows(text):
    import csv
    import io
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------- bad inputs of estimate


def bad(tmp_path, *args, expect):
    out, js = tmp_path / "bad.csv", tmp_path / "bad.json"
    r = run("estimate", *args, "--output", out, "--json", js)
    assert r.returncode == 2, (r.returncode, r.stderr)
    for e in expect if isinstance(expect, list) else [expect]:
        assert e in r.stderr, r.stderr
    assert not out.exists() and not js.exists()
    assert no_temp_files(tmp_path)
    return r


def test_stratum_with_a_single_labelled_unit_is_named_or_allowed_with_a_warning(tmp_path):
    counts = [[20, 2, 0], [1, 15, 1], [0, 0, 1]]
    sample = write_sample_csv(tmp_path / "s.csv", counts)
    strata = write_strata_csv(tmp_path / "a.csv", [5e6, 3e6, 1e5])
    bad(tmp_path, "--sample", sample, "--strata-areas", strata,
        expect=["stratum 3 has 1 labelled unit; its variance is undefined", "(--allow-small)"])
    out = tmp_path / "ok.csv"
    r = run("estimate", "--sample", sample, "--strata-areas", strata, "--allow-small", "--output", out)
    assert r.returncode == 0, r.stderr
    assert "warning: stratum 3 has 1 labelled unit" in r.stderr
    rows = read_csv(out)
    # Point estimates stay; every interval with a term of stratum 3 is absent (empty), user's
    # accuracy of the other strata keep theirs.
    assert rows[2]["area_ci95_m2"] == "" and rows[0]["area_ci95_m2"] == ""
    assert rows[0]["users_accuracy_ci95"] != "" and rows[2]["users_accuracy_ci95"] == ""
    assert real(rows[2]["users_accuracy"]) == 1.0


def test_stratum_with_area_and_no_labelled_unit_is_an_error(tmp_path):
    sample = write_sample_csv(tmp_path / "s.csv", [[5, 1], [1, 5]])
    strata = write_strata_csv(tmp_path / "a.csv", [5e6, 3e6, 1e5])
    bad(tmp_path, "--sample", sample, "--strata-areas", strata,
        expect="stratum 3 has a mapped area of 100000 m2 but no labelled unit; every stratum with area needs at least 2 units")


def test_reference_labels_that_are_not_map_classes_are_listed(tmp_path):
    sample = tmp_path / "s.csv"
    sample.write_text("id,stratum,reference\n1,1,1\n2,1,7\n3,1,1\n4,2,2\n5,2,9\n6,2,7\n")
    strata = write_strata_csv(tmp_path / "a.csv", [5e6, 3e6])
    bad(tmp_path, "--sample", sample, "--strata-areas", strata,
        expect=["reference classes that are not classes of the map: 7 (2 units), 9 (1 unit)",
                "(--allow-unmapped-reference)"])
    r = run("estimate", "--sample", sample, "--strata-areas", strata, "--allow-unmapped-reference")
    assert r.returncode == 0, r.stderr
    assert [row["class"] for row in read_csv_text_rows(r.stdout)] == ["1", "2", "7", "9"]


def test_missing_reference_values_are_listed_and_dropped_only_on_request(tmp_path):
    counts = [[10, 2], [1, 8]]
    sample = write_sample_csv(tmp_path / "s.csv", counts, skip_reference={3, 15})
    strata = write_strata_csv(tmp_path / "a.csv", [5e6, 3e6])
    bad(tmp_path, "--sample", sample, "--strata-areas", strata,
        expect=["2 of 21 units have no reference value (reference is empty): 3, 15", "--drop-unlabelled"])
    js = tmp_path / "ok.json"
    r = run("estimate", "--sample", sample, "--strata-areas", strata, "--drop-unlabelled", "--json", js)
    assert r.returncode == 0, r.stderr
    assert "warning: the sample" in r.stderr and "3, 15; dropped (--drop-unlabelled)" in r.stderr
    j = read_json(js)
    assert j["dropped_unlabelled"] == ["3", "15"]
    assert [s["n"] for s in j["strata"]] == [11, 8]


@pytest.mark.parametrize("confidence", ["0", "1", "1.5", "-0.2", "nan"])
def test_confidence_outside_the_open_unit_interval(olofsson, tmp_path, confidence):
    sample, strata = olofsson
    bad(tmp_path, "--sample", sample, "--strata-areas", strata, "--confidence", confidence,
        expect=f"--confidence {confidence} is outside (0, 1)")


def test_strata_areas_and_map_exclusive_and_one_needed(olofsson, tmp_path):
    sample, strata = olofsson
    bad(tmp_path, "--sample", sample, expect="give the stratum areas either from the map")
    bad(tmp_path, "--sample", sample, "--strata-areas", strata, "--map", tmp_path / "x.tif",
        expect="give the stratum areas either from the map")


def test_a_sample_stratum_without_an_area_is_a_mismatch(tmp_path):
    sample = write_sample_csv(tmp_path / "s.csv", [[5, 1], [1, 5]], ids=[1, 4])
    strata = write_strata_csv(tmp_path / "a.csv", [5e6, 3e6])
    bad(tmp_path, "--sample", sample, "--strata-areas", strata,
        expect="a labelled unit is in stratum 4, which is not among the strata whose areas were given")


def test_missing_fields_are_named(olofsson, tmp_path):
    sample, strata = olofsson
    bad(tmp_path, "--sample", sample, "--strata-areas", strata, "--reference-field", "truth",
        expect="has no field 'truth'; its fields are: id, stratum, reference")


# ---------------------------------------------------------------- sample, and the round trip

ROWS, COLS, CELL = 60, 80, 30.0
GT = (500000.0, CELL, 0.0, 3500000.0, 0.0, -CELL)


def make_map(path, seed=1, noise=0.0, base=None):
    """A small Albers class map (codes 1..4, nodata 0 on the first row) and, with noise, a
    'truth' that differs from it on a share of the cells."""
    rng = np.random.default_rng(seed)
    if base is None:
        yy, xx = np.mgrid[0:ROWS, 0:COLS]
        a = np.full((ROWS, COLS), 1, np.uint8)
        a[(xx > 30) & (yy < 35)] = 2
        a[(xx - 60) ** 2 + (yy - 45) ** 2 < 90] = 3
        a[(xx < 12) & (yy > 40)] = 4
        a[0, :] = 0
    else:
        a = base.copy()
        flip = (rng.random(a.shape) < noise) & (a > 0)
        a[flip] = rng.integers(1, 5, size=int(flip.sum()))
    write_raster(path, a, GT, crs=ALBERS, nodata=0)
    return a


@pytest.fixture(scope="module")
def maps(tmp_path_factory):
    d = tmp_path_factory.mktemp("maps")
    m = make_map(d / "map.tif")
    truth = make_map(d / "truth.tif", seed=3, noise=0.15, base=m)
    zones = write_layer(d / "zones.gpkg", "zones",
                        [box_wkt(500000 + 5 * CELL, 3500000 - 50 * CELL, 500000 + 50 * CELL, 3500000 - 10 * CELL),
                         box_wkt(500000 + 40 * CELL, 3500000 - 55 * CELL, 500000 + 75 * CELL, 3500000 - 20 * CELL)],
                        crs=ALBERS, fields={"name": ["west", "east"]})
    return d, m, truth, zones


def cell_of(row):
    x, y = real(row["x"]), real(row["y"])
    c, r = (x - GT[0]) / CELL - 0.5, (GT[3] - y) / CELL - 0.5
    assert c == int(c) and r == int(r), (x, y)  # cell centres
    return int(r), int(c)


def test_sample_is_a_stratified_sample_of_the_map_with_its_design(maps, tmp_path):
    d, m, _, _ = maps
    out = tmp_path / "s.csv"
    r = run("sample", "--map", d / "map.tif", "--size", 120, "--min-per-stratum", 10, "--seed", 7, "--output", out)
    assert r.returncode == 0, r.stderr
    assert "n = 120 (--size), proportional allocation, at least 10 per stratum, seed 7" in r.stderr
    rows = read_csv(out)
    assert list(rows[0].keys()) == SAMPLE_COLUMNS
    assert [row["id"] for row in rows] == [str(i) for i in range(1, 121)]
    design = read_json(str(out) + ".design.json")
    assert design["format"] == "redline.sample-design.v1" and design["seed"] == 7 and design["n"] == 120
    counts = {k: int((m == k).sum()) for k in range(1, 5)}
    total = sum(counts.values())
    seen = set()
    for s in design["strata"]:
        k = s["stratum"]
        assert s["cells"] == counts[k]
        assert s["area_m2"] == counts[k] * CELL * CELL  # exact: equal-area cells
        assert s["weight"] == pytest.approx(counts[k] / total, rel=1e-14)
        assert s["n"] == sum(1 for row in rows if row["stratum"] == str(k))
        assert s["n"] >= 10
    assert sum(s["n"] for s in design["strata"]) == 120
    for row in rows:
        rr, cc = cell_of(row)
        assert (rr, cc) not in seen  # without replacement
        seen.add((rr, cc))
        assert row["map_class"] == row["stratum"] == str(m[rr, cc])
        assert row["reference"] == "" and row["zone"] == ""
        assert 110 < real(row["lon"]) < 120 and 30 < real(row["lat"]) < 33
    # Proportional allocation with a minimum: largest remainder on the shares the design reports.
    shares = [s["share"] for s in design["strata"]]
    assert all(abs(s["n"] - sh) < 1 for s, sh in zip(design["strata"], shares))


def test_sample_is_the_same_for_any_thread_count_and_changes_with_the_seed(maps, tmp_path):
    d = maps[0]
    outs = {}
    for name, threads, seed in [("a", 1, 11), ("b", 2, 11), ("c", 2, 12)]:
        for ext in ("csv", "gpkg"):
            out = tmp_path / f"{name}.{ext}"
            r = run("sample", "--map", d / "map.tif", "--zones", d / "zones.gpkg", "--id", "name", "--target-se", 0.03,
                    "--expected-users-accuracy", "1=0.9,3=0.6", "--allocation", "neyman", "--min-per-stratum", 5,
                    "--seed", seed, "--threads", threads, "--output", out, "--quiet")
            assert r.returncode == 0, r.stderr
            assert r.stderr == ""
            outs[(name, ext)] = out
    for ext in ("csv",):
        assert outs[("a", ext)].read_bytes() == outs[("b", ext)].read_bytes()
        assert outs[("a", ext)].read_bytes() != outs[("c", ext)].read_bytes()
    design = lambda n: open(str(outs[(n, "csv")]) + ".design.json", "rb").read()
    assert design("a") == design("b")
    # The GeoPackage holds the same units as points.
    ds = gdal.OpenEx(str(outs[("b", "gpkg")]))
    lyr = ds.GetLayer(0)
    pts = [(f.GetField("id"), f.GetGeometryRef().GetX(), f.GetGeometryRef().GetY(), f.GetField("zone")) for f in lyr]
    rows = read_csv(outs[("b", "csv")])
    assert pts == [(int(r["id"]), real(r["x"]), real(r["y"]), r["zone"]) for r in rows]
    assert all(f.GetField("reference") is None for f in ds.GetLayer(0))


def test_target_se_gives_cochrans_n(maps, tmp_path):
    d = maps[0]
    out = tmp_path / "s.csv"
    r = run("sample", "--map", d / "map.tif", "--target-se", 0.02, "--expected-users-accuracy", "1=0.9,2=0.85",
            "--default-users-accuracy", 0.7, "--seed", 1, "--output", out)
    assert r.returncode == 0, r.stderr
    design = read_json(str(out) + ".design.json")
    u = {1: 0.9, 2: 0.85, 3: 0.7, 4: 0.7}
    s = sum(st["weight"] * math.sqrt(u[st["stratum"]] * (1 - u[st["stratum"]])) for st in design["strata"])
    n = (s / 0.02) ** 2
    assert design["n_unrounded"] == pytest.approx(n, rel=1e-12)
    assert design["n"] == math.ceil(n)
    assert f"n = {math.ceil(n)} from --target-se 0.02" in r.stderr
    assert len(read_csv(out)) == design["n"]


def test_sample_within_zones_uses_cell_centres_in_the_union(maps, tmp_path):
    d, m, _, _ = maps
    out = tmp_path / "z.csv"
    r = run("sample", "--map", d / "map.tif", "--zones", d / "zones.gpkg", "--id", "name", "--size", 60,
            "--allocation", "equal", "--seed", 2, "--output", out)
    assert r.returncode == 0, r.stderr
    inside = np.zeros_like(m, bool)
    inside[10:50, 5:50] = True   # west: rows 10..49, cols 5..49
    inside[20:55, 40:75] = True  # east
    design = read_json(str(out) + ".design.json")
    for s in design["strata"]:
        assert s["cells"] == int(((m == s["stratum"]) & inside).sum())
    for row in read_csv(out):
        rr, cc = cell_of(row)
        assert inside[rr, cc]
        assert row["zone"] == ("west" if (10 <= rr < 50 and 5 <= cc < 50) else "east")
    # The same areas as zonal in centroid mode over the dissolved zones.
    z = run("zonal", "--raster", d / "map.tif", "--zones", d / "zones.gpkg", "--dissolve", "--mode", "centroid")
    zonal = {row["class"]: real(row["area_m2"]) for row in read_csv_text_rows(z.stdout) if row["class"] != "nodata"}
    assert {str(s["stratum"]): s["area_m2"] for s in design["strata"]} == zonal


def olofsson_oracle(units, areas):
    """Olofsson et al. 2014 estimators, written here independently of the engine: units = [(stratum,
    reference)], areas = {stratum: A_h}. Returns {class: (area, area_ci, ua, pa)} and (OA, OA_ci)."""
    A = sum(areas.values())
    classes = sorted(set(areas) | {r for _, r in units})
    n = {h: sum(1 for s, _ in units if s == h) for h in areas}
    nij = {(i, j): sum(1 for s, r in units if s == i and r == j) for i in areas for j in classes}
    W = {h: areas[h] / A for h in areas}
    out = {}
    for k in classes:
        p = sum(W[i] * nij[(i, k)] / n[i] for i in areas)
        v = sum(W[i] ** 2 * (nij[(i, k)] / n[i]) * (1 - nij[(i, k)] / n[i]) / (n[i] - 1) for i in areas)
        ua = nij[(k, k)] / n[k] if k in n else float("nan")
        pa = W[k] * nij[(k, k)] / n[k] / p if k in n and p > 0 else float("nan")
        out[k] = (A * p, Z95 * A * math.sqrt(v), ua, pa)
    oa = sum(W[i] * nij[(i, i)] / n[i] for i in areas)
    voa = sum(W[i] ** 2 * (nij[(i, i)] / n[i]) * (1 - nij[(i, i)] / n[i]) / (n[i] - 1) for i in areas)
    return out, (oa, Z95 * math.sqrt(voa))


def label(sample_rows, truth):
    for row in sample_rows:
        rr, cc = cell_of(row)
        row["reference"] = str(truth[rr, cc])
    return sample_rows


def write_rows(path, rows):
    import csv
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)


def test_round_trip_sample_label_estimate_on_a_synthetic_map(maps, tmp_path):
    d, m, truth, _ = maps
    out = tmp_path / "s.csv"
    r = run("sample", "--map", d / "map.tif", "--size", 400, "--min-per-stratum", 30, "--seed", 5, "--output", out)
    assert r.returncode == 0, r.stderr
    rows = label(read_csv(out), truth)
    labelled = tmp_path / "labelled.csv"
    write_rows(labelled, rows)
    shutil.copy(str(out) + ".design.json", str(labelled) + ".design.json")
    est, js = tmp_path / "e.csv", tmp_path / "e.json"
    r = run("estimate", "--map", d / "map.tif", "--sample", labelled, "--output", est, "--json", js)
    assert r.returncode == 0, r.stderr
    assert "design checked" in r.stderr
    j = read_json(js)
    assert j["design_check"]["checked"] and j["design_check"]["digest_compared"] and j["design_check"]["seed"] == 5
    areas = {k: float((m == k).sum()) * CELL * CELL for k in range(1, 5)}
    want, (oa, oa_ci) = olofsson_oracle([(int(x["stratum"]), int(x["reference"])) for x in rows], areas)
    got = read_csv(est)
    assert [int(g["class"]) for g in got] == sorted(want)
    for g in got:
        k = int(g["class"])
        assert real(g["map_area_m2"]) == areas[k]
        a, a_ci, ua, pa = want[k]
        assert real(g["area_m2"]) == pytest.approx(a, rel=1e-12)
        assert real(g["area_ci95_m2"]) == pytest.approx(a_ci, rel=1e-10)
        assert real(g["users_accuracy"]) == pytest.approx(ua, rel=1e-12)
        assert real(g["producers_accuracy"]) == pytest.approx(pa, rel=1e-12)
        # The truth lies within the interval (this seed; about 95 % of seeds).
        true_area = float((truth == k).sum()) * CELL * CELL
        assert abs(real(g["area_m2"]) - true_area) <= real(g["area_ci95_m2"]), k
    assert j["overall_accuracy"] == pytest.approx(oa, rel=1e-12)
    assert j["overall_accuracy_ci95"] == pytest.approx(oa_ci, rel=1e-10)
    # Estimates do not depend on --threads.
    r2 = run("estimate", "--map", d / "map.tif", "--sample", labelled, "--threads", 1, "--output", tmp_path / "e1.csv")
    assert r2.returncode == 0, r2.stderr
    assert (tmp_path / "e1.csv").read_bytes() == est.read_bytes()


def test_perfect_sample_gives_the_map_areas_with_zero_variance(maps, tmp_path):
    d, m, _, _ = maps
    out = tmp_path / "s.gpkg"
    r = run("sample", "--map", d / "map.tif", "--zones", d / "zones.gpkg", "--size", 50, "--min-per-stratum", 5,
            "--seed", 9, "--output", out)
    assert r.returncode == 0, r.stderr
    ds = gdal.OpenEx(str(out), gdal.OF_VECTOR | gdal.OF_UPDATE)
    lyr = ds.GetLayer(0)
    for f in lyr:
        f.SetField("reference", str(f.GetField("map_class")))
        lyr.SetFeature(f)
    ds = None
    est = tmp_path / "e.csv"
    r = run("estimate", "--map", d / "map.tif", "--zones", d / "zones.gpkg", "--sample", out, "--output", est,
            "--json", tmp_path / "e.json")
    assert r.returncode == 0, r.stderr
    design = read_json(str(out) + ".design.json")
    areas = {s["stratum"]: s["area_m2"] for s in design["strata"]}
    for g in read_csv(est):
        k = int(g["class"])
        assert real(g["map_area_m2"]) == areas[k]
        assert real(g["area_m2"]) == pytest.approx(areas[k], rel=1e-13)
        assert real(g["area_ci95_m2"]) == 0.0
        assert real(g["users_accuracy"]) == 1.0 and real(g["producers_accuracy"]) == 1.0
        assert real(g["users_accuracy_ci95"]) == 0.0 and real(g["producers_accuracy_ci95"]) == 0.0
    j = read_json(tmp_path / "e.json")
    assert j["overall_accuracy"] == 1.0 and j["overall_accuracy_se"] == 0.0


def labelled_sample(maps, tmp_path, *extra):
    d, _, truth, _ = maps
    out = tmp_path / "s.csv"
    r = run("sample", "--map", d / "map.tif", "--size", 80, "--min-per-stratum", 5, "--seed", 4, "--output", out, *extra)
    assert r.returncode == 0, r.stderr
    rows = label(read_csv(out), truth)
    write_rows(out, rows)
    return out


def test_design_mismatch_another_map(maps, tmp_path):
    d, m, _, _ = maps
    sample = labelled_sample(maps, tmp_path)
    other = m.copy()
    other[30, 30] = 4 if other[30, 30] != 4 else 1
    write_raster(tmp_path / "other.tif", other, GT, crs=ALBERS, nodata=0)
    bad(tmp_path, "--map", tmp_path / "other.tif", "--sample", sample,
        expect=["the sample's design does not match (design '", "the map digest differs"])
    # The same map in another format and compression is the same map.
    gdal.Translate(str(tmp_path / "same.tif"), str(d / "map.tif"), creationOptions=["COMPRESS=DEFLATE", "TILED=YES"])
    r = run("estimate", "--map", tmp_path / "same.tif", "--sample", sample)
    assert r.returncode == 0, r.stderr


def test_design_mismatch_zones_and_strata_areas(maps, tmp_path):
    d = maps[0]
    sample = labelled_sample(maps, tmp_path)
    bad(tmp_path, "--map", d / "map.tif", "--zones", d / "zones.gpkg", "--sample", sample,
        expect=["the sample's design does not match", "the map digest differs"])
    design = read_json(str(sample) + ".design.json")
    areas = [s["area_m2"] for s in design["strata"]]
    ids = [s["stratum"] for s in design["strata"]]
    right = write_strata_csv(tmp_path / "right.csv", areas, ids)
    r = run("estimate", "--strata-areas", right, "--sample", sample)
    assert r.returncode == 0, r.stderr
    wrong = write_strata_csv(tmp_path / "wrong.csv", [areas[0] + 900] + areas[1:], ids)
    bad(tmp_path, "--strata-areas", wrong, "--sample", sample,
        expect=f"stratum {ids[0]} has {int(areas[0] + 900)} m2, the design {int(areas[0])} m2")


def test_sample_bad_inputs(maps, tmp_path):
    d = maps[0]
    out = tmp_path / "s.csv"

    def bad_sample(*args, expect):
        r = run("sample", "--map", d / "map.tif", *args, "--output", out)
        assert r.returncode == 2, r.stderr
        assert expect in r.stderr, r.stderr
        assert not out.exists() and not os.path.exists(str(out) + ".design.json")

    bad_sample("--seed", 1, expect="give the sample size (--size N) or a target standard error")
    bad_sample("--target-se", 0.02, "--expected-users-accuracy", "1=1.2",
               expect="--expected-users-accuracy: class 1 has 1.2, outside (0, 1)")
    bad_sample("--target-se", 0.02, "--expected-users-accuracy", "1:0.9",
               expect="--expected-users-accuracy: '1:0.9' is not CLASS=VALUE")
    bad_sample("--target-se", 0.02, "--expected-users-accuracy", "8=0.9",
               expect="--expected-users-accuracy names class 8, which is not a class of the map")
    bad_sample("--size", 10, "--min-per-stratum", 5, expect="min_per_stratum")
    bad_sample("--size", 100000, expect="population")
    bad_sample("--size", 10, "--allocation", "random", expect="--allocation")


# ---------------------------------------------------------------- change strata (--t0 / --t1)

NATURAL, HUMAN = {2, 3, 4, 5, 6, 7, 9}, {1, 8}  # CLCD groups of the `redline` preset


def test_change_strata_from_two_dates_round_trip(maps, tmp_path):
    d, m, _, _ = maps
    rng = np.random.default_rng(21)
    t0 = m.copy()
    t0[t0 == 3] = 2
    t0[t0 == 4] = 9
    t1 = t0.copy()
    changed = (rng.random(t0.shape) < 0.05) & (t0 > 0)
    t1[changed] = rng.choice([1, 8, 5], size=int(changed.sum()))
    t1[5, 5] = 0  # nodata at t1 only: not in the population
    write_raster(tmp_path / "t0.tif", t0, GT, crs=ALBERS, nodata=0)
    write_raster(tmp_path / "t1.tif", t1, GT, crs=ALBERS, nodata=0)
    valid = (t0 > 0) & (t1 > 0)
    broken = valid & np.isin(t0, list(NATURAL)) & np.isin(t1, list(HUMAN))
    out = tmp_path / "c.csv"
    r = run("sample", "--t0", tmp_path / "t0.tif", "--t1", tmp_path / "t1.tif", "--size", 80, "--min-per-stratum", 20,
            "--seed", 3, "--output", out)
    assert r.returncode == 0, r.stderr
    assert "natural-to-human" in r.stderr
    design = read_json(str(out) + ".design.json")
    assert design["stratum_names"] == {"0": "stable", "1": "natural-to-human"}
    cells = {s["stratum"]: s["cells"] for s in design["strata"]}
    assert cells == {0: int((valid & ~broken).sum()), 1: int(broken.sum())}
    rows = read_csv(out)
    for row in rows:
        rr, cc = cell_of(row)
        assert row["stratum"] == ("1" if broken[rr, cc] else "0")
        row["reference"] = row["stratum"]
    write_rows(out, rows)
    js = tmp_path / "e.json"
    r = run("estimate", "--t0", tmp_path / "t0.tif", "--t1", tmp_path / "t1.tif", "--sample", out, "--json", js)
    assert r.returncode == 0, r.stderr
    est = {row["class"]: row for row in read_csv_text_rows(r.stdout)}
    assert real(est["1"]["area_m2"]) == pytest.approx(broken.sum() * CELL * CELL, rel=1e-13)
    assert real(est["1"]["area_ci95_m2"]) == 0.0
    assert read_json(js)["design_check"]["digest_compared"]
    # The same sample against the first date's classes: another population.
    bad(tmp_path, "--map", tmp_path / "t0.tif", "--sample", out, expect="the map digest differs")
    # Other rules, other strata: the digest differs too.
    bad(tmp_path, "--t0", tmp_path / "t0.tif", "--t1", tmp_path / "t1.tif", "--preset", "cropland", "--sample", out,
        expect="the sample's design does not match")
    # --t0 needs --t1; --map excludes them.
    r = run("sample", "--t0", tmp_path / "t0.tif", "--size", 10, "--output", tmp_path / "x.csv")
    assert r.returncode == 2 and "--t1" in r.stderr
    r = run("sample", "--map", tmp_path / "t0.tif", "--t0", tmp_path / "t0.tif", "--t1", tmp_path / "t1.tif",
            "--size", 10, "--output", tmp_path / "x.csv")
    assert r.returncode == 2 and "excludes" in r.stderr
    r = run("sample", "--size", 10, "--output", tmp_path / "x.csv")
    assert r.returncode == 2 and "give the map (--map), or two dates (--t0 and --t1)" in r.stderr
    assert not (tmp_path / "x.csv").exists()
