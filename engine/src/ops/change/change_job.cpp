#include "redline/ops/change/change_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/core/memory.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/sha256.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/transformer.hpp"
#include "redline/geom/polygon_union.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/layers/zone_layer.hpp"
#include "redline/ops/change/change.hpp"
#include "redline/ops/provenance.hpp"

namespace redline {
namespace {

std::string code_text(std::int64_t c) {
    return c == kNodataClass ? std::string("nodata") : std::to_string(c);
}

std::string name_text(const ClassTable& t, std::int64_t c) {
    if (c == kNodataClass) return "nodata";
    auto n = t.name_of(c);
    return n ? *n : std::to_string(c);
}

void check_same_grid(const RasterInfo& a, const RasterInfo& b) {
    require_same_grid(a, b, REDLINE_OPTION("t0") " and " REDLINE_OPTION("t1"), "compare");
}

}  // namespace

nlohmann::json change_summary_json(const std::vector<ChangeRuleSummary>& summary) {
    nlohmann::json rules = nlohmann::json::array();
    for (const auto& s : summary)
        rules.push_back({{"rule", s.rule},
                         {"violations", s.violations},
                         {"violation_area_m2", s.violation_m2},
                         {"permitted", s.permitted},
                         {"permitted_area_m2", s.permitted_m2},
                         {"below_mmu", s.below_mmu},
                         {"below_mmu_area_m2", s.below_mmu_m2}});
    return rules;
}

std::string change_summary_text(const std::vector<ChangeRuleSummary>& summary) {
    std::string out;
    for (const auto& s : summary)
        out += fmt::format(
            "rule {}: {} violation patch(es), {:.2f} m2; {} permitted, {:.2f} m2; {} below the "
            "MMU, {:.2f} m2\n",
            s.rule, s.violations, s.violation_m2, s.permitted, s.permitted_m2, s.below_mmu,
            s.below_mmu_m2);
    return out;
}

const char* ChangeRuleSummary::count(bool permitted, bool below_mmu, double area_m2) {
    if (permitted) {
        ++this->permitted;
        permitted_m2 += area_m2;
        return "permitted";
    }
    if (below_mmu) {
        ++this->below_mmu;
        below_mmu_m2 += area_m2;
        return "below-mmu";
    }
    ++violations;
    violation_m2 += area_m2;
    return "violation";
}

void require_permitted_min_share(double share) {
    if (!(share > 0 && share <= 1))
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE("permitted_min_share", "{}") " must be in (0, 1]",
                         share));
}

TableSpec change_matrix_spec() {
    TableSpec spec;
    spec.layer_name = "matrix";
    spec.columns = {{"zone", ColumnType::Text},   {"from", ColumnType::Text},
                    {"to", ColumnType::Text},     {"area_m2", ColumnType::Real},
                    {"cells", ColumnType::Real},  {"from_name", ColumnType::Text},
                    {"to_name", ColumnType::Text}};
    return spec;
}

TableSpec change_patch_spec(bool geometry, const std::string& crs_wkt) {
    TableSpec spec;
    spec.layer_name = "patches";
    spec.columns = {{"patch_id", ColumnType::Integer},
                    {"zone", ColumnType::Text},
                    {"rule", ColumnType::Text},
                    {"from", ColumnType::Text},
                    {"to", ColumnType::Text},
                    {"pixels", ColumnType::Integer},
                    {"area_m2", ColumnType::Real},
                    {"x", ColumnType::Real},
                    {"y", ColumnType::Real},
                    {"lon", ColumnType::Real},
                    {"lat", ColumnType::Real},
                    {"status", ColumnType::Text},
                    {"permitted_share", ColumnType::Real},
                    {"from_name", ColumnType::Text},
                    {"to_name", ColumnType::Text}};
    if (geometry) {
        spec.geometry = GeometryKind::Polygon;
        spec.crs_wkt = crs_wkt;
    }
    return spec;
}

nlohmann::json ChangeReport::summary_json() const { return change_summary_json(summary); }

std::string ChangeReport::summary_text() const { return change_summary_text(summary); }

