"""Lon/lat rings around a pole and across the antimeridian (docs/geodesy-rings.md) in `area`,
`area --dissolve`, `conflicts`, `zonal` and `report`: the polar cap and the rectangles against
the authalic closed form (overlay_oracle), no phantom overlap across 180 degrees, and exit 2 with
the reason where a ring has no single meaning or cannot be transformed."""
import json
import math

import numpy as np
import pytest

from overlay_oracle import A, q, rect_area
from redline_testkit import ALBERS, box_wkt, read_csv_text, run, write_layer, write_raster

REL = 1e-9


def rel(a, b):
    return abs(a / b - 1.0)


def cap_area(lat):
    """The ellipsoidal polar cap beyond latitude `lat` (towards the nearer pole): the zone between
    lat and the pole over 360 degrees, 1/2 a^2 (2 pi) |q(pole) - q(lat)|."""
    pole = math.copysign(90.0, lat)
    return 0.5 * A * A * 2.0 * math.pi * abs(q(math.radians(pole)) - q(math.radians(lat)))


def wkt(points):
    pts = list(points) + [points[0]]
    return "POLYGON((" + ",".join(f"{x!r} {y!r}" for x, y in pts) + "))"


def around(lat, lon0=-170.0, step=10.0, reduce=True):
    """Vertices along parallel `lat` every `step` degrees eastward from lon0; reduce=True keeps
    longitudes in [-180, 180) (a jump of 360 - step somewhere), False runs them on beyond 180
    (GSHHG's Antarctica: -168.9 .. 190.6) and jumps back at the closing edge."""
    pts = []
    for k in range(int(round(360 / step))):
        x = lon0 + k * step
        if reduce and x >= 180:
            x -= 360
        pts.append((x, lat))
    return pts


# TopoJSON (npm world-atlas) stores Fiji's Vanua Levu with edges jumping across the map.
FIJI_D3 = [(-180, -16.07), (-179.8, -16.02), (-179.9, -16.5), (-180, -16.56), (179.4, -16.8), (178.7, -17.0),
           (178.6, -16.6), (180, -16.07)]
FIJI_CONTINUOUS = [(180, -16.07), (180.2, -16.02), (180.1, -16.5), (180, -16.56), (179.4, -16.8), (178.7, -17.0),
                   (178.6, -16.6)]


@pytest.fixture
def world(tmp_path):
    """EPSG:4326 layer 'land': a ring around the south pole along 70S (GSHHG-style, longitudes
    -168.9 .. 191.1), one around the north pole along 80N (reduced into [-180, 180)), and two
    rectangles touching along the antimeridian (170..180 and -180..-170, 20S..10S)."""
    p = write_layer(tmp_path / "world.gpkg", "land",
                    [wkt(around(-70, -168.9, 7.5, reduce=False)), wkt(around(80, -175, 5)),
                     box_wkt(170, -20, 180, -10), box_wkt(-180, -20, -170, -10)],
                    crs="EPSG:4326", fields={"name": ["antarctica", "arctic", "west", "east"]})
    return tmp_path, p


def test_area_of_rings_around_each_pole_is_the_polar_cap(world):
    d, p = world
    r = run("area", "--layer", f"{p}:land", "--id", "name")
    assert r.returncode == 0, r.stderr
    got = {row["id"]: float(row["area_m2"]) for row in read_csv_text(r.stdout)}
    assert rel(got["antarctica"], cap_area(-70)) < REL
    assert rel(got["arctic"], cap_area(80)) < REL
    assert rel(got["west"], rect_area(170, -20, 180, -10)) < REL
    assert "2 exterior rings wind around a pole and are measured as the region containing it" in r.stderr
    assert "'antarctica' (south pole), 'arctic' (north pole)" in r.stderr
    # Natural Earth closes the same ring along the pole: a plain ring, the same area.
    ne = [(x, -70.0) for x in range(-180, 181, 10)] + [(180, -90), (-180, -90)]
    p2 = write_layer(d / "ne.gpkg", "land", [wkt(ne)], crs="EPSG:4326")
    r = run("area", "--layer", f"{p2}:land")
    assert r.returncode == 0, r.stderr
    assert rel(float(read_csv_text(r.stdout)[0]["area_m2"]), cap_area(-70)) < REL
    assert "warning" not in r.stderr


