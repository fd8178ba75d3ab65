"""redline tabulate in the toolbox: class areas of a land-use survey layer (三调 DLTB) inside zones."""
from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterBoolean, QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterField, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber)

from .common import COMMON_NOTE, OUTPUT_TABLE_FILTER, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm, advanced

LEVELS = [None, 1, 2]
CONVENTIONS = [None, "survey", "geodesic"]
ON_OVERLAP = ["error", "first"]
CHECK_TOLERANCE = (0.005, 1e-6)  # the engine's default: 0.005 m² + 1e-6 x area


class TabulateAlgorithm(RedlineAlgorithm):
    COMMAND = "tabulate"
    DISPLAY = "Survey land-use areas by zone (三调地类图斑分区统计)"
    GROUP_ID = "landcover"
    TAGS = ("tabulate", "land-use survey", "DLTB", "DLBM", "KCXS", "TBMJ", "cropland", "三调", "地类图斑",
            "变更调查", "耕地", "扣除系数")
    CLASS_TABLES = ("gbt21010",)
    HELP = (
        "<p>Class areas of a land-use survey layer — the parcels (地类图斑, layer DLTB) of the third "
        "national land survey (三调) or of an annual change survey (变更调查) — inside each zone, in "
        "<b>m² on the CGCS2000/GRS80 ellipsoid</b> (1 km² = 1,000,000 m², 1 亩 = 666.67 m²). Each zone "
        "is intersected exactly with the parcels and the pieces' areas are added per land-use code "
        "(DLBM). <i>Deduction field</i> (KCXS, in [0, 1)) gives the net area: Σ area × (1 − "
        "coefficient), field ridges and linear features deducted.</p>"
        "<p><b>Area convention</b>: <i>survey</i> (default for a Gauss-Krüger layer) measures as the "
        "national land survey computed TBMJ (国土调查办发〔2008〕32号, TD/T 1055-2019: vertices "
        "inverse-projected, an ellipsoidal trapezoid per edge); <i>geodesic</i> (default otherwise, "
        "and the other algorithms' convention) measures edges straight in the layer's plane, "
        "densified. They differ by about 1e-6 of the area for 300 m parcels.</p>"
        "<p><b>Output</b> (zones in layer order, then codes, then <code>uncovered</code>): "
        "<code>zone, class, area_m2, share, net_area_m2[, class_name, group, group_name], parcels, "
        "area_convention</code>; share = area over the zone area the layer covers; the row "
        "<code>class = uncovered</code> holds the zone area no parcel covers (gaps, or outside the "
        "survey). <i>Level</i> aggregates the codes (1: 0101 → 01; 2: 0307K → 0307). <i>Class table</i> "
        "gbt21010 adds the GB/T 21010 names (三调 working classification). CSV and GeoPackage outputs "
        "open as a table.</p>"
        "<p><b>Overlapping parcels</b> stop the run with their locations, unless <i>On overlap</i> is "
        "<i>first</i> (each overlapping area counted once, for the first parcel). <b>Check field</b> "
        "(TBMJ, m²): each parcel's recorded area against its own survey-convention area; the parcels "
        "beyond <i>tolerance</i> m² + <i>relative tolerance</i> × area are a warning and the optional "
        "quality table (points in GeoPackage).</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline tabulate --landuse dltb_2023.gdb:DLTB --class-field DLBM "
        "--deduct-field KCXS --zones plan.gpkg:redline --id code --output redline_dltb.csv</code></p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterFeatureSource(
            "LANDUSE", "Land-use survey parcels (地类图斑 DLTB polygons)", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "CLASS_FIELD", "Land-use code field (DLBM; text or integer, kept as written)",
            parentLayerParameterName="LANDUSE"))
        self.addParameter(QgsProcessingParameterField(
            "DEDUCT_FIELD", "Deduction coefficient field (KCXS, in [0, 1); default: no deduction)",
            parentLayerParameterName="LANDUSE", type=QgsProcessingParameterField.Numeric, optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "ZONES", "Zones (polygons, e.g. the ecological redline or counties)", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", "Zone ID field (unique; default: the feature id)", parentLayerParameterName="ZONES",
            optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "DISSOLVE", "Dissolve: all zones as one zone 'all' (overlaps count once)", defaultValue=False))
        self.addParameter(QgsProcessingParameterField(
            "DISSOLVE_BY", "Dissolve by field: one zone per value (overlaps count once)",
            parentLayerParameterName="ZONES", optional=True))
        self.add_class_table(optional_none=True, label="Class table (names and groups of the land-use codes)",
                             columns="code,name[,group[,group_name]]")
        self.addParameter(QgsProcessingParameterEnum(
            "LEVEL", "Level of the codes", options=["codes as written", "1: first level (0101 → 01)",
                                                    "2: second level (0307K → 0307, 101 → 0101)"], defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            "AREA_CONVENTION", "Area convention", options=[
                "automatic: survey for a Gauss-Krüger layer, geodesic otherwise",
                "survey: as the land survey computes TBMJ (32号)",
                "geodesic: edges straight in the layer's plane, densified"], defaultValue=0))
        self.addParameter(QgsProcessingParameterEnum(
            "ON_OVERLAP", "On overlapping parcels", options=[
                "error: stop and list them", "first: count an overlap once, for the first parcel"], defaultValue=0))
        self.addParameter(QgsProcessingParameterField(
            "CHECK_FIELD", "Check field: each parcel's recorded area (TBMJ) [m²]",
            parentLayerParameterName="LANDUSE", type=QgsProcessingParameterField.Numeric, optional=True))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "CHECK_TOLERANCE_M2", "Check tolerance [m²] (TBMJ is stored to 0.01 m²)",
            QgsProcessingParameterNumber.Double, defaultValue=CHECK_TOLERANCE[0], minValue=0.0)))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "CHECK_TOLERANCE_RELATIVE", "Check tolerance relative to the parcel's area [fraction]",
            QgsProcessingParameterNumber.Double, defaultValue=CHECK_TOLERANCE[1], minValue=0.0)))
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "MAX_EXAMPLES", "Overlaps and failed parcels listed in messages [count]",
            QgsProcessingParameterNumber.Integer, defaultValue=10, minValue=1)))
        self.add_flag("REPROJECT", "Reproject the zones into the land-use layer's CRS (edges densified first)")
        self.add_flag("MAKE_VALID", "Repair invalid geometries (GEOS MakeValid) instead of failing")
        self.add_crs("LAYER_CRS", "CRS of layers that declare none, e.g. EPSG:4527 (never overrides a declared CRS)")
        self.add_densify("Densify: longest edge kept straight when reprojecting the zones and measuring under the "
                         "geodesic convention [m]")
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Land-use areas by zone", fileFilter=OUTPUT_TABLE_FILTER))
        self.addParameter(QgsProcessingParameterFileDestination(
            "CHECK_OUTPUT", "Parcels failing the check (with a check field)",
            fileFilter="GeoPackage (*.gpkg);;CSV files (*.csv);;JSON files (*.json)", optional=True,
            createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("CHECK_FAILED", "Parcels failing the area check"))

    def build(self, parameters, context, feedback):
        dissolve = self.parameterAsBool(parameters, "DISSOLVE", context)
        dissolve_by = self.parameterAsString(parameters, "DISSOLVE_BY", context) or None
        if dissolve and dissolve_by:
            raise QgsProcessingException("Dissolve and Dissolve by field exclude each other: choose one")
        check_field = self.parameterAsString(parameters, "CHECK_FIELD", context) or None
        check_output = self.file_output(parameters, "CHECK_OUTPUT", context)
        if check_output and not check_field:
            raise QgsProcessingException("Parcels failing the check: choose the check field (TBMJ) too")
        c = Call("tabulate", "tabulate")
        c.set("landuse", self.vector_path(parameters, "LANDUSE", context, feedback), "--landuse")
        c.set("class_field", self.parameterAsString(parameters, "CLASS_FIELD", context), "--class-field")
        c.set("deduct_field", self.parameterAsString(parameters, "DEDUCT_FIELD", context) or None, "--deduct-field")
        c.set("zones", self.vector_path(parameters, "ZONES", context, feedback), "--zones")
        c.set("id", self.parameterAsString(parameters, "ID_FIELD", context) or None, "--id")
        c.set("dissolve", dissolve, "--dissolve")
        c.set("dissolve_by", dissolve_by, "--dissolve-by")
        c.set("classes", self.class_table(parameters, context, optional_none=True), "--classes")
        c.set("level", LEVELS[self.parameterAsEnum(parameters, "LEVEL", context)], "--level")
        c.set("area_convention", CONVENTIONS[self.parameterAsEnum(parameters, "AREA_CONVENTION", context)],
              "--area-convention")
        c.set("on_overlap", ON_OVERLAP[self.parameterAsEnum(parameters, "ON_OVERLAP", context)], "--on-overlap",
              default="error")
        c.set("check_field", check_field, "--check-field")
        if check_field:
            tolerance = (self.parameterAsDouble(parameters, "CHECK_TOLERANCE_M2", context),
                         self.parameterAsDouble(parameters, "CHECK_TOLERANCE_RELATIVE", context))
            c.set("check_tolerance", None if tolerance == CHECK_TOLERANCE else tolerance, "--check-tolerance")
        c.set("check_output", check_output, "--check-output")
        c.set("max_examples", self.parameterAsInt(parameters, "MAX_EXAMPLES", context), "--max-examples", default=10)
        self.set_layer_options(c, parameters, context, "layer_crs")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        s = result.attrs.get("summary") or {}
        feedback.pushInfo(
            f"{s.get('rows')} rows for {s.get('zones')} zone(s) from {s.get('parcels')} parcel(s): "
            f"{s.get('area_m2', 0):.2f} m2 classified ({s.get('net_area_m2', 0):.2f} m2 net), "
            f"{s.get('uncovered_area_m2', 0):.2f} m2 uncovered ({s.get('area_convention')} convention)")
        failed = None
        check = result.attrs.get("check")
        if check is not None:
            cs = check.attrs.get("summary") or {}
            failed = len(check)
            feedback.pushInfo(f"check field {cs.get('field')}: {failed} of {cs.get('checked')} parcels beyond the "
                              f"tolerance; largest difference {cs.get('max_abs_difference_m2', 0):.4f} m2")
        out = {"OUTPUT": call.kwargs["output"], "CHECK_OUTPUT": call.kwargs.get("check_output"), "CHECK_FAILED": failed}
        self.load_on_completion(context, out["OUTPUT"], "redline tabulate", "OUTPUT")
        self.load_on_completion(context, out["CHECK_OUTPUT"], "redline tabulate: parcels failing the check",
                                "CHECK_OUTPUT")
        return out