void ChangeReport::write_matrix(const std::string& output) const {
    const TableFormat f = table_format_of(output, {TableFormat::Csv, TableFormat::Json},
                                          REDLINE_OPTION("matrix_output"));
    auto w = TableWriter::open(output, change_matrix_spec(), f, meta);
    for (const auto& r : matrix)
        w->write({zone_names[r.zone], code_text(r.from), code_text(r.to), r.area_m2, r.cells,
                  name_text(classes, r.from), name_text(classes, r.to)});
    w->add_extra("summary", summary_json());
    w->commit();
}

void ChangeReport::write_patches(const std::string& output) const {
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg},
                        REDLINE_OPTION("patches_output"));
    auto w = TableWriter::open(output, change_patch_spec(f == TableFormat::Gpkg, crs_wkt), f, meta);
    for (const auto& p : patches) {
        const std::vector<Value> row =
            change_patch_values(p, zone_names[p.zone], code_text(p.from), code_text(p.to),
                                name_text(classes, p.from), name_text(classes, p.to));
        if (f == TableFormat::Gpkg)
            w->write(row, GeometryValue{p.geometry});
        else
            w->write(row);
    }
    w->add_extra("summary", summary_json());
    w->commit();
}

ChangeJob ChangeJob::open(const ChangeRequest& req) {
    ChangeJob job;
    job.m_req = req;
    job.m_t0 = req.t0_source ? req.t0_source : GdalRasterSource::open(req.t0, req.band);
    job.m_t1 = req.t1_source ? req.t1_source : GdalRasterSource::open(req.t1, req.band);
    if (req.t0_source && req.t0.empty()) job.m_req.t0 = req.t0_source->info().path;
    if (req.t1_source && req.t1.empty()) job.m_req.t1 = req.t1_source->info().path;
    const RasterInfo& info = job.m_t0->info();
    check_same_grid(info, job.m_t1->info());
    job.m_crs = make_crs(info.crs_wkt, info.crs_label);
    if (req.mmu_pixels < 1)
        fail(ErrorKind::InvalidInput,
             fmt::format(REDLINE_OPTION_VALUE("mmu_pixels", "{}") " must be at least 1",
                         req.mmu_pixels));
    require_permitted_min_share(req.permitted_min_share);
    job.m_classes = ClassTable::load(req.classes);
    job.m_rules = req.rules_path.empty() ? ChangeRules::preset(req.preset, job.m_classes)
                                         : ChangeRules::load(req.rules_path, job.m_classes);
    return job;
}

ChangeJob ChangeJob::from_request(const ChangeRequest& req, const ExecutionContext& prep) {
    ChangeJob job = open(req);
    job.set_zones(
        prepare_zones(req.zones, req.id_field, DissolveBy{}, job.m_crs,
                      "raster '" + job.m_req.t0 + "'", req.policy, prep.threads, prep.progress),
        prep);
    return job;
}

ChangeJob ChangeJob::from_request(const ChangeRequest& req, PolygonLayer zones,
                                  const ExecutionContext& prep) {
    ChangeJob job = open(req);
    job.set_zones(std::move(zones), prep);
    return job;
}

void ChangeJob::set_zones(PolygonLayer zones, const ExecutionContext& prep) {
    m_zones = std::move(zones);
    if (!m_req.permitted.empty()) {
        DissolveBy all;  // one geometry: what matters is whether a cell is covered
        all.all = true;
        m_permitted = prepare_zones(m_req.permitted, "", all, m_crs, "raster '" + m_req.t0 + "'",
                                    m_req.policy, prep.threads, prep.progress);
    }
    build(prep);
}

