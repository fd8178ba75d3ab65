#include "redline/report/report_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "redline/core/base64.hpp"
#include "redline/core/error.hpp"
#include "redline/core/json_text.hpp"
#include "redline/core/sha256.hpp"
#include "redline/io/atomic_file.hpp"
#include "redline/io/raster_preview.hpp"
#include "redline/ops/provenance.hpp"
#include "redline/report/web_map_html.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

std::string grouped(double v, int decimals) {
    if (!std::isfinite(v)) return "n/a";
    std::string s = fmt::format("{:.{}f}", std::fabs(v), decimals);
    const auto dot = s.find('.');
    std::string ip = s.substr(0, dot == std::string::npos ? s.size() : dot);
    const std::string fp = dot == std::string::npos ? "" : s.substr(dot);
    std::string out;
    for (std::size_t i = 0; i < ip.size(); ++i) {
        if (i && (ip.size() - i) % 3 == 0) out += ',';
        out += ip[i];
    }
    return (v < 0 ? "-" : "") + out + fp;
}

std::string unit_label(const std::string& u) {
    return u == "percent" ? "%" : u == "km2" ? "km²" : u == "m2" ? "m²" : u;
}

std::string value_text(const IndicatorResult& r) {
    if (!r.computed) return "not computed";
    return grouped(r.value, 2) + " " + unit_label(r.spec.unit);
}

std::string target_text(const IndicatorResult& r) {
    if (!r.spec.target) return "reported only";
    return fmt::format("{} {} {}", r.spec.comparator == ">=" ? "≥" : "≤",
                       grouped(*r.spec.target, 2), unit_label(r.spec.unit));
}

std::string map_status_text(const IndicatorResult& r) {
    if (!r.computed) return "—";
    if (!r.pass) return "reported";
    return *r.pass ? "PASS" : "FAIL";
}

std::string confidence_text(double c) { return fmt::format("{:g} %", 100.0 * c); }

// With a labelled sample the verdict is the interval's (docs/accuracy.md#in-the-report).
std::string status_text(const IndicatorResult& r) {
    if (!r.computed || !r.estimate || r.estimate->verdict.empty()) return map_status_text(r);
    const std::string& v = r.estimate->verdict;
    return v == "undecided"
               ? "undecided at " + confidence_text(r.estimate->confidence)
               : v + " with " + confidence_text(r.estimate->confidence) + " confidence";
}

std::string status_class(const IndicatorResult& r) {
    if (!r.computed || !r.pass) return "rep";
    if (r.estimate && !r.estimate->verdict.empty())
        return r.estimate->verdict == "met"       ? "pass"
               : r.estimate->verdict == "not met" ? "fail"
                                                  : "und";
    return *r.pass ? "pass" : "fail";
}

bool any_estimate(const ReportResult& r) {
    for (const auto& i : r.indicators)
        if (i.estimate) return true;
    return false;
}

// "24.12 ± 0.93 %": the estimate and its half-width; `none` without an estimate.
std::string interval_text(const IndicatorResult& r, const std::string& none) {
    if (!r.estimate) return none;
    return grouped(r.estimate->value, 2) + " ± " + grouped(r.estimate->half_width, 2) + " " +
           unit_label(r.spec.unit);
}

// "24.12 ± 0.93 % (map value: FAIL)" for an indicator with a sample; "—" without.
std::string estimate_text(const IndicatorResult& r) {
    std::string t = interval_text(r, "—");
    if (r.estimate && r.pass) t += " (map value: " + map_status_text(r) + ")";
    return t;
}

std::string html_escape(const std::string& s) {
    std::string o;
    for (char c : s) {
        switch (c) {
            case '&':
                o += "&amp;";
                break;
            case '<':
                o += "&lt;";
                break;
            case '>':
                o += "&gt;";
                break;
            case '"':
                o += "&quot;";
                break;
            default:
                o += c;
        }
    }
    return o;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary);
    out << text;
    out.close();
    if (!out) fail(ErrorKind::Io, fmt::format("cannot write '{}' (disk full?)", path));
}

