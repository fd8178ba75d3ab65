// GdalRasterSource: windows read block by block (or through GDAL's cache) must equal a direct
// GDALRasterIO of the same window, in every storage layout the reader distinguishes (tiles,
// strips, one strip GDAL shows as 1-row blocks, one huge block), and validity must equal GDAL's
// own mask band (from nodata, or a per-dataset mask). A corrupt tile is an Io error naming the
// window and the block, located here from the TIFF's block offsets.
#include "redline/io/gdal_raster_source.hpp"

#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <fstream>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace redline {
namespace {

using test::error_message;
using test::has;

struct TiffSpec {
    int cols = 50, rows = 37;
    GDALDataType type = GDT_Int16;
    std::vector<std::string> options;  // GTiff creation options
    std::optional<double> nodata;
    bool mask = false;  // a per-dataset mask: every cell with (col + row) % 5 == 0 is masked
    int epsg = 4490;
};

// Cell values: pseudo-random in the range of the type (class codes stop at 2^31 - 1), with every
// tenth cell equal to 7 (the nodata value used below); large rasters get a compressible pattern
// instead so that writing and decoding them stays fast. Written row by row; returns the values
// (row-major) of rasters up to a million cells.
std::vector<std::int64_t> write_tiff(const std::string& path, const TiffSpec& s) {
    GDALAllRegister();
    CPLStringList co;
    for (const auto& o : s.options) co.AddString(o.c_str());
    GDALDataset* ds = GetGDALDriverManager()->GetDriverByName("GTiff")->Create(
        path.c_str(), s.cols, s.rows, 1, s.type, co.List());
    EXPECT_NE(ds, nullptr);
    double gt[6] = {110.0, 0.001, 0, 31.0, 0, -0.001};
    ds->SetGeoTransform(gt);
    if (s.epsg) {
        OGRSpatialReference srs;
        srs.importFromEPSG(s.epsg);
        ds->SetSpatialRef(&srs);
    }
    GDALRasterBand* b = ds->GetRasterBand(1);
    if (s.nodata) b->SetNoDataValue(*s.nodata);
    std::int64_t lo = 0, hi = 255;
    if (s.type == GDT_Int16) lo = -32768, hi = 32767;
    if (s.type == GDT_UInt16) hi = 65535;
    if (s.type == GDT_Int32) lo = -2147483648LL, hi = 2147483647LL;
    if (s.type == GDT_UInt32) hi = 2147483647LL;
    const bool small = static_cast<std::int64_t>(s.cols) * s.rows <= 1000000;
    std::mt19937_64 rng(static_cast<unsigned>(s.cols * 131 + s.rows));
    std::uniform_int_distribution<std::int64_t> u(lo, hi);
    std::vector<std::int64_t> all;
    std::vector<std::int32_t> row(static_cast<std::size_t>(s.cols));
    for (int r = 0; r < s.rows; ++r) {
        for (int c = 0; c < s.cols; ++c) {
            const std::int64_t i = static_cast<std::int64_t>(r) * s.cols + c;
            std::int64_t v = small ? u(rng) : lo + (c / 3 + r) % 11;
            if (i % 10 == 3) v = 7;
            row[static_cast<std::size_t>(c)] = static_cast<std::int32_t>(v);
            if (small) all.push_back(v);
        }
        EXPECT_EQ(
            b->RasterIO(GF_Write, 0, r, s.cols, 1, row.data(), s.cols, 1, GDT_Int32, 0, 0, nullptr),
            CE_None);
    }
    if (s.mask) {
        EXPECT_EQ(ds->CreateMaskBand(GMF_PER_DATASET), CE_None);
        std::vector<std::uint8_t> m(static_cast<std::size_t>(s.cols) * s.rows);
        for (int r = 0; r < s.rows; ++r)
            for (int c = 0; c < s.cols; ++c)
                m[static_cast<std::size_t>(r) * s.cols + c] = (c + r) % 5 == 0 ? 0 : 255;
        EXPECT_EQ(b->GetMaskBand()->RasterIO(GF_Write, 0, 0, s.cols, s.rows, m.data(), s.cols,
                                             s.rows, GDT_Byte, 0, 0, nullptr),
                  CE_None);
    }
    GDALClose(GDALDataset::ToHandle(ds));
    return all;
}

// The oracle: GDAL's RasterIO of the window as Int32, and GDAL's mask band as validity.
void gdal_read(const std::string& path, const Window& w, std::vector<std::int32_t>& values,
               std::vector<std::uint8_t>& valid) {
    GDALDataset* ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER);
    GDALRasterBand* b = ds->GetRasterBand(1);
    const auto n = static_cast<std::size_t>(w.cells());
    values.assign(n, 0);
    valid.assign(n, 0);
    const int c0 = static_cast<int>(w.col0), r0 = static_cast<int>(w.row0);
    const int nc = static_cast<int>(w.cols), nr = static_cast<int>(w.rows);
    EXPECT_EQ(b->RasterIO(GF_Read, c0, r0, nc, nr, values.data(), nc, nr, GDT_Int32, 0, 0, nullptr),
              CE_None);
    EXPECT_EQ(b->GetMaskBand()->RasterIO(GF_Read, c0, r0, nc, nr, valid.data(), nc, nr, GDT_Byte, 0,
                                         0, nullptr),
              CE_None);
    for (auto& m : valid) m = m ? 1 : 0;
    GDALClose(GDALDataset::ToHandle(ds));
}

