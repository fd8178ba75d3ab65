#include "redline/geodesy/transformer.hpp"

#include <fmt/format.h>

#include <cmath>

#include "proj_handles.hpp"
#include "redline/core/error.hpp"

namespace redline {

struct Transformer::Impl {
    detail::ProjContextPtr ctx;
    detail::ProjPtr op;
};

namespace {

detail::ProjPtr normalized(PJ_CONTEXT* ctx, detail::ProjPtr op) {
    detail::ProjPtr norm(proj_normalize_for_visualization(ctx, op.get()));
    if (!norm)
        fail(ErrorKind::InvalidInput,
             fmt::format("PROJ cannot normalise the axis order of the transformation: {}",
                         detail::last_error(ctx)));
    return norm;
}

}  // namespace

Transformer::Transformer(const std::string& src_wkt, const std::string& dst_wkt)
    : m_impl(std::make_unique<Impl>()) {
    m_impl->ctx = detail::make_context();
    PJ_CONTEXT* ctx = m_impl->ctx.get();
    detail::ProjPtr src(proj_create(ctx, src_wkt.c_str()));
    detail::ProjPtr dst(proj_create(ctx, dst_wkt.c_str()));
    if (!src || !dst)
        fail(ErrorKind::InvalidInput,
             fmt::format("PROJ cannot read a CRS definition: {}", detail::last_error(ctx)));
    detail::ProjPtr op(proj_create_crs_to_crs_from_pj(ctx, src.get(), dst.get(), nullptr, nullptr));
    if (!op)
        fail(ErrorKind::InvalidInput,
             fmt::format("PROJ finds no transformation from '{}' to '{}': {}",
                         proj_get_name(src.get()), proj_get_name(dst.get()),
                         detail::last_error(ctx)));
    m_impl->op = normalized(ctx, std::move(op));
}

Transformer Transformer::to_geographic(const std::string& src_wkt) {
    Transformer t;
    t.m_impl = std::make_unique<Impl>();
    t.m_impl->ctx = detail::make_context();
    PJ_CONTEXT* ctx = t.m_impl->ctx.get();
    detail::ProjPtr src(proj_create(ctx, src_wkt.c_str()));
    if (!src)
        fail(ErrorKind::InvalidInput,
             fmt::format("PROJ cannot read a CRS definition: {}", detail::last_error(ctx)));
    detail::ProjPtr geo(proj_crs_get_geodetic_crs(ctx, src.get()));
    if (!geo)
        fail(ErrorKind::InvalidInput,
             fmt::format("CRS '{}' has no geodetic base CRS", proj_get_name(src.get())));
    detail::ProjPtr op(proj_create_crs_to_crs_from_pj(ctx, src.get(), geo.get(), nullptr, nullptr));
    if (!op)
        fail(ErrorKind::InvalidInput,
             fmt::format("PROJ cannot invert the projection of '{}': {}", proj_get_name(src.get()),
                         detail::last_error(ctx)));
    t.m_impl->op = normalized(ctx, std::move(op));
    return t;
}

Transformer::~Transformer() = default;
Transformer::Transformer(Transformer&&) noexcept = default;
Transformer& Transformer::operator=(Transformer&&) noexcept = default;

void Transformer::transform_unchecked(double* x, double* y, std::size_t n) const {
    if (n == 0) return;
    proj_errno_reset(m_impl->op.get());
    proj_trans_generic(m_impl->op.get(), PJ_FWD, x, sizeof(double), n, y, sizeof(double), n,
                       nullptr, 0, 0, nullptr, 0, 0);
    for (std::size_t i = 0; i < n; ++i)
        if (!std::isfinite(x[i]) || !std::isfinite(y[i]) || x[i] == HUGE_VAL) {
            x[i] = y[i] = HUGE_VAL;
        }
}

void Transformer::transform(std::vector<Point>& pts) const {
    if (pts.empty()) return;
    std::vector<double> xs(pts.size()), ys(pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
        xs[i] = pts[i].x;
        ys[i] = pts[i].y;
    }
    transform_unchecked(xs.data(), ys.data(), pts.size());
    for (std::size_t i = 0; i < pts.size(); ++i) {
        if (xs[i] == HUGE_VAL)
            fail(ErrorKind::InvalidInput,
                 fmt::format("point ({}, {}) cannot be transformed: it is outside the domain of "
                             "the projection",
                             pts[i].x, pts[i].y));
        pts[i] = Point{xs[i], ys[i]};
    }
}

Point Transformer::transform(const Point& p) const {
    std::vector<Point> v{p};
    transform(v);
    return v[0];
}

void densify(LineString& line, double max_segment) {
    if (line.size() < 2 || !(max_segment > 0)) return;
    LineString out;
    out.reserve(line.size());
    out.push_back(line[0]);
    for (std::size_t i = 1; i < line.size(); ++i) {
        const Point a = line[i - 1], b = line[i];
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        const double pieces = std::ceil(len / max_segment);
        if (pieces > 1 && pieces < 1e7) {
            const auto n = static_cast<std::size_t>(pieces);
            for (std::size_t k = 1; k < n; ++k) {
                const double t = static_cast<double>(k) / static_cast<double>(n);
                out.push_back(Point{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)});
            }
        }
        out.push_back(b);
    }
    line.swap(out);
}

void densify(MultiPolygon& mp, double max_segment) {
    for (auto& p : mp.polygons)
        for (auto& r : p.rings) densify(r, max_segment);
}

void reproject(MultiPolygon& mp, const Transformer& t, double max_segment_src_units) {
    densify(mp, max_segment_src_units);
    for (auto& p : mp.polygons)
        for (auto& r : p.rings) t.transform(r);
}

}  // namespace redline
