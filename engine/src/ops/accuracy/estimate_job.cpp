#include "redline/ops/accuracy/estimate_job.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "redline/core/error.hpp"
#include "redline/core/json_text.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/io/atomic_file.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/ops/accuracy/sample_job.hpp"
#include "redline/ops/provenance.hpp"

namespace redline::accuracy {
namespace {

[[noreturn]] void invalid(const std::string& message) { fail(ErrorKind::InvalidInput, message); }

nlohmann::json num(double v) {
    return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
}

Value cell(double v) { return std::isfinite(v) ? Value(v) : Value(); }

std::string unit_name(const AttributeTable& t, int id_col, std::size_t i) {
    if (id_col >= 0 && t.rows[i][static_cast<std::size_t>(id_col)])
        return text::trim(*t.rows[i][static_cast<std::size_t>(id_col)]);
    return "#" + std::to_string(t.fids[i]);
}

// A class code: an integer, or a real with an integral value ("3.0", as spreadsheets and
// pandas write integer columns holding missing values).
std::optional<std::int64_t> parse_code(const std::string& text) {
    if (const auto i = text::parse_int(text)) return i;
    const auto d = text::parse_double(text);
    if (d && std::isfinite(*d) && std::floor(*d) == *d && std::abs(*d) < 9.0e15)
        return static_cast<std::int64_t>(*d);
    return std::nullopt;
}

// Reads stratum,area_m2.
std::vector<EstimationStratum> read_strata_areas(const std::string& path) {
    const AttributeTable t = read_attribute_table(parse_layer_ref(path), {"stratum", "area_m2"});
    std::vector<EstimationStratum> out;
    std::set<std::int64_t> seen;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto s = t.rows[i][0] ? parse_code(text::trim(*t.rows[i][0])) : std::nullopt;
        const auto a = t.rows[i][1] ? text::parse_double(text::trim(*t.rows[i][1])) : std::nullopt;
        if (!s)
            invalid(fmt::format(
                "" REDLINE_OPTION(
                    "strata_areas") " '{}', row {}: stratum '{}' is not an integer class "
                                    "code",
                path, i + 1, t.rows[i][0].value_or("")));
        if (!a || !std::isfinite(*a) || *a < 0)
            invalid(
                fmt::format("" REDLINE_OPTION(
                                "strata_areas") " '{}', stratum {}: area_m2 '{}' is not an area of "
                                                "0 m2 or more",
                            path, *s, t.rows[i][1].value_or("")));
        if (!seen.insert(*s).second)
            invalid(fmt::format(
                "" REDLINE_OPTION_VALUE("strata_areas", "'{}'") ": stratum {} is listed twice",
                path, *s));
        out.push_back(EstimationStratum{*s, *a, 0});
    }
    if (out.empty())
        invalid(
            fmt::format("" REDLINE_OPTION_VALUE("strata_areas", "'{}'") " lists no stratum", path));
    return out;
}

bool same_area(double a, double b) {
    return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b));
}

}  // namespace

