#include "redline/synth/synth.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numbers>
#include <unordered_set>

#include "redline/core/error.hpp"
#include "redline/synth/synth_shape.hpp"

namespace redline {

using synth::SplitMix64;

namespace {

enum Stream : std::uint64_t { kPatchRedline = 31, kPatchCropland, kPatchOutside, kCorridorStream };

constexpr const char* kShapeNames[6] = {"single",  "line3",         "lshape3",
                                        "square4", "diagonal_pair", "blob"};

bool is_natural(int c) { return c == 2 || c == 3 || c == 4 || c == 9; }

// Cell offsets of the small shapes (the blob grows from its anchor).
std::vector<PlantedCell> offsets_of(int shape, SplitMix64& rng) {
    switch (shape) {
        case 0:
            return {{0, 0}};
        case 1:
            return rng.below(2) ? std::vector<PlantedCell>{{0, 0}, {1, 0}, {2, 0}}
                                : std::vector<PlantedCell>{{0, 0}, {0, 1}, {0, 2}};
        case 2: {
            std::vector<PlantedCell> sq{{0, 0}, {1, 0}, {0, 1}, {1, 1}};
            const auto drop = static_cast<std::ptrdiff_t>(1 + rng.below(3));  // keep (0, 0) first
            sq.erase(sq.begin() + drop);
            return sq;
        }
        case 3:
            return {{0, 0}, {1, 0}, {0, 1}, {1, 1}};
        case 4:
            return rng.below(2) ? std::vector<PlantedCell>{{0, 0}, {1, 1}}
                                : std::vector<PlantedCell>{{0, 0}, {-1, 1}};
        default:
            return {{0, 0}};
    }
}

// The part of the plane a patch may use: inside the ring [rmin, rmax] around c (cells whole).
struct Annulus {
    Point c;
    double rmin = 0;
    double rmax = 0;
    bool holds(std::int64_t col, std::int64_t row) const {
        const double x0 = static_cast<double>(col), y0 = static_cast<double>(row);
        const double dx = std::max({x0 - c.x, 0.0, c.x - (x0 + 1)});
        const double dy = std::max({y0 - c.y, 0.0, c.y - (y0 + 1)});
        const double fx = std::max(std::fabs(x0 - c.x), std::fabs(x0 + 1 - c.x));
        const double fy = std::max(std::fabs(y0 - c.y), std::fabs(y0 + 1 - c.y));
        return std::hypot(dx, dy) >= rmin && std::hypot(fx, fy) <= rmax;
    }
};

// Classes and layer bits of a window, for planning.
struct Sample {
    Window w;
    std::vector<std::uint8_t> cls, mask;
    bool inside(std::int64_t col, std::int64_t row) const {
        return col >= w.col0 && col < w.col_end() && row >= w.row0 && row < w.row_end();
    }
    std::size_t at(std::int64_t col, std::int64_t row) const {
        return static_cast<std::size_t>((row - w.row0) * w.cols + (col - w.col0));
    }
};

class Planter {
  public:
    Planter(const SynthGeometry& g, const SynthLandscape& land) : m_g(g), m_land(land) {}

    Sample sample(Window w) const {
        w = w.intersect(m_g.options.grid().full());
        Sample s{w, std::vector<std::uint8_t>(static_cast<std::size_t>(w.cells())),
                 std::vector<std::uint8_t>(static_cast<std::size_t>(w.cells()))};
        if (!w.empty()) m_land.classify(w, s.cls.data(), s.mask.data());
        return s;
    }

