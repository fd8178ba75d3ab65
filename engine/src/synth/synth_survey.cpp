#include "redline/synth/synth_survey.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {
namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kCornerJitter = 0.15;  // of the cell side
constexpr double kSideJitter = 0.08;
constexpr std::int64_t kBlock = 6;  // cells per landscape block side

std::uint64_t mix(std::uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

double mm(double v) { return std::round(v * 1000.0) / 1000.0; }

struct Share {
    const char* code;
    int weight;
};
struct Landscape {
    const char* name;
    int weight;
    std::vector<Share> mix;
};

// Landscapes of a province in the Yangtze plain and its hills, and the codes each holds.
const std::vector<Landscape>& landscapes() {
    static const std::vector<Landscape> l = {
        {"paddy",
         25,
         {{"0101", 60},
          {"0102", 5},
          {"0103", 5},
          {"0201", 3},
          {"0702", 8},
          {"1006", 8},
          {"1104", 6},
          {"1107", 5}}},
        {"dry",
         15,
         {{"0103", 55},
          {"0102", 15},
          {"0101", 5},
          {"0201", 5},
          {"0702", 8},
          {"1006", 8},
          {"1202", 4}}},
        {"forest",
         33,
         {{"0301", 60},
          {"0305", 10},
          {"0307", 10},
          {"0202", 5},
          {"0103", 5},
          {"0404", 5},
          {"1006", 3},
          {"1206", 2}}},
        {"grass", 7, {{"0404", 40}, {"0401", 20}, {"0305", 20}, {"1206", 10}, {"0301", 10}}},
        {"village",
         10,
         {{"0702", 40},
          {"0101", 15},
          {"0103", 10},
          {"1006", 10},
          {"1104", 10},
          {"0201", 5},
          {"08H2", 5},
          {"1003", 5}}},
        {"town",
         4,
         {{"0701", 35},
          {"05H1", 15},
          {"0601", 15},
          {"1003", 10},
          {"08H2", 10},
          {"0810A", 5},
          {"0702", 10}}},
        {"water",
         6,
         {{"1101", 35}, {"1104", 20}, {"1103", 15}, {"1106", 10}, {"1107", 10}, {"0101", 10}}}};
    return l;
}

template <class T>
const T& pick(const std::vector<T>& items, double u) {
    int total = 0;
    for (const auto& it : items) total += it.weight;
    double acc = 0;
    for (const auto& it : items) {
        acc += static_cast<double>(it.weight) / total;
        if (u < acc) return it;
    }
    return items.back();
}

Point centroid_of(const Ring& r) {
    Point c{0, 0};
    const std::size_t n = r.size() - 1;  // closed
    for (std::size_t k = 0; k < n; ++k) {
        c.x += r[k].x;
        c.y += r[k].y;
    }
    return Point{mm(c.x / static_cast<double>(n)), mm(c.y / static_cast<double>(n))};
}

MultiPolygon one(Ring r) {
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{std::move(r)}});
    return mp;
}

std::string changed_code(const std::string& from, double u) {
    if (from.rfind("01", 0) == 0) return u < 0.5 ? "0702" : (u < 0.8 ? "0601" : "1003");
    if (from.rfind("03", 0) == 0) return "0103";
    return from == "0702" ? "0601" : "0702";
}

}  // namespace

void SurveyOptions::validate() const {
    if (parcels < 0 || parcels > 100000000)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "" REDLINE_OPTION("survey_parcels") " must be between 0 and 100000000, got {}",
                 parcels));
    if (parcels > 0 && parcels < 16)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "" REDLINE_OPTION("survey_parcels") " must be at least 16 (or 0 for none), got {}",
                 parcels));
    if (!(parcel_size_m >= 1 && parcel_size_m <= 10000))
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "" REDLINE_OPTION("survey_parcel_size") " must be between 1 and 10000 m, got {}",
                 parcel_size_m));
    if (defects < 0 || (parcels > 0 && defects > parcels / 20))
        fail(
            ErrorKind::InvalidInput,
            fmt::format(
                "" REDLINE_OPTION("survey_defects") " must be between 0 and 5 % of " REDLINE_OPTION(
                    "survey_parcels") " ({}), "
                                      "got {}",
                parcels / 20, defects));
    if (zones < 1) fail(ErrorKind::InvalidInput, "" REDLINE_OPTION("zones") " must be at least 1");
    if (format != "gpkg" && format != "gdb" && format != "shp")
        fail(ErrorKind::InvalidInput,
             fmt::format("" REDLINE_OPTION("survey_format") " must be gpkg, gdb or shp, got '{}'",
                         format));
}

