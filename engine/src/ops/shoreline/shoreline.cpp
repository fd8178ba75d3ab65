#include "redline/ops/shoreline/shoreline.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "redline/core/class_table.hpp"
#include "redline/core/compensated_sum.hpp"
#include "redline/core/error.hpp"
#include "redline/core/fixed_area.hpp"
#include "redline/core/text.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/geom/polygon_locator.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {

const char* shore_class_name(ShoreClass c) {
    switch (c) {
        case ShoreClass::Natural:
            return "natural";
        case ShoreClass::Artificial:
            return "artificial";
        case ShoreClass::Estuary:
            return "estuary";
        case ShoreClass::Unclassified:
            return "unclassified";
    }
    return "?";
}

const std::vector<std::string>& default_natural_values() {
    static const std::vector<std::string> v = {
        "natural",  "bedrock",  "sandy",    "muddy",      "biological", "restored",
        "自然岸线", "基岩岸线", "砂质岸线", "淤泥质岸线", "生物岸线",   "整治修复岸线"};
    return v;
}

const std::vector<std::string>& default_estuary_values() {
    static const std::vector<std::string> v = {"estuary", "河口岸线"};
    return v;
}

bool meets_target(double value, double target) { return value >= target * (1.0 - 1e-12); }

EstuaryRule parse_estuary_rule(const std::string& s) {
    if (s == "total") return EstuaryRule::Total;
    if (s == "natural") return EstuaryRule::Natural;
    if (s == "excluded") return EstuaryRule::Excluded;
    fail(ErrorKind::InvalidInput,
         fmt::format("unknown estuary rule '{}'; use total, natural or excluded", s));
}

const char* estuary_rule_name(EstuaryRule r) {
    switch (r) {
        case EstuaryRule::Total:
            return "total";
        case EstuaryRule::Natural:
            return "natural";
        case EstuaryRule::Excluded:
            return "excluded";
    }
    return "?";
}

double ShorelineTotals::total_m() const {
    return natural_m + artificial_m + (estuary_rule == EstuaryRule::Excluded ? 0.0 : estuary_m);
}

double ShorelineTotals::share_percent() const {
    const double t = total_m();
    const double nat = natural_m + (estuary_rule == EstuaryRule::Natural ? estuary_m : 0.0);
    return t > 0 ? 100.0 * nat / t : std::numeric_limits<double>::quiet_NaN();
}

namespace {

constexpr double kTieTolerance = 1e-9;  // relative, for the 50 % rule's ties

struct TotalSums {
    CompensatedSum natural, artificial, estuary, unclassified, island;
    void add(ShoreClass k, bool mainland, double len) {
        if (!mainland) {
            island.add(len);
            return;
        }
        switch (k) {
            case ShoreClass::Natural:
                natural.add(len);
                break;
            case ShoreClass::Artificial:
                artificial.add(len);
                break;
            case ShoreClass::Estuary:
                estuary.add(len);
                break;
            case ShoreClass::Unclassified:
                unclassified.add(len);
                break;
        }
    }
    ShorelineTotals value() const {
        ShorelineTotals t;
        t.natural_m = natural.value();
        t.artificial_m = artificial.value();
        t.estuary_m = estuary.value();
        t.unclassified_m = unclassified.value();
        t.island_m = island.value();
        return t;
    }
};

std::string norm(const std::string& s) { return text::lower(text::trim(s)); }

void check_positive(double v, const char* option, bool allow_zero = false) {
    if (!(allow_zero ? v >= 0 : v > 0) || !std::isfinite(v))
        fail(ErrorKind::InvalidInput,
             fmt::format("{} must be a {} number of metres, got {}", option,
                         allow_zero ? "non-negative" : "positive", v));
}

// Raster classification tables shared by the workers (read-only).
struct RasterModel {
    const RasterSource* source = nullptr;
    Grid grid;
    std::unique_ptr<CellAreaModel> areas;
    std::unordered_map<std::int32_t, std::uint8_t> kind;  // 1 other, 2 artificial; absent: unknown
    std::vector<std::int64_t> nodata_codes;
    double cell_m = 30;  // typical cell size in metres (chunk sizing)

    // 0 nodata or unknown, 1 other, 2 artificial.
    std::uint8_t kind_of(std::int32_t v, std::uint8_t valid,
                         std::set<std::int64_t>* unknown) const {
        if (!valid) return 0;
        auto it = kind.find(v);
        if (it != kind.end()) return it->second;
        if (unknown && std::find(nodata_codes.begin(), nodata_codes.end(), v) == nodata_codes.end())
            unknown->insert(v);
        return 0;
    }
};

struct Chunk {
    std::size_t feature = 0, part = 0;
    std::size_t k0 = 0, k1 = 0, n = 0;  // base pieces [k0, k1) of n
};

struct PieceOut {
    double s0 = 0, s1 = 0;
    ShoreClass klass = ShoreClass::Natural;
    bool mainland = true;
    int region = -1;
    Side side = Side::Left;
    bool side_from_mainland = false;
    double artificial_percent = std::numeric_limits<double>::quiet_NaN();
    double valid_percent = std::numeric_limits<double>::quiet_NaN();
    LineString geometry;
};

struct ChunkOut {
    std::vector<PieceOut> pieces;
    std::set<std::int64_t> unknown_codes;
    std::size_t side_fallbacks = 0;
};

struct Worker {
    LineMeasurer meas;
    SideBuffer buffer;
    std::optional<PolygonLocator> mainland;
    std::vector<PolygonLocator> regions;
    std::unique_ptr<RasterReader> reader;
    CoverageRasterizer rast{CoverageMode::Exact};
    Window win;
    std::vector<std::int32_t> values;
    std::vector<std::uint8_t> valid;
    std::vector<std::int64_t> area_units;

