#pragma once
// Which zones touch which tile, and for large zones which edges matter in which band of tile
// rows (an edge is needed in every tile of the rows it spans: edges left of a tile collapse onto
// its first column). Built once per job; read concurrently by the tile workers.
// Memory: one entry per (zone, tile) pair plus one per (edge, tile-row band) for zones with
// more than kBucketEdges edges spanning several bands.
#include <cstdint>
#include <vector>

#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/tile_plan.hpp"

namespace redline {

class ZoneIndex {
  public:
    static constexpr std::size_t kBucketEdges = 256;

    ZoneIndex(const ZoneSet& zones, const TilePlan& plan);

    // Zones touching tile t, ascending.
    const std::vector<std::uint32_t>& zones_of(std::size_t tile) const {
        return m_tile_zones[tile];
    }
    // Tiles that have at least one zone, ascending (the tasks of a job).
    const std::vector<std::size_t>& busy_tiles() const { return m_busy; }
    // Rasterizes zone z over `window` (inside tile `tile`) with only the edges that can matter
    // (dense coverage: r.row()).
    void rasterize(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                   const Window& window) const;
    // The same without finish(): the caller consumes the edges with r.scan().
    void rasterize_edges(CoverageRasterizer& r, std::size_t z, std::size_t tile,
                         const Window& window) const;
    std::uint64_t pairs() const { return m_pairs; }

  private:
    struct Buckets {
        std::int64_t band0 = 0;
        std::vector<std::vector<std::uint32_t>> bands;  // point offsets from the zone's first point
                                                        // with the orientation in the top bit
    };
    const ZoneSet& m_zones;
    const TilePlan& m_plan;
    std::vector<std::vector<std::uint32_t>> m_tile_zones;
    std::vector<std::size_t> m_busy;
    std::vector<std::int64_t> m_bucket_of;  // zone -> index in m_buckets or -1
    std::vector<Buckets> m_buckets;
    std::uint64_t m_pairs = 0;
};

}  // namespace redline
