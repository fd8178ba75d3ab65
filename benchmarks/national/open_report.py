#!/usr/bin/python3
"""Size and opening time of a report.html in headless Chromium (issue 20 §2: at national scale the
HTML stays under 25 MB and opens in under 5 s).

  /usr/bin/python3 benchmarks/national/open_report.py REPORT_DIR [--rounds 3]

Prints the file's size, and for each round the time from navigation to (a) the load event,
(b) the interactive map ready (window.redlineMap set, every layer added) and (c) painted (the
redline picture decoded and two animation frames drawn after (b)), with the number of features
in each layer and any JavaScript error. `--screenshot PNG` saves the map (after the last round;
`--view LAT,LON,ZOOM` first moves it there). Chromium runs with a fresh profile per round
(nothing cached), --headless, 1280 x 2400. Uses the DevTools pipe client of tests/cli/test_report.py.
"""
import argparse
import json
import os
import pathlib
import shutil
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "cli"))
from test_report import DevTools  # noqa: E402


PAINTED = """new Promise(function (done) {
  var img = document.querySelector('img.redline-image');
  (img && img.decode ? img.decode() : Promise.resolve()).then(function () {
    requestAnimationFrame(function () { requestAnimationFrame(function () { done(true); }); });
  });
})"""


def screenshot(dt, js, path, view):
    import base64
    if view:
        lat, lon, zoom = (float(v) for v in view.split(","))
        js(f"redlineMap.map.setView([{lat}, {lon}], {zoom}, {{animate: false}}), true")
        time.sleep(1.0)
    js("document.getElementById('webmap').scrollIntoView(), true")
    dt.call("Runtime.evaluate", expression=PAINTED, awaitPromise=True, returnByValue=True)
    r = json.loads(js("(function () { var b = document.getElementById('webmap').getBoundingClientRect();"
                      " return JSON.stringify({x: b.left + window.scrollX, y: b.top + window.scrollY,"
                      " width: b.width, height: b.height}); })()"))
    shot = dt.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                   clip={"x": r["x"], "y": r["y"], "width": r["width"], "height": r["height"], "scale": 1})
    pathlib.Path(path).write_bytes(base64.b64decode(shot["data"]))


def one_round(chromium, html, shot=None, view=None):
    profile = tempfile.mkdtemp(prefix="open_report_")
    t0 = time.monotonic()
    dt = DevTools(chromium, pathlib.Path(profile), f"file://{html}")
    try:
        dt.wait_loaded()
        loaded = time.monotonic() - t0

        def js(expr):
            r = dt.call("Runtime.evaluate", expression=expr, returnByValue=True)
            if "exceptionDetails" in r:
                raise RuntimeError(r["exceptionDetails"])
            return r["result"].get("value")

        deadline = time.monotonic() + 120
        while not js("!!window.redlineMap"):
            if time.monotonic() > deadline:
                raise RuntimeError("the interactive map did not start in 120 s")
            time.sleep(0.02)
        ready = time.monotonic() - t0
        dt.call("Runtime.evaluate", expression=PAINTED, awaitPromise=True, returnByValue=True)
        painted = time.monotonic() - t0
        counts = json.loads(js("JSON.stringify(Object.fromEntries(Object.entries(redlineMap.layers)"
                               ".map(function (e) { return [e[0], e[1].getLayers().length]; })))"))
        if shot:
            screenshot(dt, js, shot, view)
        return loaded, ready, painted, counts
    finally:
        dt.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report_dir")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--screenshot", help="save the map as PNG after the last round")
    ap.add_argument("--view", help="LAT,LON,ZOOM to move the map to before the screenshot")
    a = ap.parse_args()
    html = pathlib.Path(a.report_dir).resolve() / "report.html"
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("Debian's chromium is required")
    size = html.stat().st_size
    print(f"{html}: {size:,} bytes ({size / 1e6:.2f} MB)")
    print(f"load average before: {os.getloadavg()}")
    for k in range(a.rounds):
        last = k + 1 == a.rounds
        loaded, ready, painted, counts = one_round(chromium, html, a.screenshot if last else None, a.view)
        print(f"round {k + 1}: load event {loaded:.2f} s, interactive map ready {ready:.2f} s, "
              f"painted {painted:.2f} s; layers {counts}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