    Worker(const std::string& wkt, double densify_m) : meas(wkt, densify_m) {}
};

// Unit tangent (local metres) of the line at position s; (1, 0) for a degenerate line.
Point tangent_at(const MeasuredLine& ml, double s, const LocalMetric& m) {
    if (ml.xy.size() < 2) return Point{1, 0};
    std::size_t e = ml.edge_at(s);
    auto dir = [&](std::size_t k) {
        const Point a = ml.xy[k], b = ml.xy[k + 1];
        const double dx = b.x - a.x, dy = b.y - a.y;
        return Point{m.j[0] * dx + m.j[1] * dy, m.j[2] * dx + m.j[3] * dy};
    };
    // Skip zero-length edges, forwards then backwards.
    for (std::size_t k = e; k + 1 < ml.xy.size(); ++k) {
        const Point t = dir(k);
        const double len = std::hypot(t.x, t.y);
        if (len > 0) return Point{t.x / len, t.y / len};
    }
    for (std::size_t k = e; k-- > 0;) {
        const Point t = dir(k);
        const double len = std::hypot(t.x, t.y);
        if (len > 0) return Point{t.x / len, t.y / len};
    }
    return Point{1, 0};
}

Point left_normal(const Point& t) { return Point{-t.y, t.x}; }

class Engine {
  public:
    Engine(const ShorelineRequest& req, const ShorelineInputs& in) : m_req(req), m_in(in) {}

    ShorelineReport run();

  private:
    void validate_options();
    void classify_values();
    void build_raster_model();
    void measure_features();
    std::vector<Chunk> make_chunks() const;
    Worker& worker();
    ChunkOut process(const Chunk& c);
    void locate(Worker& w, const MeasuredLine& ml, double s0, double s1, PieceOut& base,
                ChunkOut& out);
    void classify_raster(Worker& w, const MeasuredLine& ml, double s0, double s1,
                         const LocalMetric& metric, const PieceOut& base, ChunkOut& out);
    void read_window(Worker& w, const Window& win);
    // Int128 sums of (coverage x area units) over the strip: total, valid, artificial.
    void strip_areas(Worker& w, const MultiPolygon& strip, double& total_m2, double& valid_m2,
                     double& artificial_m2, std::set<std::int64_t>& unknown);

    const ShorelineRequest& m_req;
    const ShorelineInputs& m_in;
    bool m_raster = false;
    std::vector<ShoreClass> m_feature_class;  // attribute mode
    std::vector<std::string> m_artificial_by_default;
    RasterModel m_rm;
    std::vector<std::int64_t> m_artificial_codes;
    std::vector<std::vector<MeasuredLine>> m_measured;
    std::unique_ptr<tbb::enumerable_thread_specific<std::unique_ptr<Worker>>> m_workers;
    std::vector<std::string> m_warnings;
};

void Engine::validate_options() {
    check_positive(m_req.piece_m, "--piece-m");
    check_positive(m_req.densify_m, "--densify");
    check_positive(m_req.snap_m, "--snap-m", true);
    check_positive(m_req.by_snap_m, "--by-snap-m", true);
    if (m_raster) check_positive(m_req.buffer_m, "--buffer-m");
    if (!(m_req.target_percent >= 0 && m_req.target_percent <= 100))
        fail(ErrorKind::InvalidInput,
             fmt::format("--target must be a percentage between 0 and 100, got {}",
                         m_req.target_percent));
    if (m_in.lines.size() != m_in.fids.size() && !m_in.fids.empty())
        fail(ErrorKind::Internal, "shoreline inputs: fids and lines differ in length");
    if (m_in.region_names.size() != m_in.regions.size())
        fail(ErrorKind::Internal, "shoreline inputs: region names and polygons differ in length");
}

void Engine::classify_values() {
    // value (normalised) -> class, from the three lists; a value in two lists is an error.
    std::map<std::string, ShoreClass> klass;
    std::map<std::string, std::string> source;
    auto add = [&](const std::vector<std::string>& vals, ShoreClass k, const char* option) {
        for (const auto& v : vals) {
            const std::string key = norm(v);
            if (key.empty()) continue;
            auto [it, inserted] = klass.emplace(key, k);
            if (!inserted && it->second != k)
                fail(
                    ErrorKind::InvalidInput,
                    fmt::format("value '{}' is listed both in {} and in {}; a value belongs to one "
                                "class only",
                                v, source[key], option));
            source[key] = option;
        }
    };
    add(m_req.natural_values, ShoreClass::Natural, "--natural");
    add(m_req.estuary_values, ShoreClass::Estuary, "--estuary");
    add(m_req.artificial_values, ShoreClass::Artificial, "--artificial");
    const bool explicit_artificial = !m_req.artificial_values.empty();

    if (m_in.values.size() != m_in.lines.size())
        fail(ErrorKind::Internal, "shoreline inputs: one class value per feature is needed");
    std::vector<std::string> missing, unknown;
    std::set<std::string> unknown_seen, default_seen;
    m_feature_class.resize(m_in.lines.size());
    for (std::size_t i = 0; i < m_in.lines.size(); ++i) {
        const std::string& raw = m_in.values[i];
        const std::string key = norm(raw);
        const std::int64_t fid = m_in.fids.empty() ? static_cast<std::int64_t>(i) : m_in.fids[i];
        if (key.empty()) {
            missing.push_back(std::to_string(fid));
            continue;
        }
        auto it = klass.find(key);
        if (it != klass.end()) {
            m_feature_class[i] = it->second;
        } else if (explicit_artificial) {
            if (unknown_seen.insert(raw).second) unknown.push_back("'" + raw + "'");
        } else {
            m_feature_class[i] = ShoreClass::Artificial;
            if (default_seen.insert(raw).second) m_artificial_by_default.push_back(raw);
        }
    }
    if (!missing.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "layer '{}': {} feature(s) have no value in --class-field '{}' (feature ids "
                 "{}); fill the field so that every shoreline piece has a class",
                 m_in.lines_label, missing.size(), m_req.class_field, text::join_limited(missing)));
    if (!unknown.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format(
                 "layer '{}': --class-field '{}' has value(s) in none of --natural, --estuary "
                 "and --artificial: {}; add them to one of the lists (or omit --artificial "
                 "to count every other value as artificial)",
                 m_in.lines_label, m_req.class_field, text::join_limited(unknown)));
}

