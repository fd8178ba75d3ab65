#include "redline/report/report_config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "redline/core/error.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

const std::set<std::string> kPathInputs = {
    "landcover_t0", "landcover_t1", "redline",   "cropland",           "protected", "urban",
    "permitted",    "land",         "shoreline", "shoreline_mainland", "regions",   "landuse"};
const std::set<std::string> kValueInputs = {"classes", "shoreline_class_field", "regions_id",
                                            "landuse_class_field", "landuse_deduct_field"};
// Indicators of the default set only when the config gives this input.
const std::map<std::string, std::string> kOptionalDefaults = {{"cropland_survey", "landuse"},
                                                              {"ecr_construction_land", "landuse"}};
const std::set<std::string> kListInputs = {"shoreline_natural", "shoreline_estuary",
                                           "shoreline_artificial"};

}  // namespace

std::string ReportConfig::where(const std::string& key) const {
    auto it = m_lines.find(key);
    if (it == m_lines.end()) return fmt::format("config '{}'", m_path);
    return fmt::format("config '{}' line {} ({})", m_path, it->second, key);
}

std::string ReportConfig::input(const std::string& key) const {
    auto it = m_inputs.find(key);
    return it == m_inputs.end() ? std::string() : it->second;
}

std::vector<std::string> ReportConfig::input_list(const std::string& key) const {
    auto it = m_lists.find(key);
    return it == m_lists.end() ? std::vector<std::string>{} : it->second;
}

std::vector<std::pair<std::string, std::string>> ReportConfig::input_files() const {
    std::vector<std::pair<std::string, std::string>> out(m_files.begin(), m_files.end());
    return out;
}

std::pair<std::string, std::string> ReportConfig::resolve_input_path(const std::string& key,
                                                                     const std::string& value,
                                                                     const std::string& at) const {
    // PATH[:LAYER] with PATH relative to the config folder.
    const fs::path base(m_dir);
    std::string file = value, layer;
    const auto colon = value.rfind(':');
    if (colon != std::string::npos && colon > 0) {
        std::error_code ec;
        const fs::path head = base / value.substr(0, colon);
        if (fs::exists(head, ec) && !fs::exists(base / value, ec)) {
            file = value.substr(0, colon);
            layer = value.substr(colon + 1);
        }
    }
    fs::path resolved = fs::path(file).is_absolute() ? fs::path(file) : base / file;
    resolved = resolved.lexically_normal();
    std::error_code ec;
    if (!fs::exists(resolved, ec))
        fail(ErrorKind::InvalidInput,
             fmt::format("{}: input '{}' names '{}', which does not exist (paths are relative to "
                         "the config file's folder '{}')",
                         at, key, value, m_dir));
    if (!m_options.allow_outside_paths) {
        const auto canon = fs::weakly_canonical(resolved, ec).string();
        const auto root = fs::weakly_canonical(base, ec).string();
        if (canon.compare(0, root.size(), root) != 0 ||
            (canon.size() > root.size() && canon[root.size()] != '/'))
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: input '{}' points outside the config's folder ('{}'); keep "
                             "report inputs beside the config, or set options: "
                             "allow_outside_paths: true",
                             at, key, value));
    }
    return {resolved.string(), layer.empty() ? resolved.string() : resolved.string() + ":" + layer};
}

const IndicatorSample* ReportConfig::sample_for(const std::string& indicator_id) const {
    const auto it = m_samples.find(indicator_id);
    return it == m_samples.end() ? nullptr : &it->second;
}

