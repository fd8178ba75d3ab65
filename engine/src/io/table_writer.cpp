#include "redline/io/table_writer.hpp"

#include <fmt/format.h>
#include <ogrsf_frmts.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/core/json_text.hpp"
#include "redline/core/number_text.hpp"
#include "redline/core/text.hpp"
#include "redline/io/atomic_file.hpp"

namespace redline {

std::string format_real(double v, int decimals) {
    if (!std::isfinite(v)) return {};
    std::string s = fmt::format("{:.{}f}", v, decimals);
    if (s.size() > 1 && s[0] == '-' && s.find_first_not_of("-0.") == std::string::npos)
        s.erase(0, 1);
    return s;
}

const char* table_format_name(TableFormat f) {
    switch (f) {
        case TableFormat::Csv:
            return ".csv";
        case TableFormat::Json:
            return ".json";
        case TableFormat::Gpkg:
            return ".gpkg";
    }
    return "?";
}

TableFormat table_format_of(const std::string& path, const std::vector<TableFormat>& allowed,
                            const std::string& option) {
    TableFormat f;
    bool known = true;
    if (path.empty() || path == "-") {
        f = TableFormat::Csv;
    } else {
        const std::string ext = text::lower(std::filesystem::path(path).extension().string());
        if (ext == ".csv")
            f = TableFormat::Csv;
        else if (ext == ".json")
            f = TableFormat::Json;
        else if (ext == ".gpkg")
            f = TableFormat::Gpkg;
        else {
            known = false;
            f = TableFormat::Csv;
        }
    }
    bool ok = known;
    if (ok) {
        ok = false;
        for (auto a : allowed) ok = ok || a == f;
    }
    if (!ok) {
        std::vector<std::string> names;
        for (auto a : allowed) names.push_back(table_format_name(a));
        fail(ErrorKind::InvalidInput,
             fmt::format("{} '{}': unsupported output format; use a path ending in {}", option,
                         path, fmt::join(names, ", ")));
    }
    return f;
}

namespace {

// The text of a cell in CSV and JSON alike ("" for missing values and NaN).
std::string cell_text(const Value& v) {
    if (std::holds_alternative<std::monostate>(v)) return {};
    if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&v)) return format_double(*d);
    return std::get<std::string>(v);
}

class FileSink {
  public:
    explicit FileSink(const std::string& path) {
        if (path.empty() || path == "-") {
            m_f = stdout;
        } else {
            m_atomic = std::make_unique<AtomicFile>(path);
            m_f = std::fopen(m_atomic->temp_path().c_str(), "wb");
            if (!m_f)
                fail(ErrorKind::Io,
                     fmt::format("cannot create '{}': {}", path, std::strerror(errno)));
            m_owned = true;
        }
    }
    ~FileSink() {
        if (m_owned && m_f) std::fclose(m_f);
    }
    void put(const std::string& s) {
        if (!m_failed && std::fwrite(s.data(), 1, s.size(), m_f) != s.size()) {
            m_failed = true;
            m_errno = errno;
        }
    }
    // The output as the user named it ("stdout" without a path).
    std::string name() const { return m_atomic ? m_atomic->target() : std::string("stdout"); }
    // Why the first failed write failed (EFBIG under a file-size limit, ENOSPC on a full disk).
    std::string reason() const { return std::strerror(m_errno ? m_errno : errno); }
    void commit() {
        if (std::fflush(m_f) != 0 && !m_failed) {
            m_failed = true;
            m_errno = errno;
        }
        if (m_owned) {
            if (std::fclose(m_f) != 0 && !m_failed) {
                m_failed = true;
                m_errno = errno;
            }
            m_f = nullptr;
        }
        if (m_failed)
            fail(ErrorKind::Io,
                 fmt::format("cannot write '{}': {} (disk full?)", name(), reason()));
        if (m_atomic) m_atomic->commit();
    }
    bool failed() const { return m_failed; }

  private:
    std::FILE* m_f = nullptr;
    bool m_owned = false;
    bool m_failed = false;
    int m_errno = 0;
    std::unique_ptr<AtomicFile> m_atomic;
};

