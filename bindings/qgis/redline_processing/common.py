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

from qgis.core import (QgsFeatureRequest, QgsProcessingAlgorithm, QgsProcessingContext, QgsProcessingException,
                       QgsProcessingFeatureSourceDefinition, QgsProcessingFeedback, QgsProcessingParameterBoolean,
                       QgsProcessingParameterCrs, QgsProcessingParameterDefinition, QgsProcessingParameterEnum,
                       QgsProcessingParameterFile, QgsProcessingParameterNumber, QgsProcessingParameterString,
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
OUTPUT_TABLE_FILTER = "CSV files (*.csv);;JSON files (*.json);;GeoPackage (*.gpkg)"

GROUPS = {
    "landcover": "Land cover (土地覆盖)",
    "planning": "Planning layers (规划图层)",
    "indicators": "Indicators (指标)",
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
    line unless the value is the default (None, False, or equal to ``default``)."""

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

    def add_class_table(self, optional_none):
        options = (["none"] if optional_none else []) + CLASS_TABLES
        self.addParameter(QgsProcessingParameterEnum(
            "CLASSES", "Class table (names and groups of the raster codes)", options=options, defaultValue=0))
        self.addParameter(advanced(QgsProcessingParameterFile(
            "CLASSES_CSV", "…or a class table CSV (code,name[,group]); overrides the choice above",
            extension="csv", optional=True)))

    def class_table(self, parameters, context, optional_none):
        csv = self.parameterAsFile(parameters, "CLASSES_CSV", context)
        if csv:
            return csv
        options = (["none"] if optional_none else []) + CLASS_TABLES
        choice = options[self.parameterAsEnum(parameters, "CLASSES", context)]
        return None if choice == "none" else choice

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
        return self.layer_path(layer, name, context, feedback, selected, limit)

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

