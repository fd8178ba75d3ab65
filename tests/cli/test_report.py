"""`redline report` / `redline demo` (issue #6): every indicator against hand-computed values on a tiny
scene, pass/fail at exactly the target, unit conversions, manifest digests, --verify, the HTML in
headless Chromium, and bad configs."""
import json
import os
import re
import select
import shutil
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from osgeo import gdal

from redline_testkit import ALBERS, BIN, box_wkt, run, write_layer, write_raster

X0, Y0 = 600000.0, 3610000.0          # top-left of a 10 km x 10 km land square (Albers, equal-area)
CELL = 100.0                          # 100 x 100 cells of 1 ha


def km(x0, y0, x1, y1):
    """Box in km offsets from the land's lower-left corner (X0, Y0 - 10 km)."""
    return box_wkt(X0 + 1000 * x0, Y0 - 10000 + 1000 * y0, X0 + 1000 * x1, Y0 - 10000 + 1000 * y1)


CONFIG = """version: 1
title: tiny
year: 2020
inputs:
  landcover_t0: lc0.tif
  landcover_t1: lc1.tif
  classes: clcd
  redline: plan.gpkg:redline
  cropland: plan.gpkg:cropland
  protected: plan.gpkg:protected
  urban: plan.gpkg:urban
  permitted: plan.gpkg:permitted
  land: plan.gpkg:land
  shoreline: coast.gpkg:coast
  shoreline_class_field: type
  regions: plan.gpkg:regions
  regions_id: name
options:
  reproject: true
"""


@pytest.fixture
def scene(tmp_path):
    # Land cover: west half (x < 5 km) forest, east half cropland; t1 adds a 3x3 block of impervious
    # in the forest (inside the redline) and a 2x2 block inside the permitted corridor.
    t0 = np.full((100, 100), 2, dtype=np.uint8)
    t0[:, 50:] = 1
    t1 = t0.copy()
    t1[10:13, 10:13] = 8
    t1[80:82, 20:22] = 8
    gt = (X0, CELL, 0, Y0, 0, -CELL)
    write_raster(tmp_path / "lc0.tif", t0, gt, ALBERS, nodata=0)
    write_raster(tmp_path / "lc1.tif", t1, gt, ALBERS, nodata=0)
    plan = tmp_path / "plan.gpkg"
    write_layer(plan, "land", [km(0, 0, 10, 10)], ALBERS, {"name": ["land"]})
    write_layer(plan, "redline", [km(0, 0, 5, 10)], ALBERS, {"code": ["R1"]}, append=True)            # 50 km2
    write_layer(plan, "cropland", [km(4.9, 0, 10, 10)], ALBERS, {"code": ["C1"]}, append=True)        # overlaps 1 km2
    write_layer(plan, "protected", [km(0, 0, 3, 3), km(2, 2, 5, 5)], ALBERS, {"code": ["P1", "P2"]}, append=True)
    write_layer(plan, "urban", [km(8, 8, 9, 9)], ALBERS, {"code": ["U1"]}, append=True)               # inside cropland
    write_layer(plan, "permitted", [km(1.5, 1.5, 2.5, 2.5)], ALBERS, {"code": ["road"]}, append=True)
    write_layer(plan, "regions", [km(0, 0, 5, 10), km(5, 0, 10, 10)], ALBERS, {"name": ["West", "East"]}, append=True)
    # Shoreline on the equator: 0.35 degrees natural + 0.65 degrees artificial = exactly 35 %.
    write_layer(tmp_path / "coast.gpkg", "coast", ["LINESTRING(105 0, 105.35 0)", "LINESTRING(105.35 0, 106 0)"],
                "EPSG:4490", {"type": ["sandy", "artificial"]})
    cfg = tmp_path / "indicators.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    return tmp_path, cfg


def indicators(out):
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    return rep, {i["id"]: i for i in rep["indicators"]}


