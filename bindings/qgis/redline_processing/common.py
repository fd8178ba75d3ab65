"""What every redline algorithm shares.

- Inputs: a vector parameter becomes the engine's ``PATH[:LAYER]``. A layer stored in a file
  that GDAL/OGR reads (GeoPackage, shapefile, GeoJSON, FlatGeobuf, FileGDB, ...) is read from
  that file as it is; a memory layer, a database or web layer, a layer with a filter, or a run
  with "Selected features only" is first exported to a GeoPackage in Processing's temporary
  folder (QGIS's own conversion), with no geometry check, so nothing is dropped before the engine
  validates it. A raster parameter must be a GDAL raster; the engine opens its source.
- The call: the public ``redline`` Python function of the command (same engine, same numbers and
  output bytes as the command line), with ``output=`` & co. writing the files as the CLI does.
  The equivalent command line is logged first.
- Progress goes to the Processing feedback (percent of the engine's work units and the stage
  name); Cancel reaches the engine's cancel token through ``cancel=feedback.isCanceled`` and the
  algorithm then fails with "cancelled" and writes nothing. Engine errors become
  QgsProcessingException with the engine's message text; engine warnings go to the log.
"""
import os
import re
import shlex

from qgis.core import (QgsFeatureRequest, QgsProcessing, QgsProcessingAlgorithm, QgsProcessingContext,
                       QgsProcessingException, QgsProcessingFeatureSourceDefinition, QgsProcessingFeedback,
                       QgsProcessingParameterBand, QgsProcessingParameterBoolean, QgsProcessingParameterCrs,
                       QgsProcessingParameterDefinition, QgsProcessingParameterEnum,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField, QgsProcessingParameterFile,
                       QgsProcessingParameterNumber, QgsProcessingParameterRasterLayer, QgsProcessingParameterString,
                       QgsProcessingUtils)
from qgis.PyQt.QtCore import QUrl

try:  # the engine's Python module, built from the same repository (see the README's "QGIS")
    import redline
    IMPORT_ERROR = None
except ImportError as e:  # pragma: no cover - exercised by hand
    redline = None
    IMPORT_ERROR = str(e)

MISSING_MODULE = (
    "The redline Python module cannot be imported by QGIS's Python ({error}). Build redline and "
    "either install the module (`cmake --install build`, which puts it into Debian's "
    "/usr/lib/python3/dist-packages) or start QGIS with PYTHONPATH=<redline build>/bindings.")

# Vector files the engine opens directly (by extension); anything else is exported first.
VECTOR_FILE_FORMATS = ["gpkg", "shp", "geojson", "json", "fgb", "sqlite", "gdb", "gml", "kml", "tab", "mif"]
CLASS_TABLES = ["clcd", "worldcover", "globeland30"]
PRESETS = ["redline", "cropland"]
PRESET_LABELS = ["redline: natural → built-up/cropland", "cropland: cropland → anything else"]
OUTPUT_TABLE_FILTER = "CSV files (*.csv);;JSON files (*.json);;GeoPackage (*.gpkg)"

GROUPS = {
    "landcover": "Land cover (土地覆盖)",
    "planning": "Planning layers (规划图层)",
    "indicators": "Indicators (指标)",
    "accuracy": "Accuracy assessment (精度评价)",
}

VECTOR_INPUT_NOTE = (
    "<p><b>Layers.</b> Any polygon layer QGIS has open works. A layer stored in a file GDAL "
    "reads (GeoPackage, shapefile, GeoJSON, FlatGeobuf, FileGDB …) is read from that file; a "
    "memory layer, a database or web layer, a filtered layer, or <i>Selected features only</i> is "
    "first exported to a temporary GeoPackage (then, without an ID field, rows are named by the "
    "exported feature ids: choose an ID field). Raster inputs must be GDAL rasters (files).</p>")

COMMON_NOTE = (
    "<p><b>Same engine as the command line</b>: same numbers and the same output file bytes; the "
    "equivalent command is written to the log. Cancel stops the engine between tiles and "
    "writes nothing; errors show the engine's message. Results do not depend on Threads.</p>")


def engine_version():
    """'redline 0.1.0' or None when the module is missing."""
    if redline is None:
        return None
    try:
        return redline.version().get("engine")
    except Exception:  # pragma: no cover
        return None