// A horizontal bar chart of an indicator's value against its target.
std::string chart_svg(const IndicatorResult& r) {
    if (!r.computed) return "";
    const double v = r.value;
    const double t = r.spec.target.value_or(0.0);
    double hi = std::max({std::fabs(v), std::fabs(t), 1e-12}) * 1.15;
    const int W = 320, H = 34, x0 = 4, bw = W - 8;
    const double bx = std::clamp(v / hi, 0.0, 1.0) * bw;
    const char* colour = !r.pass ? "#5b7db1" : *r.pass ? "#2e9d4f" : "#d0342c";
    std::string s = fmt::format(
        "<svg class=\"bar\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" role=\"img\" "
        "aria-label=\"{} value "
        "against target\">"
        "<rect x=\"{}\" y=\"8\" width=\"{}\" height=\"16\" fill=\"#eeeeee\"/>"
        "<rect x=\"{}\" y=\"8\" width=\"{:.1f}\" height=\"16\" fill=\"{}\"/>",
        W, H, W, H, html_escape(r.spec.id), x0, bw, x0, bx, colour);
    if (r.estimate && std::isfinite(r.estimate->half_width)) {
        const double lo = x0 + std::clamp(r.estimate->low() / hi, 0.0, 1.0) * bw;
        const double up = x0 + std::clamp(r.estimate->high() / hi, 0.0, 1.0) * bw;
        const double ex = x0 + std::clamp(r.estimate->value / hi, 0.0, 1.0) * bw;
        s += fmt::format(
            "<line x1=\"{:.1f}\" y1=\"16\" x2=\"{:.1f}\" y2=\"16\" stroke=\"#f0a020\" "
            "stroke-width=\"3\"/><circle cx=\"{:.1f}\" cy=\"16\" r=\"4\" fill=\"#f0a020\" "
            "stroke=\"#000\"/>",
            lo, up, ex);
    }
    if (r.spec.target) {
        const double tx = x0 + std::clamp(t / hi, 0.0, 1.0) * bw;
        s += fmt::format(
            "<line x1=\"{:.1f}\" y1=\"2\" x2=\"{:.1f}\" y2=\"32\" stroke=\"#000\" "
            "stroke-width=\"2\"/>",
            tx, tx);
    }
    s += "</svg>";
    return s;
}

std::string heat_colour(double v, double max) {
    if (!(v > 0) || !(max > 0)) return "#ffffff";
    const double f = std::log10(1.0 + v) / std::log10(1.0 + max);
    const int g = static_cast<int>(255 - 200 * f), b = static_cast<int>(255 - 230 * f);
    return fmt::format("#ff{:02x}{:02x}", std::clamp(g, 0, 255), std::clamp(b, 0, 255));
}

std::string region_value(const nlohmann::json& v, const std::string& col) {
    if (v.is_null()) return "n/a";
    const double d = v.get<double>();
    if (col.find("patches") != std::string::npos) return grouped(d, 0);
    return grouped(d, 2);
}