class CsvWriter : public TableWriter {
  public:
    CsvWriter(const std::string& path, const TableSpec& spec) : m_sink(path), m_spec(spec) {
        std::string line;
        for (std::size_t i = 0; i < spec.columns.size(); ++i) {
            if (i) line += ',';
            line += text::csv_escape(spec.columns[i].name);
        }
        line += '\n';
        m_sink.put(line);
    }
    void write(const std::vector<Value>& row, const GeometryValue&) override {
        m_line.clear();
        for (std::size_t i = 0; i < m_spec.columns.size(); ++i) {
            if (i) m_line += ',';
            if (i < row.size()) m_line += text::csv_escape(cell_text(row[i]));
        }
        m_line += '\n';
        m_sink.put(m_line);
        if (m_sink.failed())
            fail(ErrorKind::Io,
                 fmt::format("cannot write '{}': {} (disk full?)", m_sink.name(), m_sink.reason()));
    }
    void add_extra(const std::string&, const nlohmann::json&) override {}
    void commit() override { m_sink.commit(); }

  private:
    FileSink m_sink;
    TableSpec m_spec;
    std::string m_line;
};

class JsonWriter : public TableWriter {
  public:
    JsonWriter(const std::string& path, const TableSpec& spec, const nlohmann::json& meta)
        : m_sink(path), m_spec(spec) {
        nlohmann::json cols = nlohmann::json::array();
        for (const auto& c : spec.columns) cols.push_back(c.name);
        m_sink.put("{\n\"meta\": " + json_text(meta, 1) + ",\n\"columns\": " + cols.dump() +
                   ",\n\"rows\": [");
    }
    void write(const std::vector<Value>& row, const GeometryValue&) override {
        m_line = m_first ? "\n{" : ",\n{";
        m_first = false;
        for (std::size_t i = 0; i < m_spec.columns.size(); ++i) {
            const Column& c = m_spec.columns[i];
            if (i) m_line += ", ";
            m_line += nlohmann::json(c.name).dump();
            m_line += ": ";
            const Value& v = i < row.size() ? row[i] : Value{};
            if (std::holds_alternative<std::monostate>(v)) {
                m_line += "null";
            } else if (std::holds_alternative<std::string>(v)) {
                m_line += nlohmann::json(std::get<std::string>(v)).dump();
            } else {
                const std::string t = cell_text(v);
                m_line += t.empty() ? "null" : t;
            }
        }
        m_line += '}';
        m_sink.put(m_line);
    }
    void add_extra(const std::string& key, const nlohmann::json& value) override {
        m_extras[key] = value;
    }
    void commit() override {
        std::string tail = "\n]";
        for (auto it = m_extras.begin(); it != m_extras.end(); ++it)
            tail += ",\n" + nlohmann::json(it.key()).dump() + ": " + json_text(it.value(), 1);
        tail += "\n}\n";
        m_sink.put(tail);
        m_sink.commit();
    }

  private:
    FileSink m_sink;
    TableSpec m_spec;
    std::string m_line;
    bool m_first = true;
    nlohmann::json m_extras = nlohmann::json::object();
};

OGRLinearRing* make_ring(const Ring& r) {
    auto* ring = new OGRLinearRing();
    ring->setNumPoints(static_cast<int>(r.size()));
    for (std::size_t i = 0; i < r.size(); ++i) ring->setPoint(static_cast<int>(i), r[i].x, r[i].y);
    return ring;
}

