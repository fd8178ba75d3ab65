#pragma once
// Indicators of the "Beautiful China" targets (docs/indicators.md, issue #6): their default
// specs, unit conversions and the comparison rule (docs/units.md#target-comparison).
//
// Default set (DEFAULT targets; a config may override target, unit, comparator and year):
//   ecr_area                >= 3 150 000 km2  union area of the ecological redline
//   cropland_area           >= 1 200 000 km2  union area of the cropland-protection layer (18 亿亩)
//   cropland_cover             reported only  cropland land cover from the raster (a proxy, not
//   耕地) natural_shoreline_share >= 35 %           mainland natural shoreline / total (geodesic)
//   protected_area_share    >= 18 %           union(protected) ∩ land / land area
//   forest_coverage         >= 26 %           forest land cover / land area (a proxy)
//   three_lines_overlap     <= 1 m2           overlaps (each >= 1 m2) of redline, cropland, urban
//   ecr_nature_unchanged    <= 0 m2           natural -> built-up/cropland inside the redline
//   cropland_survey         >= 1 200 000 km2  net cropland (class 01) of the land-use survey layer
//   ecr_construction_land      reported only  survey classes 05-10 inside the redline
// Comparison: ">=" passes iff value >= target (1 - 1e-12), "<=" iff value <= target (1 + 1e-12) (or
// value <= 0 for a zero target); equality passes; values are compared unrounded and the margin is
// value - target in the indicator's unit.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace redline {

struct IndicatorSpec {
    std::string id;
    std::string name;
    std::string name_zh;
    std::string unit;              // m2 | km2 | percent
    std::optional<double> target;  // in `unit`; none = reported only
    std::string comparator;        // ">=" | "<=" | "" (reported only)
    std::string year;              // "2035" or the report year
    bool proxy = false;            // a land-cover proxy, labelled so
    std::string method;            // one line on how it is computed
};

// The default indicators in report order (year "" = the config's year): the eight above, then
// cropland_survey and ecr_construction_land, which a config without inputs.landuse leaves out
// (report/indicators/survey_land_use.hpp).
const std::vector<IndicatorSpec>& default_indicators();
const IndicatorSpec* find_default_indicator(const std::string& id);

// Area units: m2, km2, ha, mu, yi_mu (亿亩), wan_km2 (万km2). Factor to m2, or nullopt.
std::optional<double> area_unit_to_m2(const std::string& unit);
// Converts `value` in `from` to `to` (both area units, or both "percent"); nullopt if incompatible.
std::optional<double> convert_unit(double value, const std::string& from, const std::string& to);

// docs/units.md#target-comparison
bool passes(double value, double target, const std::string& comparator);

// An error-adjusted estimate of a map-derived indicator from a labelled sample
// (docs/accuracy.md#in-the-report), in the indicator's unit. Its verdict compares the confidence
// interval with the target: "met" when the whole interval passes, "not met" when none of it
// does, "undecided" when it straddles the target; "" without a target.
struct IndicatorEstimate {
    double value = 0;       // the estimate
    double half_width = 0;  // z * SE (NaN when undefined: a stratum with one unit)
    double confidence = 0.95;
    std::string verdict;
    nlohmann::json details = nlohmann::json::object();  // sample, estimator, n, SE, areas
    double low() const { return value - half_width; }
    double high() const { return value + half_width; }
    nlohmann::json to_json() const;
};

// The verdict of an interval [low, high] against the spec's target (see IndicatorEstimate).
std::string interval_verdict(const IndicatorSpec& spec, double low, double high);

struct IndicatorResult {
    IndicatorSpec spec;
    double value = 0;       // in spec.unit
    bool computed = false;  // false: skipped (see `reason`)
    std::string reason;
    nlohmann::json details = nlohmann::json::object();
    std::optional<bool> pass;  // none when there is no target
    std::optional<double> margin;
    std::optional<IndicatorEstimate> estimate;  // with a labelled sample (config accuracy:)
    nlohmann::json to_json() const;
};

IndicatorResult evaluate(const IndicatorSpec& spec, double value, nlohmann::json details);

}  // namespace redline
