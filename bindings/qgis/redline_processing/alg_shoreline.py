"""redline shoreline in the toolbox: the mainland natural-shoreline share with geodesic lengths."""
from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingParameterBand,
                       QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString)

from .common import COMMON_NOTE, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm, advanced, parse_list

SIDES = ["left", "right"]


class ShorelineAlgorithm(RedlineAlgorithm):
    COMMAND = "shoreline"
    DISPLAY = "Natural shoreline share (大陆自然岸线保有率)"
    GROUP_ID = "indicators"
    TAGS = ("shoreline", "coast", "natural shoreline", "岸线", "自然岸线保有率")
    HELP = (
        "<p>The mainland natural-shoreline share (大陆自然岸线保有率, national target ≥ 35 %) with "
        "<b>geodesic lengths in metres on the CGCS2000/GRS80 ellipsoid</b> (1 km = 1,000 m); lines in "
        "a projected CRS are densified and inverse-projected first, so planar lengths are never "
        "summed.</p>"
        "<p><b>Classes</b>, from one of: a <i>Class field</i> of the lines — values in <i>Natural "
        "values</i> are natural (default: natural, bedrock, sandy, muddy, biological, restored and "
        "自然岸线, 基岩岸线, 砂质岸线, 淤泥质岸线, 生物岸线, 整治修复岸线), values in <i>Estuary "
        "values</i> are estuary (default: estuary, 河口岸线), every other value is artificial (with a "
        "warning listing them); or a <i>Land-use raster</i> — a piece of coast is artificial when at "
        "least 50 % of its landward strip (<i>Strip width</i>, m) is in the artificial classes "
        "(default: the built-up group of the class table). Estuary shoreline counts in the total, "
        "not as natural.</p>"
        "<p><b>Mainland</b> (optional polygons): pieces farther than <i>Snap distance</i> from its "
        "boundary are islands, summed in island_m and left out of the share. <b>Regions</b> "
        "(optional polygons and their ID field): one more row per region.</p>"
        "<p><b>Output</b>: <code>region, natural_m, artificial_m, estuary_m, total_m, "
        "natural_share_percent, target_percent, pass, margin_percent, island_m, unclassified_m</code>; "
        "row <code>all</code> first. The share of row <i>all</i> is also an output.</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline shoreline --lines china.gpkg:coast --class-field type "
        "--output shoreline.csv</code> (the command line's --artificial, --estuary-rule, --piece-m, "
        "--by-snap-m and --segments are not offered here: the Python module does not take them).</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterFeatureSource(
            "LINES", "Shoreline (lines)", [QgsProcessing.TypeVectorLine]))
        self.addParameter(QgsProcessingParameterField(
            "CLASS_FIELD", "Class field of the lines (or use a land-use raster below)",
            parentLayerParameterName="LINES", optional=True))
        self.addParameter(QgsProcessingParameterString(
            "NATURAL", "Natural values of the class field, comma-separated (default: the national list)",
            optional=True))
        self.addParameter(QgsProcessingParameterString(
            "ESTUARY", "Estuary values of the class field, comma-separated (default: estuary, 河口岸线)",
            optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            "RASTER", "…or a land-use raster classifying the landward strip", optional=True))
        self.addParameter(advanced(QgsProcessingParameterBand(
            "BAND", "Band of the raster", defaultValue=1, parentLayerParameterName="RASTER", optional=True)))
        self.addParameter(QgsProcessingParameterString(
            "ARTIFICIAL_CLASSES", "Artificial raster codes or class groups, comma-separated (default: built_up)",
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "BUFFER_M", "Landward strip width [m] (raster)", QgsProcessingParameterNumber.Double,
            defaultValue=100.0, minValue=1e-6))
        self.add_class_table(optional_none=False)
        self.addParameter(QgsProcessingParameterFeatureSource(
            "MAINLAND", "Mainland polygon(s) (optional): pieces off its boundary are islands",
            [QgsProcessing.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "SNAP_M", "Snap distance to the mainland boundary [m]", QgsProcessingParameterNumber.Double,
            defaultValue=50.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "BY", "Regions (optional): one row per region", [QgsProcessing.TypeVectorPolygon], optional=True))
        self.addParameter(QgsProcessingParameterField(
            "BY_ID", "Region ID field", parentLayerParameterName="BY", optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "TARGET", "Target natural share [%]", QgsProcessingParameterNumber.Double, defaultValue=35.0,
            minValue=0.0, maxValue=100.0))
        self.addParameter(QgsProcessingParameterEnum(
            "LAND_SIDE", "Landward side when no mainland decides it (GSHHG: left)", options=SIDES, defaultValue=0))
        self.add_flag("REPROJECT", "Reproject lines / mainland / regions into the working CRS")
        self.add_flag("MAKE_VALID", "Repair invalid mainland / region polygons (GEOS MakeValid)")
        self.add_crs("LINES_CRS", "CRS of a line layer that declares none")
        self.add_crs("MAINLAND_CRS", "CRS of a mainland layer that declares none")
        self.add_crs("BY_CRS", "CRS of a regions layer that declares none")
        self.add_densify("Densify: longest edge before inverse projection of projected lines [m]")
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Shoreline summary", fileFilter="CSV files (*.csv);;JSON files (*.json)"))
        self.addOutput(QgsProcessingOutputNumber("NATURAL_SHARE_PERCENT", "Natural shoreline share (all) [%]"))

    def build(self, parameters, context, feedback):
        class_field = self.parameterAsString(parameters, "CLASS_FIELD", context) or None
        raster = self.raster_path(parameters, "RASTER", context)
        if bool(class_field) == bool(raster):
            raise QgsProcessingException("Shoreline classes: choose either a class field of the lines or a "
                                         "land-use raster (exactly one)")
        by = self.vector_path(parameters, "BY", context, feedback)
        by_id = self.parameterAsString(parameters, "BY_ID", context) or None
        if bool(by) != bool(by_id):
            raise QgsProcessingException("Regions need their ID field (and an ID field needs regions)")
        mainland = self.vector_path(parameters, "MAINLAND", context, feedback)
        c = Call("shoreline", "shoreline")
        c.set("lines", self.vector_path(parameters, "LINES", context, feedback), "--lines")
        c.set("class_field", class_field, "--class-field")
        if class_field:
            c.set("natural", parse_list(self.parameterAsString(parameters, "NATURAL", context)), "--natural")
            c.set("estuary", parse_list(self.parameterAsString(parameters, "ESTUARY", context)), "--estuary")
        else:
            c.set("raster", raster, "--raster")
            c.set("band", self.parameterAsInt(parameters, "BAND", context) or 1, "--band", default=1)
            c.set("artificial_classes", parse_list(self.parameterAsString(parameters, "ARTIFICIAL_CLASSES", context)),
                  "--artificial-classes")
            c.set("buffer_m", self.parameterAsDouble(parameters, "BUFFER_M", context), "--buffer-m", default=100.0)
            c.set("classes", self.class_table(parameters, context, optional_none=False), "--classes",
                  default="clcd")
        c.set("mainland", mainland, "--mainland")
        if mainland:
            c.set("snap_m", self.parameterAsDouble(parameters, "SNAP_M", context), "--snap-m", default=50.0)
            c.set("mainland_crs", self.crs(parameters, "MAINLAND_CRS", context), "--mainland-crs")
        c.set("by", by, "--by")
        c.set("by_id", by_id, "--by-id")
        if by:
            c.set("by_crs", self.crs(parameters, "BY_CRS", context), "--by-crs")
        c.set("target", self.parameterAsDouble(parameters, "TARGET", context), "--target", default=35.0)
        c.set("land_side", SIDES[self.parameterAsEnum(parameters, "LAND_SIDE", context)], "--land-side",
              default="left")
        self.set_layer_options(c, parameters, context, "lines_crs")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        share = None
        if len(result):
            row = result.iloc[0]
            share = float(row["natural_share_percent"])
            feedback.pushInfo(f"natural shoreline share (all): {share:.2f} % of {float(row['total_m']) / 1000:.2f} km "
                              f"(target {float(row['target_percent']):g} %, pass: {row['pass']})")
        out = call.kwargs["output"]
        self.load_on_completion(context, out, "redline shoreline", "OUTPUT")
        return {"OUTPUT": out, "NATURAL_SHARE_PERCENT": share}