    // Tries to plant one patch of `shape` whose anchor is drawn by `anchor()`; `ok(col, row,
    // class, mask)` says whether a cell may change. Returns the cells (empty on failure).
    template <class Anchor, class Ok>
    std::vector<PlantedCell> try_plant(int shape, const Sample& s, SplitMix64& rng, int attempts,
                                       Anchor&& anchor, Ok&& ok, int& from) {
        for (int a = 0; a < attempts; ++a) {
            const PlantedCell p = anchor();
            if (!s.inside(p.col, p.row)) continue;
            const int c0 = s.cls[s.at(p.col, p.row)];
            if (!ok(p.col, p.row, c0, s.mask[s.at(p.col, p.row)])) continue;
            std::vector<PlantedCell> cells;
            if (shape == 5) {
                cells = grow_blob(p, c0, s, rng, ok);
                if (cells.size() < 6) continue;
            } else {
                bool good = true;
                for (const auto& d : offsets_of(shape, rng)) {
                    const PlantedCell q{p.col + d.col, p.row + d.row};
                    if (!s.inside(q.col, q.row) || s.cls[s.at(q.col, q.row)] != c0 ||
                        !ok(q.col, q.row, c0, s.mask[s.at(q.col, q.row)])) {
                        good = false;
                        break;
                    }
                    cells.push_back(q);
                }
                if (!good) continue;
            }
            if (!isolated(cells)) continue;
            occupy(cells);
            from = c0;
            return cells;
        }
        return {};
    }

  private:
    template <class Ok>
    std::vector<PlantedCell> grow_blob(PlantedCell start, int cls, const Sample& s, SplitMix64& rng,
                                       Ok&& ok) const {
        const auto target = static_cast<std::size_t>(6 + rng.below(35));
        std::vector<PlantedCell> cells{start};
        std::unordered_set<std::int64_t> seen{key(start)};
        std::deque<PlantedCell> frontier{start};
        static const PlantedCell kDirs[4] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
        while (!frontier.empty() && cells.size() < target) {
            const PlantedCell p = frontier.front();
            frontier.pop_front();
            const auto first = rng.below(4);
            for (std::uint64_t k = 0; k < 4 && cells.size() < target; ++k) {
                const PlantedCell& d = kDirs[(first + k) % 4];
                const PlantedCell q{p.col + d.col, p.row + d.row};
                if (!seen.insert(key(q)).second) continue;
                if (!s.inside(q.col, q.row) || s.cls[s.at(q.col, q.row)] != cls ||
                    !ok(q.col, q.row, cls, s.mask[s.at(q.col, q.row)]))
                    continue;
                cells.push_back(q);
                frontier.push_back(q);
            }
        }
        return cells;
    }
    std::int64_t key(PlantedCell p) const { return p.row * (m_g.options.size + 8) + p.col; }
    bool isolated(const std::vector<PlantedCell>& cells) const {
        for (const auto& p : cells)
            for (std::int64_t dy = -2; dy <= 2; ++dy)
                for (std::int64_t dx = -2; dx <= 2; ++dx)
                    if (m_occupied.count(key(PlantedCell{p.col + dx, p.row + dy}))) return false;
        return true;
    }
    void occupy(const std::vector<PlantedCell>& cells) {
        for (const auto& p : cells) m_occupied.insert(key(p));
    }

