#!/usr/bin/python3
"""Golden outputs: every command (CLI and Python, and the Dask path) on the demo data and on
`redline synth` data, in every output format, at 1 and 2 threads.

Usage (BIN and PYTHONPATH as ctest sets them: REDLINE_BIN, PYTHONPATH=<build>/bindings):
  golden.py run OUTDIR        run every case into OUTDIR (normalised outputs + digests.json)
  golden.py check [OUTDIR]    run, and compare with tests/golden/digests.json (exit 1 on a difference,
                              listing the outputs that differ; OUTDIR keeps the new outputs)
  golden.py update            run and rewrite tests/golden/digests.json (the explicit way to accept a
                              deliberate change of output bytes; say why in the commit)
  golden.py diff OLD NEW      unified diff of two OUTDIRs' normalised text outputs

Normalisation (so the digests depend on the engine's results only): absolute paths of the data
and output folders become <DATA>/<OUT>; the engine's version string becomes <VERSION>; the report
manifest's thread count and the digests of its (path-holding) raw output files are masked;
GeoPackages are dumped layer by layer (CRS, fields, features with their attributes and WKB as
hex, in FID order), because their files carry timestamps. Everything else is compared as bytes.
Every case runs at 1 and at 2 threads and the two must be identical before it is digested."""
import hashlib
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
SOURCE = pathlib.Path(os.environ.get("REDLINE_SOURCE_DIR", HERE.parents[1]))
BIN = os.environ.get("REDLINE_BIN", str(SOURCE / "build" / "cli" / "redline"))
DEMO = SOURCE / "testdata" / "demo"
DIGESTS = HERE / "digests.json"


# --------------------------------------------------------------------------- normalisation

def gpkg_dump(path):
    from osgeo import ogr
    ogr.UseExceptions()
    ds = ogr.Open(str(path))
    out = []
    for i in range(ds.GetLayerCount()):
        lyr = ds.GetLayerByIndex(i)
        srs = lyr.GetSpatialRef()
        out.append(f"layer {lyr.GetName()} geom={ogr.GeometryTypeToName(lyr.GetGeomType())}")
        out.append(f"crs {srs.ExportToWkt() if srs else ''}")
        defn = lyr.GetLayerDefn()
        fields = [defn.GetFieldDefn(k) for k in range(defn.GetFieldCount())]
        out.append("fields " + ", ".join(f"{f.GetName()}:{f.GetTypeName()}" for f in fields))
        for feat in sorted(lyr, key=lambda f: f.GetFID()):
            vals = []
            for k, f in enumerate(fields):
                if not feat.IsFieldSet(k) or feat.IsFieldNull(k):
                    vals.append("NULL")
                elif f.GetType() == ogr.OFTReal:
                    vals.append(repr(feat.GetFieldAsDouble(k)))
                else:
                    vals.append(feat.GetFieldAsString(k))
            g = feat.GetGeometryRef()
            wkb = g.ExportToIsoWkb().hex() if g is not None else "NULL"
            out.append(f"{feat.GetFID()}|" + "|".join(vals) + f"|{wkb}")
    return ("\n".join(out) + "\n").encode()


def normalise(path, data_dirs, out_dir):
    if path.suffix == ".gpkg":
        return gpkg_dump(path)
    b = path.read_bytes()
    if path.suffix in (".png", ".tif"):
        return b
    t = b.decode("utf-8")
    for d in sorted(map(str, data_dirs), key=len, reverse=True):
        t = t.replace(d, "<DATA>")
    t = t.replace(str(out_dir), "<OUT>")
    t = re.sub(r'("engine_version"|"redline_version"|"version")\s*:\s*"[0-9]+\.[0-9]+\.[0-9]+[^"]*"',
               r'\1: "<VERSION>"', t)
    t = re.sub(r"redline [0-9]+\.[0-9]+\.[0-9]+", "redline <VERSION>", t)
    if path.name == "manifest.json":  # the report's manifest records the thread count used
        t = re.sub(r'"threads": [0-9]+', '"threads": "<THREADS>"', t)
        # and the digests of the raw report files, which hold absolute paths (the files themselves
        # are compared normalised)
        t = re.sub(r'("file": "[^"]+",\s*"sha256": )"[0-9a-f]{64}"', r'\1"<SHA256>"', t)
    return t.encode("utf-8")


