#include "redline/io/raster_preview.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>

#include <cstdio>
#include <fstream>

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
        GDALRasterBandH mask = GDALGetMaskBand(b);
        err = GDALRasterIOEx(mask, GF_Read, 0, 0, GDALGetRasterXSize(ds), GDALGetRasterYSize(ds),
                             valid.data(), cols, rows, GDT_Byte, 0, 0, &extra);
    }
    GDALClose(ds);
    if (err != CE_None)
        fail(ErrorKind::Io,
             fmt::format("cannot read a preview of raster '{}'{}", path, detail::gdal_reason(cap)));
}

void write_png(const std::string& path, const std::vector<std::uint8_t>& rgb, int width,
               int height) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    AtomicFile out(path);
    GDALDriverH mem = GDALGetDriverByName("MEM");
    GDALDriverH png = GDALGetDriverByName("PNG");
    if (!mem || !png) fail(ErrorKind::Unsupported, "this GDAL has no PNG driver");
    GDALDatasetH ds = GDALCreate(mem, "", width, height, 3, GDT_Byte, nullptr);
    for (int k = 0; k < 3; ++k) {
        GDALRasterBandH b = GDALGetRasterBand(ds, k + 1);
        if (GDALRasterIO(b, GF_Write, 0, 0, width, height,
                         const_cast<std::uint8_t*>(rgb.data()) + k, width, height, GDT_Byte, 3,
                         3 * width) != CE_None) {
            GDALClose(ds);
            fail(ErrorKind::Internal, "cannot fill the image buffer");
        }
    }
    GDALDatasetH copy =
        GDALCreateCopy(png, out.temp_path().c_str(), ds, FALSE, nullptr, nullptr, nullptr);
    GDALClose(ds);
    if (!copy)
        fail(ErrorKind::Io, fmt::format("cannot write PNG '{}'{}", path, detail::gdal_reason(cap)));
    GDALClose(copy);
    std::remove((out.temp_path() + ".aux.xml").c_str());
    out.commit();
}

}  // namespace redline
