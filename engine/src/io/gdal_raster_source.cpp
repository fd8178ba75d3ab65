#include "redline/io/gdal_raster_source.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <limits>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/core/memory.hpp"
#include "redline/core/option_name.hpp"
#include "redline/io/crs.hpp"

namespace redline {
namespace {

constexpr std::int64_t kHugeBlockBytes = 16 << 20;

struct DatasetCloser {
    void operator()(GDALDatasetH h) const {
        if (h) GDALClose(h);
    }
};
using DatasetPtr = std::unique_ptr<void, DatasetCloser>;

GDALDatasetH open_dataset(const std::string& path, detail::GdalErrorCapture& cap) {
    detail::ensure_gdal_registered();
    (void)cap;
    return GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                      nullptr, nullptr, nullptr);
}

class GdalReader : public RasterReader {
  public:
    GdalReader(const RasterInfo& info, bool uint32, bool nodata_compare, bool mask_band)
        : m_info(info), m_uint32(uint32), m_nodata_compare(nodata_compare), m_mask_band(mask_band) {
        detail::GdalErrorCapture cap;
        m_ds.reset(open_dataset(info.path, cap));
        if (!m_ds)
            fail(ErrorKind::Io,
                 fmt::format("cannot reopen raster '{}'{}", info.path, detail::gdal_reason(cap)));
        m_band = GDALGetRasterBand(m_ds.get(), info.band);
        m_type = GDALGetRasterDataType(m_band);
        int bx = 0, by = 0;
        GDALGetBlockSize(m_band, &bx, &by);
        m_bx = bx;
        m_by = by;
        // Huge blocks (a raster stored as one strip): read through GDAL's cache, which the
        // source sized to hold them, instead of decoding the block again for every tile.
        if (static_cast<std::int64_t>(bx) * by * GDALGetDataTypeSizeBytes(m_type) > kHugeBlockBytes)
            m_bx = m_by = 0;
    }

    void read(const Window& w, std::int32_t* values, std::uint8_t* valid) override {
        bool done = false;
        switch (m_type) {
            case GDT_Byte:
                done = read_blocks<std::uint8_t>(w, values);
                break;
            case GDT_Int16:
                done = read_blocks<std::int16_t>(w, values);
                break;
            case GDT_UInt16:
                done = read_blocks<std::uint16_t>(w, values);
                break;
            case GDT_Int32:
                done = read_blocks<std::int32_t>(w, values);
                break;
            default:
                break;
        }
        if (!done) read_rasterio(w, values);
        fill_valid(w, values, valid);
    }

    bool read_u8(const Window& w, std::uint8_t* values, std::uint8_t* valid) override {
        if (m_type != GDT_Byte) return false;
        if (!read_blocks<std::uint8_t>(w, values)) {
            detail::GdalErrorCapture cap;
            if (GDALRasterIO(m_band, GF_Read, static_cast<int>(w.col0), static_cast<int>(w.row0),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), values,
                             static_cast<int>(w.cols), static_cast<int>(w.rows), GDT_Byte, 0,
                             0) != CE_None)
                read_failed(w, cap);
        }
        fill_valid(w, values, valid);
        return true;
    }

  private:
    // bx, by: the block (tile or strip) that failed, when reading block by block.
    [[noreturn]] void read_failed(const Window& w, const detail::GdalErrorCapture& cap,
                                  std::int64_t bx = -1, std::int64_t by = -1) const {
        const std::string block =
            bx < 0 ? std::string()
                   : fmt::format(" of block {} (block column {}, block row {}, {} x {} cells)",
                                 by * ((m_info.grid.cols() + m_bx - 1) / m_bx) + bx, bx, by, m_bx,
                                 m_by);
        fail(ErrorKind::Io, fmt::format("cannot read raster '{}' band {}: cells of rows {}-{}, "
                                        "columns {}-{}{} are unreadable{}; "
                                        "the file is truncated or corrupt",
                                        m_info.path, m_info.band, w.row0, w.row_end() - 1, w.col0,
                                        w.col_end() - 1, block, detail::gdal_reason(cap)));
    }