def advanced(param):
    param.setFlags(param.flags() | QgsProcessingParameterDefinition.FlagAdvanced)
    return param


class Call:
    """A redline call being built: the Python keyword arguments and the equivalent command line.

    ``set(kw, value, flag)`` passes ``value`` as ``kw=`` and adds ``flag value`` to the command
    line unless the value is the default (None, False, or equal to ``default``); a list is written
    ``a,b``, a dict ``k=v,k=v``."""

    def __init__(self, function, command):
        self.function = function
        self.kwargs = {}
        self.cli = ["redline", command]

    def set(self, kw, value, flag=None, default=None):
        if kw is not None:
            self.kwargs[kw] = value
        if flag is None or value is None or value is False or (default is not None and value == default):
            return self
        if value is True:
            self.cli.append(flag)
        elif isinstance(value, (list, tuple)):
            self.cli += [flag, ",".join(str(v) for v in value)]
        elif isinstance(value, dict):
            self.cli += [flag, ",".join(f"{k}={v}" for k, v in value.items())]
        else:
            self.cli += [flag, str(value)]
        return self

    def command_line(self):
        return " ".join(shlex.quote(str(a)) for a in self.cli)

    def run(self, feedback):
        """Runs redline.<function>(**kwargs) with progress and Cancel; engine errors become
        QgsProcessingException carrying the engine's message text."""
        fn = getattr(redline, self.function)
        stage = {"label": None}

        def progress(done, total, label):
            if label != stage["label"]:
                stage["label"] = label
                feedback.setProgressText(f"redline {self.cli[1]}: {label}")
            feedback.setProgress(100.0 * done / total if total else 100.0)

        try:
            result = fn(**self.kwargs, progress=progress, cancel=feedback.isCanceled)
        except redline.Cancelled:
            raise QgsProcessingException(
                f"redline {self.cli[1]}: cancelled; the engine stopped and no output was written") from None
        except (ValueError, OSError, NotImplementedError, RuntimeError) as e:
            raise QgsProcessingException(str(e)) from None
        for w in warnings_of(result):
            feedback.pushWarning(f"warning: {w}")
        return result


def warnings_of(result):
    """The engine's warnings carried by a result (DataFrame attrs, a tuple of them, report.json)."""
    seen = []
    items = result if isinstance(result, tuple) else (result,)
    for item in items:
        ws = item.get("warnings", []) if isinstance(item, dict) else getattr(item, "attrs", {}).get("warnings", [])
        for w in ws:
            text = w if isinstance(w, str) else str(w)
            if text not in seen:
                seen.append(text)
    return seen