void ReportConfig::load_accuracy(const YAML::Node& node) {
    auto at = [&](const YAML::Node& n) {
        return fmt::format("config '{}' line {}", m_path, n.Mark().line + 1);
    };
    if (!node.IsMap())
        fail(ErrorKind::InvalidInput,
             fmt::format("{}: accuracy must be a mapping of indicator ids to samples", at(node)));
    for (auto it = node.begin(); it != node.end(); ++it) {
        const auto id = it->first.as<std::string>();
        const YAML::Node v = it->second;
        if (id != "forest_coverage" && id != "cropland_cover" && id != "ecr_nature_unchanged")
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: accuracy.{}: a labelled sample can be attached to the "
                             "map-derived indicators only: forest_coverage, cropland_cover, "
                             "ecr_nature_unchanged",
                             at(it->first), id));
        if (!v.IsMap() || !v["sample"])
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: accuracy.{} needs 'sample: PATH' (a labelled `redline sample`)",
                             at(v), id));
        IndicatorSample s;
        for (auto f = v.begin(); f != v.end(); ++f) {
            const auto key = f->first.as<std::string>();
            const YAML::Node x = f->second;
            if (!x.IsScalar())
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: accuracy.{}.{} must be a single value", at(x), id, key));
            if (key == "sample") {
                const std::string name = "accuracy." + id;
                const auto [file, ref] = resolve_input_path(name, x.as<std::string>(), at(x));
                m_files[name] = file;
                m_inputs[name] = ref;
                m_lines[name] = f->first.Mark().line + 1;
                s.sample = ref;
                s.design = file + ".design.json";
                if (fs::exists(s.design)) m_files[name + ".design"] = s.design;
            } else if (key == "reference_field") {
                s.reference_field = x.as<std::string>();
            } else if (key == "stratum_field") {
                s.stratum_field = x.as<std::string>();
            } else if (key == "allow_small" || key == "drop_unlabelled") {
                bool b = false;
                try {
                    b = x.as<bool>();
                } catch (const YAML::Exception&) {
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: accuracy.{}.{} must be true or false", at(x), id, key));
                }
                (key == "allow_small" ? s.allow_small : s.drop_unlabelled) = b;
            } else if (key == "confidence") {
                double c = 0;
                try {
                    c = x.as<double>();
                } catch (const YAML::Exception&) {
                    c = -1;
                }
                if (!(c > 0 && c < 1))
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: accuracy.{}.confidence must be a number in (0, 1), "
                                     "e.g. 0.95",
                                     at(x), id));
                s.confidence = c;
            } else {
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: unknown key '{}' in accuracy.{}; expected sample, "
                                 "reference_field, stratum_field, confidence, allow_small, "
                                 "drop_unlabelled",
                                 at(f->first), key, id));
            }
        }
        m_samples[id] = s;
    }
}