EstimateReport run_estimate(const EstimateRequest& req) {
    if (!(req.confidence > 0 && req.confidence < 1))
        invalid(fmt::format("" REDLINE_OPTION_VALUE(
                                "confidence", "{}") " is outside (0, 1); give e.g. 0.95 for 95 %",
                            req.confidence));
    const bool from_map = !req.map.map.empty() || !req.map.t0.empty() || !req.map.t1.empty();
    if (from_map == !req.strata_areas.empty())
        invalid(
            "give the stratum areas either from the map (" REDLINE_OPTION("map") ", with " REDLINE_OPTION("zones") " if the sample "
            "was drawn within zones) or as a table (" REDLINE_OPTION("strata_areas") " CSV with columns "
            "stratum,area_m2), not both");
    EstimateReport rep;

    // The sample.
    const LayerRef sref = parse_layer_ref(req.sample);
    const AttributeTable t = read_attribute_table(sref, {req.stratum_field, req.reference_field},
                                                  {"map_class", req.id_field, "x", "y"});
    const int map_col = t.index_of("map_class");
    const int id_col = t.index_of(req.id_field);
    const int x_col = t.index_of("x"), y_col = t.index_of("y");
    const auto coordinate = [&](const std::vector<std::optional<std::string>>& row, int col) {
        const auto v = col >= 0 && row[static_cast<std::size_t>(col)]
                           ? text::parse_double(text::trim(*row[static_cast<std::size_t>(col)]))
                           : std::nullopt;
        return v ? *v : kUndefined;
    };
    rep.units_read = t.rows.size();
    if (t.rows.empty()) invalid(fmt::format("the sample '{}' has no unit", req.sample));
    std::vector<LabelledUnit> units;
    std::vector<std::string> missing, bad_ref;
    for (std::size_t i = 0; i < t.rows.size(); ++i) {
        const auto& row = t.rows[i];
        const std::string sv = row[0] ? text::trim(*row[0]) : "";
        const auto s = parse_code(sv);
        if (!s)
            invalid(
                fmt::format("the sample '{}', unit {}: {} '{}' is not an integer stratum "
                            "code (" REDLINE_OPTION("stratum_field") ")",
                            req.sample, unit_name(t, id_col, i), req.stratum_field, sv));
        std::int64_t m = *s;
        if (map_col >= 0 && row[static_cast<std::size_t>(map_col)] &&
            !text::trim(*row[static_cast<std::size_t>(map_col)]).empty()) {
            const auto mv = parse_code(text::trim(*row[static_cast<std::size_t>(map_col)]));
            if (!mv)
                invalid(fmt::format("the sample '{}', unit {}: map_class '{}' is not an integer",
                                    req.sample, unit_name(t, id_col, i),
                                    *row[static_cast<std::size_t>(map_col)]));
            m = *mv;
        }
        const std::string rv = row[1] ? text::trim(*row[1]) : "";
        if (rv.empty()) {
            missing.push_back(unit_name(t, id_col, i));
            continue;
        }
        const auto r = parse_code(rv);
        if (!r) {
            bad_ref.push_back(unit_name(t, id_col, i) + " ('" + rv + "')");
            continue;
        }
        units.push_back(LabelledUnit{*s, m, *r});
        rep.unit_points.push_back(Point{coordinate(row, x_col), coordinate(row, y_col)});
    }
    if (!bad_ref.empty())
        invalid(
            fmt::format("the sample '{}': {} unit{} have a {} that is not an integer class "
                        "code: {}",
                        req.sample, bad_ref.size(), bad_ref.size() == 1 ? "" : "s",
                        req.reference_field, text::join_limited(bad_ref, 20)));
    if (!missing.empty()) {
        const std::string msg = fmt::format(
            "the sample '{}': {} of {} unit{} have no reference value ({} is empty): {}",
            req.sample, missing.size(), t.rows.size(), t.rows.size() == 1 ? "" : "s",
            req.reference_field, text::join_limited(missing, 20));
        if (!req.drop_unlabelled)
            invalid(msg +
                    "; label them, or pass " REDLINE_OPTION("drop_unlabelled") " to estimate without them (the "
                    "estimates then assume they are missing at random)");
        rep.warnings.push_back(msg + "; dropped (" REDLINE_OPTION("drop_unlabelled") ")");
        rep.dropped_units = missing;
    }

    // The strata.
    std::vector<EstimationStratum> strata;
    if (from_map) {
        const MapStrata ms = scan_map_strata(req.map, 0, 0);
        for (const auto& w : ms.warnings) rep.warnings.push_back(w);
        rep.map_digest = ms.digest;
        for (const auto& s : ms.strata)
            strata.push_back(EstimationStratum{s.id, s.area_m2, s.cells});
    } else {
        strata = read_strata_areas(req.strata_areas);
    }

    // The design check.
    std::string design = req.design;
    if (design.empty()) {
        const std::string cand = design_path_of(sref.path);
        if (std::filesystem::exists(cand)) design = cand;
    }
    rep.design_check = {{"checked", false}};
    if (!design.empty()) {
        std::ifstream in(design, std::ios::binary);
        if (!in) fail(ErrorKind::Io, fmt::format("cannot read the design '{}'", design));
        nlohmann::json d;
        try {
            d = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            invalid(fmt::format("the design '{}' is not valid JSON: {}", design, e.what()));
        }
        if (!d.is_object() || d.value("format", "") != "redline.sample-design.v1" ||
            !d.contains("strata") || !d["strata"].is_array())
            invalid(fmt::format("'{}' is not a sample design written by `redline sample`", design));
        std::map<std::int64_t, double> design_areas;
        for (const auto& s : d["strata"])
            design_areas[s.at("stratum").get<std::int64_t>()] = s.at("area_m2").get<double>();
        std::vector<std::string> problems;
        const std::string digest = d.value("map_digest", "");
        if (from_map && digest != rep.map_digest)
            problems.push_back(fmt::format(
                "the map digest differs (design {}, map '{}'{} {}): another map, band or zones",
                digest.substr(0, 12),
                req.map.map.empty() ? req.map.t0 + "' -> '" + req.map.t1 : req.map.map,
                req.map.zones.empty() ? "" : " in the zones", rep.map_digest.substr(0, 12)));
        for (const auto& s : strata) {
            const auto it = design_areas.find(s.id);
            if (it == design_areas.end()) {
                if (s.area_m2 > 0)
                    problems.push_back(
                        fmt::format("stratum {} ({} m2) is not in the design", s.id, s.area_m2));
            } else if (!same_area(it->second, s.area_m2)) {
                problems.push_back(fmt::format("stratum {} has {} m2, the design {} m2", s.id,
                                               s.area_m2, it->second));
            }
        }
        for (const auto& [id, a] : design_areas) {
            bool found = false;
            for (const auto& s : strata) found = found || s.id == id;
            if (!found)
                problems.push_back(fmt::format("design stratum {} ({} m2) is missing", id, a));
        }
        for (const auto& u : units) {
            if (!design_areas.count(u.stratum)) {
                problems.push_back(
                    fmt::format("the sample has stratum {}, which the design does not", u.stratum));
                break;
            }
        }
        if (!problems.empty())
            invalid(fmt::format("the sample's design does not match (design '{}'): {}", design,
                                text::join_limited(problems, 10)));
        rep.design_check = {
            {"checked", true},
            {"design", design},
            {"map_digest", digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(digest)},
            {"digest_compared", from_map},
            {"strata_areas_compared", true},
            {"seed", d.value("seed", nlohmann::json(nullptr))}};
    }
    // Strata with area but no unit in the sample are named by the estimator; a stratum with no
    // area in the sample-less map is ignored there.
    EstimateOptions o;
    o.confidence = req.confidence;
    o.allow_small = req.allow_small;
    o.allow_unmapped_reference = req.allow_unmapped_reference;
    try {
        rep.estimate = estimate_accuracy(strata, units, o);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::InvalidInput) throw;
        std::string msg = e.what();
        // Name the options of this interface.
        if (msg.find("allow small strata") != std::string::npos)
            msg += " (" REDLINE_OPTION("allow_small") ")";
        if (msg.find("allow them explicitly") != std::string::npos)
            msg += " (" REDLINE_OPTION("allow_unmapped_reference") ")";
        invalid(msg);
    }
    for (const auto& w : rep.estimate.warnings) rep.warnings.push_back(w);
    rep.units = std::move(units);
    rep.strata = std::move(strata);
    rep.options = o;
    return rep;
}

