#include "redline/ops/shoreline/shore_raster_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <climits>
#include <cmath>

#include "redline/core/class_table.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/line_measurer.hpp"

namespace redline {
namespace {

// Codes of the table named by `tokens` (codes or group names); DEFAULT the built_up group.
std::set<std::int64_t> artificial_codes_of(const ClassTable& table,
                                           const std::vector<std::string>& tokens) {
    std::set<std::int64_t> art;
    if (tokens.empty()) {
        for (auto c : table.codes_of("built_up")) art.insert(c);
        if (art.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("class table '{}' has no class in group built_up; name the artificial "
                             "classes with " REDLINE_OPTION("artificial_classes"),
                             table.id()));
        return art;
    }
    std::vector<std::string> known;
    for (const auto& [code, ci] : table.classes())
        known.push_back(fmt::format("{} {}", code, ci.name));
    for (const auto& tok0 : tokens) {
        const std::string tok = text::trim(tok0);
        if (tok.empty()) continue;
        if (auto code = text::parse_int(tok)) {
            if (!table.name_of(*code))
                fail(ErrorKind::InvalidInput,
                     fmt::format(
                         REDLINE_OPTION(
                             "artificial_classes") ": code {} is not a class of table '{}'; its "
                                                   "classes are: {}",
                         *code, table.id(), text::join_limited(known, 40)));
            art.insert(*code);
        } else if (ClassTable::is_group(tok)) {
            for (auto c : table.codes_of(tok)) art.insert(c);
        } else {
            fail(ErrorKind::InvalidInput,
                 fmt::format(
                     REDLINE_OPTION(
                         "artificial_classes") ": '{}' is neither a class code nor a group of "
                                               "table '{}'; give codes ({}) or groups ({})",
                     tok, table.id(), text::join_limited(known, 40),
                     fmt::join(ClassTable::group_names(), ", ")));
        }
    }
    return art;
}

}  // namespace

ShoreRasterModel ShoreRasterModel::build(const RasterSource& source, const std::string& classes,
                                         const std::vector<std::string>& artificial_classes,
                                         double densify_m, int threads) {
    const RasterInfo& info = source.info();
    ShoreRasterModel m;
    m.m_source = &source;
    m.m_grid = info.grid;
    const ClassTable table = ClassTable::load(classes.empty() ? std::string("clcd") : classes);
    const std::set<std::int64_t> art = artificial_codes_of(table, artificial_classes);
    m.m_artificial_codes.assign(art.begin(), art.end());
    m.m_nodata_codes = table.nodata_codes();
    for (const auto& [code, ci] : table.classes()) {
        if (m.is_nodata_code(code)) continue;
        if (code < INT32_MIN || code > INT32_MAX) continue;
        m.m_kind[static_cast<std::int32_t>(code)] =
            art.count(code) ? LandKind::Artificial : LandKind::Other;
    }
    m.m_areas = std::make_unique<CellAreaModel>(
        CellAreaModel::build(info.grid, make_crs(info.crs_wkt, info.crs_label), threads));
    for (const auto& w : m.m_areas->warnings()) m.m_warnings.push_back(w);
    for (const auto& w : info.warnings) m.m_warnings.push_back(w);
    // Typical cell size in metres, at the grid centre (only sizes chunks; never changes results).
    try {
        LineMeasurer lm(info.crs_wkt, densify_m);
        const Box e = info.grid.extent();
        const LocalMetric lmet = lm.metric_at(Point{(e.xmin + e.xmax) / 2, (e.ymin + e.ymax) / 2});
        m.m_cell_m = std::min(lmet.metres(info.grid.dx(), 0), lmet.metres(0, info.grid.dy()));
    } catch (const Error&) {
        m.m_cell_m = 30;
    }
    if (!(m.m_cell_m > 0) || !std::isfinite(m.m_cell_m)) m.m_cell_m = 30;
    return m;
}

bool ShoreRasterModel::is_nodata_code(std::int64_t v) const {
    return std::find(m_nodata_codes.begin(), m_nodata_codes.end(), v) != m_nodata_codes.end();
}

}  // namespace redline