// Windows that start and end inside blocks, span several, are one cell, or the whole raster.
std::vector<Window> windows_over(const Grid& g, std::int64_t bx, std::int64_t by) {
    std::vector<Window> out = {
        g.full(),
        {0, 0, 1, 1},
        {g.cols() - 1, g.rows() - 1, 1, 1},
        {bx - 1, by - 1, 2, 2},
        {bx - 3, 0, std::min<std::int64_t>(bx + 5, g.cols() - bx + 3), 3},
        {1, by + 1, g.cols() - 2, std::min<std::int64_t>(by, g.rows() - by - 1)}};
    std::mt19937 rng(5);
    for (int i = 0; i < 12; ++i) {
        std::uniform_int_distribution<std::int64_t> c(0, g.cols() - 1), r(0, g.rows() - 1);
        Window w{c(rng), r(rng), 0, 0};
        w.cols = std::uniform_int_distribution<std::int64_t>(1, g.cols() - w.col0)(rng);
        w.rows = std::uniform_int_distribution<std::int64_t>(1, g.rows() - w.row0)(rng);
        out.push_back(w);
    }
    std::vector<Window> inside;
    for (const auto& w : out) {
        const Window v = w.intersect(g.full());
        if (!v.empty()) inside.push_back(v);
    }
    return inside;
}

void expect_reads_equal_gdal(const std::string& path) {
    const auto src = GdalRasterSource::open(path);
    const RasterInfo& info = src->info();
    auto reader = src->open_reader();
    for (const Window& w : windows_over(info.grid, info.block_cols, info.block_rows)) {
        SCOPED_TRACE(::testing::Message() << "window cols " << w.col0 << "+" << w.cols << " rows "
                                          << w.row0 << "+" << w.rows);
        std::vector<std::int32_t> expect_v;
        std::vector<std::uint8_t> expect_m;
        gdal_read(path, w, expect_v, expect_m);
        std::vector<std::int32_t> v(static_cast<std::size_t>(w.cells()), -99);
        std::vector<std::uint8_t> m(v.size(), 9);
        reader->read(w, v.data(), m.data());
        EXPECT_EQ(v, expect_v);
        EXPECT_EQ(m, expect_m);
        std::vector<std::uint8_t> b(v.size(), 9), bm(v.size(), 9);
        if (reader->read_u8(w, b.data(), bm.data())) {
            EXPECT_EQ(info.data_type, "Byte");
            EXPECT_EQ(std::vector<std::int32_t>(b.begin(), b.end()), expect_v);
            EXPECT_EQ(bm, expect_m);
        } else {
            EXPECT_NE(info.data_type, "Byte");
        }
    }
}