TableSpec EstimateReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "estimate";
    spec.columns = {{"class", ColumnType::Integer},
                    {"map_area_m2", ColumnType::Real},
                    {"area_m2", ColumnType::Real},
                    {"area_ci95_m2", ColumnType::Real},
                    {"users_accuracy", ColumnType::Real},
                    {"users_accuracy_ci95", ColumnType::Real},
                    {"producers_accuracy", ColumnType::Real},
                    {"producers_accuracy_ci95", ColumnType::Real}};
    return spec;
}

std::vector<Value> EstimateReport::row_values(const ClassEstimate& c) const {
    return {Value(c.class_id),          cell(c.map_area_m2),          cell(c.area_m2),
            cell(c.area_ci_m2),         cell(c.users_accuracy),       cell(c.users_accuracy_ci),
            cell(c.producers_accuracy), cell(c.producers_accuracy_ci)};
}

nlohmann::json EstimateReport::document() const {
    const AccuracyEstimate& e = estimate;
    nlohmann::json j;
    j["estimator"] = e.estimator;
    j["confidence"] = e.confidence;
    j["z"] = e.z;
    j["finite_population_correction"] = e.finite_population_correction;
    j["total_area_m2"] = e.total_area_m2;
    j["overall_accuracy"] = num(e.overall_accuracy);
    j["overall_accuracy_se"] = num(e.overall_accuracy_se);
    j["overall_accuracy_ci95"] = num(e.overall_accuracy_ci);
    nlohmann::json classes = nlohmann::json::array();
    std::vector<std::int64_t> ids;
    for (const auto& c : e.classes) {
        ids.push_back(c.class_id);
        classes.push_back({{"class", c.class_id},
                           {"map_class", c.map_class},
                           {"map_area_m2", num(c.map_area_m2)},
                           {"area_m2", num(c.area_m2)},
                           {"area_se_m2", num(c.area_se_m2)},
                           {"area_ci95_m2", num(c.area_ci_m2)},
                           {"proportion", num(c.proportion)},
                           {"proportion_se", num(c.proportion_se)},
                           {"users_accuracy", num(c.users_accuracy)},
                           {"users_accuracy_se", num(c.users_accuracy_se)},
                           {"users_accuracy_ci95", num(c.users_accuracy_ci)},
                           {"producers_accuracy", num(c.producers_accuracy)},
                           {"producers_accuracy_se", num(c.producers_accuracy_se)},
                           {"producers_accuracy_ci95", num(c.producers_accuracy_ci)}});
    }
    j["classes"] = classes;
    nlohmann::json props = nlohmann::json::array();
    for (const auto& row : e.matrix_proportions) {
        nlohmann::json r = nlohmann::json::array();
        for (double v : row) r.push_back(num(v));
        props.push_back(r);
    }
    j["error_matrix"] = {{"rows", "map class"},
                         {"columns", "reference class"},
                         {"classes", ids},
                         {"counts", e.matrix_counts},
                         {"proportions", props}};
    nlohmann::json strata = nlohmann::json::array();
    for (const auto& s : e.strata)
        strata.push_back(
            {{"stratum", s.id}, {"area_m2", s.area_m2}, {"weight", s.weight}, {"n", s.n}});
    j["strata"] = strata;
    j["design_check"] = design_check;
    j["map_digest"] = map_digest.empty() ? nlohmann::json(nullptr) : nlohmann::json(map_digest);
    j["units_read"] = units_read;
    j["dropped_unlabelled"] = dropped_units;
    j["warnings"] = render_for_cli(warnings);  // files: the CLI's words
    return j;
}

void EstimateReport::write(const std::string& output, const std::string& json) const {
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                        "" REDLINE_OPTION("output") "");
    nlohmann::json meta = engine_provenance();
    meta["command"] = "estimate";
    meta["estimator"] = estimate.estimator;
    meta["confidence"] = estimate.confidence;
    std::unique_ptr<AtomicFile> doc;
    if (!json.empty()) {
        doc = std::make_unique<AtomicFile>(json);
        std::ofstream out(doc->temp_path(), std::ios::binary);
        nlohmann::json d = document();
        out << json_text(d, 2) << "\n";
        if (!out) fail(ErrorKind::Io, fmt::format("cannot write '{}'", json));
    }
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (const auto& c : estimate.classes) w->write(row_values(c));
    w->commit();
    if (doc) doc->commit();
}

void EstimateReport::write_document(const std::string& json) const {
    AtomicFile doc(json);
    {
        std::ofstream out(doc.temp_path(), std::ios::binary);
        out << json_text(document(), 2) << "\n";
        if (!out) fail(ErrorKind::Io, fmt::format("cannot write '{}'", json));
    }
    doc.commit();
}

}  // namespace redline::accuracy