def test_dissolve_across_the_antimeridian_has_no_phantom_and_no_lost_overlap(world):
    d, p = world
    r = run("area", "--layer", f"{p}:land", "--dissolve")
    assert r.returncode == 0, r.stderr
    (row,) = read_csv_text(r.stdout)
    expected = cap_area(-70) + cap_area(80) + rect_area(170, -20, 190, -10)
    assert rel(float(row["area_m2"]), expected) < REL
    assert rel(float(row["sum_m2"]), expected) < REL
    assert float(row["overlap_m2"]) == 0.0  # touching along 180 (and the caps' seams) is no overlap
    # A rectangle stored beyond 180 (GSHHG) over both sides: its real overlap is seen whole.
    p2 = write_layer(d / "over.gpkg", "land",
                     [box_wkt(170, -20, 180, -10), box_wkt(-180, -20, -170, -10), box_wkt(175, -15, 185, -12)],
                     crs="EPSG:4326")
    (row,) = read_csv_text(run("area", "--layer", f"{p2}:land", "--dissolve").stdout)
    assert rel(float(row["overlap_m2"]), rect_area(175, -15, 185, -12)) < REL
    assert rel(float(row["area_m2"]), rect_area(170, -20, 190, -10)) < REL


def test_topojson_ring_with_jumping_edges_is_an_island_not_a_band(tmp_path):
    """Read literally, the jumping ring is a band around the globe that swallows the small
    rectangle at 10E (a phantom overlap in the dissolve); read across the antimeridian it is the
    island, disjoint from the rectangle."""
    p = write_layer(tmp_path / "d3.gpkg", "land", [wkt(FIJI_D3), box_wkt(10, -16.5, 11, -16.3)], crs="EPSG:4326")
    p2 = write_layer(tmp_path / "cont.gpkg", "land", [wkt(FIJI_CONTINUOUS)], crs="EPSG:4326")
    island = float(read_csv_text(run("area", "--layer", f"{p2}:land").stdout)[0]["area_m2"])
    r = run("area", "--layer", f"{p}:land")
    assert r.returncode == 0, r.stderr
    assert "1 ring with edges spanning more than 180 degrees of longitude is read as crossing the antimeridian" in r.stderr
    assert rel(float(read_csv_text(r.stdout)[0]["area_m2"]), island) < 1e-12
    assert island < 2e10
    (row,) = read_csv_text(run("area", "--layer", f"{p}:land", "--dissolve").stdout)
    assert float(row["overlap_m2"]) == 0.0
    assert rel(float(row["area_m2"]), island + rect_area(10, -16.5, 11, -16.3)) < 1e-12


def test_conflicts_inside_a_polar_cap_and_across_the_antimeridian(world):
    d, p = world
    other = write_layer(d / "other.gpkg", "plan",
                        [box_wkt(10, -80, 20, -75), box_wkt(175, -15, 185, -12), box_wkt(0, 60, 10, 70)],
                        crs="EPSG:4326", fields={"code": ["ice", "dateline", "apart"]})
    r = run("conflicts", "--layer", f"{p}:land", "--id", "name", "--layer", f"{other}:plan", "--id", "code")
    assert r.returncode == 0, r.stderr
    rows = {(x["id_a"], x["id_b"]): float(x["area_m2"]) for x in read_csv_text(r.stdout)}
    assert set(rows) == {("antarctica", "ice"), ("west", "dateline"), ("east", "dateline")}
    assert rel(rows[("antarctica", "ice")], rect_area(10, -80, 20, -75)) < REL
    assert rel(rows[("west", "dateline")], rect_area(175, -15, 180, -12)) < REL
    assert rel(rows[("east", "dateline")], rect_area(180, -15, 185, -12)) < REL


