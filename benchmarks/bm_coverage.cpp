// Google Benchmark for the zonal kernel: the exact coverage rasterizer on star polygons of
// 32..1500 vertices over windows of 64..1024 cells, the same across a tile plan (as zonal runs
// it), the tally loop, and run_zonal over an in-memory raster (kernel without any I/O).
//
//   bm_coverage [--benchmark_filter=REGEX] [--benchmark_min_time=0.5]
//
// Items per second are cells per second.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "redline/core/fixed_area.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_index.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/tile_plan.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/memory_raster_source.hpp"
#include "redline/ops/zonal/zonal.hpp"
#include "redline/synth/synth.hpp"
#include "redline/synth/synth_shape.hpp"

namespace redline {
namespace {

// A grid of 1 x 1 cells with y = -row, so cell coordinates and map coordinates coincide.
Grid unit_grid(std::int64_t n) { return Grid(0, 1, 0, -1, n, n); }

// A star polygon in map coordinates of unit_grid: centre (c, c), radius r cells.
MultiPolygon star(double c, double r, int vertices, std::uint64_t seed = 1) {
    synth::SplitMix64 rng(seed);
    const synth::StarRing ring = synth::make_star_ring(Point{c, c}, r, vertices, 0.06, rng);
    Ring out;
    for (const auto& p : ring.points) out.push_back(Point{p.x, -p.y});
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{out}});
    return mp;
}

// Exact coverage of one polygon over a window that holds it.
void BM_CoverageExact(benchmark::State& state) {
    const int vertices = static_cast<int>(state.range(0));
    const std::int64_t w = state.range(1);
    const ZoneSet zones(
        unit_grid(w),
        {star(0.5 * static_cast<double>(w), 0.5 * static_cast<double>(w) - 0.5, vertices)}, {"z"});
    CoverageRasterizer rast(CoverageMode::Exact);
    const Window win{0, 0, w, w};
    for (auto _ : state) {
        rast.rasterize(zones, 0, win);
        benchmark::DoNotOptimize(rast.row(w / 2));
    }
    state.SetItemsProcessed(state.iterations() * w * w);
    state.counters["edges"] = vertices;
}
BENCHMARK(BM_CoverageExact)
    ->ArgsProduct({{32, 200, 1500}, {64, 256, 1024}})
    ->Unit(benchmark::kMicrosecond);

// The same in centroid mode (one crossing per edge and row centre).
void BM_CoverageCentroid(benchmark::State& state) {
    const int vertices = static_cast<int>(state.range(0));
    const std::int64_t w = state.range(1);
    const ZoneSet zones(
        unit_grid(w),
        {star(0.5 * static_cast<double>(w), 0.5 * static_cast<double>(w) - 0.5, vertices)}, {"z"});
    CoverageRasterizer rast(CoverageMode::Centroid);
    const Window win{0, 0, w, w};
    for (auto _ : state) {
        rast.rasterize(zones, 0, win);
        benchmark::DoNotOptimize(rast.row(w / 2));
    }
    state.SetItemsProcessed(state.iterations() * w * w);
}
BENCHMARK(BM_CoverageCentroid)
    ->ArgsProduct({{32, 1500}, {256, 1024}})
    ->Unit(benchmark::kMicrosecond);

// A polygon of radius 2000 cells rasterized tile by tile through the ZoneIndex, as zonal does
// (edges bucketed by tile-row band; edges left of a tile collapse onto its first column).
void BM_CoverageTiled(benchmark::State& state) {
    const int vertices = static_cast<int>(state.range(0));
    const std::int64_t tile = state.range(1);
    const Grid grid = unit_grid(4096);
    const ZoneSet zones(grid, {star(2048, 2000, vertices)}, {"z"});
    const TilePlan plan(grid, tile, tile);
    const ZoneIndex index(zones, plan);
    CoverageRasterizer rast(CoverageMode::Exact);
    std::int64_t cells = 0;
    for (auto _ : state) {
        cells = 0;
        for (std::size_t t : index.busy_tiles()) {
            const Window w = zones.zone(0).window.intersect(plan.tile(t));
            index.rasterize(rast, 0, t, w);
            benchmark::DoNotOptimize(rast.row(0));
            cells += w.cells();
        }
    }
    state.SetItemsProcessed(state.iterations() * cells);
}
BENCHMARK(BM_CoverageTiled)
    ->ArgsProduct({{32, 1500}, {256, 512, 1024}})
    ->Unit(benchmark::kMillisecond);

