"""redline for QGIS: a Processing provider whose algorithms run the redline engine in-process.

QGIS calls classFactory() when it loads the plugin (the desktop and qgis_process alike)."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    from .plugin import RedlineProcessingPlugin
    return RedlineProcessingPlugin(iface)
