#include "redline/ops/accuracy/sample_job.hpp"

#include <fmt/format.h>

#include <cmath>
#include <fstream>
#include <limits>

#include "redline/core/error.hpp"
#include "redline/core/json_text.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/io/atomic_file.hpp"
#include "redline/ops/provenance.hpp"

namespace redline::accuracy {
namespace {

[[noreturn]] void invalid(const std::string& message) { fail(ErrorKind::InvalidInput, message); }

nlohmann::json real_or_null(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

}  // namespace

std::map<std::int64_t, double> parse_class_values(const std::string& text,
                                                  const std::string& option) {
    std::map<std::int64_t, double> out;
    for (const std::string& raw : text::split(text, ',')) {
        const std::string item = text::trim(raw);
        if (item.empty()) continue;
        const auto eq = item.find('=');
        std::int64_t cls = 0;
        double val = 0;
        bool ok = eq != std::string::npos;
        if (ok) {
            const auto c = text::parse_int(text::trim(item.substr(0, eq)));
            const auto v = text::parse_double(text::trim(item.substr(eq + 1)));
            ok = c.has_value() && v.has_value();
            if (ok) {
                cls = *c;
                val = *v;
            }
        }
        if (!ok)
            invalid(fmt::format("{}: '{}' is not CLASS=VALUE (e.g. 1=0.9,2=0.85)", option, item));
        if (!out.emplace(cls, val).second)
            invalid(fmt::format("{}: class {} is given twice", option, cls));
    }
    return out;
}

std::string design_path_of(const std::string& output) { return output + ".design.json"; }

SampleReport run_sample(const SampleRequest& req) {
    // Options first: a bad option must not cost a pass over the map.
    SampleDesignOptions opts;
    opts.allocation = parse_allocation(req.allocation);
    opts.size = req.size;
    opts.target_se = req.target_se;
    opts.default_users_accuracy = req.default_users_accuracy;
    opts.min_per_stratum = req.min_per_stratum;
    if (req.size == 0 && !(req.target_se > 0))
        invalid("give the sample size (" REDLINE_OPTION(
            "size") " N) or a target standard error of overall accuracy "
                    "(" REDLINE_OPTION("target_se") " S, e.g. 0.01)");
    if (req.size > 0 && req.target_se > 0)
        invalid(
            "give either " REDLINE_OPTION("size") " or " REDLINE_OPTION("target_se") ", not both");
    if (!(req.default_users_accuracy > 0 && req.default_users_accuracy < 1))
        invalid(fmt::format("the default expected user's accuracy {} is outside (0, 1)",
                            req.default_users_accuracy));
    double max_sd = std::sqrt(req.default_users_accuracy * (1 - req.default_users_accuracy));
    for (const auto& [c, u] : req.expected_users_accuracy) {
        if (!(u > 0 && u < 1))
            invalid(fmt::format(
                "" REDLINE_OPTION("expected_users_accuracy") ": class {} has {}, outside (0, 1)", c,
                u));
        max_sd = std::max(max_sd, std::sqrt(u * (1 - u)));
    }
    std::uint64_t quota = req.size;
    if (quota == 0) {
        const double bound = std::ceil((max_sd / req.target_se) * (max_sd / req.target_se)) + 1;
        quota = bound >= 1e15 ? std::numeric_limits<std::uint64_t>::max()
                              : static_cast<std::uint64_t>(bound);
    }
    SampleReport rep;
    rep.map = scan_map_strata(req.map, req.seed, quota);
    rep.warnings = rep.map.warnings;
    std::vector<DesignStratum> strata;
    for (const auto& s : rep.map.strata) {
        DesignStratum d;
        d.id = s.id;
        d.area_m2 = s.area_m2;
        d.units = s.cells;
        const auto it = req.expected_users_accuracy.find(s.id);
        if (it != req.expected_users_accuracy.end()) d.expected_users_accuracy = it->second;
        strata.push_back(d);
    }
    for (const auto& [c, u] : req.expected_users_accuracy) {
        bool found = false;
        for (const auto& s : strata) found = found || s.id == c;
        if (!found)
            invalid(fmt::format(
                "" REDLINE_OPTION("expected_users_accuracy") " names class {}, which is not a "
                                                             "class of the map '{}'{}; "
                                                             "its classes are: {}",
                c, rep.map.map, req.map.zones.empty() ? "" : " inside the zones", [&] {
                    std::vector<std::string> ids;
                    for (const auto& s : strata) ids.push_back(std::to_string(s.id));
                    return text::join_limited(ids, 40);
                }()));
    }
    rep.design = design_sample(strata, opts);
    // Cut every stratum to its n_h: the first n_h cells in key order.
    std::map<std::int64_t, std::uint64_t> n_of;
    for (const auto& a : rep.design.strata) n_of[a.id] = a.n;
    std::vector<MapSampleCell> kept;
    std::map<std::int64_t, std::uint64_t> taken;
    for (auto& c : rep.map.selection) {
        if (taken[c.stratum] < n_of[c.stratum]) {
            ++taken[c.stratum];
            kept.push_back(std::move(c));
        }
    }
    rep.map.selection = std::move(kept);
    for (const auto& a : rep.design.strata) {
        if (taken[a.id] != a.n)
            fail(ErrorKind::Internal,
                 fmt::format("sample: stratum {} has {} units drawn for {} allocated", a.id,
                             taken[a.id], a.n));
        if (a.n < 2)
            rep.warnings.push_back(fmt::format(
                "stratum {} gets {} unit{}; `redline estimate` needs at least 2 labelled units "
                "in every stratum: raise " REDLINE_OPTION(
                    "min_per_stratum") " (2 or more) or the sample size",
                a.id, a.n, a.n == 1 ? "" : "s"));
    }
    // The design document.
    nlohmann::json d;
    d["format"] = "redline.sample-design.v1";
    d["map"] = rep.map.map;
    if (!req.map.t1.empty()) {
        d["t0"] = req.map.t0;
        d["t1"] = req.map.t1;
        nlohmann::json names = nlohmann::json::object();
        for (const auto& [id, name] : rep.map.stratum_names) names[std::to_string(id)] = name;
        d["stratum_names"] = names;
    }
    d["band"] = req.map.band;
    d["zones"] = req.map.zones.empty() ? nlohmann::json(nullptr) : nlohmann::json(req.map.zones);
    d["map_digest"] = rep.map.digest;
    d["crs"] = rep.map.crs_label;
    d["area_model"] = rep.map.area_model;
    d["ellipsoid"] = rep.map.ellipsoid;
    d["population"] = req.map.zones.empty()
                          ? "valid cells of the map"
                          : "valid cells of the map whose centre is inside the zones (union)";
    d["seed"] = req.seed;
    d["allocation"] = allocation_name(rep.design.allocation);
    d["n"] = rep.design.n;
    d["n_unrounded"] = real_or_null(rep.design.n_unrounded);
    d["target_se"] = real_or_null(rep.design.target_se);
    d["default_users_accuracy"] = req.default_users_accuracy;
    d["min_per_stratum"] = rep.design.min_per_stratum;
    d["anticipated_overall_se"] = real_or_null(rep.design.anticipated_overall_se);
    d["rounding"] = "largest remainder (total exactly n)";
    d["total_area_m2"] = rep.map.total_area_m2();
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& a : rep.design.strata) {
        arr.push_back({{"stratum", a.id},
                       {"area_m2", a.area_m2},
                       {"cells", a.units},
                       {"weight", a.weight},
                       {"users_accuracy", a.users_accuracy},
                       {"share", a.share},
                       {"n", a.n},
                       {"at_minimum", a.at_minimum},
                       {"at_cap", a.at_cap}});
    }
    d["strata"] = arr;
    rep.design_json = d;
    return rep;
}

TableSpec SampleReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "sample";
    spec.columns = {{"id", ColumnType::Integer},
                    {"stratum", ColumnType::Integer},
                    {"map_class", ColumnType::Integer},
                    {"x", ColumnType::Real},
                    {"y", ColumnType::Real},
                    {"lon", ColumnType::Real},
                    {"lat", ColumnType::Real},
                    {"zone", ColumnType::Text},
                    {"reference", ColumnType::Text}};
    spec.geometry = GeometryKind::Point;
    spec.crs_wkt = map.crs_wkt;
    return spec;
}

