#!/usr/bin/python3
"""Checks the house rules of the engine (docs/architecture.md):

1. Libraries stay in their room: GDAL/OGR headers only in io/, GEOS only in geom/, PROJ only in
   geodesy/; no public header includes any of them.
2. Floors are one-way: a part includes only its own part and lower floors, never a higher floor
   or a sibling on its own floor:
       core < exec < {io, geodesy, geom} < coverage < layers < {ops, synth} < report
3. Rooms of ops/ are independent: ops/<room> includes only its own room and the files at the
   root of ops/ (shared by every operation, e.g. provenance), never another room.
4. The map matches the house: when docs/architecture.md exists, it names every part of the
   engine as `<part>/` and every room of ops/ as `ops/<room>/`.

Run with the repository root as argument; prints every violation with file and line."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
LIBRARIES = [
    (re.compile(r'#\s*include\s*[<"](gdal|ogr|cpl_|ogrsf_)'), "io", "GDAL"),
    (re.compile(r'#\s*include\s*[<"]geos'), "geom", "GEOS"),
    (re.compile(r'#\s*include\s*[<"](proj\.h|proj/|geodesic\.h)'), "geodesy", "PROJ"),
]
FLOORS = {"core": 0, "exec": 1, "io": 2, "geodesy": 2, "geom": 2, "coverage": 3, "layers": 4,
          "ops": 5, "synth": 5, "report": 6}
OWN = re.compile(r'#\s*include\s*"redline/([a-z_]+)/([^"]+)"')


def part_and_room(rel):
    """('ops', 'zonal') for engine/src/ops/zonal/x.cpp; ('ops', '') for a file at ops/'s root."""
    parts = rel.parts[2:] if rel.parts[0] == "include" else rel.parts[1:]
    room = parts[1] if len(parts) > 2 else ""
    return parts[0], room


bad = []
for path in sorted((root / "engine").rglob("*.[hc]pp")):
    rel = path.relative_to(root / "engine")
    part, room = part_and_room(rel)
    if part not in FLOORS:
        bad.append(f"engine/{rel}: part '{part}/' is not on the floor plan (tests/lint/check_layering.py)")
        continue
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for rx, allowed, lib in LIBRARIES:
            if rx.search(line) and part != allowed:
                bad.append(f"engine/{rel}:{n}: {lib} header outside {allowed}/: {line.strip()}")
            if rx.search(line) and rel.parts[0] == "include":
                bad.append(f"engine/{rel}:{n}: public header includes {lib}: {line.strip()}")
        m = OWN.search(line)
        if not m:
            continue
        other, rest = m.group(1), m.group(2)
        if other not in FLOORS:
            bad.append(f"engine/{rel}:{n}: includes unknown part '{other}/': {line.strip()}")
        elif other != part and FLOORS[other] >= FLOORS[part]:
            kind = "a sibling on its floor" if FLOORS[other] == FLOORS[part] else "a higher floor"
            bad.append(f"engine/{rel}:{n}: {part}/ includes {kind} ({other}/): {line.strip()}")
        elif other == part == "ops":
            other_room = rest.split("/")[0] if "/" in rest else ""
            if other_room and room and other_room != room:
                bad.append(f"engine/{rel}:{n}: ops/{room}/ includes another room (ops/{other_room}/): "
                           f"{line.strip()}")
            if other_room and not room:
                bad.append(f"engine/{rel}:{n}: a file at ops/'s root includes a room (ops/{other_room}/): "
                           f"{line.strip()}")
house_map = root / "docs" / "architecture.md"
if house_map.exists():
    text = house_map.read_text(encoding="utf-8")
    src = root / "engine" / "src"
    for d in sorted(p for p in src.iterdir() if p.is_dir()) if src.is_dir() else []:
        if f"`{d.name}/`" not in text:
            bad.append(f"docs/architecture.md does not describe the part `{d.name}/`")
    ops = src / "ops"
    for d in sorted(p for p in ops.iterdir() if p.is_dir()) if ops.is_dir() else []:
        if f"`ops/{d.name}/`" not in text:
            bad.append(f"docs/architecture.md does not describe the room `ops/{d.name}/`")
if bad:
    print("\n".join(bad))
    sys.exit(1)
print("layering ok")
