// compute_shoreline: the engine that measures the lines, cuts them into pieces, has each piece
// placed (mainland_locator, region_assigner) and classified (attribute_classifier or
// landward_strip_classifier) in parallel chunks, and merges the pieces in line order into exact
// totals (shoreline_totals) and the report (shoreline_report).
#include "redline/ops/shoreline/shoreline.hpp"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <optional>
#include <set>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/line_measurer.hpp"
#include "redline/ops/provenance.hpp"
#include "redline/ops/shoreline/attribute_classifier.hpp"
#include "redline/ops/shoreline/landward_strip_classifier.hpp"
#include "redline/ops/shoreline/mainland_locator.hpp"
#include "redline/ops/shoreline/region_assigner.hpp"
#include "redline/ops/shoreline/shore_raster_model.hpp"

namespace redline {
namespace {

void check_positive(double v, const char* option, bool allow_zero = false) {
    if (!(allow_zero ? v >= 0 : v > 0) || !std::isfinite(v))
        fail(ErrorKind::InvalidInput,
             fmt::format("{} must be a {} number of metres, got {}", option,
                         allow_zero ? "non-negative" : "positive", v));
}

// Consecutive base pieces [k0, k1) of the n equal pieces of one feature part.
struct Chunk {
    std::size_t feature = 0, part = 0;
    std::size_t k0 = 0, k1 = 0, n = 0;
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

// What one thread needs: its own PROJ, GEOS and raster handles.
struct Worker {
    LineMeasurer meas;
    std::optional<MainlandLocator> mainland;
    std::optional<RegionAssigner> regions;
    std::optional<LandwardStripClassifier> strips;
    std::vector<StripPiece> strip_pieces;  // scratch

    Worker(const std::string& wkt, double densify_m) : meas(wkt, densify_m) {}
};

class Engine {
  public:
    Engine(const ShorelineRequest& req, const ShorelineInputs& in) : m_req(req), m_in(in) {}

    ShorelineReport run();

  private:
    void validate_options();
    void classify_values();
    void measure_features();
    std::vector<Chunk> make_chunks() const;
    Worker& worker();
    ChunkOut process(const Chunk& c);
    void place(Worker& w, const MeasuredLine& ml, double s0, double s1, PieceOut base,
               ChunkOut& out);
    std::int64_t fid_of(std::size_t feature) const {
        return m_in.fids.empty() ? static_cast<std::int64_t>(feature) : m_in.fids[feature];
    }
    void warn(const ShorelineReport& rep, const std::set<std::int64_t>& unknown_codes,
              std::size_t side_fallbacks, double unassigned_m);
    void describe(ShorelineReport& rep) const;

