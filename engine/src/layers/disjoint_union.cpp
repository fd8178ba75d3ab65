#include "redline/layers/disjoint_union.hpp"

#include "redline/core/exact_area_sum.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/geom/polygon_overlap.hpp"

namespace redline {
namespace {

OverlapOptions overlap_options(const ConcurrentAreaCalculator& calc, int threads,
                               const CancelToken* cancel, bool keep_pieces) {
    OverlapOptions oo;
    oo.keep_pieces = keep_pieces;
    oo.plane_area_scale = keep_pieces ? 0.0 : calc.prototype().plane_area_scale();
    oo.threads = threads;
    oo.cancel = cancel;
    return oo;
}

AreaFunction measure_with(const ConcurrentAreaCalculator& calc) {
    return [&calc](const MultiPolygon& mp) { return calc.area_m2(mp); };
}

}  // namespace

DisjointUnion::DisjointUnion(MultiPolygon uni, const ConcurrentAreaCalculator& calc, int threads) {
    m_pieces.reserve(uni.polygons.size());
    for (auto& p : uni.polygons) {
        m_pieces.emplace_back();
        m_pieces.back().polygons.push_back(std::move(p));
    }
    m_areas = measure_areas(m_pieces, calc, threads);
}

MultiPolygon DisjointUnion::merged() const {
    MultiPolygon out;
    for (const auto& piece : m_pieces)
        out.polygons.insert(out.polygons.end(), piece.polygons.begin(), piece.polygons.end());
    return out;
}

MultiPolygon DisjointUnion::take() {
    MultiPolygon out;
    for (auto& piece : m_pieces)
        for (auto& p : piece.polygons) out.polygons.push_back(std::move(p));
    std::vector<MultiPolygon>().swap(m_pieces);
    std::vector<double>().swap(m_areas);
    return out;
}

double DisjointUnion::area_m2() const {
    ExactAreaSum s;
    for (double a : m_areas) s.add(a);
    return s.value();
}

double DisjointUnion::overlap_area_m2(const DisjointUnion& other,
                                      const ConcurrentAreaCalculator& calc, int threads,
                                      const CancelToken* cancel) const {
    return overlap_areas_m2({&other}, calc, threads, cancel).at(0);
}

std::vector<double> DisjointUnion::overlap_areas_m2(const std::vector<const DisjointUnion*>& others,
                                                    const ConcurrentAreaCalculator& calc,
                                                    int threads, const CancelToken* cancel) const {
    std::vector<MultiPolygon> b;
    std::vector<double> b_areas;
    std::vector<std::size_t> owner;
    for (std::size_t k = 0; k < others.size(); ++k) {
        b.insert(b.end(), others[k]->m_pieces.begin(), others[k]->m_pieces.end());
        b_areas.insert(b_areas.end(), others[k]->m_areas.begin(), others[k]->m_areas.end());
        owner.insert(owner.end(), others[k]->m_pieces.size(), k);
    }
    std::vector<ExactAreaSum> sums(others.size());
    if (!m_pieces.empty() && !b.empty()) {
        const auto overlaps = find_overlaps(m_pieces, b, m_areas, b_areas, measure_with(calc),
                                            overlap_options(calc, threads, cancel, false));
        for (const auto& ov : overlaps) sums[owner[ov.b]].add(ov.area_m2);
    }
    std::vector<double> out(others.size());
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = sums[k].value();
    return out;
}

DisjointUnion DisjointUnion::intersection(const DisjointUnion& other,
                                          const ConcurrentAreaCalculator& calc, int threads,
                                          const CancelToken* cancel) const {
    DisjointUnion out;
    if (m_pieces.empty() || other.m_pieces.empty()) return out;
    auto overlaps = find_overlaps(m_pieces, other.m_pieces, m_areas, other.m_areas,
                                  measure_with(calc), overlap_options(calc, threads, cancel, true));
    out.m_pieces.reserve(overlaps.size());
    out.m_areas.reserve(overlaps.size());
    for (auto& ov : overlaps) {
        out.m_pieces.push_back(std::move(ov.piece));
        out.m_areas.push_back(ov.area_m2);
    }
    return out;
}

}  // namespace redline