void ChangeJob::build(const ExecutionContext& prep) {
    const RasterInfo& info = m_t0->info();
    parse_coverage_mode(m_req.mode);
    m_warnings = m_zones.warnings;
    if (m_permitted)
        for (const auto& w : m_permitted->warnings) m_warnings.push_back(w);
    for (const auto& w : info.warnings) m_warnings.push_back(w);
    for (const auto& w : m_t1->info().warnings) m_warnings.push_back(w);
    auto areas =
        std::make_shared<CellAreaModel>(CellAreaModel::build(info.grid, m_crs, prep.threads));
    for (const auto& w : areas->warnings()) m_warnings.push_back(w);
    m_areas = areas;
    if (m_req.consume_geometry && !m_req.patch_geometry) {
        m_zoneset = std::make_shared<ZoneSet>(info.grid, std::move(m_zones.geoms), m_zones.ids,
                                              prep.progress, prep.threads);
        m_zones.geoms.clear();
        if (m_permitted) {
            m_permset = std::make_shared<ZoneSet>(info.grid, std::move(m_permitted->geoms),
                                                  m_permitted->ids, nullptr, prep.threads);
            m_permitted->geoms.clear();
        }
        m_geometry_released = true;
    } else {
        m_zoneset = std::make_shared<ZoneSet>(info.grid, m_zones.geoms, m_zones.ids, prep.threads);
        if (m_permitted)
            m_permset = std::make_shared<ZoneSet>(info.grid, m_permitted->geoms, m_permitted->ids,
                                                  prep.threads);
    }
    PlanBudget budget;
    budget.max_memory = m_req.max_memory;
    budget.bytes_per_tile_cell = 28;  // two dates, dense coverage, patch labels
    budget.extra_cache_bytes = m_t1->info().cache_bytes;
    m_plan = plan_within_memory(*m_t0, *m_zoneset, m_req.tile_size, prep.threads, budget,
                                m_warnings, m_memory_note);
    m_req.max_memory =
        0;  // applied: the tile size now carries it (serialized jobs plan the same tiles)
}

ChangeOptions ChangeJob::options(const ExecutionContext& ctx) const {
    ChangeOptions co;
    co.mode = parse_coverage_mode(m_req.mode);
    co.connectivity = m_req.connectivity;
    co.threads = ctx.threads;
    co.tile_size = m_req.tile_size;
    co.keep_cells = m_req.patch_geometry;
    co.progress = ctx.progress;
    co.cancel = ctx.cancel;
    return co;
}

namespace {
// Stitches tiles in task order (patches crossing tile borders join here).
class ChangePartialMerger final : public PartialMerger<ChangePartial, ChangeResult> {
  public:
    ChangePartialMerger(std::size_t zones, int connectivity, AreaScale scale)
        : m_merger(zones, connectivity, scale) {}
    void add(ChangePartial&& part) override {
        for (auto& tile : part.tiles) m_merger.add(std::move(tile));
    }
    ChangeResult finish() override { return m_merger.finish(); }

  private:
    ChangeMerger m_merger;
};
}  // namespace

std::size_t ChangeJob::task_count() const { return m_plan->tasks(); }

std::uint64_t ChangeJob::cost_of(std::size_t begin, std::size_t end) const {
    return m_plan->cost_of(begin, end);
}

ChangePartial ChangeJob::run(std::size_t begin, std::size_t end, const ExecutionContext& ctx,
                             ProgressSpan progress) const {
    return run_change_tasks(*m_t0, *m_t1, *m_zoneset, *m_areas, m_rules, m_permset.get(), *m_plan,
                            options(ctx), begin, end, progress.done, progress.total);
}

TaskSpan ChangeJob::span_of(const ChangePartial& part) const {
    return TaskSpan{part.begin, part.end};
}

std::unique_ptr<PartialMerger<ChangePartial, ChangeResult>> ChangeJob::merger() const {
    return std::make_unique<ChangePartialMerger>(m_zoneset->size(), m_req.connectivity,
                                                 m_areas->scale());
}

void ChangeJob::write_options(BinaryWriter& w) const {
    w.i64(m_req.band);
    w.str(m_req.mode);
    w.i64(m_req.connectivity);
    w.i64(m_req.tile_size);
    w.i64(m_req.mmu_pixels);
    w.f64(m_req.permitted_min_share);
    w.u64(m_req.patch_geometry ? 1 : 0);
    w.str(m_classes.serialize());
    w.str(m_rules.serialize());
}

