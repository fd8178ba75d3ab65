#pragma once
// Hand-made inputs for the shoreline tests: a metric CRS whose scale is 1 along its central
// meridian (so that metres on the ground are metres in the plane near x = 500000), small
// land-cover rasters in it, and measured lines.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/core/grid.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/io/memory_raster_source.hpp"
#include "test_support.hpp"

namespace redline::test {

// Transverse Mercator on 105E with k = 1: metric scale 1 along the central meridian x = 500000.
inline const char* const kTm =
    "+proj=tmerc +lat_0=0 +lon_0=105 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs";
inline constexpr double kY0 = 3300000.0;  // about 29.8N

// CLCD codes (docs/classes.md): 0 no data, 1 cropland, 2 forest, 8 impervious (built_up).
struct RasterFixture {
    std::vector<std::uint8_t> cells;
    Grid grid;
    std::string wkt;
    std::unique_ptr<MemoryRasterSource> source;

    // rows x 20 columns of 10 m from x = 499900, top edge at kY0 + 30; rows top-down, each
    // either one value for the whole row or 20 values. Cells of 0 are nodata.
    explicit RasterFixture(const std::vector<std::vector<std::uint8_t>>& rows) {
        const auto nrows = static_cast<std::int64_t>(rows.size());
        for (const auto& r : rows) {
            for (int c = 0; c < 20; ++c)
                cells.push_back(r.size() == 1 ? r[0] : r[static_cast<std::size_t>(c)]);
        }
        grid = Grid(499900, 10, kY0 + 30, -10, 20, nrows);
        wkt = wkt_of(kTm);
        source = std::make_unique<MemoryRasterSource>(cells.data(), CellType::UInt8, grid, wkt, 0);
    }
};

// 90 m along y = kY0 from west to east: land (left) to the north, in rows 0-2 of the fixture.
inline const LineString kEastward{{499955, kY0}, {500045, kY0}};

inline MultiLineString one_line(LineString l) {
    MultiLineString ml;
    ml.lines.push_back(std::move(l));
    return ml;
}

}  // namespace redline::test
