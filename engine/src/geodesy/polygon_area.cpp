#include "redline/geodesy/polygon_area.hpp"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <cmath>
#include <numbers>

#include "redline/core/compensated_sum.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/ellipsoid.hpp"
#include "redline/geodesy/lonlat_ring.hpp"
#include "redline/geodesy/transformer.hpp"

namespace redline {
namespace {

constexpr double kDegPerRad = 180.0 / std::numbers::pi;

// Compensated (core/compensated_sum.hpp) signed shoelace area about the first vertex (units^2).
double planar_ring_area(const Ring& r) {
    if (r.size() < 4) return 0.0;
    const double x0 = r[0].x, y0 = r[0].y;
    CompensatedSum sum;
    for (std::size_t i = 1; i + 2 < r.size(); ++i) {
        const double xa = r[i].x - x0, ya = r[i].y - y0;
        const double xb = r[i + 1].x - x0, yb = r[i + 1].y - y0;
        sum.add(xa * yb - xb * ya);
    }
    return 0.5 * sum.value();
}

}  // namespace

PolygonAreaCalculator::PolygonAreaCalculator(const Crs& crs, double densify_m)
    : m_densify_m(densify_m) {
    if (crs.empty())
        fail(ErrorKind::InvalidInput,
             "cannot measure areas: the layer has no CRS; declare one (e.g. " REDLINE_OPTION(
                 "layer_crs") " EPSG:4490)");
    if (!(densify_m > 0) || !std::isfinite(densify_m))
        fail(ErrorKind::InvalidInput,
             fmt::format("densification step must be a positive number of metres, got {}",
                         densify_m));
    const std::string name = crs.name.empty() ? std::string("unnamed CRS") : crs.name;
    if (!crs.on_grs80_or_wgs84() && crs.kind != CrsKind::Other)
        m_warnings.push_back(fmt::format(
            "CRS '{}' is on the {} (a = {} m, 1/f = {}), not CGCS2000/GRS80: its coordinates are "
            "measured on GRS80 without a datum shift (areas on its own ellipsoid would differ by "
            "up "
            "to a few 1e-5)",
            name,
            crs.ellipsoid_name.empty() ? std::string("unknown ellipsoid") : crs.ellipsoid_name,
            crs.semi_major_m, crs.inverse_flattening));
    const std::string& ell = Ellipsoid::cgcs2000().name();
    switch (crs.kind) {
        case CrsKind::Geographic:
            m_kind = Method::Geographic;
            m_method = "geographic";
            m_unit = crs.unit_to_radian > 0 ? crs.unit_to_radian * kDegPerRad : 1.0;
            if (std::fabs(m_unit - 1.0) < 1e-12) m_unit = 1.0;  // degrees
            m_description = fmt::format(
                "ellipsoidal area on {} of edges straight in (lon, lat) of '{}' (32号 convention, "
                "exact per-edge sum)",
                ell, name);
            break;
        case CrsKind::Projected:
            m_unit = crs.unit_to_metre > 0 ? crs.unit_to_metre : 1.0;
            if (crs.equal_area_method && crs.on_grs80_or_wgs84()) {
                m_kind = Method::EqualArea;
                m_method = "equal-area";
                m_description = fmt::format(
                    "ellipsoidal area on {} of edges straight in the plane of the equal-area "
                    "projection '{}' ({}; plane area is exact)",
                    ell, name, crs.method);
            } else {
                m_kind = Method::Densified;
                m_method = "densified";
                m_max_segment = densify_m / m_unit;
                m_to_lonlat = std::make_unique<Transformer>(Transformer::to_geographic(crs.wkt));
                m_description = fmt::format(
                    "ellipsoidal area on {} of edges straight in the plane of '{}' ({}), densified "
                    "to {} m and inverse-projected (never a plane area)",
                    ell, name, crs.method.empty() ? std::string("projection") : crs.method,
                    densify_m);
            }
            break;
        case CrsKind::None:  // refused above
        case CrsKind::Other:
            fail(ErrorKind::Unsupported,
                 fmt::format("cannot measure areas in CRS '{}': it is neither geographic nor "
                             "projected; reproject the layer to EPSG:4490 or a CGCS2000 projection",
                             name));
    }
}

PolygonAreaCalculator::PolygonAreaCalculator(const Crs& crs, double densify_m,
                                             AreaConvention convention)
    : PolygonAreaCalculator(crs, densify_m) {
    if (convention != AreaConvention::Survey) return;
    const std::string name = crs.name.empty() ? std::string("unnamed CRS") : crs.name;
    if (m_kind != Method::Geographic && !m_to_lonlat)
        m_to_lonlat = std::make_unique<Transformer>(Transformer::to_geographic(crs.wkt));
    if (m_kind == Method::Geographic && m_unit != 1.0) m_geographic_unit = m_unit;
    m_unit_kind_geographic = m_kind == Method::Geographic;
    m_kind = Method::Survey;
    m_method = "survey";
    m_description = fmt::format(
        "ellipsoidal area on {} by the land survey's trapezoid formula (国土调查办发〔2008〕32号, "
        "TD/T 1055-2019) of the vertices of '{}'{}, not densified",
        Ellipsoid::cgcs2000().name(), name,
        m_unit_kind_geographic ? std::string(" (lon, lat)") : std::string(" inverse-projected"));
}

PolygonAreaCalculator::~PolygonAreaCalculator() = default;
PolygonAreaCalculator::PolygonAreaCalculator(PolygonAreaCalculator&&) noexcept = default;
PolygonAreaCalculator& PolygonAreaCalculator::operator=(PolygonAreaCalculator&&) noexcept = default;

const std::string& PolygonAreaCalculator::ellipsoid() const { return Ellipsoid::cgcs2000().name(); }

double PolygonAreaCalculator::polygon_area(const Polygon& p) const {
    const Ellipsoid& ell = Ellipsoid::cgcs2000();
    double total = 0.0;
    for (std::size_t i = 0; i < p.rings.size(); ++i) {
        const Ring& r = p.rings[i];
        double a = 0.0;
        switch (m_kind) {
            case Method::Geographic:
                // Plain rings: exactly Ellipsoid::ring_area_lonlat; rings crossing the
                // antimeridian or winding around a pole: geodesy/lonlat_ring.hpp.
                try {
                    if (m_unit == 1.0) {
                        a = lonlat_ring_area(r, ell, i == 0);
                    } else {
                        Ring deg(r);
                        for (auto& q : deg) q = Point{q.x * m_unit, q.y * m_unit};
                        a = lonlat_ring_area(deg, ell, i == 0);
                    }
                } catch (const Error& e) {
                    fail(e.kind(),
                         fmt::format(
                             "cannot measure the area of {} starting at {}: {} (see "
                             "docs/geodesy-rings.md)",
                             i == 0 ? std::string("an exterior ring") : fmt::format("hole {}", i),
                             describe_vertex(r.empty() ? Point{} : r[0]), e.what()));
                }
                break;
            case Method::EqualArea:
                a = planar_ring_area(r) * m_unit * m_unit;
                break;
            case Method::Densified: {
                Ring work(r);
                densify(work, m_max_segment);
                m_to_lonlat->transform(work);
                // Back in lon/lat, a ring that crossed the antimeridian or went round a pole in
                // the plane (a polar projection) jumps by 360 degrees: read it on the globe. In
                // the plane every ring has one region, so a hole may go round the pole too.
                try {
                    a = lonlat_ring_area(work, ell, true);
                } catch (const Error& e) {
                    fail(e.kind(),
                         fmt::format("cannot measure the area of a ring starting at {} "
                                     "(in lon/lat): {} (see docs/geodesy-rings.md)",
                                     describe_vertex(work.empty() ? Point{} : work[0]), e.what()));
                }
                break;
            }
            case Method::Survey: {
                Ring work(r);
                if (m_unit_kind_geographic) {
                    if (m_geographic_unit != 1.0)
                        for (auto& q : work)
                            q = Point{q.x * m_geographic_unit, q.y * m_geographic_unit};
                } else {
                    m_to_lonlat->transform(work);
                }
                a = survey_ring_area(work, ell);
                break;
            }
        }
        a = std::fabs(a);
        total += (i == 0) ? a : -a;
    }
    return total;
}

double PolygonAreaCalculator::area_m2(const Polygon& p) const { return polygon_area(p); }

ExactAreaSum PolygonAreaCalculator::area_sum(const MultiPolygon& mp) const {
    ExactAreaSum sum;
    for (const auto& p : mp.polygons) sum.add(polygon_area(p));
    return sum;
}

double PolygonAreaCalculator::area_m2(const MultiPolygon& mp) const { return area_sum(mp).value(); }

struct ConcurrentAreaCalculator::Impl {
    Crs crs;
    double densify_m;
    AreaConvention convention;
    PolygonAreaCalculator prototype;
    tbb::enumerable_thread_specific<PolygonAreaCalculator> local;
    Impl(const Crs& c, double d, AreaConvention conv)
        : crs(c), densify_m(d), convention(conv), prototype(c, d, conv), local([this] {
              return PolygonAreaCalculator(crs, densify_m, convention);
          }) {}
};

ConcurrentAreaCalculator::ConcurrentAreaCalculator(const Crs& crs, double densify_m,
                                                   AreaConvention convention)
    : m_impl(std::make_unique<Impl>(crs, densify_m, convention)) {}
ConcurrentAreaCalculator::~ConcurrentAreaCalculator() = default;
ConcurrentAreaCalculator::ConcurrentAreaCalculator(ConcurrentAreaCalculator&&) noexcept = default;

double ConcurrentAreaCalculator::area_m2(const MultiPolygon& mp) const {
    return m_impl->local.local().area_m2(mp);
}

double ConcurrentAreaCalculator::area_m2(const Polygon& p) const {
    return m_impl->local.local().area_m2(p);
}

ExactAreaSum ConcurrentAreaCalculator::area_sum(const MultiPolygon& mp) const {
    return m_impl->local.local().area_sum(mp);
}

const PolygonAreaCalculator& ConcurrentAreaCalculator::prototype() const {
    return m_impl->prototype;
}

std::vector<ExactAreaSum> measure_area_sums(const std::vector<MultiPolygon>& geoms,
                                            const ConcurrentAreaCalculator& calc, int threads) {
    std::vector<ExactAreaSum> out(geoms.size());
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, geoms.size(), 16), [&](const auto& r) {
            for (std::size_t i = r.begin(); i != r.end(); ++i) out[i] = calc.area_sum(geoms[i]);
        });
    });
    return out;
}

std::vector<double> measure_areas(const std::vector<MultiPolygon>& geoms,
                                  const ConcurrentAreaCalculator& calc, int threads) {
    const auto sums = measure_area_sums(geoms, calc, threads);
    std::vector<double> out(sums.size());
    for (std::size_t i = 0; i < sums.size(); ++i) out[i] = sums[i].value();
    return out;
}

double measure_area(const MultiPolygon& mp, const ConcurrentAreaCalculator& calc, int threads) {
    std::vector<double> parts(mp.polygons.size(), 0.0);
    tbb::task_arena arena(resolve_threads(threads));
    arena.execute([&] {
        tbb::parallel_for(tbb::blocked_range<std::size_t>(0, mp.polygons.size(), 4),
                          [&](const auto& r) {
                              for (std::size_t i = r.begin(); i != r.end(); ++i)
                                  parts[i] = calc.area_m2(mp.polygons[i]);
                          });
    });
    ExactAreaSum total;
    for (double a : parts) total.add(a);
    return total.value();
}

}  // namespace redline
