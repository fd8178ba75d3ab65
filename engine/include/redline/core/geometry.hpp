#pragma once
// Plain polygon value types shared by every part of the engine. Coordinates are in the CRS of
// the layer they came from (metres, feet or degrees); nothing here knows about a CRS.
// Rings are stored closed (front() == back()). Polygon::rings[0] is the exterior, the rest are
// holes. Orientation is not normalised here: consumers that care (coverage) normalise it.
// Thread-safety: plain values; const access from many threads is safe.
#include <cstddef>
#include <limits>
#include <vector>

namespace redline {

struct Point {
    double x = 0;
    double y = 0;
    bool operator==(const Point&) const = default;
};

struct Box {
    double xmin = std::numeric_limits<double>::infinity();
    double ymin = std::numeric_limits<double>::infinity();
    double xmax = -std::numeric_limits<double>::infinity();
    double ymax = -std::numeric_limits<double>::infinity();

    bool empty() const { return !(xmin <= xmax && ymin <= ymax); }
    void expand(const Point& p) {
        if (p.x < xmin) xmin = p.x;
        if (p.x > xmax) xmax = p.x;
        if (p.y < ymin) ymin = p.y;
        if (p.y > ymax) ymax = p.y;
    }
    void expand(const Box& b) {
        if (b.empty()) return;
        expand(Point{b.xmin, b.ymin});
        expand(Point{b.xmax, b.ymax});
    }
    bool intersects(const Box& o) const {
        return !empty() && !o.empty() && xmin <= o.xmax && o.xmin <= xmax && ymin <= o.ymax &&
               o.ymin <= ymax;
    }
};

using Ring = std::vector<Point>;

struct Polygon {
    std::vector<Ring> rings;  // rings[0] exterior, others holes; each closed
};

struct MultiPolygon {
    std::vector<Polygon> polygons;

    bool empty() const { return polygons.empty(); }
    std::size_t num_points() const;
    Box bounds() const;
};

// Signed shoelace area of a closed ring in its own coordinate units (positive when the ring
// turns counter-clockwise in an x-right, y-up frame).
double signed_area(const Ring& ring);

// Planar area (units^2) of a multipolygon: |exteriors| - |holes|. For tests and equal-area CRSs.
double planar_area(const MultiPolygon& mp);

// Makes every ring closed by appending its first point when needed.
void close_rings(MultiPolygon& mp);

// A line string (shorelines) and a multi-line.
using LineString = std::vector<Point>;
struct MultiLineString {
    std::vector<LineString> lines;
    std::size_t num_points() const;
    Box bounds() const;
};

}  // namespace redline