# --------------------------------------------------------------------------- cases

def cli(*args):
    return ("cli", [str(a) for a in args])


def cli_cases(demo, syn):
    """name -> (kind, argv with {OUT} placeholders for output files)."""
    d, s = demo, syn
    red, crop, urb = f"{d}/plan.gpkg:redline", f"{d}/plan.gpkg:cropland", f"{d}/plan.gpkg:urban"
    c = {}
    for ext in ("csv", "json", "gpkg"):
        c[f"demo_zonal_exact.{ext}"] = cli("zonal", "--raster", f"{d}/lc_2020.tif", "--zones", red, "--id", "code",
                                          "--classes", "clcd", "--output", f"{{OUT}}/zonal.{ext}")
    c["demo_zonal_centroid"] = cli("zonal", "--raster", f"{d}/lc_2020.tif", "--zones", red, "--id", "code",
                                   "--mode", "centroid", "--output", "{OUT}/z.csv")
    c["demo_zonal_alltouched"] = cli("zonal", "--raster", f"{d}/lc_2020.tif", "--zones", red, "--mode",
                                     "all-touched", "--tile-size", "300", "--output", "{OUT}/z.csv")
    c["demo_zonal_dissolve_by"] = cli("zonal", "--raster", f"{d}/lc_2015.tif", "--zones", red, "--dissolve-by",
                                      "province", "--output", "{OUT}/z.csv")
    c["demo_zonal_provinces"] = cli("zonal", "--raster", f"{d}/lc_2020.tif", "--zones", f"{d}/china.gpkg:provinces",
                                    "--id", "name_zh", "--classes", "clcd", "--output", "{OUT}/z.json")
    for m, p in (("csv", "gpkg"), ("json", "csv"), ("csv", "json")):
        c[f"demo_change.{m}.{p}"] = cli("change", "--t0", f"{d}/lc_2015.tif", "--t1", f"{d}/lc_2020.tif", "--zones",
                                        red, "--id", "code", "--permitted", f"{d}/plan.gpkg:permitted",
                                        "--matrix", f"{{OUT}}/m.{m}", "--patches", f"{{OUT}}/p.{p}")
    c["demo_change_cropland"] = cli("change", "--t0", f"{d}/lc_2015.tif", "--t1", f"{d}/lc_2020.tif", "--zones",
                                    crop, "--id", "code", "--preset", "cropland", "--mmu-pixels", "2",
                                    "--connectivity", "4", "--matrix", "{OUT}/m.csv", "--patches", "{OUT}/p.csv")
    for ext in ("csv", "json", "gpkg"):
        c[f"demo_area.{ext}"] = cli("area", "--layer", f"{d}/plan.gpkg:protected", "--id", "code",
                                    "--output", f"{{OUT}}/a.{ext}")
    c["demo_area_dissolve_within"] = cli("area", "--layer", f"{d}/plan.gpkg:protected", "--dissolve", "--within",
                                         f"{d}/china.gpkg:land", "--output", "{OUT}/a.csv")
    c["demo_area_dissolve_by"] = cli("area", "--layer", f"{d}/plan.gpkg:protected", "--dissolve-by", "kind",
                                     "--output", "{OUT}/a.json")
    c["demo_area_provinces"] = cli("area", "--layer", f"{d}/china.gpkg:provinces", "--id", "name_zh",
                                   "--output", "{OUT}/a.csv")
    for ext in ("csv", "json", "gpkg"):
        c[f"demo_conflicts.{ext}"] = cli("conflicts", "--layer", red, "--layer", crop, "--layer", urb, "--id", "code",
                                         "--output", f"{{OUT}}/c.{ext}")
    c["demo_conflicts_self"] = cli("conflicts", "--layer", f"{d}/plan.gpkg:protected", "--self", "--id", "code",
                                   "--min-area", "0", "--output", "{OUT}/c.csv")
    for ext in ("csv", "json", "gpkg"):
        c[f"demo_validate.{ext}"] = cli("validate", "--layer", red, "--id", "code", "--output", f"{{OUT}}/v.{ext}")
    shore = ["shoreline", "--lines", f"{d}/china.gpkg:coast", "--by", f"{d}/china.gpkg:provinces", "--by-id",
             "name", "--by-snap-m", "10000"]
    c["demo_shoreline_field.csv"] = cli(*shore, "--class-field", "type", "--artificial", "artificial",
                                        "--output", "{OUT}/s.csv", "--segments", "{OUT}/seg.gpkg")
    c["demo_shoreline_field.json"] = cli(*shore, "--class-field", "type", "--artificial", "artificial",
                                         "--estuary-rule", "excluded", "--output", "{OUT}/s.json",
                                         "--segments", "{OUT}/seg.csv")
    c["demo_shoreline_raster"] = cli(*shore, "--raster", f"{d}/lc_2020.tif", "--output", "{OUT}/s.csv")
    c["demo_report"] = cli("report", "--config", f"{d}/indicators.yaml", "--output-dir", "{OUT}/report")
    # synth data
    sr, sc, su = f"{s}/plan.gpkg:redline", f"{s}/plan.gpkg:cropland", f"{s}/plan.gpkg:urban"
    c["synth_data"] = cli("synth", "--size", "700", "--zones", "25", "--seed", "5", "{OUT}/synth")
    c["synth_zonal"] = cli("zonal", "--raster", f"{s}/lc_t0.tif", "--zones", sr, "--id", "code", "--classes", "clcd",
                           "--tile-size", "256", "--output", "{OUT}/z.csv")
    c["synth_zonal_regions.gpkg"] = cli("zonal", "--raster", f"{s}/lc_t1.tif", "--zones", f"{s}/plan.gpkg:regions",
                                        "--id", "name", "--output", "{OUT}/z.gpkg")
    c["synth_zonal_dissolve"] = cli("zonal", "--raster", f"{s}/lc_t1.tif", "--zones", sc, "--dissolve",
                                    "--output", "{OUT}/z.json")
    c["synth_change"] = cli("change", "--t0", f"{s}/lc_t0.tif", "--t1", f"{s}/lc_t1.tif", "--zones", sr, "--id",
                            "code", "--permitted", f"{s}/plan.gpkg:permitted", "--matrix", "{OUT}/m.csv",
                            "--patches", "{OUT}/p.gpkg")
    c["synth_conflicts"] = cli("conflicts", "--layer", sr, "--layer", sc, "--layer", su, "--id", "code",
                               "--output", "{OUT}/c.gpkg")
    c["synth_area_within"] = cli("area", "--layer", sr, "--id", "code", "--within", f"{s}/plan.gpkg:land",
                                 "--output", "{OUT}/a.csv")
    c["synth_shoreline_raster"] = cli("shoreline", "--lines", f"{s}/plan.gpkg:shoreline", "--raster",
                                      f"{s}/lc_t1.tif", "--mainland", f"{s}/plan.gpkg:land", "--by",
                                      f"{s}/plan.gpkg:regions", "--by-id", "name", "--output", "{OUT}/s.json",
                                      "--segments", "{OUT}/seg.csv")
    return c


