#pragma once
// Memory of a tiled run, for --max-memory and the "this job needs more memory than the machine
// has" warning (issues #8, #9).
//
// The model (measured with /usr/bin/time on synthetic provinces, see benchmarks/RESULTS.md):
//   need = fixed + cache + threads x tile_cells x bytes_per_tile_cell
// fixed: the process itself (libraries, PROJ database: ~64 MiB) plus the zones (their
// vertices are held three times: prepared geometry, zone set, tile index: ~48 bytes each, plus
// ~1 KiB per zone for names and tallies); cache: GDAL's block cache the reader asked for (0 when
// blocks are read one by one); per tile cell: the decoded classes and the coverage state of a
// worker's tile (zonal ~10 bytes, change ~28 bytes: two dates, dense coverage, patch labels).
// Reading and validating the zones happens before the plan and is not part of the model.
// Thread-safety: plain functions and values.
#include <cstdint>
#include <functional>
#include <string>

#include "redline/core/option_name.hpp"

namespace redline {

struct MemoryModel {
    std::int64_t fixed_bytes = 0;
    std::int64_t cache_bytes = 0;
    std::int64_t bytes_per_tile_cell = 10;
    // Bytes needed with `threads` workers on tiles of `tile_cells` cells.
    std::int64_t need(std::int64_t tile_cells, int threads) const;
};

// Process base (libraries, PROJ database) in bytes: 64 MiB.
constexpr std::int64_t kProcessBaseBytes = std::int64_t{64} << 20;

// Fixed part of the model for zones with `vertices` vertices in `zones` zones.
std::int64_t zones_memory_bytes(std::size_t vertices, std::size_t zones);

// Parses "2G", "512M", "1.5GiB", "800MB", "1000000" (bytes; K/M/G/T are powers of 1024, the
// "i" and "B" are optional). Throws InvalidInput naming `option` on anything else or <= 0.
std::int64_t parse_byte_size(const std::string& text,
                             const std::string& option = REDLINE_OPTION("max_memory"));

// "1.5 GiB", "640 MiB", "12 KiB".
std::string format_bytes(std::int64_t bytes);

// Memory the system can give without swapping (MemAvailable of /proc/meminfo), 0 if unknown.
std::int64_t available_memory_bytes();

struct TileChoice {
    std::int64_t tile_size = 0;   // the tile side to use
    std::int64_t need_bytes = 0;  // the model's need with it
    bool fits = true;             // need <= limit (always true without a limit)
};

// Tile side for a run: `requested` when it fits in `limit` bytes (0 = no limit), else the
// largest of requested/2, requested/4, ... down to `min_side` that fits; when none fits, the
// smallest with fits = false. `tile_cells(side)` gives the cells of the tiles a side gives (the
// tile plan rounds sides to the raster's blocks).
TileChoice choose_tile_size(const MemoryModel& model, std::int64_t requested, std::int64_t min_side,
                            int threads, std::int64_t limit,
                            const std::function<std::int64_t(std::int64_t)>& tile_cells);

}  // namespace redline
