#include "redline/layers/layer_reading.hpp"

#include <fmt/format.h>

#include "redline/geodesy/crs_description.hpp"
#include "redline/io/layer_ref.hpp"

namespace redline {

PolygonLayer to_polygon_layer(VectorLayer&& raw) {
    PolygonLayer l;
    l.label = raw.label;
    l.path = raw.ref.path;
    l.crs = make_crs(std::move(raw.crs_wkt), raw.crs_label);
    l.source_crs_label = std::move(raw.crs_label);
    l.features = raw.fids.size();
    l.ids = std::move(raw.ids);
    l.groups = std::move(raw.groups);
    l.geoms = std::move(raw.polygons);
    l.warnings = std::move(raw.warnings);
    return l;
}

PolygonLayer load_polygon_layer(const std::string& layer_ref, const LayerFields& fields,
                                const LayerPolicy& policy, ProgressSink* progress, int threads) {
    LayerReadOptions ro;
    ro.id_field = fields.id;
    ro.group_field = fields.group;
    ro.unique_ids = fields.unique_ids;
    ro.assign_crs = policy.assumed_crs;
    ro.encoding = policy.encoding;
    ro.encoding_option = policy.naming.option("encoding");
    ro.progress = progress;
    ro.threads = threads;
    VectorLayer raw = read_polygon_layer(parse_layer_ref(layer_ref), ro);
    const bool assigned = raw.crs_assigned;
    PolygonLayer l = to_polygon_layer(std::move(raw));
    if (assigned)
        l.warnings.push_back(fmt::format("layer '{}' declares no CRS; using {} as given by {}",
                                         l.label, l.crs.label,
                                         policy.naming.option(policy.naming.crs_option)));
    return l;
}

}  // namespace redline