class GdalRasterRead : public ::testing::Test {
  protected:
    std::string m_dir =
        test::temp_dir(std::string("gdal_raster_") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
};

TEST_F(GdalRasterRead, TiledWindowsAcrossBlockBoundariesEqualGdalForEveryType) {
    for (GDALDataType t : {GDT_Byte, GDT_Int16, GDT_UInt16, GDT_Int32, GDT_UInt32}) {
        SCOPED_TRACE(GDALGetDataTypeName(t));
        TiffSpec s;
        s.type = t;
        s.options = {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"};
        const std::string p = path(std::string("tiled_") + GDALGetDataTypeName(t) + ".tif");
        write_tiff(p, s);
        const auto src = GdalRasterSource::open(p);
        EXPECT_EQ(src->info().data_type, GDALGetDataTypeName(t));
        EXPECT_EQ(src->info().block_cols, 16);
        EXPECT_EQ(src->info().block_rows, 16);
        EXPECT_TRUE(has(src->info().read_strategy, "blocks of 16 x 16 cells read one by one"));
        EXPECT_FALSE(src->info().nodata.has_value());
        expect_reads_equal_gdal(p);
    }
}

TEST_F(GdalRasterRead, GeotransformAndCrsComeFromTheFile) {
    TiffSpec s;
    const std::string p = path("g.tif");
    write_tiff(p, s);
    const auto src = GdalRasterSource::open(p);
    EXPECT_TRUE(src->info().grid.same_as(Grid(110.0, 0.001, 31.0, -0.001, 50, 37)));
    EXPECT_EQ(src->info().crs_label, "EPSG:4490");
    EXPECT_EQ(src->info().path, p);
    EXPECT_EQ(src->info().band, 1);
}

TEST_F(GdalRasterRead, StripLayouts) {
    // Strips of 8 rows; one small compressed strip (a single 50 x 37 block).
    for (const auto& opts : {std::vector<std::string>{"BLOCKYSIZE=8"},
                             std::vector<std::string>{"BLOCKYSIZE=37", "COMPRESS=DEFLATE"}}) {
        TiffSpec s;
        s.options = opts;
        const std::string p = path("strips_" + opts[0].substr(11) + ".tif");
        write_tiff(p, s);
        const auto src = GdalRasterSource::open(p);
        EXPECT_EQ(src->info().block_cols, 50);
        EXPECT_EQ(src->info().block_rows, std::stoi(opts[0].substr(11)));
        expect_reads_equal_gdal(p);
    }
}

// A compressed single strip of more than a few MB: GDAL shows it as 1-row blocks it decodes in
// sequence; the reader says so and still reads any window right.
TEST_F(GdalRasterRead, OneCompressedStripShownAsOneRowBlocks) {
    TiffSpec s;
    s.cols = s.rows = 2600;
    s.type = GDT_Byte;
    s.options = {"BLOCKYSIZE=2600", "COMPRESS=DEFLATE"};
    const std::string p = path("one_strip.tif");
    write_tiff(p, s);
    const auto src = GdalRasterSource::open(p);
    ASSERT_EQ(src->info().block_rows, 1);  // GDAL's presentation (checked, not assumed)
    EXPECT_TRUE(has(src->info().read_strategy, "the file is one strip"));
    ASSERT_EQ(src->info().warnings.size(), 1u);
    EXPECT_TRUE(has(src->info().warnings[0], "is stored as one strip"));
    auto reader = src->open_reader();
    for (const Window& w : {Window{0, 0, 2600, 3}, Window{1290, 1290, 40, 25},
                            Window{2599, 2599, 1, 1}, Window{17, 1000, 7, 1}}) {
        std::vector<std::int32_t> ev;
        std::vector<std::uint8_t> em;
        gdal_read(p, w, ev, em);
        std::vector<std::int32_t> v(static_cast<std::size_t>(w.cells()));
        std::vector<std::uint8_t> m(v.size());
        reader->read(w, v.data(), m.data());
        EXPECT_EQ(v, ev);
        EXPECT_EQ(m, em);
    }
}

// A block of more than 16 MB is read through GDAL's cache (decoded once for all its tiles); the
// warning names its size.
TEST_F(GdalRasterRead, HugeBlockReadThroughTheCache) {
    TiffSpec s;
    s.cols = 180000;
    s.rows = 100;
    s.type = GDT_Byte;
    s.options = {"BLOCKYSIZE=100", "COMPRESS=DEFLATE"};
    const std::string p = path("huge_block.tif");
    write_tiff(p, s);
    const auto src = GdalRasterSource::open(p);
    ASSERT_EQ(src->info().block_cols, 180000);  // GDAL keeps this strip one block
    ASSERT_EQ(src->info().block_rows, 100);
    EXPECT_TRUE(has(src->info().read_strategy, "read through GDAL's block cache"));
    EXPECT_GE(src->info().cache_bytes, 3 * 180000 * 100);
    ASSERT_FALSE(src->info().warnings.empty());
    EXPECT_TRUE(has(src->info().warnings[0],
                    "is stored in blocks of 180000 x 100 cells (17 MB "
                    "each), i.e. as one strip"));
    auto reader = src->open_reader();
    for (const Window& w :
         {Window{0, 0, 300, 100}, Window{179990, 50, 10, 50}, Window{90000, 10, 5000, 2}}) {
        std::vector<std::int32_t> ev;
        std::vector<std::uint8_t> em;
        gdal_read(p, w, ev, em);
        std::vector<std::int32_t> v(static_cast<std::size_t>(w.cells()));
        std::vector<std::uint8_t> m(v.size());
        reader->read(w, v.data(), m.data());
        EXPECT_EQ(v, ev);
        EXPECT_EQ(m, em);
        std::vector<std::uint8_t> b(v.size()), bm(v.size());
        ASSERT_TRUE(reader->read_u8(w, b.data(), bm.data()));
        EXPECT_EQ(std::vector<std::int32_t>(b.begin(), b.end()), ev);
    }
}

TEST_F(GdalRasterRead, NodataAndMasksGiveGdalsValidity) {
    TiffSpec s;
    s.options = {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16"};
    s.nodata = 7;
    const std::string p = path("nodata.tif");
    const auto values = write_tiff(p, s);
    const auto src = GdalRasterSource::open(p);
    EXPECT_EQ(src->info().nodata, 7);
    EXPECT_FALSE(src->info().has_mask);
    expect_reads_equal_gdal(p);
    // Independently of GDAL: the cells equal to 7 are exactly the invalid ones.
    auto reader = src->open_reader();
    std::vector<std::int32_t> v(values.size());
    std::vector<std::uint8_t> m(values.size());
    reader->read(src->info().grid.full(), v.data(), m.data());
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(m[i], values[i] == 7 ? 0 : 1) << i;

    TiffSpec k = s;
    k.nodata.reset();
    k.mask = true;
    const std::string pm = path("mask.tif");
    write_tiff(pm, k);
    const auto msrc = GdalRasterSource::open(pm);
    EXPECT_TRUE(msrc->info().has_mask);
    expect_reads_equal_gdal(pm);
    auto mr = msrc->open_reader();
    mr->read(msrc->info().grid.full(), v.data(), m.data());
    for (int r = 0; r < 37; ++r)
        for (int c = 0; c < 50; ++c) EXPECT_EQ(m[r * 50 + c], (c + r) % 5 == 0 ? 0 : 1);

    // A nodata the band cannot hold is a warning, and no cell is nodata.
    TiffSpec f = s;
    f.type = GDT_Byte;
    f.nodata = -128;
    const std::string pf = path("bad_nodata.tif");
    write_tiff(pf, f);
    const auto fsrc = GdalRasterSource::open(pf);
    EXPECT_FALSE(fsrc->info().nodata.has_value());
    ASSERT_EQ(fsrc->info().warnings.size(), 1u);
    EXPECT_TRUE(has(fsrc->info().warnings[0],
                    "declares nodata = -128, which a Byte band cannot "
                    "hold: no cell is treated as nodata"));
}

TEST_F(GdalRasterRead, CorruptTileIsAnIoErrorNamingTheWindowAndTheBlock) {
    TiffSpec s;
    s.options = {"TILED=YES", "BLOCKXSIZE=16", "BLOCKYSIZE=16", "COMPRESS=DEFLATE"};
    const std::string p = path("corrupt.tif");
    write_tiff(p, s);
    // Overwrite the compressed bytes of tile (column 1, row 2) with garbage.
    std::int64_t offset = 0, size = 0;
    {
        GDALDataset* ds = GDALDataset::Open(p.c_str(), GDAL_OF_RASTER);
        GDALRasterBand* b = ds->GetRasterBand(1);
        offset = std::stoll(b->GetMetadataItem("BLOCK_OFFSET_1_2", "TIFF"));
        size = std::stoll(b->GetMetadataItem("BLOCK_SIZE_1_2", "TIFF"));
        GDALClose(GDALDataset::ToHandle(ds));
    }
    ASSERT_GT(size, 4);
    {
        std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(offset);
        f << std::string(static_cast<std::size_t>(size), '\xFF');
    }
    const auto src = GdalRasterSource::open(p);  // the header is intact
    auto reader = src->open_reader();
    // Tiles elsewhere still read.
    std::vector<std::int32_t> v(16 * 16);
    std::vector<std::uint8_t> m(v.size());
    reader->read(Window{0, 0, 16, 16}, v.data(), m.data());
    // The window rows 30-41, columns 10-29 meets tile (1, 2) at rows 32-41, columns 16-29; the
    // raster is 4 tiles wide, so the tile is block 2 * 4 + 1 = 9.
    const Window w{10, 30, 20, 12};
    v.resize(static_cast<std::size_t>(w.cells()));
    m.resize(v.size());
    const std::string msg =
        error_message(ErrorKind::Io, [&] { reader->read(w, v.data(), m.data()); });
    EXPECT_TRUE(has(msg, "cannot read raster '" + p +
                             "' band 1: cells of rows 32-41, columns "
                             "16-29 of block 9 (block column 1, block "
                             "row 2, 16 x 16 cells) are unreadable"));
    EXPECT_TRUE(has(msg, "the file is truncated or corrupt"));
}

TEST_F(GdalRasterRead, OpenRefusesWhatItCannotRead) {
    const std::string missing = path("none.tif");
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { GdalRasterSource::open(missing); }),
                    "cannot open raster '" + missing + "': no such file"));
    TiffSpec f;
    f.type = GDT_Float32;
    const std::string pf = path("float.tif");
    write_tiff(pf, f);
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { GdalRasterSource::open(pf); }),
                    "raster '" + pf +
                        "' band 1 is Float32: a land-use raster must hold integer "
                        "class codes"));
    TiffSpec n;
    n.epsg = 0;
    const std::string pn = path("nocrs.tif");
    write_tiff(pn, n);
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { GdalRasterSource::open(pn); }),
                    "raster '" + pn + "' has no CRS"));
    const std::string pb = path("g.tif");
    write_tiff(pb, TiffSpec{});
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput, [&] { GdalRasterSource::open(pb, 2); }),
                    "raster '" + pb + "' has 1 band(s); --band 2 does not exist"));
}

}  // namespace
}  // namespace redline