    const ShorelineRequest& m_req;
    const ShorelineInputs& m_in;
    bool m_raster = false;
    std::vector<ShoreClass> m_feature_class;  // attribute mode
    std::vector<std::string> m_artificial_by_default;
    std::optional<ShoreRasterModel> m_rm;  // raster mode
    std::vector<std::vector<MeasuredLine>> m_measured;
    std::unique_ptr<tbb::enumerable_thread_specific<std::unique_ptr<Worker>>> m_workers;
    std::vector<std::string> m_warnings;
};

void Engine::validate_options() {
    check_positive(m_req.piece_m, REDLINE_OPTION("piece_m"));
    check_positive(m_req.densify_m, REDLINE_OPTION("densify"));
    check_positive(m_req.snap_m, REDLINE_OPTION("snap_m"), true);
    check_positive(m_req.by_snap_m, REDLINE_OPTION("by_snap_m"), true);
    if (m_raster) check_positive(m_req.buffer_m, REDLINE_OPTION("buffer_m"));
    if (!(m_req.target_percent >= 0 && m_req.target_percent <= 100))
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION("target") " must be a percentage between 0 and 100, got {}",
                         m_req.target_percent));
    if (m_in.lines.size() != m_in.fids.size() && !m_in.fids.empty())
        fail(ErrorKind::Internal, "shoreline inputs: fids and lines differ in length");
    if (m_in.region_names.size() != m_in.regions.size())
        fail(ErrorKind::Internal, "shoreline inputs: region names and polygons differ in length");
}

void Engine::classify_values() {
    const AttributeClassifier classifier(m_req.natural_values, m_req.estuary_values,
                                         m_req.artificial_values);
    if (m_in.values.size() != m_in.lines.size())
        fail(ErrorKind::Internal, "shoreline inputs: one class value per feature is needed");
    AttributeClassifier::Features f =
        classifier.classify(m_in.values, m_in.fids, m_in.lines_label, m_req.class_field);
    m_feature_class = std::move(f.classes);
    m_artificial_by_default = std::move(f.artificial_by_default);
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
        const double k = std::floor(2000.0 * m_rm->cell_m() / m_req.piece_m);
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
                     fmt::format(
                         "feature part is {} m long: too many pieces of " REDLINE_OPTION_VALUE(
                             "piece_m", "{}") " m",
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
        if (m_in.mainland) slot->mainland.emplace(*m_in.mainland, m_req.snap_m);
        if (!m_in.regions.empty()) slot->regions.emplace(m_in.regions, m_req.by_snap_m);
        if (m_rm) slot->strips.emplace(*m_rm, m_req.buffer_m);
    }
    return *slot;
}

// Places the piece [s0, s1] (mainland, landward side, region) and classifies it by the raster
// (which may cut it); attribute classes come in `base`.
void Engine::place(Worker& w, const MeasuredLine& ml, double s0, double s1, PieceOut base,
                   ChunkOut& out) {
    base.side = m_req.land_side;
    base.s0 = s0;
    base.s1 = s1;
    if (!m_raster && !w.mainland && !w.regions) {
        // Attribute classes only: nothing to locate.
        out.pieces.push_back(std::move(base));
        return;
    }
    const double smid = 0.5 * (s0 + s1);
    const Point mid = ml.point_at(smid);
    const LocalMetric metric = w.meas.metric_at(mid);
    if (w.mainland) {
        const MainlandPlace where = w.mainland->locate(ml, smid, mid, metric);
        base.mainland = where.mainland;
        if (where.land_side) {
            base.side = *where.land_side;
            base.side_from_mainland = true;
        } else if (where.mainland) {
            ++out.side_fallbacks;
        }
    }
    if (w.regions) base.region = w.regions->assign(mid, metric);
    if (!m_raster) {
        out.pieces.push_back(std::move(base));
        return;
    }
    w.strip_pieces.clear();
    w.strips->classify(ml, s0, s1, metric, base.side, w.strip_pieces, out.unknown_codes);
    for (const StripPiece& sp : w.strip_pieces) {
        PieceOut p = base;
        p.s0 = sp.s0;
        p.s1 = sp.s1;
        p.klass = sp.klass;
        p.artificial_percent = sp.artificial_percent;
        p.valid_percent = sp.valid_percent;
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
        // One raster window for the chunk.
        const double sa = pos(c.k0), sb = pos(c.k1);
        w.strips->load_window(ml, sa, sb, w.meas.metric_at(ml.point_at(0.5 * (sa + sb))));
    }
    for (std::size_t k = c.k0; k < c.k1; ++k) {
        PieceOut base;
        if (!m_raster) base.klass = m_feature_class[c.feature];
        place(w, ml, pos(k), pos(k + 1), std::move(base), out);
    }
    if (m_req.keep_pieces)
        for (auto& p : out.pieces) p.geometry = ml.slice(p.s0, p.s1);
    return out;
}

ShorelineReport Engine::run() {
    m_raster = m_in.raster != nullptr;
    validate_options();
    if (m_raster) {
        m_rm.emplace(ShoreRasterModel::build(*m_in.raster, m_req.classes, m_req.artificial_classes,
                                             m_req.densify_m, m_req.threads));
        m_warnings = m_rm->warnings();
    } else {
        classify_values();
    }
    measure_features();
    const std::vector<Chunk> chunks = make_chunks();

    ShorelineReport rep;
    rep.raster_mode = m_raster;
    rep.has_mainland = m_in.mainland.has_value();
    rep.target_percent = m_req.target_percent;
    rep.region_names = m_in.region_names;
    rep.crs_wkt = m_in.crs_wkt;
    rep.features = m_in.lines.size();

    // Merged in chunk (= line) order: the sums do not depend on the threads.
    ShorelineTally all, unassigned;
    std::vector<ShorelineTally> regions(m_in.regions.size());
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
                    unassigned.add(p.klass, p.mainland, len);
                ++rep.piece_count;
                if (m_req.keep_pieces) {
                    ShorelinePiece sp;
                    sp.fid = fid_of(c.feature);
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

    rep.rows.push_back(ShorelineRow{"all", all.totals()});
    for (std::size_t r = 0; r < regions.size(); ++r)
        rep.rows.push_back(ShorelineRow{m_in.region_names[r], regions[r].totals()});
    for (auto& row : rep.rows) row.totals.estuary_rule = m_req.estuary_rule;

    warn(rep, unknown_codes, side_fallbacks, unassigned.length_m());
    describe(rep);
    return rep;
}

void Engine::warn(const ShorelineReport& rep, const std::set<std::int64_t>& unknown_codes,
                  std::size_t side_fallbacks, double unassigned_m) {
    const ShorelineTotals at = rep.rows[0].totals;
    if (!m_artificial_by_default.empty())
        m_warnings.push_back(fmt::format(
            REDLINE_OPTION_VALUE(
                "class_field", "'{}'") ": value(s) {} are in "
                                       "neither " REDLINE_OPTION("natural") " nor " REDLINE_OPTION(
                                           "estuary") " and count as "
                                                      "artificial (list "
                                                      "them "
                                                      "with"
                                                      " " REDLINE_OPTION("artificial") " "
                                                                                       "t"
                                                                                       "o"
                                                                                       " "
                                                                                       "m"
                                                                                       "a"
                                                                                       "k"
                                                                                       "e"
                                                                                       " "
                                                                                       "t"
                                                                                       "h"
                                                                                       "i"
                                                                                       "s"
                                                                                       " "
                                                                                       "e"
                                                                                       "x"
                                                                                       "p"
                                                                                       "l"
                                                                                       "i"
                                                                                       "c"
                                                                                       "i"
                                                                                       "t"
                                                                                       ")",
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
        m_warnings.push_back(fmt::format(
            "{} mainland piece(s) could not tell their landward side from the mainland "
            "polygon (both or "
            "neither probe inside); the " REDLINE_OPTION("land_side") " convention ({}) was used",
            side_fallbacks, m_req.land_side == Side::Left ? "left" : "right"));
    if (unassigned_m > 0)
        m_warnings.push_back(fmt::format(
            "{:.3f} m of shoreline lies in no " REDLINE_OPTION(
                "by") " region (nor within " REDLINE_OPTION_VALUE("by_snap_m",
                                                                  "{}") " m of one); it "
                                                                        "counts in 'all' only",
            unassigned_m, m_req.by_snap_m));
    if (at.total_m() == 0)
        m_warnings.push_back("the mainland shoreline has zero length: the share is undefined");
    const CrsDescription crs = describe_crs(m_in.crs_wkt);
    if (!crs.on_grs80_or_wgs84())
        m_warnings.push_back(fmt::format(
            "the CRS {} is on ellipsoid '{}'; its longitudes/latitudes are measured on CGCS2000 "
            "without a datum shift: transform the data to CGCS2000 first for official figures",
            m_in.crs_label, crs.ellipsoid_name));
}

// The run's metadata (rep.meta), with the warnings.
void Engine::describe(ShorelineReport& rep) const {
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
            {"artificial_classes", m_rm->artificial_codes()},
            {"buffer_m", m_req.buffer_m},
            {"rule",
             "artificial iff >= 50 % of the landward strip's valid area is "
             "artificial; ties artificial"}};
        rep.meta["area_model"] = m_rm->areas().description();
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
    rep.meta["estuary"] = {{"rule", estuary_rule_name(m_req.estuary_rule)},
                           {"meaning", estuary_rule_meaning(m_req.estuary_rule)}};
    rep.meta["target"] = {{"percent", m_req.target_percent},
                          {"comparator", ">="},
                          {"rule", "share >= target (1 - 1e-12)"}};
    rep.meta["pieces"] = rep.piece_count;
    rep.warnings = m_warnings;
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
}

}  // namespace

ShorelineReport compute_shoreline(const ShorelineRequest& req, const ShorelineInputs& in) {
    Engine engine(req, in);
    return engine.run();
}

}  // namespace redline
