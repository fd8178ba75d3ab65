"""redline zonal in the toolbox: the area of every land-use class inside every zone."""
from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingParameterBand,
                       QgsProcessingParameterBoolean, QgsProcessingParameterEnum, QgsProcessingParameterFeatureSource,
                       QgsProcessingParameterField, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterRasterLayer, QgsProcessingParameterString)

from .common import COMMON_NOTE, OUTPUT_TABLE_FILTER, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm, advanced

MODES = ["exact", "centroid", "all-touched"]


class ZonalAlgorithm(RedlineAlgorithm):
    COMMAND = "zonal"
    DISPLAY = "Zonal class areas (分区地类面积)"
    GROUP_ID = "landcover"
    TAGS = ("zonal", "area", "land use", "land cover", "CLCD", "分区统计", "地类面积")
    HELP = (
        "<p>Area of every land-use class inside every zone (polygon), in <b>square metres on the "
        "CGCS2000/GRS80 ellipsoid</b> — 1 km² = 1,000,000 m², 1 亩 = 666.67 m². Each cell counts by "
        "the exact area of its intersection with the polygon (mode <i>exact</i>); cell areas are "
        "ellipsoidal: constant for an equal-area CRS (CGCS2000 Albers), exact per row for a "
        "geographic CRS (EPSG:4490/4326), per cell for other projections (Gauss-Krüger, UTM).</p>"
        "<p><b>Output</b> (one row per zone and class with area &gt; 0, zones in layer order, classes "
        "ascending, <i>nodata</i> last): <code>zone, class, area_m2, share[, class_name], cells, "
        "area_model, ellipsoid</code>; share = area / the zone's area over valid cells. CSV and "
        "GeoPackage outputs open as a table; JSON adds the provenance.</p>"
        "<p><b>Options.</b> <i>Mode</i>: exact (default), centroid (cells whose centre is inside), "
        "all-touched. <i>Dissolve</i> / <i>Dissolve by</i>: the union of all features (zone "
        "<code>all</code>) or of each value of a field, so overlaps count once. <i>Class table</i> "
        "adds names (clcd, worldcover, globeland30, or a CSV). The zones must be in the raster's "
        "CRS, or tick <i>Reproject</i>.</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline zonal --raster lc_2020.tif --zones plan.gpkg:redline "
        "--id code --classes clcd --output redline_lc.csv</code></p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterRasterLayer(
            "RASTER", "Land-use raster (integer class codes)"))
        # Optional with a default: QGIS 3.22 refuses a mandatory band left unset even with a default.
        self.addParameter(QgsProcessingParameterBand(
            "BAND", "Band (default 1)", defaultValue=1, parentLayerParameterName="RASTER", optional=True))
        self.addParameter(QgsProcessingParameterFeatureSource(
            "ZONES", "Zones (polygons, e.g. the ecological redline 生态保护红线)",
            [QgsProcessing.TypeVectorPolygon]))
        self.addParameter(QgsProcessingParameterField(
            "ID_FIELD", "Zone ID field (unique; default: the feature id)", parentLayerParameterName="ZONES",
            optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            "MODE", "Cell weighting mode", options=MODES, defaultValue=0))
        self.addParameter(QgsProcessingParameterBoolean(
            "DISSOLVE", "Dissolve: all features as one zone 'all' (overlaps count once)", defaultValue=False))
        self.addParameter(QgsProcessingParameterField(
            "DISSOLVE_BY", "Dissolve by field: one zone per value (overlaps count once)",
            parentLayerParameterName="ZONES", optional=True))
        self.add_class_table(optional_none=True)
        self.add_flag("REPROJECT", "Reproject the zones into the raster CRS (edges densified first)")
        self.add_flag("MAKE_VALID", "Repair invalid geometries (GEOS MakeValid) instead of failing")
        self.add_crs("ZONES_CRS", "CRS of a zones layer that declares none (never overrides a declared CRS)")
        self.add_densify("Densify: longest edge kept straight when reprojecting the zones [m]")
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "TILE_SIZE", "Tile size [cells per side] (speed and memory only)", QgsProcessingParameterNumber.Integer,
            defaultValue=1024, minValue=1)))
        self.addParameter(advanced(QgsProcessingParameterString(
            "MAX_MEMORY", "Memory limit, e.g. 2G or 512M (tiles shrink to fit; empty: no limit)", optional=True)))
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Class areas by zone", fileFilter=OUTPUT_TABLE_FILTER))

    def build(self, parameters, context, feedback):
        dissolve = self.parameterAsBool(parameters, "DISSOLVE", context)
        dissolve_by = self.parameterAsString(parameters, "DISSOLVE_BY", context) or None
        if dissolve and dissolve_by:
            raise QgsProcessingException("Dissolve and Dissolve by field exclude each other: choose one")
        c = Call("zonal", "zonal")
        c.set("raster", self.raster_path(parameters, "RASTER", context), "--raster")
        c.set("band", self.parameterAsInt(parameters, "BAND", context) or 1, "--band", default=1)
        c.set("zones", self.vector_path(parameters, "ZONES", context, feedback), "--zones")
        c.set("id", self.parameterAsString(parameters, "ID_FIELD", context) or None, "--id")
        c.set("mode", MODES[self.parameterAsEnum(parameters, "MODE", context)], "--mode", default="exact")
        c.set("dissolve", dissolve, "--dissolve")
        c.set("dissolve_by", dissolve_by, "--dissolve-by")
        c.set("classes", self.class_table(parameters, context, optional_none=True), "--classes")
        c.set("reproject", self.parameterAsBool(parameters, "REPROJECT", context), "--reproject")
        c.set("make_valid", self.parameterAsBool(parameters, "MAKE_VALID", context), "--make-valid")
        c.set("zones_crs", self.crs(parameters, "ZONES_CRS", context), "--zones-crs")
        c.set("densify", self.parameterAsDouble(parameters, "DENSIFY", context), "--densify", default=100.0)
        c.set("tile_size", self.parameterAsInt(parameters, "TILE_SIZE", context), "--tile-size", default=1024)
        c.set("max_memory", self.parameterAsString(parameters, "MAX_MEMORY", context).strip() or None,
              "--max-memory")
        c.set("encoding", self.encoding(parameters, context), "--encoding")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        out = call.kwargs["output"]
        feedback.pushInfo(f"{len(result)} rows (zone x class) written to {out}")
        self.load_on_completion(context, out, "redline zonal", "OUTPUT")
        return {"OUTPUT": out}
