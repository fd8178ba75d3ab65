#include "redline/ops/change.hpp"

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include "redline/core/error.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/ops/cell_weight.hpp"
#include "redline/ops/tile_classes.hpp"

namespace redline {
namespace {

struct LocalPatch {
    ChangePatch stats;
    std::vector<std::pair<std::int64_t, std::int64_t>> border;  // cells on the tile's border
};

struct PairTally {
    std::int64_t from, to;
    ClassTally tally;
};

struct ZoneChange {
    std::uint32_t zone;
    std::vector<PairTally> pairs;
};

struct TileResult {
    std::vector<ZoneChange> zones;
    std::vector<LocalPatch> patches;
    std::uint64_t cells = 0;
};

struct Scratch {
    std::unique_ptr<RasterReader> r0, r1;
    TileClasses c0, c1;
    CoverageRasterizer zone_rast, perm_rast;
    std::vector<std::int64_t> perm;        // permitted coverage per tile cell
    std::vector<std::uint32_t> match;      // rule bits per (k0, k1)
    std::vector<ClassTally> pair_tally;    // per (k0, k1)
    std::vector<Int128> weight;            // per window cell
    std::vector<std::uint32_t> bits;       // rule bits per window cell
    std::vector<std::int32_t> label;       // component per window cell, per rule pass
    std::vector<std::int64_t> stack;
    std::vector<std::int64_t> cell_area;
};

bool better_best(const Int128& a, std::int64_t ar, std::int64_t ac, const Int128& b, std::int64_t br,
                 std::int64_t bc) {
    if (a != b) return a > b;
    return std::pair(ar, ac) < std::pair(br, bc);
}

void absorb(ChangePatch& into, ChangePatch&& from) {
    into.pixels += from.pixels;
    into.area += from.area;
    into.permitted_area += from.permitted_area;
    if (std::pair(from.first_row, from.first_col) < std::pair(into.first_row, into.first_col)) {
        into.first_row = from.first_row;
        into.first_col = from.first_col;
    }
    if (better_best(from.best_area, from.best_row, from.best_col, into.best_area, into.best_row, into.best_col)) {
        into.best_area = from.best_area;
        into.best_row = from.best_row;
        into.best_col = from.best_col;
    }
    for (const auto& [k, v] : from.from_area) into.from_area[k] += v;
    for (const auto& [k, v] : from.to_area) into.to_area[k] += v;
    into.runs.insert(into.runs.end(), from.runs.begin(), from.runs.end());
}

std::int64_t majority(const std::map<std::int64_t, Int128>& m) {
    std::int64_t best = kNodataClass;
    Int128 area = -1;
    for (const auto& [k, v] : m)
        if (v > area) {
            area = v;
            best = k;
        }
    return best;
}

struct BorderKey {
    std::uint32_t zone, rule;
    std::int64_t row, col;
    bool operator==(const BorderKey&) const = default;
};
struct BorderHash {
    std::size_t operator()(const BorderKey& k) const {
        std::uint64_t h = k.zone * 0x9E3779B97F4A7C15ull ^ (k.rule + 0x632BE59BD9B4E019ull);
        h ^= static_cast<std::uint64_t>(k.row) * 0xC2B2AE3D27D4EB4Full + (h << 6) + (h >> 2);
        h ^= static_cast<std::uint64_t>(k.col) * 0x165667B19E3779F9ull + (h << 6) + (h >> 2);
        return static_cast<std::size_t>(h);
    }
};

}  // namespace

std::int64_t ChangePatch::majority_from() const { return majority(from_area); }
std::int64_t ChangePatch::majority_to() const { return majority(to_area); }

ChangeResult run_change(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                        const CellAreaModel& areas, const ChangeRules& rules, const ZoneSet* permitted,
                        const ChangeOptions& opts) {
    if (opts.mode == CoverageMode::AllTouched)
        fail(ErrorKind::InvalidInput, "change supports --mode exact or centroid");
    if (opts.connectivity != 4 && opts.connectivity != 8)
        fail(ErrorKind::InvalidInput, fmt::format("--connectivity {} is not 4 or 8", opts.connectivity));
    if (rules.rules().size() > 32) fail(ErrorKind::Unsupported, "at most 32 change rules are supported");
    const RasterInfo& info = t0.info();
    const TilePlan plan = TilePlan::for_blocks(info.grid, opts.tile_size > 0 ? opts.tile_size : 1024,
                                               info.block_cols, info.block_rows);
    const ZoneIndex index(zones, plan);
    const auto& busy = index.busy_tiles();
    std::uint64_t total_cells = 0;
    for (auto t : busy) total_cells += static_cast<std::uint64_t>(plan.tile(t).cells());
    const bool moments = areas.has_row_gradient();
    const std::size_t nrules = rules.rules().size();
    std::vector<std::pair<int, int>> nbrs = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    if (opts.connectivity == 8) {
        nbrs.push_back({-1, -1});
        nbrs.push_back({-1, 1});
        nbrs.push_back({1, -1});
        nbrs.push_back({1, 1});
    }

    tbb::enumerable_thread_specific<Scratch> scratch([&] {
        Scratch s;
        s.zone_rast = CoverageRasterizer(opts.mode, moments);
        s.perm_rast = CoverageRasterizer(opts.mode, false);
        return s;
    });

    std::function<TileResult(std::size_t)> work = [&](std::size_t k) {
        const std::size_t t = busy[k];
        Scratch& s = scratch.local();
        if (!s.r0) s.r0 = t0.open_reader();
        if (!s.r1) s.r1 = t1.open_reader();
        const Window tile = plan.tile(t);
        s.c0.load(*s.r0, tile);
        s.c1.load(*s.r1, tile);
        TileResult out;
        out.cells = static_cast<std::uint64_t>(tile.cells());
        const std::size_t n0 = s.c0.count() + 1, n1 = s.c1.count() + 1;
        auto value0 = [&](std::size_t k0) { return k0 == 0 ? kNodataClass : static_cast<std::int64_t>(s.c0.value(k0)); };
        auto value1 = [&](std::size_t k1) { return k1 == 0 ? kNodataClass : static_cast<std::int64_t>(s.c1.value(k1)); };
        s.match.assign(n0 * n1, 0);
        for (std::size_t a = 1; a < n0; ++a)
            for (std::size_t b = 1; b < n1; ++b)
                for (std::size_t r = 0; r < nrules; ++r)
                    if (rules.rules()[r].matches(value0(a), value1(b))) s.match[a * n1 + b] |= 1u << r;
        // Permitted coverage over the tile.
        s.perm.assign(static_cast<std::size_t>(tile.cells()), 0);
        if (permitted && permitted->size() > 0) {
            const Window pw = permitted->zone(0).window.intersect(tile);
            if (!pw.empty()) {
                s.perm_rast.rasterize(*permitted, 0, pw);
                for (std::int64_t r = 0; r < pw.rows; ++r) {
                    const std::int64_t* cov = s.perm_rast.row(r);
                    std::int64_t* dst = s.perm.data() + (pw.row0 + r - tile.row0) * tile.cols + (pw.col0 - tile.col0);
                    std::copy(cov, cov + pw.cols, dst);
                }
            }
        }
        for (std::uint32_t z : index.zones_of(t)) {
            const Window w = zones.zone(z).window.intersect(tile);
            if (w.empty()) continue;
            index.rasterize(s.zone_rast, z, t, w);
            s.pair_tally.assign(n0 * n1, ClassTally{});
            const auto ncell = static_cast<std::size_t>(w.cells());
            s.weight.assign(ncell, 0);
            s.bits.assign(ncell, 0);
            std::uint32_t any_bits = 0;
            for (std::int64_t r = 0; r < w.rows; ++r) {
                const std::int64_t grid_row = w.row0 + r;
                const std::int64_t* cov = s.zone_rast.row(r);
                const std::int64_t* mom = moments ? s.zone_rast.moment_row(r) : nullptr;
                const double g = moments ? areas.row_gradient(grid_row) : 0.0;
                s.cell_area.resize(static_cast<std::size_t>(w.cols));
                areas.cell_area_units(grid_row, w.col0, w.cols, s.cell_area.data());
                const std::uint16_t* l0 = s.c0.row(grid_row - tile.row0) + (w.col0 - tile.col0);
                const std::uint16_t* l1 = s.c1.row(grid_row - tile.row0) + (w.col0 - tile.col0);
                for (std::int64_t i = 0; i < w.cols; ++i) {
                    const std::int64_t c = cov[i];
                    if (c == 0) continue;
                    const Int128 wgt = cell_weight(c, s.cell_area[static_cast<std::size_t>(i)], mom ? mom + i : nullptr, g);
                    const std::size_t pi = static_cast<std::size_t>(l0[i]) * n1 + l1[i];
                    s.pair_tally[pi].area += wgt;
                    s.pair_tally[pi].coverage += c;
                    const std::size_t wi = static_cast<std::size_t>(r * w.cols + i);
                    s.weight[wi] = wgt;
                    s.bits[wi] = s.match[pi];
                    any_bits |= s.match[pi];
                }
            }
            ZoneChange zc;
            zc.zone = z;
            for (std::size_t a = 0; a < n0; ++a)
                for (std::size_t b = 0; b < n1; ++b) {
                    const ClassTally& pt = s.pair_tally[a * n1 + b];
                    if (!pt.zero()) zc.pairs.push_back(PairTally{value0(a), value1(b), pt});
                }
            if (!zc.pairs.empty()) out.zones.push_back(std::move(zc));
            // Patches per rule: flood fill in row-major order (the seed is the top-left cell).
            for (std::size_t rule = 0; rule < nrules; ++rule) {
                const std::uint32_t bit = 1u << rule;
                if (!(any_bits & bit)) continue;
                s.label.assign(ncell, -1);
                for (std::size_t seed = 0; seed < ncell; ++seed) {
                    if (!(s.bits[seed] & bit) || s.label[seed] >= 0) continue;
                    LocalPatch lp;
                    ChangePatch& p = lp.stats;
                    p.zone = z;
                    p.rule = rule;
                    const auto id = static_cast<std::int32_t>(out.patches.size());
                    std::vector<std::pair<std::int64_t, std::int64_t>> cells;
                    s.stack.clear();
                    s.stack.push_back(static_cast<std::int64_t>(seed));
                    s.label[seed] = id;
                    p.first_row = w.row0 + static_cast<std::int64_t>(seed) / w.cols;
                    p.first_col = w.col0 + static_cast<std::int64_t>(seed) % w.cols;
                    p.best_area = -1;
                    while (!s.stack.empty()) {
                        const std::int64_t cur = s.stack.back();
                        s.stack.pop_back();
                        const std::int64_t lr = cur / w.cols, lc = cur % w.cols;
                        const std::int64_t gr = w.row0 + lr, gc = w.col0 + lc;
                        const Int128 wgt = s.weight[static_cast<std::size_t>(cur)];
                        ++p.pixels;
                        p.area += wgt;
                        const std::size_t ti = static_cast<std::size_t>((gr - tile.row0) * tile.cols + (gc - tile.col0));
                        const std::int64_t pc = s.perm[ti];
                        if (pc > 0) p.permitted_area += pc == kFullCoverage ? wgt : wgt * pc / kFullCoverage;
                        if (better_best(wgt, gr, gc, p.best_area, p.best_row, p.best_col)) {
                            p.best_area = wgt;
                            p.best_row = gr;
                            p.best_col = gc;
                        }
                        p.from_area[value0(s.c0.row(gr - tile.row0)[gc - tile.col0])] += wgt;
                        p.to_area[value1(s.c1.row(gr - tile.row0)[gc - tile.col0])] += wgt;
                        if (opts.keep_cells) cells.emplace_back(gr, gc);
                        if (gr == tile.row0 || gr == tile.row_end() - 1 || gc == tile.col0 || gc == tile.col_end() - 1)
                            lp.border.emplace_back(gr, gc);
                        for (const auto& [dr, dc] : nbrs) {
                            const std::int64_t nr = lr + dr, nc = lc + dc;
                            if (nr < 0 || nc < 0 || nr >= w.rows || nc >= w.cols) continue;
                            const auto ni = static_cast<std::size_t>(nr * w.cols + nc);
                            if ((s.bits[ni] & bit) && s.label[ni] < 0) {
                                s.label[ni] = id;
                                s.stack.push_back(static_cast<std::int64_t>(ni));
                            }
                        }
                    }
                    if (opts.keep_cells) {
                        std::sort(cells.begin(), cells.end());
                        for (std::size_t i = 0; i < cells.size();) {
                            std::size_t j = i + 1;
                            while (j < cells.size() && cells[j].first == cells[i].first &&
                                   cells[j].second == cells[j - 1].second + 1)
                                ++j;
                            p.runs.push_back(CellRun{cells[i].first, cells[i].second, cells[j - 1].second + 1});
                            i = j;
                        }
                    }
                    out.patches.push_back(std::move(lp));
                }
            }
        }
        return out;
    };

    ChangeResult result;
    result.scale = areas.scale();
    result.matrix.resize(zones.size());
    std::vector<ChangePatch> global;
    std::vector<std::size_t> parent;
    std::unordered_map<BorderKey, std::size_t, BorderHash> border;
    auto find = [&](std::size_t x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    };
    std::uint64_t done = 0;
    std::function<void(std::size_t, TileResult&&)> merge = [&](std::size_t, TileResult&& tr) {
        for (auto& zc : tr.zones)
            for (const auto& pt : zc.pairs) result.matrix[zc.zone][{pt.from, pt.to}].add(pt.tally);
        for (auto& lp : tr.patches) {
            const std::size_t gid = global.size();
            const auto zone = static_cast<std::uint32_t>(lp.stats.zone);
            const auto rule = static_cast<std::uint32_t>(lp.stats.rule);
            global.push_back(std::move(lp.stats));
            parent.push_back(gid);
            for (const auto& [r, c] : lp.border) {
                for (const auto& [dr, dc] : nbrs) {
                    auto it = border.find(BorderKey{zone, rule, r + dr, c + dc});
                    if (it == border.end()) continue;
                    const std::size_t a = find(gid), b = find(it->second);
                    if (a != b) parent[std::max(a, b)] = std::min(a, b);
                }
                border.emplace(BorderKey{zone, rule, r, c}, gid);
            }
        }
        done += tr.cells;
        if (opts.progress) opts.progress->update(done, total_cells, "change");
    };
    run_ordered<TileResult>(busy.size(), opts.threads, work, merge, opts.cancel);
    if (opts.progress) opts.progress->finish();

    for (std::size_t g = 0; g < global.size(); ++g) {
        const std::size_t root = find(g);
        if (root != g) absorb(global[root], std::move(global[g]));
    }
    for (std::size_t g = 0; g < global.size(); ++g)
        if (find(g) == g) result.patches.push_back(std::move(global[g]));
    for (auto& p : result.patches) std::sort(p.runs.begin(), p.runs.end(), [](const CellRun& a, const CellRun& b) {
            return std::pair(a.row, a.col0) < std::pair(b.row, b.col0);
        });
    std::sort(result.patches.begin(), result.patches.end(), [](const ChangePatch& a, const ChangePatch& b) {
        return std::tuple(a.zone, a.first_row, a.first_col, a.rule) < std::tuple(b.zone, b.first_row, b.first_col, b.rule);
    });
    return result;
}

}  // namespace redline
