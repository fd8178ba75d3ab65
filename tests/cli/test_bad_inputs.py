"""Bad-input suite (issue #9): every command against every broken (or awkward but legitimate) input
of the catalogue that tests/bad_inputs/make_bad_inputs.py generates with GDAL/OGR (no committed
binaries).

For each (case, command):
  error  exit 2, 3 or 4 -- never a signal, a negative status or 1 (internal error) -- with a message
         on stderr naming the input, and nothing left in the output folder (no partial output, no
         temporary). `validate` may instead exit 5 with a complete table holding the expected
         problem row: that is how it reports geometry problems.
  ok     exit 0 (validate: 0) and the output written, no temporary left.
  warn   as ok, plus a warning on stderr naming the input.

The runs are independent processes; a module fixture starts the selected ones four at a time so the
file stays well under a minute and a half on two cores."""
import concurrent.futures
import csv
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile

import pytest

from redline_testkit import BIN, SOURCE_DIR

sys.path.insert(0, str(SOURCE_DIR / "tests" / "bad_inputs"))
import make_bad_inputs  # noqa: E402

COMMANDS = ("zonal", "area", "conflicts", "validate", "change", "shoreline", "report")
ROOT = pathlib.Path(tempfile.mkdtemp(prefix="redline-bad-inputs-"))
CATALOGUE = make_bad_inputs.build(ROOT / "catalogue")


def command_lines(case, out):
    """(command, argv, main output) for every command the case's kind can be fed to."""
    cat, k, a = CATALOGUE, case.kind, case.arg
    runs = []
    if k == "raster":
        runs += [
            ("zonal", ["zonal", "--raster", a, "--zones", cat.zones, "--id", "code", "--output", out / "zonal.csv"],
             out / "zonal.csv"),
            ("change", ["change", "--t0", cat.raster, "--t1", a, "--zones", cat.zones, "--id", "code",
                        "--matrix", out / "matrix.csv", "--patches", out / "patches.gpkg"], out / "matrix.csv"),
            ("shoreline", ["shoreline", "--lines", cat.lines, "--raster", a, "--output", out / "shore.json"],
             out / "shore.json"),
        ]
    elif k == "polygons":
        runs += [
            ("zonal", ["zonal", "--raster", cat.raster, "--zones", a, "--output", out / "zonal.gpkg"], out / "zonal.gpkg"),
            ("area", ["area", "--layer", a, "--output", out / "area.json"], out / "area.json"),
            ("conflicts", ["conflicts", "--layer", a, "--layer", cat.layer_b, "--output", out / "conflicts.gpkg"],
             out / "conflicts.gpkg"),
            ("validate", ["validate", "--layer", a, "--output", out / "problems.csv"], out / "problems.csv"),
            ("change", ["change", "--t0", cat.raster, "--t1", cat.raster_t1, "--zones", a,
                        "--matrix", out / "matrix.json", "--patches", out / "patches.csv"], out / "matrix.json"),
            ("shoreline", ["shoreline", "--lines", cat.lines, "--class-field", "type", "--mainland", a,
                           "--output", out / "shore.csv", "--segments", out / "pieces.gpkg"], out / "shore.csv"),
        ]
    elif k == "lines":
        runs.append(("shoreline", ["shoreline", "--lines", a, "--class-field", "type", "--output", out / "shore.csv",
                                   "--segments", out / "pieces.csv"], out / "shore.csv"))
    elif k == "rules":
        runs.append(("change", ["change", "--t0", cat.raster, "--t1", cat.raster_t1, "--zones", cat.zones,
                                "--rules", a, "--matrix", out / "matrix.csv"], out / "matrix.csv"))
    elif k == "config":
        runs.append(("report", ["report", "--config", a, "--output-dir", out / "report"], out / "report"))
    return runs


RUNS = {}  # id -> (case, command)
for _case in CATALOGUE.cases:
    for _cmd, _, _ in command_lines(_case, pathlib.Path("/")):
        RUNS[f"{_case.name}-{_cmd}"] = (_case, _cmd)


def execute(run_id):
    case, command = RUNS[run_id]
    out = ROOT / "out" / run_id
    out.mkdir(parents=True)
    [(_, argv, main)] = [r for r in command_lines(case, out) if r[0] == command]
    try:
        p = subprocess.run([BIN, *map(str, argv), "--threads", "2", "--quiet"], capture_output=True, text=True,
                           timeout=240)
        rc, stderr = p.returncode, p.stderr
    except subprocess.TimeoutExpired:
        rc, stderr = "timeout", ""
    return {"rc": rc, "stderr": stderr, "out": out, "main": main, "left": sorted(os.listdir(out)),
            "argv": " ".join(map(str, argv))}


@pytest.fixture(scope="module")
def results(request):
    selected = [item.callspec.params["run_id"] for item in request.session.items
                if getattr(item, "callspec", None) and "run_id" in item.callspec.params
                and item.module is request.module]
    with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
        done = dict(zip(selected, pool.map(execute, selected)))
    yield done
    shutil.rmtree(ROOT, ignore_errors=True)


def test_catalogue_covers_every_command_and_the_issue_list():
    assert {cmd for _, cmd in RUNS.values()} == set(COMMANDS)
    names = {c.name for c in CATALOGUE.cases}
    for needed in ["raster_truncated", "raster_corrupt_tile", "gpkg_truncated", "gpkg_corrupt_pages", "shp_truncated",
                   "shp_without_prj", "shp_unknown_crs", "axis_swapped_4490", "coords_nan", "coords_inf",
                   "coords_1e300", "geometry_empty", "geometry_null", "ring_unclosed", "bowtie",
                   "multipolygon_100k_parts", "raster_float32", "raster_int64", "raster_nodata_unset",
                   "raster_zero_size", "raster_huge_declared", "path_spaces", "path_non_ascii",
                   "config_outside_paths"]:
        assert needed in names
    # the figure in tests/README.md
    print(f"{len(CATALOGUE.cases)} cases, {len(RUNS)} (case, command) runs")


@pytest.mark.parametrize("run_id", sorted(RUNS))
def test_bad_input(results, run_id):
    case, command = RUNS[run_id]
    r = results[run_id]
    expect = case.expect_for(command)
    rc, err = r["rc"], r["stderr"]
    what = f"{case.name} ({case.note}) with `{r['argv']}` -> exit {rc}\n{err}"
    assert rc != "timeout", what
    assert rc >= 0, "killed by a signal: " + what
    assert rc != 1, "internal error: " + what
    assert not [f for f in r["left"] if ".tmp-" in f], f"temporary left behind {r['left']}: " + what
    fragment = case.fragment()
    if expect == "error":
        if command == "validate" and rc == 5:
            assert case.problem, "validate reported problems for a case that expects an error: " + what
            assert r["main"].exists(), what
            with open(r["main"], newline="", encoding="utf-8") as f:
                problems = {row["problem"] for row in csv.DictReader(f)}
            assert case.problem in problems, f"{problems}: " + what
            return
        assert rc in (2, 3, 4), what
        assert err.startswith("error: ") or "\nerror: " in err, what
        assert fragment in err, f"the message does not name '{fragment}': " + what
        assert r["left"] == [], f"output left behind {r['left']}: " + what
    else:
        assert rc == 0, what
        assert r["main"].exists(), what
        if expect == "warn":
            warnings = [line for line in err.splitlines() if line.startswith("warning:")]
            assert any(fragment in w for w in warnings), f"no warning naming '{fragment}': " + what
