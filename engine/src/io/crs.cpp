#include "redline/io/crs.hpp"

#include <fmt/format.h>
#include <ogr_spatialref.h>

#include <cctype>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"

namespace redline {

std::string crs_to_wkt(const void* ogr_srs) {
    const auto* srs = static_cast<const OGRSpatialReference*>(ogr_srs);
    if (!srs) return {};
    char* wkt = nullptr;
    const char* opts[] = {"FORMAT=WKT2_2019", "MULTILINE=NO", nullptr};
    if (srs->exportToWkt(&wkt, opts) != OGRERR_NONE || !wkt) {
        CPLFree(wkt);
        wkt = nullptr;
        if (srs->exportToWkt(&wkt) != OGRERR_NONE || !wkt) {
            CPLFree(wkt);
            return {};
        }
    }
    std::string out(wkt);
    CPLFree(wkt);
    return out;
}

std::string crs_from_user(const std::string& text) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    OGRSpatialReference srs;
    if (srs.SetFromUserInput(text.c_str()) != OGRERR_NONE)
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' is not a CRS GDAL/PROJ understands{}; use e.g. EPSG:4490 or a PROJ "
                         "string",
                         text, detail::gdal_reason(cap)));
    return crs_to_wkt(&srs);
}

std::string crs_label_of(const std::string& wkt) {
    if (wkt.empty()) return "no CRS";
    OGRSpatialReference srs;
    if (srs.importFromWkt(wkt.c_str()) != OGRERR_NONE) return "unreadable CRS";
    const char* auth = srs.GetAuthorityName(nullptr);
    const char* code = srs.GetAuthorityCode(nullptr);
    if (auth && code) return fmt::format("{}:{}", auth, code);
    const char* name = srs.GetName();
    if (name && *name && std::string(name) != "unknown" && std::string(name) != "unnamed") {
        return fmt::format("'{}'", name);
    }
    char* proj4 = nullptr;
    std::string out = "unnamed CRS";
    if (srs.exportToProj4(&proj4) == OGRERR_NONE && proj4) out = fmt::format("'{}'", proj4);
    CPLFree(proj4);
    return out;
}

bool same_crs(const std::string& a, const std::string& b) {
    if (a.empty() || b.empty()) return a.empty() && b.empty();
    if (a == b) return true;
    OGRSpatialReference sa, sb;
    if (sa.importFromWkt(a.c_str()) != OGRERR_NONE || sb.importFromWkt(b.c_str()) != OGRERR_NONE)
        return false;
    sa.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    sb.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    const char* opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                          "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    if (sa.IsSame(&sb, opts)) return true;
    // A datum that only says "unknown, based on the GRS80 ellipsoid" (ESRI .prj files written from
    // a PROJ string, e.g. a shapefile saved in CGCS2000 Albers) never matches by name: compare the
    // definitions themselves then (projection, parameters, ellipsoid, units).
    auto unknown_datum = [](const OGRSpatialReference& s) {
        const char* d = s.GetAttrValue("DATUM");
        if (!d) return true;
        std::string n(d);
        for (auto& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return n.find("unknown") != std::string::npos || n.empty();
    };
    if (!unknown_datum(sa) && !unknown_datum(sb)) return false;
    char* pa = nullptr;
    char* pb = nullptr;
    const bool same =
        sa.exportToProj4(&pa) == OGRERR_NONE && sb.exportToProj4(&pb) == OGRERR_NONE && pa && pb &&
        std::string(pa) == std::string(pb) && std::string(pa).find("+proj=") != std::string::npos;
    CPLFree(pa);
    CPLFree(pb);
    return same;
}

}  // namespace redline