void Engine::build_raster_model() {
    const RasterInfo& info = m_in.raster->info();
    m_rm.source = m_in.raster;
    m_rm.grid = info.grid;
    const ClassTable table =
        ClassTable::load(m_req.classes.empty() ? std::string("clcd") : m_req.classes);
    // Artificial codes: codes or group names of the table; DEFAULT the built_up group.
    std::set<std::int64_t> art;
    if (m_req.artificial_classes.empty()) {
        for (auto c : table.codes_of("built_up")) art.insert(c);
        if (art.empty())
            fail(ErrorKind::InvalidInput,
                 fmt::format("class table '{}' has no class in group built_up; name the artificial "
                             "classes with --artificial-classes",
                             table.id()));
    } else {
        std::vector<std::string> known;
        for (const auto& [code, ci] : table.classes())
            known.push_back(fmt::format("{} {}", code, ci.name));
        for (const auto& tok0 : m_req.artificial_classes) {
            const std::string tok = text::trim(tok0);
            if (tok.empty()) continue;
            if (auto code = text::parse_int(tok)) {
                if (!table.name_of(*code))
                    fail(ErrorKind::InvalidInput,
                         fmt::format(
                             "--artificial-classes: code {} is not a class of table '{}'; its "
                             "classes are: {}",
                             *code, table.id(), text::join_limited(known, 40)));
                art.insert(*code);
            } else if (ClassTable::is_group(tok)) {
                for (auto c : table.codes_of(tok)) art.insert(c);
            } else {
                fail(
                    ErrorKind::InvalidInput,
                    fmt::format("--artificial-classes: '{}' is neither a class code nor a group of "
                                "table '{}'; give codes ({}) or groups ({})",
                                tok, table.id(), text::join_limited(known, 40),
                                fmt::join(ClassTable::group_names(), ", ")));
            }
        }
    }
    m_artificial_codes.assign(art.begin(), art.end());
    m_rm.nodata_codes = table.nodata_codes();
    for (const auto& [code, ci] : table.classes()) {
        if (std::find(m_rm.nodata_codes.begin(), m_rm.nodata_codes.end(), code) !=
            m_rm.nodata_codes.end())
            continue;
        if (code < INT32_MIN || code > INT32_MAX) continue;
        m_rm.kind[static_cast<std::int32_t>(code)] = art.count(code) ? 2 : 1;
    }
    m_rm.areas = std::make_unique<CellAreaModel>(
        CellAreaModel::build(info.grid, info.crs_wkt, m_req.threads));
    for (const auto& w : m_rm.areas->warnings()) m_warnings.push_back(w);
    for (const auto& w : info.warnings) m_warnings.push_back(w);
    // Typical cell size in metres, at the grid centre (only sizes chunks; never changes results).
    try {
        LineMeasurer lm(info.crs_wkt, m_req.densify_m);
        const Box e = info.grid.extent();
        const LocalMetric m = lm.metric_at(Point{(e.xmin + e.xmax) / 2, (e.ymin + e.ymax) / 2});
        m_rm.cell_m = std::min(m.metres(info.grid.dx(), 0), m.metres(0, info.grid.dy()));
    } catch (const Error&) {
        m_rm.cell_m = 30;
    }
    if (!(m_rm.cell_m > 0) || !std::isfinite(m_rm.cell_m)) m_rm.cell_m = 30;
}

void Engine::measure_features() {
    const std::size_t n = m_in.lines.size();
    m_measured.resize(n);
    tbb::enumerable_thread_specific<std::unique_ptr<LineMeasurer>> meas;
    run_ordered<std::vector<MeasuredLine>>(
        n, m_req.threads,
        [&](std::size_t i) {
            auto& lm = meas.local();
            if (!lm) lm = std::make_unique<LineMeasurer>(m_in.crs_wkt, m_req.densify_m);
            std::vector<MeasuredLine> parts;
            for (const auto& line : m_in.lines[i].lines) {
                try {
                    parts.push_back(lm->measure(line));
                } catch (const Error& e) {
                    const std::int64_t fid =
                        m_in.fids.empty() ? static_cast<std::int64_t>(i) : m_in.fids[i];
                    fail(e.kind(), fmt::format("feature {} of layer '{}': {}", fid,
                                               m_in.lines_label, e.what()));
                }
            }
            return parts;
        },
        [&](std::size_t i, std::vector<MeasuredLine>&& parts) { m_measured[i] = std::move(parts); },
        m_req.cancel);
}