// The tally loop of zonal (a copy of ops/zonal/zonal.cpp tally_zone, uniform-area branch): coverage
// row x class row -> 128-bit fixed-point sums per class.
void BM_TallyLoop(benchmark::State& state) {
    const std::int64_t w = 512;
    const ZoneSet zones(unit_grid(w), {star(256, 255.5, 200)}, {"z"});
    CoverageRasterizer rast(CoverageMode::Exact);
    rast.rasterize(zones, 0, Window{0, 0, w, w});
    std::vector<std::uint16_t> cls(static_cast<std::size_t>(w * w));
    synth::SplitMix64 rng(3);
    for (std::size_t i = 0; i < cls.size(); ++i)
        cls[i] = static_cast<std::uint16_t>(i % 97 < 60 ? 2 : 1 + rng.below(9));
    std::vector<ClassTally> tally(10);
    const std::int64_t a = 1234567;
    const Int128 full_area = static_cast<Int128>(a) << kCoverageBits;
    for (auto _ : state) {
        for (auto& t : tally) t = ClassTally{};
        for (std::int64_t r = 0; r < w; ++r) {
            const std::int64_t* cov = rast.row(r);
            const std::uint16_t* c = cls.data() + r * w;
            for (std::int64_t i = 0; i < w; ++i) {
                const std::int64_t v = cov[i];
                if (v == 0) continue;
                ClassTally& t = tally[c[i]];
                if (v == kFullCoverage)
                    t.area += full_area;
                else
                    t.area += static_cast<Int128>(v) * a;
                t.coverage += v;
            }
        }
        benchmark::DoNotOptimize(tally.data());
    }
    state.SetItemsProcessed(state.iterations() * w * w);
}
BENCHMARK(BM_TallyLoop)->Unit(benchmark::kMicrosecond);

// run_zonal over an in-memory 4096 x 4096 synthetic raster (no decode): coverage + tally + merge
// for `zones` synthetic redline polygons, 1 thread, exact.
struct MemoryScene {
    SynthScene scene;
    std::vector<std::uint8_t> cells;
    std::unique_ptr<MemoryRasterSource> source;
    std::unique_ptr<CellAreaModel> areas;
    ZoneSet zones;
    explicit MemoryScene(std::int64_t n_zones) : scene(options(n_zones)) {
        const Grid grid = scene.grid();
        cells.resize(static_cast<std::size_t>(grid.cells()));
        std::vector<std::uint8_t> t1(cells.size());
        scene.render(grid.full(), cells.data(), t1.data());
        const std::string wkt = crs_from_user(kSynthCrs);
        source = std::make_unique<MemoryRasterSource>(cells.data(), CellType::UInt8, grid, wkt, 0);
        areas = std::make_unique<CellAreaModel>(
            CellAreaModel::build(grid, make_crs(wkt, crs_label_of(wkt)), 1));
        std::vector<MultiPolygon> polys;
        std::vector<std::string> names;
        for (const auto& f : scene.geometry().redline) {
            polys.push_back(synth_to_crs(f.shape, grid));
            names.push_back(f.code);
        }
        zones = ZoneSet(grid, polys, names);
    }
    static SynthOptions options(std::int64_t n_zones) {
        SynthOptions o;
        o.size = 4096;
        o.zones = n_zones;
        return o;
    }
};

void BM_RunZonalMemory(benchmark::State& state) {
    static std::unique_ptr<MemoryScene> few, many;
    auto& ms = state.range(0) <= 500 ? few : many;
    if (!ms) ms = std::make_unique<MemoryScene>(state.range(0));
    ZonalOptions opts;
    opts.threads = 1;
    opts.mode = CoverageMode::Exact;
    for (auto _ : state) {
        ZonalResult r = run_zonal(*ms->source, ms->zones, *ms->areas, opts);
        benchmark::DoNotOptimize(r.zones.data());
    }
    state.SetItemsProcessed(state.iterations() * ms->scene.grid().cells());
}
BENCHMARK(BM_RunZonalMemory)->Arg(250)->Arg(3000)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace redline

BENCHMARK_MAIN();
