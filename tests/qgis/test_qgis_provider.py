"""The QGIS Processing provider (bindings/qgis) in headless QGIS 3.22 (Debian's python3-qgis).

A standalone PyQGIS session (QgsApplication without GUI, QT_QPA_PLATFORM=offscreen, a throw-away
profile) installs the plugin from the build's zip with QGIS's own unzip, initialises Processing,
registers the provider and runs every algorithm through processing.run on testdata/demo (tabulate
on a small survey from `redline synth --survey-parcels`; estimate on a sample drawn through
Processing whose reference field the test fills in). Each output is compared with the redline
CLI's on the same inputs: tables byte for byte, GeoPackage layers feature by feature (fid,
attributes, geometry WKB). Also: a memory layer and a selection
(exported to a GeoPackage first) against the CLI on the same features written by OGR, Cancel
through the engine's cancel token, the engine's error text, outputs loaded as layers, and
`qgis_process run redline:zonal`."""
import importlib.util
import json
import os
import pathlib
import shlex
import shutil
import subprocess
import sys
import time

import pytest
from osgeo import gdal, ogr

from redline_testkit import BIN, SOURCE_DIR, read_csv, run

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from qgis.core import (QgsApplication, QgsFeatureRequest, QgsProcessingContext, QgsProcessingException,  # noqa: E402
                       QgsProcessingFeatureSourceDefinition, QgsProcessingFeedback, QgsProcessingParameterField,
                       QgsProcessingUtils, QgsProject, QgsVectorLayer, QgsWkbTypes)

DEMO = SOURCE_DIR / "testdata" / "demo"
PLAN = DEMO / "plan.gpkg"
CHINA = DEMO / "china.gpkg"
BUILD = pathlib.Path(os.environ.get("REDLINE_BUILD_DIR", SOURCE_DIR / "build"))
PLUGIN_ZIP = pathlib.Path(os.environ.get("REDLINE_QGIS_PLUGIN_ZIP", BUILD / "redline_processing.zip"))
ALGORITHMS = {"zonal", "change", "area", "conflicts", "validate", "shoreline", "tabulate", "sample", "estimate",
              "report"}


class Log(QgsProcessingFeedback):
    """Feedback that records what the algorithm reports."""

    def __init__(self, cancel_at_progress=False):
        super().__init__()
        self.info, self.warnings, self.commands, self.progress = [], [], [], []
        self.progressChanged.connect(self._progress)
        self.cancel_at_progress = cancel_at_progress

    def _progress(self, p):
        self.progress.append(p)
        if self.cancel_at_progress:
            self.cancel()  # the user presses Cancel once the engine has reported work

    def pushInfo(self, m):  # noqa: N802 (QGIS's names)
        self.info.append(m)

    def pushWarning(self, m):  # noqa: N802
        self.warnings.append(m)

    def pushCommandInfo(self, m):  # noqa: N802
        self.commands.append(m)


