"""The plugin object QGIS holds: registers the provider with the Processing registry.

initProcessing() is what qgis_process calls (metadata.txt says hasProcessingProvider=yes); the
desktop calls initGui(), which does the same. Nothing is added to menus: the algorithms live in
the Processing toolbox under "redline"."""
from qgis.core import QgsApplication

from .provider import RedlineProvider


class RedlineProcessingPlugin:
    def __init__(self, iface=None):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        if self.provider is None:
            self.provider = RedlineProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
