#pragma once
// A land-use survey layer (三调 地类图斑, DLTB) as the survey commands read it: the parcels with
// their land-use codes as written, deduction coefficients and recorded areas, and the handling
// of parcels that overlap (docs/land-use-survey.md). Shared by `tabulate` (ops/tabulate/) and
// `change` with vector layers (ops/change/survey_change.hpp).
//
//  - Codes: the class field as text, trimmed; NULL or empty is an InvalidInput naming the
//    feature (every parcel needs one). A missing field is an InvalidInput naming the option.
//  - Coefficients (deduct_field): in [0, 1); NULL counts as 0 with a warning; anything else is an
//    InvalidInput. Without a deduct field every coefficient is 0.
//  - Recorded areas (check_field): numbers or NULL (nullopt); text is an InvalidInput.
//  - Overlaps (resolve_land_use_overlaps): an InvalidInput listing the first overlaps with
//    locations under OnOverlap::Error; under First each overlapping area counts once, for the
//    first parcel in feature order (later parcels lose the part of earlier ones), with a warning.
// Thread-safety: reentrant.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "redline/exec/progress.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/layers/layer_policy.hpp"
#include "redline/layers/polygon_layer.hpp"

namespace redline {

enum class OnOverlap { Error, First };

// "error" | "first"; InvalidInput otherwise (naming --on-overlap).
OnOverlap parse_on_overlap(const std::string& text);
const char* on_overlap_name(OnOverlap o);

struct LandUseLayer {
    PolygonLayer layer;
    std::vector<std::string> classes;  // one per geometry, as written (trimmed)
    std::vector<double> coefficients;  // 0 without a deduct field
    // One per geometry with a deduct field (else empty): 1 when its value is NULL or empty (the
    // coefficient is then 0, and a warning counts these parcels).
    std::vector<std::uint8_t> no_coefficient;
    std::vector<std::optional<double>> recorded;  // check-field values (nullopt: NULL)
    std::string text;                             // e.g. "land-use layer 'DLTB' in 'dltb.gpkg'"
    std::vector<std::int64_t> fids;               // one per geometry: GDAL's feature id
};

struct LandUseReadOptions {
    std::string class_field;   // required
    std::string deduct_field;  // DEFAULT "": no deduction
    std::string check_field;   // DEFAULT "": no recorded areas
    // DEFAULT "land-use layer": how messages name the layer ("t0 layer", "t1 layer").
    std::string role = "land-use layer";
    // The option that gave the layer, named when the class field is missing (DEFAULT none).
    LayerPolicy policy = LayerPolicy::overlay();  // assumed CRS, encoding, naming
    ProgressSink* progress = nullptr;
    // DEFAULT 1: threads reading the layer (io/vector_layer.hpp LayerReadOptions::threads; the
    // result is the same for any count).
    int threads = 1;
    // DEFAULT none: every parcel. Else the parcels meeting this rectangle, in feature id order
    // (io/vector_layer.hpp LayerReadOptions::spatial_filter: in a GeoPackage with an R-tree,
    // those whose bounding box meets it); none is no error.
    std::optional<Box> spatial_filter;
};

// The warning read_land_use_layer appends (last) when `count` > 0 parcels of the layer named
// `text` have no value in `deduct_field`.
std::string no_coefficient_warning(const std::string& text, std::size_t count,
                                   const std::string& deduct_field);

// Reads the parcels (not yet conformed: the caller calls conform()).
LandUseLayer read_land_use_layer(const std::string& layer_ref, const LandUseReadOptions& opts);

// The ellipsoidal area calculator of the layer's CRS under `convention`; its errors name the
// layer.
ConcurrentAreaCalculator land_use_area_calculator(const LandUseLayer& lu, double densify_m,
                                                  AreaConvention convention);

struct OverlapResolution {
    std::size_t overlaps = 0;  // overlapping parcel pairs (OnOverlap::First)
    double area_m2 = 0;        // their total overlap area
    std::vector<std::string> warnings;
};

struct OverlapResolveOptions {
    OnOverlap on_overlap = OnOverlap::Error;
    std::size_t max_examples = 10;  // DEFAULT 10 overlaps listed in the message
    int threads = 0;                // DEFAULT 0 = all cores
    ProgressSink* progress = nullptr;
    const CancelToken* cancel = nullptr;
};

// The options of a request with on_overlap, max_examples, threads, progress and cancel.
template <class Request>
OverlapResolveOptions overlap_resolve_options(const Request& r) {
    return OverlapResolveOptions{r.on_overlap, r.max_examples, r.threads, r.progress, r.cancel};
}

// Finds the overlaps between the parcels (`areas`: each parcel's area by `calc`); fails under
// Error, or cuts later parcels under First and measures them again in `areas`. The result is the
// same for any thread count.
OverlapResolution resolve_land_use_overlaps(LandUseLayer& lu, std::vector<double>& areas,
                                            const ConcurrentAreaCalculator& calc,
                                            const OverlapResolveOptions& opts);

}  // namespace redline
