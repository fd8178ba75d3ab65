"""The Chinese guide (docs/zh-CN/) runs as written: every ```sh block, in file order (README.md,
then tasks.md), in a scratch folder holding the repository's testdata/, with the built `redline`
first on PATH; a ```console block right after a command lists lines its standard output must
contain; a ```csv PATH block lists lines the file PATH (written by the commands) must contain,
its first line being the file's header. ```text blocks are shown, not run (the set-up command,
data the repository does not hold, Python)."""
import os
import pathlib
import re
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "zh-CN"
BIN = pathlib.Path(os.environ.get("REDLINE_BIN", REPO / "build" / "cli" / "redline"))
FENCE = re.compile(r"^```([^\n]*)\n(.*?)^```$", re.S | re.M)


def blocks(md):
    return [(m.group(1).strip(), m.group(2)) for m in FENCE.finditer(md.read_text(encoding="utf-8"))]


def test_the_guide_is_linked_from_the_readme_first_lines():
    head = (REPO / "README.md").read_text(encoding="utf-8").splitlines()[:12]
    assert any("docs/zh-CN/README.md" in line for line in head), head


def test_the_guide_holds_commands_and_checks():
    kinds = [info.split()[0] for md in sorted(GUIDE.glob("*.md")) for info, _ in blocks(md) if info]
    assert kinds.count("sh") >= 8 and kinds.count("csv") >= 6, kinds


@pytest.mark.parametrize("page", ["README.md", "tasks.md"])
def test_commands_run_as_written(page, tmp_path):
    (tmp_path / "testdata").symlink_to(REPO / "testdata")
    env = dict(os.environ, PATH=f"{BIN.parent}{os.pathsep}{os.environ['PATH']}", LC_ALL="C.UTF-8")
    last_stdout = None
    ran = 0
    for info, body in blocks(GUIDE / page):
        words = info.split()
        kind = words[0] if words else ""
        if kind == "sh":
            r = subprocess.run(["bash", "-euo", "pipefail", "-c", body], cwd=tmp_path, env=env,
                               capture_output=True, text=True, timeout=600)
            assert r.returncode == 0, f"{page}: exit {r.returncode} from\n{body}\n{r.stderr}"
            last_stdout = r.stdout
            ran += 1
        elif kind == "console":
            assert last_stdout is not None, f"{page}: a console block before any command"
            for line in body.splitlines():
                assert line in last_stdout, f"{page}: '{line}' not in the output of the command above"
        elif kind == "csv":
            path = tmp_path / words[1]
            assert path.exists(), f"{page}: {words[1]} was not written"
            lines = path.read_text(encoding="utf-8").splitlines()
            want = body.splitlines()
            assert lines[0] == want[0], f"{page}: header of {words[1]}: {lines[0]!r}"
            for line in want[1:]:
                assert line in lines, f"{page}: '{line}' not in {words[1]}"
    assert ran > 0
