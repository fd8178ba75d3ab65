#pragma once
// One indicator of the report (report/indicator.hpp has their specs and targets): what inputs it
// needs and how it computes its value from the shared ReportContext (report/report_context.hpp),
// which reads each layer and builds each union once whichever indicators ask for it.
//
// To add an indicator: give its spec in default_indicators() (report/indicator.cpp), write its
// class in a header of this folder and a source of engine/src/report/indicators/, and add one line
// to the registry (engine/src/report/indicators/registry.cpp). compute_report
// (report/report_job.hpp) runs every indicator the config asks for; nothing else changes.
// Thread-safety: indicators hold no state; compute() uses the context of one report.
#include <memory>
#include <string>
#include <vector>

#include "redline/report/indicator.hpp"

namespace redline {

class ReportContext;

class Indicator {
  public:
    virtual ~Indicator() = default;
    // The id of its spec in default_indicators(), e.g. "ecr_area".
    virtual std::string id() const = 0;
    // The config inputs it needs, in the order they are checked. Without one the indicator is
    // reported as not computed, or -- when the config lists indicators -- the config is refused.
    virtual std::vector<std::string> needs() const = 0;
    // True: it reads its inputs itself (through an operation, not the context), so the report
    // computes it before the context reads the planning layers, and the two never share memory.
    // DEFAULT false.
    virtual bool reads_own_inputs() const { return false; }
    // The value and details for `spec` (the config's version of the default spec: target, unit,
    // comparator and year may differ), inputs present (needs()).
    virtual IndicatorResult compute(ReportContext& ctx, const IndicatorSpec& spec) const = 0;
};

// Every indicator, in the order the report computes them (report.json lists them in the
// config's order, default_indicators() by default): three_lines_overlap, ecr_area, cropland_area,
// protected_area_share, cropland_cover, forest_coverage, natural_shoreline_share,
// cropland_survey, ecr_construction_land,
// ecr_nature_unchanged (last: it consumes the redline's union).
const std::vector<std::unique_ptr<Indicator>>& report_indicators();
// The indicator with this id, or null.
const Indicator* find_indicator(const std::string& id);

}  // namespace redline
