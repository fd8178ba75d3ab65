"""The QGIS Processing provider (bindings/qgis) in headless QGIS 3.22 (Debian's python3-qgis).

A standalone PyQGIS session (QgsApplication without GUI, QT_QPA_PLATFORM=offscreen, a throw-away
profile) installs the plugin from the build's zip with QGIS's own unzip, initialises Processing,
registers the provider and runs every algorithm through processing.run on testdata/demo. Each
output is compared with the redline CLI's on the same inputs: tables byte for byte, GeoPackage
layers feature by feature (fid, attributes, geometry WKB). Also: a memory layer and a selection
(exported to a GeoPackage first) against the CLI on the same features written by OGR, Cancel
through the engine's cancel token, the engine's error text, outputs loaded as layers, and
`qgis_process run redline:zonal`."""
import importlib.util
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
                       QgsProcessingFeatureSourceDefinition, QgsProcessingFeedback, QgsProcessingUtils, QgsProject,
                       QgsVectorLayer)

DEMO = SOURCE_DIR / "testdata" / "demo"
PLAN = DEMO / "plan.gpkg"
CHINA = DEMO / "china.gpkg"
BUILD = pathlib.Path(os.environ.get("REDLINE_BUILD_DIR", SOURCE_DIR / "build"))
PLUGIN_ZIP = pathlib.Path(os.environ.get("REDLINE_QGIS_PLUGIN_ZIP", BUILD / "redline_processing.zip"))
ALGORITHMS = {"zonal", "change", "area", "conflicts", "validate", "shoreline", "report"}


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
    assert "redline:zonal" in p.stdout and "redline:report" in p.stdout
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
