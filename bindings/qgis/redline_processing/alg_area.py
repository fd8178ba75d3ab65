"""redline area in the toolbox: ellipsoidal polygon areas, union areas, shares within a boundary."""
from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingParameterBoolean,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterFileDestination)

from .common import COMMON_NOTE, OUTPUT_TABLE_FILTER, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm


class AreaAlgorithm(RedlineAlgorithm):
    COMMAND = "area"
    DISPLAY = "Ellipsoidal polygon areas (椭球面积)"
    GROUP_ID = "planning"
    TAGS = ("area", "ellipsoid", "dissolve", "union", "share", "面积", "占比")
    HELP = (
        "<p>Area of every polygon in <b>m² on the CGCS2000/GRS80 ellipsoid</b>, whatever the layer's "
        "CRS (1 km² = 1,000,000 m²; 1 亩 = 666.67 m²): lon/lat polygons by the exact ellipsoidal "
        "edge sum, equal-area projections (CGCS2000 Albers) by their exact plane area, other "
        "projections (Gauss-Krüger, UTM) after densifying the edges and inverse-projecting — never "
        "by the plane area of a conformal projection.</p>"
        "<p><b>Output</b>: per feature <code>id, area_m2[, share]</code>; with <i>Dissolve</i> or "
        "<i>Dissolve by</i>, the union of each group (overlaps count once): <code>group, area_m2, "
        "sum_m2, overlap_m2[, share]</code>. <i>Within</i> keeps only the part inside a boundary (e.g. "
        "the land territory) and adds share = area / boundary area — e.g. the protected-area share "
        "(自然保护地占比).</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline area --layer plan.gpkg:protected --dissolve --within "
        "china.gpkg:land --output pa_share.csv</code></p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterFeatureSource(
            "LAYER", "Polygon layer", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", "ID field (names the rows; unique without dissolve; default: the feature id)",
            parentLayerParameterName="LAYER", optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "DISSOLVE", "Dissolve: one row 'all' for the union of every feature", defaultValue=False))
        self.addParameter(QgsProcessingParameterField(
            "DISSOLVE_BY", "Dissolve by field: one row per value (union of its features)",
            parentLayerParameterName="LAYER", optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "WITHIN", "Within boundary (e.g. the land territory; optional): adds share",
            [QgsProcessing.TypeVectorPolygon], optional=True))
        self.add_flag("REPROJECT", "Reproject the boundary into the layer's CRS instead of failing on a mismatch")
        self.add_flag("MAKE_VALID", "Repair invalid geometries (GEOS MakeValid) instead of failing")
        self.add_crs("LAYER_CRS", "CRS of layers that declare none (never overrides a declared CRS)")
        self.add_densify()
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination("OUTPUT", "Areas", fileFilter=OUTPUT_TABLE_FILTER))

    def build(self, parameters, context, feedback):
        dissolve = self.parameterAsBool(parameters, "DISSOLVE", context)
        dissolve_by = self.parameterAsString(parameters, "DISSOLVE_BY", context) or None
        if dissolve and dissolve_by:
            raise QgsProcessingException("Dissolve and Dissolve by field exclude each other: choose one")
        c = Call("area", "area")
        c.set("layer", self.vector_path(parameters, "LAYER", context, feedback), "--layer")
        c.set("id", self.parameterAsString(parameters, "ID_FIELD", context) or None, "--id")
        c.set("dissolve", dissolve, "--dissolve")
        c.set("dissolve_by", dissolve_by, "--dissolve-by")
        c.set("within", self.vector_path(parameters, "WITHIN", context, feedback), "--within")
        self.set_layer_options(c, parameters, context, "layer_crs")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        out = call.kwargs["output"]
        feedback.pushInfo(f"{len(result)} rows written to {out}")
        self.load_on_completion(context, out, "redline area", "OUTPUT")
        return {"OUTPUT": out}
