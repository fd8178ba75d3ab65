#include "redline/io/layer_ref.hpp"

#include <filesystem>

namespace redline {

LayerRef parse_layer_ref(const std::string& text) {
    LayerRef ref;
    ref.text = text;
    ref.path = text;
    const auto pos = text.rfind(':');
    if (pos != std::string::npos && pos > 0) {
        const std::string head = text.substr(0, pos);
        std::error_code ec;
        if (std::filesystem::exists(head, ec) && !std::filesystem::exists(text, ec)) {
            ref.path = head;
            ref.layer = text.substr(pos + 1);
        }
    }
    return ref;
}

std::string LayerRef::label() const {
    if (!layer.empty()) return layer;
    return std::filesystem::path(path).stem().string();
}

}  // namespace redline
