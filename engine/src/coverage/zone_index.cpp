#include "redline/coverage/zone_index.hpp"

#include <algorithm>
#include <cmath>

namespace redline {
namespace {

// Widening of an edge's column span, in cells: far more than the rounding of the rasterizer's
// interpolation, so an edge listed left of a tile lies strictly left of its first column in
// every row and one listed right of it starts at or after its end.
constexpr double kMargin = 1.0;

}  // namespace

ZoneIndex::ZoneIndex(const ZoneSet& zones, const TilePlan& plan, std::int64_t checkpoint_every)
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
        if ((ty1 - ty0 > 1 || tx1 - tx0 > 1) && zr.edges > kBucketEdges)
            build_buckets(z, tx0, tx1, ty0, ty1, checkpoint_every);
    }
    for (std::size_t t = 0; t < m_tile_zones.size(); ++t)
        if (!m_tile_zones[t].empty()) m_busy.push_back(t);
}

ZoneIndex::~ZoneIndex() = default;

void ZoneIndex::build_buckets(std::size_t z, std::int64_t tx0, std::int64_t tx1, std::int64_t ty0,
                              std::int64_t ty1, std::int64_t checkpoint_every) {
    auto bk = std::make_unique<Buckets>();
    bk->band0 = ty0;
    bk->tx0 = tx0;
    bk->ncols = tx1 - tx0;
    bk->zone = z;
    const auto nbands = static_cast<std::size_t>(ty1 - ty0);
    const auto ncols = static_cast<std::size_t>(bk->ncols);
    const auto& zr = m_zones.zone(z);
    const std::size_t first = m_zones.ring(zr.ring_begin).begin;
    const auto& xs = m_zones.xs();
    const auto& ys = m_zones.ys();
    const double tr = static_cast<double>(m_plan.tile_rows());
    const double tc = static_cast<double>(m_plan.tile_cols());
    // Calls f(band, first column, last column, entry) for every band an edge has a part in.
    auto visit = [&](auto&& f) {
        for (std::size_t r = zr.ring_begin; r < zr.ring_end; ++r) {
            const auto& ring = m_zones.ring(r);
            const std::uint32_t flag = ring.sign < 0 ? 0x80000000u : 0u;
            for (std::size_t i = ring.begin; i + 1 < ring.end; ++i) {
                if (ys[i] == ys[i + 1]) continue;
                const bool up = ys[i] < ys[i + 1];
                const double xl = up ? xs[i] : xs[i + 1], yl = up ? ys[i] : ys[i + 1];
                const double xh = up ? xs[i + 1] : xs[i], yh = up ? ys[i + 1] : ys[i];
                const double ey = yh - yl, ex = xh - xl;
                auto lo = static_cast<std::int64_t>(std::floor(yl / tr));
                auto hi = static_cast<std::int64_t>(std::floor(yh / tr));
                lo = std::max(lo, ty0);
                hi = std::min(hi, ty1 - 1);
                const auto entry = static_cast<std::uint32_t>(i - first) | flag;
                for (std::int64_t band = lo; band <= hi; ++band) {
                    // The edge's x range within the band's rows.
                    const double b0 = std::max(yl, static_cast<double>(band) * tr);
                    const double b1 = std::min(yh, static_cast<double>(band + 1) * tr);
                    const double xa = b0 == yl ? xl : xl + (b0 - yl) / ey * ex;
                    const double xb = b1 == yh ? xh : xl + (b1 - yl) / ey * ex;
                    const double lo_x = std::min(xa, xb) - kMargin;
                    const double hi_x = std::max(xa, xb) + kMargin;
                    auto c0 = static_cast<std::int64_t>(std::floor(lo_x / tc));
                    auto c1 = static_cast<std::int64_t>(std::floor(hi_x / tc));
                    c0 = std::clamp(c0, tx0, tx1 - 1) - tx0;
                    c1 = std::clamp(c1, tx0, tx1 - 1) - tx0;
                    f(static_cast<std::size_t>(band - ty0), static_cast<std::size_t>(c0),
                      static_cast<std::size_t>(c1), entry);
                }
            }
        }
    };
    // Count, then fill: per column, the edges ending there first.
    std::vector<std::uint64_t> count(nbands * ncols, 0);
    std::vector<std::uint32_t> ending(nbands * ncols, 0);
    visit([&](std::size_t band, std::size_t c0, std::size_t c1, std::uint32_t) {
        for (std::size_t c = c0; c <= c1; ++c) ++count[band * ncols + c];
        ++ending[band * ncols + c1];
    });
    std::uint64_t total = 0, carry_rows = 0;
    bk->bands.resize(nbands);
    std::vector<std::uint64_t> fill_end(nbands * ncols), fill_rest(nbands * ncols);
    for (std::size_t band = 0; band < nbands; ++band) {
        auto b = std::make_unique<Band>();
        const Window tile = m_plan.tile(static_cast<std::size_t>(
            (ty0 + static_cast<std::int64_t>(band)) * m_plan.tiles_x() + tx0));
        b->row0 = tile.row0;
        b->rows = tile.rows;
        b->start.resize(ncols + 1);
        b->ending.resize(ncols);
        std::uint64_t s = 0;
        for (std::size_t c = 0; c < ncols; ++c) {
            b->start[c] = s;
            b->ending[c] = ending[band * ncols + c];
            fill_end[band * ncols + c] = s;
            fill_rest[band * ncols + c] = s + ending[band * ncols + c];
            s += count[band * ncols + c];
        }
        b->start[ncols] = s;
        b->entries.resize(s);
        total += s;
        carry_rows += static_cast<std::uint64_t>(b->rows) * (ncols - 1);
        bk->bands[band] = std::move(b);
    }
    visit([&](std::size_t band, std::size_t c0, std::size_t c1, std::uint32_t e) {
        auto& entries = bk->bands[band]->entries;
        for (std::size_t c = c0; c < c1; ++c) entries[fill_rest[band * ncols + c]++] = e;
        entries[fill_end[band * ncols + c1]++] = e;
    });
    // Checkpoint spacing: carries (9 bytes per row and checkpoint without moments) at most
    // about half of the entries' 4 bytes.
    const std::uint64_t carry_bytes = 9 * carry_rows,
                        budget = std::max<std::uint64_t>(2 * total, 1);
    const auto k = checkpoint_every > 0
                       ? checkpoint_every
                       : static_cast<std::int64_t>((carry_bytes + budget - 1) / budget);
    bk->k = std::clamp<std::int64_t>(k, 1, std::max<std::int64_t>(bk->ncols, 1));
    m_bucket_of[z] = static_cast<std::int64_t>(m_buckets.size());
    m_buckets.push_back(std::move(bk));
}

