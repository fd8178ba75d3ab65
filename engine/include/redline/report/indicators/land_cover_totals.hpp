#pragma once
// The land's share of the context's land-cover pass (ReportContext::land_cover, zone 0), as the
// two land-cover indicators (cropland_cover, forest_coverage) report it. Areas are m2.
// Thread-safety: a plain value.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace redline {

class ReportContext;

struct LandCoverTotals {
    std::map<std::int64_t, double> cover;  // class code -> m2 inside the land (valid cells)
    double valid_m2 = 0;                   // valid cells inside the land
    double nodata_m2 = 0;                  // nodata cells inside the land
    double land_m2 = 0;                    // area of the union of inputs.land
    // Area of the classes of `group` (ClassTable::in_group).
    double group_m2(const ReportContext& ctx, const std::string& group) const;
    // The details both indicators report: raster, class table, valid/nodata and land km2.
    nlohmann::json common_details(const ReportContext& ctx) const;
};

// From the context's land-cover pass (run on first use).
LandCoverTotals land_cover_totals(ReportContext& ctx);

}  // namespace redline
