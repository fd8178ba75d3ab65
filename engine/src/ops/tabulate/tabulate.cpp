#include "redline/ops/tabulate/tabulate.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/core/exact_area_sum.hpp"
#include "redline/core/option_name.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/layers/land_use_codes.hpp"
#include "redline/layers/land_use_layer.hpp"
#include "redline/ops/tabulate/chunked_tabulate.hpp"
#include "redline/ops/tabulate/parcel_chunks.hpp"
#include "redline/ops/tabulate/tabulate_steps.hpp"

namespace redline {

TableSpec TabulateReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "tabulate";
    spec.columns = {{"zone", ColumnType::Text},
                    {"class", ColumnType::Text},
                    {"area_m2", ColumnType::Real},
                    {"share", ColumnType::Real},
                    {"net_area_m2", ColumnType::Real}};
    if (named) {
        spec.columns.push_back({"class_name", ColumnType::Text});
        spec.columns.push_back({"group", ColumnType::Text});
        spec.columns.push_back({"group_name", ColumnType::Text});
    }
    spec.columns.push_back({"parcels", ColumnType::Integer});
    spec.columns.push_back({"area_convention", ColumnType::Text});
    return spec;
}

std::vector<Value> TabulateReport::row_values(const TabulateRow& row) const {
    std::vector<Value> v;
    v.emplace_back(row.zone);
    v.emplace_back(row.cls);
    v.emplace_back(row.area_m2);
    if (std::isnan(row.share))
        v.emplace_back(std::monostate{});
    else
        v.emplace_back(row.share);
    if (row.uncovered)
        v.emplace_back(std::monostate{});
    else
        v.emplace_back(row.net_area_m2);
    if (named) {
        v.emplace_back(row.class_name);
        v.emplace_back(row.group);
        v.emplace_back(row.group_name);
    }
    v.emplace_back(static_cast<std::int64_t>(row.parcels));
    v.emplace_back(std::string(area_convention_name(convention)));
    return v;
}

nlohmann::json TabulateReport::summary() const {
    ExactAreaSum area, net;
    for (const auto& r : rows) {
        if (r.uncovered) continue;
        area.add(r.area_m2);
        net.add(r.net_area_m2);
    }
    return nlohmann::json{{"rows", rows.size()},
                          {"zones", zones},
                          {"parcels", parcels},
                          {"area_m2", area.value()},
                          {"net_area_m2", net.value()},
                          {"uncovered_area_m2", uncovered_area_m2},
                          {"overlaps", overlaps},
                          {"overlap_area_m2", overlap_area_m2},
                          {"area_convention", area_convention_name(convention)}};
}

void TabulateReport::write(const std::string& output) const {
    const TableFormat f = table_format_of(
        output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, REDLINE_OPTION("output"));
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (const auto& r : rows) w->write(row_values(r));
    w->add_extra("summary", summary());
    w->commit();
}

namespace {

using tabulate_detail::add_zone_pieces;
using tabulate_detail::apply_level;
using tabulate_detail::attach_check;
using tabulate_detail::finish_report;
using tabulate_detail::read_options;
using tabulate_detail::set_up;
using tabulate_detail::Setup;
using tabulate_detail::ZoneTotals;

void check_request(const TabulateRequest& req) {
    if (req.dissolve && !req.dissolve_by.empty())
        fail(ErrorKind::InvalidInput, REDLINE_FLAG("dissolve") " and " REDLINE_OPTION(
                                          "dissolve_by") " exclude each other; pick one");
    if (req.level < 0 || req.level > 2)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION("level") " must be 1 or 2 (or left out), got {}",
                         req.level));
}

// Every parcel held at once.
TabulateReport tabulate_whole_layer(const TabulateRequest& req,
                                    const std::optional<LandUseCodes>& codes) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    LandUseLayer lu = read_land_use_layer(req.landuse, read_options(req));
    apply_level(lu, req);
    Setup setup = set_up(req, codes, lu);
    const PolygonLayer& zones = setup.zones;
    TabulateReport& rep = setup.rep;
    const ConcurrentAreaCalculator& calc = setup.calc;
    rep.parcels = lu.layer.size();

    std::vector<double> parcel_areas = measure_areas(lu.layer.geoms, calc, threads);
    std::string check_method;
    if (!req.check_field.empty()) {
        // Each parcel as read, in the survey convention whatever the table's convention.
        std::vector<double> survey_areas;
        check_method = rep.area_method;
        if (rep.convention != AreaConvention::Survey) {
            const ConcurrentAreaCalculator survey(lu.layer.crs, policy.densify_m,
                                                  AreaConvention::Survey);
            survey_areas = measure_areas(lu.layer.geoms, survey, threads);
            check_method = survey.prototype().description();
        }
        attach_check(rep,
                     check_parcel_areas(req.check_field, req.check_tolerance, lu.layer.ids,
                                        lu.classes, lu.layer.geoms, lu.recorded,
                                        survey_areas.empty() ? parcel_areas : survey_areas),
                     lu, req);
    }
    OverlapResolution resolved =
        resolve_land_use_overlaps(lu, parcel_areas, calc, overlap_resolve_options(req));
    rep.overlaps = resolved.overlaps;
    rep.overlap_area_m2 = resolved.area_m2;
    for (auto& w : resolved.warnings) rep.warnings.push_back(std::move(w));
    const std::vector<double> zone_areas = measure_areas(zones.geoms, calc, threads);

    ZoneTotals t;
    t.sums.resize(zones.size());
    t.uncovered.assign(zones.size(), 0.0);
    std::vector<std::size_t> all_zones(zones.size());
    for (std::size_t z = 0; z < zones.size(); ++z) all_zones[z] = z;
    add_zone_pieces(zones.geoms, zone_areas, all_zones, zones, lu, parcel_areas, calc, req,
                    req.progress, t);
    finish_report(rep, req, zones, t, codes, lu.text, lu.layer.describe(LayerRole::Overlay),
                  check_method);
    return std::move(rep);
}

}  // namespace

TabulateReport run_tabulate(const TabulateRequest& req) {
    check_request(req);
    std::optional<LandUseCodes> codes;
    if (!req.classes.empty()) codes = LandUseCodes::load(req.classes);
    const std::size_t per_chunk =
        req.chunk_parcels > 0 ? req.chunk_parcels : default_chunk_parcels();
    try {
        if (auto rep = tabulate_detail::tabulate_by_chunks(req, codes, per_chunk))
            return std::move(*rep);
    } catch (const tabulate_detail::NotChunkable&) {
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::Cancelled) throw;
    }
    return tabulate_whole_layer(req, codes);
}

}  // namespace redline