SurveyScene::SurveyScene(const SurveyOptions& options) : m_opt(options) {
    m_opt.validate();
    if (m_opt.parcels == 0) return;
    m_nx = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(m_opt.parcels))));
    m_ny = (m_opt.parcels + m_nx - 1) / m_nx;
    const double d = m_opt.parcel_size_m;
    m_x0 = std::round(39500000.0 - static_cast<double>(m_nx) * d / 2.0);
    m_y0 = 3400000.0;
    const std::int64_t n = cells();
    // Defects: cells at least 3 apart (Chebyshev), away from the extent's edge.
    std::vector<std::pair<std::int64_t, std::int64_t>> taken;
    std::uint64_t tries = 0;
    while (static_cast<std::int64_t>(m_defects.size()) < m_opt.defects) {
        const auto c = static_cast<std::int64_t>(rnd(11, tries, 0) * static_cast<double>(n));
        ++tries;
        if (tries > 1000000)
            fail(ErrorKind::InvalidInput,
                 fmt::format("" REDLINE_OPTION(
                                 "survey_defects") " {}: no room for that many defects 3 parcels "
                                                   "apart; use fewer",
                             m_opt.defects));
        const std::int64_t i = c % m_nx, j = c / m_nx;
        if (i == 0 || j == 0 || i == m_nx - 1 || j == m_ny - 1) continue;
        bool near = false;
        for (const auto& [a, b] : taken)
            near = near || (std::abs(a - i) < 3 && std::abs(b - j) < 3);
        if (near) continue;
        taken.emplace_back(i, j);
        SurveyDefect df;
        df.bsm = c + 1;
        df.kind = m_defects.size() % 2 == 0 ? "overlap" : "gap";
        df.scale = df.kind == "overlap" ? 1.15 : 0.85;
        df.location = centroid_of(cell_ring(i, j));
        m_defect_of[c] = m_defects.size();
        m_defects.push_back(df);
    }
    // Changes: distinct cells without defects, in cell order.
    const std::int64_t want = std::max<std::int64_t>(4, n / 100);
    std::set<std::int64_t> chosen;
    tries = 0;
    while (static_cast<std::int64_t>(chosen.size()) < want &&
           tries < 100 * static_cast<std::uint64_t>(want)) {
        const auto c = static_cast<std::int64_t>(rnd(12, tries, 0) * static_cast<double>(n));
        ++tries;
        if (m_defect_of.count(c)) continue;
        chosen.insert(c);
    }
    std::int64_t next_bsm = n;
    for (const std::int64_t c : chosen) {
        const std::int64_t i = c % m_nx, j = c / m_nx;
        SurveyChange ch;
        ch.id = static_cast<std::int64_t>(m_changes.size()) + 1;
        ch.kind = m_changes.size() % 2 == 0 ? "recode" : "split";
        ch.t0_bsm = c + 1;
        ch.from = code_of(i, j);
        ch.to = changed_code(ch.from, rnd(13, static_cast<std::uint64_t>(c), 0));
        const Ring r = cell_ring(i, j);
        if (ch.kind == "recode") {
            ch.t1_bsm = ch.t0_bsm;
            ch.location = centroid_of(r);
        } else {
            ch.t1_bsm = next_bsm + 2;  // the north half
            next_bsm += 2;
            ++m_splits;
            ch.location = centroid_of(Ring{r[7], r[3], r[4], r[5], r[6], r[7]});
        }
        m_change_of[c] = m_changes.size();
        m_changes.push_back(ch);
    }
}

double SurveyScene::rnd(std::uint64_t a, std::uint64_t b, std::uint64_t c) const {
    std::uint64_t h = mix(m_opt.seed ^ 0x5eed5eed5eedULL);
    h = mix(h ^ a);
    h = mix(h ^ b);
    h = mix(h ^ c);
    return static_cast<double>(h >> 11) * 0x1.0p-53;
}

Box SurveyScene::extent() const {
    const double d = m_opt.parcel_size_m;
    Box b;
    b.expand(Point{m_x0, m_y0});
    b.expand(Point{m_x0 + static_cast<double>(m_nx) * d, m_y0 + static_cast<double>(m_ny) * d});
    return b;
}