def qgis_unzip(zip_path, target):
    """QGIS's own extraction (Plugins > Install from ZIP uses pyplugin_installer.unzip)."""
    spec = importlib.util.spec_from_file_location("qgis_unzip", "/usr/share/qgis/python/pyplugin_installer/unzip.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.unzip(str(zip_path), str(target))


@pytest.fixture(scope="session")
def qgis(tmp_path_factory):
    root = tmp_path_factory.mktemp("qgis")
    assert PLUGIN_ZIP.exists(), f"{PLUGIN_ZIP} missing: build the target redline_qgis_plugin"
    plugins = root / "plugins"
    qgis_unzip(PLUGIN_ZIP, plugins)
    app = QgsApplication([], False, str(root / "profile"))
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    import processing
    from processing.core.Processing import Processing
    Processing.initialize()
    sys.path.insert(0, str(plugins))
    import redline_processing
    assert pathlib.Path(redline_processing.__file__).parent == plugins / "redline_processing"  # the zip's copy
    plugin = redline_processing.classFactory(None)
    plugin.initProcessing()
    yield {"app": app, "processing": processing, "plugins": plugins, "root": root}
    plugin.unload()
    assert QgsApplication.processingRegistry().providerById("redline") is None


def run_alg(qgis, name, params, feedback=None, context=None):
    feedback = feedback or Log()
    kwargs = {"feedback": feedback}
    if context is not None:
        kwargs["context"] = context
    return qgis["processing"].run(f"redline:{name}", params, **kwargs), feedback


def cli(*args):
    p = run(*args)
    assert p.returncode in (0, 5), p.stderr  # validate exits 5 when it finds problems
    return p


def gpkg_features(path):
    """{layer: (field definitions, [(fid, attributes, geometry WKB)])} read with OGR."""
    ds = ogr.Open(str(path))
    out = {}
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        defn = lyr.GetLayerDefn()
        fields = [(defn.GetFieldDefn(k).GetName(), defn.GetFieldDefn(k).GetTypeName()) for k in range(defn.GetFieldCount())]
        feats = []
        for f in lyr:
            g = f.GetGeometryRef()
            feats.append((f.GetFID(), [f.GetField(k) for k in range(defn.GetFieldCount())],
                          None if g is None else bytes(g.ExportToIsoWkb())))
        srs = lyr.GetSpatialRef()
        out[lyr.GetName()] = (fields, feats, None if srs is None else srs.ExportToWkt())
    return out


def same_layers(a, b):
    fa, fb = gpkg_features(a), gpkg_features(b)
    assert fa.keys() == fb.keys()
    for name in fa:
        assert fa[name][0] == fb[name][0], name
        assert fa[name][2] == fb[name][2], name
        assert len(fa[name][1]) == len(fb[name][1]), name
        for x, y in zip(fa[name][1], fb[name][1]):
            assert x == y, (name, x[:2], y[:2])
    return fa


# ----------------------------------------------------------------------------- the provider


def test_provider_lists_one_algorithm_per_command_with_help(qgis):
    provider = QgsApplication.processingRegistry().providerById("redline")
    assert provider is not None and provider.longName().startswith("redline (redline ")
    algs = {a.name(): a for a in provider.algorithms()}
    assert set(algs) == ALGORITHMS
    for name, alg in algs.items():
        assert alg.id() == f"redline:{name}"
        assert "(" in alg.displayName() and any("\u4e00" <= ch <= "\u9fff" for ch in alg.displayName())
        help_text = alg.shortHelpString()
        assert f"<code>redline {name} " in help_text  # the CLI equivalent
        assert ("m²" in help_text) or ("metres" in help_text)  # units
        assert alg.canExecute()[0]
    z = algs["zonal"]
    types = {p.name(): p.type() for p in z.parameterDefinitions()}
    assert types["RASTER"] == "raster" and types["ZONES"] == "source" and types["ID_FIELD"] == "field"
    assert z.parameterDefinition("ID_FIELD").parentLayerParameterName() == "ZONES"
    assert z.parameterDefinition("MODE").options() == ["exact", "centroid", "all-touched"]
    assert types["OUTPUT"] == "fileDestination"
    assert "[m²]" in algs["conflicts"].parameterDefinition("MIN_AREA").description()
    assert algs["conflicts"].parameterDefinition("MIN_AREA").defaultValue() == 1.0
    assert "[m]" in algs["shoreline"].parameterDefinition("BUFFER_M").description()
    assert algs["report"].parameterDefinition("OUTPUT_DIR").type() == "folderDestination"
    t = algs["tabulate"]
    for name in ("CLASS_FIELD", "DEDUCT_FIELD", "CHECK_FIELD"):
        assert t.parameterDefinition(name).type() == "field"
        assert t.parameterDefinition(name).parentLayerParameterName() == "LANDUSE"
    assert t.parameterDefinition("ID_FIELD").parentLayerParameterName() == "ZONES"
    for name in ("DEDUCT_FIELD", "CHECK_FIELD"):
        assert t.parameterDefinition(name).dataType() == QgsProcessingParameterField.Numeric
    assert t.parameterDefinition("CLASSES").options() == ["none", "gbt21010"]
    assert t.parameterDefinition("AREA_CONVENTION").type() == t.parameterDefinition("LEVEL").type() == "enum"
    assert "[m²]" in t.parameterDefinition("CHECK_TOLERANCE_M2").description()
    assert t.parameterDefinition("CHECK_TOLERANCE_M2").defaultValue() == 0.005
    s = algs["sample"]
    assert [s.parameterDefinition(n).type() for n in ("MAP", "T0", "T1", "ZONES")] == ["raster"] * 3 + ["source"]
    assert [o.split(":")[0] for o in s.parameterDefinition("ALLOCATION").options()] == ["proportional", "equal",
                                                                                      "neyman"]
    assert s.parameterDefinition("DEFAULT_USERS_ACCURACY").defaultValue() == 0.8
    assert s.outputDefinition("DESIGN").type() == "outputFile"
    e = algs["estimate"]
    assert e.parameterDefinition("REFERENCE_FIELD").type() == "field"
    assert e.parameterDefinition("REFERENCE_FIELD").parentLayerParameterName() == "SAMPLE"
    assert e.parameterDefinition("REFERENCE_FIELD").defaultValue() == "reference"
    assert e.parameterDefinition("CONFIDENCE").defaultValue() == 0.95
    assert "[m²]" in e.parameterDefinition("STRATA_AREAS").description()
    assert e.parameterDefinition("JSON").type() == "fileDestination"


# ----------------------------------------------------------------------------- each algorithm = the CLI


def test_zonal_equals_the_cli_and_its_logged_command(qgis, tmp_path):
    for ext in ("csv", "json"):
        res, log = run_alg(qgis, "zonal", {"RASTER": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=redline",
                                            "ID_FIELD": "code", "CLASSES": 1, "OUTPUT": str(tmp_path / f"q.{ext}")})
        assert res["OUTPUT"] == str(tmp_path / f"q.{ext}")
        cli("zonal", "--raster", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline", "--id", "code",
            "--classes", "clcd", "--output", tmp_path / f"c.{ext}")
        assert (tmp_path / f"q.{ext}").read_bytes() == (tmp_path / f"c.{ext}").read_bytes()
    assert len(read_csv(tmp_path / "q.csv")) == 2479
    assert log.progress and log.progress[-1] == 100
    # The logged command line is the CLI equivalent: run as written, it writes the same bytes.
    (command,) = log.commands
    args = shlex.split(command.split(": ", 1)[1])
    assert args[:2] == ["redline", "zonal"]
    args[args.index("--output") + 1] = str(tmp_path / "again.json")
    p = subprocess.run([BIN, *args[1:]], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "c.json").read_bytes()
    # Dissolve by a field, centroid mode, GeoPackage output: layer compared feature by feature.
    run_alg(qgis, "zonal", {"RASTER": str(DEMO / "lc_2015.tif"), "ZONES": f"{PLAN}|layername=protected",
                            "DISSOLVE_BY": "kind", "MODE": 1, "OUTPUT": str(tmp_path / "d.gpkg")})
    cli("zonal", "--raster", DEMO / "lc_2015.tif", "--zones", f"{PLAN}:protected", "--dissolve-by", "kind",
        "--mode", "centroid", "--output", tmp_path / "dc.gpkg")
    rows = same_layers(tmp_path / "d.gpkg", tmp_path / "dc.gpkg")["zonal"][1]
    assert {r[1][0] for r in rows} == {"national_park", "nature_reserve", "natural_park"}


def test_change_equals_the_cli(qgis, tmp_path):
    res, log = run_alg(qgis, "change", {
        "T0": str(DEMO / "lc_2015.tif"), "T1": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=redline",
        "ID_FIELD": "code", "PERMITTED": f"{PLAN}|layername=permitted",
        "MATRIX": str(tmp_path / "m.csv"), "PATCHES": str(tmp_path / "p.gpkg")})
    cli("change", "--t0", DEMO / "lc_2015.tif", "--t1", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline",
        "--id", "code", "--permitted", f"{PLAN}:permitted", "--matrix", tmp_path / "cm.csv",
        "--patches", tmp_path / "cp.gpkg")
    assert (tmp_path / "m.csv").read_bytes() == (tmp_path / "cm.csv").read_bytes()
    patches = same_layers(tmp_path / "p.gpkg", tmp_path / "cp.gpkg")["patches"][1]
    assert len(patches) == 110 + 24 + 60  # the demo's planted patches (testdata/demo/README.md)
    assert any("110 violation patch(es)" in m for m in log.info)
    # The cropland preset with a 9-cell MMU and 4-connectivity, patches as CSV.
    run_alg(qgis, "change", {
        "T0": str(DEMO / "lc_2015.tif"), "T1": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=cropland",
        "PRESET": 1, "MMU_PIXELS": 9, "CONNECTIVITY": 1,
        "MATRIX": str(tmp_path / "m2.csv"), "PATCHES": str(tmp_path / "p2.csv")})
    cli("change", "--t0", DEMO / "lc_2015.tif", "--t1", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:cropland",
        "--preset", "cropland", "--mmu-pixels", 9, "--connectivity", 4, "--matrix", tmp_path / "cm2.csv",
        "--patches", tmp_path / "cp2.csv")
    for f in ("m2.csv", "p2.csv"):
        assert (tmp_path / f).read_bytes() == (tmp_path / ("c" + f)).read_bytes()


def test_area_equals_the_cli(qgis, tmp_path):
    run_alg(qgis, "area", {"LAYER": f"{PLAN}|layername=protected", "DISSOLVE": True,
                           "WITHIN": f"{CHINA}|layername=land", "OUTPUT": str(tmp_path / "a.csv")})
    cli("area", "--layer", f"{PLAN}:protected", "--dissolve", "--within", f"{CHINA}:land", "--output", tmp_path / "c.csv")
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    assert read_csv(tmp_path / "a.csv")[0]["share"].startswith("0.1840")  # 18.41 % (testdata/demo/README.md)


def test_conflicts_equals_the_cli(qgis, tmp_path):
    layers = [f"{PLAN}|layername={n}" for n in ("redline", "cropland", "urban")]
    for ext in ("csv", "gpkg"):
        res, log = run_alg(qgis, "conflicts", {"LAYERS": layers, "ID_FIELDS": "code",
                                                "OUTPUT": str(tmp_path / f"q.{ext}")})
        cli("conflicts", *[a for n in ("redline", "cropland", "urban") for a in ("--layer", f"{PLAN}:{n}")],
            "--id", "code", "--output", tmp_path / f"c.{ext}")
    assert (tmp_path / "q.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    rows = same_layers(tmp_path / "q.gpkg", tmp_path / "c.gpkg")["conflicts"][1]
    assert len(rows) == 5 and res["CONFLICTS"] == 5  # the 5 planted overlaps
    assert res["CONFLICT_AREA_M2"] == pytest.approx(sum(float(r["area_m2"]) for r in read_csv(tmp_path / "c.csv")),
                                                    rel=1e-12)


def test_validate_equals_the_cli_and_counts_problems(qgis, tmp_path):
    res, log = run_alg(qgis, "validate", {"LAYER": f"{PLAN}|layername=redline", "ID_FIELD": "code",
                                          "OUTPUT": str(tmp_path / "q.csv")})
    p = cli("validate", "--layer", f"{PLAN}:redline", "--id", "code", "--output", tmp_path / "c.csv")
    assert p.returncode == 5
    assert (tmp_path / "q.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    rows = read_csv(tmp_path / "c.csv")
    assert res["PROBLEMS"] == len(rows) == 28 and {r["problem"] for r in rows} == {"overlap"}
    assert any("28 problem(s)" in w and "28 overlap" in w for w in log.warnings)


def test_shoreline_equals_the_cli(qgis, tmp_path):
    res, log = run_alg(qgis, "shoreline", {"LINES": f"{CHINA}|layername=coast", "CLASS_FIELD": "type",
                                           "BY": f"{CHINA}|layername=provinces", "BY_ID": "name",
                                           "OUTPUT": str(tmp_path / "q.csv")})
    cli("shoreline", "--lines", f"{CHINA}:coast", "--class-field", "type", "--by", f"{CHINA}:provinces",
        "--by-id", "name", "--output", tmp_path / "c.csv")
    assert (tmp_path / "q.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    first = read_csv(tmp_path / "c.csv")[0]
    assert first["region"] == "all" and res["NATURAL_SHARE_PERCENT"] == pytest.approx(
        float(first["natural_share_percent"]), abs=1e-6)
    # The engine's warnings reach the log (values counted as artificial, coast outside every region).
    assert any("count as artificial" in w for w in log.warnings)


@pytest.fixture(scope="module")
def survey(tmp_path_factory):
    """A small synthetic land-use survey (三调 DLTB in GK zone 39, text codes, KCXS, TBMJ) and star zones."""
    d = tmp_path_factory.mktemp("survey")
    cli("synth", d, "--survey-only", "--survey-parcels", 300, "--zones", 4, "--seed", 1, "--quiet")
    return d


def rerun_logged_command(log, output_flag, path):
    """Runs the command line the algorithm logged, as written except for its output file."""
    (command,) = log.commands
    args = shlex.split(command.split(": ", 1)[1])
    args[args.index(output_flag) + 1] = str(path)
    p = subprocess.run([BIN, *args[1:]], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    return args


def test_tabulate_equals_the_cli(qgis, survey, tmp_path):
    dltb, zones = f"{survey / 'survey_t0.gpkg'}|layername=DLTB", f"{survey / 'survey_zones.gpkg'}|layername=redline"
    # Net of KCXS, GB/T 21010 names at the first level, and a TBMJ check with a zero tolerance: every parcel
    # whose recorded area is not its exact survey area to the last bit fails, so the quality layer has rows.
    res, log = run_alg(qgis, "tabulate", {
        "LANDUSE": dltb, "CLASS_FIELD": "DLBM", "DEDUCT_FIELD": "KCXS", "ZONES": zones, "ID_FIELD": "code",
        "CLASSES": 1, "LEVEL": 1, "CHECK_FIELD": "TBMJ", "CHECK_TOLERANCE_M2": 0.0, "CHECK_TOLERANCE_RELATIVE": 0.0,
        "OUTPUT": str(tmp_path / "q.csv"), "CHECK_OUTPUT": str(tmp_path / "qc.gpkg")})
    cli("tabulate", "--landuse", f"{survey / 'survey_t0.gpkg'}:DLTB", "--class-field", "DLBM", "--deduct-field",
        "KCXS", "--zones", f"{survey / 'survey_zones.gpkg'}:redline", "--id", "code", "--classes", "gbt21010",
        "--level", 1, "--check-field", "TBMJ", "--check-tolerance", "0,0", "--output", tmp_path / "c.csv",
        "--check-output", tmp_path / "cc.gpkg")
    assert (tmp_path / "q.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    rows = read_csv(tmp_path / "c.csv")
    assert {r["class"] for r in rows} >= {"01", "03", "uncovered"} and rows[0]["class_name"] == "耕地"
    assert {r["area_convention"] for r in rows} == {"survey"}  # a Gauss-Kruger layer
    failed = same_layers(tmp_path / "qc.gpkg", tmp_path / "cc.gpkg")["area_check"][1]
    assert res["CHECK_FAILED"] == len(failed) > 0
    assert any(f"check field TBMJ: {len(failed)} of " in m for m in log.info)
    assert any("differ from their survey-convention area" in w for w in log.warnings)
    args = rerun_logged_command(log, "--output", tmp_path / "again.csv")
    assert args[args.index("--check-tolerance") + 1] == "0.0,0.0" and "--check-output" in args
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    # A memory copy of the survey (exported with its CRS and text codes), dissolved zones, the geodesic
    # convention and a GeoPackage table, against the CLI on the file.
    src = QgsVectorLayer(dltb, "DLTB", "ogr")
    mem = src.materialize(QgsFeatureRequest())
    QgsProject.instance().addMapLayer(mem)
    try:
        run_alg(qgis, "tabulate", {"LANDUSE": mem.id(), "CLASS_FIELD": "DLBM", "ZONES": zones, "DISSOLVE": True,
                                   "AREA_CONVENTION": 2, "OUTPUT": str(tmp_path / "m.gpkg")})
    finally:
        QgsProject.instance().removeMapLayer(mem.id())
    cli("tabulate", "--landuse", f"{survey / 'survey_t0.gpkg'}:DLTB", "--class-field", "DLBM", "--zones",
        f"{survey / 'survey_zones.gpkg'}:redline", "--dissolve", "--area-convention", "geodesic", "--output",
        tmp_path / "cm.gpkg")
    rows = same_layers(tmp_path / "m.gpkg", tmp_path / "cm.gpkg")["tabulate"][1]
    assert {r[1][0] for r in rows} == {"all"} and "0101" in {r[1][1] for r in rows}


@pytest.fixture(scope="module")
def demo_sample(qgis, tmp_path_factory):
    """A sample of lc_2020 within the redline drawn through Processing, and the CLI's."""
    d = tmp_path_factory.mktemp("sample")
    res, log = run_alg(qgis, "sample", {"MAP": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=redline",
                                        "ID_FIELD": "code", "SIZE": 300, "MIN_PER_STRATUM": 5, "SEED": 7,
                                        "OUTPUT": str(d / "q.gpkg")})
    cli("sample", "--map", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline", "--id", "code", "--size", 300,
        "--min-per-stratum", 5, "--seed", 7, "--output", d / "c.gpkg")
    return d, res, log


def test_sample_equals_the_cli(qgis, demo_sample, tmp_path):
    d, res, log = demo_sample
    units = same_layers(d / "q.gpkg", d / "c.gpkg")["sample"][1]
    assert len(units) == res["UNITS"] == 300
    assert res["DESIGN"] == str(d / "q.gpkg") + ".design.json"
    assert pathlib.Path(res["DESIGN"]).read_bytes() == pathlib.Path(str(d / "c.gpkg") + ".design.json").read_bytes()
    assert any("n = 300, proportional allocation, seed 7" in m and "(minimum)" in m for m in log.info)
    # The sample size from a target standard error, user's accuracies per class, Neyman allocation, as CSV.
    res, log = run_alg(qgis, "sample", {"MAP": str(DEMO / "lc_2020.tif"), "TARGET_SE": 0.02,
                                        "EXPECTED_USERS_ACCURACY": "1=0.9, 2=0.85", "ALLOCATION": 2,
                                        "MIN_PER_STRATUM": 3, "SEED": 1, "OUTPUT": str(tmp_path / "q.csv")})
    cli("sample", "--map", DEMO / "lc_2020.tif", "--target-se", 0.02, "--expected-users-accuracy", "1=0.9,2=0.85",
        "--allocation", "neyman", "--min-per-stratum", 3, "--seed", 1, "--output", tmp_path / "c.csv")
    for f in ("q.csv", "q.csv.design.json"):
        assert (tmp_path / f).read_bytes() == (tmp_path / f.replace("q", "c", 1)).read_bytes()
    assert res["UNITS"] == len(read_csv(tmp_path / "c.csv"))
    args = rerun_logged_command(log, "--output", tmp_path / "again.csv")
    assert args[args.index("--expected-users-accuracy") + 1] == "1=0.9,2=0.85"
    assert (tmp_path / "again.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    # Change strata from two dates (the redline preset) within the redline zones.
    run_alg(qgis, "sample", {"T0": str(DEMO / "lc_2015.tif"), "T1": str(DEMO / "lc_2020.tif"),
                             "ZONES": f"{PLAN}|layername=redline", "SIZE": 60, "MIN_PER_STRATUM": 10, "SEED": 2,
                             "OUTPUT": str(tmp_path / "t.csv")})
    cli("sample", "--t0", DEMO / "lc_2015.tif", "--t1", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline",
        "--size", 60, "--min-per-stratum", 10, "--seed", 2, "--output", tmp_path / "ct.csv")
    assert (tmp_path / "t.csv").read_bytes() == (tmp_path / "ct.csv").read_bytes()
    assert {r["stratum"] for r in read_csv(tmp_path / "ct.csv")} == {"0", "1"}
    # Exactly one sample size and one population, said in the dialog's words.
    with pytest.raises(QgsProcessingException, match="either the number of units or a target standard error"):
        run_alg(qgis, "sample", {"MAP": str(DEMO / "lc_2020.tif"), "OUTPUT": str(tmp_path / "x.csv")})
    with pytest.raises(QgsProcessingException, match="either a land-cover map or the two dates t0 and t1"):
        run_alg(qgis, "sample", {"MAP": str(DEMO / "lc_2020.tif"), "T0": str(DEMO / "lc_2015.tif"),
                                 "T1": str(DEMO / "lc_2020.tif"), "SIZE": 10, "OUTPUT": str(tmp_path / "x.csv")})
    assert not (tmp_path / "x.csv").exists()


def label(path, wrong_every=0, keep_empty=()):
    """Fills each unit's reference as an interpreter would: its map class, except every `wrong_every`-th unit
    (by id), labelled as the next map class of the sample (a map error); units in keep_empty stay unlabelled."""
    vs = gdal.OpenEx(str(path), gdal.OF_VECTOR | gdal.OF_UPDATE)
    lyr = vs.GetLayerByName("sample")
    classes = sorted({f.GetField("map_class") for f in lyr})
    lyr.ResetReading()
    labels = []
    for f in lyr:
        uid, ref = f.GetField("id"), f.GetField("map_class")
        if wrong_every and uid % wrong_every == 0:
            ref = classes[(classes.index(ref) + 1) % len(classes)]
        ref = None if uid in keep_empty else str(ref)
        f.SetField("reference", ref)
        lyr.SetFeature(f)
        labels.append((f.GetField("map_class"), ref))
    vs = None
    return labels


def test_estimate_equals_the_cli(qgis, demo_sample, tmp_path):
    d = demo_sample[0]
    for name in ("q.gpkg", "q.gpkg.design.json"):
        shutil.copy(d / name, tmp_path / name.replace("q", "labelled", 1))
    sample = tmp_path / "labelled.gpkg"
    labels = label(sample, wrong_every=10)
    assert sum(str(m) != r for m, r in labels) == 30
    res, log = run_alg(qgis, "estimate", {"SAMPLE": f"{sample}|layername=sample", "MAP": str(DEMO / "lc_2020.tif"),
                                          "ZONES": f"{PLAN}|layername=redline", "OUTPUT": str(tmp_path / "q.csv"),
                                          "JSON": str(tmp_path / "q.json")})
    cli("estimate", "--sample", f"{sample}:sample", "--map", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline",
        "--output", tmp_path / "c.csv", "--json", tmp_path / "c.json")
    for f in ("q.csv", "q.json"):
        assert (tmp_path / f).read_bytes() == (tmp_path / f.replace("q", "c")).read_bytes()
    j = json.loads((tmp_path / "c.json").read_text())
    assert j["design_check"]["checked"] and j["design_check"]["digest_compared"]
    assert res["OVERALL_ACCURACY"] == j["overall_accuracy"] < 1.0
    assert res["OVERALL_ACCURACY_CI95"] == j["overall_accuracy_ci95"] > 0.0
    assert any("300 labelled units in" in m and "; design checked" in m for m in log.info)
    # 90 % intervals and a GeoPackage table.
    run_alg(qgis, "estimate", {"SAMPLE": f"{sample}|layername=sample", "MAP": str(DEMO / "lc_2020.tif"),
                               "ZONES": f"{PLAN}|layername=redline", "CONFIDENCE": 0.9,
                               "OUTPUT": str(tmp_path / "q90.gpkg")})
    cli("estimate", "--sample", f"{sample}:sample", "--map", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline",
        "--confidence", 0.9, "--output", tmp_path / "c90.gpkg")
    same_layers(tmp_path / "q90.gpkg", tmp_path / "c90.gpkg")
    # The labelled sample as a CSV opened as delimited text (exported before the engine reads it): the design
    # beside the CSV is still checked, and the table equals the CLI's on the CSV.
    gdal.VectorTranslate(str(tmp_path / "labelled.csv"), str(sample), format="CSV", layers=["sample"])
    shutil.copy(tmp_path / "labelled.gpkg.design.json", tmp_path / "labelled.csv.design.json")
    uri = f"file://{tmp_path / 'labelled.csv'}?type=csv&detectTypes=yes&geomType=none"
    table = QgsVectorLayer(uri, "labelled", "delimitedtext")
    assert table.isValid() and table.featureCount() == 300
    QgsProject.instance().addMapLayer(table)
    try:
        res, log = run_alg(qgis, "estimate", {"SAMPLE": table.id(), "MAP": str(DEMO / "lc_2020.tif"),
                                              "ZONES": f"{PLAN}|layername=redline", "OUTPUT": str(tmp_path / "t.csv"),
                                              "JSON": str(tmp_path / "t.json")})
    finally:
        QgsProject.instance().removeMapLayer(table.id())
    assert any("exported to" in m for m in log.info)
    assert any("labelled.csv.design.json (beside the sample layer's file)" in m for m in log.info)
    assert json.loads((tmp_path / "t.json").read_text())["design_check"]["checked"]
    cli("estimate", "--sample", tmp_path / "labelled.csv", "--map", DEMO / "lc_2020.tif", "--zones",
        f"{PLAN}:redline", "--output", tmp_path / "ct.csv")
    assert (tmp_path / "t.csv").read_bytes() == (tmp_path / "ct.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()


def test_estimate_errors_and_warnings_are_the_engine_messages(qgis, demo_sample, tmp_path):
    import redline
    d = demo_sample[0]
    sample = d / "c.gpkg"  # as drawn: nobody has labelled it yet
    with pytest.raises(ValueError) as direct:
        redline.estimate(f"{sample}:sample", map=DEMO / "lc_2020.tif", zones=f"{PLAN}:redline")
    with pytest.raises(QgsProcessingException) as e:
        run_alg(qgis, "estimate", {"SAMPLE": f"{sample}|layername=sample", "MAP": str(DEMO / "lc_2020.tif"),
                                   "ZONES": f"{PLAN}|layername=redline", "OUTPUT": str(tmp_path / "q.csv")})
    assert str(e.value) == str(direct.value)
    assert "300 of 300 units have no reference value" in str(e.value) and "drop_unlabelled=" in str(e.value)
    p = run("estimate", "--sample", f"{sample}:sample", "--map", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline",
            "--output", tmp_path / "c.csv")
    assert p.returncode == 2 and p.stderr.strip() == "error: " + str(e.value).replace("drop_unlabelled=",
                                                                                      "--drop-unlabelled")
    assert not (tmp_path / "q.csv").exists() and not (tmp_path / "c.csv").exists()
    # Two units left unlabelled and Drop unlabelled ticked: the engine's warning reaches the log.
    for name in ("c.gpkg", "c.gpkg.design.json"):
        shutil.copy(d / name, tmp_path / name.replace("c", "part", 1))
    label(tmp_path / "part.gpkg", keep_empty=(4, 9))
    res, log = run_alg(qgis, "estimate", {"SAMPLE": f"{tmp_path / 'part.gpkg'}|layername=sample",
                                          "MAP": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=redline",
                                          "DROP_UNLABELLED": True, "OUTPUT": str(tmp_path / "p.csv")})
    (warning,) = [w for w in log.warnings if "no reference value" in w]
    assert "2 of 300 units" in warning and "(reference is empty): 4, 9; dropped (--drop-unlabelled)" in warning
    assert res["OVERALL_ACCURACY"] == pytest.approx(1.0, rel=1e-14)  # labelled with the map itself


@pytest.fixture(scope="module")
def report_run(qgis, tmp_path_factory):
    """The demo report through Processing, timed (the cancel test compares with it)."""
    d = tmp_path_factory.mktemp("report")
    t0 = time.monotonic()
    res, log = run_alg(qgis, "report", {"CONFIG": str(DEMO / "indicators.yaml"), "OUTPUT_DIR": str(d / "q")})
    return d, res, log, time.monotonic() - t0


def test_report_equals_the_cli(report_run):
    d, res, log, _ = report_run
    cli("report", "--config", DEMO / "indicators.yaml", "--output-dir", d / "c")
    assert (d / "q" / "report.json").read_bytes() == (d / "c" / "report.json").read_bytes()
    assert sorted(os.listdir(d / "q")) == sorted(os.listdir(d / "c"))
    assert res["REPORT_HTML"] == str(d / "q" / "report.html")
    # testdata/demo/README.md: forest cover, three-line overlap and nature conversion fail.
    assert res["FAILED"] == 3


def test_report_never_replaces_a_folder_that_is_not_a_report(qgis, tmp_path):
    # The engine replaces the whole report folder; a folder picked by mistake must survive.
    keep = tmp_path / "my documents"
    keep.mkdir()
    (keep / "thesis.txt").write_text("precious")
    with pytest.raises(QgsProcessingException, match="not empty and holds no earlier redline report"):
        run_alg(qgis, "report", {"CONFIG": str(DEMO / "indicators.yaml"), "OUTPUT_DIR": str(keep)})
    assert sorted(os.listdir(keep)) == ["thesis.txt"] and (keep / "thesis.txt").read_text() == "precious"


# ----------------------------------------------------------------------------- layers QGIS has open


def test_memory_layer_and_selection_are_exported_first(qgis, tmp_path):
    src = QgsVectorLayer(f"{PLAN}|layername=urban", "urban", "ogr")
    assert src.isValid()
    mem = src.materialize(QgsFeatureRequest())
    assert mem.dataProvider().name() == "memory" and mem.featureCount() == 43
    QgsProject.instance().addMapLayer(mem)
    try:
        res, log = run_alg(qgis, "area", {"LAYER": mem.id(), "ID_FIELD": "code", "OUTPUT": str(tmp_path / "m.csv")})
        assert any("exported to" in m for m in log.info)
        cli("area", "--layer", f"{PLAN}:urban", "--id", "code", "--output", tmp_path / "c.csv")
        assert (tmp_path / "m.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()

        # "Selected features only": the CLI on the same five features written by OGR.
        codes = ["UDB-110000-001", "UDB-310000-001", "UDB-330000-001", "UDB-440000-001", "UDB-510000-001"]
        mem.selectByExpression("code IN (" + ",".join(f"'{c}'" for c in codes) + ")")
        assert mem.selectedFeatureCount() == 5
        sel = QgsProcessingFeatureSourceDefinition(mem.id(), True)
        run_alg(qgis, "area", {"LAYER": sel, "ID_FIELD": "code", "OUTPUT": str(tmp_path / "s.csv")})
        gdal.VectorTranslate(str(tmp_path / "five.gpkg"), str(PLAN), layers=["urban"],
                             where="code IN (" + ",".join(f"'{c}'" for c in codes) + ")")
        cli("area", "--layer", tmp_path / "five.gpkg", "--id", "code", "--output", tmp_path / "c5.csv")
        assert (tmp_path / "s.csv").read_bytes() == (tmp_path / "c5.csv").read_bytes()
        assert sorted(r["id"] for r in read_csv(tmp_path / "s.csv")) == codes
    finally:
        QgsProject.instance().removeMapLayer(mem.id())
    # Conflicts between memory copies: each export is named after its QGIS layer, so the table
    # names the layers as the CLI does for the files.
    mems = []
    for name in ("redline", "cropland"):
        m = QgsVectorLayer(f"{PLAN}|layername={name}", name, "ogr").materialize(QgsFeatureRequest())
        m.setName(name)
        QgsProject.instance().addMapLayer(m)
        mems.append(m.id())
    try:
        run_alg(qgis, "conflicts", {"LAYERS": mems, "ID_FIELDS": "code", "OUTPUT": str(tmp_path / "k.csv")})
    finally:
        for i in mems:
            QgsProject.instance().removeMapLayer(i)
    cli("conflicts", "--layer", f"{PLAN}:redline", "--layer", f"{PLAN}:cropland", "--id", "code",
        "--output", tmp_path / "ck.csv")
    assert (tmp_path / "k.csv").read_bytes() == (tmp_path / "ck.csv").read_bytes()
    assert len(read_csv(tmp_path / "k.csv")) == 2


def test_outputs_load_as_tables_and_layers(qgis, tmp_path):
    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    run_alg(qgis, "change", {"T0": str(DEMO / "lc_2015.tif"), "T1": str(DEMO / "lc_2020.tif"),
                             "ZONES": f"{PLAN}|layername=redline", "MATRIX": str(tmp_path / "m.csv"),
                             "PATCHES": str(tmp_path / "p.gpkg")}, context=ctx)
    loads = ctx.layersToLoadOnCompletion()
    assert len(loads) == 2
    by_output = {d.outputName: uri for uri, d in loads.items()}
    matrix = QgsProcessingUtils.mapLayerFromString(by_output["MATRIX"], ctx)
    assert matrix.isValid() and not matrix.isSpatial()
    assert matrix.featureCount() == len(read_csv(tmp_path / "m.csv"))
    assert matrix.fields().field("area_m2").typeName() == "double"  # numbers, not text
    patches = QgsProcessingUtils.mapLayerFromString(by_output["PATCHES"], ctx)
    assert patches.isValid() and patches.isSpatial() and patches.featureCount() == 194
    # A sample's points load as a point layer (for the interpreters to fill in reference).
    ctx = QgsProcessingContext()
    ctx.setProject(QgsProject.instance())
    run_alg(qgis, "sample", {"MAP": str(DEMO / "lc_2020.tif"), "SIZE": 20, "OUTPUT": str(tmp_path / "s.gpkg")},
            context=ctx)
    ((uri, details),) = ctx.layersToLoadOnCompletion().items()
    points = QgsProcessingUtils.mapLayerFromString(uri, ctx)
    assert details.outputName == "OUTPUT" and points.isValid() and points.featureCount() == 20
    assert QgsWkbTypes.geometryType(points.wkbType()) == QgsWkbTypes.PointGeometry
    assert points.fields().indexOf("reference") >= 0


# ----------------------------------------------------------------------------- Cancel and errors


def test_cancel_stops_the_engine_and_writes_nothing(qgis, tmp_path, report_run):
    full_seconds = report_run[3]
    out = tmp_path / "never"
    log = Log(cancel_at_progress=True)
    t0 = time.monotonic()
    with pytest.raises(QgsProcessingException, match="cancelled; the engine stopped and no output was written"):
        run_alg(qgis, "report", {"CONFIG": str(DEMO / "indicators.yaml"), "OUTPUT_DIR": str(out)}, feedback=log)
    elapsed = time.monotonic() - t0
    # Cancel pressed when the first stage (zonal) reported progress: the engine stopped there, long
    # before the whole report (its later stages run for seconds), and wrote nothing.
    assert log.isCanceled() and log.progress
    assert elapsed < 0.6 * full_seconds, (elapsed, full_seconds)
    assert not out.exists() and list(tmp_path.iterdir()) == []
    # Cancelled before the start: nothing runs, nothing is written.
    log = Log()
    log.cancel()
    with pytest.raises(QgsProcessingException, match="cancelled"):
        run_alg(qgis, "zonal", {"RASTER": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=redline",
                                "OUTPUT": str(tmp_path / "z.csv")}, feedback=log)
    assert log.progress == [] and not (tmp_path / "z.csv").exists()


def test_engine_errors_show_the_engine_message(qgis, tmp_path):
    import redline
    with pytest.raises(ValueError) as direct:
        redline.zonal(DEMO / "lc_2020.tif", f"{PLAN}:redline", id="province")
    with pytest.raises(QgsProcessingException) as e:
        run_alg(qgis, "zonal", {"RASTER": str(DEMO / "lc_2020.tif"), "ZONES": f"{PLAN}|layername=redline",
                                "ID_FIELD": "province", "OUTPUT": str(tmp_path / "z.csv")})
    assert str(e.value) == str(direct.value)
    assert "id= field 'province' is not unique" in str(e.value) and "plan.gpkg" in str(e.value)
    p = run("zonal", "--raster", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline", "--id", "province",
            "--output", tmp_path / "c.csv")
    # The same message; the plugin calls the Python module, so it names Python's parameters
    # (id=, dissolve_by=) where the CLI names its flags (core/option_name.hpp).
    cli_words = p.stderr.strip()
    assert p.returncode == 2 and "--id field 'province'" in cli_words and "--dissolve-by province" in cli_words
    assert cli_words.replace("--id", "id=").replace("--dissolve-by ", "dissolve_by=") == f"error: {e.value}"
    assert not (tmp_path / "z.csv").exists()


# ----------------------------------------------------------------------------- qgis_process


def test_qgis_process_runs_the_plugin(qgis, tmp_path):
    # Debian's /usr/bin/qgis_process wrapper passes /etc/default/qgis's QGIS_OPTS
    # ('--noversioncheck', meant for the desktop) and qgis_process 3.22 rejects it: call the binary.
    exe = shutil.which("qgis_process.bin") or "/usr/bin/qgis_process.bin"
    env = dict(os.environ, HOME=str(tmp_path / "home"), QGIS_PLUGINPATH=str(qgis["plugins"]),
               QT_QPA_PLATFORM="offscreen")
    (tmp_path / "home").mkdir()
    p = subprocess.run([exe, "plugins", "enable", "redline_processing"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    p = subprocess.run([exe, "list"], capture_output=True, text=True, env=env)
    assert all(f"redline:{name}" in p.stdout for name in ALGORITHMS)
    p = subprocess.run([exe, "run", "redline:zonal", "--", f"RASTER={DEMO / 'lc_2020.tif'}",
                        f"ZONES={PLAN}|layername=redline", "ID_FIELD=code", "CLASSES=1",
                        f"OUTPUT={tmp_path / 'q.csv'}"], capture_output=True, text=True, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    cli("zonal", "--raster", DEMO / "lc_2020.tif", "--zones", f"{PLAN}:redline", "--id", "code",
        "--classes", "clcd", "--output", tmp_path / "c.csv")
    assert (tmp_path / "q.csv").read_bytes() == (tmp_path / "c.csv").read_bytes()
    # An engine error: non-zero exit and the engine's message on stderr.
    p = subprocess.run([exe, "run", "redline:zonal", "--", f"RASTER={DEMO / 'lc_2020.tif'}",
                        f"ZONES={PLAN}|layername=redline", "ID_FIELD=province", f"OUTPUT={tmp_path / 'e.csv'}"],
                       capture_output=True, text=True, env=env)
    assert p.returncode != 0 and "id= field 'province' is not unique" in p.stderr
    assert not (tmp_path / "e.csv").exists()
    # Without the redline module (PYTHONPATH unset) the plugin still loads and says how to install it.
    bare = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    if subprocess.run(["/usr/bin/python3", "-c", "import redline"], env=bare, capture_output=True).returncode != 0:
        p = subprocess.run([exe, "run", "redline:area", "--", f"LAYER={PLAN}|layername=urban",
                            f"OUTPUT={tmp_path / 'a.csv'}"], capture_output=True, text=True, env=bare)
        assert p.returncode != 0 and "The redline Python module cannot be imported" in p.stdout + p.stderr
        assert "cmake --install build" in p.stdout + p.stderr and not (tmp_path / "a.csv").exists()
