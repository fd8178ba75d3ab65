#include "redline/coverage/zone_index.hpp"

#include <cmath>

namespace redline {

ZoneIndex::ZoneIndex(const ZoneSet& zones, const TilePlan& plan)
    : m_zones(zones), m_plan(plan), m_tile_zones(plan.size()), m_bucket_of(zones.size(), -1) {
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const auto& zr = zones.zone(z);
        if (zr.window.empty()) continue;
        std::int64_t tx0, tx1, ty0, ty1;
        plan.tile_range(zr.window, tx0, tx1, ty0, ty1);
        for (std::int64_t ty = ty0; ty < ty1; ++ty)
            for (std::int64_t tx = tx0; tx < tx1; ++tx) {
                m_tile_zones[static_cast<std::size_t>(ty * plan.tiles_x() + tx)].push_back(
                    static_cast<std::uint32_t>(z));
                ++m_pairs;
            }
        if (ty1 - ty0 > 1 && zr.edges > kBucketEdges) {
            Buckets b;
            b.band0 = ty0;
            b.bands.resize(static_cast<std::size_t>(ty1 - ty0));
            const std::size_t first = zones.ring(zr.ring_begin).begin;
            const auto& ys = zones.ys();
            const double tr = static_cast<double>(plan.tile_rows());
            for (std::size_t r = zr.ring_begin; r < zr.ring_end; ++r) {
                const auto& ring = zones.ring(r);
                const std::uint32_t flag = ring.sign < 0 ? 0x80000000u : 0u;
                for (std::size_t i = ring.begin; i + 1 < ring.end; ++i) {
                    const double y0 = std::min(ys[i], ys[i + 1]), y1 = std::max(ys[i], ys[i + 1]);
                    if (y0 == y1) continue;
                    auto lo = static_cast<std::int64_t>(std::floor(y0 / tr));
                    auto hi = static_cast<std::int64_t>(std::floor(y1 / tr));
                    lo = std::max(lo, ty0);
                    hi = std::min(hi, ty1 - 1);
                    for (std::int64_t band = lo; band <= hi; ++band)
                        b.bands[static_cast<std::size_t>(band - ty0)].push_back(
                            static_cast<std::uint32_t>(i - first) | flag);
                }
            }
            m_bucket_of[z] = static_cast<std::int64_t>(m_buckets.size());
            m_buckets.push_back(std::move(b));
        }
    }
    for (std::size_t t = 0; t < m_tile_zones.size(); ++t)
        if (!m_tile_zones[t].empty()) m_busy.push_back(t);
}

void ZoneIndex::rasterize(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                          const Window& window) const {
    rasterize_edges(r, z, tile, window);
    r.finish();
}

void ZoneIndex::rasterize_edges(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                                const Window& window) const {
    const std::int64_t b = m_bucket_of[z];
    if (b < 0) {
        r.begin(window);
        m_zones.for_each_edge(z, [&](double xa, double ya, double xb, double yb, int sign) {
            r.add_edge(xa, ya, xb, yb, sign);
        });
        return;
    }
    const Buckets& bk = m_buckets[static_cast<std::size_t>(b)];
    const std::int64_t band = static_cast<std::int64_t>(tile) / m_plan.tiles_x() - bk.band0;
    r.begin(window);
    const auto& zr = m_zones.zone(z);
    const std::size_t first = m_zones.ring(zr.ring_begin).begin;
    const auto& xs = m_zones.xs();
    const auto& ys = m_zones.ys();
    for (std::uint32_t e : bk.bands[static_cast<std::size_t>(band)]) {
        const std::size_t i = first + (e & 0x7fffffffu);
        const int sign = (e & 0x80000000u) ? -1 : 1;
        r.add_edge(xs[i], ys[i], xs[i + 1], ys[i + 1], sign);
    }
}

}  // namespace redline