Point SurveyScene::corner(std::int64_t i, std::int64_t j) const {
    const double d = m_opt.parcel_size_m;
    double x = m_x0 + static_cast<double>(i) * d, y = m_y0 + static_cast<double>(j) * d;
    const auto ui = static_cast<std::uint64_t>(i), uj = static_cast<std::uint64_t>(j);
    const double jx = (rnd(1, ui, uj) * 2 - 1) * kCornerJitter * d;
    const double jy = (rnd(2, ui, uj) * 2 - 1) * kCornerJitter * d;
    const bool edge_x = i == 0 || i == m_nx, edge_y = j == 0 || j == m_ny;
    if (!edge_x) x += jx;
    if (!edge_y) y += jy;
    return Point{mm(x), mm(y)};
}

Point SurveyScene::side_vertex(bool horizontal, std::int64_t i, std::int64_t j) const {
    // horizontal: the side from corner (i, j) to (i + 1, j); else from (i, j) to (i, j + 1).
    const Point a = corner(i, j);
    const Point b = horizontal ? corner(i + 1, j) : corner(i, j + 1);
    const bool boundary = horizontal ? (j == 0 || j == m_ny) : (i == 0 || i == m_nx);
    const double t = 0.4 + 0.2 * rnd(horizontal ? 3 : 4, static_cast<std::uint64_t>(i),
                                     static_cast<std::uint64_t>(j));
    Point p{a.x + t * (b.x - a.x), a.y + t * (b.y - a.y)};
    if (!boundary) {
        const double len = std::hypot(b.x - a.x, b.y - a.y);
        const double off =
            (rnd(horizontal ? 5 : 6, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j)) *
                 2 -
             1) *
            kSideJitter * m_opt.parcel_size_m;
        p.x += -(b.y - a.y) / len * off;
        p.y += (b.x - a.x) / len * off;
    }
    return Point{mm(p.x), mm(p.y)};
}

Ring SurveyScene::cell_ring(std::int64_t i, std::int64_t j) const {
    // Counter-clockwise from the south-west corner: SW, S, SE, E, NE, N, NW, W, SW.
    const Point sw = corner(i, j);
    return Ring{sw,
                side_vertex(true, i, j),
                corner(i + 1, j),
                side_vertex(false, i + 1, j),
                corner(i + 1, j + 1),
                side_vertex(true, i, j + 1),
                corner(i, j + 1),
                side_vertex(false, i, j),
                sw};
}

std::string SurveyScene::code_of(std::int64_t i, std::int64_t j) const {
    const Landscape& l = pick(landscapes(), rnd(7, static_cast<std::uint64_t>(i / kBlock),
                                                static_cast<std::uint64_t>(j / kBlock)));
    struct W {
        const char* code;
        int weight;
    };
    std::vector<W> ws;
    for (const auto& s : l.mix) ws.push_back(W{s.code, s.weight});
    return pick(ws, rnd(8, static_cast<std::uint64_t>(i), static_cast<std::uint64_t>(j))).code;
}

SurveyParcel SurveyScene::parcel_t0(std::int64_t cell) const {
    const std::int64_t i = cell % m_nx, j = cell / m_nx;
    SurveyParcel p;
    p.bsm = cell + 1;
    p.dlbm = code_of(i, j);
    if (p.dlbm.rfind("01", 0) == 0)
        p.kcxs = std::round((0.02 + 0.13 * rnd(9, static_cast<std::uint64_t>(i),
                                               static_cast<std::uint64_t>(j))) *
                            10000.0) /
                 10000.0;
    Ring r = cell_ring(i, j);
    if (const auto it = m_defect_of.find(cell); it != m_defect_of.end()) {
        const SurveyDefect& df = m_defects[it->second];
        for (auto& pt : r)
            pt = Point{mm(df.location.x + (pt.x - df.location.x) * df.scale),
                       mm(df.location.y + (pt.y - df.location.y) * df.scale)};
        r.back() = r.front();
    }
    p.shape = one(std::move(r));
    return p;
}

