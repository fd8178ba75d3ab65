// The interactive map's redline picture: square Web Mercator pixels over the polygons' extent,
// opacity from the exact covered fraction (report/map_overlay.hpp), decoded back from its PNG.
#include "redline/report/map_overlay.hpp"

#include <cpl_vsi.h>
#include <gdal.h>
#include <gtest/gtest.h>

#include <cmath>

namespace redline {
namespace {

MultiPolygon square(double x0, double y0, double x1, double y1) {
    return MultiPolygon{{Polygon{{Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}}};
}

// The opacity of every pixel of the palette PNG (its colour table's alpha), row-major.
std::vector<std::uint8_t> alpha_of(const MapOverlay& o) {
    const std::string name = "/vsimem/map_overlay_test.png";
    VSILFILE* f = VSIFileFromMemBuffer(name.c_str(),
                                       reinterpret_cast<GByte*>(const_cast<char*>(o.png.data())),
                                       static_cast<vsi_l_offset>(o.png.size()), FALSE);
    VSIFCloseL(f);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpen(name.c_str(), GA_ReadOnly);
    EXPECT_NE(ds, nullptr);
    EXPECT_EQ(GDALGetRasterCount(ds), 1);
    EXPECT_EQ(GDALGetRasterXSize(ds), o.width);
    EXPECT_EQ(GDALGetRasterYSize(ds), o.height);
    std::vector<std::uint8_t> a(static_cast<std::size_t>(o.width) * o.height);
    GDALRasterBandH band = GDALGetRasterBand(ds, 1);
    EXPECT_EQ(GDALRasterIO(band, GF_Read, 0, 0, o.width, o.height, a.data(), o.width, o.height,
                           GDT_Byte, 0, 0),
              CE_None);
    GDALColorTableH ct = GDALGetRasterColorTable(band);
    EXPECT_NE(ct, nullptr);
    for (auto& v : a) v = static_cast<std::uint8_t>(GDALGetColorEntry(ct, v)->c4);
    GDALClose(ds);
    VSIUnlink(name.c_str());
    return a;
}

double merc(double lat) {
    const double pi = 3.14159265358979323846;
    return std::log(std::tan(pi / 4 + lat * pi / 360)) * 180 / pi;
}

TEST(MapOverlayTest, SquareMercatorPixelsWithOpacityFromTheCoveredShare) {
    // 1 degree square at the equator, 10 pixels across: 0.1 degree pixels; Mercator stretches
    // 1 degree of latitude to 1.0000508 "degrees", so 11 rows, the last one covered 0.05 %
    // (the lowest of the 8 opacity steps).
    const MapOverlay o = render_overlay({square(10, 0, 11, 1)}, 10);
    ASSERT_EQ(o.width, 10);
    ASSERT_EQ(o.height, static_cast<int>(std::ceil(merc(1) / 0.1)));
    ASSERT_EQ(o.height, 11);
    EXPECT_DOUBLE_EQ(o.west, 10);
    EXPECT_DOUBLE_EQ(o.east, 11);
    EXPECT_NEAR(o.north, 1, 1e-12);
    EXPECT_NEAR(merc(o.north) - merc(o.south), 1.1, 1e-9);  // rows of 0.1 Mercator degree
    const auto a = alpha_of(o);
    const OverlayStyle st;
    const auto full = static_cast<std::uint8_t>(std::lround(255 * st.max_alpha));  // 179
    EXPECT_LT((merc(1) - 1.0) / 0.1, 0.5 / (st.levels - 1));  // the share of the last row
    const auto edge = static_cast<std::uint8_t>(std::lround(255 * st.min_alpha));  // 89
    for (int r = 0; r < 11; ++r)
        for (int c = 0; c < 10; ++c)
            EXPECT_EQ(a[r * 10 + c], r < 10 ? full : edge) << r << "," << c;
}

TEST(MapOverlayTest, APolygonFarSmallerThanAPixelStillShows) {
    // A 100 m square (1e-3 degree) 0.5 degree east of a 1 degree square: its pixel is drawn
    // faintly (about min_alpha), the pixels between are transparent.
    const MapOverlay o =
        render_overlay({square(10, 0, 11, 1), square(11.5, 0.5, 11.501, 0.501)}, 15);
    const auto a = alpha_of(o);
    const double px = (11.501 - 10) / 15;
    const int col = static_cast<int>((11.5005 - 10) / px);
    const int row = static_cast<int>((merc(o.north) - merc(0.5005)) / px);
    const std::uint8_t tiny = a[static_cast<std::size_t>(row) * o.width + col];
    EXPECT_EQ(tiny, static_cast<std::uint8_t>(std::lround(255 * 0.35)));  // 1e-4 of a pixel
    for (int c = static_cast<int>(1.0 / px) + 1; c < col; ++c)
        EXPECT_EQ(a[static_cast<std::size_t>(row) * o.width + c], 0) << c;
}

TEST(MapOverlayTest, OpacityInStepsOfTheCoveredShare) {
    // 1 degree pixels over 0..4 degrees east: a square 0.25 degree wide covers 1/4 of the first
    // pixel -> opacity step round(1/4 * 7) = 2 of 0..7 (255 x 0.45 = 114.75 -> 115); a second
    // square fills the last pixel.
    const MapOverlay o = render_overlay({square(0, 0, 0.25, 1), square(3, 0, 4, 1)}, 4);
    const auto a = alpha_of(o);
    const OverlayStyle st;
    EXPECT_EQ(a[0], 115);
    EXPECT_EQ(a[1], 0);
    EXPECT_EQ(a[3], static_cast<std::uint8_t>(std::lround(255 * st.max_alpha)));
}

TEST(MapOverlayTest, NothingToDraw) { EXPECT_TRUE(render_overlay({}, 100).png.empty()); }

}  // namespace
}  // namespace redline