def test_every_indicator_on_the_tiny_scene(scene):
    d, cfg = scene
    out = d / "out"
    p = run("report", "--config", cfg, "--output-dir", out)
    assert p.returncode == 0, p.stderr
    rep, ind = indicators(out)
    assert ind["ecr_area"]["value"] == pytest.approx(50.0, abs=1e-9) and ind["ecr_area"]["pass"] is False
    assert ind["ecr_area"]["details"]["land_part_km2"] == pytest.approx(50.0, abs=1e-9)
    assert ind["cropland_area"]["value"] == pytest.approx(51.0, abs=1e-9)
    assert ind["cropland_area"]["details"]["mu"] == pytest.approx(51e6 * 0.0015, rel=1e-12)
    assert ind["cropland_area"]["details"]["yi_mu"] == pytest.approx(51e6 * 0.0015 / 1e8, rel=1e-12)
    assert ind["protected_area_share"]["value"] == pytest.approx(17.0, abs=1e-9)     # (9 + 9 - 1) / 100
    assert ind["protected_area_share"]["pass"] is False
    assert ind["forest_coverage"]["value"] == pytest.approx(50.0 - 0.09 - 0.04, abs=1e-9)
    assert ind["forest_coverage"]["pass"] is True and ind["forest_coverage"]["proxy"] is True
    assert ind["cropland_cover"]["value"] == pytest.approx(50.0, abs=1e-9) and ind["cropland_cover"]["pass"] is None
    assert ind["three_lines_overlap"]["value"] == pytest.approx(2e6, rel=1e-9)        # R∩C 1 km2 + C∩U 1 km2
    assert ind["three_lines_overlap"]["details"]["conflicts"] == 2
    assert ind["natural_shoreline_share"]["value"] == pytest.approx(35.0, abs=1e-9)
    assert ind["natural_shoreline_share"]["pass"] is True                            # equality passes
    assert ind["ecr_nature_unchanged"]["value"] == pytest.approx(90000.0, abs=1e-6)   # 9 ha; the corridor's 4 ha permitted
    assert ind["ecr_nature_unchanged"]["details"]["permitted_m2"] == pytest.approx(40000.0, abs=1e-6)
    regions = {r["region"]: r for r in rep["regions"]}
    assert regions["West"]["ecr_area_km2"] == pytest.approx(50.0, abs=1e-9)
    assert regions["East"]["cropland_area_km2"] == pytest.approx(50.0, abs=1e-9)
    assert regions["West"]["cropland_area_km2"] == pytest.approx(1.0, abs=1e-9)      # x 4.9..5 of the cropland
    assert regions["West"]["area_km2"] == pytest.approx(50.0, abs=1e-9)
    assert regions["West"]["protected_share_percent"] == pytest.approx(34.0, abs=1e-9)  # 17 km2 of 50
    assert regions["East"]["protected_share_percent"] == pytest.approx(0.0, abs=1e-12)
    assert regions["East"]["ecr_area_km2"] == pytest.approx(0.0, abs=1e-12)           # touches the redline only
    assert regions["West"]["violation_area_m2"] == pytest.approx(90000.0) and regions["East"]["violation_patches"] == 0
    # The land denominator is named in words (docs/indicators.md#land-denominator), never by a rule number.
    assert rep["land"]["denominator"].startswith("computed area of the land boundary")
    for f in ("report.json", "report.md", "report.html"):
        text = (out / f).read_text(encoding="utf-8")
        assert not re.search(r"\(R\d+|\bR\d+ \(|domain\.md|DESIGN\.md", text), f
    assert rep["land"]["computed_km2"] == pytest.approx(100.0, abs=1e-9)
    for f in ("report.md", "report.html", "map.png", "manifest.json"):
        assert (out / f).exists()
    assert "PASS" in p.stdout and "FAIL" in p.stdout


def test_targets_from_config_with_unit_conversion_and_equality(scene):
    d, cfg = scene
    text = cfg.read_text(encoding="utf-8") + """indicators:
  - id: ecr_area
    target: 5000
    unit: ha
  - id: cropland_area
    target: 76500
    unit: mu
  - id: protected_area_share
    target: 17
"""
    cfg.write_text(text, encoding="utf-8")
    out = d / "out"
    assert run("report", "--config", cfg, "--output-dir", out).returncode == 0
    rep, ind = indicators(out)
    assert list(ind) == ["ecr_area", "cropland_area", "protected_area_share"]
    assert ind["ecr_area"]["target"] == pytest.approx(50.0) and ind["ecr_area"]["pass"] is True       # 50 km2 = 5000 ha
    assert ind["cropland_area"]["target"] == pytest.approx(51.0) and ind["cropland_area"]["pass"] is True  # 76 500 mu
    assert ind["protected_area_share"]["pass"] is True and ind["protected_area_share"]["margin"] == pytest.approx(0, abs=1e-9)


def test_same_report_for_any_thread_count(scene):
    d, cfg = scene
    a, b = d / "a", d / "b"
    assert run("report", "--config", cfg, "--output-dir", a, "--threads", "1").returncode == 0
    assert run("report", "--config", cfg, "--output-dir", b, "--threads", "8").returncode == 0
    for f in ("report.json", "report.md", "report.html", "map.png"):
        assert (a / f).read_bytes() == (b / f).read_bytes(), f