ReportConfig ReportConfig::load(const std::string& path) {
    ReportConfig c;
    c.m_path = path;
    std::ifstream in(path);
    if (!in)
        fail(ErrorKind::Io,
             fmt::format("cannot open report config '{}': no such readable file", path));
    c.m_dir = fs::absolute(fs::path(path)).parent_path().lexically_normal().string();
    YAML::Node doc;
    try {
        doc = YAML::Load(in);
    } catch (const YAML::Exception& e) {
        fail(ErrorKind::InvalidInput,
             fmt::format("config '{}' line {}: {}", path, e.mark.line + 1, e.msg));
    }
    auto at = [&](const YAML::Node& n) {
        return fmt::format("config '{}' line {}", path, n.Mark().line + 1);
    };
    if (!doc.IsMap())
        fail(ErrorKind::InvalidInput,
             fmt::format("config '{}': expected a mapping with version, inputs, ...", path));
    // Any yaml-cpp conversion left unchecked below (a list or mapping where a scalar is expected,
    // as a key or a value) is bad input, not an internal error (found by tests/fuzz/fuzz_config).
    try {
        const std::set<std::string> top = {"version", "title",      "year",    "inputs",
                                           "options", "indicators", "accuracy"};
        for (auto it = doc.begin(); it != doc.end(); ++it) {
            const auto key = it->first.as<std::string>();
            if (!top.count(key))
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: unknown key '{}'; expected version, title, year, inputs, "
                                 "options, indicators, accuracy",
                                 at(it->first), key));
        }
        if (!doc["version"] || doc["version"].as<std::string>() != "1")
            fail(ErrorKind::InvalidInput,
                 fmt::format("config '{}': 'version: 1' is required", path));
        c.m_title =
            doc["title"] ? doc["title"].as<std::string>() : std::string("redline indicator report");
        try {
            c.m_year = doc["year"] ? doc["year"].as<int>() : 0;
        } catch (const YAML::Exception&) {
            fail(ErrorKind::InvalidInput,
                 fmt::format("{}: year must be an integer", at(doc["year"])));
        }

        // options
        if (const YAML::Node o = doc["options"]) {
            if (!o.IsMap())
                fail(ErrorKind::InvalidInput, fmt::format("{}: options must be a mapping", at(o)));
            for (auto it = o.begin(); it != o.end(); ++it) {
                const auto key = it->first.as<std::string>();
                const YAML::Node v = it->second;
                try {
                    if (key == "reproject")
                        c.m_options.reproject = v.as<bool>();
                    else if (key == "make_valid")
                        c.m_options.make_valid = v.as<bool>();
                    else if (key == "mode") {
                        c.m_options.mode = v.as<std::string>();
                        if (c.m_options.mode != "exact" && c.m_options.mode != "centroid")
                            fail(ErrorKind::InvalidInput,
                                 fmt::format("{}: mode must be exact or centroid", at(v)));
                    } else if (key == "mmu_pixels")
                        c.m_options.mmu_pixels = v.as<int>();
                    else if (key == "connectivity")
                        c.m_options.connectivity = v.as<int>();
                    else if (key == "min_overlap_m2")
                        c.m_options.min_overlap_m2 = v.as<double>();
                    else if (key == "land_reference_km2")
                        c.m_options.land_reference_km2 = v.as<double>();
                    else if (key == "allow_outside_paths")
                        c.m_options.allow_outside_paths = v.as<bool>();
                    else if (key == "shoreline_region_snap_m") {
                        c.m_options.shoreline_region_snap_m = v.as<double>();
                        if (!(c.m_options.shoreline_region_snap_m >= 0) ||
                            !std::isfinite(c.m_options.shoreline_region_snap_m))
                            fail(ErrorKind::InvalidInput,
                                 fmt::format("{}: shoreline_region_snap_m must be a distance in "
                                             "metres, 0 or more",
                                             at(v)));
                    } else if (key == "encoding") {
                        c.m_options.encoding = v.as<std::string>();
                        if (!v.IsScalar() || c.m_options.encoding.empty())
                            fail(
                                ErrorKind::InvalidInput,
                                fmt::format("{}: encoding must name a text encoding, e.g. CP936 or "
                                            "GB18030",
                                            at(v)));
                    } else
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{}: unknown option '{}'; options are reproject, "
                                         "make_valid, mode, mmu_pixels, "
                                         "connectivity, min_overlap_m2, land_reference_km2, "
                                         "allow_outside_paths, encoding, "
                                         "shoreline_region_snap_m",
                                         at(it->first), key));
                } catch (const YAML::Exception&) {
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: option '{}' has a value of the wrong type", at(v), key));
                }
            }
            if (c.m_options.connectivity != 4 && c.m_options.connectivity != 8)
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: connectivity must be 4 or 8", at(o["connectivity"])));
            if (c.m_options.mmu_pixels < 1)
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: mmu_pixels must be at least 1", at(o["mmu_pixels"])));
        }

        // inputs
        const YAML::Node inputs = doc["inputs"];
        if (!inputs || !inputs.IsMap())
            fail(ErrorKind::InvalidInput,
                 fmt::format(
                     "config '{}': 'inputs:' (a mapping of input names to paths) is required",
                     path));
        for (auto it = inputs.begin(); it != inputs.end(); ++it) {
            const auto key = it->first.as<std::string>();
            const YAML::Node v = it->second;
            c.m_lines[key] = it->first.Mark().line + 1;
            if (kListInputs.count(key)) {
                std::vector<std::string> list;
                if (v.IsSequence())
                    for (const auto& x : v) list.push_back(x.as<std::string>());
                else
                    list.push_back(v.as<std::string>());
                c.m_lists[key] = list;
                continue;
            }
            if (!kPathInputs.count(key) && !kValueInputs.count(key))
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: unknown input '{}'; inputs are landcover_t0, landcover_t1, "
                                 "classes, redline, "
                                 "cropland, protected, urban, permitted, land, shoreline, "
                                 "shoreline_class_field, "
                                 "shoreline_natural, shoreline_estuary, shoreline_artificial, "
                                 "shoreline_mainland, regions, "
                                 "regions_id, landuse, landuse_class_field, landuse_deduct_field",
                                 at(it->first), key));
            if (!v.IsScalar())
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: input '{}' must be a single value", at(v), key));
            std::string value = v.as<std::string>();
            const bool is_path =
                kPathInputs.count(key) > 0 || (key == "classes" && value != "clcd" &&
                                               value != "worldcover" && value != "globeland30");
            if (!is_path) {
                c.m_inputs[key] = value;
                continue;
            }
            const auto [file_path, ref] = c.resolve_input_path(key, value, at(v));
            c.m_files[key] = file_path;
            c.m_inputs[key] = ref;
        }
        if (!c.has("classes")) c.m_inputs["classes"] = "clcd";
        if (const YAML::Node acc = doc["accuracy"]) c.load_accuracy(acc);

        // indicators
        if (const YAML::Node list = doc["indicators"]) {
            if (!list.IsSequence() || list.size() == 0)
                fail(ErrorKind::InvalidInput,
                     fmt::format("{}: indicators must be a non-empty list", at(list)));
            c.m_explicit = true;
            std::set<std::string> seen;
            for (const auto& item : list) {
                if (!item.IsMap() || !item["id"])
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: each indicator needs an 'id'", at(item)));
                const auto id = item["id"].as<std::string>();
                const IndicatorSpec* base_spec = find_default_indicator(id);
                if (!base_spec) {
                    std::vector<std::string> ids;
                    for (const auto& s : default_indicators()) ids.push_back(s.id);
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: unknown indicator '{}'; known: {}", at(item["id"]), id,
                                     fmt::join(ids, ", ")));
                }
                if (!seen.insert(id).second)
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: indicator '{}' appears twice", at(item), id));
                IndicatorSpec spec = *base_spec;
                for (auto it = item.begin(); it != item.end(); ++it) {
                    const auto key = it->first.as<std::string>();
                    if (key != "id" && key != "target" && key != "unit" && key != "comparator" &&
                        key != "year")
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{}: unknown key '{}' in indicator '{}'; expected target, "
                                         "unit, comparator, year",
                                         at(it->first), key, id));
                }
                if (item["comparator"]) {
                    spec.comparator = item["comparator"].as<std::string>();
                    if (spec.comparator != ">=" && spec.comparator != "<=")
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{}: comparator must be \">=\" or \"<=\"",
                                         at(item["comparator"])));
                }
                if (item["year"]) spec.year = item["year"].as<std::string>();
                if (item["target"]) {
                    double target = 0;
                    try {
                        target = item["target"].as<double>();
                    } catch (const YAML::Exception&) {
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{}: target of '{}' must be a number", at(item["target"]),
                                         id));
                    }
                    const std::string unit =
                        item["unit"] ? item["unit"].as<std::string>() : spec.unit;
                    auto converted = convert_unit(target, unit, spec.unit);
                    if (!converted)
                        fail(ErrorKind::InvalidInput,
                             fmt::format("{}: the target of '{}' is in '{}', which cannot be "
                                         "converted to the indicator's "
                                         "unit '{}' (area units: m2, km2, ha, mu, yi_mu, wan_km2; "
                                         "shares: percent)",
                                         at(item["unit"] ? item["unit"] : item["target"]), id, unit,
                                         spec.unit));
                    spec.target = *converted;
                    if (spec.comparator.empty()) spec.comparator = ">=";
                } else if (item["unit"]) {
                    fail(ErrorKind::InvalidInput,
                         fmt::format("{}: 'unit' is given without a 'target'", at(item["unit"])));
                }
                c.m_indicators.push_back(spec);
            }
        } else {
            for (const auto& spec : default_indicators()) {
                const auto opt = kOptionalDefaults.find(spec.id);
                if (opt == kOptionalDefaults.end() || c.has(opt->second))
                    c.m_indicators.push_back(spec);
            }
        }
    } catch (const YAML::Exception& e) {
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "config '{}'{}: a value of the wrong kind (a list or mapping where a single value "
                 "is "
                 "expected, or the reverse): {}",
                 path, e.mark.is_null() ? std::string() : fmt::format(" line {}", e.mark.line + 1),
                 e.msg));
    }
    for (auto& s : c.m_indicators)
        if (s.year.empty())
            s.year = c.m_year ? std::to_string(c.m_year) : std::string("every year");
    return c;
}

}  // namespace redline
