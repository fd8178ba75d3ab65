"""redline estimate in the toolbox: error-adjusted class areas and map accuracy from a labelled sample."""
import os

from qgis.core import (QgsProcessing, QgsProcessingException, QgsProcessingOutputNumber, QgsProcessingParameterBoolean,
                       QgsProcessingParameterFeatureSource, QgsProcessingParameterField, QgsProcessingParameterFile,
                       QgsProcessingParameterFileDestination, QgsProcessingParameterNumber, QgsProviderRegistry)

from .common import (COMMON_NOTE, OUTPUT_TABLE_FILTER, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm, advanced,
                     fixed)


class EstimateAlgorithm(RedlineAlgorithm):
    COMMAND = "estimate"
    DISPLAY = "Error-adjusted areas and accuracy (面积误差校正与精度评价)"
    GROUP_ID = "accuracy"
    TAGS = ("estimate", "accuracy", "error matrix", "confusion matrix", "area estimation", "confidence interval",
            "Olofsson", "Stehman", "精度评价", "混淆矩阵", "面积估计", "置信区间")
    HELP = (
        "<p>Error-adjusted class areas and map accuracy with confidence intervals, from a stratified "
        "random sample whose units were labelled with their true (reference) class — e.g. the points "
        "of <i>Accuracy-assessment sample</i> after the interpreters filled in <i>reference</i>. A map's "
        "pixel-counted areas are biased by its errors; each stratum is weighted by its exact mapped "
        "area in <b>m² on the CGCS2000/GRS80 ellipsoid</b>, recomputed from the <i>Map</i> (and the "
        "<i>Zones</i> the sample was drawn in), or from <i>t0</i> and <i>t1</i> for change strata, or "
        "given as a <i>Stratum areas</i> CSV (<code>stratum,area_m2</code>). Strata = map classes: the "
        "estimators of Olofsson et al. 2014; other strata: Stehman 2014.</p>"
        "<p><b>Design check</b>: the sample's design file (<code>SAMPLE.design.json</code>, written beside "
        "it by the sample algorithm) is checked against the map: another map, other zones or other "
        "strata areas are refused. For a sample layer that is exported first (a CSV opened as "
        "delimited text, a filtered layer) the design beside its source file is used; or choose one.</p>"
        "<p><b>Output</b> (one row per class, ascending): <code>class, map_area_m2, area_m2, "
        "area_ci95_m2, users_accuracy, users_accuracy_ci95, producers_accuracy, "
        "producers_accuracy_ci95</code>; map_area_m2 is the pixel-counted area, area_m2 the estimate, "
        "the _ci95 columns half-widths at the <i>Confidence level</i>; empty = undefined. The JSON "
        "output adds the overall accuracy, standard errors, the error matrix, n per stratum and the "
        "design check; the overall accuracy and its half-width are also outputs.</p>"
        "<p><b>Bad input</b> (the run fails, nothing written): a stratum with fewer than 2 labelled units "
        "(unless <i>Allow small strata</i>), empty reference values (unless <i>Drop unlabelled</i>), "
        "reference classes that are not map classes (unless <i>Allow unmapped reference</i>), a design "
        "that does not match.</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline estimate --map lc_2020.tif --zones plan.gpkg:redline --sample "
        "sample.gpkg --reference-field reference --output estimate.csv --json estimate.json</code> (the command "
        "line's --densify is not offered here: the Python module does not take it; reprojected zones use "
        "its default, 100 m).</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.addParameter(QgsProcessingParameterFeatureSource(
            "SAMPLE", "Labelled sample (points or a table, e.g. from the sample algorithm)",
            [QgsProcessing.TypeVector]))
        # Optional with a default: QGIS 3.22 refuses a mandatory field left unset even with a default.
        self.addParameter(QgsProcessingParameterField(
            "STRATUM_FIELD", "Stratum field (default stratum)", defaultValue="stratum",
            parentLayerParameterName="SAMPLE", optional=True))
        self.addParameter(QgsProcessingParameterField(
            "REFERENCE_FIELD", "Reference class field: the interpreters' labels (default reference)",
            defaultValue="reference", parentLayerParameterName="SAMPLE", optional=True))
        self.add_map_strata(zone_id=False)
        self.addParameter(QgsProcessingParameterFile(
            "STRATA_AREAS", "…or stratum areas instead of a map: CSV stratum,area_m2 [m²]", extension="csv",
            optional=True))
        self.addParameter(advanced(QgsProcessingParameterFile(
            "DESIGN", "Design file to check against (default: SAMPLE.design.json beside the sample)",
            extension="json", optional=True)))
        self.addParameter(QgsProcessingParameterNumber(
            "CONFIDENCE", "Confidence level of the intervals [fraction, in (0, 1)]",
            QgsProcessingParameterNumber.Double, defaultValue=0.95, minValue=0.0, maxValue=1.0))
        self.addParameter(QgsProcessingParameterBoolean(
            "ALLOW_SMALL", "Allow small strata (one labelled unit: estimates without its intervals)",
            defaultValue=False))
        self.addParameter(QgsProcessingParameterBoolean(
            "DROP_UNLABELLED", "Drop unlabelled units (empty reference) instead of failing", defaultValue=False))
        self.addParameter(QgsProcessingParameterBoolean(
            "ALLOW_UNMAPPED_REFERENCE", "Allow reference classes that are not map classes (area only)",
            defaultValue=False))
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Areas and accuracy per class", fileFilter=OUTPUT_TABLE_FILTER))
        self.addParameter(QgsProcessingParameterFileDestination(
            "JSON", "Full results (JSON: overall accuracy, error matrix, design check)",
            fileFilter="JSON files (*.json)", optional=True, createByDefault=False))
        self.addOutput(QgsProcessingOutputNumber("OVERALL_ACCURACY", "Overall accuracy [fraction]"))
        self.addOutput(QgsProcessingOutputNumber("OVERALL_ACCURACY_CI95", "Overall accuracy half-width [fraction]"))

    def build(self, parameters, context, feedback):
        c = Call("estimate", "estimate")
        strata_areas = self.parameterAsFile(parameters, "STRATA_AREAS", context) or None
        sample = self.vector_path(parameters, "SAMPLE", context, feedback)
        c.set("sample", sample, "--sample")
        c.set("stratum_field", self.parameterAsString(parameters, "STRATUM_FIELD", context) or "stratum",
              "--stratum-field", default="stratum")
        c.set("reference_field", self.parameterAsString(parameters, "REFERENCE_FIELD", context) or "reference",
              "--reference-field", default="reference")
        if self.map_strata(c, parameters, context, feedback, zone_id=False, required=not strata_areas) and strata_areas:
            raise QgsProcessingException("Strata: choose either a land-cover map (or t0 and t1) or a stratum areas "
                                         "CSV, not both")
        c.set("strata_areas", strata_areas, "--strata-areas")
        design = self.parameterAsFile(parameters, "DESIGN", context) or self.design_beside_source(
            parameters, sample, context, feedback)
        c.set("design", design, "--design")
        c.set("confidence", self.parameterAsDouble(parameters, "CONFIDENCE", context), "--confidence", default=0.95)
        c.set("allow_small", self.parameterAsBool(parameters, "ALLOW_SMALL", context), "--allow-small")
        c.set("drop_unlabelled", self.parameterAsBool(parameters, "DROP_UNLABELLED", context), "--drop-unlabelled")
        c.set("allow_unmapped_reference", self.parameterAsBool(parameters, "ALLOW_UNMAPPED_REFERENCE", context),
              "--allow-unmapped-reference")
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        c.set("json_output", self.file_output(parameters, "JSON", context), "--json")
        return c

    def design_beside_source(self, parameters, sample, context, feedback):
        """The design beside the sample layer's own file when the engine reads an export of it (a CSV
        opened as delimited text, a filtered layer): the engine looks for it beside what it reads."""
        layer = self.vector_layer(parameters, "SAMPLE", context)[0]
        source = QgsProviderRegistry.instance().decodeUri(layer.providerType(), layer.source()).get("path") or ""
        design = source + ".design.json"
        if not source or sample.startswith(source) or not os.path.isfile(design):
            return None  # read from its own file (the engine finds the design beside it), or no design
        feedback.pushInfo(f"sample design: {design} (beside the sample layer's file)")
        return design

    def results(self, call, result, parameters, context, feedback):
        _, res = result
        n = sum(s.get("n", 0) for s in res.get("strata", []))
        checked = (res.get("design_check") or {}).get("checked")
        feedback.pushInfo(
            f"{n} labelled units in {len(res.get('strata', []))} strata, estimator {res.get('estimator')}: overall "
            f"accuracy {fixed(res.get('overall_accuracy'), 4)} +- {fixed(res.get('overall_accuracy_ci95'), 4)} "
            f"({100 * res.get('confidence', 0):g} % confidence)"
            + ("; design checked" if checked else "; no design file to check against"))
        out = {"OUTPUT": call.kwargs["output"], "JSON": call.kwargs.get("json_output"),
               "OVERALL_ACCURACY": res.get("overall_accuracy"),
               "OVERALL_ACCURACY_CI95": res.get("overall_accuracy_ci95")}
        self.load_on_completion(context, out["OUTPUT"], "redline estimate", "OUTPUT")
        return out

