#include "redline/core/error.hpp"
#include "redline/report/indicators/cropland_area.hpp"
#include "redline/report/indicators/cropland_cover.hpp"
#include "redline/report/indicators/ecr_area.hpp"
#include "redline/report/indicators/ecr_nature_unchanged.hpp"
#include "redline/report/indicators/forest_coverage.hpp"
#include "redline/report/indicators/indicator.hpp"
#include "redline/report/indicators/natural_shoreline_share.hpp"
#include "redline/report/indicators/protected_area_share.hpp"
#include "redline/report/indicators/survey_land_use.hpp"
#include "redline/report/indicators/three_lines_overlap.hpp"

namespace redline {

const std::vector<std::unique_ptr<Indicator>>& report_indicators() {
    static const std::vector<std::unique_ptr<Indicator>> all = [] {
        std::vector<std::unique_ptr<Indicator>> v;
        // One line per indicator, in the order the report computes them.
        v.push_back(std::make_unique<ThreeLinesOverlap>());
        v.push_back(std::make_unique<EcrArea>());
        v.push_back(std::make_unique<CroplandArea>());
        v.push_back(std::make_unique<ProtectedAreaShare>());
        v.push_back(std::make_unique<CroplandCover>());
        v.push_back(std::make_unique<ForestCoverage>());
        v.push_back(std::make_unique<NaturalShorelineShare>());
        v.push_back(std::make_unique<CroplandSurvey>());
        v.push_back(std::make_unique<EcrConstructionLand>());
        v.push_back(std::make_unique<EcrNatureUnchanged>());  // last: consumes the redline union
        for (const auto& i : v)
            if (!find_default_indicator(i->id()))
                fail(ErrorKind::Internal, "indicator '" + i->id() + "' has no default spec");
        return v;
    }();
    return all;
}

const Indicator* find_indicator(const std::string& id) {
    for (const auto& i : report_indicators())
        if (i->id() == id) return i.get();
    return nullptr;
}

}  // namespace redline