std::vector<Chunk> Engine::make_chunks() const {
    // Chunk = consecutive base pieces of one part; its size depends on the data only.
    std::size_t per_chunk = 256;
    if (m_raster) {
        const double k = std::floor(2000.0 * m_rm.cell_m / m_req.piece_m);
        per_chunk = static_cast<std::size_t>(std::clamp(k, 1.0, 64.0));
    }
    std::vector<Chunk> chunks;
    for (std::size_t f = 0; f < m_measured.size(); ++f)
        for (std::size_t p = 0; p < m_measured[f].size(); ++p) {
            const double len = m_measured[f][p].length_m();
            if (!(len > 0)) continue;
            const double pieces = std::ceil(len / m_req.piece_m);
            if (pieces > 1e9)
                fail(ErrorKind::InvalidInput,
                     fmt::format("feature part is {} m long: too many pieces of --piece-m {} m",
                                 len, m_req.piece_m));
            const auto n = std::max<std::size_t>(1, static_cast<std::size_t>(pieces));
            for (std::size_t k = 0; k < n; k += per_chunk)
                chunks.push_back(Chunk{f, p, k, std::min(n, k + per_chunk), n});
        }
    return chunks;
}

Worker& Engine::worker() {
    auto& slot = m_workers->local();
    if (!slot) {
        slot = std::make_unique<Worker>(m_in.crs_wkt, m_req.densify_m);
        if (m_in.mainland) slot->mainland.emplace(*m_in.mainland);
        slot->regions.reserve(m_in.regions.size());
        for (const auto& r : m_in.regions) slot->regions.emplace_back(r);
        if (m_raster) slot->reader = m_in.raster->open_reader();
    }
    return *slot;
}

void Engine::locate(Worker& w, const MeasuredLine& ml, double s0, double s1, PieceOut& base,
                    ChunkOut& out) {
    base.side = m_req.land_side;
    if (!m_raster && !w.mainland && w.regions.empty()) {
        // Attribute classes only: nothing to locate.
        PieceOut p = base;
        p.s0 = s0;
        p.s1 = s1;
        out.pieces.push_back(std::move(p));
        return;
    }
    const double smid = 0.5 * (s0 + s1);
    const Point mid = ml.point_at(smid);
    const LocalMetric metric = w.meas.metric_at(mid);
    if (w.mainland) {
        const PolygonLocator& ml_loc = *w.mainland;
        const double smin = metric.min_scale(), smax = metric.max_scale();
        bool near = false;
        if (ml_loc.boundary_within(mid, m_req.snap_m / smin)) {
            if (ml_loc.boundary_within(mid, m_req.snap_m / smax)) {
                near = true;
            } else {
                const Point q = ml_loc.nearest_boundary_point(mid);
                near = metric.metres(q.x - mid.x, q.y - mid.y) <= m_req.snap_m;
            }
        }
        base.mainland = near;
        if (near) {
            const Point q = ml_loc.nearest_boundary_point(mid);
            const double delta = metric.metres(q.x - mid.x, q.y - mid.y);
            const Point n = left_normal(tangent_at(ml, smid, metric));
            bool decided = false;
            for (int k = 0; k <= 6 && !decided; ++k) {
                const double d = delta + std::ldexp(1.0, k);
                const bool in_left = ml_loc.covers(metric.to_crs(Point{n.x * d, n.y * d}));
                const bool in_right = ml_loc.covers(metric.to_crs(Point{-n.x * d, -n.y * d}));
                if (in_left != in_right) {
                    base.side = in_left ? Side::Left : Side::Right;
                    base.side_from_mainland = true;
                    decided = true;
                }
            }
            if (!decided) ++out.side_fallbacks;
        }
    }
    if (!w.regions.empty()) {
        int found = -1;
        for (std::size_t i = 0; i < w.regions.size() && found < 0; ++i)
            if (w.regions[i].covers(mid)) found = static_cast<int>(i);
        if (found < 0 && m_req.by_snap_m > 0) {
            const double r_units = m_req.by_snap_m / metric.min_scale();
            double best = std::numeric_limits<double>::infinity();
            for (std::size_t i = 0; i < w.regions.size(); ++i) {
                if (!w.regions[i].boundary_within(mid, r_units)) continue;
                const Point q = w.regions[i].nearest_boundary_point(mid);
                const double d = metric.metres(q.x - mid.x, q.y - mid.y);
                if (d <= m_req.by_snap_m && d < best) {
                    best = d;
                    found = static_cast<int>(i);
                }
            }
        }
        base.region = found;
    }
    if (m_raster) {
        classify_raster(w, ml, s0, s1, metric, base, out);
    } else {
        PieceOut p = base;
        p.s0 = s0;
        p.s1 = s1;
        out.pieces.push_back(std::move(p));
    }
}

void Engine::read_window(Worker& w, const Window& win) {
    w.win = win;
    const auto n = static_cast<std::size_t>(win.cells());
    w.values.resize(n);
    w.valid.resize(n);
    if (n) w.reader->read(win, w.values.data(), w.valid.data());
}

