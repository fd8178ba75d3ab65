#pragma once
// A vector layer as addressed on the command line: PATH[:LAYER].
// The split is at the last colon, and only when what precedes it is an existing file or
// directory, so connection strings such as PG:... and Windows drive letters pass whole.
#include <string>

namespace redline {

struct LayerRef {
    std::string path;   // dataset (file, directory or connection string)
    std::string layer;  // "" = the dataset's only layer
    std::string text;   // as given
    // The layer name as addressed: LAYER when given, else the file's base name without extension.
    std::string label() const;
};

LayerRef parse_layer_ref(const std::string& text);

}  // namespace redline