std::string markdown(const ReportResult& r) {
    std::string md = fmt::format("# {}\n\nYear {}. Areas are ellipsoidal on CGCS2000 (GRS80).\n\n",
                                 r.title, r.year);
    const bool est = any_estimate(r);
    md += est ? "## Indicators\n\n| indicator | 指标 | value | estimate from the sample | target | "
                "status | margin |\n|---|---|---:|---:|---|---|---:|\n"
              : "## Indicators\n\n| indicator | 指标 | value | target | status | margin "
                "|\n|---|---|---:|---|---|---:|\n";
    for (const auto& i : r.indicators)
        md += fmt::format(
            "| {}{} | {} | {} |{} {} | {} | {} |\n", i.spec.name, i.spec.proxy ? " (proxy)" : "",
            i.spec.name_zh, value_text(i), est ? " " + estimate_text(i) + " |" : std::string(),
            target_text(i), status_text(i),
            i.margin ? grouped(*i.margin, 2) + " " + unit_label(i.spec.unit) : std::string("—"));
    for (const auto& i : r.indicators)
        if (!i.computed) md += fmt::format("\n- `{}`: {}", i.spec.id, i.reason);
    if (!r.land.is_null())
        md += fmt::format(
            "\nLand area (denominator): {} km² computed from the land boundary; the official "
            "rounded "
            "figure is {} km².\n",
            grouped(r.land["computed_km2"].get<double>(), 2),
            grouped(r.land["reference_km2"].get<double>(), 0));
    if (!r.regions.empty()) {
        md += "\n## Regions\n\n| region |";
        for (const auto& c : r.region_columns) md += " " + c + " |";
        md += "\n|---|";
        for (std::size_t i = 0; i < r.region_columns.size(); ++i) md += "---:|";
        md += "\n";
        for (const auto& g : r.regions) {
            md += "| " + g.name + " |";
            for (const auto& c : r.region_columns) md += " " + region_value(g.values[c], c) + " |";
            md += "\n";
        }
    }
    if (!r.change_matrix.is_null()) {
        md +=
            "\n## Land-cover change inside the redline (km², rows: earlier date, columns: later "
            "date)\n\n| from \\ to |";
        for (const auto& n : r.change_matrix["classes"]) md += " " + n.get<std::string>() + " |";
        md += "\n|---|";
        for (std::size_t i = 0; i < r.change_matrix["classes"].size(); ++i) md += "---:|";
        md += "\n";
        for (std::size_t a = 0; a < r.change_matrix["classes"].size(); ++a) {
            md += "| " + r.change_matrix["classes"][a].get<std::string>() + " |";
            for (const auto& v : r.change_matrix["areas_km2"][a])
                md += " " + grouped(v.get<double>(), 2) + " |";
            md += "\n";
        }
    }
    if (r.map.width) md += "\n## Map\n\n![redline and change patches](map.png)\n";
    if (!r.warnings.empty()) {
        md += "\n## Warnings\n\n";
        for (const auto& w : r.warnings) md += "- " + w + "\n";
    }
    return md;
}

// The section on the labelled samples behind the estimates (only when there is one).
std::string accuracy_html(const ReportResult& r) {
    std::string h =
        "<style>.und{color:#222;background:#f0c040;font-weight:bold;text-align:center}</style>\n"
        "<h2>Map accuracy: estimates from labelled samples</h2>\n<p class=\"note\">A map is not "
        "the land: the values above count the map's cells. Where the config attaches a labelled "
        "stratified sample, the indicator is also estimated from the sample's reference labels "
        "with the map's exact stratum areas as weights (Olofsson et al. 2014; Stehman 2014), with "
        "a confidence interval; the status is then the interval's: met (the whole interval meets "
        "the target), not met (none of it does) or undecided (it straddles the target). The "
        "orange bar shows the interval. See docs/accuracy.md.</p>\n"
        "<table><tr><th class=\"l\">indicator</th><th class=\"l\">sample</th><th>units</th>"
        "<th>units in the class</th><th>map overall accuracy</th><th>map value</th>"
        "<th>estimate</th><th>confidence</th><th class=\"l\">design check</th></tr>\n";
    for (const auto& i : r.indicators) {
        if (!i.estimate) continue;
        const nlohmann::json& d = i.estimate->details;
        const nlohmann::json& dc = d["design_check"];
        const std::string oa = d["overall_accuracy"].is_number()
                                   ? grouped(100.0 * d["overall_accuracy"].get<double>(), 1) + " %"
                                   : std::string("n/a");
        const std::string check =
            dc.value("checked", false)
                ? fmt::format("matches the design (seed {}, map digest {}…)",
                              dc["seed"].is_null() ? std::string("?") : dc["seed"].dump(),
                              d["map_digest"].get<std::string>().substr(0, 12))
                : std::string("not checked");
        h += fmt::format(
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td>{}</td><td>{}</td><td>{}</td>"
            "<td>{}</td><td>{}</td><td>{}</td><td class=\"l\">{}</td></tr>\n",
            html_escape(i.spec.id),
            html_escape(fs::path(d["sample"].get<std::string>()).filename().string()),
            d["units"].dump(), d["units_in_domain"].dump(), oa, html_escape(value_text(i)),
            html_escape(interval_text(i, "—")), confidence_text(i.estimate->confidence),
            html_escape(check));
    }
    return h + "</table>\n";
}

