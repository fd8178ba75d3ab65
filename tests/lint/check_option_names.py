#!/usr/bin/env python3
"""Engine messages name parameters, not command-line flags (core/option_name.hpp).

An error or warning text says option("densify") (or REDLINE_OPTION("densify") in a literal); the
CLI renders it as `--densify`, Python as `densify=`. This check fails when a string literal in
engine/ (src and include, comments ignored) holds a literal flag such as "--densify".

Deliberate exceptions (text that is not a message of a parameter):
  - report/report_writer.cpp "redline report --verify": a command line printed in report.html,
    part of the report's bytes.
  - io/strict_decoder.cpp "--list')" (of "see 'iconv --list'"): another program's flag.
  - core/option_name.cpp: the renderer itself (the CLI names that are not "--" + the name).
  - ops/shoreline/shoreline.cpp "inside --mainland; ...": the "rule" field of the JSON metadata,
    part of the output files' bytes.

Usage: check_option_names.py [REPO]   (exit 1 and one line per finding when it fails)
"""
import pathlib
import re
import sys

EXCEPTIONS = {
    ("engine/src/report/report_writer.cpp", "redline report --verify"),
    ("engine/src/io/strict_decoder.cpp", "--list')"),
    ("engine/src/core/option_name.cpp", ""),
    ("engine/src/ops/shoreline/shoreline.cpp", "inside --mainland; convention otherwise"),
}

STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
FLAG = re.compile(r'(?:^|[\s(\'\[,;:/])(--[a-z][a-z0-9-]*)')


def strip_comments(text):
    """The text with // and /* */ comments blanked (string literals kept)."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif c == "'" and i + 2 < n:
            j = text.find("'", i + 1 + (1 if text[i + 1] == "\\" else 0))
            j = j if j != -1 else i
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j == -1 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j == -1 else j + 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def findings(repo):
    repo = pathlib.Path(repo)
    for part in ("engine/src", "engine/include"):
        for path in sorted((repo / part).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h"):
                continue
            rel = path.relative_to(repo).as_posix()
            code = strip_comments(path.read_text(encoding="utf-8"))
            for lineno, line in enumerate(code.split("\n"), 1):
                for m in STRING.finditer(line):
                    body = m.group(1)
                    if any(rel == f and text in body for f, text in EXCEPTIONS):
                        continue
                    for f in FLAG.finditer(body):
                        yield f"{rel}:{lineno}: CLI flag {f.group(1)} in a string literal; name the " \
                              f"parameter with option(\"...\") / REDLINE_OPTION(\"...\") (core/option_name.hpp)"


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2]
    found = list(findings(repo))
    for f in found:
        print(f)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
