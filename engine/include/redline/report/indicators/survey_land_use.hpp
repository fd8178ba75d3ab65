#pragma once
// The two indicators computed from a land-use survey layer (三调 / 变更调查 地类图斑 DLTB; config
// inputs.landuse, landuse_class_field DEFAULT "DLBM", landuse_deduct_field optional, e.g. KCXS),
// through `redline tabulate` (ops/tabulate/tabulate.hpp, docs/land-use-survey.md), in the
// survey's area convention (docs/survey-area.md: the survey convention for a Gauss-Krüger layer,
// geodesic otherwise):
//   cropland_survey        Σ net area (area × (1 − deduction coefficient)) of the parcels of
//                          first-level class 01 (耕地: 0101 水田, 0102 水浇地, 0103 旱地) inside
//                          inputs.land (dissolved), km2, against 1.2e6 km2 = 18 亿亩;
//   ecr_construction_land  area of the parcels of first-level classes 05-10 (construction land as
//                          issue 17 defines it) inside inputs.redline (dissolved), km2, reported
//                          only; details list each class.
// With inputs.regions each is also given per region (region-table columns
// cropland_survey_net_km2 and ecr_construction_land_km2, km2): the same tabulate run has, beside
// the union of inputs.land (redline), its part inside each region as a zone, cut in the CRS of
// that file before tabulate transforms it into the survey's.
// Both are in the default set only when the config gives inputs.landuse.
// Thread-safety: stateless.
#include "redline/report/indicators/indicator.hpp"

namespace redline {

class CroplandSurvey final : public Indicator {
  public:
    std::string id() const override { return "cropland_survey"; }
    std::vector<std::string> needs() const override { return {"landuse", "land"}; }
    bool reads_own_inputs() const override { return true; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

class EcrConstructionLand final : public Indicator {
  public:
    std::string id() const override { return "ecr_construction_land"; }
    std::vector<std::string> needs() const override { return {"landuse", "redline"}; }
    bool reads_own_inputs() const override { return true; }
    IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const override;
};

}  // namespace redline
