#pragma once
// Error-adjusted estimates of the map-derived indicators from the labelled samples the config
// attaches to them (config `accuracy:`, docs/accuracy.md#in-the-report; issue 18).
//
// The sample's population must be the one the indicator measures on the map; the design check
// of `redline estimate` (map digest and stratum areas against `<sample>.design.json`) refuses a
// sample drawn on another one:
//  * forest_coverage, cropland_cover: inputs.landcover_t1 within inputs.land, strata = map
//    classes (`redline sample --map <landcover_t1> --zones <land>`); reference = a class code.
//    The estimate is the stratified estimator of the share p of the population whose reference
//    class is in the indicator's group (forest, cropland: the class table's groups), applied to
//    the valid land-cover area inside the land (the map value's own area): forest coverage
//    = 100 p V / L %, cropland cover = p V (km2), V the valid area, L the land area.
//  * ecr_nature_unchanged: the transitions landcover_t0 -> landcover_t1 within inputs.redline,
//    strata = the categories of the `redline` change preset (0 stable, 1 natural-to-human;
//    `redline sample --t0 <landcover_t0> --t1 <landcover_t1> --zones <redline>`); reference = the
//    category code. The estimate is the area whose reference category is a conversion, minus
//    the units whose cell centre lies in a permitted polygon (inputs.permitted): a domain of
//    the population known exactly for every unit, so the estimator stays design-unbiased.
// Half-widths are z * SE at the configured confidence; the verdict compares the interval with
// the target (report/indicator.hpp: interval_verdict).
// Thread-safety: uses the context of one report.
#include <optional>
#include <string>

#include "redline/report/indicator.hpp"

namespace redline {

class ReportContext;

// The estimate of forest_coverage (group "forest", percent of the land) or cropland_cover
// (group "cropland", km2); nullopt when the config attaches no sample to `spec.id`.
std::optional<IndicatorEstimate> land_cover_estimate(ReportContext& ctx, const IndicatorSpec& spec,
                                                     const std::string& group);
// The estimate of ecr_nature_unchanged (m2), or nullopt without a sample.
std::optional<IndicatorEstimate> conversion_estimate(ReportContext& ctx, const IndicatorSpec& spec);

}  // namespace redline
