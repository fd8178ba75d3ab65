#include "redline/coverage/coverage_rasterizer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "redline/core/error.hpp"
#include "redline/core/exact_rounding.hpp"

namespace redline {
namespace {

constexpr double kScale = 1099511627776.0;  // 2^40

// Fixed-point y: (row << 40) + round(fraction * 2^40), modulo 2^64.
inline std::uint64_t quantize_y(double y) {
    const std::int64_t j = floor_to_int(y);
    const auto frac =
        static_cast<std::uint64_t>(round_half_away((y - static_cast<double>(j)) * kScale));
    return (static_cast<std::uint64_t>(j) << kCoverageBits) + frac;
}

// Fixed-point half square of the position eta in [0, 1] down a row: round(eta^2 / 2 * 2^40).
inline std::int64_t quantize_moment(double eta) {
    return round_half_away(eta * eta * (0.5 * kScale));
}

// A point of an edge inside a row: x, the position down the row eta, and their fixed-point forms.
struct RowPoint {
    double x;
    double eta;
    std::uint64_t q;  // quantize_y
    std::int64_t m;   // quantize_moment(eta), when moments are on
};

struct RowWalker {
    std::uint64_t* acc;
    std::uint64_t* mom;  // null without moments
    double cl, cr;
    std::int64_t col0;
    int dir;
    std::uint64_t* marks;  // the row's mark words (CoverageRasterizer::touch)
    bool* dirty;

    inline void mark(std::size_t idx) const { marks[idx >> 6] |= std::uint64_t{1} << (idx & 63); }

