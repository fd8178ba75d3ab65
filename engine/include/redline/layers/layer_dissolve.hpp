#pragma once
// Dissolve, the step after conform (layers/conform.hpp) when features are to count as groups:
// every feature into one geometry, or one geometry per value of the group field, in order of
// first appearance. Each group's geometry is the exact union of its features (GEOS,
// geom/polygon_dissolve.hpp), so overlaps count once; the result is the same for any thread
// count.
// Thread-safety: reentrant.
#include <string>

#include "redline/layers/polygon_layer.hpp"

namespace redline {

// Which features become one geometry. DEFAULT: none (every feature stays itself).
struct DissolveBy {
    bool all = false;   // --dissolve: every feature, into one geometry named "all"
    std::string field;  // --dissolve-by: the field read into PolygonLayer::groups
    bool any() const { return all || !field.empty(); }
};

// Replaces the features of `layer` by the unions of their groups: ids become the group names
// ("all" or the field's values), groups are cleared; features, CRS, repairs and warnings stay.
// Nothing happens when !by.any(). DEFAULT threads 0 = all cores.
void dissolve_layer(PolygonLayer& layer, const DissolveBy& by, int threads = 0);

}  // namespace redline