void Engine::strip_areas(Worker& w, const MultiPolygon& strip, double& total_m2, double& valid_m2,
                         double& artificial_m2, std::set<std::int64_t>& unknown) {
    total_m2 = valid_m2 = artificial_m2 = 0;
    if (strip.empty()) return;
    static const std::vector<std::string> kName = {"strip"};
    const ZoneSet zs(m_rm.grid, {strip}, kName);
    const Window zw = zs.zone(0).window;
    if (zw.empty()) return;
    const bool inside = zw.col0 >= w.win.col0 && zw.col_end() <= w.win.col_end() &&
                        zw.row0 >= w.win.row0 && zw.row_end() <= w.win.row_end();
    // A strip outside the chunk's window (sharp bends of long edges): read its own window.
    std::vector<std::int32_t> own_values;
    std::vector<std::uint8_t> own_valid;
    const std::int32_t* values = w.values.data();
    const std::uint8_t* valid = w.valid.data();
    Window src = w.win;
    if (!inside) {
        own_values.resize(static_cast<std::size_t>(zw.cells()));
        own_valid.resize(static_cast<std::size_t>(zw.cells()));
        w.reader->read(zw, own_values.data(), own_valid.data());
        values = own_values.data();
        valid = own_valid.data();
        src = zw;
    }
    w.rast.rasterize(zs, 0, zw);
    Int128 total = 0, good = 0, art = 0;
    w.area_units.resize(static_cast<std::size_t>(zw.cols));
    for (std::int64_t r = 0; r < zw.rows; ++r) {
        const std::int64_t* cov = w.rast.row(r);
        const std::int64_t row = zw.row0 + r;
        m_rm.areas->cell_area_units(row, zw.col0, zw.cols, w.area_units.data());
        const std::size_t base =
            static_cast<std::size_t>((row - src.row0) * src.cols + (zw.col0 - src.col0));
        for (std::int64_t c = 0; c < zw.cols; ++c) {
            if (cov[c] <= 0) continue;
            const Int128 a =
                static_cast<Int128>(cov[c]) * w.area_units[static_cast<std::size_t>(c)];
            total += a;
            const std::size_t idx = base + static_cast<std::size_t>(c);
            const std::uint8_t k = m_rm.kind_of(values[idx], valid[idx], &unknown);
            if (k > 0) good += a;
            if (k == 2) art += a;
        }
    }
    const AreaScale& sc = m_rm.areas->scale();
    total_m2 = sc.to_m2(total);
    valid_m2 = sc.to_m2(good);
    artificial_m2 = sc.to_m2(art);
}

void Engine::classify_raster(Worker& w, const MeasuredLine& ml, double s0, double s1,
                             const LocalMetric& metric, const PieceOut& base, ChunkOut& out) {
    const Grid& g = m_rm.grid;
    const double len = s1 - s0;
    const double cell_m =
        std::max(1e-3, std::min(metric.metres(g.dx(), 0), metric.metres(0, g.dy())));
    const double side_sign = base.side == Side::Left ? 1.0 : -1.0;
    // Landward transects every half cell: status 0 no data, 1 mostly other, 2 mostly artificial.
    const double h = std::max(cell_m / 2.0, 1e-3);
    const auto m = static_cast<std::size_t>(std::clamp(std::ceil(len / h), 1.0, 4096.0));
    const auto kt = static_cast<int>(std::clamp(std::ceil(m_req.buffer_m / cell_m), 1.0, 32.0));
    auto status_at = [&](double s) {
        const Point p = metric.to_local(ml.point_at(s));
        const Point n = left_normal(tangent_at(ml, s, metric));
        int valid = 0, art = 0;
        for (int k = 0; k < kt; ++k) {
            const double d = side_sign * m_req.buffer_m * (k + 0.5) / kt;
            const Point q = metric.to_crs(Point{p.x + n.x * d, p.y + n.y * d});
            const double cf = std::floor(g.col_of(q.x)), rf = std::floor(g.row_of(q.y));
            if (!(cf >= static_cast<double>(w.win.col0) &&
                  cf < static_cast<double>(w.win.col_end()) &&
                  rf >= static_cast<double>(w.win.row0) &&
                  rf < static_cast<double>(w.win.row_end())))
                continue;
            const auto idx =
                static_cast<std::size_t>((static_cast<std::int64_t>(rf) - w.win.row0) * w.win.cols +
                                         (static_cast<std::int64_t>(cf) - w.win.col0));
            const std::uint8_t kind = m_rm.kind_of(w.values[idx], w.valid[idx], nullptr);
            if (kind > 0) ++valid;
            if (kind == 2) ++art;
        }
        return valid == 0 ? 0 : (2 * art >= valid ? 2 : 1);
    };
    auto sample = [&](std::size_t j) {
        return s0 + (static_cast<double>(j) + 0.5) * len / static_cast<double>(m);
    };
    std::vector<int> status(m);
    for (std::size_t j = 0; j < m; ++j) status[j] = status_at(sample(j));
    // Cut where the status changes: bisect between the two samples down to ~1e-6 of a cell.
    std::vector<double> cuts{s0};
    for (std::size_t j = 1; j < m; ++j) {
        if (status[j] == status[j - 1]) continue;
        double lo = sample(j - 1), hi = sample(j);
        for (int it = 0; it < 20; ++it) {
            const double mid = 0.5 * (lo + hi);
            if (status_at(mid) == status[j - 1])
                lo = mid;
            else
                hi = mid;
        }
        const double cut = 0.5 * (lo + hi);
        if (cut > cuts.back() && cut < s1) cuts.push_back(cut);
    }
    cuts.push_back(s1);
    for (std::size_t c = 0; c + 1 < cuts.size(); ++c) {
        PieceOut p = base;
        p.s0 = cuts[c];
        p.s1 = cuts[c + 1];
        LineString local = ml.slice(p.s0, p.s1);
        for (auto& pt : local) pt = metric.to_local(pt);
        MultiPolygon strip = w.buffer.strip(local, m_req.buffer_m, p.side);
        for (auto& poly : strip.polygons)
            for (auto& ring : poly.rings)
                for (auto& pt : ring) pt = metric.to_crs(pt);
        double total = 0, good = 0, art = 0;
        strip_areas(w, strip, total, good, art, out.unknown_codes);
        if (good > 0) {
            p.artificial_percent = 100.0 * art / good;
            p.klass = art >= 0.5 * good * (1.0 - kTieTolerance) ? ShoreClass::Artificial
                                                                : ShoreClass::Natural;
        } else {
            p.klass = ShoreClass::Unclassified;
        }
        p.valid_percent = total > 0 ? 100.0 * good / total : 0.0;
        out.pieces.push_back(std::move(p));
    }
}

