#!/usr/bin/python3
"""Checks the house rules of the layout (README.md): GDAL/OGR headers only in engine io/, GEOS only in
geom/, PROJ only in geodesy/; public headers of core/coverage/exec/ops include none of them."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
rules = [
    (re.compile(r'#\s*include\s*[<"](gdal|ogr|cpl_|ogrsf_)'), "io", "GDAL"),
    (re.compile(r'#\s*include\s*[<"]geos'), "geom", "GEOS"),
    (re.compile(r'#\s*include\s*[<"](proj\.h|proj/|geodesic\.h)'), "geodesy", "PROJ"),
]
bad = []
for path in sorted((root / "engine").rglob("*.[hc]pp")):
    rel = path.relative_to(root / "engine")
    part = rel.parts[2] if rel.parts[0] == "include" else rel.parts[1]
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for rx, allowed, lib in rules:
            if rx.search(line) and part != allowed:
                bad.append(f"engine/{rel}:{n}: {lib} header outside {allowed}/: {line.strip()}")
            if rx.search(line) and rel.parts[0] == "include":
                bad.append(f"engine/{rel}:{n}: public header includes {lib}: {line.strip()}")
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("layering ok")
