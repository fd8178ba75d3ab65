// The land-cover model of the shoreline classification: which codes are artificial (codes,
// groups, the built_up default), how every cell maps to NoData / Other / Artificial, unknown
// codes, and the errors for artificial classes the table does not have (docs/classes.md).
#include "redline/ops/shoreline/shore_raster_model.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "ops/shoreline/shoreline_fixtures.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {
namespace {

using test::RasterFixture;
using Codes = std::vector<std::int64_t>;

ShoreRasterModel model_of(const RasterFixture& f, const std::string& table,
                          const std::vector<std::string>& artificial) {
    return ShoreRasterModel::build(*f.source, table, artificial, 100, 1);
}

void expect_invalid(const RasterFixture& f, const std::string& table,
                    const std::vector<std::string>& artificial, const std::string& text) {
    try {
        model_of(f, table, artificial);
        FAIL() << "expected an error containing: " << text;
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::InvalidInput);
        EXPECT_NE(render_for_cli(e.what()).find(text), std::string::npos) << e.what();
    }
}

TEST(ShoreRasterModelTest, ArtificialCodesFromCodesGroupsAndTheBuiltUpDefault) {
    RasterFixture f({{2}, {8}});
    // CLCD (docs/classes.md): built_up = 8, cropland = 1; natural = forest 2, shrub 3,
    // grassland 4, water 5, snow/ice 6, bare 7, wetland 9.
    EXPECT_EQ(model_of(f, "", {}).artificial_codes(), (Codes{8}));
    EXPECT_EQ(model_of(f, "clcd", {"built_up", "cropland"}).artificial_codes(), (Codes{1, 8}));
    EXPECT_EQ(model_of(f, "clcd", {" 8 ", "2", ""}).artificial_codes(), (Codes{2, 8}));
    EXPECT_EQ(model_of(f, "clcd", {"natural"}).artificial_codes(), (Codes{2, 3, 4, 5, 6, 7, 9}));
    // WorldCover's built-up is 50.
    EXPECT_EQ(model_of(f, "worldcover", {}).artificial_codes(), (Codes{50}));
}

TEST(ShoreRasterModelTest, EveryCellIsNoDataOtherOrArtificial) {
    RasterFixture f({{2}, {8}});
    const ShoreRasterModel m = model_of(f, "clcd", {"built_up", "cropland"});
    std::set<std::int64_t> unknown;
    EXPECT_EQ(m.kind_of(8, 1, &unknown), LandKind::Artificial);
    EXPECT_EQ(m.kind_of(1, 1, &unknown), LandKind::Artificial);
    EXPECT_EQ(m.kind_of(2, 1, &unknown), LandKind::Other);
    EXPECT_EQ(m.kind_of(9, 1, &unknown), LandKind::Other);
    EXPECT_EQ(m.kind_of(8, 0, &unknown), LandKind::NoData);  // invalid cell
    EXPECT_EQ(m.kind_of(0, 1, &unknown), LandKind::NoData);  // CLCD's nodata code
    EXPECT_TRUE(unknown.empty());
    EXPECT_EQ(m.kind_of(77, 1, &unknown), LandKind::NoData);   // not in the table
    EXPECT_EQ(m.kind_of(-3, 1, nullptr), LandKind::NoData);    // not collected without a set
    EXPECT_EQ(m.kind_of(200, 0, &unknown), LandKind::NoData);  // invalid: never "unknown"
    EXPECT_EQ(unknown, (std::set<std::int64_t>{77}));
}

TEST(ShoreRasterModelTest, GridAreasAndCellSizeOfTheRaster) {
    RasterFixture f({{2}, {8}});
    const ShoreRasterModel m = model_of(f, "clcd", {});
    EXPECT_EQ(&m.source(), f.source.get());
    EXPECT_EQ(m.grid().cols(), 20);
    EXPECT_EQ(m.grid().rows(), 2);
    // 10 m cells in a CRS of scale 1 at the grid's centre (x = 500000).
    EXPECT_NEAR(m.cell_m(), 10.0, 1e-6);
    EXPECT_NEAR(m.areas().cell_area_m2(0, 10), 100.0, 1e-6);
}

TEST(ShoreRasterModelTest, ArtificialClassesTheTableLacksAreErrors) {
    RasterFixture f({{2}, {8}});
    expect_invalid(f, "clcd", {"8", "42"},
                   "--artificial-classes: code 42 is not a class of table 'clcd'; its classes "
                   "are: 1 ");
    expect_invalid(f, "clcd", {"roads"},
                   "--artificial-classes: 'roads' is neither a class code nor a group of table "
                   "'clcd'");
    // A table without built-up classes needs the artificial classes named.
    const std::string path = test::temp_dir("shore-raster-model") + "/nature.csv";
    std::ofstream(path) << "code,name,group\n1,forest,forest\n2,lake,water\n";
    expect_invalid(f, path, {}, "has no class in group built_up; name the artificial classes");
    const ShoreRasterModel m = model_of(f, path, {"2"});
    EXPECT_EQ(m.kind_of(2, 1, nullptr), LandKind::Artificial);
    EXPECT_EQ(m.kind_of(1, 1, nullptr), LandKind::Other);
}

}  // namespace
}  // namespace redline
