#!/usr/bin/python3
"""Every C++ file of the repository follows .clang-format (Google base, 4-space indent, 100
columns). Lists the files that drift, with the first differing line of each, and how to fix:
`clang-format -i FILE` (scripts/format.sh formats everything)."""
import difflib
import pathlib
import shutil
import subprocess
import sys

root = pathlib.Path(sys.argv[1])
exe = shutil.which("clang-format") or shutil.which("clang-format-14")
if not exe:
    print("clang-format not found: install Debian's clang-format (scripts/debian-packages.txt)")
    sys.exit(1)
dirs = ["engine", "cli", "bindings", "benchmarks", "tests"]
files = sorted(p for d in dirs for p in (root / d).rglob("*") if p.suffix in (".cpp", ".hpp", ".h", ".cc"))
bad = []
for f in files:
    src = f.read_text(encoding="utf-8")
    out = subprocess.run([exe, f"--style=file:{root / '.clang-format'}", "--assume-filename", str(f)],
                         input=src, capture_output=True, text=True, check=True).stdout
    if out != src:
        first = next((i for i, (a, b) in enumerate(zip(src.splitlines(), out.splitlines())) if a != b),
                     min(len(src.splitlines()), len(out.splitlines())))
        bad.append(f"{f.relative_to(root)}:{first + 1}: not formatted")
if bad:
    print("\n".join(bad))
    print(f"{len(bad)} of {len(files)} C++ files differ from .clang-format; run scripts/format.sh")
    sys.exit(1)
print(f"format ok ({len(files)} files)")
