#include "redline/core/json_text.hpp"

#include <cmath>

#include "redline/core/number_text.hpp"

namespace redline {
namespace {

void put(std::string& out, const nlohmann::json& j, int indent, int level) {
    using Type = nlohmann::json::value_t;
    const bool pretty = indent >= 0;
    const std::string inner =
        pretty ? std::string(static_cast<std::size_t>(indent) * (level + 1), ' ') : "";
    const std::string outer =
        pretty ? std::string(static_cast<std::size_t>(indent) * level, ' ') : "";
    switch (j.type()) {
        case Type::object: {
            if (j.empty()) {
                out += "{}";
                return;
            }
            out += pretty ? "{\n" : "{";
            bool first = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!first) out += pretty ? ",\n" : ",";
                first = false;
                out += inner;
                out += nlohmann::json(it.key()).dump();
                out += pretty ? ": " : ":";
                put(out, it.value(), indent, level + 1);
            }
            if (pretty) out += "\n" + outer;
            out += "}";
            return;
        }
        case Type::array: {
            if (j.empty()) {
                out += "[]";
                return;
            }
            out += pretty ? "[\n" : "[";
            bool first = true;
            for (const auto& e : j) {
                if (!first) out += pretty ? ",\n" : ",";
                first = false;
                out += inner;
                put(out, e, indent, level + 1);
            }
            if (pretty) out += "\n" + outer;
            out += "]";
            return;
        }
        case Type::number_float: {
            const double v = j.get<double>();
            out += std::isfinite(v) ? format_double(v) : std::string("null");
            return;
        }
        default:
            // strings, integers, booleans, null (and binary values, which outputs never hold)
            out += j.dump();
            return;
    }
}

}  // namespace

std::string json_text(const nlohmann::json& j, int indent) {
    std::string out;
    put(out, j, indent, 0);
    return out;
}

}  // namespace redline
