// conform: CRS checks and messages of both command families, reprojection with densification
// against GDAL's own coordinate transformation of hand-densified edges, repairs, and lon/lat
// rings (across the antimeridian, around a pole).
#include "redline/layers/conform.hpp"

#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <memory>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/geom/validity.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

PolygonLayer layer_in(const std::string& crs, std::vector<MultiPolygon> geoms) {
    PolygonLayer l;
    l.label = "z";
    l.path = "z.gpkg";
    if (!crs.empty()) l.crs = test::crs_of(crs);
    l.source_crs_label = l.crs.label;
    for (std::size_t i = 0; i < geoms.size(); ++i) l.ids.push_back(std::to_string(i + 1));
    l.groups.assign(geoms.size(), "");
    l.features = geoms.size();
    l.geoms = std::move(geoms);
    return l;
}

// The message of the InvalidInput that `fn` throws, as the CLI shows it ("" when it throws
// nothing).
template <class F>
std::string invalid_input(F&& fn) {
    try {
        fn();
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
        return render_for_cli(e.what());
    }
    return "";
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

TEST(ConformTest, CrsMismatchZonesWording) {
    PolygonLayer l = layer_in("EPSG:4490", {test::box(105, 30, 105.1, 30.1)});
    const Crs raster = test::crs_of("EPSG:4326");
    EXPECT_EQ(invalid_input([&] { conform(l, raster, "raster 'lc.tif'", LayerPolicy::zones()); }),
              "CRS mismatch: raster 'lc.tif' is EPSG:4326, layer 'z' in 'z.gpkg' is EPSG:4490. "
              "Reproject one of them, or pass --reproject to transform the zones into the raster "
              "CRS.");
}

TEST(ConformTest, CrsMismatchOverlayWordingNamesPrefixAndDensification) {
    PolygonLayer l = layer_in("EPSG:4490", {test::box(105, 30, 105.1, 30.1)});
    LayerPolicy p = LayerPolicy::overlay();
    p.naming.config_prefix = "options.";
    p.densify_m = 25;
    EXPECT_EQ(
        invalid_input([&] { conform(l, test::crs_of("EPSG:4523"), "layer 'r' in 'r.gpkg'", p); }),
        "CRS mismatch: layer 'r' in 'r.gpkg' is EPSG:4523, layer 'z' in 'z.gpkg' is "
        "EPSG:4490. Reproject one of them, or pass options.reproject to transform 'z' into "
        "EPSG:4523 (edges densified to 25 m).");
}

TEST(ConformTest, SameCrsChangesNothing) {
    const MultiPolygon g = test::box(105, 30, 105.1, 30.1);
    PolygonLayer l = layer_in("EPSG:4490", {g});
    conform(l, test::crs_of("EPSG:4490"), "raster 'lc.tif'", LayerPolicy::zones());
    EXPECT_FALSE(l.reprojected);
    EXPECT_EQ(l.repaired, 0u);
    EXPECT_TRUE(l.warnings.empty());
    EXPECT_EQ(l.geoms[0].polygons[0].rings[0], g.polygons[0].rings[0]);
}

TEST(ConformTest, ReprojectionDensifiesThenTransformsAsGdalDoes) {
    // A 0.01 x 0.01 degree cell in CGCS2000 lon/lat into CGCS2000 Albers with 100 m edges: a
    // degree counts as 111,320 m, so each edge of 0.01 degrees is cut into ceil(0.01 / (100 /
    // 111320)) = ceil(11.13) = 12 pieces: 4 x 12 + 1 vertices.
    const double x0 = 105.0, y0 = 30.0, d = 0.01;
    PolygonLayer l = layer_in("EPSG:4490", {test::box(x0, y0, x0 + d, y0 + d)});
    const Crs albers = test::crs_of(test::kAlbers);
    LayerPolicy p = LayerPolicy::overlay();
    p.reproject = true;
    conform(l, albers, "layer 'r' in 'r.gpkg'", p);
    EXPECT_TRUE(l.reprojected);
    EXPECT_EQ(l.crs.label, albers.label);
    EXPECT_EQ(l.crs.wkt, albers.wkt);
    EXPECT_EQ(l.source_crs_label, "EPSG:4490");
    ASSERT_EQ(l.warnings.size(), 1u);
    EXPECT_EQ(l.warnings[0], "layer 'z' was transformed from EPSG:4490 to " + albers.label +
                                 " (edges densified to 100 m)");

    const Ring& got = l.geoms[0].polygons[0].rings[0];
    ASSERT_EQ(got.size(), 49u);
    // The oracle: the same corners densified by hand, transformed by GDAL.
    const Ring corners = test::box_ring(x0, y0, x0 + d, y0 + d);
    Ring want;
    for (std::size_t e = 0; e + 1 < corners.size(); ++e)
        for (int k = 0; k < 12; ++k) {
            const double t = k / 12.0;
            want.push_back(Point{corners[e].x + t * (corners[e + 1].x - corners[e].x),
                                 corners[e].y + t * (corners[e + 1].y - corners[e].y)});
        }
    want.push_back(corners.back());
    OGRSpatialReference src, dst;
    ASSERT_EQ(src.SetFromUserInput("EPSG:4490"), OGRERR_NONE);
    ASSERT_EQ(dst.SetFromUserInput(test::kAlbers), OGRERR_NONE);
    src.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    dst.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    std::unique_ptr<OGRCoordinateTransformation> ct(OGRCreateCoordinateTransformation(&src, &dst));
    ASSERT_TRUE(ct);
    for (std::size_t i = 0; i < want.size(); ++i) {
        double x = want[i].x, y = want[i].y;
        ASSERT_TRUE(ct->Transform(1, &x, &y));
        EXPECT_NEAR(got[i].x, x, 1e-6) << i;
        EXPECT_NEAR(got[i].y, y, 1e-6) << i;
    }
}

TEST(ConformTest, ZonesAreReprojectedWithoutAWarning) {
    PolygonLayer l = layer_in("EPSG:4490", {test::box(105, 30, 105.1, 30.1)});
    LayerPolicy p = LayerPolicy::zones();
    p.reproject = true;
    p.densify_m = 1000;
    const Crs gk = test::crs_of("EPSG:4523");
    conform(l, gk, "raster 'lc.tif'", p);
    EXPECT_TRUE(l.reprojected);
    EXPECT_EQ(l.crs.label, "EPSG:4523");
    EXPECT_TRUE(l.warnings.empty());
    // 0.1 degree edges in pieces of at most 1000 / 111320 degrees: ceil(11.13) = 12 each.
    EXPECT_EQ(l.geoms[0].polygons[0].rings[0].size(), 49u);
    EXPECT_EQ(l.describe(LayerRole::Zones)["crs"], "EPSG:4523");
}

TEST(ConformTest, NoCrsMessages) {
    PolygonLayer l = layer_in("", {test::box(500000, 3300000, 510000, 3310000)});
    l.path = "z.shp";
    const Crs raster = test::crs_of("EPSG:4490");
    EXPECT_EQ(invalid_input([&] { conform(l, raster, "raster 'lc.tif'", LayerPolicy::zones()); }),
              "layer 'z' in 'z.shp' has no CRS; declare it with --zones-crs (e.g. --zones-crs "
              "EPSG:4326; raster 'lc.tif' is EPSG:4490)");
    EXPECT_EQ(invalid_input([&] { require_crs(l, raster, "x", LayerPolicy::overlay()); }),
              "layer 'z' in 'z.shp' has no CRS, so its areas are unknown; declare it with "
              "--layer-crs (e.g. --layer-crs EPSG:4490 for CGCS2000 lon/lat)");
    LayerPolicy report = LayerPolicy::overlay();
    report.naming.crs_option = "";  // a report config has no CRS option
    EXPECT_EQ(invalid_input([&] { require_crs(l, raster, "x", report); }),
              "layer 'z' in 'z.shp' has no CRS, so its areas are unknown; declare it in the file "
              "(a .prj beside a shapefile, or ogr2ogr -a_srs EPSG:CODE; EPSG:4490 for CGCS2000 "
              "lon/lat)");
    LayerPolicy zones = LayerPolicy::zones();
    zones.naming.crs_option = "";
    EXPECT_EQ(invalid_input([&] { require_crs(l, raster, "raster 'lc.tif'", zones); }),
              "layer 'z' in 'z.shp' has no CRS; declare it in the file (a .prj beside a "
              "shapefile, or ogr2ogr -a_srs EPSG:CODE); raster 'lc.tif' is EPSG:4490");
    // Eastings with a Gauss-Krüger zone prefix: the likely CRS is named.
    l.geoms = {test::box(40480000, 3300000, 40520000, 3340000)};
    const std::string gk =
        invalid_input([&] { conform(l, raster, "raster 'lc.tif'", LayerPolicy::zones()); });
    EXPECT_TRUE(contains(gk,
                         "layer 'z' in 'z.shp' has no CRS; its coordinates look like "
                         "CGCS2000 3-degree Gauss-Krüger zone 40, EPSG:4528"))
        << gk;
    EXPECT_TRUE(contains(gk, "pass --zones-crs EPSG:4528 if so (raster 'lc.tif' is EPSG:4490)"))
        << gk;
}

TEST(ConformTest, InvalidGeometryIsAnErrorOrRepaired) {
    // A bow tie: two triangles of area 1 meeting at (1, 1).
    const MultiPolygon bowtie = test::polygon({{{0, 0}, {2, 2}, {2, 0}, {0, 2}}});
    const Crs gk = test::crs_of("EPSG:4523");
    {
        PolygonLayer l = layer_in("EPSG:4523", {test::box(0, 10, 1, 11), bowtie});
        const std::string msg =
            invalid_input([&] { conform(l, gk, "layer 'z' in 'z.gpkg'", LayerPolicy::overlay()); });
        EXPECT_TRUE(contains(msg,
                             "layer 'z' in 'z.gpkg' has 1 invalid geometry: '2': "
                             "Self-intersection at (1, 1)"))
            << msg;
        EXPECT_TRUE(contains(msg,
                             ". Fix them (see 'redline validate'), or pass --make-valid to "
                             "repair them with GEOS MakeValid."))
            << msg;
    }
    {
        PolygonLayer l = layer_in("EPSG:4523", {test::box(0, 10, 1, 11), bowtie});
        const std::string msg =
            invalid_input([&] { conform(l, gk, "raster 'lc.tif'", LayerPolicy::zones()); });
        EXPECT_TRUE(contains(msg,
                             ". Fix them, or pass --make-valid to repair them with GEOS "
                             "MakeValid."))
            << msg;
    }
    {
        // A report config names its keys as written: options.make_valid, not "make-valid".
        PolygonLayer l = layer_in("EPSG:4523", {test::box(0, 10, 1, 11), bowtie});
        LayerPolicy p = LayerPolicy::overlay();
        p.naming.config_prefix = "options.";
        const std::string raw = [&] {
            try {
                conform(l, gk, "layer 'z' in 'z.gpkg'", p);
            } catch (const Error& e) {
                return std::string(e.what());
            }
            return std::string();
        }();
        EXPECT_TRUE(contains(raw, "or pass options.make_valid to repair them")) << raw;
        // In Python the option is a keyword argument.
        PolygonLayer l2 = layer_in("EPSG:4523", {test::box(0, 10, 1, 11), bowtie});
        const std::string py = [&] {
            try {
                conform(l2, gk, "layer 'z' in 'z.gpkg'", LayerPolicy::overlay());
            } catch (const Error& e) {
                return render_for_python(e.what());
            }
            return std::string();
        }();
        EXPECT_TRUE(contains(py, "or pass make_valid=True to repair them")) << py;
    }
    PolygonLayer l = layer_in("EPSG:4523", {test::box(0, 10, 1, 11), bowtie});
    LayerPolicy p = LayerPolicy::zones();
    p.make_valid = true;
    conform(l, gk, "raster 'lc.tif'", p);
    EXPECT_EQ(l.repaired, 1u);
    ASSERT_EQ(l.warnings.size(), 1u);
    EXPECT_EQ(l.warnings[0], "repaired 1 invalid geometry of layer 'z' with GEOS MakeValid");
    EXPECT_TRUE(check_validity(l.geoms).empty());
    EXPECT_EQ(l.geoms[1].polygons.size(), 2u);
    EXPECT_NEAR(planar_area(l.geoms[1]), 2.0, 1e-12);
    EXPECT_NEAR(planar_area(l.geoms[0]), 1.0, 1e-12);  // the valid one is untouched
}

TEST(ConformTest, RingAcrossTheAntimeridianIsUnwrappedAndCut) {
    // Edges from 170 to -170 degrees: read the short way, across 180.
    PolygonLayer l =
        layer_in("EPSG:4326", {test::polygon({{{170, 0}, {-170, 0}, {-170, 10}, {170, 10}}})});
    conform(l, test::crs_of("EPSG:4326"), "layer 'z' in 'z.gpkg'", LayerPolicy::overlay());
    ASSERT_EQ(l.warnings.size(), 1u);
    EXPECT_EQ(l.warnings[0],
              "layer 'z' in 'z.gpkg': 1 ring with edges spanning more than 180 degrees of "
              "longitude is read as crossing the antimeridian the short way "
              "(docs/geodesy-rings.md)");
    // Cut at 180: 170..180 and -180..-170, 10 x 10 degrees each.
    ASSERT_EQ(l.geoms[0].polygons.size(), 2u);
    for (const auto& poly : l.geoms[0].polygons) {
        MultiPolygon one;
        one.polygons.push_back(poly);
        const Box b = one.bounds();
        EXPECT_GE(b.xmin, -180.0);
        EXPECT_LE(b.xmax, 180.0);
        EXPECT_NEAR(b.xmax - b.xmin, 10.0, 1e-12);
        EXPECT_NEAR(planar_area(one), 100.0, 1e-9);
    }
}

TEST(ConformTest, RingAroundAPoleIsClosedOrRefused) {
    // Longitudes sweep 360 degrees at 80 S (the last edge, 100 -> -170, is read as +90).
    const MultiPolygon around = test::polygon({{{-170, -80}, {-80, -80}, {10, -80}, {100, -80}}});
    {  // Into a projected CRS it has no outline: refused, naming the feature and the reason.
        PolygonLayer l = layer_in("EPSG:4326", {around});
        LayerPolicy p = LayerPolicy::overlay();
        p.reproject = true;
        const Crs polar = test::crs_of("EPSG:3031");
        const std::string msg = invalid_input([&] { conform(l, polar, "layer 'r'", p); });
        EXPECT_TRUE(contains(msg,
                             "feature '1' of layer 'z' in 'z.gpkg': the exterior ring of "
                             "its polygon 1 winds once around the polar axis"))
            << msg;
        EXPECT_TRUE(contains(msg,
                             "so it bounds the region containing the south pole; such a "
                             "region cannot be transformed into EPSG:3031 edge by edge "
                             "(--reproject)"))
            << msg;
        PolygonLayer z = layer_in("EPSG:4326", {around});
        LayerPolicy zp = LayerPolicy::zones();
        zp.reproject = true;
        const std::string zmsg = invalid_input([&] { conform(z, polar, "raster 'p.tif'", zp); });
        EXPECT_TRUE(contains(zmsg, "zone '1' of layer 'z' in 'z.gpkg'")) << zmsg;
        EXPECT_TRUE(contains(zmsg,
                             "such a zone cannot be transformed into the CRS of raster "
                             "'p.tif' edge by edge (--reproject)"))
            << zmsg;
    }
    {  // In lon/lat it is the region containing the pole, closed along it.
        PolygonLayer l = layer_in("EPSG:4326", {around});
        conform(l, test::crs_of("EPSG:4326"), "layer 'z'", LayerPolicy::overlay());
        ASSERT_EQ(l.warnings.size(), 1u);
        EXPECT_TRUE(contains(l.warnings[0],
                             "1 exterior ring winds around a pole and is measured "
                             "as the region containing it"))
            << l.warnings[0];
        EXPECT_TRUE(contains(l.warnings[0], "'1' (south pole)")) << l.warnings[0];
        const Box b = l.geoms[0].bounds();
        EXPECT_EQ(b.ymin, -90.0);
        EXPECT_EQ(b.ymax, -80.0);
        EXPECT_GE(b.xmin, -180.0);
        EXPECT_LE(b.xmax, 180.0);
        EXPECT_TRUE(check_validity(l.geoms).empty());
    }
}

}  // namespace
}  // namespace redline