    const SynthGeometry& m_g;
    const SynthLandscape& m_land;
    std::unordered_set<std::int64_t> m_occupied;
};

Window window_around(Point c, double r) {
    Window w;
    w.col0 = static_cast<std::int64_t>(std::floor(c.x - r)) - 1;
    w.row0 = static_cast<std::int64_t>(std::floor(c.y - r)) - 1;
    w.cols = static_cast<std::int64_t>(std::ceil(c.x + r)) + 2 - w.col0;
    w.rows = static_cast<std::int64_t>(std::ceil(c.y + r)) + 2 - w.row0;
    return w;
}

}  // namespace

SynthScene::SynthScene(const SynthOptions& options) : m_geometry(build_synth_geometry(options)) {
    m_landscape = std::make_unique<SynthLandscape>(m_geometry);
    plant();
    add_corridors();
    locate_patches();
    const std::int64_t nbx = (m_geometry.options.size + kSynthBlock - 1) / kSynthBlock;
    for (const auto& p : m_patches)
        for (const auto& c : p.cells)
            m_by_block[(c.row / kSynthBlock) * nbx + c.col / kSynthBlock].push_back(
                {c.col, c.row, p.to});
}

void SynthScene::plant() {
    const SynthGeometry& g = m_geometry;
    const SynthOptions& o = g.options;
    const std::int64_t n = o.size, mg = g.margin;
    Planter planter(g, *m_landscape);
    auto interior = [&](std::int64_t col, std::int64_t row) {
        return col >= mg && row >= mg && col < n - mg && row < n - mg;
    };
    auto add = [&](std::vector<PlantedCell> cells, int shape, int from, int to, const char* layer,
                   const std::string& zone) {
        PlantedPatch p;
        p.id = static_cast<std::int64_t>(m_patches.size()) + 1;
        p.shape = kShapeNames[shape];
        p.from = from;
        p.to = to;
        p.cells = std::move(cells);
        p.layer = layer;
        p.zone = zone;
        m_patches.push_back(std::move(p));
    };
    constexpr double kTwoPi = 2.0 * std::numbers::pi;

    // Inside redline zones: natural -> impervious / cropland.
    for (std::size_t z = 0; z < g.redline.size(); ++z) {
        const SynthFeature& f = g.redline[z];
        SplitMix64 rng(synth::hash_key(o.seed, kPatchRedline, z));
        const int shape = static_cast<int>(z % 6);
        const int to = (z / 6) % 2 == 0 ? 8 : 1;
        const Annulus ann{f.centre, 0.42 * f.inscribed, 0.9 * f.inscribed};
        if (ann.rmax - ann.rmin < 1.5) continue;
        const Sample s = planter.sample(window_around(f.centre, ann.rmax));
        int from = 0;
        auto anchor = [&] {
            const double a = rng.uniform(0, kTwoPi), r = rng.uniform(0.5, 0.8) * f.inscribed;
            return PlantedCell{static_cast<std::int64_t>(std::floor(f.centre.x + r * std::cos(a))),
                               static_cast<std::int64_t>(std::floor(f.centre.y + r * std::sin(a)))};
        };
        auto ok = [&](std::int64_t col, std::int64_t row, int cls, std::uint8_t mask) {
            return interior(col, row) && ann.holds(col, row) && is_natural(cls) && cls != to &&
                   (mask & SynthLandscape::kRedline) &&
                   !(mask & (SynthLandscape::kCropland | SynthLandscape::kUrban));
        };
        auto cells = planter.try_plant(shape, s, rng, 30, anchor, ok, from);
        if (!cells.empty()) add(std::move(cells), shape, from, to, "redline", f.code);
    }

    // Inside cropland blocks: cropland -> impervious.
    std::unordered_set<std::size_t> conflicts(g.cropland_conflicts.begin(),
                                              g.cropland_conflicts.end());
    for (std::size_t q = 0; q < g.cropland.size(); q += 2) {
        if (conflicts.count(q)) continue;
        const SynthFeature& f = g.cropland[q];
        SplitMix64 rng(synth::hash_key(o.seed, kPatchCropland, q));
        const int shape = static_cast<int>((q / 2) % 6);
        const Annulus ann{f.centre, 0.0, 0.9 * f.inscribed};
        if (ann.rmax < 1.5) continue;
        const Sample s = planter.sample(window_around(f.centre, ann.rmax));
        int from = 0;
        auto anchor = [&] {
            const double a = rng.uniform(0, kTwoPi), r = rng.uniform(0.0, 0.7) * f.inscribed;
            return PlantedCell{static_cast<std::int64_t>(std::floor(f.centre.x + r * std::cos(a))),
                               static_cast<std::int64_t>(std::floor(f.centre.y + r * std::sin(a)))};
        };
        auto ok = [&](std::int64_t col, std::int64_t row, int cls, std::uint8_t mask) {
            return interior(col, row) && ann.holds(col, row) && cls == 1 &&
                   (mask & SynthLandscape::kCropland) &&
                   !(mask & (SynthLandscape::kRedline | SynthLandscape::kUrban));
        };
        auto cells = planter.try_plant(shape, s, rng, 30, anchor, ok, from);
        if (!cells.empty()) add(std::move(cells), shape, from, 8, "cropland", f.code);
    }

    // Outside every planning polygon: natural -> impervious.
    const std::int64_t outside = std::max<std::int64_t>(3, o.zones / 10);
    const bool room = g.coast_min - 8 > static_cast<double>(mg) + 8;
    for (std::int64_t k = 0; room && k < outside; ++k) {
        SplitMix64 rng(synth::hash_key(o.seed, kPatchOutside, static_cast<std::uint64_t>(k)));
        const int shape = static_cast<int>(k % 6);
        for (int tries = 0; tries < 20; ++tries) {
            const Point c{
                rng.uniform(static_cast<double>(mg) + 8, g.coast_min - 8),
                rng.uniform(static_cast<double>(mg) + 8, static_cast<double>(n - mg) - 8)};
            const Sample s = planter.sample(window_around(c, 7));
            int from = 0;
            auto anchor = [&] {
                return PlantedCell{static_cast<std::int64_t>(std::floor(c.x)),
                                   static_cast<std::int64_t>(std::floor(c.y))};
            };
            auto ok = [&](std::int64_t col, std::int64_t row, int cls, std::uint8_t mask) {
                return interior(col, row) && static_cast<double>(col) + 1 < g.coast_min &&
                       is_natural(cls) && mask == 0 &&
                       std::max(std::llabs(col - static_cast<std::int64_t>(c.x)),
                                std::llabs(row - static_cast<std::int64_t>(c.y))) <= 6;
            };
            auto cells = planter.try_plant(shape, s, rng, 1, anchor, ok, from);
            if (!cells.empty()) {
                add(std::move(cells), shape, from, 8, "none", "");
                break;
            }
        }
    }
}

void SynthScene::add_corridors() {
    const SynthGeometry& g = m_geometry;
    const double n = static_cast<double>(g.options.size);
    std::vector<const PlantedPatch*> chosen;
    std::vector<const PlantedPatch*> redline;
    for (const auto& p : m_patches)
        if (p.layer == "redline") redline.push_back(&p);
    for (std::size_t k = 0; k < redline.size(); ++k)
        if (k % 12 == 5 || (redline.size() < 12 && k < 2)) chosen.push_back(redline[k]);
    static const char* const kTypes[] = {"road", "pipeline", "power_line"};
    for (std::size_t k = 0; k < chosen.size(); ++k) {
        const PlantedPatch& p = *chosen[k];
        SplitMix64 rng(
            synth::hash_key(g.options.seed, kCorridorStream, static_cast<std::uint64_t>(p.id)));
        Point c{0, 0};
        for (const auto& cell : p.cells) {
            c.x += static_cast<double>(cell.col) + 0.5;
            c.y += static_cast<double>(cell.row) + 0.5;
        }
        c.x /= static_cast<double>(p.cells.size());
        c.y /= static_cast<double>(p.cells.size());
        double hw = 0;
        for (const auto& cell : p.cells)
            for (int dy = 0; dy <= 1; ++dy)
                for (int dx = 0; dx <= 1; ++dx)
                    hw = std::max(hw, std::hypot(static_cast<double>(cell.col + dx) - c.x,
                                                 static_cast<double>(cell.row + dy) - c.y));
        hw += 0.75;
        const double phi = rng.uniform(0, std::numbers::pi);
        const Point d{std::cos(phi), std::sin(phi)}, nrm{-std::sin(phi), std::cos(phi)};
        double hl = rng.uniform(20, 80);
        Ring ring;
        for (int shrink = 0; shrink < 20; ++shrink) {
            ring = {Point{c.x - hl * d.x - hw * nrm.x, c.y - hl * d.y - hw * nrm.y},
                    Point{c.x + hl * d.x - hw * nrm.x, c.y + hl * d.y - hw * nrm.y},
                    Point{c.x + hl * d.x + hw * nrm.x, c.y + hl * d.y + hw * nrm.y},
                    Point{c.x - hl * d.x + hw * nrm.x, c.y - hl * d.y + hw * nrm.y}};
            ring.push_back(ring.front());
            bool in = true;
            for (const auto& q : ring) in = in && q.x >= 0 && q.y >= 0 && q.x <= n && q.y <= n;
            if (in) break;
            hl = std::max(hw, 0.6 * hl);
        }
        SynthFeature f;
        Polygon poly;
        poly.rings.push_back(std::move(ring));
        f.shape.polygons.push_back(std::move(poly));
        f.bbox = f.shape.bounds();
        f.centre = c;
        f.inscribed = hw;
        f.bound = std::hypot(hl, hw);
        f.code = fmt::format("PRM-{:04d}", k + 1);
        f.type = kTypes[k % 3];
        f.name = fmt::format("Permitted {} corridor {}", f.type, k + 1);
        m_permitted.push_back(std::move(f));
    }
}

void SynthScene::locate_patches() {
    // Features by 256-cell bucket of their bounding box, so each patch checks its neighbours only.
    constexpr std::int64_t kBucket = 256;
    const std::int64_t nb = (m_geometry.options.size + kBucket - 1) / kBucket;
    auto bucket_of = [&](double v) {
        return std::clamp<std::int64_t>(static_cast<std::int64_t>(std::floor(v)) / kBucket, 0,
                                        nb - 1);
    };
    auto index = [&](const std::vector<SynthFeature>& layer) {
        std::vector<std::vector<std::uint32_t>> idx(static_cast<std::size_t>(nb * nb));
        for (std::size_t i = 0; i < layer.size(); ++i) {
            const Box& b = layer[i].bbox;
            for (std::int64_t by = bucket_of(b.ymin); by <= bucket_of(b.ymax); ++by)
                for (std::int64_t bx = bucket_of(b.xmin); bx <= bucket_of(b.xmax); ++bx)
                    idx[static_cast<std::size_t>(by * nb + bx)].push_back(
                        static_cast<std::uint32_t>(i));
        }
        return idx;
    };
    auto codes = [&](const std::vector<SynthFeature>& layer,
                     const std::vector<std::vector<std::uint32_t>>& idx, const PlantedPatch& p) {
        std::vector<std::string> out;
        const PlantedCell& a = p.cells.front();
        const auto& cand = idx[static_cast<std::size_t>(bucket_of(static_cast<double>(a.row)) * nb +
                                                        bucket_of(static_cast<double>(a.col)))];
        for (std::uint32_t i : cand) {
            const SynthFeature& f = layer[i];
            bool all = true;
            for (const auto& c : p.cells)
                if (!f.contains(Point{static_cast<double>(c.col) + 0.5,
                                      static_cast<double>(c.row) + 0.5})) {
                    all = false;
                    break;
                }
            if (all) out.push_back(f.code);
        }
        std::sort(out.begin(), out.end());
        return fmt::format("{}", fmt::join(out, ";"));
    };
    const auto i_red = index(m_geometry.redline), i_crop = index(m_geometry.cropland),
               i_prot = index(m_geometry.protected_areas), i_urb = index(m_geometry.urban),
               i_perm = index(m_permitted);
    for (auto& p : m_patches) {
        p.in_redline = codes(m_geometry.redline, i_red, p);
        p.in_cropland = codes(m_geometry.cropland, i_crop, p);
        p.in_protected = codes(m_geometry.protected_areas, i_prot, p);
        p.in_urban = codes(m_geometry.urban, i_urb, p);
        p.in_permitted = codes(m_permitted, i_perm, p);
    }
}

void SynthScene::render(const Window& w, std::uint8_t* t0, std::uint8_t* t1) const {
    m_landscape->classify(w, t0);
    const auto n = static_cast<std::size_t>(w.cells());
    std::copy(t0, t0 + n, t1);
    const std::int64_t nbx = (m_geometry.options.size + kSynthBlock - 1) / kSynthBlock;
    for (std::int64_t by = w.row0 / kSynthBlock; by <= (w.row_end() - 1) / kSynthBlock; ++by)
        for (std::int64_t bx = w.col0 / kSynthBlock; bx <= (w.col_end() - 1) / kSynthBlock; ++bx) {
            const auto it = m_by_block.find(by * nbx + bx);
            if (it == m_by_block.end()) continue;
            for (const auto& [col, row, to] : it->second)
                if (col >= w.col0 && col < w.col_end() && row >= w.row0 && row < w.row_end())
                    t1[static_cast<std::size_t>((row - w.row0) * w.cols + (col - w.col0))] =
                        static_cast<std::uint8_t>(to);
        }
}

}  // namespace redline
