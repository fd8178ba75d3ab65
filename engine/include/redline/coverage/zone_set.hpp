#pragma once
// Zones converted to the raster's continuous cell coordinates (col = (x - x0)/dx,
// row = (y - y0)/dy), stored in flat arrays for the coverage kernel.
//
// Ring orientation is normalised here: every ring carries a sign so that, fed to the
// CoverageRasterizer, exteriors add +1 and holes subtract 1 whatever the input's winding
// (shapefiles are clockwise, GeoJSON counter-clockwise).
// Thread-safety: immutable after construction.
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/core/grid.hpp"
#include "redline/exec/progress.hpp"

namespace redline {

// An allocator whose value-initialisation leaves trivial values uninitialised: a vector resized
// to its final size is then filled by several threads without first being zeroed (which would
// touch every page at once while the source geometry is still held).
template <class T>
struct UninitAllocator : std::allocator<T> {
    template <class U>
    struct rebind {
        using other = UninitAllocator<U>;
    };
    UninitAllocator() = default;
    template <class U>
    UninitAllocator(const UninitAllocator<U>&) noexcept {}
    template <class U>
    void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
        ::new (static_cast<void*>(p)) U;
    }
    template <class U, class... A>
    void construct(U* p, A&&... a) {
        ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
    }
};

class ZoneSet {
  public:
    struct RingRef {
        std::size_t begin;  // first point
        std::size_t end;    // one past the last point (the last point repeats the first)
        int sign;           // +1 / -1 multiplier for the rasterizer
    };
    struct ZoneRef {
        std::size_t ring_begin = 0, ring_end = 0;
        double cmin = 0, cmax = 0, rmin = 0, rmax = 0;  // bounds in cell coordinates
        Window window;                                  // cells touched, clipped to the grid
        std::size_t edges = 0;
    };

    using Coords = std::vector<double, UninitAllocator<double>>;

    ZoneSet() = default;
    // Throws InvalidInput naming the zone (names[i]) when a coordinate is not finite or lies
    // more than 2^50 cells from the raster origin (the first such point in zone order).
    // DEFAULT threads 1: the polygons are converted on that many threads (0 = all cores); the
    // zone set is the same for any number.
    ZoneSet(const Grid& grid, const std::vector<MultiPolygon>& zones,
            const std::vector<std::string>& names, int threads = 1);
    // The same zone set, consuming `zones`: each zone's geometry is freed once converted and
    // freed heap pages are returned to the system as it goes, so the peak memory is about one
    // copy of the vertices instead of two (0.9 GB less for a national redline layer).
    // DEFAULT progress none: vertices converted, label "index".
    ZoneSet(const Grid& grid, std::vector<MultiPolygon>&& zones,
            const std::vector<std::string>& names, ProgressSink* progress = nullptr,
            int threads = 1);

    std::size_t size() const { return m_zones.size(); }
    const ZoneRef& zone(std::size_t z) const { return m_zones[z]; }
    const RingRef& ring(std::size_t r) const { return m_rings[r]; }
    const Coords& xs() const { return m_x; }
    const Coords& ys() const { return m_y; }
    const Grid& grid() const { return m_grid; }

    // Calls f(xa, ya, xb, yb, sign) for every edge of zone z.
    template <class F>
    void for_each_edge(std::size_t z, F&& f) const {
        const ZoneRef& zr = m_zones[z];
        for (std::size_t r = zr.ring_begin; r < zr.ring_end; ++r) {
            const RingRef& ring = m_rings[r];
            for (std::size_t i = ring.begin; i + 1 < ring.end; ++i)
                f(m_x[i], m_y[i], m_x[i + 1], m_y[i + 1], ring.sign);
        }
    }
    // Index of the ring holding point i (for edge lists).
    int sign_of_edge(std::size_t zone, std::size_t point) const;

  private:
    // `consume` (the same vector as `zones`, or null): each zone is freed once converted, and
    // freed memory goes back to the system only for layers of 4 M points or more. Returns the
    // point count.
    std::size_t build(const std::vector<MultiPolygon>& zones, const std::vector<std::string>& names,
                      std::vector<MultiPolygon>* consume, ProgressSink* progress, int threads);
    Grid m_grid;
    Coords m_x, m_y;
    std::vector<RingRef> m_rings;
    std::vector<ZoneRef> m_zones;
};

}  // namespace redline