std::string ChangeJob::fingerprint() const {
    // As ZonalJob::fingerprint: options, dataset files (path, size, mtime) and zone summaries.
    BinaryWriter w;
    w.str("redline.change.checkpoint.v2");
    w.str(dataset_identity(m_req.t0));
    w.str(dataset_identity(m_req.t1));
    write_options(w);
    w.str(dataset_identity(m_zones.path));
    w.str(m_zones.label);
    w.u64(m_zones.features);
    w.u64(m_zones.repaired);
    write_zone_summary(w, m_zones.ids, *m_zoneset);
    w.u64(m_permitted ? 1 : 0);
    if (m_permitted) {
        w.str(dataset_identity(m_permitted->path));
        write_zone_summary(w, m_permitted->ids, *m_permset);
    }
    return sha256_hex(w.take());
}

std::string ChangeJob::describe_plan() const {
    return m_plan->describe(m_t0->info()) + fmt::format("; {} zones, {} tasks; cell areas: {}; {}",
                                                        m_zoneset->size(), task_count(),
                                                        m_areas->description(), m_memory_note);
}

ChangeResult ChangeJob::run_local(const ExecutionContext& ctx) const {
    return run_change(*m_t0, *m_t1, *m_zoneset, *m_areas, m_rules, m_permset.get(), *m_plan,
                      options(ctx));
}

std::string ChangeJob::serialize() const {
    if (m_geometry_released)
        fail(ErrorKind::Internal,
             "this change job released its zone geometry and cannot be serialized");
    if (m_req.t0_source || m_req.t1_source)
        fail(ErrorKind::Unsupported,
             "a change job on in-memory arrays cannot be sent to other processes; write the "
             "arrays to GeoTIFFs on a shared filesystem first");
    BinaryWriter w;
    w.str("redline.change.job.v1");
    w.str(m_req.t0);
    w.str(m_req.t1);
    write_options(w);
    w.str(m_zones.serialize());
    w.u64(m_permitted ? 1 : 0);
    if (m_permitted) w.str(m_permitted->serialize());
    return w.take();
}

ChangeJob ChangeJob::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.change.job.v1");
    ChangeJob job;
    job.m_req.t0 = r.str();
    job.m_req.t1 = r.str();
    job.m_req.band = static_cast<int>(r.i64());
    job.m_req.mode = r.str();
    job.m_req.connectivity = static_cast<int>(r.i64());
    job.m_req.tile_size = r.i64();
    job.m_req.mmu_pixels = static_cast<int>(r.i64());
    job.m_req.permitted_min_share = r.f64();
    job.m_req.patch_geometry = r.u64() != 0;
    job.m_classes = ClassTable::deserialize(r.str());
    job.m_rules = ChangeRules::deserialize(r.str());
    job.m_zones = PolygonLayer::deserialize(r.str());
    if (r.u64()) job.m_permitted = PolygonLayer::deserialize(r.str());
    job.m_t0 = GdalRasterSource::open(job.m_req.t0, job.m_req.band);
    job.m_t1 = GdalRasterSource::open(job.m_req.t1, job.m_req.band);
    check_same_grid(job.m_t0->info(), job.m_t1->info());
    job.m_crs = make_crs(job.m_t0->info().crs_wkt, job.m_t0->info().crs_label);
    job.build({});
    return job;
}

