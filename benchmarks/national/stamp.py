#!/usr/bin/python3
"""Timestamp a stream line by line: stdin -> stdout as "<seconds since start>\t<line>".

Lines end at \n or \r (progress bars). Used as `cmd 2> >(stamp.py > log)`; the last line
is "<seconds>\tEOF" when the writer closes the stream (i.e. the process exited).
Start time: $STAMP_T0 (a time.time() value) when set, else the moment this script started.
"""
import os
import sys
import time

t0 = float(os.environ.get("STAMP_T0", time.time()))
buf = b""
out = sys.stdout
src = sys.stdin.buffer.raw if hasattr(sys.stdin.buffer, "raw") else sys.stdin.buffer
while True:
    chunk = os.read(src.fileno(), 65536)
    now = time.time() - t0
    if not chunk:
        break
    buf += chunk
    while True:
        cut = [k for k in (buf.find(b"\n"), buf.find(b"\r")) if k >= 0]
        if not cut:
            break
        k = min(cut)
        line, buf = buf[:k], buf[k + 1:]
        if line:
            out.write(f"{now:.3f}\t{line.decode('utf-8', 'replace')}\n")
    out.flush()
if buf:
    out.write(f"{now:.3f}\t{buf.decode('utf-8', 'replace')}\n")
out.write(f"{time.time() - t0:.3f}\tEOF\n")
