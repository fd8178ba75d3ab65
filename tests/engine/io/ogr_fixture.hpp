#pragma once
// Vector fixtures for io/ tests, written with GDAL/OGR directly (not with the engine's writers):
// a layer of features given as WKT (or none for a null geometry) and field values as text
// (nullopt = NULL), in a GeoPackage, a shapefile or any OGR format.
#include <gdal_priv.h>
#include <gtest/gtest.h>
#include <ogrsf_frmts.h>

#include <optional>
#include <string>
#include <vector>

namespace redline::test {

struct OgrField {
    std::string name;
    OGRFieldType type = OFTString;
};

struct OgrFeature {
    std::optional<std::string> wkt;  // nullopt: no geometry
    std::vector<std::optional<std::string>> values;
};

struct OgrLayerSpec {
    std::string name = "zones";
    int epsg = 4490;  // 0: no CRS
    OGRwkbGeometryType type = wkbMultiPolygon;
    std::vector<OgrField> fields;
    std::vector<OgrFeature> features;
    std::vector<std::string> creation_options;  // e.g. "ENCODING=CP936" for shapefiles
};

// Writes the layers into a new dataset at `path` (driver "GPKG", "ESRI Shapefile", "GeoJSON").
inline void write_ogr(const std::string& path, const std::string& driver,
                      const std::vector<OgrLayerSpec>& layers) {
    GDALAllRegister();
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver.c_str());
    ASSERT_NE(drv, nullptr) << driver;
    GDALDataset* ds = drv->Create(path.c_str(), 0, 0, 0, GDT_Unknown, nullptr);
    ASSERT_NE(ds, nullptr) << path;
    // One transaction where the format has them (a GeoPackage commits each feature otherwise).
    const bool in_transaction = ds->StartTransaction() == OGRERR_NONE;
    for (const auto& spec : layers) {
        OGRSpatialReference* srs = nullptr;
        if (spec.epsg) {
            srs = new OGRSpatialReference();
            srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
            srs->importFromEPSG(spec.epsg);
        }
        CPLStringList lco;
        for (const auto& o : spec.creation_options) lco.AddString(o.c_str());
        OGRLayer* layer = ds->CreateLayer(spec.name.c_str(), srs, spec.type, lco.List());
        if (srs) srs->Release();
        ASSERT_NE(layer, nullptr) << spec.name;
        for (const auto& f : spec.fields) {
            OGRFieldDefn fd(f.name.c_str(), f.type);
            ASSERT_EQ(layer->CreateField(&fd), OGRERR_NONE) << f.name;
        }
        for (const auto& f : spec.features) {
            OGRFeature feat(layer->GetLayerDefn());
            for (std::size_t i = 0; i < f.values.size(); ++i) {
                if (f.values[i])
                    feat.SetField(static_cast<int>(i), f.values[i]->c_str());
                else
                    feat.SetFieldNull(static_cast<int>(i));
            }
            if (f.wkt) {
                OGRGeometry* g = nullptr;
                ASSERT_EQ(OGRGeometryFactory::createFromWkt(f.wkt->c_str(), nullptr, &g),
                          OGRERR_NONE)
                    << *f.wkt;
                feat.SetGeometryDirectly(g);
            }
            ASSERT_EQ(layer->CreateFeature(&feat), OGRERR_NONE);
        }
    }
    if (in_transaction) {
        ASSERT_EQ(ds->CommitTransaction(), OGRERR_NONE);
    }
    GDALClose(GDALDataset::ToHandle(ds));
}

}  // namespace redline::test