PY_CASES = r'''
import json, pathlib, sys
import numpy as np
import redline
from osgeo import gdal
d, s, out, threads = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3]), int(sys.argv[4])
def save(name, df):
    df.to_csv(out / f"{name}.csv", index=False, float_format=None)
    extra = {k: v for k, v in df.attrs.items()}
    (out / f"{name}.attrs.json").write_text(json.dumps(extra, sort_keys=True, indent=1, default=str))
save("zonal", redline.zonal(f"{d}/lc_2020.tif", f"{d}/plan.gpkg:redline", id="code", classes="clcd",
                            threads=threads, output=out / "zonal_out.json"))
ds = gdal.Open(f"{s}/lc_t0.tif")
arr = ds.GetRasterBand(1).ReadAsArray()
save("zonal_array", redline.zonal(arr, f"{s}/plan.gpkg:redline", id="code", transform=ds.GetGeoTransform(),
                                  crs=ds.GetProjection(), nodata=0, threads=threads))
import geopandas
gdf = geopandas.read_file(f"{s}/plan.gpkg", layer="regions")
save("zonal_gdf", redline.zonal(f"{s}/lc_t1.tif", gdf, id="name", threads=threads))
m, p = redline.change(f"{d}/lc_2015.tif", f"{d}/lc_2020.tif", f"{d}/plan.gpkg:redline", id="code",
                      permitted=f"{d}/plan.gpkg:permitted", threads=threads,
                      matrix_output=out / "m_out.csv", patches_output=out / "p_out.gpkg")
save("change_matrix", m)
save("change_patches", p)
save("area", redline.area(f"{d}/plan.gpkg:protected", dissolve_by="kind", within=f"{d}/china.gpkg:land",
                          threads=threads, output=out / "area_out.csv"))
save("conflicts", redline.conflicts([f"{s}/plan.gpkg:redline", f"{s}/plan.gpkg:cropland"], id="code",
                                    threads=threads, output=out / "conflicts_out.gpkg"))
save("validate", redline.validate(f"{d}/plan.gpkg:redline", id="code", threads=threads))
save("shoreline", redline.shoreline(f"{d}/china.gpkg:coast", class_field="type", estuary=["estuary"],
                                    by=f"{d}/china.gpkg:provinces", by_id="name", threads=threads,
                                    output=out / "shoreline_out.json"))
rep = redline.report(f"{d}/indicators.yaml", output_dir=out / "report", threads=threads)
(out / "report_dict.json").write_text(json.dumps(rep, sort_keys=True, indent=1, ensure_ascii=False))
'''