ChunkOut Engine::process(const Chunk& c) {
    Worker& w = worker();
    const MeasuredLine& ml = m_measured[c.feature][c.part];
    const double len = ml.length_m();
    auto pos = [&](std::size_t k) {
        return k >= c.n ? len : len * static_cast<double>(k) / static_cast<double>(c.n);
    };
    ChunkOut out;
    if (m_raster) {
        // One raster window for the chunk: its line plus the strip width, with a margin.
        const double sa = pos(c.k0), sb = pos(c.k1);
        const LineString part = ml.slice(sa, sb, true);
        Box box;
        for (const auto& p : part) box.expand(p);
        const LocalMetric m = w.meas.metric_at(ml.point_at(0.5 * (sa + sb)));
        const double margin = (1.5 * m_req.buffer_m + 2.0 * m_rm.cell_m) / m.min_scale();
        const Grid& g = m_rm.grid;
        const double c0 = g.col_of(box.xmin - margin), c1 = g.col_of(box.xmax + margin);
        const double r0 = g.row_of(box.ymax + margin), r1 = g.row_of(box.ymin - margin);
        auto clampd = [](double v, double lo, double hi) { return std::clamp(v, lo, hi); };
        const double cols = static_cast<double>(g.cols()), rows = static_cast<double>(g.rows());
        const double cmin = clampd(std::floor(std::min(c0, c1)) - 1, 0, cols);
        const double cmax = clampd(std::ceil(std::max(c0, c1)) + 1, 0, cols);
        const double rmin = clampd(std::floor(std::min(r0, r1)) - 1, 0, rows);
        const double rmax = clampd(std::ceil(std::max(r0, r1)) + 1, 0, rows);
        Window win{static_cast<std::int64_t>(cmin), static_cast<std::int64_t>(rmin),
                   static_cast<std::int64_t>(cmax - cmin), static_cast<std::int64_t>(rmax - rmin)};
        if (win.empty()) win = Window{};
        read_window(w, win);
    }
    for (std::size_t k = c.k0; k < c.k1; ++k) {
        PieceOut base;
        if (!m_raster) base.klass = m_feature_class[c.feature];
        locate(w, ml, pos(k), pos(k + 1), base, out);
    }
    if (m_req.keep_pieces)
        for (auto& p : out.pieces) p.geometry = ml.slice(p.s0, p.s1);
    return out;
}