namespace redline {
namespace {

// Reprojection on several threads (issue 19): one Transformer per thread, the same vertices as
// one thread, and the first feature in order that cannot be transformed is named.
TEST(ConformParallel, ReprojectionIsTheSameForAnyThreadsAndFirstFailureWins) {
    std::vector<MultiPolygon> geoms;
    for (int i = 0; i < 600; ++i) {
        const double x = 104.0 + 0.002 * (i % 100), y = 30.0 + 0.002 * (i / 100);
        geoms.push_back(test::box(x, y, x + 0.05, y + 0.03));
    }
    LayerPolicy p = LayerPolicy::zones();
    p.reproject = true;
    p.densify_m = 500;
    const Crs gk = test::crs_of("EPSG:4523");
    PolygonLayer one = layer_in("EPSG:4490", geoms);
    conform(one, gk, "raster 'lc.tif'", p, 1);
    // 0.05 x 0.03 degree edges in pieces of at most 500 / 111320 degrees: 12 and 7 pieces.
    ASSERT_EQ(one.geoms[0].polygons[0].rings[0].size(), 2u * (12 + 7) + 1);
    for (int threads : {2, 4}) {
        PolygonLayer l = layer_in("EPSG:4490", geoms);
        conform(l, gk, "raster 'lc.tif'", p, threads);
        ASSERT_EQ(l.geoms.size(), one.geoms.size());
        for (std::size_t i = 0; i < l.geoms.size(); ++i)
            ASSERT_EQ(l.geoms[i].polygons[0].rings, one.geoms[i].polygons[0].rings) << i;
        EXPECT_EQ(l.warnings, one.warnings);
    }
    // Features 300 and 500 lie on the far side of the Earth of an orthographic view centred on
    // the others: PROJ cannot project them.
    geoms[300] = test::box(-80, -31, -79, -30);
    geoms[500] = test::box(-70, -31, -69, -30);
    const Crs ortho = test::crs_of("+proj=ortho +lat_0=30 +lon_0=104 +ellps=GRS80 +units=m");
    std::string first;
    for (int threads : {1, 2, 4}) {
        PolygonLayer l = layer_in("EPSG:4326", geoms);
        const std::string msg =
            invalid_input([&] { conform(l, ortho, "raster 'm.tif'", p, threads); });
        EXPECT_TRUE(contains(msg,
                             "zone '301' of layer 'z' cannot be transformed from EPSG:4326 "
                             "to '+proj=ortho +lat_0=30 +lon_0=104 +x_0=0 +y_0=0 +ellps=GRS80 "
                             "+units=m +no_defs': point (-80, -31) cannot be transformed: it is "
                             "outside the domain of the projection"))
            << msg;
        if (threads == 1)
            first = msg;
        else
            EXPECT_EQ(msg, first);
    }
}

}  // namespace
}  // namespace redline
