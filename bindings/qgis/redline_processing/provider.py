"""The "redline" provider of the Processing toolbox: one algorithm per redline command."""
import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from . import common
from .alg_area import AreaAlgorithm
from .alg_change import ChangeAlgorithm
from .alg_conflicts import ConflictsAlgorithm
from .alg_estimate import EstimateAlgorithm
from .alg_report import ReportAlgorithm
from .alg_sample import SampleAlgorithm
from .alg_shoreline import ShorelineAlgorithm
from .alg_tabulate import TabulateAlgorithm
from .alg_validate import ValidateAlgorithm
from .alg_zonal import ZonalAlgorithm

ALGORITHMS = (ZonalAlgorithm, ChangeAlgorithm, AreaAlgorithm, ConflictsAlgorithm, ValidateAlgorithm,
              ShorelineAlgorithm, TabulateAlgorithm, SampleAlgorithm, EstimateAlgorithm, ReportAlgorithm)


class RedlineProvider(QgsProcessingProvider):
    def id(self):
        return "redline"

    def name(self):
        return "redline"

    def longName(self):  # noqa: N802 (QGIS's name)
        engine = common.engine_version()
        return f"redline ({engine})" if engine else "redline (the redline Python module is not installed)"

    def icon(self):
        return QIcon(os.path.join(os.path.dirname(__file__), "icon.svg"))

    def svgIconPath(self):  # noqa: N802
        return os.path.join(os.path.dirname(__file__), "icon.svg")

    def loadAlgorithms(self):  # noqa: N802
        for cls in ALGORITHMS:
            self.addAlgorithm(cls())
