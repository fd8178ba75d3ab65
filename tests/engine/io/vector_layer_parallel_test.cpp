// Reading a layer on several threads (LayerReadOptions::threads, issue 19): the result is the
// serial one for 1, 2 and 4 threads — same fids, ids, groups, extra fields, vertices,
// empty/unclosed features and warnings — and a layer with bad features in the middle fails with
// the first failure in feature order, the same text for any number of threads. A GeoPackage of
// 8,192 features or more is read by ranges of feature ids, each thread with its own dataset (the
// layers here span 2 to 9 ranges, with gaps in the ids and empty ranges); other formats and
// smaller layers are read on one thread and converted in chunks of 32 features.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <vector>

#include "ogr_fixture.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/io/vector_layer.hpp"
#include "test_support.hpp"

namespace redline {
namespace {

using test::OgrFeature;
using test::OgrField;
using test::OgrLayerSpec;

LayerRef ref_of(const std::string& path) {
    LayerRef r;
    r.path = path;
    r.text = path;
    return r;
}

// Feature i: a small square (open ring every 1000th, no geometry every 997th), id "Z<i>",
// group "G<i % 7>", extra "E<i % 3>".
OgrLayerSpec big_layer(std::size_t n) {
    OgrLayerSpec spec;
    spec.fields = {{"code", OFTString}, {"grp", OFTString}, {"kind", OFTString}};
    for (std::size_t i = 0; i < n; ++i) {
        const double x = 100.0 + 0.001 * static_cast<double>(i % 1000);
        const double y = 30.0 + 0.001 * static_cast<double>(i / 1000);
        const std::string a = std::to_string(x), b = std::to_string(y),
                          c = std::to_string(x + 0.0005), d = std::to_string(y + 0.0005);
        std::string wkt = "POLYGON((" + a + " " + b + "," + c + " " + b + "," + c + " " + d + "," +
                          a + " " + d + (i % 1000 == 5 ? "" : "," + a + " " + b) + "))";
        OgrFeature f;
        if (i % 997 != 3) f.wkt = wkt;
        f.values = {"Z" + std::to_string(i), "G" + std::to_string(i % 7),
                    "E" + std::to_string(i % 3)};
        spec.features.push_back(f);
    }
    return spec;
}

LayerReadOptions options(int threads) {
    LayerReadOptions o;
    o.id_field = "code";
    o.group_field = "grp";
    o.extra_fields = {"kind"};
    o.threads = threads;
    return o;
}

void expect_same(const VectorLayer& a, const VectorLayer& b) {
    EXPECT_EQ(a.fids, b.fids);
    EXPECT_EQ(a.ids, b.ids);
    EXPECT_EQ(a.groups, b.groups);
    EXPECT_EQ(a.extra, b.extra);
    EXPECT_EQ(a.empty_ids, b.empty_ids);
    EXPECT_EQ(a.unclosed, b.unclosed);
    EXPECT_EQ(a.warnings, b.warnings);
    EXPECT_EQ(a.crs_wkt, b.crs_wkt);
    ASSERT_EQ(a.polygons.size(), b.polygons.size());
    for (std::size_t i = 0; i < a.polygons.size(); ++i) {
        ASSERT_EQ(a.polygons[i].polygons.size(), b.polygons[i].polygons.size()) << i;
        for (std::size_t p = 0; p < a.polygons[i].polygons.size(); ++p)
            ASSERT_EQ(a.polygons[i].polygons[p].rings, b.polygons[i].polygons[p].rings) << i;
    }
}

TEST(VectorLayerParallel, SameLayerForOneTwoAndFourThreads) {
    const std::string dir = test::temp_dir("vector_layer_parallel_same");
    const std::string path = dir + "/big.gpkg";
    const std::size_t n = 9500;
    test::write_ogr(path, "GPKG", {big_layer(n)});
    const VectorLayer one = read_polygon_layer(ref_of(path), options(1));
    // Independent of the reader: what was written.
    ASSERT_EQ(one.fids.size(), n);
    EXPECT_EQ(one.fids[0], 1);
    EXPECT_EQ(one.fids[n - 1], static_cast<std::int64_t>(n));
    EXPECT_EQ(one.ids[4321], "Z4321");
    EXPECT_EQ(one.groups[4321], "G" + std::to_string(4321 % 7));
    EXPECT_EQ(one.extra[4321], std::vector<std::string>{"E" + std::to_string(4321 % 3)});
    // Empty: i % 997 == 3 -> 3, 1000, 1997, ... (10 features below 9500).
    ASSERT_EQ(one.empty_ids.size(), 10u);
    EXPECT_EQ(one.empty_ids[1], "Z1000");
    EXPECT_TRUE(one.polygons[1000].polygons.empty());
    // Unclosed: i % 1000 == 5 (10 features), closed by joining the last point to the first.
    ASSERT_EQ(one.unclosed.size(), 10u);
    EXPECT_EQ(one.unclosed[9], 9005u);
    ASSERT_EQ(one.polygons[9005].polygons[0].rings[0].size(), 5u);
    EXPECT_EQ(one.polygons[9005].polygons[0].rings[0].front(),
              one.polygons[9005].polygons[0].rings[0].back());
    ASSERT_EQ(one.warnings.size(), 2u);
    EXPECT_NE(one.warnings[0].find("10 feature(s) have a ring whose last point is not its first"),
              std::string::npos)
        << one.warnings[0];
    EXPECT_NE(one.warnings[1].find("10 feature(s) have an empty or null geometry"),
              std::string::npos)
        << one.warnings[1];
    for (int threads : {2, 4}) {
        SCOPED_TRACE(threads);
        expect_same(one, read_polygon_layer(ref_of(path), options(threads)));
    }
}

std::string message_of(const std::string& path, int threads, bool unique = true) {
    try {
        LayerReadOptions o = options(threads);
        o.unique_ids = unique;
        read_polygon_layer(ref_of(path), o);
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput) << e.what();
        return render_for_cli(e.what());
    }
    ADD_FAILURE() << "no error";
    return "";
}

// Writes the layer, reads it with 1, 2 and 4 threads: the same failure each time, containing
// every one of `parts`.
void expect_failure(const std::string& path, const OgrLayerSpec& spec,
                    const std::vector<std::string>& parts) {
    test::write_ogr(path, "GPKG", {spec});
    const std::string one = message_of(path, 1);
    for (const auto& part : parts) EXPECT_NE(one.find(part), std::string::npos) << one;
    EXPECT_EQ(message_of(path, 2), one);
    EXPECT_EQ(message_of(path, 4), one);
}

TEST(VectorLayerParallel, FirstErrorInFeatureOrderWins) {
    const std::string dir = test::temp_dir("vector_layer_parallel_errors");
    {  // Latitudes beyond 90 degrees in features 5000 and 8000 (far apart, in different chunks).
        OgrLayerSpec spec = big_layer(9000);
        spec.features[5000].wkt = "POLYGON((100 95,101 95,101 96,100 95))";
        spec.features[8000].wkt = "POLYGON((100 97,101 97,101 98,100 97))";
        expect_failure(dir + "/coords.gpkg", spec,
                       {"feature 'Z5000' (fid 5001) has the coordinate (100, 95), which has "
                        "latitude 95 beyond +-90 degrees"});
    }
    // A missing group value (feature 6000) fails while reading, before the NULL keys (features
    // 10 and 7000) and a duplicate key are reported after the loop.
    OgrLayerSpec spec = big_layer(9000);
    spec.features[10].values[0] = std::nullopt;
    spec.features[7000].values[0] = std::nullopt;
    spec.features[6000].values[1] = std::nullopt;
    spec.features[20].values[0] = "Z19";
    expect_failure(dir + "/group.gpkg", spec,
                   {"feature 6001 of layer", "has no value in --dissolve-by field 'grp'"});
    // Without the group failure: the NULL keys, listed in feature order.
    spec.features[6000].values[1] = "G0";
    expect_failure(dir + "/nulls.gpkg", spec,
                   {"2 feature(s) have no value in --id field 'code' (feature ids 11, 7001)"});
}

// Deletes the features whose ids are in [first, last] and every `step`-th id of [from, to].
void delete_features(const std::string& path, std::int64_t first, std::int64_t last,
                     std::int64_t from, std::int64_t to, std::int64_t step) {
    GDALDataset* ds = GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    OGRLayer* layer = ds->GetLayer(0);
    ASSERT_EQ(ds->StartTransaction(), OGRERR_NONE);
    for (std::int64_t fid = first; fid <= last; ++fid)
        ASSERT_EQ(layer->DeleteFeature(fid), OGRERR_NONE);
    for (std::int64_t fid = from; fid <= to; fid += step)
        ASSERT_EQ(layer->DeleteFeature(fid), OGRERR_NONE);
    ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
    GDALClose(GDALDataset::ToHandle(ds));
}

// Runs SQL statements (GDAL's dialect for the format) on the dataset, opened for update.
void run_sql(const std::string& path, std::initializer_list<const char*> statements) {
    GDALDataset* ds = GDALDataset::FromHandle(
        GDALOpenEx(path.c_str(), GDAL_OF_VECTOR | GDAL_OF_UPDATE, nullptr, nullptr, nullptr));
    ASSERT_NE(ds, nullptr);
    for (const char* sql : statements) ds->ExecuteSQL(sql, nullptr, nullptr);
    GDALClose(GDALDataset::ToHandle(ds));
}

// A GeoPackage of 40,000 features with the ids 12,001-20,000 and every 7th id of 30,001-38,000
// deleted: with 2 or 4 threads the ids split into 9 ranges of 4,444 or 4,445 ids (1-4,444,
// 4,445-8,888, ...), one of them (13,333-17,776) empty.
std::string layer_with_gaps(const std::string& name) {
    const std::string path = test::temp_dir(name) + "/gaps.gpkg";
    test::write_ogr(path, "GPKG", {big_layer(40000)});
    delete_features(path, 12001, 20000, 30001, 38000, 7);
    return path;
}

TEST(VectorLayerParallel, RangesOfFeatureIdsWithGapsKeepFileOrder) {
    const std::string path = layer_with_gaps("vector_layer_parallel_ranges");
    const VectorLayer one = read_polygon_layer(ref_of(path), options(1));
    // What was written, less what was deleted: 40,000 - 8,000 - 1,143.
    ASSERT_EQ(one.fids.size(), 30857u);
    EXPECT_EQ(one.fids[12000], 20001);
    EXPECT_EQ(one.ids[12000], "Z20000");
    EXPECT_EQ(one.fids.back(), 40000);
    for (std::size_t i = 1; i < one.fids.size(); ++i) ASSERT_LT(one.fids[i - 1], one.fids[i]);
    for (int threads : {2, 4}) {
        SCOPED_TRACE(threads);
        expect_same(one, read_polygon_layer(ref_of(path), options(threads)));
    }
}

// A spatially filtered read (as the chunked tabulate does): of the GeoPackage with gaps (its
// R-tree gives the ids, read in parts) and of a shapefile with a .qix index (GDAL's filter, on
// one thread): in feature id order, the same for 1, 2 and 4 threads, and exactly the features
// whose squares meet the rectangle (its sides fall between squares).
TEST(VectorLayerParallel, FilteredReadInFeatureIdOrderForAnyThreads) {
    const std::string shp = test::temp_dir("vector_layer_parallel_filtered_shp") + "/zones.shp";
    test::write_ogr(shp, "ESRI Shapefile", {big_layer(40000)});
    run_sql(shp, {"CREATE SPATIAL INDEX ON zones"});
    for (const std::string& path : {layer_with_gaps("vector_layer_parallel_filtered"), shp}) {
        SCOPED_TRACE(path);
        const VectorLayer all = read_polygon_layer(ref_of(path), options(1));
        const Box box{100.20075, 30.00575, 100.40075, 30.03575};
        std::vector<std::int64_t> expected;
        for (std::size_t i = 0; i < all.fids.size(); ++i) {
            const Box b = all.polygons[i].bounds();
            if (!b.empty() && b.xmax >= box.xmin && b.xmin <= box.xmax && b.ymax >= box.ymin &&
                b.ymin <= box.ymax)
                expected.push_back(all.fids[i]);
        }
        // Rows 6-35 of 200 squares each, less the deleted ids and the features without geometry.
        ASSERT_GT(expected.size(), 3000u);
        ASSERT_LT(expected.size(), 6001u);
        LayerReadOptions o = options(1);
        o.spatial_filter = box;
        const VectorLayer one = read_polygon_layer(ref_of(path), o);
        EXPECT_EQ(one.fids, expected);
        for (int threads : {2, 4}) {
            SCOPED_TRACE(threads);
            o.threads = threads;
            expect_same(one, read_polygon_layer(ref_of(path), o));
        }
    }
}

// The documented difference of the two filtered paths, which also shows which one ran: a frame
// (a square with a square hole) and a rectangle inside the hole. A GeoPackage with an R-tree
// returns the frame, whose bounding box meets the rectangle; a shapefile through GDAL's filter
// (which tests the geometry) does not. Both return the frame for a rectangle crossing it.
TEST(VectorLayerParallel, GeoPackageFilterGoesByBoundingBoxes) {
    OgrLayerSpec spec;
    spec.fields = {{"code", OFTString}, {"grp", OFTString}, {"kind", OFTString}};
    OgrFeature frame;
    frame.wkt =
        "POLYGON((100 30,101 30,101 31,100 31,100 30),"
        "(100.1 30.1,100.1 30.9,100.9 30.9,100.9 30.1,100.1 30.1))";
    frame.values = {"F", "G", "K"};
    spec.features = {frame};
    const std::string dir = test::temp_dir("vector_layer_parallel_boxes");
    test::write_ogr(dir + "/frame.gpkg", "GPKG", {spec});
    test::write_ogr(dir + "/frame.shp", "ESRI Shapefile", {spec});
    const Box in_hole{100.4, 30.4, 100.6, 30.6}, crossing{100.05, 30.4, 100.6, 30.6};
    for (int threads : {1, 2}) {
        SCOPED_TRACE(threads);
        LayerReadOptions o = options(threads);
        o.spatial_filter = in_hole;
        EXPECT_EQ(read_polygon_layer(ref_of(dir + "/frame.gpkg"), o).ids,
                  std::vector<std::string>{"F"});
        EXPECT_TRUE(read_polygon_layer(ref_of(dir + "/frame.shp"), o).ids.empty());
        o.spatial_filter = crossing;
        EXPECT_EQ(read_polygon_layer(ref_of(dir + "/frame.gpkg"), o).ids,
                  std::vector<std::string>{"F"});
        EXPECT_EQ(read_polygon_layer(ref_of(dir + "/frame.shp"), o).ids,
                  std::vector<std::string>{"F"});
    }
}

// Bad coordinates at the end of the first range (fid 4,444) and at the start of the second
// (fid 4,445, read at the same time by the other thread, so often finished first), and in the
// last range (fid 37,001): each time the first in feature order is reported.
TEST(VectorLayerParallel, FirstErrorAcrossRangesOfFeatureIds) {
    const std::string dir = test::temp_dir("vector_layer_parallel_range_errors");
    OgrLayerSpec spec = big_layer(40000);
    spec.features[37000].wkt = "POLYGON((100 97,101 97,101 98,100 97))";
    expect_failure(dir + "/late.gpkg", spec,
                   {"feature 'Z37000' (fid 37001) has the coordinate (100, 97)"});
    spec.features[4444].wkt = "POLYGON((100 96,101 96,101 97,100 96))";
    expect_failure(dir + "/second.gpkg", spec,
                   {"feature 'Z4444' (fid 4445) has the coordinate (100, 96)"});
    spec.features[4443].wkt = "POLYGON((100 95,101 95,101 96,100 95))";
    expect_failure(dir + "/first.gpkg", spec,
                   {"feature 'Z4443' (fid 4444) has the coordinate (100, 95)"});
}

// A shapefile cut to two thirds of its size: GDAL fails on the records past the cut. One thread
// and two give the same message, which counts each failed record once and gives GDAL's reason
// (one thread used to count them twice, and lost the reason).
TEST(VectorLayerParallel, TruncatedShapefileSameMessageForOneAndTwoThreads) {
    const std::string path = test::temp_dir("vector_layer_parallel_truncated") + "/zones.shp";
    test::write_ogr(path, "ESRI Shapefile", {big_layer(300)});
    std::filesystem::resize_file(path, std::filesystem::file_size(path) * 2 / 3);
    auto message = [&](int threads) {
        try {
            read_polygon_layer(ref_of(path), options(threads));
        } catch (const Error& e) {
            EXPECT_EQ(e.kind(), ErrorKind::Io) << e.what();
            return std::string(e.what());
        }
        ADD_FAILURE() << "no error";
        return std::string();
    };
    const std::string one = message(1);
    EXPECT_EQ(message(2), one);
    // The records past the cut: the last 100 of 300.
    EXPECT_NE(one.find("GDAL failed on 100 record(s) of its 300 feature(s)"), std::string::npos)
        << one;
    EXPECT_NE(one.find("(GDAL: "), std::string::npos) << one;
}

// A GeoPackage view with its own order (names, then ids descending) over a table of 20,000
// features: views are not split into id ranges, so every thread count gives the view's order.
TEST(VectorLayerParallel, AViewKeepsItsOwnOrder) {
    const std::string path = test::temp_dir("vector_layer_parallel_view") + "/view.gpkg";
    test::write_ogr(path, "GPKG", {big_layer(20000)});
    run_sql(path, {"CREATE VIEW v AS SELECT fid AS fid, geom, code, grp, kind FROM zones "
                   "ORDER BY grp, fid DESC",
                   "INSERT INTO gpkg_contents (table_name, identifier, data_type, srs_id) "
                   "VALUES ('v', 'v', 'features', 0)",
                   "INSERT INTO gpkg_geometry_columns (table_name, column_name, "
                   "geometry_type_name, srs_id, z, m) VALUES ('v', 'geom', 'POLYGON', 0, 0, 0)"});
    LayerRef ref = ref_of(path);
    ref.layer = "v";
    const VectorLayer one = read_polygon_layer(ref, options(1));
    // The view's order: group G0 (i % 7 == 0) first, ids descending.
    ASSERT_EQ(one.fids.size(), 20000u);
    EXPECT_EQ(one.ids[0], "Z19999");
    EXPECT_EQ(one.groups[0], "G0");
    EXPECT_EQ(one.ids[1], "Z19992");
    for (int threads : {2, 4}) {
        SCOPED_TRACE(threads);
        expect_same(one, read_polygon_layer(ref, options(threads)));
    }
}

}  // namespace
}  // namespace redline