class GpkgWriter : public TableWriter {
  public:
    GpkgWriter(const std::string& path, const TableSpec& spec, const nlohmann::json& meta)
        : m_atomic(path), m_spec(spec) {
        detail::ensure_gdal_registered();
        detail::GdalErrorCapture cap;
        GDALDriver* drv = GetGDALDriverManager()->GetDriverByName("GPKG");
        if (!drv) fail(ErrorKind::Unsupported, "this GDAL has no GeoPackage driver");
        m_ds = drv->Create(m_atomic.temp_path().c_str(), 0, 0, 0, GDT_Unknown, nullptr);
        if (!m_ds)
            fail(ErrorKind::Io,
                 fmt::format("cannot create GeoPackage '{}'{}", path, detail::gdal_reason(cap)));
        OGRSpatialReference* srs = nullptr;
        if (spec.geometry != GeometryKind::None && !spec.crs_wkt.empty()) {
            srs = new OGRSpatialReference();
            srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            srs->importFromWkt(spec.crs_wkt.c_str());
        }
        OGRwkbGeometryType gt = wkbNone;
        switch (spec.geometry) {
            case GeometryKind::None:
                gt = wkbNone;
                break;
            case GeometryKind::Polygon:
                gt = wkbMultiPolygon;
                break;
            case GeometryKind::Point:
                gt = wkbPoint;
                break;
            case GeometryKind::Line:
                gt = wkbMultiLineString;
                break;
        }
        m_layer = m_ds->CreateLayer(spec.layer_name.c_str(), srs, gt, nullptr);
        if (srs) srs->Release();
        if (!m_layer)
            fail(ErrorKind::Io, fmt::format("cannot create layer '{}' in '{}'{}", spec.layer_name,
                                            path, detail::gdal_reason(cap)));
        for (const auto& c : spec.columns) {
            OGRFieldType ft = c.type == ColumnType::Integer ? OFTInteger64
                              : c.type == ColumnType::Real  ? OFTReal
                                                            : OFTString;
            OGRFieldDefn fd(c.name.c_str(), ft);
            if (m_layer->CreateField(&fd) != OGRERR_NONE)
                fail(ErrorKind::Io, fmt::format("cannot create field '{}' in '{}'{}", c.name, path,
                                                detail::gdal_reason(cap)));
        }
        m_layer->SetMetadataItem("REDLINE_META", json_text(meta).c_str());
        m_ds->StartTransaction();
    }
    ~GpkgWriter() override {
        if (m_ds) GDALClose(GDALDataset::ToHandle(m_ds));
    }
    void write(const std::vector<Value>& row, const GeometryValue& geometry) override {
        OGRFeature feat(m_layer->GetLayerDefn());
        for (std::size_t i = 0; i < m_spec.columns.size() && i < row.size(); ++i) {
            const Value& v = row[i];
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
            auto* g = new OGRMultiPolygon();
            for (const auto& p : mp->polygons) {
                auto* poly = new OGRPolygon();
                for (const auto& r : p.rings) poly->addRingDirectly(make_ring(r));
                g->addGeometryDirectly(poly);
            }
            feat.SetGeometryDirectly(g);
        } else if (const auto* pt = std::get_if<Point>(&geometry)) {
            feat.SetGeometryDirectly(new OGRPoint(pt->x, pt->y));
        } else if (const auto* ml = std::get_if<MultiLineString>(&geometry)) {
            auto* g = new OGRMultiLineString();
            for (const auto& l : ml->lines) {
                auto* ls = new OGRLineString();
                ls->setNumPoints(static_cast<int>(l.size()));
                for (std::size_t i = 0; i < l.size(); ++i)
                    ls->setPoint(static_cast<int>(i), l[i].x, l[i].y);
                g->addGeometryDirectly(ls);
            }
            feat.SetGeometryDirectly(g);
        }
        detail::GdalErrorCapture cap;
        if (m_layer->CreateFeature(&feat) != OGRERR_NONE)
            fail(ErrorKind::Io, fmt::format("cannot write a row to '{}'{}", m_atomic.target(),
                                            detail::gdal_reason(cap)));
    }
    void add_extra(const std::string& key, const nlohmann::json& value) override {
        m_layer->SetMetadataItem(("REDLINE_" + text::lower(key)).c_str(), json_text(value).c_str());
    }
    void commit() override {
        detail::GdalErrorCapture cap;
        if (m_ds->CommitTransaction() != OGRERR_NONE)
            fail(ErrorKind::Io,
                 fmt::format("cannot write '{}'{}", m_atomic.target(), detail::gdal_reason(cap)));
        GDALClose(GDALDataset::ToHandle(m_ds));
        m_ds = nullptr;
        if (!cap.messages().empty())
            fail(ErrorKind::Io,
                 fmt::format("cannot finish '{}'{}", m_atomic.target(), detail::gdal_reason(cap)));
        m_atomic.commit();
    }

  private:
    AtomicFile m_atomic;
    TableSpec m_spec;
    GDALDataset* m_ds = nullptr;
    OGRLayer* m_layer = nullptr;
};

}  // namespace

std::unique_ptr<TableWriter> TableWriter::open(const std::string& path, const TableSpec& spec,
                                               TableFormat format, const nlohmann::json& meta) {
    switch (format) {
        case TableFormat::Csv:
            return std::make_unique<CsvWriter>(path, spec);
        case TableFormat::Json:
            return std::make_unique<JsonWriter>(path, spec, meta);
        case TableFormat::Gpkg:
            return std::make_unique<GpkgWriter>(path, spec, meta);
    }
    fail(ErrorKind::Internal, "unknown table format");
}

}  // namespace redline
