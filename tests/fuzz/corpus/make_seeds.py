#!/usr/bin/env python3
"""Regenerates the seed corpus of the fuzz targets (tests/fuzz/README.md). Deterministic."""
import pathlib
import random

here = pathlib.Path(__file__).resolve().parent
cfg = here / "fuzz_config"
cfg.mkdir(exist_ok=True)
demo = (here.parents[2] / "testdata" / "demo" / "indicators.yaml").read_text(encoding="utf-8")
# The first byte picks the parser: '0' report config, '1' rules YAML, '2' binary rules.
seeds = {
    "config_demo.txt": "0" + demo,
    "config_min.txt": "0version: 1\ninputs:\n  landcover_t1: data/lc.tif\n",
    "config_options.txt": "0version: 1\ntitle: t\nyear: 2020\ninputs:\n  landcover_t1: data/lc.tif\n  classes: clcd\n"
    "  shoreline_natural: [a, b]\noptions:\n  mode: centroid\n  mmu_pixels: 4\n  connectivity: 4\n"
    "  min_overlap_m2: 1.5\n  allow_outside_paths: true\n  reproject: yes\n",
    "config_indicators.txt": "0version: 1\ninputs:\n  landcover_t1: data/lc.tif:layer\nindicators:\n  - id: ecr_area\n"
    "    target: 315\n    unit: wan_km2\n    comparator: \">=\"\n    year: 2035\n  - id: forest_coverage\n    unit: percent\n",
    "config_outside.txt": "0version: 1\ninputs:\n  redline: ../x.gpkg:redline\n",
    "rules_basic.txt": "1rules:\n  - name: any-to-crop\n    from: [forest, grassland]\n    to: [1]\n",
    "rules_except.txt": "1rules:\n  - name: a\n    from: natural\n    to_except: [human, 8]\n  - name: b\n"
    "    from: [2, 3]\n    to: cropland\n",
    "rules_flow.txt": "1{rules: [{name: x, from: [forest], to: [42]}]}\n",
    "rules_bad.txt": "1rules:\n  - name: x\n    from: [forest\n    to: [8]\n",
    "binary_magic.txt": "2\x10\x00\x00\x00\x00\x00\x00\x00redline.rules.v1",
}
for name, text in seeds.items():
    (cfg / name).write_bytes(text.encode("latin-1"))

cov = here / "fuzz_coverage"
cov.mkdir(exist_ok=True)
r = random.Random(9)
for i in range(16):
    n = r.choice([16, 48, 120, 400, 1200])
    (cov / f"seed_{i:02d}.bin").write_bytes(bytes(r.randrange(256) for _ in range(n)))
