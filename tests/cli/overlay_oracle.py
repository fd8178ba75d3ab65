"""Independent reference computations for the overlay CLI tests (area, conflicts): exact
ellipsoidal areas of lon/lat rectangles on CGCS2000/GRS80 with the authalic closed form of
docs/geodesy.md#polygon-area, and exact union areas of rectangles by coordinate compression. Written from the
formulas, not from the engine's code."""
import math

A = 6378137.0
INV_F = 298.257222101
F = 1.0 / INV_F
E2 = F * (2.0 - F)
E = math.sqrt(E2)


def q(phi):
    s = math.sin(phi)
    return (1.0 - E2) * (s / (1.0 - E2 * s * s) - (1.0 / (2.0 * E)) * math.log((1.0 - E * s) / (1.0 + E * s)))


def rect_area(lon0, lat0, lon1, lat1):
    """Area (m2) of a lon/lat rectangle: 1/2 a^2 dlambda (q(phi1) - q(phi0))."""
    if lon1 <= lon0 or lat1 <= lat0:
        return 0.0
    return 0.5 * A * A * math.radians(lon1 - lon0) * (q(math.radians(lat1)) - q(math.radians(lat0)))


def rect_intersection_area(r, s):
    return rect_area(max(r[0], s[0]), max(r[1], s[1]), min(r[2], s[2]), min(r[3], s[3]))


def union_area(rects, area=rect_area):
    """Exact area of a union of rectangles (x0, y0, x1, y1): coordinate compression, each
    elementary cell measured by `area`."""
    xs = sorted({v for r in rects for v in (r[0], r[2])})
    ys = sorted({v for r in rects for v in (r[1], r[3])})
    total = 0.0
    for i in range(len(xs) - 1):
        for j in range(len(ys) - 1):
            cx, cy = 0.5 * (xs[i] + xs[i + 1]), 0.5 * (ys[j] + ys[j + 1])
            if any(r[0] < cx < r[2] and r[1] < cy < r[3] for r in rects):
                total += area(xs[i], ys[j], xs[i + 1], ys[j + 1])
    return total


def plane_rect_area(x0, y0, x1, y1):
    return max(0.0, x1 - x0) * max(0.0, y1 - y0)