class RedlineAlgorithm(QgsProcessingAlgorithm):
    """Base of the redline algorithms: subclasses define the parameters, ``build`` (parameters
    -> Call) and ``results`` (what to return and load)."""

    COMMAND = ""
    DISPLAY = ""
    GROUP_ID = ""
    HELP = ""
    TAGS = ()
    CLASS_TABLES = CLASS_TABLES  # the built-in class tables offered by add_class_table

    def name(self):
        return self.COMMAND

    def displayName(self):  # noqa: N802 (QGIS's names)
        return self.DISPLAY

    def group(self):
        return GROUPS[self.GROUP_ID]

    def groupId(self):  # noqa: N802
        return self.GROUP_ID

    def tags(self):
        return ["redline", "生态保护红线", *self.TAGS]

    def shortHelpString(self):  # noqa: N802
        text = self.HELP
        if redline is None:
            text = f"<p><b>{MISSING_MODULE.format(error=IMPORT_ERROR)}</b></p>" + text
        return text

    def createInstance(self):  # noqa: N802
        return type(self)()

    def canExecute(self):  # noqa: N802
        if redline is None:
            return False, MISSING_MODULE.format(error=IMPORT_ERROR)
        return True, ""

    def processAlgorithm(self, parameters, context, feedback):  # noqa: N802
        if redline is None:
            raise QgsProcessingException(MISSING_MODULE.format(error=IMPORT_ERROR))
        feedback = feedback or QgsProcessingFeedback()
        call = self.build(parameters, context, feedback)
        feedback.pushCommandInfo("equivalent command line: " + call.command_line())
        result = call.run(feedback)
        return self.results(call, result, parameters, context, feedback)

    # ---- parameters shared by several algorithms

    def add_class_table(self, optional_none, label="Class table (names and groups of the raster codes)",
                        columns="code,name[,group]"):
        options = (["none"] if optional_none else []) + list(self.CLASS_TABLES)
        self.addParameter(QgsProcessingParameterEnum("CLASSES", label, options=options, defaultValue=0))
        self.addParameter(advanced(QgsProcessingParameterFile(
            "CLASSES_CSV", f"…or a class table CSV ({columns}); overrides the choice above",
            extension="csv", optional=True)))

    def class_table(self, parameters, context, optional_none):
        csv = self.parameterAsFile(parameters, "CLASSES_CSV", context)
        if csv:
            return csv
        options = (["none"] if optional_none else []) + list(self.CLASS_TABLES)
        choice = options[self.parameterAsEnum(parameters, "CLASSES", context)]
        return None if choice == "none" else choice

    def add_rules(self, label="Rule preset", file_label="…or a YAML rules file (replaces the preset)"):
        """The change rules of `change` (and of the change strata of `sample` / `estimate`)."""
        self.addParameter(QgsProcessingParameterEnum("PRESET", label, options=PRESET_LABELS, defaultValue=0))
        self.addParameter(QgsProcessingParameterFile("RULES", file_label, extension="yaml", optional=True))

    def rules(self, call, parameters, context):
        """--rules FILE, else --preset (omitted when it is the default, redline)."""
        rules = self.parameterAsFile(parameters, "RULES", context) or None
        if rules:
            call.set("rules", rules, "--rules")
        else:
            call.set("preset", PRESETS[self.parameterAsEnum(parameters, "PRESET", context)], "--preset",
                     default="redline")

    def add_map_strata(self, zone_id):
        """The population of `sample` and `estimate`: a map's classes, or the change categories of
        two dates (t0, t1 with the rules and the class table), within optional zones."""
        self.addParameter(QgsProcessingParameterRasterLayer(
            "MAP", "Land-cover map (integer class codes; its classes are the strata)", optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            "T0", "…or change strata: the land-cover map at the first date (t0)", optional=True))
        self.addParameter(QgsProcessingParameterRasterLayer(
            "T1", "…and at the second date (t1, same grid as t0)", optional=True))
        self.addParameter(advanced(QgsProcessingParameterBand(
            "BAND", "Band (of the map, or of t0 and t1; default 1)", defaultValue=1, parentLayerParameterName="MAP",
            optional=True)))
        self.add_rules("Change rules of the strata (with t0 and t1): preset",
                       "…or a YAML rules file (with t0 and t1; replaces the preset)")
        self.add_class_table(optional_none=False, label="Class table of the change rules (with t0 and t1)")
        self.addParameter(QgsProcessingParameterFeatureSource(
            "ZONES", "Zones: only the cells whose centre lies inside (their union)",
            [QgsProcessing.TypeVectorPolygon], optional=True))
        if zone_id:
            self.addParameter(QgsProcessingParameterField(
                "ID_FIELD", "Zone ID field naming the zone column (default: the feature id)",
                parentLayerParameterName="ZONES", optional=True))
        self.add_flag("REPROJECT", "Reproject the zones into the map's CRS instead of failing on a mismatch")
        self.add_flag("MAKE_VALID", "Repair invalid zone geometries (GEOS MakeValid) instead of failing")
        self.add_crs("ZONES_CRS", "CRS of a zones layer that declares none (never overrides a declared CRS)")
        self.add_encoding()

    def map_strata(self, call, parameters, context, feedback, zone_id, required=True):
        """Sets map= or t0=, t1= (with the rules) and the zones options of add_map_strata on ``call``.
        Exactly one of the map and the two dates, unless ``required`` is False (estimate's strata
        areas); returns whether either was given."""
        raster = self.raster_path(parameters, "MAP", context)
        t0, t1 = self.raster_path(parameters, "T0", context), self.raster_path(parameters, "T1", context)
        if bool(t0) != bool(t1):
            raise QgsProcessingException("Change strata need both dates: choose the map at t0 and the map at t1")
        if raster and t0:
            raise QgsProcessingException("Strata: choose either a land-cover map or the two dates t0 and t1, not both")
        if required and not (raster or t0):
            raise QgsProcessingException("Strata: choose a land-cover map, or the two dates t0 and t1")
        call.set("map", raster, "--map")
        call.set("t0", t0, "--t0")
        call.set("t1", t1, "--t1")
        if t0:
            self.rules(call, parameters, context)
            call.set("classes", self.class_table(parameters, context, optional_none=False), "--classes",
                     default="clcd")
        call.set("band", self.parameterAsInt(parameters, "BAND", context) or 1, "--band", default=1)
        call.set("zones", self.vector_path(parameters, "ZONES", context, feedback), "--zones")
        if zone_id:
            call.set("id", self.parameterAsString(parameters, "ID_FIELD", context) or None, "--id")
        self.set_layer_options(call, parameters, context, "zones_crs", densify=False)
        return bool(raster or t0)

    def add_threads(self):
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "THREADS", "Worker threads (0 = all cores; results do not depend on it)",
            QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0)))

    def threads(self, parameters, context):
        n = self.parameterAsInt(parameters, "THREADS", context)
        return n if n > 0 else None

    def add_encoding(self):
        self.addParameter(advanced(QgsProcessingParameterString(
            "ENCODING", "Shapefile attribute encoding, e.g. CP936 (GBK) or GB18030 (default: as declared, "
            "else UTF-8, else GB18030 with a warning)", optional=True)))

    def encoding(self, parameters, context):
        return self.parameterAsString(parameters, "ENCODING", context).strip() or None

    def add_flag(self, name, label, default=False):
        self.addParameter(advanced(QgsProcessingParameterBoolean(name, label, defaultValue=default)))

    def add_densify(self, label="Densify: longest edge kept straight when reprojecting or measuring "
                                "projected polygons [m]"):
        self.addParameter(advanced(QgsProcessingParameterNumber(
            "DENSIFY", label, QgsProcessingParameterNumber.Double, defaultValue=100.0, minValue=1e-6)))

    def add_crs(self, name, label):
        self.addParameter(advanced(QgsProcessingParameterCrs(name, label, optional=True)))

    def optional_number(self, parameters, name, context):
        """The value of an optional number parameter without a default, None when it is unset."""
        if parameters.get(name) in (None, ""):
            return None
        if self.parameterDefinition(name).dataType() == QgsProcessingParameterNumber.Integer:
            return self.parameterAsInt(parameters, name, context)
        return self.parameterAsDouble(parameters, name, context)

    def set_layer_options(self, call, parameters, context, crs_kw, densify=True):
        """Reproject, Make valid, the CRS of layers that declare none (``crs_kw``: layer_crs,
        zones_crs, ...; the parameter is its upper-case name), Densify and the encoding, as
        add_flag, add_crs, add_densify and add_encoding declare them."""
        call.set("reproject", self.parameterAsBool(parameters, "REPROJECT", context), "--reproject")
        call.set("make_valid", self.parameterAsBool(parameters, "MAKE_VALID", context), "--make-valid")
        call.set(crs_kw, self.crs(parameters, crs_kw.upper(), context), "--" + crs_kw.replace("_", "-"))
        if densify:
            call.set("densify", self.parameterAsDouble(parameters, "DENSIFY", context), "--densify", default=100.0)
        call.set("encoding", self.encoding(parameters, context), "--encoding")

    def crs(self, parameters, name, context):
        """An authority id (EPSG:4326) or WKT for the engine, or None."""
        if parameters.get(name) in (None, ""):
            return None
        crs = self.parameterAsCrs(parameters, name, context)
        if not crs.isValid():
            return None
        return crs.authid() or crs.toWkt()

    # ---- inputs

    def vector_path(self, parameters, name, context, feedback):
        """The engine's PATH[:LAYER] for a vector parameter (None when an optional one is unset):
        the layer's own file, or a temporary GeoPackage export (see the module's docstring)."""
        found = self.vector_layer(parameters, name, context)
        if found is None:
            return None
        layer, selected, limit = found
        return self.layer_path(layer, name, context, feedback, selected, limit)

    def vector_layer(self, parameters, name, context):
        """(layer, selected features only, feature limit) of a vector parameter, or None when unset."""
        value = parameters.get(name)
        if value is None or value == "":
            return None
        selected, limit = False, -1
        if isinstance(value, QgsProcessingFeatureSourceDefinition):  # "Selected features only" & co.
            selected, limit = value.selectedFeaturesOnly, value.featureLimit
            source = value.source.valueAsString(context.expressionContext(), "")
            source = source[0] if isinstance(source, tuple) else source
            layer = QgsProcessingUtils.mapLayerFromString(source, context, True, QgsProcessingUtils.LayerHint.Vector)
        else:
            layer = self.parameterAsVectorLayer(parameters, name, context)
        if layer is None:
            raise QgsProcessingException(f"{self.parameterDefinition(name).description()}: no vector layer "
                                         f"({value!r})")
        return layer, selected, limit

    def layer_path(self, layer, label, context, feedback, selected=False, limit=-1):
        """As vector_path, for a layer object (also an item of a multiple-layers parameter). An
        export is named after the QGIS layer, so outputs that name layers (conflicts) read well."""
        base = re.sub(r"\W+", "_", layer.name()).strip("_") or "layer"
        with _no_geometry_check(context):
            path, name = QgsProcessingUtils.convertToCompatibleFormatAndLayerName(
                layer, selected, base, VECTOR_FILE_FORMATS, "gpkg", context, feedback, limit)
        if not path:
            raise QgsProcessingException(f"{label}: layer '{layer.name()}' has no source the engine can read")
        return _engine_path(label, path, name, feedback)

    def raster_path(self, parameters, name, context):
        if parameters.get(name) in (None, ""):
            return None
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None:
            raise QgsProcessingException(f"{self.parameterDefinition(name).description()}: no raster layer "
                                         f"({parameters.get(name)!r})")
        if layer.providerType() != "gdal":
            raise QgsProcessingException(
                f"{layer.name()}: a '{layer.providerType()}' raster; redline reads rasters GDAL opens from "
                "files: save it as a GeoTIFF first (Raster > Conversion > Translate) and choose that file")
        return layer.source()

    def file_output(self, parameters, name, context):
        path = self.parameterAsFileOutput(parameters, name, context)
        if not path:
            return None
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        return path

    # ---- outputs

    def load_on_completion(self, context, path, name, output_name):
        """Loads a CSV as a table (types detected) and a GeoPackage as a layer when the run
        ends (the desktop does; processing.run does not). JSON outputs are not layers."""
        if not path or not os.path.exists(path):
            return
        lower = path.lower()
        if lower.endswith(".csv"):
            uri = QgsProcessingUtils.encodeProviderKeyAndUri(
                "delimitedtext", QUrl.fromLocalFile(os.path.abspath(path)).toString()
                + "?type=csv&detectTypes=yes&geomType=none")
        elif lower.endswith(".gpkg"):
            uri = path
        else:
            return
        details = QgsProcessingContext.LayerDetails(name, context.project(), output_name,
                                                    QgsProcessingUtils.LayerHint.Vector)
        context.addLayerToLoadOnCompletion(uri, details)


class _no_geometry_check:
    """Exports keep every feature as it is: the engine validates geometry itself (and fails with
    a message naming the feature, or repairs with Make valid), so nothing is dropped silently."""

    def __init__(self, context):
        self.context = context

    def __enter__(self):
        self.saved = self.context.invalidGeometryCheck()
        self.context.setInvalidGeometryCheck(QgsFeatureRequest.GeometryNoCheck)

    def __exit__(self, *exc):
        self.context.setInvalidGeometryCheck(self.saved)


def _engine_path(label, path, layer, feedback):
    if os.path.abspath(path).startswith(os.path.abspath(QgsProcessingUtils.tempFolder()) + os.sep):
        feedback.pushInfo(f"{label}: not a file the engine reads directly (memory, database or web layer, a "
                          f"filter or a selection): exported to {path}")
    return f"{path}:{layer}" if layer else path


def parse_list(text):
    """'a, b,c' -> ['a', 'b', 'c']; '' -> None."""
    items = [t.strip() for t in (text or "").split(",") if t.strip()]
    return items or None


def fixed(value, digits):
    """A number as the CLI prints it with {:.Nf}; None (JSON null: undefined) prints as nan."""
    return f"{float('nan') if value is None else value:.{digits}f}"
