#include "redline/layers/polygon_layer.hpp"

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"

namespace redline {

Box PolygonLayer::extent() const {
    Box b;
    for (const auto& g : geoms) b.expand(g.bounds());
    return b;
}

nlohmann::json PolygonLayer::describe(LayerRole role) const {
    if (role == LayerRole::Zones)
        return nlohmann::json{{"layer", label},
                              {"path", path},
                              {"crs", crs.label},
                              {"features", features},
                              {"zones", ids.size()},
                              {"repaired", repaired},
                              {"reprojected", reprojected}};
    nlohmann::json j{{"layer", label},       {"path", path},         {"crs", source_crs_label},
                     {"features", features}, {"repaired", repaired}, {"reprojected", reprojected}};
    if (reprojected) j["reprojected_to"] = crs.label;
    return j;
}

std::string PolygonLayer::serialize() const {
    BinaryWriter w;
    w.str("redline.polygon_layer.v1");
    w.str(label);
    w.str(path);
    crs.write(w);
    w.str(source_crs_label);
    w.u64(features);
    w.u64(repaired);
    w.u64(reprojected ? 1 : 0);
    w.u64(warnings.size());
    for (const auto& x : warnings) w.str(x);
    w.u64(groups.size());
    for (const auto& x : groups) w.str(x);
    w.u64(geoms.size());
    for (std::size_t i = 0; i < geoms.size(); ++i) {
        w.str(i < ids.size() ? ids[i] : std::string());
        w.multipolygon(geoms[i]);
    }
    return w.take();
}

PolygonLayer PolygonLayer::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.polygon_layer.v1");
    PolygonLayer l;
    l.label = r.str();
    l.path = r.str();
    l.crs = Crs::read(r);
    l.source_crs_label = r.str();
    l.features = r.u64();
    l.repaired = r.u64();
    l.reprojected = r.u64() != 0;
    l.warnings.resize(r.count());
    for (auto& x : l.warnings) x = r.str();
    l.groups.resize(r.count());
    for (auto& x : l.groups) x = r.str();
    const std::size_t n = r.count();
    l.ids.resize(n);
    l.geoms.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        l.ids[i] = r.str();
        l.geoms[i] = r.multipolygon();
    }
    if (!r.done())
        fail(ErrorKind::InvalidInput, "corrupt binary data (bytes after a polygon layer)");
    return l;
}

}  // namespace redline
