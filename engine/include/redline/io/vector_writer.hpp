#pragma once
// Writing several vector layers into one GeoPackage (e.g. the planning layers of
// `redline synth`). Polygon layers are MultiPolygon; line layers are LineString (one line per
// feature). The file is built under a temporary name beside the target and renamed by
// commit(); destroyed without commit(), it leaves nothing behind. The GeoPackage timestamps
// (gpkg_contents.last_change) are fixed to 2000-01-01T00:00:00Z so that the same features
// give the same bytes.
// Thread-safety: one writer per thread; all calls from the thread that created it.
#include <memory>
#include <string>
#include <vector>

#include "redline/io/table_writer.hpp"

namespace redline {

class VectorWriter {
  public:
    // Creates the GeoPackage; throws Error(Io) naming the path.
    explicit VectorWriter(const std::string& path);
    ~VectorWriter();
    VectorWriter(const VectorWriter&) = delete;
    VectorWriter& operator=(const VectorWriter&) = delete;

    // Starts a new layer (finishing the previous one). `geometry` is Polygon or Line; `crs` is
    // anything OGRSpatialReference::SetFromUserInput accepts (WKT, PROJ string, EPSG:n).
    // Throws Error(Io) / Error(InvalidInput).
    void begin_layer(const std::string& name, GeometryKind geometry, const std::string& crs,
                     const std::vector<Column>& fields);
    // Adds a feature to the current layer: values in field order, a MultiPolygon for polygon
    // layers, a MultiLineString holding one line for line layers.
    void write(const std::vector<Value>& values, const GeometryValue& geometry);
    // Finishes, closes and renames into place. Throws Error(Io).
    void commit();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

}  // namespace redline