def test_manifest_digests_and_verify(scene):
    d, cfg = scene
    out = d / "out"
    assert run("report", "--config", cfg, "--output-dir", out).returncode == 0
    m = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    roles = {i["role"]: i for i in m["inputs"]}
    assert roles["landcover_t1"]["crs"].startswith("'") or roles["landcover_t1"]["crs"]
    assert roles["landcover_t1"]["ellipsoid"] == "GRS 1980"
    assert len(roles["redline"]["sha256"]) == 64 and roles["redline"]["layer"] == "redline"
    assert {o["file"] for o in m["outputs"]} == {"report.json", "report.md", "report.html", "map.png"}
    assert "GDAL" in " ".join(m["libraries"]) and m["engine"].startswith("redline")
    v = run("report", "--verify", out / "manifest.json")
    assert v.returncode == 0, v.stdout + v.stderr
    assert "indicator ecr_area" in v.stdout and "identical" in v.stdout and "bit for bit" in v.stdout
    # Edit one byte of an input (a pixel of t1): the digest changes and the report no longer verifies.
    before = roles["landcover_t1"]["sha256"]
    ds = gdal.Open(str(d / "lc1.tif"), gdal.GA_Update)
    arr = ds.GetRasterBand(1).ReadAsArray()
    arr[40, 40] = 8
    ds.GetRasterBand(1).WriteArray(arr)
    ds = None
    v = run("report", "--verify", out / "manifest.json")
    assert v.returncode == 6, v.stdout + v.stderr
    assert "landcover_t1" in v.stdout and "CHANGED" in v.stdout
    assert re.search(r"indicator ecr_nature_unchanged +DIFFERS \(report: 90000\.0, now: 100000\.0\)", v.stdout)
    assert re.search(r"indicator ecr_area +identical", v.stdout) and "NOT verified" in v.stdout
    out2 = d / "out2"
    assert run("report", "--config", cfg, "--output-dir", out2).returncode == 0
    m2 = json.loads((out2 / "manifest.json").read_text(encoding="utf-8"))
    assert {i["role"]: i for i in m2["inputs"]}["landcover_t1"]["sha256"] != before


def test_html_opens_in_headless_chromium(scene):
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required (scripts/debian-packages.txt)"
    d, cfg = scene
    out = d / "out"
    assert run("report", "--config", cfg, "--output-dir", out).returncode == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    # Self-contained: the map is embedded, charts are inline SVG, Leaflet and the interactive
    # map's data are inline scripts, nothing is fetched (no external script, stylesheet or
    # image; Leaflet's own attribution link lives inside its script text and is not fetched).
    assert "data:image/png;base64," in html and "<svg" in html
    outside_scripts = re.sub(r"<script[^>]*>.*?</script>", "", html, flags=re.S)
    assert not re.search(r"(src|href)=\"(https?:|//)", outside_scripts)
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=", html)
    shot = d / "shot.png"
    p = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        f"--user-data-dir={d / 'profile'}", "--enable-logging=stderr", "--v=0",
                        "--window-size=1280,2400", f"--screenshot={shot}", f"file://{out / 'report.html'}"],
                       capture_output=True, text=True, timeout=120)
    assert shot.exists(), p.stderr[-2000:]
    console = [l for l in p.stderr.splitlines() if "CONSOLE" in l or "Uncaught" in l]
    assert not console, console
    img = gdal.Open(str(shot)).ReadAsArray()      # bands x rows x cols
    assert img.shape[1] >= 1000 and img.shape[2] == 1280
    # The page shows colour: pass/fail badges (green, red) and the map.
    rgb = img[:3].reshape(3, -1).T
    green = ((rgb[:, 1] > 120) & (rgb[:, 0] < 80) & (rgb[:, 2] < 100)).sum()
    red = ((rgb[:, 0] > 180) & (rgb[:, 1] < 80) & (rgb[:, 2] < 80)).sum()
    assert green > 200 and red > 200