std::vector<SurveyParcel> SurveyScene::parcels_t1(std::int64_t cell) const {
    SurveyParcel p = parcel_t0(cell);
    const auto it = m_change_of.find(cell);
    if (it == m_change_of.end()) return {std::move(p)};
    const SurveyChange& ch = m_changes[it->second];
    auto recode = [&](SurveyParcel& q) {
        q.dlbm = ch.to;
        q.kcxs = 0;  // the new codes are not cropland
        if (q.dlbm.rfind("01", 0) == 0)
            q.kcxs =
                std::round((0.02 + 0.13 * rnd(10, static_cast<std::uint64_t>(cell), 0)) * 10000.0) /
                10000.0;
    };
    if (ch.kind == "recode") {
        recode(p);
        return {std::move(p)};
    }
    const Ring& r = p.shape.polygons[0].rings[0];
    SurveyParcel south = p, north = p;
    south.bsm = ch.t1_bsm - 1;
    north.bsm = ch.t1_bsm;
    south.shape = one(Ring{r[0], r[1], r[2], r[3], r[7], r[0]});
    north.shape = one(Ring{r[7], r[3], r[4], r[5], r[6], r[7]});
    recode(north);
    return {std::move(south), std::move(north)};
}

std::vector<std::pair<std::string, MultiPolygon>> SurveyScene::zones() const {
    std::vector<std::pair<std::string, MultiPolygon>> out;
    const Box e = extent();
    const double gx = 0.05 * (e.xmax - e.xmin), gy = 0.05 * (e.ymax - e.ymin);
    const double x0 = e.xmin - gx, y0 = e.ymin - gy;
    const double w_all = e.xmax - e.xmin + 2 * gx, h_all = e.ymax - e.ymin + 2 * gy;
    const std::int64_t z = m_opt.zones;
    const auto kx = static_cast<std::int64_t>(std::ceil(std::sqrt(static_cast<double>(z))));
    const std::int64_t ky = (z + kx - 1) / kx;
    const double w = w_all / static_cast<double>(kx), h = h_all / static_cast<double>(ky);
    for (std::int64_t k = 0; k < z; ++k) {
        const auto uk = static_cast<std::uint64_t>(k);
        const double cx =
            x0 + (static_cast<double>(k % kx) + 0.5 + (rnd(20, uk, 0) - 0.5) * 0.2) * w;
        const double cy =
            y0 + (static_cast<double>(k / kx) + 0.5 + (rnd(21, uk, 0) - 0.5) * 0.2) * h;
        const double r0 = 0.4 * std::min(w, h) * (0.9 + 0.1 * rnd(22, uk, 0));
        const double phase = 2 * kPi * rnd(23, uk, 0);
        Ring ring;
        for (int v = 0; v < 48; ++v) {
            const double a = 2 * kPi * v / 48.0;
            const double r = r0 * (0.7 + 0.3 * (0.5 + 0.5 * std::sin(3 * a + phase)));
            ring.push_back(Point{mm(cx + r * std::cos(a)), mm(cy + r * std::sin(a))});
        }
        ring.push_back(ring.front());
        out.emplace_back(fmt::format("Z{:04d}", k + 1), one(std::move(ring)));
    }
    return out;
}

const std::string& SurveyScene::name_of(const std::string& dlbm) {
    static const std::map<std::string, std::string> names = {{"0101", "水田"},
                                                             {"0102", "水浇地"},
                                                             {"0103", "旱地"},
                                                             {"0201", "果园"},
                                                             {"0202", "茶园"},
                                                             {"0301", "乔木林地"},
                                                             {"0305", "灌木林地"},
                                                             {"0307", "其他林地"},
                                                             {"0401", "天然牧草地"},
                                                             {"0404", "其他草地"},
                                                             {"05H1", "商业服务业设施用地"},
                                                             {"0601", "工业用地"},
                                                             {"0701", "城镇住宅用地"},
                                                             {"0702", "农村宅基地"},
                                                             {"0810A", "广场用地"},
                                                             {"08H2", "科教文卫用地"},
                                                             {"1003", "公路用地"},
                                                             {"1006", "农村道路"},
                                                             {"1101", "河流水面"},
                                                             {"1103", "水库水面"},
                                                             {"1104", "坑塘水面"},
                                                             {"1106", "内陆滩涂"},
                                                             {"1107", "沟渠"},
                                                             {"1202", "设施农用地"},
                                                             {"1206", "裸土地"}};
    static const std::string none;
    const auto it = names.find(dlbm);
    return it == names.end() ? none : it->second;
}

}  // namespace redline