def test_zonal_on_a_lonlat_raster_covers_the_polar_cap(world):
    d, p = world
    arr = np.ones((180, 360), dtype=np.uint8)
    arr[:, 180:] = 2  # east of Greenwich
    ras = write_raster(d / "world.tif", arr, (-180, 1, 0, 90, 0, -1), "EPSG:4326")
    r = run("zonal", "--raster", ras, "--zones", f"{p}:land", "--id", "name")
    assert r.returncode == 0, r.stderr
    rows = {(x["zone"], x["class"]): float(x["area_m2"]) for x in read_csv_text(r.stdout)}
    # Each zone's ring lies on cell edges: coverage is exact, half of each cap is in each class.
    for cls in ("1", "2"):
        assert rel(rows[("antarctica", cls)], cap_area(-70) / 2) < REL
        assert rel(rows[("arctic", cls)], cap_area(80) / 2) < REL
    assert rel(rows[("west", "2")], rect_area(170, -20, 180, -10)) < REL
    assert rel(rows[("east", "1")], rect_area(-180, -20, -170, -10)) < REL


def test_zonal_with_a_projected_raster_refuses_a_ring_around_a_pole(world):
    d, p = world
    ras = write_raster(d / "alb.tif", np.ones((10, 10), dtype=np.uint8), (0, 1000, 0, 3000000, 0, -1000), ALBERS)
    out = d / "z.csv"
    r = run("zonal", "--raster", ras, "--zones", f"{p}:land", "--id", "name", "--reproject", "--output", out)
    assert r.returncode == 2, r.stderr
    for part in ("zone 'antarctica' of layer 'land'", "winds once around the polar axis",
                 "the region containing the south pole", "cannot be transformed into the CRS of raster",
                 "Fix:", "docs/geodesy-rings.md"):
        assert part in r.stderr, r.stderr
    assert not out.exists()


def test_area_within_a_projected_layer_refuses_to_transform_a_ring_around_a_pole(world):
    d, p = world
    plan = write_layer(d / "plan.gpkg", "plan", [box_wkt(0, 3000000, 1000, 3001000)], crs=ALBERS)
    r = run("area", "--layer", f"{plan}:plan", "--within", f"{p}:land", "--reproject")
    assert r.returncode == 2, r.stderr
    assert "feature '1' of layer 'land'" in r.stderr and "south pole" in r.stderr, r.stderr


def test_report_land_area_counts_the_polar_cap(tmp_path):
    p = write_layer(tmp_path / "rep.gpkg", "land",
                    [wkt(around(-70)), box_wkt(170, -20, 180, -10), box_wkt(-180, -20, -170, -10)], crs="EPSG:4326")
    write_layer(p, "redline", [box_wkt(175, -15, 185, -12)], crs="EPSG:4326", append=True)
    cfg = tmp_path / "r.yaml"
    cfg.write_text("version: 1\ntitle: poles\nyear: 2020\ninputs:\n  land: rep.gpkg:land\n  redline: rep.gpkg:redline\n",
                   encoding="utf-8")
    out = tmp_path / "out"
    r = run("report", "--config", cfg, "--output-dir", out, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    rep = json.loads((out / "report.json").read_text(encoding="utf-8"))
    expected = cap_area(-70) + rect_area(170, -20, 190, -10)
    assert rel(rep["land"]["computed_km2"] * 1e6, expected) < REL
    ecr = {i["id"]: i for i in rep["indicators"]}["ecr_area"]
    assert rel(ecr["details"]["land_part_km2"] * 1e6, rect_area(175, -15, 185, -12)) < REL
    assert ecr["details"]["overlap_m2"] == 0.0


@pytest.mark.parametrize("ring, reason", [
    ([(-180, -10), (180, -10), (180, 10), (-180, 10)], "collapses onto one meridian"),
    ([(x, -70.0) for x in range(-180, 181, 20)], "the two readings disagree"),  # TopoJSON's Antarctica
    (around(0.0), "the same area"),
])
def test_rings_without_one_meaning_exit_2_naming_the_feature(tmp_path, ring, reason):
    p = write_layer(tmp_path / "bad.gpkg", "land", [box_wkt(0, 0, 1, 1), wkt(ring)], crs="EPSG:4326",
                    fields={"name": ["ok", "bad"]})
    out = tmp_path / "a.csv"
    for extra in ([], ["--dissolve"]):
        r = run("area", "--layer", f"{p}:land", "--id", "name", "--output", out, *extra)
        assert r.returncode == 2, r.stderr
        assert "feature 'bad' of layer 'land'" in r.stderr, r.stderr
        assert reason in r.stderr, r.stderr
        assert "Fix: split the ring at the antimeridian" in r.stderr
        assert not out.exists()
