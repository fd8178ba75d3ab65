#include "redline/io/vector_writer.hpp"

#include <cpl_conv.h>
#include <fmt/format.h>
#include <ogrsf_frmts.h>

#include <cmath>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/io/atomic_file.hpp"

namespace redline {
namespace {

constexpr const char* kFixedDate = "2000-01-01T00:00:00.000Z";

OGRLinearRing* ring_of(const Ring& r) {
    auto* ring = new OGRLinearRing();
    ring->setNumPoints(static_cast<int>(r.size()));
    for (std::size_t i = 0; i < r.size(); ++i) ring->setPoint(static_cast<int>(i), r[i].x, r[i].y);
    return ring;
}

// Sets a thread-local GDAL config option for the lifetime of the object.
class ScopedThreadOption {
  public:
    ScopedThreadOption(const char* key, const char* value) : m_key(key) {
        const char* old = CPLGetThreadLocalConfigOption(key, nullptr);
        if (old) m_old = old, m_had = true;
        CPLSetThreadLocalConfigOption(key, value);
    }
    ~ScopedThreadOption() { CPLSetThreadLocalConfigOption(m_key, m_had ? m_old.c_str() : nullptr); }

  private:
    const char* m_key;
    std::string m_old;
    bool m_had = false;
};

}  // namespace

struct VectorWriter::Impl {
    ScopedThreadOption date{"OGR_CURRENT_DATE", kFixedDate};
    AtomicFile file;
    GDALDataset* ds = nullptr;
    OGRLayer* layer = nullptr;
    GeometryKind kind = GeometryKind::None;
    std::size_t fields = 0;
    explicit Impl(const std::string& path) : file(path) {}
    ~Impl() {
        if (ds) GDALClose(GDALDataset::ToHandle(ds));
    }
    void end_layer() {
        if (!layer) return;
        detail::GdalErrorCapture cap;
        if (ds->CommitTransaction() != OGRERR_NONE)
            fail(ErrorKind::Io, fmt::format("cannot write layer '{}' of '{}'{}", layer->GetName(),
                                            file.target(), detail::gdal_reason(cap)));
        layer = nullptr;
    }
};

VectorWriter::VectorWriter(const std::string& path) : m_impl(std::make_unique<Impl>(path)) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
    if (!drv) fail(ErrorKind::Unsupported, "this GDAL has no GeoPackage driver");
    m_impl->ds = drv->Create(m_impl->file.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    if (!m_impl->ds)
        fail(ErrorKind::Io,
             fmt::format("cannot create GeoPackage '{}'{}", path, detail::gdal_reason(cap)));
}

VectorWriter::~VectorWriter() = default;

void VectorWriter::begin_layer(const std::string& name, GeometryKind geometry,
                               const std::string& crs, const std::vector<Column>& fields) {
    m_impl->end_layer();
    detail::GdalErrorCapture cap;
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    if (srs.SetFromUserInput(crs.c_str()) != OGRERR_NONE)
        fail(ErrorKind::InvalidInput, fmt::format("layer '{}': the CRS '{}' is not understood{}",
                                                  name, crs, detail::gdal_reason(cap)));
    OGRwkbGeometryType gt = wkbNone;
    if (geometry == GeometryKind::Polygon)
        gt = wkbMultiPolygon;
    else if (geometry == GeometryKind::Line)
        gt = wkbLineString;
    else
        fail(ErrorKind::Internal, "VectorWriter: only polygon and line layers are supported");
    m_impl->layer = m_impl->ds->CreateLayer(name.c_str(), &srs, gt, nullptr);
    if (!m_impl->layer)
        fail(ErrorKind::Io, fmt::format("cannot create layer '{}' in '{}'{}", name,
                                        m_impl->file.target(), detail::gdal_reason(cap)));
    for (const auto& c : fields) {
        const OGRFieldType ft = c.type == ColumnType::Integer ? OFTInteger64
                                : c.type == ColumnType::Real  ? OFTReal
                                                              : OFTString;
        OGRFieldDefn fd(c.name.c_str(), ft);
        if (m_impl->layer->CreateField(&fd) != OGRERR_NONE)
            fail(ErrorKind::Io,
                 fmt::format("cannot create field '{}' of layer '{}' in '{}'{}", c.name, name,
                             m_impl->file.target(), detail::gdal_reason(cap)));
    }
    m_impl->kind = geometry;
    m_impl->fields = fields.size();
    m_impl->ds->StartTransaction();
}

void VectorWriter::write(const std::vector<Value>& values, const GeometryValue& geometry) {
    if (!m_impl->layer) fail(ErrorKind::Internal, "VectorWriter::write before begin_layer");
    OGRFeature feat(m_impl->layer->GetLayerDefn());
    for (std::size_t i = 0; i < m_impl->fields && i < values.size(); ++i) {
        const Value& v = values[i];
        const int idx = static_cast<int>(i);
        if (const auto* iv = std::get_if<std::int64_t>(&v))
            feat.SetField(idx, static_cast<GIntBig>(*iv));
        else if (const auto* dv = std::get_if<double>(&v)) {
            if (std::isfinite(*dv))
                feat.SetField(idx, *dv);
            else
                feat.SetFieldNull(idx);
        } else if (const auto* sv = std::get_if<std::string>(&v))
            feat.SetField(idx, sv->c_str());
        else
            feat.SetFieldNull(idx);
    }
    if (const auto* mp = std::get_if<MultiPolygon>(&geometry)) {
        if (m_impl->kind != GeometryKind::Polygon)
            fail(ErrorKind::Internal, "VectorWriter: polygon on a line layer");
        auto* g = new OGRMultiPolygon();
        for (const auto& p : mp->polygons) {
            auto* poly = new OGRPolygon();
            for (const auto& r : p.rings) poly->addRingDirectly(ring_of(r));
            g->addGeometryDirectly(poly);
        }
        feat.SetGeometryDirectly(g);
    } else if (const auto* ml = std::get_if<MultiLineString>(&geometry)) {
        if (m_impl->kind != GeometryKind::Line || ml->lines.size() != 1)
            fail(ErrorKind::Internal, "VectorWriter: a line layer takes one line per feature");
        const LineString& l = ml->lines[0];
        auto* ls = new OGRLineString();
        ls->setNumPoints(static_cast<int>(l.size()));
        for (std::size_t i = 0; i < l.size(); ++i)
            ls->setPoint(static_cast<int>(i), l[i].x, l[i].y);
        feat.SetGeometryDirectly(ls);
    }
    detail::GdalErrorCapture cap;
    if (m_impl->layer->CreateFeature(&feat) != OGRERR_NONE)
        fail(ErrorKind::Io,
             fmt::format("cannot write a feature of layer '{}' to '{}'{}", m_impl->layer->GetName(),
                         m_impl->file.target(), detail::gdal_reason(cap)));
}

void VectorWriter::commit() {
    m_impl->end_layer();
    detail::GdalErrorCapture cap;
    GDALDataset* ds = m_impl->ds;
    m_impl->ds = nullptr;
    GDALClose(GDALDataset::ToHandle(ds));
    if (!cap.messages().empty())
        fail(ErrorKind::Io,
             fmt::format("cannot finish '{}'{}", m_impl->file.target(), detail::gdal_reason(cap)));
    m_impl->file.commit();
}

}  // namespace redline
