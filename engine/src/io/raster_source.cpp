#include "redline/io/raster_source.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/io/crs.hpp"

namespace redline {

void require_same_grid(const RasterInfo& a, const RasterInfo& b, const std::string& subject,
                       const std::string& next) {
    auto differ = [&](const std::string& what, const std::string& va, const std::string& vb) {
        fail(ErrorKind::InvalidInput,
             fmt::format("{} do not share a grid: their {} differ ('{}' has {}, '{}' has {}). "
                         "Warp one onto the other's grid first (gdalwarp -t_srs -te -tr -tap, "
                         "nearest neighbour), then {}.",
                         subject, what, a.path, va, b.path, vb, next));
    };
    if (!same_crs(a.crs_wkt, b.crs_wkt)) differ("CRSs", a.crs_label, b.crs_label);
    const Grid& ga = a.grid;
    const Grid& gb = b.grid;
    if (ga.cols() != gb.cols() || ga.rows() != gb.rows())
        differ("sizes", fmt::format("{} x {} cells", ga.cols(), ga.rows()),
               fmt::format("{} x {} cells", gb.cols(), gb.rows()));
    if (ga.dx() != gb.dx() || ga.dy() != gb.dy())
        differ("cell sizes", fmt::format("{} x {}", ga.dx(), ga.dy()),
               fmt::format("{} x {}", gb.dx(), gb.dy()));
    if (ga.x0() != gb.x0() || ga.y0() != gb.y0())
        differ("origins", fmt::format("({}, {})", ga.x0(), ga.y0()),
               fmt::format("({}, {})", gb.x0(), gb.y0()));
}

}  // namespace redline
