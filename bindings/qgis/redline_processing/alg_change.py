"""redline change in the toolbox: transition matrix and violation patches between two dates."""
from qgis.core import (QgsProcessing, QgsProcessingParameterBand, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber,
                       QgsProcessingParameterRasterLayer, QgsProcessingParameterString)

from .common import COMMON_NOTE, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm, advanced

CONNECTIVITY = ["8", "4"]
MODES = ["exact", "centroid"]


class ChangeAlgorithm(RedlineAlgorithm):
    COMMAND = "change"
    DISPLAY = "Land-use change and violation patches (变化图斑核查)"
    GROUP_ID = "landcover"
    TAGS = ("change", "transition matrix", "violation", "patches", "变化图斑", "转移矩阵", "违规")
    HELP = (
        "<p>What changed inside each zone between two dates (two rasters on the same grid: CRS, "
        "origin, cell size and size). Reads both in one pass and computes each zone's coverage "
        "once.</p>"
        "<p><b>Transition matrix</b> (table): per zone, the area in <b>m² on the CGCS2000/GRS80 "
        "ellipsoid</b> of every transition from a class at t0 to a class at t1 — <code>zone, from, "
        "to, area_m2, cells, from_name, to_name</code>.</p>"
        "<p><b>Patches</b>: cells that break a rule, joined into patches by 8- or 4-connectivity — "
        "<code>patch_id, zone, rule, from, to, pixels, area_m2, x, y, lon, lat, status, "
        "permitted_share, from_name, to_name</code>. A GeoPackage output holds the patch polygons "
        "and opens as a layer. <i>status</i>: <code>violation</code>; <code>permitted</code> when at "
        "least <i>Permitted share</i> of the patch lies inside the permitted polygons (approved "
        "projects, corridors); <code>below-mmu</code> when smaller than the minimum mapping unit "
        "(still counted in the matrix).</p>"
        "<p><b>Rules.</b> Preset <i>redline</i> (default): natural land → built-up or cropland; "
        "<i>cropland</i>: cropland → anything else; or a YAML rules file. Class groups come from the "
        "class table (CLCD by default).</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline change --t0 lc_2015.tif --t1 lc_2020.tif --zones "
        "plan.gpkg:redline --id code --permitted plan.gpkg:permitted --matrix matrix.csv --patches "
        "patches.gpkg</code></p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterRasterLayer("T0", "Land-use raster at the first date (t0)"))
        self.addParameter(QgsProcessingParameterRasterLayer(
            "T1", "Land-use raster at the second date (t1, same grid as t0)"))
        # Optional with a default: QGIS 3.22 refuses a mandatory band left unset even with a default.
        self.addParameter(QgsProcessingParameterBand("BAND", "Band (of both rasters; default 1)", defaultValue=1,
                                                     parentLayerParameterName="T0", optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "ZONES", "Zones (polygons, e.g. the ecological redline)", [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", "Zone ID field (default: the feature id)", parentLayerParameterName="ZONES", optional=True))
        self.add_rules()
        self.add_class_table(optional_none=False)
        self.addParameter(QgsProcessingParameterNumber(
            "MMU_PIXELS", "Minimum mapping unit [cells] (smaller patches are 'below-mmu')",
            QgsProcessingParameterNumber.Integer, defaultValue=4, minValue=1))
        self.addParameter(QgsProcessingParameterEnum(
            "CONNECTIVITY", "Connectivity joining cells into patches [neighbours]", options=CONNECTIVITY,
            defaultValue=0))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "PERMITTED", "Permitted polygons (approved activities; optional)", [QgsProcessing.TypeVectorPolygon],
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "PERMITTED_MIN_SHARE", "Permitted share: fraction of a patch's area inside permitted polygons [0–1]",
            QgsProcessingParameterNumber.Double, defaultValue=0.5, minValue=0.0, maxValue=1.0))
        self.addParameter(advanced(QgsProcessingParameterEnum(
            "MODE", "Cell weighting mode", options=MODES, defaultValue=0)))
        self.add_flag("REPROJECT", "Reproject the zones and permitted polygons into the raster CRS")
        self.add_flag("MAKE_VALID", "Repair invalid geometries (GEOS MakeValid) instead of failing")
        self.add_crs("ZONES_CRS", "CRS of a zones layer that declares none")
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "TILE_SIZE", "Tile size [cells per side] (speed and memory only)", QgsProcessingParameterNumber.Integer,
            defaultValue=1024, minValue=1)))
        self.addParameter(advanced(QgsProcessingParameterString(
            "MAX_MEMORY", "Memory limit, e.g. 2G or 512M (tiles shrink to fit; empty: no limit)", optional=True)))
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "MATRIX", "Transition matrix", fileFilter="CSV files (*.csv);;JSON files (*.json)"))
        self.addParameter(QgsProcessingParameterFileDestination(
            "PATCHES", "Change patches", fileFilter="GeoPackage (*.gpkg);;CSV files (*.csv);;JSON files (*.json)"))

    def build(self, parameters, context, feedback):
        c = Call("change", "change")
        c.set("t0", self.raster_path(parameters, "T0", context), "--t0")
        c.set("t1", self.raster_path(parameters, "T1", context), "--t1")
        c.set("band", self.parameterAsInt(parameters, "BAND", context) or 1, "--band", default=1)
        c.set("zones", self.vector_path(parameters, "ZONES", context, feedback), "--zones")
        c.set("id", self.parameterAsString(parameters, "ID_FIELD", context) or None, "--id")
        self.rules(c, parameters, context)
        c.set("classes", self.class_table(parameters, context, optional_none=False), "--classes", default="clcd")
        c.set("mmu_pixels", self.parameterAsInt(parameters, "MMU_PIXELS", context), "--mmu-pixels", default=4)
        c.set("connectivity", int(CONNECTIVITY[self.parameterAsEnum(parameters, "CONNECTIVITY", context)]),
              "--connectivity", default=8)
        c.set("permitted", self.vector_path(parameters, "PERMITTED", context, feedback), "--permitted")
        c.set("permitted_min_share", self.parameterAsDouble(parameters, "PERMITTED_MIN_SHARE", context),
              "--permitted-min-share", default=0.5)
        c.set("mode", MODES[self.parameterAsEnum(parameters, "MODE", context)], "--mode", default="exact")
        c.set("reproject", self.parameterAsBool(parameters, "REPROJECT", context), "--reproject")
        c.set("make_valid", self.parameterAsBool(parameters, "MAKE_VALID", context), "--make-valid")
        c.set("zones_crs", self.crs(parameters, "ZONES_CRS", context), "--zones-crs")
        c.set("tile_size", self.parameterAsInt(parameters, "TILE_SIZE", context), "--tile-size", default=1024)
        c.set("max_memory", self.parameterAsString(parameters, "MAX_MEMORY", context).strip() or None,
              "--max-memory")
        c.set("encoding", self.encoding(parameters, context), "--encoding")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("matrix_output", self.file_output(parameters, "MATRIX", context), "--matrix")
        c.set("patches_output", self.file_output(parameters, "PATCHES", context), "--patches")
        return c

    def results(self, call, result, parameters, context, feedback):
        matrix, patches = result
        for r in patches.attrs.get("summary") or []:  # one entry per rule, as the CLI prints it
            feedback.pushInfo(
                f"rule {r['rule']}: {r['violations']} violation patch(es), {r['violation_area_m2']:.2f} m2; "
                f"{r['permitted']} permitted, {r['permitted_area_m2']:.2f} m2; {r['below_mmu']} below the MMU, "
                f"{r['below_mmu_area_m2']:.2f} m2")
        out = {"MATRIX": call.kwargs["matrix_output"], "PATCHES": call.kwargs["patches_output"]}
        self.load_on_completion(context, out["MATRIX"], "redline change: transition matrix", "MATRIX")
        self.load_on_completion(context, out["PATCHES"], "redline change: patches", "PATCHES")
        return out
