// Synthetic data (`redline synth`): validity by construction, layer counts, window-independent
// classes, planted changes that really change t0 into t1 inside the polygons they name.
#include "redline/synth/synth.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "redline/core/error.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/core/option_name.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/geom/validity.hpp"
#include "redline/synth/synth_shape.hpp"

namespace redline {
namespace {

SynthOptions small_options(std::uint64_t seed = 3) {
    SynthOptions o;
    o.size = 700;  // not a multiple of the 512 block: edge blocks are partial
    o.zones = 40;
    o.seed = seed;
    return o;
}

const SynthScene& scene() {
    static const SynthScene s(small_options());
    return s;
}

std::vector<MultiPolygon> crs_shapes(const std::vector<SynthFeature>& layer, const Grid& grid) {
    std::vector<MultiPolygon> out;
    for (const auto& f : layer) out.push_back(synth_to_crs(f.shape, grid));
    return out;
}

TEST(SynthShapeTest, StarRingsAreSimpleWithTheAskedVertexCount) {
    synth::SplitMix64 rng(42);
    for (int n : {32, 100, 1500}) {
        const synth::StarRing r = synth::make_star_ring(Point{10, 20}, 5.0, n, 0.06, rng);
        ASSERT_EQ(r.points.size(), static_cast<std::size_t>(n) + 1);
        EXPECT_EQ(r.points.front(), r.points.back());
        EXPECT_LE(r.max_radius, 5.0 + 1e-12);
        EXPECT_GT(r.inscribed, 0.0);
        EXPECT_LE(r.inscribed, r.max_radius);
        MultiPolygon mp;
        mp.polygons.push_back(Polygon{{r.points}});
        EXPECT_TRUE(check_validity({mp}, 1).empty()) << n << " vertices";
    }
}

TEST(SynthShapeTest, HolesAndPartsKeepPolygonsValid) {
    std::vector<MultiPolygon> geoms;
    for (std::uint64_t k = 0; k < 60; ++k) {
        synth::SplitMix64 rng(synth::hash_key(7, k));
        synth::SynthPolygon p =
            k % 3 == 0 ? synth::make_star_multipolygon(Point{0, 0}, 30, 2 + k % 2, 64, rng)
                       : synth::make_star_polygon(Point{0, 0}, 30, 200, 1 + k % 2, rng);
        MultiPolygon mp;
        for (const auto& part : p.parts) {
            Polygon poly;
            for (const auto& ring : part) poly.rings.push_back(ring.points);
            mp.polygons.push_back(poly);
        }
        // The centre is inside; a point in a hole is not.
        EXPECT_TRUE(p.contains(p.centre) || k % 3 != 0) << k;
        geoms.push_back(mp);
    }
    EXPECT_TRUE(check_validity(geoms, 1).empty());
}

TEST(SynthGeometryTest, LayerCountsFollowTheOptions) {
    const SynthGeometry& g = scene().geometry();
    EXPECT_EQ(g.redline.size(), 40u);
    EXPECT_EQ(g.cropland.size(), 120u);
    EXPECT_EQ(g.protected_areas.size(), 3u);  // 5 % of 40 is 2: at least 3
    EXPECT_EQ(g.urban.size(), 3u);
    EXPECT_GE(g.regions.size(), 4u);
    EXPECT_LE(g.regions.size(), 9u);
    std::set<std::string> codes;
    for (const auto& f : g.redline) codes.insert(f.code);
    EXPECT_EQ(codes.size(), 40u);
    EXPECT_EQ(g.redline.front().code, "ECR-000001");
    std::size_t multi = 0, holes = 0, vmin = 1 << 30, vmax = 0;
    for (const auto& f : g.redline) {
        multi += f.shape.polygons.size() > 1;
        for (const auto& p : f.shape.polygons) {
            holes += p.rings.size() - 1;
            vmin = std::min(vmin, p.rings[0].size() - 1);
            vmax = std::max(vmax, p.rings[0].size() - 1);
        }
    }
    EXPECT_GT(multi, 0u);
    EXPECT_GT(holes, 0u);
    EXPECT_GE(vmin, 32u);
    EXPECT_LE(vmax, 1500u);
    std::set<std::string> types;
    bool island = false;
    for (const auto& l : g.shoreline) {
        types.insert(l.type);
        island = island || l.island == 1;
    }
    for (const auto& t : types)
        EXPECT_TRUE(t == "bedrock" || t == "sandy" || t == "muddy" || t == "biological" ||
                    t == "artificial" || t == "estuary")
            << t;
    EXPECT_TRUE(island);
}

TEST(SynthGeometryTest, EveryPolygonIsValidForGeos) {
    const SynthGeometry& g = scene().geometry();
    const Grid grid = scene().grid();
    for (const auto* layer : {&g.redline, &g.cropland, &g.protected_areas, &g.urban, &g.regions,
                              &scene().permitted()}) {
        const auto issues = check_validity(crs_shapes(*layer, grid), 1);
        EXPECT_TRUE(issues.empty()) << (issues.empty() ? "" : issues[0].reason);
    }
    EXPECT_TRUE(check_validity({synth_to_crs(g.land.shape, grid)}, 1).empty());
}

TEST(SynthGeometryTest, RegionsTileTheLand) {
    const SynthGeometry& g = scene().geometry();
    const Grid grid = scene().grid();
    const auto regions = crs_shapes(g.regions, grid);
    const MultiPolygon land = synth_to_crs(g.land.shape, grid);
    double sum = 0;
    std::vector<const MultiPolygon*> parts;
    for (const auto& r : regions) {
        sum += planar_area(r);
        parts.push_back(&r);
    }
    const double land_area = planar_area(land);
    EXPECT_NEAR(sum, land_area, 1e-9 * land_area);                               // no overlap ...
    EXPECT_NEAR(planar_area(union_all(parts, 1)), land_area, 1e-9 * land_area);  // ... and no gap
    // Land is the extent minus the sea: less than the extent, more than 3/4 of it.
    const double extent = 700.0 * 700.0 * 900.0;
    EXPECT_LT(land_area, extent);
    EXPECT_GT(land_area, 0.75 * extent);
}

TEST(SynthGeometryTest, CroplandOverlapsSomeRedlinePolygons) {
    const SynthGeometry& g = scene().geometry();
    const Grid grid = scene().grid();
    ASSERT_FALSE(g.cropland_conflicts.empty());
    std::size_t overlapping = 0;
    for (std::size_t q = 0; q < g.cropland.size(); ++q) {
        const MultiPolygon c = synth_to_crs(g.cropland[q].shape, grid);
        bool any = false;
        for (const auto& r : g.redline)
            if (r.bbox.intersects(g.cropland[q].bbox) &&
                planar_area(intersection(c, synth_to_crs(r.shape, grid))) > 0)
                any = true;
        overlapping += any;
        if (std::find(g.cropland_conflicts.begin(), g.cropland_conflicts.end(), q) !=
            g.cropland_conflicts.end()) {
            EXPECT_TRUE(any) << g.cropland[q].code;
        }
    }
    // A few percent, not most.
    EXPECT_GE(overlapping, g.cropland_conflicts.size());
    EXPECT_LT(overlapping, g.cropland.size() / 5);
}

TEST(SynthLandscapeTest, ClassesDoNotDependOnTheWindow) {
    const SynthLandscape& land = scene().landscape();
    const Window big{100, 200, 300, 150};
    std::vector<std::uint8_t> a(static_cast<std::size_t>(big.cells()));
    land.classify(big, a.data());
    for (const Window w :
         {Window{137, 211, 17, 9}, Window{399, 349, 1, 1}, Window{100, 200, 64, 64}}) {
        std::vector<std::uint8_t> b(static_cast<std::size_t>(w.cells()));
        land.classify(w, b.data());
        for (std::int64_t r = 0; r < w.rows; ++r)
            for (std::int64_t c = 0; c < w.cols; ++c)
                ASSERT_EQ(b[static_cast<std::size_t>(r * w.cols + c)],
                          a[static_cast<std::size_t>((w.row0 - big.row0 + r) * big.cols +
                                                     (w.col0 - big.col0 + c))]);
    }
}

TEST(SynthLandscapeTest, MarginIsNodataSeaIsWaterAndAllClassesAppear) {
    const SynthScene s(SynthOptions{});  // the default 2048 x 2048 scene
    const SynthGeometry& g = s.geometry();
    const std::int64_t n = g.options.size;
    std::map<int, std::int64_t> hist;
    std::vector<std::uint8_t> row(static_cast<std::size_t>(n));
    for (std::int64_t r = 0; r < n; r += 7) {
        s.landscape().classify(Window{0, r, n, 1}, row.data());
        for (std::int64_t c = 0; c < n; ++c) {
            const int v = row[static_cast<std::size_t>(c)];
            ++hist[v];
            const bool margin =
                c < g.margin || r < g.margin || c >= n - g.margin || r >= n - g.margin;
            ASSERT_EQ(v == 0, margin) << c << "," << r;
            if (!margin && g.is_sea_cell(c, r)) {
                ASSERT_EQ(v, 5) << c << "," << r;
            }
        }
    }
    for (int k = 0; k <= 9; ++k) EXPECT_GT(hist[k], 0) << "class " << k;
    EXPECT_EQ(hist.size(), 10u);
    // A few percent of nodata.
    const double nodata =
        static_cast<double>(hist[0]) / static_cast<double>(row.size() * ((n + 6) / 7));
    EXPECT_GT(nodata, 0.02);
    EXPECT_LT(nodata, 0.08);
}

TEST(SynthSceneTest, PlantedChangesAreExactlyTheDifferenceBetweenT0AndT1) {
    const SynthScene& s = scene();
    const Window full = s.grid().full();
    std::vector<std::uint8_t> t0(static_cast<std::size_t>(full.cells())), t1(t0.size());
    s.render(full, t0.data(), t1.data());
    std::vector<char> planted(t0.size(), 0);
    std::set<std::string> shapes;
    for (const auto& p : s.patches()) {
        shapes.insert(p.shape);
        EXPECT_NE(p.from, p.to);
        for (const auto& c : p.cells) {
            const auto i = static_cast<std::size_t>(c.row * full.cols + c.col);
            EXPECT_EQ(t0[i], p.from) << "patch " << p.id;
            EXPECT_EQ(t1[i], p.to) << "patch " << p.id;
            planted[i] = 1;
        }
    }
    for (std::size_t i = 0; i < t0.size(); ++i) ASSERT_EQ(t0[i] != t1[i], planted[i] == 1) << i;
    for (const char* shape : {"single", "line3", "lshape3", "square4", "diagonal_pair", "blob"})
        EXPECT_TRUE(shapes.count(shape)) << shape;
    // Rendering in blocks gives the same as rendering whole.
    std::vector<std::uint8_t> b0(512 * 512), b1(b0.size());
    const Window w{512, 0, 188, 512};
    s.render(w, b0.data(), b1.data());
    for (std::int64_t r = 0; r < w.rows; ++r)
        for (std::int64_t c = 0; c < w.cols; ++c)
            ASSERT_EQ(b1[static_cast<std::size_t>(r * w.cols + c)],
                      t1[static_cast<std::size_t>((w.row0 + r) * full.cols + w.col0 + c)]);
}

TEST(SynthSceneTest, RedlinePatchesLieWhollyInsideTheirZone) {
    const SynthScene& s = scene();
    const Grid grid = s.grid();
    const SynthGeometry& g = s.geometry();
    std::map<std::string, std::size_t> zone_of;
    for (std::size_t z = 0; z < g.redline.size(); ++z) zone_of[g.redline[z].code] = z;
    const ZoneSet zones(grid, crs_shapes(g.redline, grid), {});
    CoverageRasterizer rast(CoverageMode::Exact);
    std::size_t checked = 0, permitted = 0;
    for (const auto& p : s.patches()) {
        if (p.layer != "redline") continue;
        EXPECT_EQ(p.in_redline, p.zone);
        EXPECT_EQ(p.in_cropland, "");
        EXPECT_EQ(p.in_urban, "");
        EXPECT_TRUE(p.from == 2 || p.from == 3 || p.from == 4 || p.from == 9) << p.from;
        EXPECT_TRUE(p.to == 1 || p.to == 8);
        permitted += !p.in_permitted.empty();
        for (const auto& c : p.cells) {
            rast.rasterize(zones, zone_of.at(p.zone), Window{c.col, c.row, 1, 1});
            EXPECT_EQ(rast.row(0)[0], kFullCoverage)
                << "patch " << p.id << " cell " << c.col << "," << c.row;
        }
        ++checked;
    }
    EXPECT_GT(checked, 20u);
    EXPECT_GT(permitted, 0u);
    EXPECT_FALSE(s.permitted().empty());
}

TEST(SynthSceneTest, CroplandAndOutsidePatchesAreWhereTheySay) {
    std::size_t crop = 0, none = 0;
    for (const auto& p : scene().patches()) {
        if (p.layer == "cropland") {
            EXPECT_EQ(p.from, 1);
            EXPECT_EQ(p.to, 8);
            EXPECT_NE(p.in_cropland.find(p.zone), std::string::npos);
            EXPECT_EQ(p.in_redline, "");
            ++crop;
        } else if (p.layer == "none") {
            EXPECT_EQ(p.in_redline + p.in_cropland + p.in_protected + p.in_urban, "");
            ++none;
        }
    }
    EXPECT_GT(crop, 10u);
    EXPECT_GE(none, 3u);
}

TEST(SynthSceneTest, SameSeedSameSceneOtherSeedOtherScene) {
    const SynthScene a(small_options(3)), b(small_options(4));
    ASSERT_EQ(a.patches().size(), scene().patches().size());
    for (std::size_t i = 0; i < a.patches().size(); ++i) {
        EXPECT_EQ(a.patches()[i].cells.front().col, scene().patches()[i].cells.front().col);
        EXPECT_EQ(a.patches()[i].cells.front().row, scene().patches()[i].cells.front().row);
    }
    EXPECT_NE(a.geometry().redline[0].shape.polygons[0].rings[0][0],
              b.geometry().redline[0].shape.polygons[0].rings[0][0]);
}

TEST(SynthOptionsTest, RejectsNonsenseWithTheOptionName) {
    SynthOptions o;
    o.size = 10;
    try {
        o.validate();
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(render_for_cli(e.what()).find("--size 10"), std::string::npos);
    }
    o = SynthOptions{};
    o.size = 64;
    o.zones = 1000;
    EXPECT_THROW(o.validate(), Error);
}

}  // namespace
}  // namespace redline