ShorelineReport Engine::run() {
    m_raster = m_in.raster != nullptr;
    validate_options();
    if (m_raster)
        build_raster_model();
    else
        classify_values();
    measure_features();
    const std::vector<Chunk> chunks = make_chunks();

    ShorelineReport rep;
    rep.raster_mode = m_raster;
    rep.has_mainland = m_in.mainland.has_value();
    rep.target_percent = m_req.target_percent;
    rep.region_names = m_in.region_names;
    rep.crs_wkt = m_in.crs_wkt;
    rep.features = m_in.lines.size();

    TotalSums all;
    std::vector<TotalSums> regions(m_in.regions.size());
    CompensatedSum unassigned;
    std::set<std::int64_t> unknown_codes;
    std::size_t side_fallbacks = 0;
    std::size_t last_feature = SIZE_MAX, last_part = SIZE_MAX, piece_no = 0;
    std::uint64_t done = 0;
    const auto total_tasks = static_cast<std::uint64_t>(chunks.size());

    m_workers = std::make_unique<tbb::enumerable_thread_specific<std::unique_ptr<Worker>>>();
    run_ordered<ChunkOut>(
        chunks.size(), m_req.threads, [&](std::size_t i) { return process(chunks[i]); },
        [&](std::size_t i, ChunkOut&& out) {
            const Chunk& c = chunks[i];
            if (c.feature != last_feature || c.part != last_part) {
                last_feature = c.feature;
                last_part = c.part;
                piece_no = 0;
            }
            unknown_codes.insert(out.unknown_codes.begin(), out.unknown_codes.end());
            side_fallbacks += out.side_fallbacks;
            for (auto& p : out.pieces) {
                const double len = p.s1 - p.s0;
                all.add(p.klass, p.mainland, len);
                if (p.region >= 0)
                    regions[static_cast<std::size_t>(p.region)].add(p.klass, p.mainland, len);
                else if (!regions.empty())
                    unassigned.add(len);
                ++rep.piece_count;
                if (m_req.keep_pieces) {
                    ShorelinePiece sp;
                    sp.fid = m_in.fids.empty() ? static_cast<std::int64_t>(c.feature)
                                               : m_in.fids[c.feature];
                    sp.part = c.part;
                    sp.piece = piece_no;
                    sp.start_m = p.s0;
                    sp.length_m = len;
                    sp.klass = p.klass;
                    sp.mainland = p.mainland;
                    sp.region = p.region;
                    if (!m_raster) sp.value = m_in.values[c.feature];
                    sp.artificial_percent = p.artificial_percent;
                    sp.valid_percent = p.valid_percent;
                    sp.land_side = p.side;
                    sp.side_from_mainland = p.side_from_mainland;
                    sp.geometry = std::move(p.geometry);
                    rep.pieces.push_back(std::move(sp));
                }
                ++piece_no;
            }
            ++done;
            if (m_req.progress) m_req.progress->update(done, total_tasks, "shoreline");
        },
        m_req.cancel);
    m_workers.reset();
    if (m_req.progress) m_req.progress->finish();

    rep.rows.push_back(ShorelineRow{"all", all.value()});
    for (std::size_t r = 0; r < regions.size(); ++r)
        rep.rows.push_back(ShorelineRow{m_in.region_names[r], regions[r].value()});
    for (auto& row : rep.rows) row.totals.estuary_rule = m_req.estuary_rule;

    // Warnings.
    const ShorelineTotals at = rep.rows[0].totals;
    if (!m_artificial_by_default.empty())
        m_warnings.push_back(fmt::format(
            "--class-field '{}': value(s) {} are in neither --natural nor --estuary and count as "
            "artificial (list them with --artificial to make this explicit)",
            m_req.class_field, text::join_limited(m_artificial_by_default)));
    if (!unknown_codes.empty()) {
        std::vector<std::string> codes;
        for (auto c : unknown_codes) codes.push_back(std::to_string(c));
        m_warnings.push_back(
            fmt::format("raster values not in class table '{}' count as no data: {}",
                        m_req.classes.empty() ? "clcd" : m_req.classes, text::join_limited(codes)));
    }
    if (at.unclassified_m > 0)
        m_warnings.push_back(fmt::format(
            "{:.3f} m of mainland shoreline has no valid raster cell in its {} m landward strip "
            "and is "
            "unclassified (excluded from the share); check that the raster covers the coast",
            at.unclassified_m, m_req.buffer_m));
    if (side_fallbacks > 0)
        m_warnings.push_back(
            fmt::format("{} mainland piece(s) could not tell their landward side from the mainland "
                        "polygon (both or "
                        "neither probe inside); the --land-side convention ({}) was used",
                        side_fallbacks, m_req.land_side == Side::Left ? "left" : "right"));
    if (unassigned.value() > 0)
        m_warnings.push_back(fmt::format(
            "{:.3f} m of shoreline lies in no --by region (nor within --by-snap-m {} m of one); it "
            "counts in 'all' only",
            unassigned.value(), m_req.by_snap_m));
    if (at.total_m() == 0)
        m_warnings.push_back("the mainland shoreline has zero length: the share is undefined");

    // Metadata.
    const CrsDescription crs = describe_crs(m_in.crs_wkt);
    if (!crs.on_grs80_or_wgs84())
        m_warnings.push_back(fmt::format(
            "the CRS {} is on ellipsoid '{}'; its longitudes/latitudes are measured on CGCS2000 "
            "without a datum shift: transform the data to CGCS2000 first for official figures",
            m_in.crs_label, crs.ellipsoid_name));
    rep.meta = engine_provenance();
    rep.meta["command"] = "shoreline";
    rep.meta["lines"] = {
        {"layer", m_in.lines_label}, {"crs", m_in.crs_label}, {"features", m_in.lines.size()}};
    rep.meta["lengths"] = {
        {"method", "sum of geodesic distances between consecutive vertices (PROJ geodesic.h)"},
        {"ellipsoid", "CGCS2000 (GRS80)"},
        {"densify_m", m_req.densify_m},
        {"piece_m", m_req.piece_m},
        {"unit", "m"}};
    if (m_raster) {
        const RasterInfo& info = m_in.raster->info();
        rep.meta["classification"] = {
            {"mode", "raster"},
            {"raster", info.path},
            {"band", info.band},
            {"crs", info.crs_label},
            {"class_table", m_req.classes.empty() ? "clcd" : m_req.classes},
            {"artificial_classes", m_artificial_codes},
            {"buffer_m", m_req.buffer_m},
            {"rule",
             "artificial iff >= 50 % of the landward strip's valid area is "
             "artificial; ties artificial"}};
        rep.meta["area_model"] = m_rm.areas->description();
    } else {
        rep.meta["classification"] = {{"mode", "attribute"},
                                      {"field", m_req.class_field},
                                      {"natural", m_req.natural_values},
                                      {"estuary", m_req.estuary_values},
                                      {"artificial", m_req.artificial_values.empty()
                                                         ? nlohmann::json("every other value")
                                                         : nlohmann::json(m_req.artificial_values)},
                                      {"artificial_by_default", m_artificial_by_default}};
    }
    rep.meta["landward"] = {
        {"rule", m_in.mainland ? "inside --mainland; convention otherwise" : "convention"},
        {"convention", m_req.land_side == Side::Left ? "left" : "right"}};
    if (m_in.mainland) rep.meta["mainland"] = {{"snap_m", m_req.snap_m}};
    if (!m_in.regions.empty())
        rep.meta["by"] = {{"regions", m_in.regions.size()}, {"by_snap_m", m_req.by_snap_m}};
    rep.meta["estuary"] = {
        {"rule", estuary_rule_name(m_req.estuary_rule)},
        {"meaning", m_req.estuary_rule == EstuaryRule::Total
                        ? "in total_m, not in the natural share (the default)"
                    : m_req.estuary_rule == EstuaryRule::Natural
                        ? "in total_m and in the natural share"
                        : "in neither total_m nor the share (estuary_m still reported)"}};
    rep.meta["target"] = {{"percent", m_req.target_percent},
                          {"comparator", ">="},
                          {"rule", "share >= target (1 - 1e-12)"}};
    rep.meta["pieces"] = rep.piece_count;
    rep.warnings = m_warnings;
    rep.meta["warnings"] = rep.warnings;
    return rep;
}

}  // namespace