std::vector<Value> SampleReport::row_values(std::size_t i) const {
    const MapSampleCell& c = map.selection[i];
    return {Value(static_cast<std::int64_t>(i + 1)),
            Value(c.stratum),
            Value(c.stratum),
            Value(c.x),
            Value(c.y),
            Value(c.lon),
            Value(c.lat),
            Value(c.zone),
            Value()};
}

void SampleReport::write(const std::string& output) const {
    if (output.empty() || output == "-")
        invalid(
            "sample: " REDLINE_OPTION("output") " FILE is needed (.csv or .gpkg): the design is written beside "
            "it");
    const TableFormat f = table_format_of(output, {TableFormat::Csv, TableFormat::Gpkg},
                                          "" REDLINE_OPTION("output") "");
    nlohmann::json meta = engine_provenance();
    meta["command"] = "sample";
    meta["design"] = design_json;
    AtomicFile sidecar(design_path_of(output));
    {
        std::ofstream out(sidecar.temp_path(), std::ios::binary);
        out << json_text(design_json, 2) << "\n";
        if (!out) fail(ErrorKind::Io, fmt::format("cannot write '{}'", design_path_of(output)));
    }
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (std::size_t i = 0; i < map.selection.size(); ++i)
        w->write(row_values(i), Point{map.selection[i].x, map.selection[i].y});
    w->commit();
    sidecar.commit();
}

}  // namespace redline::accuracy