void ZoneIndex::compute_carry(const Buckets& bk, Band& b, int flavour) const {
    const std::int64_t ncheck = (bk.ncols - 1) / bk.k;
    if (ncheck <= 0) return;
    const auto n = static_cast<std::size_t>(ncheck * b.rows);
    const bool moments = flavour == 1;
    const CoverageMode mode = flavour == 2 ? CoverageMode::Centroid : CoverageMode::Exact;
    auto& cov = b.cov[flavour];
    auto& mom = b.mom[flavour];
    auto& touched = b.touched[flavour];
    cov.assign(n, 0);
    if (moments) mom.assign(n, 0);
    touched.assign(n, 0);
    const auto& zr = m_zones.zone(bk.zone);
    const std::size_t first = m_zones.ring(zr.ring_begin).begin;
    const auto& xs = m_zones.xs();
    const auto& ys = m_zones.ys();
    const auto rows = static_cast<std::size_t>(b.rows);
    // Each edge adds to the first checkpoint right of its last column, then a prefix sum.
    for (std::int64_t c = 0; c < ncheck * bk.k; ++c) {
        const std::size_t at = static_cast<std::size_t>(c / bk.k) * rows;
        const std::uint64_t s = b.start[static_cast<std::size_t>(c)];
        const std::uint64_t e = s + b.ending[static_cast<std::size_t>(c)];
        for (std::uint64_t k = s; k < e; ++k) {
            const std::uint32_t v = b.entries[k];
            const std::size_t i = first + (v & 0x7fffffffu);
            CoverageRasterizer::left_carry(mode, moments, xs[i], ys[i], xs[i + 1], ys[i + 1],
                                           (v & 0x80000000u) ? -1 : 1, b.row0, b.rows,
                                           cov.data() + at, moments ? mom.data() + at : nullptr,
                                           touched.data() + at);
        }
    }
    for (std::size_t i = rows; i < n; ++i) {
        cov[i] += cov[i - rows];
        if (moments) mom[i] += mom[i - rows];
        touched[i] |= touched[i - rows];
    }
}

void ZoneIndex::rasterize(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                          const Window& window) const {
    rasterize_edges(r, z, tile, window);
    r.finish();
}

void ZoneIndex::rasterize_edges(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                                const Window& window) const {
    const std::int64_t bi = m_bucket_of[z];
    r.begin(window);
    if (bi < 0) {
        m_zones.for_each_edge(z, [&](double xa, double ya, double xb, double yb, int sign) {
            r.add_edge(xa, ya, xb, yb, sign);
        });
        return;
    }
    const Buckets& bk = *m_buckets[static_cast<std::size_t>(bi)];
    const auto t = static_cast<std::int64_t>(tile);
    Band& b = *bk.bands[static_cast<std::size_t>(t / m_plan.tiles_x() - bk.band0)];
    const std::int64_t col = t % m_plan.tiles_x() - bk.tx0;
    const std::int64_t check = col / bk.k;
    if (check > 0) {
        const int flavour = r.mode() == CoverageMode::Centroid ? 2 : (r.moments() ? 1 : 0);
        std::call_once(b.once[flavour], [&] { compute_carry(bk, b, flavour); });
        const auto at = static_cast<std::size_t>((check - 1) * b.rows);
        r.add_left_carry(b.row0, b.rows, b.cov[flavour].data() + at,
                         flavour == 1 ? b.mom[flavour].data() + at : nullptr,
                         b.touched[flavour].data() + at);
    }
    const auto& zr = m_zones.zone(z);
    const std::size_t first = m_zones.ring(zr.ring_begin).begin;
    const auto& xs = m_zones.xs();
    const auto& ys = m_zones.ys();
    auto feed = [&](std::uint64_t s, std::uint64_t e) {
        for (std::uint64_t k = s; k < e; ++k) {
            const std::uint32_t v = b.entries[k];
            const std::size_t i = first + (v & 0x7fffffffu);
            r.add_edge(xs[i], ys[i], xs[i + 1], ys[i + 1], (v & 0x80000000u) ? -1 : 1);
        }
    };
    // Edges ending between the checkpoint and this column (left of the tile), then the column's.
    for (std::int64_t c = check * bk.k; c < col; ++c) {
        const std::uint64_t s = b.start[static_cast<std::size_t>(c)];
        feed(s, s + b.ending[static_cast<std::size_t>(c)]);
    }
    feed(b.start[static_cast<std::size_t>(col)], b.start[static_cast<std::size_t>(col) + 1]);
}

}  // namespace redline