TableSpec ShorelineReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "shoreline";
    spec.columns = {
        {"region", ColumnType::Text},         {"natural_m", ColumnType::Real},
        {"artificial_m", ColumnType::Real},   {"estuary_m", ColumnType::Real},
        {"total_m", ColumnType::Real},        {"natural_share_percent", ColumnType::Real},
        {"target_percent", ColumnType::Real}, {"pass", ColumnType::Text},
        {"margin_percent", ColumnType::Real}, {"island_m", ColumnType::Real},
        {"unclassified_m", ColumnType::Real}};
    return spec;
}

std::vector<Value> ShorelineReport::row_values(const ShorelineRow& row) const {
    const ShorelineTotals& t = row.totals;
    const double share = t.share_percent();
    std::vector<Value> v;
    v.emplace_back(row.region);
    v.emplace_back(t.natural_m);
    v.emplace_back(t.artificial_m);
    v.emplace_back(t.estuary_m);
    v.emplace_back(t.total_m());
    v.emplace_back(share);
    v.emplace_back(target_percent);
    if (std::isfinite(share)) {
        v.emplace_back(std::string(meets_target(share, target_percent) ? "true" : "false"));
        v.emplace_back(share - target_percent);
    } else {
        v.emplace_back(std::monostate{});
        v.emplace_back(std::monostate{});
    }
    if (has_mainland)
        v.emplace_back(t.island_m);
    else
        v.emplace_back(std::monostate{});
    v.emplace_back(t.unclassified_m);
    return v;
}

TableSpec ShorelineReport::segment_spec() const {
    TableSpec spec;
    spec.layer_name = "shoreline_pieces";
    spec.columns = {{"feature", ColumnType::Integer}, {"part", ColumnType::Integer},
                    {"piece", ColumnType::Integer},   {"class", ColumnType::Text},
                    {"mainland", ColumnType::Text},   {"region", ColumnType::Text},
                    {"start_m", ColumnType::Real},    {"length_m", ColumnType::Real}};
    if (raster_mode) {
        spec.columns.push_back({"artificial_percent", ColumnType::Real});
        spec.columns.push_back({"valid_percent", ColumnType::Real});
    } else {
        spec.columns.push_back({"value", ColumnType::Text});
    }
    spec.columns.push_back({"land_side", ColumnType::Text});
    spec.columns.push_back({"side_from", ColumnType::Text});
    spec.geometry = GeometryKind::Line;
    spec.crs_wkt = crs_wkt;
    return spec;
}

std::vector<Value> ShorelineReport::segment_values(const ShorelinePiece& p) const {
    std::vector<Value> v;
    v.emplace_back(p.fid);
    v.emplace_back(static_cast<std::int64_t>(p.part));
    v.emplace_back(static_cast<std::int64_t>(p.piece));
    v.emplace_back(std::string(shore_class_name(p.klass)));
    if (has_mainland)
        v.emplace_back(std::string(p.mainland ? "true" : "false"));
    else
        v.emplace_back(std::monostate{});
    if (p.region >= 0)
        v.emplace_back(region_names[static_cast<std::size_t>(p.region)]);
    else
        v.emplace_back(std::monostate{});
    v.emplace_back(p.start_m);
    v.emplace_back(p.length_m);
    if (raster_mode) {
        if (std::isfinite(p.artificial_percent))
            v.emplace_back(p.artificial_percent);
        else
            v.emplace_back(std::monostate{});
        if (std::isfinite(p.valid_percent))
            v.emplace_back(p.valid_percent);
        else
            v.emplace_back(std::monostate{});
    } else {
        v.emplace_back(p.value);
    }
    v.emplace_back(std::string(p.land_side == Side::Left ? "left" : "right"));
    v.emplace_back(std::string(p.side_from_mainland ? "mainland" : "convention"));
    return v;
}

void ShorelineReport::write(const std::string& output, const std::string& segments) const {
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json}, "--output");
    std::optional<TableFormat> sf;
    if (!segments.empty()) {
        if (segments == "-")
            fail(ErrorKind::InvalidInput,
                 "--segments needs a file path (.gpkg or .csv), not stdout");
        sf = table_format_of(segments, {TableFormat::Gpkg, TableFormat::Csv}, "--segments");
    }
    const bool to_stdout = output.empty() || output == "-";
    // A file summary is opened first, so that a bad output path fails before anything is written.
    std::unique_ptr<TableWriter> summary;
    if (!to_stdout) summary = TableWriter::open(output, table_spec(), f, meta);
    if (sf) {
        auto seg = TableWriter::open(segments, segment_spec(), *sf, meta);
        for (const auto& p : pieces) {
            MultiLineString ml;
            ml.lines.push_back(p.geometry);
            seg->write(segment_values(p), GeometryValue{std::move(ml)});
        }
        if (summary)
            for (const auto& r : rows) summary->write(row_values(r));
        seg->commit();
    } else if (summary) {
        for (const auto& r : rows) summary->write(row_values(r));
    }
    if (summary) {
        summary->commit();
    } else {
        auto out = TableWriter::open(output, table_spec(), f, meta);
        for (const auto& r : rows) out->write(row_values(r));
        out->commit();
    }
}

ShorelineReport compute_shoreline(const ShorelineRequest& req, const ShorelineInputs& in) {
    Engine engine(req, in);
    return engine.run();
}

}  // namespace redline
