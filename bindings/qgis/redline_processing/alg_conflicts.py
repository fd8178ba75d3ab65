"""redline conflicts in the toolbox: overlaps between planning layers (三区三线)."""
from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputNumber,
                       QgsProcessingParameterBoolean, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterMultipleLayers, QgsProcessingParameterNumber,
                       QgsProcessingParameterString)

from .common import (COMMON_NOTE, OUTPUT_TABLE_FILTER, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm,
                     parse_list)


class ConflictsAlgorithm(RedlineAlgorithm):
    COMMAND = "conflicts"
    DISPLAY = "Planning-layer conflicts (三区三线冲突检查)"
    GROUP_ID = "planning"
    TAGS = ("conflicts", "overlap", "three control lines", "三区三线", "冲突", "重叠")
    HELP = (
        "<p>Every overlap between a feature of one layer and a feature of another — e.g. the "
        "ecological redline (生态保护红线), permanent basic farmland (永久基本农田) and the urban "
        "development boundary (城镇开发边界) — with its area in <b>m² on the CGCS2000/GRS80 "
        "ellipsoid</b>. Touching boundaries are not conflicts; overlaps smaller than <i>Minimum "
        "overlap area</i> are slivers, counted in the log's summary but not listed.</p>"
        "<p><b>Output</b>: <code>layer_a, id_a, layer_b, id_b, area_m2</code>, layer pairs in the order "
        "of the layers ((1,2), (1,3), (2,3)); a GeoPackage output holds the overlap polygons and opens "
        "as a layer. Intersections are computed in the first layer's CRS (others must match, or "
        "tick <i>Reproject</i>). The layer name in the table is the file's layer name (for an exported "
        "layer, its name in QGIS).</p>"
        "<p><b>Key fields</b>: one field name for every layer (e.g. <code>code</code>), or one per layer "
        "in the layers' order, comma-separated (empty: the feature id).</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline conflicts --layer plan.gpkg:redline --layer "
        "plan.gpkg:cropland --layer plan.gpkg:urban --id code --output conflicts.gpkg</code></p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterMultipleLayers(
            "LAYERS", "Planning layers (two or more, in order; one with 'Self')", QgsProcessing.TypeVectorPolygon))
        self.addParameter(QgsProcessingParameterString(
            "ID_FIELDS", "Key field(s): one for every layer, or one per layer comma-separated (default: feature id)",
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "MIN_AREA", "Minimum overlap area [m²] (smaller overlaps are slivers)",
            QgsProcessingParameterNumber.Double, defaultValue=1.0, minValue=0.0))
        self.addParameter(QgsProcessingParameterBoolean(
            "SELF", "Self: also overlaps between features of the same layer", defaultValue=False))
        self.add_flag("REPROJECT", "Reproject layers into the first layer's CRS instead of failing on a mismatch")
        self.add_flag("MAKE_VALID", "Repair invalid geometries (GEOS MakeValid) instead of failing")
        self.add_crs("LAYER_CRS", "CRS of layers that declare none (never overrides a declared CRS)")
        self.add_densify()
        self.add_encoding()
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Conflicts", fileFilter=OUTPUT_TABLE_FILTER))
        self.addOutput(QgsProcessingOutputNumber("CONFLICTS", "Number of conflicts listed"))
        self.addOutput(QgsProcessingOutputNumber("CONFLICT_AREA_M2", "Total conflict area [m²]"))

    def layer_paths(self, parameters, context, feedback):
        """The engine paths of the LAYERS list, in order (each layer's file, or an export)."""
        layers = self.parameterAsLayerList(parameters, "LAYERS", context)
        return [self.layer_path(layer, f"LAYERS[{i}] ({layer.name()})", context, feedback)
                for i, layer in enumerate(layers)]

    def build(self, parameters, context, feedback):
        paths = self.layer_paths(parameters, context, feedback)
        self_pairs = self.parameterAsBool(parameters, "SELF", context)
        if len(paths) < 2 and not (self_pairs and len(paths) == 1):
            raise QgsProcessingException("Planning layers: choose at least two layers (or one with 'Self')")
        ids = parse_list(self.parameterAsString(parameters, "ID_FIELDS", context))
        c = Call("conflicts", "conflicts")
        c.kwargs["layers"] = paths
        for p in paths:
            c.cli += ["--layer", p]
        c.kwargs["id"] = ids
        for i in ids or []:
            c.cli += ["--id", i]
        c.set("min_area", self.parameterAsDouble(parameters, "MIN_AREA", context), "--min-area", default=1.0)
        c.set("self", self_pairs, "--self")
        self.set_layer_options(c, parameters, context, "layer_crs")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        for s in result.attrs.get("summary") or []:
            feedback.pushInfo(
                f"{s['layer_a']} x {s['layer_b']}: {s['conflicts']} conflict(s), {s['area_m2']:.2f} m2; "
                f"{s['slivers']} sliver(s) under {s['min_area_m2']:g} m2, {s['sliver_area_m2']:.2f} m2")
        out = call.kwargs["output"]
        self.load_on_completion(context, out, "redline conflicts", "OUTPUT")
        return {"OUTPUT": out, "CONFLICTS": len(result),
                "CONFLICT_AREA_M2": float(result["area_m2"].sum()) if len(result) else 0.0}
