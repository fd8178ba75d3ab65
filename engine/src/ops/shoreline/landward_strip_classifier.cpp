#include "redline/ops/shoreline/landward_strip_classifier.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "redline/core/fixed_area.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/ops/shoreline/line_direction.hpp"

namespace redline {
namespace {

constexpr double kTieTolerance = 1e-9;  // relative, for the 50 % rule's ties

}  // namespace

LandwardStripClassifier::LandwardStripClassifier(const ShoreRasterModel& model, double buffer_m)
    : m_model(model), m_buffer_m(buffer_m), m_reader(model.source().open_reader()) {}

LandwardStripClassifier::~LandwardStripClassifier() = default;

ShoreClass LandwardStripClassifier::class_of(double artificial_m2, double valid_m2) {
    if (!(valid_m2 > 0)) return ShoreClass::Unclassified;
    return artificial_m2 >= 0.5 * valid_m2 * (1.0 - kTieTolerance) ? ShoreClass::Artificial
                                                                   : ShoreClass::Natural;
}

void LandwardStripClassifier::load_window(const MeasuredLine& ml, double sa, double sb,
                                          const LocalMetric& m) {
    const LineString part = ml.slice(sa, sb, true);
    Box box;
    for (const auto& p : part) box.expand(p);
    const double margin = (1.5 * m_buffer_m + 2.0 * m_model.cell_m()) / m.min_scale();
    const Grid& g = m_model.grid();
    const double c0 = g.col_of(box.xmin - margin), c1 = g.col_of(box.xmax + margin);
    const double r0 = g.row_of(box.ymax + margin), r1 = g.row_of(box.ymin - margin);
    auto clampd = [](double v, double lo, double hi) { return std::clamp(v, lo, hi); };
    const double cols = static_cast<double>(g.cols()), rows = static_cast<double>(g.rows());
    const double cmin = clampd(std::floor(std::min(c0, c1)) - 1, 0, cols);
    const double cmax = clampd(std::ceil(std::max(c0, c1)) + 1, 0, cols);
    const double rmin = clampd(std::floor(std::min(r0, r1)) - 1, 0, rows);
    const double rmax = clampd(std::ceil(std::max(r0, r1)) + 1, 0, rows);
    Window win{static_cast<std::int64_t>(cmin), static_cast<std::int64_t>(rmin),
               static_cast<std::int64_t>(cmax - cmin), static_cast<std::int64_t>(rmax - rmin)};
    if (win.empty()) win = Window{};
    m_win = win;
    const auto n = static_cast<std::size_t>(win.cells());
    m_values.resize(n);
    m_valid.resize(n);
    if (n) m_reader->read(win, m_values.data(), m_valid.data());
}

StripAreas LandwardStripClassifier::strip_areas(const MultiPolygon& strip,
                                                std::set<std::int64_t>& unknown) {
    StripAreas out;
    if (strip.empty()) return out;
    static const std::vector<std::string> kName = {"strip"};
    const ZoneSet zs(m_model.grid(), {strip}, kName);
    const Window zw = zs.zone(0).window;
    if (zw.empty()) return out;
    const bool inside = zw.col0 >= m_win.col0 && zw.col_end() <= m_win.col_end() &&
                        zw.row0 >= m_win.row0 && zw.row_end() <= m_win.row_end();
    // A strip outside the loaded window (sharp bends of long edges): read its own window.
    std::vector<std::int32_t> own_values;
    std::vector<std::uint8_t> own_valid;
    const std::int32_t* values = m_values.data();
    const std::uint8_t* valid = m_valid.data();
    Window src = m_win;
    if (!inside) {
        own_values.resize(static_cast<std::size_t>(zw.cells()));
        own_valid.resize(static_cast<std::size_t>(zw.cells()));
        m_reader->read(zw, own_values.data(), own_valid.data());
        values = own_values.data();
        valid = own_valid.data();
        src = zw;
    }
    m_rast.rasterize(zs, 0, zw);
    // Sums of (coverage x area units) in 128 bits: exact, so independent of the order.
    Int128 total = 0, good = 0, art = 0;
    m_area_units.resize(static_cast<std::size_t>(zw.cols));
    for (std::int64_t r = 0; r < zw.rows; ++r) {
        const std::int64_t* cov = m_rast.row(r);
        const std::int64_t row = zw.row0 + r;
        m_model.areas().cell_area_units(row, zw.col0, zw.cols, m_area_units.data());
        const std::size_t base =
            static_cast<std::size_t>((row - src.row0) * src.cols + (zw.col0 - src.col0));
        for (std::int64_t c = 0; c < zw.cols; ++c) {
            if (cov[c] <= 0) continue;
            const Int128 a =
                static_cast<Int128>(cov[c]) * m_area_units[static_cast<std::size_t>(c)];
            total += a;
            const std::size_t idx = base + static_cast<std::size_t>(c);
            const LandKind k = m_model.kind_of(values[idx], valid[idx], &unknown);
            if (k != LandKind::NoData) good += a;
            if (k == LandKind::Artificial) art += a;
        }
    }
    const AreaScale& sc = m_model.areas().scale();
    out.total_m2 = sc.to_m2(total);
    out.valid_m2 = sc.to_m2(good);
    out.artificial_m2 = sc.to_m2(art);
    return out;
}

LandKind LandwardStripClassifier::transect_kind(const MeasuredLine& ml, double s,
                                                const LocalMetric& metric, double side_sign,
                                                int kt) const {
    const Grid& g = m_model.grid();
    const Point p = metric.to_local(ml.point_at(s));
    const Point n = left_normal(unit_tangent_at(ml, s, metric));
    int valid = 0, art = 0;
    for (int k = 0; k < kt; ++k) {
        const double d = side_sign * m_buffer_m * (k + 0.5) / kt;
        const Point q = metric.to_crs(Point{p.x + n.x * d, p.y + n.y * d});
        const double cf = std::floor(g.col_of(q.x)), rf = std::floor(g.row_of(q.y));
        if (!(cf >= static_cast<double>(m_win.col0) && cf < static_cast<double>(m_win.col_end()) &&
              rf >= static_cast<double>(m_win.row0) && rf < static_cast<double>(m_win.row_end())))
            continue;
        const auto idx =
            static_cast<std::size_t>((static_cast<std::int64_t>(rf) - m_win.row0) * m_win.cols +
                                     (static_cast<std::int64_t>(cf) - m_win.col0));
        const LandKind kind = m_model.kind_of(m_values[idx], m_valid[idx], nullptr);
        if (kind != LandKind::NoData) ++valid;
        if (kind == LandKind::Artificial) ++art;
    }
    if (valid == 0) return LandKind::NoData;
    return 2 * art >= valid ? LandKind::Artificial : LandKind::Other;
}

void LandwardStripClassifier::classify(const MeasuredLine& ml, double s0, double s1,
                                       const LocalMetric& metric, Side land_side,
                                       std::vector<StripPiece>& out,
                                       std::set<std::int64_t>& unknown_codes) {
    const Grid& g = m_model.grid();
    const double len = s1 - s0;
    const double cell_m =
        std::max(1e-3, std::min(metric.metres(g.dx(), 0), metric.metres(0, g.dy())));
    const double side_sign = land_side == Side::Left ? 1.0 : -1.0;
    // Landward transects every half cell, each of kt points.
    const double h = std::max(cell_m / 2.0, 1e-3);
    const auto m = static_cast<std::size_t>(std::clamp(std::ceil(len / h), 1.0, 4096.0));
    const auto kt = static_cast<int>(std::clamp(std::ceil(m_buffer_m / cell_m), 1.0, 32.0));
    auto sample = [&](std::size_t j) {
        return s0 + (static_cast<double>(j) + 0.5) * len / static_cast<double>(m);
    };
    std::vector<LandKind> kinds(m);
    for (std::size_t j = 0; j < m; ++j)
        kinds[j] = transect_kind(ml, sample(j), metric, side_sign, kt);
    // Cut where the kind changes: bisect between the two samples down to ~1e-6 of a cell.
    std::vector<double> cuts{s0};
    for (std::size_t j = 1; j < m; ++j) {
        if (kinds[j] == kinds[j - 1]) continue;
        double lo = sample(j - 1), hi = sample(j);
        for (int it = 0; it < 20; ++it) {
            const double mid = 0.5 * (lo + hi);
            if (transect_kind(ml, mid, metric, side_sign, kt) == kinds[j - 1])
                lo = mid;
            else
                hi = mid;
        }
        const double cut = 0.5 * (lo + hi);
        if (cut > cuts.back() && cut < s1) cuts.push_back(cut);
    }
    cuts.push_back(s1);
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
        StripPiece p;
        p.s0 = cuts[c];
        p.s1 = cuts[c + 1];
        // The strip is built in local metres around the piece's midpoint metric, then mapped back.
        LineString local = ml.slice(p.s0, p.s1);
        for (auto& pt : local) pt = metric.to_local(pt);
        MultiPolygon strip = m_buffer.strip(local, m_buffer_m, land_side);
        for (auto& poly : strip.polygons)
            for (auto& ring : poly.rings)
                for (auto& pt : ring) pt = metric.to_crs(pt);
        const StripAreas a = strip_areas(strip, unknown_codes);
        if (a.valid_m2 > 0) p.artificial_percent = 100.0 * a.artificial_m2 / a.valid_m2;
        p.klass = class_of(a.artificial_m2, a.valid_m2);
        p.valid_percent = a.total_m2 > 0 ? 100.0 * a.valid_m2 / a.total_m2 : 0.0;
        out.push_back(std::move(p));
    }
}

}  // namespace redline