    // A piece of an edge inside one row and one column strip (or left/right of the window).
    inline void segment(const RowPoint& a, const RowPoint& b) const {
        const double m = 0.5 * (a.x + b.x);
        if (m >= cr) return;
        const auto d = static_cast<std::int64_t>(b.q - a.q);
        const std::int64_t dm = mom ? b.m - a.m : 0;
        if (m <= cl) {
            acc[0] += static_cast<std::uint64_t>(dir * d);
            if (mom) mom[0] += static_cast<std::uint64_t>(dir * dm);
            mark(0);
            *dirty = true;
            return;
        }
        const std::int64_t k = floor_to_int(m);
        const auto fk = static_cast<double>(k);
        const double fx = m - fk;
        const auto right = static_cast<std::int64_t>(round_half_away(static_cast<double>(d) * fx));
        const auto idx = static_cast<std::size_t>(k - col0);
        acc[idx] += static_cast<std::uint64_t>(dir * (d - right));
        acc[idx + 1] += static_cast<std::uint64_t>(dir * right);
        mark(idx);
        mark(idx + 1);
        *dirty = true;
        if (mom) {
            // Moment of the part of cell k right of the piece: integral of (1 - u) eta d eta with u
            // the position across the cell, linear along the piece (Simpson is exact here).
            const double ua = a.x - fk, ub = b.x - fk, um = 0.5 * (ua + ub);
            const double em = 0.5 * (a.eta + b.eta);
            const double in_cell =
                (b.eta - a.eta) / 6.0 * ((1 - ua) * a.eta + 4 * (1 - um) * em + (1 - ub) * b.eta);
            const std::int64_t own = round_half_away(in_cell * kScale);
            mom[idx] += static_cast<std::uint64_t>(dir * own);
            mom[idx + 1] += static_cast<std::uint64_t>(dir * (dm - own));
        }
    }
};

}  // namespace

CoverageMode parse_coverage_mode(const std::string& s) {
    if (s == "exact") return CoverageMode::Exact;
    if (s == "centroid") return CoverageMode::Centroid;
    if (s == "all-touched") return CoverageMode::AllTouched;
    fail(ErrorKind::InvalidInput,
         fmt::format("unknown coverage mode '{}': expected exact, centroid or all-touched", s));
}

const char* coverage_mode_name(CoverageMode m) {
    switch (m) {
        case CoverageMode::Exact:
            return "exact";
        case CoverageMode::Centroid:
            return "centroid";
        case CoverageMode::AllTouched:
            return "all-touched";
    }
    return "?";
}

void CoverageRasterizer::clear_marked() {
    const auto rows = static_cast<std::size_t>(std::max<std::int64_t>(m_window.rows, 0));
    for (std::size_t row = 0; row < rows; ++row)
        for (std::size_t wi = 0; wi < m_words; ++wi) {
            std::uint64_t& word = m_marks[row * m_words + wi];
            for (std::uint64_t w = word; w; w &= w - 1) {
                const std::size_t off =
                    row * m_stride + (wi << 6) + static_cast<std::size_t>(__builtin_ctzll(w));
                m_acc[off] = 0;
                if (m_moments) m_mom[off] = 0;
            }
            word = 0;
        }
    m_dirty = false;
}

void CoverageRasterizer::begin(const Window& window) {
    // Clear what an unfinished polygon may have left (the buffers are all zero otherwise).
    if (m_dirty) clear_marked();
    m_window = window;
    m_stride = static_cast<std::size_t>(window.cols) + 1;
    m_words = (m_stride + 63) / 64;
    const auto rows = static_cast<std::size_t>(std::max<std::int64_t>(window.rows, 0));
    const std::size_t n = m_stride * rows;
    if (m_acc.size() < n) m_acc.resize(n, 0);
    if (m_moments && m_mom.size() < n) m_mom.resize(n, 0);
    if (m_marks.size() < m_words * rows) m_marks.resize(m_words * rows, 0);
}

void CoverageRasterizer::add_edge(double xa, double ya, double xb, double yb, int sign) {
    if (m_mode == CoverageMode::Centroid)
        add_edge_centroid(xa, ya, xb, yb, sign);
    else
        add_edge_exact(xa, ya, xb, yb, sign);
}

void CoverageRasterizer::add_edge_exact(double xa, double ya, double xb, double yb, int sign) {
    if (ya == yb) return;  // horizontal: no vertical extent
    double xl, yl, xh, yh;
    int dir;
    if (ya < yb) {
        xl = xa, yl = ya, xh = xb, yh = yb, dir = sign;
    } else {
        xl = xb, yl = yb, xh = xa, yh = ya, dir = -sign;
    }
    const Window& w = m_window;
    const double top = static_cast<double>(w.row0), bottom = static_cast<double>(w.row_end());
    if (yh <= top || yl >= bottom) return;
    const double cl = static_cast<double>(w.col0), cr = static_cast<double>(w.col_end());
    if (std::min(xl, xh) >= cr) return;
    // Canonical parametrisation from the lower-y endpoint: a shared edge of two polygons gives
    // the same split points in both.
    const double ey = yh - yl, ex = xh - xl;
    auto x_at = [&](double y) { return xl + (y - yl) / ey * ex; };
    auto y_at = [&](double x) { return yl + (x - xl) / ex * ey; };

    const std::int64_t jb = std::max(static_cast<std::int64_t>(std::floor(yl)), w.row0);
    const std::int64_t je = std::min(static_cast<std::int64_t>(std::ceil(yh)), w.row_end());
    RowWalker walk{nullptr, nullptr, cl, cr, w.col0, dir, nullptr, &m_dirty};
    const bool moments = m_moments;
    for (std::int64_t j = jb; j < je; ++j) {
        const double rj = static_cast<double>(j);
        const double y0 = rj > yl ? rj : yl;
        const double y1 = rj + 1.0 < yh ? rj + 1.0 : yh;
        if (!(y0 < y1)) continue;
        const double x0 = (y0 == yl) ? xl : x_at(y0);
        const double x1 = (y1 == yh) ? xh : x_at(y1);
        const std::size_t off = static_cast<std::size_t>(j - w.row0) * m_stride;
        walk.acc = m_acc.data() + off;
        walk.mom = moments ? m_mom.data() + off : nullptr;
        walk.marks = m_marks.data() + static_cast<std::size_t>(j - w.row0) * m_words;
        auto point = [&](double x, double y) {
            RowPoint p{x, y - rj, quantize_y(y), 0};
            if (moments) p.m = quantize_moment(p.eta);
            return p;
        };
        const RowPoint p0 = point(x0, y0), p1 = point(x1, y1);
        if (std::max(x0, x1) <= cl || x0 == x1) {
            walk.segment(p0, p1);
            continue;
        }
        if (std::min(x0, x1) >= cr) continue;
        RowPoint prev = p0;
        if (x0 < x1) {
            double k = std::max(std::floor(x0) + 1.0, cl);
            for (; k < x1 && k <= cr; k += 1.0) {
                const RowPoint c = point(k, std::clamp(y_at(k), y0, y1));
                walk.segment(prev, c);
                prev = c;
            }
        } else {
            double k = std::min(std::ceil(x0) - 1.0, cr);
            for (; k > x1 && k >= cl; k -= 1.0) {
                const RowPoint c = point(k, std::clamp(y_at(k), y0, y1));
                walk.segment(prev, c);
                prev = c;
            }
        }
        walk.segment(prev, p1);
    }
}

void CoverageRasterizer::add_edge_centroid(double xa, double ya, double xb, double yb, int sign) {
    if (ya == yb) return;
    double xl, yl, xh, yh;
    int dir;
    if (ya < yb) {
        xl = xa, yl = ya, xh = xb, yh = yb, dir = sign;
    } else {
        xl = xb, yl = yb, xh = xa, yh = ya, dir = -sign;
    }
    const Window& w = m_window;
    // Row centres j + 0.5 with yl <= centre < yh (half-open: top edges inside, bottom outside).
    std::int64_t jb = static_cast<std::int64_t>(std::ceil(yl - 0.5));
    std::int64_t je = static_cast<std::int64_t>(std::ceil(yh - 0.5));
    jb = std::max(jb, w.row0);
    je = std::min(je, w.row_end());
    const double cl = static_cast<double>(w.col0), cr = static_cast<double>(w.col_end());
    const double ey = yh - yl, ex = xh - xl;
    for (std::int64_t j = jb; j < je; ++j) {
        const double yc = static_cast<double>(j) + 0.5;
        const double x = (yc == yl) ? xl : xl + (yc - yl) / ey * ex;
        // First cell whose centre is at or right of x (a centre on the edge is inside).
        const double first = std::ceil(x - 0.5);
        if (first >= cr) continue;
        const std::size_t idx =
            first <= cl ? 0 : static_cast<std::size_t>(static_cast<std::int64_t>(first) - w.col0);
        const auto row = static_cast<std::size_t>(j - w.row0);
        m_acc[row * m_stride + idx] += static_cast<std::uint64_t>(dir * kFullCoverage);
        touch(row, idx);
    }
}

void CoverageRasterizer::left_carry(CoverageMode mode, bool moments, double /*xa*/, double ya,
                                    double /*xb*/, double yb, int sign, std::int64_t row0,
                                    std::int64_t rows, std::uint64_t* cov, std::uint64_t* mom,
                                    std::uint8_t* touched) {
    // Mirrors add_edge_exact() / add_edge_centroid() for an edge left of the window: every row
    // piece takes the "whole piece left of the window" branch.
    if (ya == yb) return;
    double yl, yh;
    int dir;
    if (ya < yb) {
        yl = ya, yh = yb, dir = sign;
    } else {
        yl = yb, yh = ya, dir = -sign;
    }
    const std::int64_t row_end = row0 + rows;
    if (mode == CoverageMode::Centroid) {
        const std::int64_t jb = std::max(static_cast<std::int64_t>(std::ceil(yl - 0.5)), row0);
        const std::int64_t je = std::min(static_cast<std::int64_t>(std::ceil(yh - 0.5)), row_end);
        for (std::int64_t j = jb; j < je; ++j) {
            const auto i = static_cast<std::size_t>(j - row0);
            cov[i] += static_cast<std::uint64_t>(dir * kFullCoverage);
            touched[i] = 1;
        }
        return;
    }
    moments = moments && mode == CoverageMode::Exact;
    if (yh <= static_cast<double>(row0) || yl >= static_cast<double>(row_end)) return;
    const std::int64_t jb = std::max(static_cast<std::int64_t>(std::floor(yl)), row0);
    const std::int64_t je = std::min(static_cast<std::int64_t>(std::ceil(yh)), row_end);
    for (std::int64_t j = jb; j < je; ++j) {
        const double rj = static_cast<double>(j);
        const double y0 = rj > yl ? rj : yl;
        const double y1 = rj + 1.0 < yh ? rj + 1.0 : yh;
        if (!(y0 < y1)) continue;
        const auto i = static_cast<std::size_t>(j - row0);
        const auto d = static_cast<std::int64_t>(quantize_y(y1) - quantize_y(y0));
        cov[i] += static_cast<std::uint64_t>(dir * d);
        if (moments) {
            const std::int64_t dm = quantize_moment(y1 - rj) - quantize_moment(y0 - rj);
            mom[i] += static_cast<std::uint64_t>(dir * dm);
        }
        touched[i] = 1;
    }
}

void CoverageRasterizer::add_left_carry(std::int64_t row0, std::int64_t rows,
                                        const std::uint64_t* cov, const std::uint64_t* mom,
                                        const std::uint8_t* touched) {
    const Window& w = m_window;
    const std::int64_t jb = std::max(row0, w.row0), je = std::min(row0 + rows, w.row_end());
    for (std::int64_t j = jb; j < je; ++j) {
        const auto i = static_cast<std::size_t>(j - row0);
        if (!touched[i]) continue;
        const auto row = static_cast<std::size_t>(j - w.row0);
        const std::size_t off = row * m_stride;
        m_acc[off] += cov[i];
        if (m_moments) m_mom[off] += mom[i];
        touch(row, 0);
    }
}

void CoverageRasterizer::finish() {
    const Window& w = m_window;
    const auto cols = static_cast<std::size_t>(std::max<std::int64_t>(w.cols, 0));
    const std::size_t n = cols * static_cast<std::size_t>(std::max<std::int64_t>(w.rows, 0));
    m_cov.assign(n, 0);
    if (m_moments) m_cov_mom.assign(n, 0);
    struct Dense {
        CoverageRasterizer& r;
        std::size_t cols;
        void cell(std::int64_t row, std::int64_t col, std::int64_t c, const std::int64_t* mom) {
            const std::size_t i =
                static_cast<std::size_t>(row) * cols + static_cast<std::size_t>(col);
            r.m_cov[i] = c;
            if (mom) r.m_cov_mom[i] = *mom;
        }
        void span(std::int64_t row, std::int64_t b, std::int64_t e, std::int64_t c) {
            const std::size_t i = static_cast<std::size_t>(row) * cols;
            std::fill(
                r.m_cov.begin() + static_cast<std::ptrdiff_t>(i + static_cast<std::size_t>(b)),
                r.m_cov.begin() + static_cast<std::ptrdiff_t>(i + static_cast<std::size_t>(e)), c);
            if (r.m_moments)
                std::fill(r.m_cov_mom.begin() +
                              static_cast<std::ptrdiff_t>(i + static_cast<std::size_t>(b)),
                          r.m_cov_mom.begin() +
                              static_cast<std::ptrdiff_t>(i + static_cast<std::size_t>(e)),
                          c == kFullCoverage ? kFullCoverage / 2 : c / 2);
        }
    };
    scan(Dense{*this, cols});
}

void CoverageRasterizer::rasterize(const ZoneSet& zones, std::size_t z, const Window& window) {
    begin(window);
    zones.for_each_edge(z, [&](double xa, double ya, double xb, double yb, int sign) {
        add_edge(xa, ya, xb, yb, sign);
    });
    finish();
}

}  // namespace redline
