// The map pass of `sample` and `estimate`: exact strata areas and counts, a selection equal to
// the brute-force bottom-k of the population whatever the threads and tiles, the zones' union by
// cell centres, and a digest that follows the population and not the file.
#include "redline/ops/accuracy/map_strata.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "redline/io/raster_writer.hpp"
#include "redline/io/vector_writer.hpp"
#include "redline/ops/accuracy/stratum_sampler.hpp"
#include "test_support.hpp"

namespace redline::accuracy {
namespace {

constexpr std::int64_t kCols = 150, kRows = 100;
constexpr double kX0 = 600000, kY0 = 3600000, kCell = 30;

std::vector<std::uint8_t> make_classes(std::uint64_t seed) {
    std::vector<std::uint8_t> v(static_cast<std::size_t>(kCols * kRows));
    std::uint64_t s = seed;
    for (auto& c : v) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const auto r = static_cast<std::uint8_t>((s >> 33) % 10);
        c = r < 5 ? 1 : r < 8 ? 2 : r < 9 ? 3 : 0;  // 0 = nodata
    }
    return v;
}

std::string write_map(const std::string& path, const std::vector<std::uint8_t>& v,
                      std::int64_t block, const std::string& compress) {
    RasterWriteSpec spec;
    spec.grid = Grid(kX0, kCell, kY0, -kCell, kCols, kRows);
    spec.crs_wkt = test::kAlbers;
    spec.block = block;
    spec.nodata = 0;
    spec.compress = compress;
    RasterWriter w(path, spec);
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(block * block));
    for (std::int64_t by = 0; by < w.blocks_y(); ++by) {
        for (std::int64_t bx = 0; bx < w.blocks_x(); ++bx) {
            std::fill(buf.begin(), buf.end(), 0);
            for (std::int64_t r = 0; r < block; ++r) {
                for (std::int64_t c = 0; c < block; ++c) {
                    const std::int64_t gr = by * block + r, gc = bx * block + c;
                    if (gr < kRows && gc < kCols)
                        buf[static_cast<std::size_t>(r * block + c)] =
                            v[static_cast<std::size_t>(gr * kCols + gc)];
                }
            }
            w.write_block(bx, by, buf.data());
        }
    }
    w.commit();
    return path;
}

// Brute force: the `quota` smallest keys of every stratum of the cells with in(row, col).
template <class In>
std::vector<std::uint64_t> brute_force(const std::vector<std::uint8_t>& v, std::uint64_t seed,
                                       std::uint64_t quota, In in) {
    std::map<int, std::vector<std::pair<std::uint64_t, std::uint64_t>>> keys;
    for (std::int64_t r = 0; r < kRows; ++r) {
        for (std::int64_t c = 0; c < kCols; ++c) {
            const auto idx = static_cast<std::uint64_t>(r * kCols + c);
            if (v[idx] == 0 || !in(r, c)) continue;
            keys[v[idx]].push_back({sample_key(seed, idx), idx});
        }
    }
    std::vector<std::uint64_t> out;
    for (auto& [k, ks] : keys) {
        std::sort(ks.begin(), ks.end());
        for (std::size_t i = 0; i < ks.size() && i < quota; ++i) out.push_back(ks[i].second);
    }
    return out;
}

std::vector<std::uint64_t> cells_of(const MapStrata& m) {
    std::vector<std::uint64_t> out;
    for (const auto& c : m.selection) out.push_back(c.cell_index);
    return out;
}

TEST(MapStrataTest, ExactStrataAndTheBruteForceSampleForAnyThreadsAndTiles) {
    const std::string dir = test::temp_dir("map_strata");
    const auto v = make_classes(3);
    const std::string path = write_map(dir + "/map.tif", v, 16, "DEFLATE");
    MapStrataRequest req;
    req.map = path;
    req.tile_size = 16;
    req.threads = 1;
    const MapStrata a = scan_map_strata(req, 42, 25);
    req.threads = 2;
    const MapStrata b = scan_map_strata(req, 42, 25);
    req.tile_size = 1024;
    const MapStrata c = scan_map_strata(req, 42, 25);
    std::map<int, std::uint64_t> counts;
    for (auto x : v)
        if (x) ++counts[x];
    ASSERT_EQ(a.strata.size(), 3u);
    for (const auto& s : a.strata) {
        EXPECT_EQ(s.cells, counts[static_cast<int>(s.id)]);
        EXPECT_EQ(s.area_m2, static_cast<double>(s.cells) * kCell * kCell);
    }
    const auto want = brute_force(v, 42, 25, [](std::int64_t, std::int64_t) { return true; });
    EXPECT_EQ(cells_of(a), want);
    EXPECT_EQ(cells_of(b), want);
    EXPECT_EQ(cells_of(c), want);
    EXPECT_EQ(a.digest, b.digest);
    EXPECT_EQ(a.digest, c.digest);
    for (const auto& s : a.selection) {
        EXPECT_EQ(s.stratum, v[s.cell_index]);
        EXPECT_EQ(s.x, kX0 + (static_cast<double>(s.col) + 0.5) * kCell);
        EXPECT_EQ(s.y, kY0 - (static_cast<double>(s.row) + 0.5) * kCell);
        EXPECT_EQ(s.zone, "");
    }
    // Another seed, another sample; the same population, the same digest.
    const MapStrata d = scan_map_strata(req, 43, 25);
    EXPECT_NE(cells_of(d), want);
    EXPECT_EQ(d.digest, a.digest);
}

