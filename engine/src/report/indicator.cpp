#include "redline/report/indicator.hpp"

#include <cmath>

#include "redline/core/units.hpp"

namespace redline {

const std::vector<IndicatorSpec>& default_indicators() {
    static const std::vector<IndicatorSpec> specs = {
        {"ecr_area", "Ecological protection redline area", "生态保护红线面积", "km2", 3150000.0,
         ">=", "2035", false,
         "ellipsoidal area of the union of the redline polygons (overlaps counted once)"},
        {"cropland_area", "Cropland protection area (18 yi mu red line)",
         "耕地保有量（18亿亩红线）", "km2", 1200000.0, ">=", "", false,
         "ellipsoidal area of the union of the cropland-protection polygons; 1.2e6 km2 = 18 亿亩"},
        {"cropland_cover", "Cropland land cover (remote-sensing proxy, not 耕地)",
         "耕地覆盖面积（遥感代理）", "km2", std::nullopt, "", "", true,
         "cropland-class area of the current land-cover raster inside the land boundary"},
        {"natural_shoreline_share", "Mainland natural shoreline share", "大陆自然岸线保有率",
         "percent", 35.0, ">=", "2035", false,
         "natural / total mainland shoreline, geodesic lengths on CGCS2000; estuaries count in the "
         "total"},
        {"protected_area_share", "Protected areas as a share of land territory",
         "自然保护地占陆域国土面积比例", "percent", 18.0, ">=", "2035", false,
         "area of union(protected areas) inside the land boundary / area of the land boundary"},
        {"forest_coverage", "Forest coverage (land-cover proxy)", "森林覆盖率（遥感代理）",
         "percent", 26.0, ">=", "2035", true,
         "forest-class area of the current land-cover raster inside the land boundary / land area"},
        {"three_lines_overlap", "Overlap of the three control lines", "三条控制线重叠面积", "m2",
         1.0, "<=", "", false,
         "total ellipsoidal area of overlaps of at least 1 m2 between redline, cropland and urban "
         "boundary"},
        {"ecr_nature_unchanged", "Natural land converted inside the redline",
         "生态保护红线内自然生态用地转为建设用地或耕地", "m2", 0.0, "<=", "", false,
         "area of cells inside the redline that turned from a natural class to built-up or "
         "cropland between the "
         "two dates, patches inside permitted polygons excluded (below-MMU patches included)"},
        // Only with inputs.landuse (report/indicators/survey_land_use.hpp).
        {"cropland_survey", "Cropland in the land survey, net of deductions (18 yi mu red line)",
         "耕地保有量（国土调查，扣除田坎等）", "km2", 1200000.0, ">=", "", false,
         "net area (area x (1 - deduction coefficient)) of the survey parcels of class 01 "
         "(paddy, irrigated, dry land) inside the land boundary, in the survey's area convention"},
        {"ecr_construction_land", "Construction land inside the redline (land survey)",
         "生态保护红线内建设用地（国土调查）", "km2", std::nullopt, "", "", false,
         "area of the survey parcels of classes 05-10 inside the union of the redline polygons, "
         "in the survey's area convention"},
    };
    return specs;
}

const IndicatorSpec* find_default_indicator(const std::string& id) {
    for (const auto& s : default_indicators())
        if (s.id == id) return &s;
    return nullptr;
}

std::optional<double> area_unit_to_m2(const std::string& unit) {
    if (unit == "m2") return 1.0;
    if (unit == "km2") return units::kM2PerKm2;
    if (unit == "ha") return units::kM2PerHa;
    if (unit == "mu") return 1.0 / units::kMuPerM2;
    if (unit == "yi_mu") return units::kMuPerYiMu / units::kMuPerM2;
    if (unit == "wan_km2") return 1e4 * units::kM2PerKm2;
    return std::nullopt;
}

std::optional<double> convert_unit(double value, const std::string& from, const std::string& to) {
    if (from == to) return value;
    if (from == "percent" || to == "percent") return std::nullopt;
    auto a = area_unit_to_m2(from), b = area_unit_to_m2(to);
    if (!a || !b) return std::nullopt;
    return value * *a / *b;
}

bool passes(double value, double target, const std::string& comparator) {
    if (comparator == ">=") return value >= target * (1.0 - 1e-12);
    if (comparator == "<=") return target == 0.0 ? value <= 0.0 : value <= target * (1.0 + 1e-12);
    return true;
}

IndicatorResult evaluate(const IndicatorSpec& spec, double value, nlohmann::json details) {
    IndicatorResult r;
    r.spec = spec;
    r.value = value;
    r.computed = true;
    r.details = std::move(details);
    if (spec.target && !spec.comparator.empty()) {
        r.pass = passes(value, *spec.target, spec.comparator);
        r.margin = value - *spec.target;
    }
    return r;
}

std::string interval_verdict(const IndicatorSpec& spec, double low, double high) {
    if (!spec.target || spec.comparator.empty()) return "";
    if (!std::isfinite(low) || !std::isfinite(high)) return "undecided";
    const bool low_passes = passes(low, *spec.target, spec.comparator);
    const bool high_passes = passes(high, *spec.target, spec.comparator);
    if (low_passes && high_passes) return "met";
    if (!low_passes && !high_passes) return "not met";
    return "undecided";
}

nlohmann::json IndicatorEstimate::to_json() const {
    const auto num = [](double v) {
        return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    };
    return {{"value", value},
            {"ci_half_width", num(half_width)},
            {"ci_low", num(low())},
            {"ci_high", num(high())},
            {"confidence", confidence},
            {"verdict", verdict.empty() ? nlohmann::json(nullptr) : nlohmann::json(verdict)},
            {"details", details}};
}

nlohmann::json IndicatorResult::to_json() const {
    nlohmann::json j = {{"id", spec.id},        {"name", spec.name}, {"name_zh", spec.name_zh},
                        {"unit", spec.unit},    {"year", spec.year}, {"proxy", spec.proxy},
                        {"method", spec.method}};
    j["computed"] = computed;
    if (!computed) {
        j["reason"] = reason;
        j["value"] = nullptr;
    } else {
        j["value"] = value;
    }
    j["target"] = spec.target ? nlohmann::json(*spec.target) : nlohmann::json(nullptr);
    j["comparator"] =
        spec.comparator.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.comparator);
    j["pass"] = pass ? nlohmann::json(*pass) : nlohmann::json(nullptr);
    j["margin"] = margin ? nlohmann::json(*margin) : nlohmann::json(nullptr);
    j["details"] = details;
    if (estimate) j["estimate"] = estimate->to_json();
    return j;
}

}  // namespace redline
