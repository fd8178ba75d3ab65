#include "redline/ops/change/change.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <numeric>
#include <optional>
#include <unordered_map>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/coverage/cell_weight.hpp"
#include "redline/coverage/coverage_runs.hpp"
#include "redline/coverage/full_cell_counts.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/io/tile_classes.hpp"

namespace redline {
namespace {

using LocalPatch = ChangeTile::Patch;
using TileResult = ChangeTile;

struct Scratch {
    std::unique_ptr<RasterReader> r0, r1;
    TileClasses c0, c1;
    CoverageRasterizer zone_rast, perm_rast;
    CoverageRuns perm_runs;              // permitted coverage in this tile (when a patch needs it)
    Window perm_window;                  // of perm_runs in this tile (empty: none)
    std::vector<std::uint32_t> match;    // rule bits per (k0, k1)
    std::vector<ClassTally> pair_tally;  // per (k0, k1)
    FullCellCounts pair_full;            // per (k0, k1): full cells counted, not yet in the tally
    std::vector<Int128> weight;          // per window cell
    std::vector<std::uint32_t> bits;     // rule bits per window cell, all zero between zones
    std::vector<std::size_t> hits;       // window cells with rule bits, row-major
    std::vector<std::int32_t> label;     // component per window cell, per rule pass
    std::vector<std::int64_t> stack;
    std::vector<std::int64_t> cell_area;
};

bool better_best(const Int128& a, std::int64_t ar, std::int64_t ac, const Int128& b,
                 std::int64_t br, std::int64_t bc) {
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
    if (better_best(from.best_area, from.best_row, from.best_col, into.best_area, into.best_row,
                    into.best_col)) {
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

namespace {

std::vector<std::pair<int, int>> neighbours(int connectivity) {
    std::vector<std::pair<int, int>> nbrs = {{-1, 0}, {1, 0}, {0, -1}, {0, 1}};
    if (connectivity == 8) {
        nbrs.push_back({-1, -1});
        nbrs.push_back({-1, 1});
        nbrs.push_back({1, -1});
        nbrs.push_back({1, 1});
    }
    return nbrs;
}

void check_options(const ChangeRules& rules, const ChangeOptions& opts) {
    if (opts.mode == CoverageMode::AllTouched)
        fail(ErrorKind::InvalidInput,
             "change supports " REDLINE_OPTION("mode") " exact or centroid");
    if (opts.connectivity != 4 && opts.connectivity != 8)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE("connectivity", "{}") " is not 4 or 8",
                         opts.connectivity));
    if (rules.rules().size() > 32)
        fail(ErrorKind::Unsupported, "at most 32 change rules are supported");
}

// Tallies the covered cells of one zone over a tile, as CoverageRasterizer::scan visits them
// (cells and constant spans, rows in order): pair areas and coverage, and each cell's weight
// and rule bits for the patches. Cells outside the zone cost nothing.
struct ChangeVisitor {
    Scratch& s;
    const Window& w;
    const Window& tile;
    const CellAreaModel& areas;
    bool moments;
    std::size_t n1;
    std::uint32_t any_bits = 0;
    std::int64_t counted_area = 0;  // area units of the cells in s.pair_full
    std::int64_t row = -1, grid_row = 0;
    double g = 0.0;
    const std::uint16_t* l0 = nullptr;
    const std::uint16_t* l1 = nullptr;

    void start_row(std::int64_t r) {
        if (r == row) return;
        row = r;
        grid_row = w.row0 + r;
        g = moments ? areas.row_gradient(grid_row) : 0.0;
        l0 = s.c0.row(grid_row - tile.row0) + (w.col0 - tile.col0);
        l1 = s.c1.row(grid_row - tile.row0) + (w.col0 - tile.col0);
    }
    void add(std::int64_t i, std::int64_t c, const std::int64_t* mom) {
        const Int128 wgt = cell_weight(c, s.cell_area[static_cast<std::size_t>(i)], mom, g);
        const std::size_t pi = static_cast<std::size_t>(l0[i]) * n1 + l1[i];
        s.pair_tally[pi].area += wgt;
        s.pair_tally[pi].coverage += c;
        const auto wi = static_cast<std::size_t>(row * w.cols + i);
        if (s.match[pi]) {
            s.weight[wi] = wgt;
            s.bits[wi] = s.match[pi];
            s.hits.push_back(wi);
            any_bits |= s.match[pi];
        }
    }
    void cell(std::int64_t r, std::int64_t col, std::int64_t c, const std::int64_t* mom) {
        start_row(r);
        // Cell areas of the visited cells only (a huge zone's window is mostly empty).
        areas.cell_area_units(grid_row, w.col0 + col, 1,
                              s.cell_area.data() + static_cast<std::size_t>(col));
        add(col, c, moments ? mom : nullptr);
    }
    void span(std::int64_t r, std::int64_t b, std::int64_t e, std::int64_t c) {
        start_row(r);
        if (c == kFullCoverage && areas.uniform_rows()) {
            // Full cells of one row share one area: counted per pair, added to the tally at
            // flush() (when the row area changes, and after the scan); weights and rule bits
            // only for cells that match a rule.
            const std::int64_t a = areas.row_area_units(grid_row);
            if (a != counted_area) {
                flush();
                counted_area = a;
            }
            const Int128 wgt = static_cast<Int128>(a) << kCoverageBits;
            const std::size_t base = static_cast<std::size_t>(row * w.cols);
            for (std::int64_t i = b; i < e; ++i) {
                const std::size_t pi = static_cast<std::size_t>(l0[i]) * n1 + l1[i];
                s.pair_full.add(i, pi);
                if (const std::uint32_t m = s.match[pi]) {
                    const std::size_t wi = base + static_cast<std::size_t>(i);
                    s.weight[wi] = wgt;
                    s.bits[wi] = m;
                    s.hits.push_back(wi);
                    any_bits |= m;
                }
            }
            return;
        }
        areas.cell_area_units(grid_row, w.col0 + b, e - b,
                              s.cell_area.data() + static_cast<std::size_t>(b));
        // The moment finish() gives a span's cells.
        const std::int64_t m = c == kFullCoverage ? kFullCoverage / 2 : c / 2;
        for (std::int64_t i = b; i < e; ++i) add(i, c, moments ? &m : nullptr);
    }
    // Adds the counted full cells to the pair tally.
    void flush() {
        const Int128 full = static_cast<Int128>(counted_area) << kCoverageBits;
        s.pair_full.drain([&](std::size_t pi, std::int64_t n) {
            s.pair_tally[pi].area += static_cast<Int128>(n) * full;
            s.pair_tally[pi].coverage += static_cast<Int128>(n) * kFullCoverage;
        });
    }
};

// Runs tasks [begin, end) in parallel, handing each tile to `sink` in task order.
void run_tiles(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
               const CellAreaModel& areas, const ChangeRules& rules, const ZoneSet* permitted,
               const ChangeOptions& opts, const RasterPlan& pl, std::size_t begin, std::size_t end,
               const std::function<void(TileResult&&)>& sink, std::uint64_t progress_offset,
               std::uint64_t progress_total) {
    check_options(rules, opts);
    const TilePlan& plan = pl.plan;
    const ZoneIndex& index = *pl.index;
    const auto& busy = index.busy_tiles();
    begin = std::min(begin, busy.size());
    end = std::min(end, busy.size());
    const std::uint64_t total = progress_total ? progress_total : pl.cost_of(begin, end);
    const bool moments = areas.has_row_gradient();
    const std::size_t nrules = rules.rules().size();
    const auto nbrs = neighbours(opts.connectivity);
    // The permitted layer is one zone (the union of its features) spanning many tiles.
    std::optional<ZoneIndex> perm_index;
    if (permitted && permitted->size() > 0) perm_index.emplace(*permitted, plan);

    tbb::enumerable_thread_specific<Scratch> scratch([&] {
        Scratch s;
        s.zone_rast = CoverageRasterizer(opts.mode, moments);
        s.perm_rast = CoverageRasterizer(opts.mode, false);
        return s;
    });

    std::function<TileResult(std::size_t)> work = [&](std::size_t k) {
        const std::size_t t = busy[begin + k];
        Scratch& s = scratch.local();
        if (!s.r0) s.r0 = t0.open_reader();
        if (!s.r1) s.r1 = t1.open_reader();
        const Window tile = plan.tile(t);
        s.c0.load(*s.r0, tile);
        s.c1.load(*s.r1, tile);
        TileResult out;
        out.cells = static_cast<std::uint64_t>(tile.cells());
        const std::size_t n0 = s.c0.count() + 1, n1 = s.c1.count() + 1;
        auto value0 = [&](std::size_t k0) {
            return k0 == 0 ? kNodataClass : static_cast<std::int64_t>(s.c0.value(k0));
        };
        auto value1 = [&](std::size_t k1) {
            return k1 == 0 ? kNodataClass : static_cast<std::int64_t>(s.c1.value(k1));
        };
        s.match.assign(n0 * n1, 0);
        for (std::size_t a = 1; a < n0; ++a)
            for (std::size_t b = 1; b < n1; ++b)
                for (std::size_t r = 0; r < nrules; ++r)
                    if (rules.rules()[r].matches(value0(a), value1(b)))
                        s.match[a * n1 + b] |= 1u << r;
        // Permitted coverage over the tile, rasterized when the first patch needs it (only patch
        // cells read it): tiles without a rule-matching cell never pay for it, and the edges
        // walked are the permitted zone's in this tile only (its own ZoneIndex).
        s.perm_window = Window{};
        bool perm_done = !perm_index || perm_index->zones_of(t).empty();
        auto permitted_coverage = [&](std::int64_t gr, std::int64_t gc) -> std::int64_t {
            if (!perm_done) {
                perm_done = true;
                s.perm_window = permitted->zone(0).window.intersect(tile);
                if (!s.perm_window.empty()) {
                    // Sparse runs: patch cells are few, the window is the whole tile.
                    perm_index->rasterize_edges(s.perm_rast, 0, t, s.perm_window);
                    s.perm_runs.build(s.perm_rast);
                }
            }
            const Window& pw = s.perm_window;
            if (pw.empty()) return 0;
            return s.perm_runs.at(gr - pw.row0, gc - pw.col0);
        };
        for (std::uint32_t z : index.zones_of(t)) {
            const Window w = zones.zone(z).window.intersect(tile);
            if (w.empty()) continue;
            index.rasterize_edges(s.zone_rast, z, t, w);
            s.pair_tally.assign(n0 * n1, ClassTally{});
            s.pair_full.reset(n0 * n1);
            const auto ncell = static_cast<std::size_t>(w.cells());
            // Only covered cells are visited (scan), and only cells with rule bits (s.hits) are
            // written: weight and label are read there only, bits is cleared after the zone.
            if (s.weight.size() < ncell) s.weight.resize(ncell);
            if (s.bits.size() < ncell) s.bits.resize(ncell, 0);
            if (s.label.size() < ncell) s.label.resize(ncell);
            s.hits.clear();
            s.cell_area.resize(static_cast<std::size_t>(w.cols));
            ChangeVisitor v{s, w, tile, areas, moments, n1};
            s.zone_rast.scan(v);
            v.flush();
            const std::uint32_t any_bits = v.any_bits;
            for (std::size_t a = 0; a < n0; ++a)
                for (std::size_t b = 0; b < n1; ++b) {
                    const ClassTally& pt = s.pair_tally[a * n1 + b];
                    if (!pt.zero())
                        out.pairs.push_back(ChangeTile::Pair{z, value0(a), value1(b), pt});
                }
            // Patches per rule: flood fill in row-major order (the seed is the top-left cell).
            for (std::size_t rule = 0; rule < nrules; ++rule) {
                const std::uint32_t bit = 1u << rule;
                if (!(any_bits & bit)) continue;
                for (std::size_t h : s.hits) s.label[h] = -1;
                for (std::size_t seed : s.hits) {
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
                        const std::int64_t pc = permitted_coverage(gr, gc);
                        if (pc > 0)
                            p.permitted_area +=
                                pc == kFullCoverage ? wgt : wgt * pc / kFullCoverage;
                        if (better_best(wgt, gr, gc, p.best_area, p.best_row, p.best_col)) {
                            p.best_area = wgt;
                            p.best_row = gr;
                            p.best_col = gc;
                        }
                        p.from_area[value0(s.c0.row(gr - tile.row0)[gc - tile.col0])] += wgt;
                        p.to_area[value1(s.c1.row(gr - tile.row0)[gc - tile.col0])] += wgt;
                        if (opts.keep_cells) cells.emplace_back(gr, gc);
                        if (gr == tile.row0 || gr == tile.row_end() - 1 || gc == tile.col0 ||
                            gc == tile.col_end() - 1)
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
                            p.runs.push_back(
                                CellRun{cells[i].first, cells[i].second, cells[j - 1].second + 1});
                            i = j;
                        }
                    }
                    out.patches.push_back(std::move(lp));
                }
            }
            for (std::size_t h : s.hits) s.bits[h] = 0;
        }
        return out;
    };

