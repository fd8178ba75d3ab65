"""redline validate in the toolbox: geometry and CRS problems of a polygon layer, per feature."""
from qgis.core import (QgsProcessing, QgsProcessingOutputNumber, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterField, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber)

from .common import COMMON_NOTE, OUTPUT_TABLE_FILTER, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm


class ValidateAlgorithm(RedlineAlgorithm):
    COMMAND = "validate"
    DISPLAY = "Check a polygon layer (图层几何检查)"
    GROUP_ID = "planning"
    TAGS = ("validate", "check", "geometry", "invalid", "overlap", "duplicate", "几何检查", "拓扑")
    HELP = (
        "<p>Checks a polygon layer before an overlay and lists every problem per feature, with a "
        "location: missing CRS, empty and non-polygonal geometries, invalid geometries (GEOS's reason: "
        "self-intersection, ring self-touch, hole outside the shell …), coordinates that cannot be "
        "in the CRS (latitudes beyond 90°, swapped axes, a missing Gauss-Krüger zone prefix), "
        "duplicate ids, duplicate geometries and overlaps between features with their area in "
        "<b>m² on the CGCS2000/GRS80 ellipsoid</b>.</p>"
        "<p><b>Output</b>: <code>id, fid, problem, detail, x, y, area_m2</code> (x, y in the layer's "
        "coordinates); a GeoPackage output holds the problem locations as points and opens as a "
        "layer. An empty table means the layer is clean. The run succeeds either way (the command "
        "line exits 5 when there are problems); the number of problems is an output and the log "
        "gives the count per problem.</p>"
        "<p><b>Options</b>: <i>Minimum overlap area</i> (m²) hides smaller overlaps; <i>Layer CRS</i> "
        "is assumed when the layer declares none (still reported) so coordinates and areas can be "
        "checked.</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline validate --layer plan.gpkg:redline --id code --output "
        "problems.gpkg</code></p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterFeatureSource(
            "LAYER", "Polygon layer", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", "ID field (names the features; duplicates are reported; default: the feature id)",
            parentLayerParameterName="LAYER", optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "MIN_OVERLAP", "Minimum overlap area to report [m²] (0: every overlap with an area)",
            QgsProcessingParameterNumber.Double, defaultValue=0.0, minValue=0.0))
        self.add_crs("LAYER_CRS", "CRS to assume when the layer declares none (still reported as missing)")
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Problems", fileFilter=OUTPUT_TABLE_FILTER))
        self.addOutput(QgsProcessingOutputNumber("PROBLEMS", "Number of problems"))

    def build(self, parameters, context, feedback):
        c = Call("validate", "validate")
        c.set("layer", self.vector_path(parameters, "LAYER", context, feedback), "--layer")
        c.set("id", self.parameterAsString(parameters, "ID_FIELD", context) or None, "--id")
        c.set("min_overlap", self.parameterAsDouble(parameters, "MIN_OVERLAP", context), "--min-overlap",
              default=0.0)
        c.set("layer_crs", self.crs(parameters, "LAYER_CRS", context), "--layer-crs")
        c.set("encoding", self.encoding(parameters, context), "--encoding")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        summary = result.attrs.get("summary") or {}
        if len(result):
            counts = ", ".join(f"{n} {p}" for p, n in sorted((summary.get("by_problem") or {}).items()) if n)
            feedback.pushWarning(f"{len(result)} problem(s) in {summary.get('features_with_problems', '?')} of "
                                 f"{summary.get('features', '?')} features: {counts}")
        else:
            feedback.pushInfo(f"the layer is clean ({summary.get('features', '?')} features)")
        out = call.kwargs["output"]
        self.load_on_completion(context, out, "redline validate", "OUTPUT")
        return {"OUTPUT": out, "PROBLEMS": len(result)}