CJK_FAMILY = re.compile(r"CJK|Source Han|PingFang|YaHei|WenQuanYi|Hei|Song|Ming", re.I)
HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class DevTools:
    """Chromium's DevTools protocol over --remote-debugging-pipe (fd 3 in, fd 4 out, NUL-separated
    JSON), attached to the page target; no websocket library needed."""

    def __init__(self, chromium, profile, url):
        to_child, self._w = os.pipe()
        self._r, from_child = os.pipe()

        def fds():
            os.dup2(to_child, 3)
            os.dup2(from_child, 4)

        self.proc = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--remote-debugging-pipe", "--window-size=1280,2400", url],
            preexec_fn=fds, pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        os.close(to_child)
        os.close(from_child)
        self._buf, self._id, self.session = b"", 0, None
        deadline = time.monotonic() + 30
        pages = []
        while not pages and time.monotonic() < deadline:  # the page target appears shortly after start
            pages = [t for t in self.call("Target.getTargets")["targetInfos"] if t["type"] == "page"]
            time.sleep(0 if pages else 0.05)
        assert pages, "chromium opened no page"
        self.session = self.call("Target.attachToTarget", targetId=pages[0]["targetId"], flatten=True)["sessionId"]

    def wait_loaded(self, timeout=30):
        """Until the file:// page (not the initial about:blank) has loaded."""
        done = "document.readyState === 'complete' && location.protocol === 'file:'"
        deadline = time.monotonic() + timeout
        while self.call("Runtime.evaluate", expression=done)["result"].get("value") is not True:
            assert time.monotonic() < deadline, "the page did not finish loading"
            time.sleep(0.05)

    def call(self, method, **params):
        self._id += 1
        msg = {"id": self._id, "method": method, "params": params}
        if self.session:
            msg["sessionId"] = self.session
        os.write(self._w, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            while b"\0" in self._buf:
                raw, self._buf = self._buf.split(b"\0", 1)
                reply = json.loads(raw)
                if reply.get("id") == self._id:
                    assert "error" not in reply, (method, reply["error"])
                    return reply["result"]
            ready, _, _ = select.select([self._r], [], [], 1.0)
            if ready:
                chunk = os.read(self._r, 1 << 20)
                assert chunk, "chromium closed the DevTools pipe: " + self.proc.stderr.read().decode()[-2000:]
                self._buf += chunk
        raise AssertionError(f"no DevTools reply to {method}")

    def close(self):
        self.proc.kill()
        self.proc.wait()
        os.close(self._w)
        os.close(self._r)


def test_html_chinese_labels_render_with_a_cjk_font(scene):
    """The Chinese labels are drawn with a CJK font, not as empty boxes: the report declares lang
    and a Chinese font stack, and the machine has one (Debian's fonts-noto-cjk). Chromium reports
    which platform font drew each text node (CSS.getPlatformFontsForNode); without a CJK font the
    Han characters fall back to a Latin font's missing-glyph box and this test fails."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required (scripts/debian-packages.txt)"
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no CJK font installed: apt-get install fonts-noto-cjk (scripts/debian-packages.txt)"
    d, cfg = scene
    out = d / "out"
    assert run("report", "--config", cfg, "--output-dir", out).returncode == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert re.search(r':lang\(zh\)\{font-family:"Noto Sans CJK SC",[^}]*"Microsoft YaHei"', html)
    dt = DevTools(chromium, d / "profile", f"file://{out / 'report.html'}")
    try:
        dt.wait_loaded()
        dt.call("DOM.enable")
        dt.call("CSS.enable")
        root = dt.call("DOM.getDocument")["root"]["nodeId"]
        nodes = dt.call("DOM.querySelectorAll", nodeId=root, selector='[lang="zh-CN"]')["nodeIds"]
        assert len(nodes) == 9                         # the 指标 header and the eight indicators' names
        for node in nodes:
            html_node = dt.call("DOM.getOuterHTML", nodeId=node)["outerHTML"]
            han = len(HAN.findall(html_node))
            used = dt.call("CSS.getPlatformFontsForNode", nodeId=node)["fonts"]
            cjk = sum(f["glyphCount"] for f in used if CJK_FAMILY.search(f["familyName"]))
            assert han > 0 and cjk >= han, (html_node, used)
    finally:
        dt.close()


def test_interactive_map_in_chromium(scene):
    """report.html's Leaflet map, offline in headless Chromium: the layers hold the expected
    features, a click on the violation patch (and on a conflict) opens its popup with its facts, the patch
    lies inside the redline, and the layer switcher lists every layer. (JavaScript errors while
    the page loads fail test_html_opens_in_headless_chromium.)"""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required (scripts/debian-packages.txt)"
    d, cfg = scene
    out = d / "out"
    assert run("report", "--config", cfg, "--output-dir", out).returncode == 0
    dt = DevTools(chromium, d / "profile", f"file://{out / 'report.html'}")

    def js(expr):
        r = dt.call("Runtime.evaluate", expression=expr, returnByValue=True)
        assert "exceptionDetails" not in r, r["exceptionDetails"]
        return r["result"].get("value")

    try:
        dt.wait_loaded()
        deadline = time.monotonic() + 30
        while not js("!!window.redlineMap"):
            assert time.monotonic() < deadline, "the interactive map did not start"
            time.sleep(0.05)
        counts = json.loads(js("JSON.stringify(Object.fromEntries(Object.entries(redlineMap.layers)"
                               ".map(function (e) { return [e[0], e[1].getLayers().length]; })))"))
        # The redline is a group of its picture and its outlines (none drawn at the full view).
        assert counts == {"land": 1, "regions": 2, "redline": 2, "conflicts": 2, "violation": 1, "below_mmu": 0,
                          "permitted": 1}
        popup = js("(function () { var l = redlineMap.layers.violation.getLayers()[0];"
                   " l.fire('click', {latlng: l.getLatLng()});"
                   " return document.querySelector('.leaflet-popup-content').textContent; })()")
        # 3 x 3 cells of 100 m: 90 000 m2, forest (2) to impervious (8), inside the redline.
        assert "(violation)" in popup and "zone all" in popup, popup   # the report audits the redline union
        assert "2 Forest → 8 Impervious" in popup and "0.090 km²" in popup and "(90000 m²)" in popup, popup
        assert "lc0.tif -> lc1.tif" in popup, popup
        assert js("redlineMap.layers.redline.getBounds().contains("
                  "redlineMap.layers.violation.getLayers()[0].getLatLng())") is True
        # The conflicts: redline x cropland (a 0.1 km x 10 km strip) and cropland x urban (1 km2).
        conflict = js("(function () { var l = redlineMap.layers.conflicts.getLayers()[0];"
                      " l.fire('click', {latlng: l.getBounds().getCenter()});"
                      " return l.getPopup().getElement().querySelector('.leaflet-popup-content').textContent; })()")
        assert conflict.startswith("conflict") and "×" in conflict and "1.000 km²" in conflict, conflict
        labels = js("Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
                    ".map(function (l) { return l.textContent.trim(); })")
        assert labels == ["land boundary", "regions", "ecological redline", "planning-layer conflicts (2)",
                          "violation patches (1)",
                          "patches below the MMU (0)", "permitted patches (1)"], labels
    finally:
        dt.close()


def test_demo_runs_on_the_embedded_data(tmp_path):
    p = run("demo", "--output-dir", tmp_path / "new" / "demo", timeout=900)
    assert p.returncode == 0, p.stderr
    # The embedded data are consistent: the demo prints no warning.
    assert "warning" not in p.stderr, p.stderr
    assert "ecr_area" in p.stdout and "natural_shoreline_share" in p.stdout
    rep, ind = indicators(tmp_path / "new" / "demo")
    assert len(ind) == 8 and all(i["computed"] for i in ind.values())
    assert len(rep["regions"]) == 34


def test_output_dir_and_missing_parents_are_created(scene):
    # --output-dir DIR creates DIR and its missing parents (as mkdir -p); a relative DIR is
    # relative to the working directory, as in the README's `out/demo`.
    d, cfg = scene
    work = d / "work"
    work.mkdir()
    p = subprocess.run([BIN, "report", "--config", str(cfg), "--output-dir", "out/a/b", "--quiet"],
                       cwd=work, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert (work / "out" / "a" / "b" / "report.html").stat().st_size > 0
    assert sorted(os.listdir(work / "out" / "a")) == ["b"]   # no temporary left beside it
    # An existing report is replaced whole.
    p = subprocess.run([BIN, "report", "--config", str(cfg), "--output-dir", "out/a/b", "--quiet"],
                       cwd=work, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    assert sorted(os.listdir(work / "out" / "a")) == ["b"]


def test_output_dir_under_a_file_is_an_io_error(scene):
    d, cfg = scene
    out = d / "out"
    out.mkdir()
    (out / "afile").write_text("x")
    p = run("report", "--config", cfg, "--output-dir", out / "afile" / "rep", "--quiet")
    assert p.returncode == 3, p.stderr
    assert f"cannot write '{out / 'afile' / 'rep'}'" in p.stderr, p.stderr
    assert os.listdir(out) == ["afile"]


def test_output_dir_that_is_not_a_report_is_never_replaced(scene):
    # A report replaces its folder whole, so only a new, empty or earlier report folder is taken:
    # a mistyped --output-dir must not delete a user's files. Checked before any work.
    d, cfg = scene
    mine = d / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me")
    p = run("report", "--config", cfg, "--output-dir", mine, "--quiet")
    assert p.returncode == 2, p.stderr
    assert f"report folder '{mine}' exists and holds no earlier report" in p.stderr, p.stderr
    assert sorted(os.listdir(mine)) == ["notes.txt"]
    p = run("demo", "--output-dir", mine, "--quiet")
    assert p.returncode == 2 and "holds no earlier report" in p.stderr, p.stderr
    (d / "afile").write_text("x")
    p = run("report", "--config", cfg, "--output-dir", d / "afile", "--quiet")
    assert p.returncode == 2 and f"report folder '{d / 'afile'}' is a file" in p.stderr, p.stderr
    # An empty folder is taken.
    empty = d / "empty"
    empty.mkdir()
    p = run("report", "--config", cfg, "--output-dir", empty, "--quiet")
    assert p.returncode == 0, p.stderr
    assert (empty / "manifest.json").is_file()


# ---------------------------------------------------------------- bad configs

def expect_config_error(d, cfg_text, *fragments, code=2):
    cfg = d / "bad.yaml"
    cfg.write_text(cfg_text, encoding="utf-8")
    out = d / "never"
    p = run("report", "--config", cfg, "--output-dir", out)
    assert p.returncode == code, (p.returncode, p.stderr)
    for f in fragments:
        assert f in p.stderr, (f, p.stderr)
    assert not out.exists()
    assert not [x for x in os.listdir(d) if ".tmp-" in x]


def test_bad_configs(scene):
    d, cfg = scene
    good = cfg.read_text(encoding="utf-8")
    expect_config_error(d, good.replace("plan.gpkg:redline", "nothere.gpkg:redline"), "bad.yaml' line 8", "'redline'",
                        "nothere.gpkg", "does not exist")
    expect_config_error(d, good.replace("redline: plan", "redlines: plan"), "line 8", "unknown input 'redlines'")
    expect_config_error(d, good.replace("title: tiny", "titel: tiny"), "line 2", "unknown key 'titel'")
    expect_config_error(d, good + "indicators:\n  - id: ecr_area\n    target: 18\n    unit: percent\n", "line 23",
                        "cannot be converted", "'km2'")
    expect_config_error(d, good.replace("plan.gpkg:redline", "plan.gpkg:nolayer"), "(redline)", "no layer 'nolayer'")
    expect_config_error(d, good.replace("inputs:", "inputs: [\n"), "bad.yaml' line")
    shutil.copy(d / "lc0.tif", d.parent / "outside_lc0.tif")
    expect_config_error(d, good.replace("lc0.tif", "../outside_lc0.tif"), "line 5", "outside the config's folder",
                        "allow_outside_paths")
    expect_config_error(d, good + "indicators:\n  - id: ecr_area\n    comparator: '>'\n", "comparator must be")
    expect_config_error(d, good + "  shoreline_region_snap_m: -1\n", "line 20",
                        "shoreline_region_snap_m must be a distance in metres, 0 or more")


def test_shoreline_region_snap_assigns_pieces_near_a_region(scene):
    # The coast runs along the equator at 105-106E, thousands of km from both regions: with the
    # default snap it lies in no region (warning), with a snap beyond that distance the nearest
    # region (West, the one closer to the coast's longitudes) takes all of it, so its share is the
    # national 35 % (0.35 of 1 degree natural) and East has none.
    d, cfg = scene
    good = cfg.read_text(encoding="utf-8")
    p = run("report", "--config", cfg, "--output-dir", d / "r0", "--quiet")
    assert p.returncode == 0, p.stderr
    assert "lies in no --by region" in p.stderr
    rep0, _ = indicators(d / "r0")
    cfg.write_text(good + "  shoreline_region_snap_m: 5000000\n", encoding="utf-8")
    p = run("report", "--config", cfg, "--output-dir", d / "r1", "--quiet")
    assert p.returncode == 0, p.stderr
    assert "lies in no --by region" not in p.stderr
    rep1, ind1 = indicators(d / "r1")
    assert rep1["options"]["shoreline_region_snap_m"] == 5000000
    shares = {r["region"]: r["natural_shoreline_share_percent"] for r in rep1["regions"]}
    assert shares["West"] == pytest.approx(35.0, abs=1e-9) and shares["East"] is None
    assert [r["region"] for r in rep0["regions"]] == [r["region"] for r in rep1["regions"]]  # not vacuous
    assert all(r["natural_shoreline_share_percent"] is None for r in rep0["regions"])


def test_verify_needs_a_manifest(tmp_path):
    p = run("report", "--verify", tmp_path / "nope.json")
    assert p.returncode == 3 and "cannot open manifest" in p.stderr
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    p = run("report", "--verify", tmp_path / "x.json")
    assert p.returncode == 2 and "not a redline report manifest" in p.stderr


def decode_polyline(text):
    """Google's encoded polyline (1e-5 degree) to [(lat, lon), ...]: the oracle of the page's decoder."""
    pts, i, lat, lon = [], 0, 0, 0
    while i < len(text):
        v = []
        for _ in range(2):
            r, shift = 0, 0
            while True:
                b = ord(text[i]) - 63
                i += 1
                r |= (b & 31) << shift
                shift += 5
                if b < 32:
                    break
            v.append(~(r >> 1) if r & 1 else r >> 1)
        lat, lon = lat + v[0], lon + v[1]
        pts.append((lat / 1e5, lon / 1e5))
    return pts


def test_interactive_map_draws_the_redline_as_a_picture_and_outlines_when_zoomed_in(tmp_path):
    """The demo's redline (with slivers smaller than a pixel of the full view) is a PNG in Web
    Mercator rows: every redline polygon, however small, has its pixel drawn, and pixels two picture
    pixels away from the redline are transparent (checked against the input layer with OGR). Its
    outlines come as encoded polylines that decode to the thinned outline, and the page draws only
    those in view once zoomed in beyond the picture's resolution."""
    import base64
    import math
    from osgeo import ogr, osr
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is required (scripts/debian-packages.txt)"
    out = tmp_path / "demo"
    assert run("demo", "--output-dir", out, "--quiet").returncode == 0
    html = (out / "report.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" id="webmap-data">(.*?)</script>', html,
                                re.S).group(1))
    assert "redline" not in data["clusters"] and "redline" not in data["capped"]
    assert data["capped"]["violation"] == 0 and "violation" not in data["clusters"]  # 110 < the cap
    assert data["dates"] == "lc_2015.tif -> lc_2020.tif"
    assert set(data["violation"]["features"][0]["properties"]) == {"id", "zone", "rule", "from", "to", "area_m2"}
    img = data["redline_image"]
    (s, w), (n, e) = img["bounds"]
    assert img["width"] == 3200 and 73 < w < e < 136 and 3 < s < n < 54
    png = tmp_path / "redline.png"
    png.write_bytes(base64.b64decode(img["png"]))
    ds = gdal.Open(str(png))
    assert (ds.RasterXSize, ds.RasterYSize, ds.RasterCount) == (img["width"], img["height"], 1)
    ct = ds.GetRasterBand(1).GetColorTable()   # a palette PNG: its colours' alpha is the opacity
    alpha = np.array([ct.GetColorEntry(i)[3] for i in range(ct.GetCount())] + [0] * 256,
                     dtype=np.uint8)[ds.GetRasterBand(1).ReadAsArray()]

    def merc(lat):
        return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))

    px = (e - w) / img["width"]
    assert abs((merc(n) - merc(s)) / px - img["height"]) < 1e-6 * img["height"]  # square Mercator pixels

    def pixel(lon, lat):
        return int((merc(n) - merc(lat)) / px), int((lon - w) / px)

    plan = ogr.Open(str(Path(__file__).resolve().parents[2] / "testdata" / "demo" / "plan.gpkg"))
    src = plan.GetLayer("redline")  # `plan` must outlive the layer
    geo = osr.SpatialReference()
    geo.ImportFromEPSG(4490)
    geo.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    to_ll = osr.CoordinateTransformation(src.GetSpatialRef(), geo)
    parts, inside = ogr.Geometry(ogr.wkbMultiPolygon), 0
    for f in src:
        g = f.GetGeometryRef().Clone()
        g.Transform(to_ll)
        for k in range(g.GetGeometryCount()) if g.GetGeometryType() == ogr.wkbMultiPolygon else [None]:
            parts.AddGeometry(g if k is None else g.GetGeometryRef(k))
        for k in range(g.GetGeometryCount()) if g.GetGeometryType() == ogr.wkbMultiPolygon else [None]:
            part = g if k is None else g.GetGeometryRef(k)
            p = part.PointOnSurface()
            r, c = pixel(p.GetX(), p.GetY())
            assert alpha[r, c] > 0, (f.GetFID(), p.GetX(), p.GetY())
            inside += 1
    assert inside > 600
    # Every pixel further than two and a half pixels from the redline is transparent: the redline
    # buffered, put in the picture's Mercator rows, burnt by GDAL (all touched) onto its grid.
    near = parts.UnionCascaded().Buffer(2.5 * px, 2)
    for k in range(near.GetGeometryCount()) if near.GetGeometryType() == ogr.wkbMultiPolygon else [None]:
        poly = near if k is None else near.GetGeometryRef(k)
        for j in range(poly.GetGeometryCount()):
            ring = poly.GetGeometryRef(j)
            for i in range(ring.GetPointCount()):
                ring.SetPoint_2D(i, ring.GetX(i), merc(ring.GetY(i)))
    grid = gdal.GetDriverByName("MEM").Create("", img["width"], img["height"], 1, gdal.GDT_Byte)
    grid.SetGeoTransform((w, px, 0, merc(n), 0, -px))
    mem = ogr.GetDriverByName("Memory").CreateDataSource("near")
    lyr = mem.CreateLayer("near", geom_type=ogr.wkbMultiPolygon)
    feat = ogr.Feature(lyr.GetLayerDefn())
    feat.SetGeometry(near)
    lyr.CreateFeature(feat)
    gdal.RasterizeLayer(grid, [1], lyr, burn_values=[1], options=["ALL_TOUCHED=TRUE"])
    far = grid.GetRasterBand(1).ReadAsArray() == 0
    assert far.sum() > 0.5 * far.size and (alpha[far] == 0).all()
    # The outlines: the polygons of at least a pixel of the full view, each ring within the
    # picture and in degrees.
    assert data["redline"] is True    # in an element of its own, parsed when first needed
    feats = json.loads(re.search(r'<script type="application/json" id="webmap-redline">(.*?)</script>', html,
                                 re.S).group(1))["features"]
    assert 0 < len(feats) < inside
    for f in feats[:50]:
        for poly in f["g"]:
            for ring in poly:
                pts = decode_polyline(ring)
                assert len(pts) >= 3 and all(s - px <= la <= n + px and w - px <= lo <= e + px for la, lo in pts)
    dt = DevTools(chromium, tmp_path / "profile", f"file://{out / 'report.html'}")
    try:
        dt.wait_loaded()

        def js(expr):
            r = dt.call("Runtime.evaluate", expression=expr, returnByValue=True)
            assert "exceptionDetails" not in r, r["exceptionDetails"]
            return r["result"].get("value")

        deadline = time.monotonic() + 60
        while not js("!!window.redlineMap"):
            assert time.monotonic() < deadline, "the interactive map did not start"
            time.sleep(0.05)
        picture = js("(function () { var i = document.querySelector('img.redline-image');"
                     " return i && i.complete ? [i.naturalWidth, i.naturalHeight] : null; })()")
        assert picture == [img["width"], img["height"]]
        assert js("redlineMap.redlineOutlines.getLayers().length") == 0   # the full view: the picture only
        labels = js("Array.from(document.querySelectorAll('.leaflet-control-layers-overlays label'))"
                    ".map(function (l) { return l.textContent.trim(); })")
        assert "ecological redline" in labels, labels
        # Zoom in on the first outline's first vertex: the page's decoder agrees with the oracle, and
        # only outlines meeting the view are drawn.
        la, lo = decode_polyline(feats[0]["g"][0][0])[0]
        js(f"redlineMap.map.setView([{la}, {lo}], 9, {{animate: false}}), true")
        deadline = time.monotonic() + 10
        while not js("redlineMap.redlineOutlines.getLayers().length"):
            assert time.monotonic() < deadline, "no outline drawn after zooming in"
            time.sleep(0.05)
        drawn = js("(function () { var v = redlineMap.map.getBounds().pad(0.25), ok = true, n = 0;"
                   " redlineMap.redlineOutlines.eachLayer(function (l) { ++n; ok = ok && v.intersects(l.getBounds()); });"
                   " return [n, ok]; })()")
        assert drawn[1] is True and 0 < drawn[0] < len(feats), drawn
        first = js("(function () { var hit = null; redlineMap.redlineOutlines.eachLayer(function (l) {"
                   f" var p = l.getLatLngs()[0][0][0]; if (Math.abs(p.lat - {la}) < 1e-9 && Math.abs(p.lng - {lo}) < 1e-9) hit = true; }});"
                   " return hit; })()")
        assert first is True
        patch = js("(function () { var l = redlineMap.layers.violation.getLayers()[0];"
                   " l.fire('click', {latlng: l.getLatLng()});"
                   " return l.getPopup().getElement().textContent; })()")
        assert "(violation)" in patch and "lc_2015.tif -> lc_2020.tif" in patch and " km²" in patch, patch
    finally:
        dt.close()