    std::uint64_t done = progress_offset;
    std::function<void(std::size_t, TileResult &&)> merge = [&](std::size_t k, TileResult&& tr) {
        done += pl.cost[begin + k];
        sink(std::move(tr));
        if (opts.progress)
            opts.progress->update(done, total + (progress_total ? 0 : progress_offset), "change");
    };
    run_ordered<TileResult>(end - begin, opts.threads, work, merge, opts.cancel);
}

}  // namespace

struct ChangeMerger::Impl {
    ChangeResult result;
    std::vector<std::pair<int, int>> nbrs;
    std::vector<ChangePatch> global;
    std::vector<std::size_t> parent;
    std::unordered_map<BorderKey, std::size_t, BorderHash> border;
    std::size_t find(std::size_t x) {
        while (parent[x] != x) {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        return x;
    }
};

ChangeMerger::ChangeMerger(std::size_t zones, int connectivity, AreaScale scale)
    : m_impl(std::make_shared<Impl>()) {
    m_impl->result.scale = scale;
    m_impl->result.matrix.resize(zones);
    m_impl->nbrs = neighbours(connectivity);
}

void ChangeMerger::add(ChangeTile&& tr) {
    Impl& m = *m_impl;
    for (const auto& pt : tr.pairs) m.result.matrix[pt.zone][{pt.from, pt.to}].add(pt.tally);
    for (auto& lp : tr.patches) {
        const std::size_t gid = m.global.size();
        const auto zone = static_cast<std::uint32_t>(lp.stats.zone);
        const auto rule = static_cast<std::uint32_t>(lp.stats.rule);
        m.global.push_back(std::move(lp.stats));
        m.parent.push_back(gid);
        for (const auto& [r, c] : lp.border) {
            for (const auto& [dr, dc] : m.nbrs) {
                auto it = m.border.find(BorderKey{zone, rule, r + dr, c + dc});
                if (it == m.border.end()) continue;
                const std::size_t a = m.find(gid), b = m.find(it->second);
                if (a != b) m.parent[std::max(a, b)] = std::min(a, b);
            }
            m.border.emplace(BorderKey{zone, rule, r, c}, gid);
        }
    }
}

ChangeResult ChangeMerger::finish() {
    Impl& m = *m_impl;
    ChangeResult result = std::move(m.result);
    for (std::size_t g = 0; g < m.global.size(); ++g) {
        const std::size_t root = m.find(g);
        if (root != g) absorb(m.global[root], std::move(m.global[g]));
    }
    for (std::size_t g = 0; g < m.global.size(); ++g)
        if (m.find(g) == g) result.patches.push_back(std::move(m.global[g]));
    for (auto& p : result.patches)
        std::sort(p.runs.begin(), p.runs.end(), [](const CellRun& a, const CellRun& b) {
            return std::pair(a.row, a.col0) < std::pair(b.row, b.col0);
        });
    std::sort(result.patches.begin(), result.patches.end(),
              [](const ChangePatch& a, const ChangePatch& b) {
                  return std::tuple(a.zone, a.first_row, a.first_col, a.rule) <
                         std::tuple(b.zone, b.first_row, b.first_col, b.rule);
              });
    m.global.clear();
    m.parent.clear();
    m.border.clear();
    return result;
}

std::size_t change_task_count(const RasterSource& t0, const ZoneSet& zones,
                              const ChangeOptions& opts) {
    return RasterPlan(t0, zones, opts.tile_size).tasks();
}

ChangeResult run_change(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                        const CellAreaModel& areas, const ChangeRules& rules,
                        const ZoneSet* permitted, const ChangeOptions& opts) {
    const RasterPlan pl(t0, zones, opts.tile_size);
    return run_change(t0, t1, zones, areas, rules, permitted, pl, opts);
}

ChangeResult run_change(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                        const CellAreaModel& areas, const ChangeRules& rules,
                        const ZoneSet* permitted, const RasterPlan& pl, const ChangeOptions& opts) {
    ChangeMerger merger(zones.size(), opts.connectivity, areas.scale());
    run_tiles(
        t0, t1, zones, areas, rules, permitted, opts, pl, 0, pl.tasks(),
        [&](TileResult&& t) { merger.add(std::move(t)); }, 0, 0);
    return merger.finish();
}

ChangePartial run_change_tasks(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                               const CellAreaModel& areas, const ChangeRules& rules,
                               const ZoneSet* permitted, const ChangeOptions& opts,
                               std::size_t begin, std::size_t end) {
    const RasterPlan pl(t0, zones, opts.tile_size);
    return run_change_tasks(t0, t1, zones, areas, rules, permitted, pl, opts, begin, end, 0, 0);
}

ChangePartial run_change_tasks(const RasterSource& t0, const RasterSource& t1, const ZoneSet& zones,
                               const CellAreaModel& areas, const ChangeRules& rules,
                               const ZoneSet* permitted, const RasterPlan& pl,
                               const ChangeOptions& opts, std::size_t begin, std::size_t end,
                               std::uint64_t progress_offset, std::uint64_t progress_total) {
    ChangePartial part;
    part.tasks_total = pl.tasks();
    part.begin = std::min(begin, part.tasks_total);
    part.end = std::min(end, part.tasks_total);
    run_tiles(
        t0, t1, zones, areas, rules, permitted, opts, pl, part.begin, part.end,
        [&](TileResult&& t) { part.tiles.push_back(std::move(t)); }, progress_offset,
        progress_total);
    return part;
}

namespace {
void write_patch(BinaryWriter& w, const ChangePatch& p) {
    w.u64(p.zone);
    w.u64(p.rule);
    w.i64(p.pixels);
    w.i128(p.area);
    w.i128(p.permitted_area);
    w.i64(p.first_row);
    w.i64(p.first_col);
    w.i64(p.best_row);
    w.i64(p.best_col);
    w.i128(p.best_area);
    for (const auto* m : {&p.from_area, &p.to_area}) {
        w.u64(m->size());
        for (const auto& [k, v] : *m) {
            w.i64(k);
            w.i128(v);
        }
    }
    w.u64(p.runs.size());
    for (const auto& r : p.runs) {
        w.i64(r.row);
        w.i64(r.col0);
        w.i64(r.col1);
    }
}

ChangePatch read_patch(BinaryReader& r) {
    ChangePatch p;
    p.zone = r.u64();
    p.rule = r.u64();
    p.pixels = r.i64();
    p.area = r.i128();
    p.permitted_area = r.i128();
    p.first_row = r.i64();
    p.first_col = r.i64();
    p.best_row = r.i64();
    p.best_col = r.i64();
    p.best_area = r.i128();
    for (auto* m : {&p.from_area, &p.to_area}) {
        const std::size_t n = r.count();
        for (std::size_t i = 0; i < n; ++i) {
            const std::int64_t k = r.i64();
            (*m)[k] = r.i128();
        }
    }
    p.runs.resize(r.count());
    for (auto& run : p.runs) {
        run.row = r.i64();
        run.col0 = r.i64();
        run.col1 = r.i64();
    }
    return p;
}
}  // namespace

std::string ChangePartial::serialize() const {
    BinaryWriter w;
    w.str("redline.change.partial.v1");
    w.u64(begin);
    w.u64(end);
    w.u64(tasks_total);
    w.u64(tiles.size());
    for (const auto& t : tiles) {
        w.u64(t.cells);
        w.u64(t.pairs.size());
        for (const auto& p : t.pairs) {
            w.u64(p.zone);
            w.i64(p.from);
            w.i64(p.to);
            w.i128(p.tally.area);
            w.i128(p.tally.coverage);
        }
        w.u64(t.patches.size());
        for (const auto& p : t.patches) {
            write_patch(w, p.stats);
            w.u64(p.border.size());
            for (const auto& [a, b] : p.border) {
                w.i64(a);
                w.i64(b);
            }
        }
    }
    return w.take();
}

ChangePartial ChangePartial::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.change.partial.v1");
    ChangePartial part;
    part.begin = r.u64();
    part.end = r.u64();
    part.tasks_total = r.u64();
    part.tiles.resize(r.count());
    for (auto& t : part.tiles) {
        t.cells = r.u64();
        t.pairs.resize(r.count());
        for (auto& p : t.pairs) {
            p.zone = static_cast<std::uint32_t>(r.u64());
            p.from = r.i64();
            p.to = r.i64();
            p.tally.area = r.i128();
            p.tally.coverage = r.i128();
        }
        t.patches.resize(r.count());
        for (auto& p : t.patches) {
            p.stats = read_patch(r);
            p.border.resize(r.count());
            for (auto& [a, b] : p.border) {
                a = r.i64();
                b = r.i64();
            }
        }
    }
    return part;
}

}  // namespace redline
