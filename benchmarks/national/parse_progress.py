#!/usr/bin/python3
"""Check the honesty of redline's --progress ETA from a stamp.py log.

    parse_progress.py LOG [--at 10,25,50,75,90] [--tsv] [--stage NAME]

A progress line looks like
    "zonal     42.2% [############......]  elapsed 0:44  ETA 1:01"
(elapsed/ETA as m:ss or h:mm:ss, ETA "--:--" before the first estimate). The truth is taken
from the log's own clock: the time stamp.py saw EOF (the process closed stderr on exit).
For each checkpoint P: the first line with percent >= P; predicted remaining = its ETA;
actual remaining = t_EOF - t_line; error = predicted / actual - 1 (target: |error| <= 20 %
at 10 %). Also: is the percent monotonic, and does the ETA + elapsed (the predicted total)
drift? A last row "10 % of wall" judges the first line shown after 10 % of the process's
wall time. Only the lines of one stage are judged: --stage NAME, by default the stage of the
last progress line (the raster pass "zonal" or "change"; the zone preparation stages "zones",
"check" and "index" come before it).
"""
import re
import sys

PAT = re.compile(r"^\s*(\S+)\s+([0-9.]+)%.*elapsed\s+([0-9:]+)\s+ETA\s+([0-9:]+|--:--)")


def secs(s):
    v = 0
    for part in s.split(":"):
        v = v * 60 + int(part)
    return v


def main():
    args = sys.argv[1:]
    log = args[0]
    at = [10, 25, 50, 75, 90]
    tsv = "--tsv" in args
    if "--at" in args:
        at = [float(x) for x in args[args.index("--at") + 1].split(",")]
    rows, t_eof = [], None
    for line in open(log, encoding="utf-8", errors="replace"):
        t, _, text = line.rstrip("\n").partition("\t")
        if text == "EOF":
            t_eof = float(t)
            continue
        m = PAT.match(text)
        if m:
            rows.append((float(t), m.group(1), float(m.group(2)), secs(m.group(3)),
                         None if m.group(4) == "--:--" else secs(m.group(4))))
    if not rows or t_eof is None:
        sys.exit(f"parse_progress: no progress lines or no EOF in {log}")
    stage = args[args.index("--stage") + 1] if "--stage" in args else rows[-1][1]
    rows = [r for r in rows if r[1] == stage]
    mono = all(b[2] >= a[2] for a, b in zip(rows, rows[1:]))
    first, last = rows[0], rows[-1]
    print(f"# {log}: {len(rows)} progress lines of stage '{stage}', first at {first[0]:.1f} s ({first[2]:.1f} %), "
          f"({100 * first[0] / t_eof:.0f} % of the wall time), last at {last[0]:.1f} s ({last[2]:.1f} %), process exit at {t_eof:.1f} s; "
          f"percent monotonic: {'yes' if mono else 'NO'}")
    if tsv:
        print("at_percent\tt_s\tpercent\telapsed_shown_s\teta_s\tactual_remaining_s\terror_percent")
    else:
        print(f"{'at %':>7} {'t s':>8} {'shown %':>8} {'elapsed':>8} {'ETA s':>8} {'actual s':>9} {'error':>8}")
    picks = [(f"{p:g}", next((r for r in rows if r[2] >= p and r[4] is not None), None)) for p in at]
    picks.append(("10%wall", next((r for r in rows if r[0] >= 0.1 * t_eof and r[4] is not None), None)))
    for p, hit in picks:
        if hit is None:
            continue
        t, _, pct, el, eta = hit
        actual = t_eof - t
        err = (eta / actual - 1) * 100 if actual > 0 else float("nan")
        if tsv:
            print(f"{p}\t{t:.1f}\t{pct:.1f}\t{el}\t{eta}\t{actual:.1f}\t{err:+.1f}")
        else:
            print(f"{p:>7} {t:>8.1f} {pct:>8.1f} {el:>8} {eta:>8} {actual:>9.1f} {err:>+7.1f}%")


if __name__ == "__main__":
    main()