TEST(MapStrataTest, DigestFollowsThePopulationNotTheFile) {
    const std::string dir = test::temp_dir("map_strata_digest");
    auto v = make_classes(5);
    MapStrataRequest req;
    req.map = write_map(dir + "/a.tif", v, 16, "DEFLATE");
    const std::string da = scan_map_strata(req).digest;
    req.map = write_map(dir + "/b.tif", v, 64, "NONE");
    EXPECT_EQ(scan_map_strata(req).digest, da);
    // One cell changes class (and keeps the strata's counts: two cells swap): another digest.
    std::size_t i = 0, j = 0;
    while (v[i] != 1) ++i;
    while (v[j] != 2) ++j;
    std::swap(v[i], v[j]);
    req.map = write_map(dir + "/c.tif", v, 16, "DEFLATE");
    const MapStrata c = scan_map_strata(req);
    EXPECT_NE(c.digest, da);
}

TEST(MapStrataTest, ZonesRestrictThePopulationToCellCentresInTheirUnion) {
    const std::string dir = test::temp_dir("map_strata_zones");
    const auto v = make_classes(7);
    MapStrataRequest req;
    req.map = write_map(dir + "/map.tif", v, 16, "DEFLATE");
    {
        // Two overlapping boxes: columns [10, 60) x rows [20, 70) and [40, 90) x [50, 95); the
        // second's edges run through cell centres' neighbours only (whole cells).
        VectorWriter w(dir + "/zones.gpkg");
        w.begin_layer("zones", GeometryKind::Polygon, test::kAlbers, {{"name", ColumnType::Text}});
        auto bx = [](double c0, double r0, double c1, double r1) {
            return test::box(kX0 + c0 * kCell, kY0 - r1 * kCell, kX0 + c1 * kCell,
                             kY0 - r0 * kCell);
        };
        w.write({Value(std::string("a"))}, bx(10, 20, 60, 70));
        w.write({Value(std::string("b"))}, bx(40, 50, 90, 95));
        w.commit();
    }
    req.zones = dir + "/zones.gpkg";
    req.id_field = "name";
    req.tile_size = 16;
    auto in_a = [](std::int64_t r, std::int64_t c) {
        return c >= 10 && c < 60 && r >= 20 && r < 70;
    };
    auto in_b = [](std::int64_t r, std::int64_t c) {
        return c >= 40 && c < 90 && r >= 50 && r < 95;
    };
    auto in = [&](std::int64_t r, std::int64_t c) { return in_a(r, c) || in_b(r, c); };
    const MapStrata m = scan_map_strata(req, 9, 40);
    std::map<int, std::uint64_t> counts;
    for (std::int64_t r = 0; r < kRows; ++r)
        for (std::int64_t c = 0; c < kCols; ++c) {
            const auto x = v[static_cast<std::size_t>(r * kCols + c)];
            if (x && in(r, c)) ++counts[x];
        }
    for (const auto& s : m.strata) EXPECT_EQ(s.cells, counts[static_cast<int>(s.id)]) << s.id;
    EXPECT_EQ(cells_of(m), brute_force(v, 9, 40, in));
    for (const auto& s : m.selection) EXPECT_EQ(s.zone, in_a(s.row, s.col) ? "a" : "b");
    req.threads = 1;
    req.tile_size = 1024;
    const MapStrata one = scan_map_strata(req, 9, 40);
    EXPECT_EQ(cells_of(one), cells_of(m));
    EXPECT_EQ(one.digest, m.digest);
}

}  // namespace
}  // namespace redline::accuracy
