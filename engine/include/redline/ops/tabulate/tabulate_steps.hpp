#pragma once
// The steps of `redline tabulate` (ops/tabulate/tabulate.hpp) shared by its two runs: the whole
// layer at once (tabulate.cpp) and the layer by spatial chunks (chunked_tabulate.hpp). Internal
// to ops/tabulate/: callers use run_tabulate.
//
// A run reads the parcels and applies the level (read_options, apply_level), sets up the zones,
// the area calculator and the report (set_up), adds each zone's pieces and uncovered area to
// ZoneTotals (add_zone_pieces), then turns the totals into rows, warnings and metadata
// (finish_report). Areas are in m2, on the ellipsoid in the report's convention; sums are exact
// (ExactAreaSum), so adding zones in any grouping gives the same bits.
// Thread-safety: the functions are reentrant; a ZoneTotals is filled by one run (add_zone_pieces
// writes each zone's uncovered area from its own task, one zone per task).
#include <cstddef>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "redline/core/exact_area_sum.hpp"
#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/layers/land_use_codes.hpp"
#include "redline/layers/land_use_layer.hpp"
#include "redline/layers/polygon_layer.hpp"
#include "redline/ops/tabulate/area_check.hpp"
#include "redline/ops/tabulate/tabulate.hpp"

namespace redline::tabulate_detail {

// The totals of one (zone, class).
struct ClassSums {
    ExactAreaSum area;  // m2
    ExactAreaSum net;   // m2, net of the deduction coefficient
    std::size_t parcels = 0;
};

// Per zone: the class sums and the uncovered area (the zone's area until parcels meet it).
struct ZoneTotals {
    std::vector<std::map<std::string, ClassSums>> sums;  // classes ascending as text
    std::vector<double> uncovered;                       // m2
};

// The land-use read options of a request (fields, policy, progress; no spatial filter).
LandUseReadOptions read_options(const TabulateRequest& req);

// The codes at the requested level (InvalidInput for a code without two leading digits).
void apply_level(LandUseLayer& lu, const TabulateRequest& req);

// The zones, the report begun and the area calculator of a land-use layer.
struct Setup {
    PolygonLayer zones;
    TabulateReport rep;
    ConcurrentAreaCalculator calc;
};

// Conforms `lu` (its parcels as read; none for the chunked run's first read), reads the zones
// into its CRS (conformed and dissolved as requested) and begins the report: convention, area
// method, ellipsoid, zone count and the warnings so far (the layer's, the zones', the area
// calculator's, in this order).
Setup set_up(const TabulateRequest& req, const std::optional<LandUseCodes>& codes,
             LandUseLayer& lu);

// Zone x parcel pieces of the zones zone_index[k] (geometry zgeoms[k], area zareas[k], m2) with
// every parcel of `lu` (areas parcel_areas, m2), added to `t`; then each of these zones'
// uncovered area: zone minus the union of its parcels, measured (exactly 0 when covered). When
// the parcels' shared edges prove that the zone is covered (geom/coverage_edges.hpp), the
// answer is 0 without the union; otherwise (a gap, a T-junction, a multipolygon zone) the union
// is measured. `progress` (nullptr: none) gets the overlay's progress, label "tabulate".
// req.cancel set: an Error of kind Cancelled. Runs on req.threads threads; the result is the
// same for any count.
void add_zone_pieces(const std::vector<MultiPolygon>& zgeoms, const std::vector<double>& zareas,
                     const std::vector<std::size_t>& zone_index, const PolygonLayer& zones,
                     const LandUseLayer& lu, const std::vector<double>& parcel_areas,
                     const ConcurrentAreaCalculator& calc, const TabulateRequest& req,
                     ProgressSink* progress, ZoneTotals& t);

// Puts the TBMJ check (with check_field) into the report, with the CRS and text of the layer it
// checked, and warns (req.max_examples examples) when it found differences or missing values.
void attach_check(TabulateReport& rep, AreaCheck check, const LandUseLayer& lu,
                  const TabulateRequest& req);

// Rows, gap warning and metadata from the zones' totals. `lu_text` names the layer in the gap
// warning; `landuse` describes it in the metadata; `check_method` is the area method of the
// TBMJ check (with check_field).
void finish_report(TabulateReport& rep, const TabulateRequest& req, const PolygonLayer& zones,
                   const ZoneTotals& t, const std::optional<LandUseCodes>& codes,
                   const std::string& lu_text, const nlohmann::json& landuse,
                   const std::string& check_method);

}  // namespace redline::tabulate_detail