    // Reads the window block by block with GDALReadBlock, which bypasses GDAL's block cache: the
    // tile plan reads every block once, so caching would only cost copies and page faults.
    template <class T, class Out>
    bool read_blocks(const Window& w, Out* out) {
        if (m_bx <= 0 || m_by <= 0) return false;
        const std::int64_t bx0 = w.col0 / m_bx, bx1 = (w.col_end() - 1) / m_bx;
        const std::int64_t by0 = w.row0 / m_by, by1 = (w.row_end() - 1) / m_by;
        m_block.resize(static_cast<std::size_t>(m_bx * m_by) * sizeof(T));
        detail::GdalErrorCapture cap;
        for (std::int64_t by = by0; by <= by1; ++by)
            for (std::int64_t bx = bx0; bx <= bx1; ++bx) {
                if (GDALReadBlock(m_band, static_cast<int>(bx), static_cast<int>(by),
                                  m_block.data()) != CE_None)
                    read_failed(Window{bx * m_bx, by * m_by, m_bx, m_by}.intersect(w), cap, bx, by);
                const T* blk = reinterpret_cast<const T*>(m_block.data());
                const std::int64_t r0 = std::max(w.row0, by * m_by),
                                   r1 = std::min(w.row_end(), (by + 1) * m_by);
                const std::int64_t c0 = std::max(w.col0, bx * m_bx),
                                   c1 = std::min(w.col_end(), (bx + 1) * m_bx);
                for (std::int64_t r = r0; r < r1; ++r) {
                    const T* src = blk + (r - by * m_by) * m_bx + (c0 - bx * m_bx);
                    Out* dst = out + (r - w.row0) * w.cols + (c0 - w.col0);
                    for (std::int64_t c = 0; c < c1 - c0; ++c) dst[c] = static_cast<Out>(src[c]);
                }
            }
        return true;
    }

    void read_rasterio(const Window& w, std::int32_t* values) {
        detail::GdalErrorCapture cap;
        const auto n = static_cast<std::size_t>(w.cells());
        CPLErr err;
        if (m_uint32) {
            m_u32.resize(n);
            err =
                GDALRasterIO(m_band, GF_Read, static_cast<int>(w.col0), static_cast<int>(w.row0),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), m_u32.data(),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), GDT_UInt32, 0, 0);
            if (err == CE_None)
                for (std::size_t i = 0; i < n; ++i) {
                    if (m_u32[i] > static_cast<std::uint32_t>(kMaxClassCode))
                        fail(ErrorKind::InvalidInput,
                             fmt::format("raster '{}' holds the class value {} (UInt32) near row "
                                         "{}, column {}, above the largest class code {}: class "
                                         "codes are 32-bit signed integers ({}..{}); recode the "
                                         "classes into that range",
                                         m_info.path, m_u32[i],
                                         w.row0 + static_cast<std::int64_t>(i) / w.cols,
                                         w.col0 + static_cast<std::int64_t>(i) % w.cols,
                                         kMaxClassCode, kMinClassCode, kMaxClassCode));
                    values[i] = static_cast<std::int32_t>(m_u32[i]);
                }
        } else {
            err = GDALRasterIO(m_band, GF_Read, static_cast<int>(w.col0), static_cast<int>(w.row0),
                               static_cast<int>(w.cols), static_cast<int>(w.rows), values,
                               static_cast<int>(w.cols), static_cast<int>(w.rows), GDT_Int32, 0, 0);
        }
        if (err != CE_None) read_failed(w, cap);
    }

    template <class V>
    void fill_valid(const Window& w, const V* values, std::uint8_t* valid) {
        const auto n = static_cast<std::size_t>(w.cells());
        if (m_mask_band) {
            detail::GdalErrorCapture cap;
            GDALRasterBandH mask = GDALGetMaskBand(m_band);
            const CPLErr err =
                GDALRasterIO(mask, GF_Read, static_cast<int>(w.col0), static_cast<int>(w.row0),
                             static_cast<int>(w.cols), static_cast<int>(w.rows), valid,
                             static_cast<int>(w.cols), static_cast<int>(w.rows), GDT_Byte, 0, 0);
            if (err != CE_None)
                fail(ErrorKind::Io,
                     fmt::format("cannot read the mask of raster '{}' at rows {}-{}{}", m_info.path,
                                 w.row0, w.row_end() - 1, detail::gdal_reason(cap)));
            for (std::size_t i = 0; i < n; ++i) valid[i] = valid[i] ? 1 : 0;
        } else if (m_nodata_compare) {
            const auto nd = static_cast<V>(*m_info.nodata);
            for (std::size_t i = 0; i < n; ++i) valid[i] = values[i] != nd;
        } else {
            std::fill(valid, valid + n, std::uint8_t{1});
        }
    }

    const RasterInfo& m_info;
    bool m_uint32, m_nodata_compare, m_mask_band;
    DatasetPtr m_ds;
    GDALRasterBandH m_band = nullptr;
    GDALDataType m_type = GDT_Unknown;
    std::int64_t m_bx = 0, m_by = 0;
    std::vector<std::uint8_t> m_block;
    std::vector<std::uint32_t> m_u32;
};

}  // namespace

