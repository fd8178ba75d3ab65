"""redline report in the toolbox: the national indicators from a YAML configuration."""
import os

from qgis.core import (QgsProcessingException, QgsProcessingOutputHtml, QgsProcessingOutputNumber, QgsProcessingParameterFile,
                       QgsProcessingParameterFolderDestination)

from .common import COMMON_NOTE, Call, RedlineAlgorithm


class ReportAlgorithm(RedlineAlgorithm):
    COMMAND = "report"
    DISPLAY = "Indicator report (美丽中国指标报告)"
    GROUP_ID = "indicators"
    TAGS = ("report", "indicators", "targets", "指标", "报告", "美丽中国")
    HELP = (
        "<p>Whether the national targets are met, by how much and per region, with provenance: "
        "ecological redline area (km²), cropland area (km² and 亿亩), cropland and forest cover, "
        "natural-shoreline share (%), protected-area share (%), three-control-line overlaps (m²) and "
        "natural land converted inside the redline (m²). Areas are ellipsoidal (CGCS2000/GRS80), "
        "lengths geodesic.</p>"
        "<p><b>Input</b>: a YAML configuration naming the inputs by path (relative to the file): "
        "land cover at one or two dates, the redline, cropland, protected-area, urban and permitted "
        "layers, the shoreline, the land boundary and optional regions, and options; "
        "<code>redline report --help</code> lists the keys, <code>testdata/demo/indicators.yaml</code> is an "
        "example and <code>docs/indicators.md</code> defines each indicator. Layers open in QGIS are not "
        "used: the configuration names the files, inside its folder unless it sets allow_outside_paths.</p>"
        "<p><b>Output folder</b> (new or empty, or an earlier report: it is replaced as a whole when the "
        "report is complete): report.html (self-contained; "
        "listed in the Results Viewer), report.md, report.json, map.png and manifest.json (input "
        "digests, versions, options). The number of failed targets is an output.</p>"
        + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline report --config indicators.yaml --output-dir "
        "report-2020</code>; check it later with <code>redline report --verify "
        "report-2020/manifest.json</code>.</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterFile(
            "CONFIG", "Indicator configuration (YAML)", extension="yaml"))
        self.add_threads()
        self.addParameter(QgsProcessingParameterFolderDestination("OUTPUT_DIR", "Report folder"))
        self.addOutput(QgsProcessingOutputHtml("REPORT_HTML", "Report (HTML)"))
        self.addOutput(QgsProcessingOutputNumber("FAILED", "Indicators that fail their target"))

    def build(self, parameters, context, feedback):
        out = self.parameterAsFileOutput(parameters, "OUTPUT_DIR", context)
        # The engine replaces the whole folder (atomically): never let a folder picked by mistake
        # (a home or project folder) be replaced; an empty one or an earlier report is fine.
        if os.path.isdir(out) and os.listdir(out) and not os.path.isfile(os.path.join(out, "manifest.json")):
            raise QgsProcessingException(
                f"Report folder '{out}' is not empty and holds no earlier redline report (no manifest.json): the "
                "report replaces the whole folder, so choose a new or empty folder")
        c = Call("report", "report")
        c.set("config", self.parameterAsFile(parameters, "CONFIG", context), "--config")
        c.set("output_dir", out, "--output-dir")
        c.set("threads", self.threads(parameters, context), "--threads")
        return c

    def results(self, call, result, parameters, context, feedback):
        failed = 0
        for ind in result.get("indicators", []):
            status = {True: "PASS", False: "FAIL"}.get(ind.get("pass"), "reported")
            failed += ind.get("pass") is False
            feedback.pushInfo(f"{ind.get('id')}: {ind.get('value')} {ind.get('unit', '')} — {status}")
        out = call.kwargs["output_dir"]
        return {"OUTPUT_DIR": out, "REPORT_HTML": os.path.join(out, "report.html"), "FAILED": failed}