ChangeReport ChangeJob::report(ChangeResult&& res) const {
    const RasterInfo& info = m_t0->info();
    const ChangeRequest& req = m_req;
    const ChangeRules& rules = m_rules;
    const PolygonLayer& zones = m_zones;
    const CellAreaModel& areas = *m_areas;
    const ChangeOptions co = options({});
    ChangeReport rep;
    rep.classes = m_classes;
    rep.warnings = m_warnings;
    const bool permitted = m_permitted.has_value();
    nlohmann::json permitted_meta =
        permitted ? m_permitted->describe(LayerRole::Zones) : nlohmann::json(nullptr);
    rep.zone_names = zones.ids;
    rep.crs_wkt = info.crs_wkt;
    for (std::size_t z = 0; z < res.matrix.size(); ++z)
        for (const auto& [key, t] : res.matrix[z])
            if (t.area > 0)
                rep.matrix.push_back(ChangeMatrixRow{z, key.first, key.second,
                                                     res.scale.to_m2(t.area),
                                                     coverage_to_cells(t.coverage)});
    rep.summary.resize(rules.rules().size());
    for (std::size_t r = 0; r < rules.rules().size(); ++r)
        rep.summary[r].rule = rules.rules()[r].name;
    const Transformer to_geo = Transformer::to_geographic(info.crs_wkt);
    const Grid& g = info.grid;
    std::int64_t id = 0;
    for (const auto& p : res.patches) {
        ChangePatchRow row;
        row.patch_id = ++id;
        row.zone = p.zone;
        row.rule = rules.rules()[p.rule].name;
        row.from = p.majority_from();
        row.to = p.majority_to();
        row.pixels = p.pixels;
        row.area_m2 = res.scale.to_m2(p.area);
        row.x = g.x_of(static_cast<double>(p.best_col) + 0.5);
        row.y = g.y_of(static_cast<double>(p.best_row) + 0.5);
        const Point ll = to_geo.transform(Point{row.x, row.y});
        row.lon = ll.x;
        row.lat = ll.y;
        row.permitted_share =
            p.area > 0 ? static_cast<double>(p.permitted_area) / static_cast<double>(p.area) : 0.0;
        row.status =
            rep.summary[p.rule].count(permitted && row.permitted_share >= req.permitted_min_share,
                                      p.pixels < req.mmu_pixels, row.area_m2);
        if (req.patch_geometry) {
            std::vector<Box> boxes;
            for (const auto& run : p.runs) {
                Box b;
                b.expand(Point{g.x_of(static_cast<double>(run.col0)),
                               g.y_of(static_cast<double>(run.row))});
                b.expand(Point{g.x_of(static_cast<double>(run.col1)),
                               g.y_of(static_cast<double>(run.row + 1))});
                boxes.push_back(b);
            }
            row.geometry = union_of_boxes(boxes);
            // Exact mode: the patch is the part of its cells inside the zone.
            if (co.mode == CoverageMode::Exact)
                row.geometry = intersection(row.geometry, zones.geoms[p.zone]);
        }
        rep.patches.push_back(std::move(row));
    }

    nlohmann::json t0m = {
        {"path", info.path}, {"crs", info.crs_label}, {"grid", info.grid.describe()}};
    nlohmann::json t1m = {{"path", m_t1->info().path}, {"crs", m_t1->info().crs_label}};
    nlohmann::json rules_meta = nlohmann::json::array();
    for (const auto& r : rules.rules()) {
        rules_meta.push_back({{"name", r.name},
                              {"from", std::vector<std::int64_t>(r.from.begin(), r.from.end())},
                              {r.to_except ? "to_except" : "to",
                               std::vector<std::int64_t>(r.to.begin(), r.to.end())}});
    }
    rep.meta = engine_provenance();
    rep.meta["command"] = "change";
    rep.meta["t0"] = t0m;
    rep.meta["t1"] = t1m;
    rep.meta["zones"] = zones.describe(LayerRole::Zones);
    rep.meta["permitted"] = permitted_meta;
    rep.meta["rules"] = {{"source", rules.source()}, {"rules", rules_meta}};
    rep.meta["class_table"] = rep.classes.id();
    rep.meta["mode"] = coverage_mode_name(co.mode);
    rep.meta["connectivity"] = co.connectivity;
    rep.meta["mmu_pixels"] = req.mmu_pixels;
    rep.meta["permitted_min_share"] = req.permitted_min_share;
    rep.meta["area_model"] = {{"kind", areas.kind_name()}, {"description", areas.description()}};
    rep.meta["ellipsoid"] = areas.ellipsoid();
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    return rep;
}

ChangeReport run_change_job(const ChangeRequest& req, const ExecutionContext& ctx) {
    const ChangeJob job = ChangeJob::from_request(req, ctx);
    return job.report(job.run_local(ctx));
}

}  // namespace redline