std::string html(const ReportResult& r, const std::string& png_b64) {
    std::string h = R"(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>)" +
                    html_escape(r.title) + R"(</title>
<style>
body{font-family:"Noto Sans","Helvetica Neue",Arial,"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif;margin:2em;color:#222;max-width:1300px}
:lang(zh){font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei","WenQuanYi Micro Hei",sans-serif}
h1{font-size:1.6em} h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:0.5em 0} th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}
th{background:#f4f4f4} td.l,th.l{text-align:left} .pass{color:#fff;background:#2e9d4f;font-weight:bold;text-align:center}
.fail{color:#fff;background:#d0342c;font-weight:bold;text-align:center} .rep{background:#e8eef8;text-align:center}
.note{color:#666;font-size:0.9em} .legend span{display:inline-block;width:14px;height:14px;margin:0 4px 0 12px;vertical-align:middle;border:1px solid #999}
img.map{max-width:100%;border:1px solid #999}
</style></head><body>
)";
    h += "<h1>" + html_escape(r.title) + "</h1>\n";
    h += fmt::format(
        "<p class=\"note\">Reporting year {}. Areas are ellipsoidal on CGCS2000 (GRS80), lengths "
        "geodesic; "
        "pass/fail compares unrounded values (equality passes). Proxy indicators come from land "
        "cover "
        "and are not official survey statistics.</p>\n",
        r.year);
    const bool est = any_estimate(r);
    h += "<h2>Indicators</h2>\n<table><tr><th class=\"l\">indicator</th><th "
         "class=\"l\" lang=\"zh-CN\">指标</th><th>value</th>" +
         std::string(est ? "<th>estimate from the sample</th>" : "") +
         "<th>target</th><th>status</th><th>margin</th><th class=\"l\">value against "
         "target</th></tr>\n";
    for (const auto& i : r.indicators) {
        h += fmt::format(
            "<tr><td class=\"l\">{}{}</td><td class=\"l\" "
            "lang=\"zh-CN\">{}</td><td>{}</td>{}<td>{}</td><td "
            "class=\"{}\">{}</td>"
            "<td>{}</td><td class=\"l\">{}</td></tr>\n",
            html_escape(i.spec.name), i.spec.proxy ? " <em>(proxy)</em>" : "",
            html_escape(i.spec.name_zh), html_escape(value_text(i)),
            est ? "<td>" + html_escape(estimate_text(i)) + "</td>" : std::string(),
            html_escape(target_text(i)), status_class(i), html_escape(status_text(i)),
            i.margin ? html_escape(grouped(*i.margin, 2) + " " + unit_label(i.spec.unit)) : "—",
            chart_svg(i));
    }
    h += "</table>\n<p class=\"note\">Bars: value (green pass, red fail, blue reported only); "
         "black line: target.";
    if (est) h += " Orange dot and line: the estimate from the sample and its confidence interval.";
    h += "</p>\n";
    if (est) h += accuracy_html(r);
    for (const auto& i : r.indicators)
        if (!i.computed)
            h += "<p class=\"note\">" + html_escape(i.spec.id + ": " + i.reason) + "</p>\n";
    if (!r.land.is_null())
        h += fmt::format(
            "<p class=\"note\">Land area (denominator): {} km² computed from the land boundary; "
            "the official "
            "rounded figure is {} km².</p>\n",
            grouped(r.land["computed_km2"].get<double>(), 2),
            grouped(r.land["reference_km2"].get<double>(), 0));
    if (r.map.width) {
        h += "<h2>Map: redline and change patches</h2>\n<img class=\"map\" alt=\"map of the "
             "redline and change patches\" "
             "src=\"data:image/png;base64," +
             png_b64 + "\">\n<p class=\"legend\">";
        for (const auto& [c, label] : r.map.legend)
            h += "<span style=\"background:" + c + "\"></span>" + html_escape(label);
        h += "</p>\n";
    }
    if (!r.web_map.is_null()) h += web_map_html(r.web_map);
    if (!r.regions.empty()) {
        h += "<h2>Regions</h2>\n<table><tr><th class=\"l\">region</th>";
        for (const auto& c : r.region_columns) h += "<th>" + html_escape(c) + "</th>";
        h += "</tr>\n";
        for (const auto& g : r.regions) {
            h += "<tr><td class=\"l\">" + html_escape(g.name) + "</td>";
            for (const auto& c : r.region_columns)
                h += "<td>" + region_value(g.values[c], c) + "</td>";
            h += "</tr>\n";
        }
        h += "</table>\n";
    }
    if (!r.change_matrix.is_null()) {
        double mx = 0;
        const auto& cl = r.change_matrix["classes"];
        const auto& m = r.change_matrix["areas_km2"];
        for (std::size_t a = 0; a < cl.size(); ++a)
            for (std::size_t b = 0; b < cl.size(); ++b)
                if (a != b) mx = std::max(mx, m[a][b].get<double>());
        h += "<h2>Land-cover change inside the redline (km²)</h2>\n<p class=\"note\">Rows: earlier "
             "date; columns: later "
             "date; off-diagonal cells shaded by area (log scale); the diagonal (unchanged) is "
             "grey.</p>\n"
             "<table><tr><th class=\"l\">from \\ to</th>";
        for (const auto& n : cl) h += "<th>" + html_escape(n.get<std::string>()) + "</th>";
        h += "</tr>\n";
        for (std::size_t a = 0; a < cl.size(); ++a) {
            h += "<tr><th class=\"l\">" + html_escape(cl[a].get<std::string>()) + "</th>";
            for (std::size_t b = 0; b < cl.size(); ++b) {
                const double v = m[a][b].get<double>();
                const std::string bg = a == b ? "#e6e6e6" : heat_colour(v, mx);
                h += "<td style=\"background:" + bg + "\">" + grouped(v, 2) + "</td>";
            }
            h += "</tr>\n";
        }
        h += "</table>\n";
    }
    h += "<h2>Inputs</h2>\n<table><tr><th class=\"l\">role</th><th class=\"l\">file</th><th "
         "class=\"l\">layer</th>"
         "<th class=\"l\">CRS</th><th class=\"l\">ellipsoid</th><th>bytes</th><th "
         "class=\"l\">SHA-256</th></tr>\n";
    for (const auto& i : r.inputs)
        h += fmt::format(
            "<tr><td class=\"l\">{}</td><td class=\"l\">{}</td><td class=\"l\">{}</td><td "
            "class=\"l\">{}</td>"
            "<td class=\"l\">{}</td><td>{}</td><td class=\"l\"><code>{}</code></td></tr>\n",
            html_escape(i.role), html_escape(fs::path(i.path).filename().string()),
            html_escape(i.layer), html_escape(i.crs), html_escape(i.ellipsoid),
            grouped(static_cast<double>(i.size), 0), i.sha256.substr(0, 16) + "…");
    h += "</table>\n";
    if (!r.warnings.empty()) {
        h += "<h2>Warnings</h2>\n<ul>";
        for (const auto& w : r.warnings) h += "<li>" + html_escape(w) + "</li>";
        h += "</ul>\n";
    }
    h += "<p class=\"note\">Generated by " +
         html_escape(engine_provenance()["engine"].get<std::string>()) +
         "; see manifest.json for digests and versions, and <code>redline report --verify</code> "
         "to reproduce.</p>\n"
         "</body></html>\n";
    return h;
}

}  // namespace

std::string indicator_table_text(const ReportResult& r) {
    std::string out = fmt::format("{}\n", r.title);
    out += fmt::format("{:<26} {:>22} {:>22} {:>10} {:>20}\n", "indicator", "value", "target",
                       "status", "margin");
    if (any_estimate(r)) {
        // With samples: the estimate beside the map value, the status is the interval's.
        out = fmt::format("{}\n{:<26} {:>22} {:>34} {:>22} {:>30} {:>20}\n", r.title, "indicator",
                          "map value", "estimate (sample)", "target", "status", "map margin");
        for (const auto& i : r.indicators) {
            const std::string margin = i.margin ? grouped(*i.margin, 2) : std::string("-");
            const std::string est = interval_text(i, "-");
            out += fmt::format("{:<26} {:>22} {:>34} {:>22} {:>30} {:>20}\n", i.spec.id,
                               value_text(i), est, target_text(i), status_text(i), margin);
        }
        return out;
    }
    for (const auto& i : r.indicators) {
        const std::string margin = i.margin ? grouped(*i.margin, 2) : std::string("-");
        out += fmt::format("{:<26} {:>22} {:>22} {:>10} {:>20}\n", i.spec.id, value_text(i),
                           target_text(i), status_text(i), margin);
    }
    return out;
}

void check_report_dir(const std::string& out_dir) {
    std::error_code ec;
    const fs::path d(out_dir);
    if (!fs::exists(d, ec)) return;
    if (!fs::is_directory(d, ec))
        fail(ErrorKind::InvalidInput,
             fmt::format("report folder '{}' is a file; give a folder (new, empty, or holding an "
                         "earlier report, which is replaced)",
                         out_dir));
    if (fs::is_empty(d, ec)) return;
    bool is_report = false;
    std::ifstream in(d / "manifest.json");
    if (in) {
        try {
            const auto m = nlohmann::json::parse(in);
            is_report = m.is_object() && m.value("command", "") == "report";
        } catch (const nlohmann::json::exception&) {
            is_report = false;
        }
    }
    if (!is_report)
        fail(ErrorKind::InvalidInput,
             fmt::format("report folder '{}' exists and holds no earlier report (no manifest.json "
                         "written by redline report); a report replaces its folder whole, so "
                         "choose a new or empty folder",
                         out_dir));
}

void write_report_dir(const ReportResult& r, const ReportConfig& cfg, const std::string& out_dir,
                      int threads) {
    check_report_dir(out_dir);
    std::vector<std::string> created;  // parent folders made for the report (mkdir -p)
    const std::string tmp = make_temp_dir_beside(out_dir, &created);
    try {
        const fs::path d(tmp);
        write_text((d / "report.json").string(), json_text(r.to_json(), 1) + "\n");
        std::string png_b64;
        if (r.map.width) {
            write_png((d / "map.png").string(), r.map.rgb, r.map.width, r.map.height);
            png_b64 = base64(read_file((d / "map.png").string()));
        }
        write_text((d / "report.md").string(), markdown(r));
        write_text((d / "report.html").string(), html(r, png_b64));
        nlohmann::json inputs = nlohmann::json::array();
        for (const auto& i : r.inputs)
            inputs.push_back({{"role", i.role},
                              {"path", fs::absolute(i.path).lexically_normal().string()},
                              {"layer", i.layer},
                              {"size", i.size},
                              {"sha256", i.sha256},
                              {"crs", i.crs},
                              {"ellipsoid", i.ellipsoid}});
        nlohmann::json outputs = nlohmann::json::array();
        for (const char* f : {"report.json", "report.md", "report.html", "map.png"})
            if (fs::exists(d / f))
                outputs.push_back({{"file", f}, {"sha256", sha256_file_hex((d / f).string())}});
        nlohmann::json indicators = nlohmann::json::object();
        for (const auto& i : r.indicators)
            indicators[i.spec.id] = i.computed ? nlohmann::json(i.value) : nlohmann::json(nullptr);
        nlohmann::json manifest = engine_provenance();
        manifest["manifest_version"] = 1;
        manifest["command"] = "report";
        manifest["config"] = {{"path", fs::absolute(cfg.path()).lexically_normal().string()},
                              {"sha256", sha256_file_hex(cfg.path())}};
        manifest["inputs"] = inputs;
        manifest["options"] = r.options;
        manifest["threads"] = threads;
        manifest["indicators"] = indicators;
        manifest["outputs"] = outputs;
        write_text((d / "manifest.json").string(), json_text(manifest, 1) + "\n");
        commit_directory(tmp, out_dir);
    } catch (const Error& e) {
        // The files are written into a temporary folder beside the target: say which report
        // failed (the temporary's name means nothing to the user) and that nothing was left.
        std::error_code ec;
        fs::remove_all(tmp, ec);
        remove_created_dirs(created);
        fail(e.kind(), fmt::format("cannot write the report '{}' (nothing was written): {}",
                                   out_dir, e.what()));
    } catch (...) {
        std::error_code ec;
        fs::remove_all(tmp, ec);
        remove_created_dirs(created);
        throw;
    }
}

int verify_report(const std::string& manifest_path, const ReportRunOptions& opts,
                  std::ostream& out) {
    std::ifstream in(manifest_path);
    if (!in) fail(ErrorKind::Io, fmt::format("cannot open manifest '{}'", manifest_path));
    nlohmann::json m;
    try {
        m = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        fail(ErrorKind::InvalidInput,
             fmt::format("manifest '{}' is not valid JSON: {}", manifest_path, e.what()));
    }
    if (!m.contains("manifest_version") || !m.contains("config") || !m.contains("indicators"))
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' is not a redline report manifest", manifest_path));
    bool same = true;
    const std::string config_path = m["config"]["path"].get<std::string>();
    std::error_code ec;
    if (!fs::exists(config_path, ec))
        fail(ErrorKind::InvalidInput,
             fmt::format("the manifest's config '{}' no longer exists", config_path));
    if (sha256_file_hex(config_path) != m["config"]["sha256"].get<std::string>()) {
        out << fmt::format("config    {}: CHANGED since the report\n", config_path);
        same = false;
    }
    std::map<std::string, std::string> digests;  // a file serving several roles is hashed once
    for (const auto& i : m["inputs"]) {
        const std::string path = i["path"].get<std::string>();
        auto it = digests.find(path);
        if (it == digests.end())
            it = digests
                     .emplace(path,
                              fs::exists(path, ec) ? sha256_file_hex(path) : std::string("missing"))
                     .first;
        const std::string& now = it->second;
        const bool ok = now == i["sha256"].get<std::string>();
        out << fmt::format("input     {:<22} {}: {}\n", i["role"].get<std::string>(), path,
                           ok ? "unchanged" : "CHANGED");
        same = same && ok;
    }
    const ReportConfig cfg = ReportConfig::load(config_path);
    const ReportResult r = compute_report(cfg, opts);
    for (auto it = m["indicators"].begin(); it != m["indicators"].end(); ++it) {
        const IndicatorResult* found = nullptr;
        for (const auto& i : r.indicators)
            if (i.spec.id == it.key()) found = &i;
        const nlohmann::json now =
            found && found->computed ? nlohmann::json(found->value) : nlohmann::json(nullptr);
        const bool ok = now == it.value();
        out << fmt::format(
            "indicator {:<22} {}{}\n", it.key(), ok ? "identical" : "DIFFERS",
            ok ? "" : fmt::format(" (report: {}, now: {})", json_text(it.value()), json_text(now)));
        same = same && ok;
    }
    const std::string json_now = sha256_hex(json_text(r.to_json(), 1) + "\n");
    std::string json_then;
    for (const auto& o : m["outputs"])
        if (o["file"] == "report.json") json_then = o["sha256"].get<std::string>();
    const bool json_ok = json_now == json_then;
    out << fmt::format("output    report.json: {}\n", json_ok ? "identical bytes" : "DIFFERS");
    same = same && json_ok;
    out << (same ? "verified: the report reproduces bit for bit\n"
                 : "NOT verified: see the lines marked above\n");
    return same ? 0 : 6;
}

}  // namespace redline
