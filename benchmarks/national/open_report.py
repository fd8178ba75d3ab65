#!/usr/bin/python3
"""Size and opening time of a report.html in headless Chromium (issue 20 §2: at national scale the
HTML stays under 25 MB and opens in under 5 s).

  /usr/bin/python3 benchmarks/national/open_report.py REPORT_DIR [--rounds 3]

Prints the file's size, and for each round the time from navigation to (a) the load event and
(b) the interactive map ready (window.redlineMap set, every layer added), with the number of
features in each layer and any JavaScript error. Chromium runs with a fresh profile per round
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


def one_round(chromium, html):
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
        counts = json.loads(js("JSON.stringify(Object.fromEntries(Object.entries(redlineMap.layers)"
                               ".map(function (e) { return [e[0], e[1].getLayers().length]; })))"))
        return loaded, ready, counts
    finally:
        dt.close()
        shutil.rmtree(profile, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("report_dir")
    ap.add_argument("--rounds", type=int, default=3)
    a = ap.parse_args()
    html = pathlib.Path(a.report_dir).resolve() / "report.html"
    chromium = shutil.which("chromium")
    if not chromium:
        sys.exit("Debian's chromium is required")
    size = html.stat().st_size
    print(f"{html}: {size:,} bytes ({size / 1e6:.2f} MB)")
    print(f"load average before: {os.getloadavg()}")
    for k in range(a.rounds):
        loaded, ready, counts = one_round(chromium, html)
        print(f"round {k + 1}: load event {loaded:.2f} s, interactive map ready {ready:.2f} s; layers {counts}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
