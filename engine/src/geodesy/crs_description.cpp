#include "redline/geodesy/crs_description.hpp"

#include <fmt/format.h>

#include <array>

#include "proj_handles.hpp"
#include "redline/core/error.hpp"

namespace redline {

CrsDescription describe_crs(const std::string& wkt) {
    using namespace detail;
    auto ctx = make_context();
    ProjPtr crs(proj_create(ctx.get(), wkt.c_str()));
    if (!crs)
        fail(ErrorKind::InvalidInput, fmt::format("PROJ cannot read the CRS definition ({}): {}",
                                                  last_error(ctx.get()), wkt.substr(0, 200)));
    CrsDescription d;
    const char* name = proj_get_name(crs.get());
    d.name = name ? name : "";
    // A bound or compound CRS: use its horizontal/source part.
    PJ_TYPE type = proj_get_type(crs.get());
    if (type == PJ_TYPE_BOUND_CRS) {
        crs.reset(proj_get_source_crs(ctx.get(), crs.get()));
        type = proj_get_type(crs.get());
    }
    if (type == PJ_TYPE_COMPOUND_CRS) {
        crs.reset(proj_crs_get_sub_crs(ctx.get(), crs.get(), 0));
        type = proj_get_type(crs.get());
    }
    if (type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS)
        d.kind = CrsKind::Geographic;
    else if (type == PJ_TYPE_PROJECTED_CRS)
        d.kind = CrsKind::Projected;
    else
        d.kind = CrsKind::Other;

    ProjPtr ell(proj_get_ellipsoid(ctx.get(), crs.get()));
    if (ell) {
        double a = 0, b = 0, invf = 0;
        int computed = 0;
        proj_ellipsoid_get_parameters(ctx.get(), ell.get(), &a, &b, &computed, &invf);
        d.semi_major_m = a;
        d.inverse_flattening = invf;
        const char* en = proj_get_name(ell.get());
        d.ellipsoid_name = en ? en : "";
    }
    ProjPtr cs(proj_crs_get_coordinate_system(ctx.get(), crs.get()));
    if (cs) {
        double factor = 0;
        if (proj_cs_get_axis_info(ctx.get(), cs.get(), 0, nullptr, nullptr, nullptr, &factor,
                                  nullptr, nullptr, nullptr)) {
            if (d.kind == CrsKind::Geographic)
                d.unit_to_radian = factor;
            else
                d.unit_to_metre = factor;
        }
    }
    if (d.kind == CrsKind::Projected) {
        ProjPtr op(proj_crs_get_coordoperation(ctx.get(), crs.get()));
        if (op) {
            const char* method = nullptr;
            proj_coordoperation_get_method_info(ctx.get(), op.get(), &method, nullptr, nullptr);
            d.method = method ? method : "";
        }
        // Projections that are exactly equal-area on the ellipsoid in PROJ.
        static const std::array<const char*, 5> kEqualArea = {
            "Albers Equal Area", "Lambert Azimuthal Equal Area", "Lambert Cylindrical Equal Area",
            "Lambert Azimuthal Equal Area (Spherical)", "Equal Earth"};
        for (const char* m : kEqualArea)
            if (d.method == m) d.equal_area_method = true;
        if (d.method == "Lambert Azimuthal Equal Area (Spherical)") d.equal_area_method = false;
    }
    return d;
}

Crs make_crs(std::string wkt, std::string label) {
    Crs c;
    if (!wkt.empty()) static_cast<CrsDescription&>(c) = describe_crs(wkt);
    c.wkt = std::move(wkt);
    c.label = std::move(label);
    return c;
}

}  // namespace redline
