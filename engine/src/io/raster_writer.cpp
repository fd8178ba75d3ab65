#include "redline/io/raster_writer.hpp"

#include <fmt/format.h>
#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/io/atomic_file.hpp"

namespace redline {

struct RasterWriter::Impl {
    AtomicFile file;
    RasterWriteSpec spec;
    GDALDataset* ds = nullptr;
    explicit Impl(const std::string& path) : file(path) {}
    ~Impl() {
        if (ds) GDALClose(GDALDataset::ToHandle(ds));
    }
};

RasterWriter::RasterWriter(const std::string& path, const RasterWriteSpec& spec)
    : m_impl(std::make_unique<Impl>(path)) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    m_impl->spec = spec;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GTiff");
    if (!drv) fail(ErrorKind::Unsupported, "this GDAL has no GTiff driver");
    const std::string block = std::to_string(spec.block);
    const std::string zlevel = std::to_string(spec.zlevel);
    CPLStringList opts;
    opts.AddString("TILED=YES");
    opts.AddString(("BLOCKXSIZE=" + block).c_str());
    opts.AddString(("BLOCKYSIZE=" + block).c_str());
    opts.AddString(("COMPRESS=" + spec.compress).c_str());
    if (spec.compress == "DEFLATE") opts.AddString(("ZLEVEL=" + zlevel).c_str());
    opts.AddString("BIGTIFF=IF_SAFER");
    const Grid& g = spec.grid;
    m_impl->ds = drv->Create(m_impl->file.temp_path().c_str(), static_cast<int>(g.cols()),
                             static_cast<int>(g.rows()), 1, GDT_Byte, opts.List());
    if (!m_impl->ds)
        fail(ErrorKind::Io,
             fmt::format("cannot create GeoTIFF '{}'{}", path, detail::gdal_reason(cap)));
    double gt[6] = {g.x0(), g.dx(), 0.0, g.y0(), 0.0, g.dy()};
    m_impl->ds->SetGeoTransform(gt);
    if (!spec.crs_wkt.empty()) {
        OGRSpatialReference srs;
        srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
        if (srs.SetFromUserInput(spec.crs_wkt.c_str()) != OGRERR_NONE)
            fail(ErrorKind::InvalidInput,
                 fmt::format("cannot write '{}': the CRS '{}' is not understood{}", path,
                             spec.crs_wkt, detail::gdal_reason(cap)));
        m_impl->ds->SetSpatialRef(&srs);
    }
    if (spec.nodata) m_impl->ds->GetRasterBand(1)->SetNoDataValue(*spec.nodata);
}

RasterWriter::~RasterWriter() = default;

std::int64_t RasterWriter::blocks_x() const {
    return (m_impl->spec.grid.cols() + m_impl->spec.block - 1) / m_impl->spec.block;
}
std::int64_t RasterWriter::blocks_y() const {
    return (m_impl->spec.grid.rows() + m_impl->spec.block - 1) / m_impl->spec.block;
}

void RasterWriter::write_block(std::int64_t bx, std::int64_t by, const std::uint8_t* cells) {
    detail::GdalErrorCapture cap;
    GDALRasterBand* band = m_impl->ds->GetRasterBand(1);
    if (band->WriteBlock(static_cast<int>(bx), static_cast<int>(by),
                         const_cast<std::uint8_t*>(cells)) != CE_None)
        fail(ErrorKind::Io, fmt::format("cannot write block ({}, {}) of '{}'{} (disk full?)", bx,
                                        by, m_impl->file.target(), detail::gdal_reason(cap)));
}

void RasterWriter::commit() {
    detail::GdalErrorCapture cap;
    GDALDataset* ds = m_impl->ds;
    m_impl->ds = nullptr;
    ds->FlushCache(true);
    GDALClose(GDALDataset::ToHandle(ds));
    if (!cap.messages().empty())
        fail(ErrorKind::Io, fmt::format("cannot finish '{}'{} (disk full?)", m_impl->file.target(),
                                        detail::gdal_reason(cap)));
    m_impl->file.commit();
}

}  // namespace redline
