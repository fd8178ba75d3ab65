#include "redline/ops/tabulate/area_check.hpp"

#include <fmt/format.h>

#include <limits>

#include "redline/core/error.hpp"
#include "redline/core/number_text.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/geom/point_on_surface.hpp"

namespace redline {

std::string AreaCheckTolerance::text() const {
    if (relative == 0) return fmt::format("{} m2", format_double(abs_m2));
    return fmt::format("{} m2 + {} x area", format_double(abs_m2), format_double(relative));
}

AreaCheckTolerance parse_check_tolerance(const std::string& text, const std::string& option) {
    const auto bad = [&] {
        fail(ErrorKind::InvalidInput,
             fmt::format("{} must be M2 or M2,RELATIVE (non-negative numbers, e.g. 0.005,1e-6: "
                         "0.005 m2 plus a millionth of the parcel's area), got '{}'",
                         option, text));
    };
    AreaCheckTolerance t;
    const auto comma = text.find(',');
    const auto abs = text::parse_double(text::trim(text.substr(0, comma)));
    if (!abs || !std::isfinite(*abs) || *abs < 0) bad();
    t.abs_m2 = *abs;
    t.relative = 0;
    if (comma != std::string::npos) {
        const auto rel = text::parse_double(text::trim(text.substr(comma + 1)));
        if (!rel || !std::isfinite(*rel) || *rel < 0) bad();
        t.relative = *rel;
    }
    return t;
}

TableSpec AreaCheck::table_spec(bool with_geometry) const {
    TableSpec spec;
    spec.layer_name = "area_check";
    spec.columns = {{"parcel", ColumnType::Text},
                    {"class", ColumnType::Text},
                    {"field_m2", ColumnType::Real},
                    {"area_m2", ColumnType::Real},
                    {"difference_m2", ColumnType::Real},
                    {"relative_difference", ColumnType::Real},
                    {"tolerance_m2", ColumnType::Real},
                    {"x", ColumnType::Real},
                    {"y", ColumnType::Real}};
    if (with_geometry) {
        spec.geometry = GeometryKind::Point;
        spec.crs_wkt = crs_wkt;
    }
    return spec;
}

std::vector<Value> AreaCheck::row_values(const AreaCheckRow& row) const {
    std::vector<Value> v;
    v.emplace_back(row.parcel);
    v.emplace_back(row.cls);
    v.emplace_back(row.field_m2);
    v.emplace_back(row.area_m2);
    v.emplace_back(row.difference_m2);
    if (std::isnan(row.relative_difference))
        v.emplace_back(std::monostate{});
    else
        v.emplace_back(row.relative_difference);
    v.emplace_back(row.tolerance_m2);
    v.emplace_back(row.location.x);
    v.emplace_back(row.location.y);
    return v;
}

nlohmann::json AreaCheck::summary() const {
    return nlohmann::json{{"field", field},
                          {"tolerance_m2", tolerance.abs_m2},
                          {"tolerance_relative", tolerance.relative},
                          {"checked", checked},
                          {"missing", missing},
                          {"failed", rows.size()},
                          {"max_abs_difference_m2", max_abs_difference_m2},
                          {"area_convention", "survey"}};
}

std::string AreaCheck::message(std::size_t max_examples) const {
    std::string msg = fmt::format(
        "" REDLINE_OPTION_VALUE("check_field", "'{}'") ": {} of {} parcel{} of {} differ from their survey-convention area by "
        "more than {}",
        field, rows.size(), checked, checked == 1 ? "" : "s", layer_text, tolerance.text());
    if (missing > 0)
        msg += fmt::format(" ({} parcel{} without a value not checked)", missing,
                           missing == 1 ? "" : "s");
    if (rows.empty())
        return msg +
               fmt::format("; largest difference {} m2", format_real(max_abs_difference_m2, 4));
    std::vector<std::string> ex;
    for (std::size_t k = 0; k < rows.size() && k < max_examples; ++k) {
        const auto& r = rows[k];
        ex.push_back(fmt::format("'{}' ({}) {} {} m2, computed {} m2 at ({}, {})", r.parcel, r.cls,
                                 field, format_double(r.field_m2), format_real(r.area_m2, 4),
                                 format_real(r.location.x, 2), format_real(r.location.y, 2)));
    }
    return msg + fmt::format("; {}{}",
                             rows.size() > ex.size() ? fmt::format("the first {}: ", ex.size())
                                                     : std::string(),
                             fmt::join(ex, "; "));
}

void AreaCheck::write(const std::string& output) const {
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                        "" REDLINE_OPTION("check_output") "");
    const bool gpkg = f == TableFormat::Gpkg;
    auto w = TableWriter::open(output, table_spec(gpkg), f, meta);
    for (const auto& r : rows) {
        if (gpkg)
            w->write(row_values(r), r.location);
        else
            w->write(row_values(r));
    }
    w->add_extra("summary", summary());
    w->commit();
}

AreaCheck check_parcel_areas(const std::string& field, const AreaCheckTolerance& tolerance,
                             const std::vector<std::string>& ids,
                             const std::vector<std::string>& classes,
                             const std::vector<MultiPolygon>& geoms,
                             const std::vector<std::optional<double>>& values,
                             const std::vector<double>& areas,
                             const std::vector<std::uint8_t>& only) {
    AreaCheck c;
    c.field = field;
    c.tolerance = tolerance;
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (!only.empty() && !only[i]) continue;
        if (!values[i]) {
            ++c.missing;
            continue;
        }
        ++c.checked;
        const double v = *values[i];
        const double d = areas[i] - v;
        c.max_abs_difference_m2 = std::max(c.max_abs_difference_m2, std::abs(d));
        const double tol = tolerance.of(areas[i]);
        if (!(std::abs(d) > tol)) continue;
        AreaCheckRow r;
        r.parcel = ids[i];
        r.cls = classes[i];
        r.field_m2 = v;
        r.area_m2 = areas[i];
        r.difference_m2 = d;
        r.relative_difference = v != 0 ? d / v : std::numeric_limits<double>::quiet_NaN();
        r.tolerance_m2 = tol;
        r.location = point_on_surface(geoms[i]);
        c.rows.push_back(std::move(r));
    }
    return c;
}

}  // namespace redline