DASK_CASE = r'''
import pathlib, sys
import redline, redline.distributed
from dask.distributed import Client, LocalCluster
d, s, out = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
if __name__ == "__main__":
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as lc, \
         Client(lc) as client:
        z = redline.distributed.zonal(f"{d}/lc_2020.tif", f"{d}/plan.gpkg:redline", id="code", classes="clcd",
                                      client=client, partitions=5)
        z.to_csv(out / "zonal.csv", index=False)
        m, p = redline.distributed.change(f"{s}/lc_t0.tif", f"{s}/lc_t1.tif", f"{s}/plan.gpkg:redline", id="code",
                                          client=client, partitions=3)
        m.to_csv(out / "matrix.csv", index=False)
        p.to_csv(out / "patches.csv", index=False)
'''


def run_case(name, argv, out, threads):
    out.mkdir(parents=True, exist_ok=True)
    args = [a.replace("{OUT}", str(out)) for a in argv] + ["--threads", str(threads), "--quiet"]
    p = subprocess.run([BIN, *args], capture_output=True, text=True, timeout=900)
    (out / "exit.txt").write_text(f"{p.returncode}\n")
    if p.returncode != 0 and not (argv[0] == "validate" and p.returncode == 5):
        raise SystemExit(f"golden case {name} failed (exit {p.returncode}): {' '.join(args)}\n{p.stderr}")
    (out / "stdout.txt").write_text(p.stdout, encoding="utf-8")
    (out / "stderr.txt").write_text(p.stderr, encoding="utf-8")


def run_python(script, name, argv, out):
    out.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["/usr/bin/python3", "-c", script, *map(str, argv)], capture_output=True, text=True,
                       timeout=900, cwd=out)
    if p.returncode != 0:
        raise SystemExit(f"golden case {name} failed (exit {p.returncode})\n{p.stderr}")


def files_of(folder):
    return sorted(f for f in folder.rglob("*") if f.is_file())


