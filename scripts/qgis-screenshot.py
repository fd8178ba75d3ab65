#!/usr/bin/python3
"""Screenshot of the QGIS Processing dialog of redline's zonal algorithm (the README's "QGIS").

    QT_QPA_PLATFORM=offscreen PYTHONPATH=build/bindings /usr/bin/python3 scripts/qgis-screenshot.py \
        [--output docs/images/qgis-zonal-dialog.png] [--algorithm zonal]

Runs QGIS's widgets without a display (Qt's offscreen platform; `xvfb-run -a` works too), loads
the demo raster and redline layer into a project, opens the algorithm's dialog from the plugin
in bindings/qgis with a few parameters filled in, and saves the dialog as a PNG. Needs Debian's
qgis and python3-qgis, and the redline module on PYTHONPATH (otherwise the dialog shows the
"module cannot be imported" note)."""
import argparse
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--output", default=str(ROOT / "docs" / "images" / "qgis-zonal-dialog.png"))
    ap.add_argument("--algorithm", default="zonal")
    ap.add_argument("--size", default="1040x860", help="dialog size in pixels, WIDTHxHEIGHT")
    args = ap.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    from qgis.core import QgsApplication, QgsProject, QgsRasterLayer, QgsVectorLayer
    app = QgsApplication([], True)
    app.initQgis()
    sys.path.append("/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    Processing.initialize()
    sys.path.insert(0, str(ROOT / "bindings" / "qgis"))
    import redline_processing
    plugin = redline_processing.classFactory(None)
    plugin.initProcessing()

    demo = ROOT / "testdata" / "demo"
    project = QgsProject.instance()
    project.addMapLayer(QgsRasterLayer(str(demo / "lc_2020.tif"), "lc_2020"))
    project.addMapLayer(QgsVectorLayer(f"{demo / 'plan.gpkg'}|layername=redline", "redline", "ogr"))

    from processing.gui.AlgorithmDialog import AlgorithmDialog
    alg = QgsApplication.processingRegistry().createAlgorithmById(f"redline:{args.algorithm}")
    if alg is None:
        sys.exit(f"no algorithm redline:{args.algorithm}")
    dialog = AlgorithmDialog(alg)
    if args.algorithm == "zonal":
        dialog.mainWidget().setParameters({"ID_FIELD": "code", "CLASSES": 1, "OUTPUT": "redline_lc_2020.csv"})
    w, h = (int(v) for v in args.size.split("x"))
    dialog.show()
    for _ in range(20):
        app.processEvents()
    dialog.resize(w, h)  # after show(): the dialog restores its last geometry when shown
    for _ in range(30):
        app.processEvents()
    out = pathlib.Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    if not dialog.grab().save(str(out)):
        sys.exit(f"cannot write {out}")
    print(out)
    plugin.unload()
    app.exitQgis()


if __name__ == "__main__":
    main()
