#pragma once
// Copying a vector dataset (e.g. a GeoPackage made by VectorWriter) into the formats the land
// survey is delivered in, as a whole or not at all:
//  - VectorFormat::FileGdb: an Esri File Geodatabase directory `target` (GDAL's OpenFileGDB
//    driver, which writes from GDAL 3.6), every layer with its name;
//  - VectorFormat::Shapefile: a directory `target` holding LAYER.shp/.shx/.dbf/.prj/.cpg per
//    layer, text in `encoding` (DEFAULT "": UTF-8; "CP936" = GBK, as the survey's shapefiles).
// Written under a temporary directory beside `target` and renamed into place (replacing an
// existing `target`). Throws Error(Io) naming the target, Error(Unsupported) when this GDAL
// cannot write the format.
// Thread-safety: reentrant.
#include <string>

namespace redline {

enum class VectorFormat { FileGdb, Shapefile };

void convert_vector(const std::string& source, const std::string& target, VectorFormat format,
                    const std::string& encoding = "");

}  // namespace redline