def run_all(outdir):
    outdir = pathlib.Path(outdir).resolve()
    if outdir.exists():
        shutil.rmtree(outdir)
    raw = outdir / "raw"
    norm = outdir / "normalised"
    data = outdir / "data"
    data.mkdir(parents=True)
    syn = data / "synth"
    p = subprocess.run([BIN, "synth", "--size", "700", "--zones", "25", "--seed", "5", "--quiet", str(syn)],
                       capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"redline synth failed: {p.stderr}")
    data_dirs = [DEMO.resolve(), syn]
    cases = cli_cases(DEMO.resolve(), syn)
    digests = {}
    problems = []

    def collect(name, runs):
        """runs: list of output folders of the same case (1 and 2 threads): must be identical."""
        base = runs[0]
        ref = {f.relative_to(base): normalise(f, data_dirs, base) for f in files_of(base)}
        for other in runs[1:]:
            got = {f.relative_to(other): normalise(f, data_dirs, other) for f in files_of(other)}
            if got != ref:
                diff = sorted(str(k) for k in set(ref) | set(got) if ref.get(k) != got.get(k))
                problems.append(f"{name}: {other.name} differs from {base.name} in {', '.join(diff)}")
        for rel, b in ref.items():
            key = f"{name}/{rel}"
            digests[key] = hashlib.sha256(b).hexdigest()
            target = norm / key
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(b)

    for i, (name, (kind, argv)) in enumerate(sorted(cases.items())):
        print(f"[{i + 1}/{len(cases) + 2}] {name}", flush=True)
        runs = []
        for t in (1, 2):
            o = raw / name / f"threads{t}"
            run_case(name, argv, o, t)
            runs.append(o)
        collect(name, runs)
    print(f"[{len(cases) + 1}/{len(cases) + 2}] python", flush=True)
    runs = []
    for t in (1, 2):
        o = raw / "python" / f"threads{t}"
        run_python(PY_CASES, "python", [DEMO.resolve(), syn, o, t], o)
        runs.append(o)
    collect("python", runs)
    print(f"[{len(cases) + 2}/{len(cases) + 2}] dask", flush=True)
    o = raw / "dask" / "local2"
    run_python(DASK_CASE, "dask", [DEMO.resolve(), syn, o], o)
    collect("dask", [o])
    # The Python and Dask tables equal the CLI's for the same job.
    for a, b in (("python/zonal_out.json", "demo_zonal_exact.json/zonal.json"),
                 ("python/m_out.csv", "demo_change.csv.gpkg/m.csv"),
                 ("python/p_out.gpkg", "demo_change.csv.gpkg/p.gpkg"),
                 ("python/report/report.json", "demo_report/report/report.json"),
                 ("dask/zonal.csv", "python/zonal.csv")):
        if digests.get(a) != digests.get(b):
            problems.append(f"{a} differs from {b} (the same job through another front door)")
    (outdir / "digests.json").write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
    return digests, problems


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in ("run", "check", "update", "diff"):
        print(__doc__)
        return 2
    mode = sys.argv[1]
    if mode == "diff":
        old, new = pathlib.Path(sys.argv[2]) / "normalised", pathlib.Path(sys.argv[3]) / "normalised"
        return subprocess.run(["diff", "-r", "-u", str(old), str(new)]).returncode
    temporary = len(sys.argv) <= 2
    outdir = pathlib.Path(sys.argv[2]) if not temporary else pathlib.Path(tempfile.mkdtemp(prefix="golden-"))
    digests, problems = run_all(outdir)
    for p in problems:
        print("PROBLEM:", p)
    if mode == "run":
        print(f"{len(digests)} outputs in {outdir}")
        return 1 if problems else 0
    if mode == "update":
        if problems:
            return 1
        if temporary:
            shutil.rmtree(outdir)
        DIGESTS.write_text(json.dumps(digests, indent=1, sort_keys=True) + "\n")
        print(f"wrote {DIGESTS} ({len(digests)} outputs)")
        return 0
    want = json.loads(DIGESTS.read_text())
    bad = sorted(k for k in set(want) | set(digests) if want.get(k) != digests.get(k))
    for k in bad:
        print(f"DIFFERS: {k} (golden {want.get(k, 'absent')[:12]}, now {digests.get(k, 'absent')[:12]})")
    failed = bool(bad or problems)
    if temporary and not failed:
        shutil.rmtree(outdir)
        outdir = "(removed)"
    print(f"{len(digests)} outputs, {len(bad)} differ from tests/golden/digests.json; new outputs in {outdir}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
