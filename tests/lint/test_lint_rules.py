"""The lint checks can fail: each rule of check_layering.py and check_format.py is shown a tiny
tree that breaks it (and one that keeps it)."""
import pathlib
import shutil
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parents[1]


def tree(tmp, files):
    for rel, text in files.items():
        p = tmp / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    shutil.copy(REPO / ".clang-format", tmp / ".clang-format")
    return tmp


def layering(tmp):
    return subprocess.run([sys.executable, str(HERE / "check_layering.py"), str(tmp)], capture_output=True, text=True)


def test_clean_tree_passes(tmp_path):
    r = layering(tree(tmp_path, {"engine/src/ops/zonal/a.cpp": '#include "redline/coverage/x.hpp"\n'
                                 '#include "redline/ops/provenance.hpp"\n#include "redline/ops/zonal/b.hpp"\n',
                                 "engine/src/io/r.cpp": "#include <gdal.h>\n"}))
    assert r.returncode == 0, r.stdout


def test_each_rule_fails(tmp_path):
    r = layering(tree(tmp_path, {
        "engine/src/geodesy/a.cpp": "#include <gdal.h>\n",                       # library outside its room
        "engine/include/redline/io/b.hpp": "#include <gdal.h>\n",                # public header with GDAL
        "engine/src/exec/c.cpp": '#include "redline/coverage/zone_set.hpp"\n',   # a higher floor
        "engine/src/geom/d.cpp": '#include "redline/geodesy/ellipsoid.hpp"\n',   # a sibling
        "engine/src/ops/change/e.cpp": '#include "redline/ops/zonal/zonal.hpp"\n',  # another room
        "engine/src/widgets/f.cpp": "",                                          # not on the plan
    }))
    assert r.returncode == 1
    out = r.stdout
    assert "engine/src/geodesy/a.cpp:1: GDAL header outside io/" in out
    assert "engine/include/redline/io/b.hpp:1: public header includes GDAL" in out
    assert "engine/src/exec/c.cpp:1: exec/ includes a higher floor (coverage/)" in out
    assert "engine/src/geom/d.cpp:1: geom/ includes a sibling on its floor (geodesy/)" in out
    assert "engine/src/ops/change/e.cpp:1: ops/change/ includes another room (ops/zonal/)" in out
    assert "part 'widgets/' is not on the floor plan" in out


def test_house_map_must_name_every_part_and_room(tmp_path):
    files = {"engine/src/ops/zonal/a.cpp": "", "engine/src/ops/survey/b.cpp": "", "engine/src/core/c.cpp": "",
             "docs/architecture.md": "| `core/` | ... |\n| `ops/zonal/` | ... |\n"}
    r = layering(tree(tmp_path, files))
    assert r.returncode == 1
    assert "docs/architecture.md does not describe the part `ops/`" in r.stdout
    assert "docs/architecture.md does not describe the room `ops/survey/`" in r.stdout
    assert "`core/`" not in r.stdout and "`ops/zonal/`" not in r.stdout


def test_format_check_fails_on_drift(tmp_path):
    t = tree(tmp_path, {"engine/src/core/a.cpp": "int  f( int x ){return x;}\n", "cli/b.cpp": "int g();\n"})
    for d in ("bindings", "benchmarks", "tests"):
        (t / d).mkdir()
    r = subprocess.run([sys.executable, str(HERE / "check_format.py"), str(t)], capture_output=True, text=True)
    assert r.returncode == 1 and "engine/src/core/a.cpp:1: not formatted" in r.stdout, r.stdout
    assert "cli/b.cpp" not in r.stdout


def option_names(tmp):
    return subprocess.run([sys.executable, str(HERE / "check_option_names.py"), str(tmp)], capture_output=True,
                          text=True)


def test_a_cli_flag_in_an_engine_message_fails(tmp_path):
    t = tree(tmp_path, {"engine/src/ops/a.cpp": 'fail(k, "pass --densify to change it");  // --ok in a comment\n',
                        "engine/include/redline/b.hpp": "// pass --make-valid\n"})
    r = option_names(t)
    assert r.returncode == 1 and "engine/src/ops/a.cpp:1: CLI flag --densify" in r.stdout, r.stdout
    assert "--ok" not in r.stdout and "b.hpp" not in r.stdout


def test_an_option_marker_passes(tmp_path):
    t = tree(tmp_path, {"engine/src/ops/a.cpp": 'fail(k, "pass " REDLINE_OPTION("densify") " to change it");\n'
                        'auto s = "a-b --- c";\n'})
    r = option_names(t)
    assert r.returncode == 0, r.stdout
