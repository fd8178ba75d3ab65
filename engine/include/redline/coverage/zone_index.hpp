#pragma once
// Which zones touch which tile, and for large zones which edges matter in which tile. Built once
// per job; read concurrently by the tile workers.
//
// A zone with more than kBucketEdges edges spanning several tiles has its edges bucketed by
// (tile-row band, tile column): an edge is listed in every column its part in the band spans,
// widened by one cell on each side. A tile then walks only the edges listed in its own column;
// edges left of it (which the rasterizer would collapse onto the tile's first column) come as a
// precomputed per-row "left carry" (CoverageRasterizer::left_carry, bit-identical to walking
// them), and edges right of it add nothing and are skipped. The carries are kept at every K-th
// tile column of a band (checkpoints), K chosen so that they take at most about half the memory
// of the edge lists; a tile adds the carry of the checkpoint at or left of it and walks the
// edges that end between that checkpoint and itself. Carries are computed lazily, once per band
// and rasterizer flavour (exact, exact with moments, centroid), by the first tile that needs
// them.
//
// Memory: one entry per (zone, tile) pair; per bucketed zone one 4-byte entry per (edge, band,
// column) it spans plus the carry rows of the bands used (9 or 17 bytes per row and checkpoint).
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/tile_plan.hpp"

namespace redline {

class ZoneIndex {
  public:
    static constexpr std::size_t kBucketEdges = 256;

    // `checkpoint_every`: the checkpoint spacing K in tile columns; DEFAULT 0 = chosen by the
    // memory rule above (tests force small values).
    ZoneIndex(const ZoneSet& zones, const TilePlan& plan, std::int64_t checkpoint_every = 0);
    ~ZoneIndex();

    // Zones touching tile t, ascending.
    const std::vector<std::uint32_t>& zones_of(std::size_t tile) const {
        return m_tile_zones[tile];
    }
    // Tiles that have at least one zone, ascending (the tasks of a job).
    const std::vector<std::size_t>& busy_tiles() const { return m_busy; }
    // Rasterizes zone z over `window` (inside tile `tile`) with only the edges that can matter
    // (dense coverage: r.row()). Bit-identical to rasterizing all the zone's edges.
    void rasterize(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                   const Window& window) const;
    // The same without finish(): the caller consumes the edges with r.scan().
    void rasterize_edges(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                         const Window& window) const;
    std::uint64_t pairs() const { return m_pairs; }
    // Whether zone z is bucketed (its tiles walk only their own edges).
    bool bucketed(std::size_t z) const { return m_bucket_of[z] >= 0; }

  private:
    static constexpr int kFlavours = 3;  // exact, exact with moments, centroid
    struct Band {
        std::int64_t row0 = 0, rows = 0;     // global rows of the band
        std::vector<std::uint64_t> start;    // per column: first entry (size ncols + 1)
        std::vector<std::uint32_t> ending;   // per column: leading entries whose last column it is
        std::vector<std::uint32_t> entries;  // point offsets from the zone's first point with the
                                             // orientation in the top bit
        std::once_flag once[kFlavours];
        // Carry rows per flavour: checkpoint i (1-based, column i * K) at [(i - 1) * rows, ...).
        std::vector<std::uint64_t> cov[kFlavours], mom[kFlavours];
        std::vector<std::uint8_t> touched[kFlavours];
    };
    struct Buckets {
        std::int64_t band0 = 0, tx0 = 0, ncols = 0, k = 1;
        std::size_t zone = 0;
        std::vector<std::unique_ptr<Band>> bands;
    };
    void build_buckets(std::size_t z, std::int64_t tx0, std::int64_t tx1, std::int64_t ty0,
                       std::int64_t ty1, std::int64_t checkpoint_every);
    void compute_carry(const Buckets& bk, Band& b, int flavour) const;

    const ZoneSet& m_zones;
    const TilePlan& m_plan;
    std::vector<std::vector<std::uint32_t>> m_tile_zones;
    std::vector<std::size_t> m_busy;
    std::vector<std::int64_t> m_bucket_of;  // zone -> index in m_buckets or -1
    std::vector<std::unique_ptr<Buckets>> m_buckets;
    std::uint64_t m_pairs = 0;
};

}  // namespace redline
