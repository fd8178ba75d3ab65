"""Zips a QGIS plugin folder reproducibly: make_plugin_zip.py OUT.zip BASE FILE... (FILE relative to
BASE, e.g. redline_processing/metadata.txt). Entries in sorted order, fixed time stamp and mode,
deflated: the same sources give the same bytes. Written to OUT.zip.tmp and renamed."""
import os
import sys
import zipfile


def main(argv):
    out, base, files = argv[1], argv[2], sorted(argv[3:])
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
        for rel in files:
            info = zipfile.ZipInfo(rel.replace(os.sep, "/"), date_time=(2000, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(os.path.join(base, rel), "rb") as f:
                zf.writestr(info, f.read())
    os.replace(tmp, out)


if __name__ == "__main__":
    main(sys.argv)
