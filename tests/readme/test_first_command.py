"""The README's first command, as a new user meets it: on a fresh clone of the repository, the
main job of `scripts/bootstrap.sh demo` (its `demo-run` step: the binary invocation that writes the
demo report) runs from the clone's root with no `out/` folder and succeeds.

The clone reuses the build this test run already has (BUILD_DIR), so it checks the checkout's
state (committed files only, no `out/`, no generated data), not the install and build steps,
which CI runs anyway. Environment (set by ctest): REDLINE_SOURCE_DIR, REDLINE_BUILD_DIR."""
import os
import pathlib
import re
import shutil
import subprocess

SOURCE = pathlib.Path(os.environ["REDLINE_SOURCE_DIR"])
BUILD = pathlib.Path(os.environ["REDLINE_BUILD_DIR"]).resolve()


def fresh_clone(dest: pathlib.Path) -> pathlib.Path:
    """A clone of the repository's committed state (HEAD), or, when the source is not a git
    checkout, a copy without build folders and outputs."""
    clone = dest / "redline"
    if (SOURCE / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(SOURCE), str(clone)],
                       check=True)
    else:
        shutil.copytree(SOURCE, clone,
                        ignore=shutil.ignore_patterns("build*", "out", ".git", "__pycache__"))
    return clone


def readme_first_command() -> str:
    text = (SOURCE / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text, re.S).group(1)
    return block.splitlines()[0].split("#")[0].strip()


def test_readme_starts_with_the_demo_command():
    # The test below runs the main job of exactly this command.
    assert readme_first_command() == "scripts/bootstrap.sh demo"


def test_first_command_main_job_in_a_fresh_clone(tmp_path):
    clone = fresh_clone(tmp_path)
    assert not (clone / "out").exists()
    env = dict(os.environ, BUILD_DIR=str(BUILD))
    env.pop("DEMO_DIR", None)
    env.pop("REDLINE_DEMO_DIR", None)
    r = subprocess.run(["scripts/bootstrap.sh", "demo-run"], cwd=clone, env=env,
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
    report = clone / "out" / "demo" / "report.html"
    assert report.is_file() and report.stat().st_size > 10_000, r.stdout + r.stderr
    for f in ("report.md", "report.json", "map.png", "manifest.json"):
        assert (clone / "out" / "demo" / f).stat().st_size > 0
    # The demo data are consistent: no warning at all on the embedded data.
    assert "warning" not in r.stderr, r.stderr
    # The report read the clone's data, not the source tree the binary was built from.
    manifest = (clone / "out" / "demo" / "manifest.json").read_text(encoding="utf-8")
    assert str(clone.resolve() / "testdata" / "demo") in manifest
    # It printed the indicator table.
    assert "ecr_area" in r.stdout and "natural_shoreline_share" in r.stdout
