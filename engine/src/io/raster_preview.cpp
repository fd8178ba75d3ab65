#include "redline/io/raster_preview.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/io/atomic_file.hpp"

namespace redline {

void read_raster_preview(const std::string& path, int band, int cols, int rows,
                         std::vector<std::int32_t>& values, std::vector<std::uint8_t>& valid) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    GDALDatasetH ds =
        GDALOpenEx(path.c_str(), GDAL_OF_RASTER | GDAL_OF_READONLY, nullptr, nullptr, nullptr);
    if (!ds)
        fail(ErrorKind::Io,
             fmt::format("cannot open raster '{}'{}", path, detail::gdal_reason(cap)));
    GDALRasterBandH b = GDALGetRasterBand(ds, band);
    values.assign(static_cast<std::size_t>(cols) * rows, 0);
    valid.assign(values.size(), 1);
    GDALRasterIOExtraArg extra;
    INIT_RASTERIO_EXTRA_ARG(extra);
    extra.eResampleAlg = GRIORA_NearestNeighbour;
    CPLErr err =
        b ? GDALRasterIOEx(b, GF_Read, 0, 0, GDALGetRasterXSize(ds), GDALGetRasterYSize(ds),
                           values.data(), cols, rows, GDT_Int32, 0, 0, &extra)
          : CE_Failure;
    if (err == CE_None) {
        // The validity GDAL's mask band would give (0 or 255 per sampled cell), without decoding
        // the raster a second time when the mask is only "every cell valid" or "value ==
        // nodata" on an integer band (the mask band of a nodata value reads the data again).
        const int flags = GDALGetMaskFlags(b);
        int has_nd = FALSE;
        const double nd = GDALGetRasterNoDataValue(b, &has_nd);
        const GDALDataType t = GDALGetRasterDataType(b);  // types whose values int32 holds
        const char* pixel = GDALGetMetadataItem(b, "PIXELTYPE", "IMAGE_STRUCTURE");
        const bool signed_byte = pixel && std::string(pixel) == "SIGNEDBYTE";
        const bool integer_band =
            (t == GDT_Byte && !signed_byte) || t == GDT_UInt16 || t == GDT_Int16 || t == GDT_Int32;
        if (flags == GMF_ALL_VALID) {
            std::fill(valid.begin(), valid.end(), std::uint8_t{255});
        } else if (flags == GMF_NODATA && has_nd && integer_band && nd == std::floor(nd) &&
                   nd >= -2147483648.0 && nd <= 2147483647.0) {
            const auto v_nd = static_cast<std::int32_t>(nd);
            for (std::size_t i = 0; i < values.size(); ++i) valid[i] = values[i] == v_nd ? 0 : 255;
        } else {
            GDALRasterBandH mask = GDALGetMaskBand(b);
            err =
                GDALRasterIOEx(mask, GF_Read, 0, 0, GDALGetRasterXSize(ds), GDALGetRasterYSize(ds),
                               valid.data(), cols, rows, GDT_Byte, 0, 0, &extra);
        }
    }
    GDALClose(ds);
    if (err != CE_None)
        fail(ErrorKind::Io,
             fmt::format("cannot read a preview of raster '{}'{}", path, detail::gdal_reason(cap)));
}

namespace {

// PNG bytes of a MEM dataset through a private in-memory file (one name per call, so concurrent
// calls do not meet). Closes `ds`.
std::string png_bytes(GDALDatasetH ds, detail::GdalErrorCapture& cap) {
    static std::atomic<unsigned long> serial{0};
    const std::string name = fmt::format("/vsimem/redline_png_{}.png", serial++);
    GDALDatasetH copy = GDALCreateCopy(GDALGetDriverByName("PNG"), name.c_str(), ds, FALSE, nullptr,
                                       nullptr, nullptr);
    GDALClose(ds);
    if (!copy) fail(ErrorKind::Io, fmt::format("cannot encode a PNG{}", detail::gdal_reason(cap)));
    GDALClose(copy);
    vsi_l_offset size = 0;
    GByte* bytes = VSIGetMemFileBuffer(name.c_str(), &size, TRUE);  // TRUE: take ownership
    std::string out(reinterpret_cast<const char*>(bytes), static_cast<std::size_t>(size));
    CPLFree(bytes);
    VSIUnlink((name + ".aux.xml").c_str());
    return out;
}

GDALDatasetH mem_image(const std::vector<std::uint8_t>& pixels, int width, int height, int bands) {
    if (width <= 0 || height <= 0 ||
        pixels.size() != static_cast<std::size_t>(width) * height * bands)
        fail(ErrorKind::Internal, "encode_png: the pixel buffer does not match the image size");
    GDALDriverH mem = GDALGetDriverByName("MEM");
    if (!mem || !GDALGetDriverByName("PNG"))
        fail(ErrorKind::Unsupported, "this GDAL has no PNG driver");
    GDALDatasetH ds = GDALCreate(mem, "", width, height, bands, GDT_Byte, nullptr);
    for (int k = 0; k < bands; ++k) {
        GDALRasterBandH b = GDALGetRasterBand(ds, k + 1);
        if (GDALRasterIO(b, GF_Write, 0, 0, width, height,
                         const_cast<std::uint8_t*>(pixels.data()) + k, width, height, GDT_Byte,
                         bands, bands * width) != CE_None) {
            GDALClose(ds);
            fail(ErrorKind::Internal, "cannot fill the image buffer");
        }
    }
    return ds;
}

}  // namespace

std::string encode_png(const std::vector<std::uint8_t>& pixels, int width, int height, int bands) {
    if (bands != 3 && bands != 4) fail(ErrorKind::Internal, "encode_png: 3 or 4 bands");
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    return png_bytes(mem_image(pixels, width, height, bands), cap);
}

std::string encode_png_palette(const std::vector<std::uint8_t>& index, int width, int height,
                               const std::vector<std::array<std::uint8_t, 4>>& palette) {
    if (palette.empty() || palette.size() > 256)
        fail(ErrorKind::Internal, "encode_png_palette: 1 to 256 colours");
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    GDALDatasetH ds = mem_image(index, width, height, 1);
    GDALColorTableH ct = GDALCreateColorTable(GPI_RGB);
    for (std::size_t i = 0; i < palette.size(); ++i) {
        const GDALColorEntry e{palette[i][0], palette[i][1], palette[i][2], palette[i][3]};
        GDALSetColorEntry(ct, static_cast<int>(i), &e);
    }
    GDALSetRasterColorTable(GDALGetRasterBand(ds, 1), ct);
    GDALDestroyColorTable(ct);
    return png_bytes(ds, cap);
}

void write_png(const std::string& path, const std::vector<std::uint8_t>& rgb, int width,
               int height) {
    const std::string bytes = encode_png(rgb, width, height, 3);
    AtomicFile out(path);
    {
        std::ofstream f(out.temp_path(), std::ios::binary);
        f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!f) fail(ErrorKind::Io, fmt::format("cannot write PNG '{}'", path));
    }
    out.commit();
}

}  // namespace redline
