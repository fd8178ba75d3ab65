#pragma once
// Private to io/: how the attribute text of a vector layer is decoded (the policy of
// redline/io/vector_layer.hpp, "Text encoding"), and the errors when it cannot be.
#include <ogrsf_frmts.h>

#include <string>
#include <string_view>
#include <vector>

namespace redline::detail {

struct LayerText {
    std::string layer_text;  // "layer 'x' in 'x.shp'", for messages
    bool shapefile = false;
    std::string dbf;       // the layer's .dbf ("" when not a shapefile or it has none)
    std::string encoding;  // what GDAL decodes from; "" = no recoding (UTF-8 expected)
    std::string why;       // "given by --encoding", "as its .cpg file says", ... (messages)
    bool scanned = false;  // every text value was checked while choosing the encoding
    std::string option;    // the encoding option as messages name it
};

// "--encoding CP936", or "options.encoding: CP936" for an option that is not a command-line one.
std::string option_example(const std::string& option, const std::string& value);

// The ENCODING open option for a shapefile layer whose .dbf is `dbf` ("" = none), chosen from
// `requested` (--encoding), else by detection when the file declares no encoding; `warning` is
// set when the encoding was detected.
struct EncodingChoice {
    std::string open_encoding;
    std::string warning;
    bool scanned = false;
    bool neither = false;  // declares none, and its text is neither UTF-8 nor GB18030
};
EncodingChoice choose_shapefile_encoding(const std::string& dbf, const std::string& requested,
                                         const std::string& option);

// The .dbf of a shapefile layer as GDAL opened it, or "".
std::string dbf_of_layer(GDALDataset* ds, OGRLayer* layer);

// Fills encoding / why from the opened layer (GDAL's SHAPEFILE metadata) and the choice.
void describe_source(LayerText& t, OGRLayer* layer, const std::string& requested,
                     const EncodingChoice& choice);

// Checks the .dbf's bytes strictly against t.encoding when GDAL recodes them: every field name,
// and the values of `fields` (OGR field indices == .dbf field indices). Fails (InvalidInput)
// with fail_undecodable.
void check_dbf_bytes(const LayerText& t, OGRFeatureDefn* defn, const std::vector<int>& fields);

// Fails unless every field name of `defn` is UTF-8.
void check_field_names(const LayerText& t, OGRFeatureDefn* defn);

// InvalidInput: `what` ("the name of field 2", "the value of field 'name' in feature 7") has
// `bytes` that are not valid in the encoding used; says how to fix it.
[[noreturn]] void fail_undecodable(const LayerText& t, const std::string& what,
                                   std::string_view bytes);

}  // namespace redline::detail
