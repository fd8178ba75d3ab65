#include "redline/io/memory_layer.hpp"

#include <fmt/format.h>
#include <ogr_geometry.h>

#include <map>
#include <memory>

#include "redline/core/error.hpp"
#include "redline/core/text.hpp"
#include "redline/io/crs.hpp"

namespace redline {
namespace {

Ring ring_of(const OGRLinearRing* r) {
    Ring ring;
    for (int i = 0; i < r->getNumPoints(); ++i) ring.push_back(Point{r->getX(i), r->getY(i)});
    if (!ring.empty() && !(ring.front() == ring.back())) ring.push_back(ring.front());
    return ring;
}

bool add(const OGRGeometry* g, MultiPolygon& out) {
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPolygon: {
            const auto* p = g->toPolygon();
            if (p->IsEmpty()) return true;
            Polygon poly;
            poly.rings.push_back(ring_of(p->getExteriorRing()));
            for (int i = 0; i < p->getNumInteriorRings(); ++i)
                poly.rings.push_back(ring_of(p->getInteriorRing(i)));
            out.polygons.push_back(std::move(poly));
            return true;
        }
        case wkbMultiPolygon:
        case wkbGeometryCollection:
            for (const auto* m : *g->toGeometryCollection())
                if (!add(m, out)) return false;
            return true;
        default:
            return false;
    }
}

}  // namespace

VectorLayer memory_polygon_layer(const MemoryLayerInput& in) {
    if (in.wkb.size() != in.ids.size() || (!in.groups.empty() && in.groups.size() != in.ids.size()))
        fail(ErrorKind::InvalidInput,
             "zones: ids, geometries and groups must have the same length");
    if (in.wkb.empty())
        fail(ErrorKind::InvalidInput, fmt::format("{} holds no features", in.label));
    VectorLayer vl;
    vl.ref.path = "<memory>";
    vl.ref.text = in.label;
    vl.label = in.label;
    vl.layer_name = in.label;
    vl.crs_wkt = in.crs_wkt;
    vl.crs_label = crs_label_of(in.crs_wkt);
    std::vector<std::string> bad, dups;
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < in.wkb.size(); ++i) {
        const std::string& id = in.ids[i];
        if (in.unique_ids) {
            auto [it, inserted] = seen.emplace(id, i);
            if (!inserted && dups.size() < 10)
                dups.push_back(fmt::format("'{}' (features {} and {})", id, it->second, i));
        }
        MultiPolygon mp;
        if (in.wkb[i].empty()) {
            vl.empty_ids.push_back(id);
        } else {
            OGRGeometry* g = nullptr;
            const auto err =
                OGRGeometryFactory::createFromWkb(in.wkb[i].data(), nullptr, &g, in.wkb[i].size());
            std::unique_ptr<OGRGeometry> owned(g);
            if (err != OGRERR_NONE || !g)
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: feature '{}' is not valid WKB", in.label, id));
            if (g->IsEmpty())
                vl.empty_ids.push_back(id);
            else if (!add(g, mp)) {
                bad.push_back(fmt::format("{} ({})", id,
                                          OGRGeometryTypeToName(wkbFlatten(g->getGeometryType()))));
                mp = MultiPolygon{};
            }
        }
        vl.fids.push_back(static_cast<std::int64_t>(i));
        vl.ids.push_back(id);
        vl.groups.push_back(in.groups.empty() ? std::string() : in.groups[i]);
        vl.extra.emplace_back();
        vl.polygons.push_back(std::move(mp));
    }
    if (!bad.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("{} must hold polygons, but {} feature(s) do not: {}", in.label,
                         bad.size(), text::join_limited(bad)));
    if (!dups.empty())
        fail(ErrorKind::InvalidInput, fmt::format("{}: zone ids are not unique: {}; pick a unique "
                                                  "key, or use dissolve_by to merge features",
                                                  in.label, text::join_limited(dups)));
    if (!vl.empty_ids.empty())
        vl.warnings.push_back(
            fmt::format("{}: {} feature(s) have an empty or null geometry and cover nothing: {}",
                        in.label, vl.empty_ids.size(), text::join_limited(vl.empty_ids)));
    return vl;
}

}  // namespace redline