std::unique_ptr<GdalRasterSource> GdalRasterSource::open(const std::string& path, int band) {
    detail::GdalErrorCapture cap;
    DatasetPtr ds(open_dataset(path, cap));
    if (!ds) {
        VSIStatBufL st;
        if (VSIStatL(path.c_str(), &st) != 0)
            fail(ErrorKind::Io, fmt::format("cannot open raster '{}': no such file{}", path,
                                            detail::gdal_reason(cap)));
        fail(ErrorKind::Io,
             fmt::format("cannot open raster '{}': GDAL does not recognise it as a raster or it "
                         "is corrupt{}",
                         path, detail::gdal_reason(cap)));
    }
    auto src = std::unique_ptr<GdalRasterSource>(new GdalRasterSource());
    RasterInfo& info = src->m_info;
    info.path = path;
    info.band = band;
    GDALDatasetH h = ds.get();
    const int nbands = GDALGetRasterCount(h);
    if (band < 1 || band > nbands)
        fail(ErrorKind::InvalidInput,
             fmt::format("raster '{}' has {} band(s); " REDLINE_OPTION_VALUE(
                             "band", "{}") " does not exist",
                         path, nbands, band));
    GDALRasterBandH b = GDALGetRasterBand(h, band);
    const GDALDataType dt = GDALGetRasterDataType(b);
    info.data_type = GDALGetDataTypeName(dt);
    switch (dt) {
        case GDT_Byte: {
            // GDAL before 3.7 has no Int8: a signed byte band is Byte with this flag, and reads
            // as 0..255 (a -1 would silently become the class 255).
            const char* pixel = GDALGetMetadataItem(b, "PIXELTYPE", "IMAGE_STRUCTURE");
            if (pixel && std::string(pixel) == "SIGNEDBYTE")
                fail(ErrorKind::Unsupported,
                     fmt::format("raster '{}' band {} holds signed bytes (PIXELTYPE=SIGNEDBYTE), "
                                 "which this GDAL reads as 0..255: convert it with gdal_translate "
                                 "-ot Int16",
                                 path, band));
            break;
        }
        case GDT_Int16:
        case GDT_UInt16:
        case GDT_Int32:
            break;
        case GDT_UInt32:
            src->m_uint32 = true;
            break;
        case GDT_Float32:
        case GDT_Float64:
            fail(ErrorKind::InvalidInput,
                 fmt::format("raster '{}' band {} is {}: a land-use raster must hold integer "
                             "class codes; convert it with gdal_translate -ot Int16 (or Byte) if "
                             "its values are whole numbers",
                             path, band, info.data_type));
        case GDT_Int64:
        case GDT_UInt64:
            fail(ErrorKind::Unsupported,
                 fmt::format("raster '{}' band {} is {}: 64-bit class codes are not supported; "
                             "convert it with gdal_translate -ot Int32",
                             path, band, info.data_type));
        default:
            fail(ErrorKind::InvalidInput,
                 fmt::format("raster '{}' band {} is {}: expected integer class codes (Byte, "
                             "Int16, UInt16, Int32 or UInt32)",
                             path, band, info.data_type));
    }
    double gt[6];
    if (GDALGetGeoTransform(h, gt) != CE_None)
        fail(ErrorKind::InvalidInput,
             fmt::format("raster '{}' has no geotransform, so its cells have no position; "
                         "georeference it (e.g. gdal_translate -a_ullr ... -a_srs ...)",
                         path));
    if (gt[2] != 0.0 || gt[4] != 0.0)
        fail(ErrorKind::Unsupported,
             fmt::format("raster '{}' has a rotated geotransform (terms {} and {}); warp it to a "
                         "north-up grid first (gdalwarp)",
                         path, gt[2], gt[4]));
    // A NaN or absurd origin/cell size (1e300) cannot place a cell: say which raster it is here,
    // before cell indices computed from it overflow (2^50 cells from the CRS origin at most).
    const double far_cells = 1125899906842624.0;
    if (!(std::isfinite(gt[0]) && std::isfinite(gt[1]) && std::isfinite(gt[3]) &&
          std::isfinite(gt[5])) ||
        gt[1] == 0 || gt[5] == 0 || std::abs(gt[0] / gt[1]) > far_cells ||
        std::abs(gt[3] / gt[5]) > far_cells)
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "raster '{}' has an unusable geotransform: origin ({}, {}), cell size ({}, {}); "
                 "expected a finite origin within 2^50 cells of the CRS origin and a non-zero cell "
                 "size; fix its georeferencing (gdal_edit.py -a_ullr ... '{}')",
                 path, gt[0], gt[3], gt[1], gt[5], path));
    const int cols = GDALGetRasterXSize(h), rows = GDALGetRasterYSize(h);
    if (cols <= 0 || rows <= 0)
        fail(ErrorKind::InvalidInput,
             fmt::format("raster '{}' has no cells ({} x {})", path, cols, rows));
    if (gt[1] <= 0)
        fail(ErrorKind::Unsupported,
             fmt::format("raster '{}' has a negative cell width ({}); flip it with gdalwarp", path,
                         gt[1]));
    info.grid = Grid(gt[0], gt[1], gt[3], gt[5], cols, rows);
    OGRSpatialReferenceH srs = GDALGetSpatialRef(h);
    if (!srs)
        fail(ErrorKind::InvalidInput,
             fmt::format("raster '{}' has no CRS, so its cell areas cannot be measured; assign one "
                         "with gdal_edit.py -a_srs EPSG:XXXX '{}'",
                         path, path));
    info.crs_wkt = crs_to_wkt(srs);
    info.crs_label = crs_label_of(info.crs_wkt);
    int bx = 0, by = 0;
    GDALGetBlockSize(b, &bx, &by);
    info.block_cols = bx > 0 ? bx : 256;
    info.block_rows = by > 0 ? by : 256;
    const std::int64_t block_bytes =
        info.block_cols * info.block_rows * GDALGetDataTypeSizeBytes(dt);
    if (block_bytes > kHugeBlockBytes) {
        // Tiles are full-width bands aligned to the blocks (TilePlan::for_blocks); a block that is
        // several tiles tall is decoded once into GDAL's cache and shared by its tiles.
        const std::int64_t cache = std::max<std::int64_t>(256 << 20, 3 * block_bytes);
        if (GDALGetCacheMax64() < cache) GDALSetCacheMax64(cache);
        info.cache_bytes = cache;
        info.read_strategy = fmt::format(
            "blocks of {} x {} cells ({:.0f} MB) read through GDAL's block cache "
            "({:.0f} MB)",
            info.block_cols, info.block_rows, block_bytes / 1048576.0,
            GDALGetCacheMax64() / 1048576.0);
        info.warnings.push_back(
            fmt::format("raster '{}' is stored in blocks of {} x {} cells ({:.0f} MB each){}: "
                        "every block is decoded whole, "
                        "and memory must hold it; rewrite it tiled for speed (gdal_translate -co "
                        "TILED=YES -co COMPRESS=DEFLATE)",
                        path, info.block_cols, info.block_rows, block_bytes / 1048576.0,
                        info.block_rows >= rows ? ", i.e. as one strip" : ""));
    } else {
        info.read_strategy = fmt::format(
            "blocks of {} x {} cells read one by one with GDALReadBlock (no block cache)",
            info.block_cols, info.block_rows);
    }
    GDALDriverH drv = GDALGetDatasetDriver(h);
    const std::string driver = drv ? GDALGetDriverShortName(drv) : "";
    if (driver == "VRT")
        info.read_strategy += "; the VRT's sources are read through GDAL's block cache";
    // One reader per worker thread: GDAL's own decoding threads would only compete with them.
    const char* gdal_threads = CPLGetConfigOption("GDAL_NUM_THREADS", nullptr);
    info.read_strategy +=
        fmt::format("; GDAL block cache max {} MiB; GDAL_NUM_THREADS={}", GDALGetCacheMax64() >> 20,
                    gdal_threads ? gdal_threads : "1 (default)");
    // A GeoTIFF stored as one compressed strip is shown by GDAL as 1-row blocks that it decodes in
    // sequence: each reader (one per worker) decodes the strip from its top to the rows it needs,
    // so the strip is decoded once per worker. Tiles are full-width bands in order, which keeps
    // that to a sequential pass per worker (no quadratic re-reads).
    if (info.block_rows == 1 && rows > 1 && driver == "GTiff" &&
        GDALGetMetadataItem(b, "BLOCK_OFFSET_0_0", "TIFF") &&
        !GDALGetMetadataItem(b, "BLOCK_OFFSET_0_1", "TIFF")) {
        const char* size = GDALGetMetadataItem(b, "BLOCK_SIZE_0_0", "TIFF");
        info.read_strategy += "; the file is one strip, decoded in sequence by each worker";
        info.warnings.push_back(fmt::format(
            "raster '{}' is stored as one strip ({} bytes) that can only be decoded from its "
            "start: every "
            "worker decodes it again up to the rows it reads; rewrite it tiled for speed "
            "(gdal_translate -co TILED=YES -co COMPRESS=DEFLATE)",
            path, size ? size : "?"));
    }

    int has_nd = 0;
    const double nd = GDALGetRasterNoDataValue(b, &has_nd);
    const int mask_flags = GDALGetMaskFlags(b);
    if (has_nd) {
        double lo = 0, hi = 0;
        switch (dt) {
            case GDT_Byte:
                lo = 0, hi = 255;
                break;
            case GDT_Int16:
                lo = -32768, hi = 32767;
                break;
            case GDT_UInt16:
                lo = 0, hi = 65535;
                break;
            case GDT_Int32:
                lo = -2147483648.0, hi = 2147483647.0;
                break;
            default:
                lo = 0, hi = 2147483647.0;
                break;
        }
        if (std::isfinite(nd) && nd == std::floor(nd) && nd >= lo && nd <= hi) {
            info.nodata = static_cast<std::int64_t>(nd);
            src->m_nodata_compare = true;
        } else {
            info.warnings.push_back(fmt::format(
                "raster '{}' declares nodata = {}, which a {} band cannot hold: no cell is "
                "treated as nodata (fix it with gdal_edit.py -a_nodata)",
                path, nd, info.data_type));
        }
    }
    if (!(mask_flags & GMF_ALL_VALID) && !(mask_flags & GMF_NODATA)) {
        src->m_mask_band = true;
        src->m_nodata_compare = false;
        info.has_mask = true;
    }
    return src;
}

std::unique_ptr<RasterReader> GdalRasterSource::open_reader() const {
    return std::make_unique<GdalReader>(m_info, m_uint32, m_nodata_compare, m_mask_band);
}

void set_gdal_cache_bytes(std::int64_t bytes) {
    detail::ensure_gdal_registered();
    GDALSetCacheMax64(bytes);
}

void release_gdal_block_cache() {
    detail::ensure_gdal_registered();
    const GIntBig limit = GDALGetCacheMax64();
    GDALSetCacheMax64(0);  // flushes every cached block
    GDALSetCacheMax64(limit);
    release_free_memory();
}

std::string gdal_version() { return std::string("GDAL ") + GDALVersionInfo("RELEASE_NAME"); }

}  // namespace redline
