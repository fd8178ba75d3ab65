"""redline sample in the toolbox: a stratified random sample of a map's cells for accuracy assessment."""
from qgis.core import (QgsProcessingException, QgsProcessingOutputFile, QgsProcessingOutputNumber,
                       QgsProcessingParameterEnum, QgsProcessingParameterFileDestination,
                       QgsProcessingParameterNumber, QgsProcessingParameterString)

from .common import COMMON_NOTE, VECTOR_INPUT_NOTE, Call, RedlineAlgorithm, fixed

ALLOCATIONS = ["proportional", "equal", "neyman"]


def users_accuracies(text):
    """'1=0.9, 2=0.85' -> {1: 0.9, 2: 0.85}; '' -> None."""
    out = {}
    for item in (t.strip() for t in (text or "").split(",")):
        if not item:
            continue
        try:
            k, v = item.split("=")
            out[int(k)] = float(v)
        except ValueError:
            raise QgsProcessingException(f"Expected user's accuracy: '{item}' is not CLASS=ACCURACY "
                                         "(e.g. 1=0.9,2=0.85)") from None
    return out or None


class SampleAlgorithm(RedlineAlgorithm):
    COMMAND = "sample"
    DISPLAY = "Accuracy-assessment sample (精度评价抽样)"
    GROUP_ID = "accuracy"
    TAGS = ("sample", "accuracy", "stratified random sampling", "validation", "Olofsson", "抽样", "精度评价",
            "分层随机抽样", "样本")
    HELP = (
        "<p>A stratified random sample of a land-cover map's cells, for accuracy assessment and "
        "error-adjusted area estimation (Olofsson et al. 2014). The strata are the map's classes "
        "(within the <i>Zones</i> when given: cells whose centre lies inside their union), or, with "
        "the maps at two dates <i>t0</i> and <i>t1</i> instead of one map, the change categories: "
        "stratum k = the k-th change rule the transition breaks (as the change algorithm), 0 = stable. "
        "Stratum areas are exact ellipsoidal areas in <b>m² on the CGCS2000/GRS80 ellipsoid</b>.</p>"
        "<p><b>Sample size</b>: either <i>Sample size</i> N, or a <i>Target standard error</i> S of the "
        "overall accuracy, giving n = (Σ W<sub>h</sub> S<sub>h</sub> / S)², S<sub>h</sub> = "
        "√(U<sub>h</sub>(1 − U<sub>h</sub>)) with U<sub>h</sub> the user's accuracy you expect per class "
        "(<i>Expected user's accuracy</i>, e.g. <code>1=0.9,2=0.85</code>; the other classes: 0.8 or as "
        "set; also used by neyman allocation). "
        "<i>Allocation</i> to the strata: proportional (n<sub>h</sub> ∝ W<sub>h</sub>), equal, or neyman "
        "(∝ W<sub>h</sub> S<sub>h</sub>); <i>Minimum per stratum</i> raises rare classes (2 or more for "
        "the estimate; 50 is usual). The same <i>Seed</i> gives the same units whatever the threads.</p>"
        "<p><b>Output</b>: points at the cell centres in the map's CRS (GeoPackage, opens as a layer; or "
        "CSV) with <code>id, stratum, map_class, x, y, lon, lat, zone, reference</code> — "
        "<i>reference</i> is empty: the interpreters fill in each unit's true class (edit the layer), "
        "then <i>Error-adjusted areas and accuracy</i> estimates the areas. The design "
        "(strata areas, n<sub>h</sub>, seed, map digest) is written beside it as "
        "<code>OUTPUT.design.json</code>; keep it next to the sample, the estimate checks it.</p>"
        + VECTOR_INPUT_NOTE + COMMON_NOTE +
        "<p><b>Command line:</b> <code>redline sample --map lc_2020.tif --zones plan.gpkg:redline --size 600 "
        "--min-per-stratum 50 --seed 7 --output sample.gpkg</code> (the command line's --densify is not "
        "offered here: the Python module does not take it; reprojected zones use its default, 100 m).</p>")

    def initAlgorithm(self, config=None):  # noqa: N802 (QGIS's name)
        self.add_map_strata(zone_id=True)
        self.addParameter(QgsProcessingParameterNumber(
            "SIZE", "Sample size [units] (or a target standard error below)", QgsProcessingParameterNumber.Integer,
            minValue=1, optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "TARGET_SE", "…or target standard error of the overall accuracy [fraction, e.g. 0.01]",
            QgsProcessingParameterNumber.Double, minValue=0.0, maxValue=1.0, optional=True))
        self.addParameter(QgsProcessingParameterString(
            "EXPECTED_USERS_ACCURACY", "Expected user's accuracy per class, CLASS=U,… (e.g. 1=0.9,2=0.85)",
            optional=True))
        self.addParameter(QgsProcessingParameterNumber(
            "DEFAULT_USERS_ACCURACY", "Expected user's accuracy of the other classes [fraction]",
            QgsProcessingParameterNumber.Double, defaultValue=0.8, minValue=0.0, maxValue=1.0))
        self.addParameter(QgsProcessingParameterEnum(
            "ALLOCATION", "Allocation to the strata", options=[
                "proportional: n_h ∝ stratum area", "equal: n / strata", "neyman: n_h ∝ area × S_h"],
            defaultValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "MIN_PER_STRATUM", "Minimum per stratum [units] (or all its cells)", QgsProcessingParameterNumber.Integer,
            defaultValue=0, minValue=0))
        self.addParameter(QgsProcessingParameterNumber(
            "SEED", "Seed of the random draw", QgsProcessingParameterNumber.Integer, defaultValue=0, minValue=0))
        self.add_threads()
        self.addParameter(QgsProcessingParameterFileDestination(
            "OUTPUT", "Sample points", fileFilter="GeoPackage (*.gpkg);;CSV files (*.csv)"))
        self.addOutput(QgsProcessingOutputFile("DESIGN", "Sample design (JSON, beside the sample)"))
        self.addOutput(QgsProcessingOutputNumber("UNITS", "Number of units drawn"))

    def build(self, parameters, context, feedback):
        size = self.optional_number(parameters, "SIZE", context)
        target_se = self.optional_number(parameters, "TARGET_SE", context)
        if (size is None) == (target_se is None):
            raise QgsProcessingException("Sample size: give either the number of units or a target standard error "
                                         "(exactly one)")
        c = Call("sample", "sample")
        self.map_strata(c, parameters, context, feedback, zone_id=True)
        c.set("size", size, "--size")
        c.set("target_se", target_se, "--target-se")
        c.set("expected_users_accuracy",
              users_accuracies(self.parameterAsString(parameters, "EXPECTED_USERS_ACCURACY", context)),
              "--expected-users-accuracy")
        c.set("default_users_accuracy", self.parameterAsDouble(parameters, "DEFAULT_USERS_ACCURACY", context),
              "--default-users-accuracy", default=0.8)
        c.set("allocation", ALLOCATIONS[self.parameterAsEnum(parameters, "ALLOCATION", context)], "--allocation",
              default="proportional")
        c.set("min_per_stratum", self.parameterAsInt(parameters, "MIN_PER_STRATUM", context), "--min-per-stratum",
              default=0)
        c.set("seed", self.parameterAsInt(parameters, "SEED", context), "--seed", default=0)
        c.set("threads", self.threads(parameters, context), "--threads")
        c.set("output", self.file_output(parameters, "OUTPUT", context), "--output")
        return c

    def results(self, call, result, parameters, context, feedback):
        d = result.attrs.get("design") or {}
        names = d.get("stratum_names") or {}
        lines = [f"n = {d.get('n')}, {d.get('allocation')} allocation, seed {d.get('seed')}",
                 "  stratum          area_m2   weight      U_h   n_h"]
        for s in d.get("strata", []):
            note = "  (minimum)" if s.get("at_minimum") else ("  (all cells)" if s.get("at_cap") else "")
            name = names.get(str(s["stratum"]))
            lines.append(f"  {s['stratum']:>7} {s['area_m2']:>16.1f} {s['weight']:>8.5f} {s['users_accuracy']:>8.3f} "
                         f"{s['n']:>5}{note}{'  ' + name if name else ''}")
        lines.append(f"  anticipated SE of overall accuracy: {fixed(d.get('anticipated_overall_se'), 4)}")
        feedback.pushInfo("\n".join(lines))
        out = call.kwargs["output"]
        self.load_on_completion(context, out, "redline sample", "OUTPUT")
        return {"OUTPUT": out, "DESIGN": out + ".design.json", "UNITS": len(result)}
