#include "redline/core/option_name.hpp"

namespace redline {
namespace {

constexpr char kOpen = '\x1e';
constexpr char kValue = '\x1d';
constexpr char kFlag = '\x1c';  // after the name: an on/off option
constexpr char kClose = '\x1f';

// The CLI's flag of a parameter name.
std::string cli_flag(std::string_view name) {
    if (name == "matrix_output") return "--matrix";
    if (name == "patches_output") return "--patches";
    if (name == "layers") return "--layer";  // conflicts: --layer once per layer
    std::string s = "--";
    for (char c : name) s += c == '_' ? '-' : c;
    return s;
}

enum class Front { Cli, Python };

std::string render(std::string_view text, Front front) {
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t open = text.find(kOpen, i);
        if (open == std::string_view::npos) break;
        const std::size_t close = text.find(kClose, open + 1);
        if (close == std::string_view::npos) break;
        out.append(text.substr(i, open - i));
        std::string_view body = text.substr(open + 1, close - open - 1);
        bool is_flag = false;
        std::string_view value;
        bool has_value = false;
        if (const std::size_t v = body.find(kValue); v != std::string_view::npos) {
            value = body.substr(v + 1);
            body = body.substr(0, v);
            has_value = true;
        } else if (!body.empty() && body.back() == kFlag) {
            body.remove_suffix(1);
            is_flag = true;
        }
        if (front == Front::Cli) {
            out += cli_flag(body);
            if (has_value) {
                out += ' ';
                out.append(value);
            }
        } else {
            out.append(body);
            out += '=';
            if (has_value)
                out.append(value);
            else if (is_flag)
                out += "True";
        }
        i = close + 1;
    }
    out.append(text.substr(i));
    return out;
}

}  // namespace

std::string option(std::string_view name) {
    std::string s(1, kOpen);
    s.append(name);
    s += kClose;
    return s;
}

std::string option(std::string_view name, std::string_view value) {
    std::string s(1, kOpen);
    s.append(name);
    s += kValue;
    s.append(value);
    s += kClose;
    return s;
}

std::string flag(std::string_view name) {
    std::string s(1, kOpen);
    s.append(name);
    s += kFlag;
    s += kClose;
    return s;
}

std::string with_value(std::string_view option_text, std::string_view value) {
    const bool marker = option_text.size() >= 2 && option_text.front() == kOpen &&
                        option_text.back() == kClose &&
                        option_text.find(kOpen, 1) == std::string_view::npos;
    if (!marker) return std::string(option_text) + ": " + std::string(value);
    std::string_view name = option_text.substr(1, option_text.size() - 2);
    if (!name.empty() && name.back() == kFlag) name.remove_suffix(1);
    return option(name, value);
}

std::string render_for_cli(std::string_view text) { return render(text, Front::Cli); }
std::string render_for_python(std::string_view text) { return render(text, Front::Python); }

std::vector<std::string> render_for_cli(const std::vector<std::string>& texts) {
    std::vector<std::string> out;
    out.reserve(texts.size());
    for (const auto& t : texts) out.push_back(render_for_cli(t));
    return out;
}

}  // namespace redline
