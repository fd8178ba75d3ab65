#!/usr/bin/env bash
# Formats every C++ file of the repository with .clang-format (checked by ctest lint.format).
set -euo pipefail
cd "$(dirname "$0")/.."
find engine cli bindings benchmarks tests -name '*.cpp' -o -name '*.hpp' -o -name '*.h' | sort | xargs clang-format -i
