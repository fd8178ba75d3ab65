#include "redline/ops/zonal/zonal_job.hpp"

#include <fmt/format.h>

#include "redline/core/binary_codec.hpp"
#include "redline/core/error.hpp"
#include "redline/core/memory.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/sha256.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/proj_version.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/layers/zone_layer.hpp"
#include "redline/ops/provenance.hpp"
#include "redline/ops/zonal/zonal.hpp"

namespace redline {

TableSpec ZonalReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "zonal";
    spec.columns = {{"zone", ColumnType::Text},
                    {"class", ColumnType::Text},
                    {"area_m2", ColumnType::Real},
                    {"share", ColumnType::Real}};
    if (classes) spec.columns.push_back({"class_name", ColumnType::Text});
    spec.columns.push_back({"cells", ColumnType::Real});
    spec.columns.push_back({"area_model", ColumnType::Text});
    spec.columns.push_back({"ellipsoid", ColumnType::Text});
    return spec;
}

std::vector<Value> ZonalReport::row_values(const ZonalRow& row) const {
    std::vector<Value> v;
    v.reserve(8);
    v.emplace_back(zone_names[row.zone]);
    v.emplace_back(row.nodata ? std::string("nodata") : std::to_string(row.klass));
    v.emplace_back(row.area_m2);
    v.emplace_back(row.share);
    if (classes) {
        if (row.nodata)
            v.emplace_back(std::string("nodata"));
        else {
            auto name = classes->name_of(row.klass);
            v.emplace_back(name ? *name : std::to_string(row.klass));
        }
    }
    v.emplace_back(row.cells);
    v.emplace_back(area_model);
    v.emplace_back(ellipsoid);
    return v;
}

void ZonalReport::write(const std::string& output) const {
    const TableFormat f = table_format_of(
        output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, REDLINE_OPTION("output"));
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (const auto& r : rows) w->write(row_values(r));
    w->commit();
}

namespace {
Crs raster_crs(const RasterSource& raster) {
    return make_crs(raster.info().crs_wkt, raster.info().crs_label);
}
}  // namespace

ZonalJob::ZonalJob(std::shared_ptr<const RasterSource> raster, PolygonLayer zones,
                   ZonalJobOptions opts, const ExecutionContext& prep)
    : ZonalJob(raster, raster_crs(*raster), std::move(zones), std::move(opts), prep) {}

ZonalJob::ZonalJob(std::shared_ptr<const RasterSource> raster, Crs crs, PolygonLayer zones,
                   ZonalJobOptions opts, const ExecutionContext& prep)
    : m_raster(std::move(raster)),
      m_crs(std::move(crs)),
      m_zones(std::move(zones)),
      m_opts(std::move(opts)) {
    const RasterInfo& info = m_raster->info();
    m_warnings = m_zones.warnings;
    for (const auto& w : info.warnings) m_warnings.push_back(w);
    if (!m_opts.classes.empty()) m_classes = ClassTable::load(m_opts.classes);
    parse_coverage_mode(m_opts.mode);  // validates
    m_areas = CellAreaModel::build(info.grid, m_crs, prep.threads);
    for (const auto& w : m_areas.warnings()) m_warnings.push_back(w);
    if (m_opts.consume_geometry) {
        m_zoneset = std::make_shared<const ZoneSet>(info.grid, std::move(m_zones.geoms),
                                                    m_zones.ids, prep.progress);
        m_zones.geoms.clear();
        m_geometry_released = true;
    } else {
        m_zoneset = std::make_shared<const ZoneSet>(info.grid, m_zones.geoms, m_zones.ids);
    }
    PlanBudget budget;
    budget.max_memory = m_opts.max_memory;
    budget.bytes_per_tile_cell = 10;
    m_plan = plan_within_memory(*m_raster, *m_zoneset, m_opts.tile_size, prep.threads, budget,
                                m_warnings, m_memory_note);
    m_opts.max_memory =
        0;  // applied: the tile size now carries it (serialized jobs plan the same tiles)
    std::size_t outside = 0;
    std::vector<std::string> outside_names;
    for (std::size_t z = 0; z < m_zoneset->size(); ++z)
        if (m_zoneset->zone(z).window.empty()) {
            ++outside;
            if (outside_names.size() < 10) outside_names.push_back(m_zones.ids[z]);
        }
    if (m_zoneset->size() > 0 && outside == m_zoneset->size())
        m_warnings.push_back(
            fmt::format("no zone of layer '{}' touches the raster '{}' (extent {}); "
                        "the table is empty",
                        m_zones.label, info.path, info.grid.describe()));
    else if (outside > 0)
        m_warnings.push_back(
            fmt::format("{} zone(s) of layer '{}' do not touch the raster and have no "
                        "rows: {}{}",
                        outside, m_zones.label, fmt::join(outside_names, ", "),
                        outside > outside_names.size() ? ", ..." : ""));
}

ZonalJob ZonalJob::from_request(const ZonalRequest& req, const ExecutionContext& prep) {
    std::shared_ptr<const RasterSource> raster = GdalRasterSource::open(req.raster, req.band);
    Crs crs = raster_crs(*raster);
    PolygonLayer zones =
        prepare_zones(req.zones, req.id_field, req.dissolve, crs, "raster '" + req.raster + "'",
                      req.policy, prep.threads, prep.progress);
    return ZonalJob(std::move(raster), std::move(crs), std::move(zones), req.job, prep);
}

namespace {
ZonalOptions engine_options(const ZonalJobOptions& o, const ExecutionContext& ctx) {
    ZonalOptions zo;
    zo.mode = parse_coverage_mode(o.mode);
    zo.threads = ctx.threads;
    zo.tile_size = o.tile_size;
    zo.progress = ctx.progress;
    zo.cancel = ctx.cancel;
    return zo;
}

// Zonal partials are exact integer sums: merging is addition, in any order.
class ZonalMerger final : public PartialMerger<ZonalResult, ZonalResult> {
  public:
    explicit ZonalMerger(const ZonalJob& job) : m_job(job) {}
    void add(ZonalResult&& part) override {
        if (m_first)
            m_merged = std::move(part);
        else
            m_merged.merge(part);
        m_first = false;
    }
    ZonalResult finish() override { return m_first ? m_job.run(0, 0, {}) : std::move(m_merged); }

  private:
    const ZonalJob& m_job;
    ZonalResult m_merged;
    bool m_first = true;
};
}  // namespace

std::size_t ZonalJob::task_count() const { return m_plan->tasks(); }

std::uint64_t ZonalJob::cost_of(std::size_t begin, std::size_t end) const {
    return m_plan->cost_of(begin, end);
}

ZonalResult ZonalJob::run(std::size_t begin, std::size_t end, const ExecutionContext& ctx,
                          ProgressSpan progress) const {
    ZonalOptions zo = engine_options(m_opts, ctx);
    zo.task_begin = begin;
    zo.task_end = end;
    return run_zonal(*m_raster, *m_zoneset, m_areas, *m_plan, zo, progress.done, progress.total);
}

TaskSpan ZonalJob::span_of(const ZonalResult& part) const {
    return TaskSpan{part.task_begin, part.task_begin + part.tasks_run};
}

std::unique_ptr<PartialMerger<ZonalResult, ZonalResult>> ZonalJob::merger() const {
    return std::make_unique<ZonalMerger>(*this);
}

ZonalResult ZonalJob::run_local(const ExecutionContext& ctx) const {
    return run(0, task_count(), ctx);
}

std::string ZonalJob::fingerprint() const {
    // Cheap but complete: options, the files of both datasets (path, size, mtime; a VRT's sources
    // included) and the prepared zones' names and bounds (not every vertex: hashing 50 M vertices
    // cost more than a tenth of the run).
    const RasterInfo& info = m_raster->info();
    BinaryWriter w;
    w.str("redline.zonal.checkpoint.v3");
    w.str(dataset_identity(info.path));
    w.i64(info.band);
    w.str(m_opts.mode);
    w.str(m_opts.classes);
    w.i64(m_opts.tile_size);
    w.str(dataset_identity(m_zones.path));
    w.str(m_zones.label);
    w.u64(m_zones.features);
    w.u64(m_zones.repaired);
    w.u64(m_zones.reprojected ? 1 : 0);
    write_zone_summary(w, m_zones.ids, *m_zoneset);
    return sha256_hex(w.take());
}

std::string ZonalJob::describe_plan() const {
    return m_plan->describe(m_raster->info()) +
           fmt::format("; {} zones, {} tasks; cell areas: {}; {}", m_zoneset->size(), task_count(),
                       m_areas.description(), m_memory_note);
}

ZonalReport ZonalJob::report(const ZonalResult& res) const {
    const RasterInfo& info = m_raster->info();
    ZonalReport rep;
    rep.warnings = m_warnings;
    rep.classes = m_classes;
    rep.zone_names = m_zones.ids;
    rep.area_model = m_areas.kind_name();
    rep.ellipsoid = m_areas.ellipsoid();
    if (res.tasks_run != res.tasks_total)
        fail(ErrorKind::Internal,
             fmt::format("zonal result covers {} of {} tasks; merge every partition "
                         "before reporting",
                         res.tasks_run, res.tasks_total));
    for (std::size_t z = 0; z < res.zones.size(); ++z) {
        const ZoneTally& zt = res.zones[z];
        Int128 valid = 0;
        for (const auto& [k, t] : zt.classes) valid += t.area;
        const double valid_m2 = res.scale.to_m2(valid);
        auto push = [&](bool nodata, std::int64_t k, const ClassTally& t) {
            if (t.area <= 0) return;
            ZonalRow row;
            row.zone = z;
            row.nodata = nodata;
            row.klass = k;
            row.area_m2 = res.scale.to_m2(t.area);
            row.share = valid_m2 > 0 ? row.area_m2 / valid_m2 : std::nan("");
            row.cells = coverage_to_cells(t.coverage);
            rep.rows.push_back(row);
        };
        for (const auto& [k, t] : zt.classes) push(false, k, t);
        push(true, 0, zt.nodata);
    }
    nlohmann::json raster_meta = {{"path", info.path},
                                  {"band", info.band},
                                  {"crs", info.crs_label},
                                  {"grid", info.grid.describe()},
                                  {"data_type", info.data_type}};
    if (info.nodata) raster_meta["nodata"] = *info.nodata;
    rep.meta = engine_provenance();
    rep.meta["command"] = "zonal";
    rep.meta["raster"] = raster_meta;
    rep.meta["zones"] = m_zones.describe(LayerRole::Zones);
    rep.meta["mode"] = m_opts.mode;
    rep.meta["area_model"] = {{"kind", m_areas.kind_name()},
                              {"description", m_areas.description()}};
    rep.meta["ellipsoid"] = m_areas.ellipsoid();
    rep.meta["area_unit"] = "m2";
    if (rep.classes) rep.meta["class_table"] = rep.classes->id();
    rep.meta["warnings"] = render_for_cli(rep.warnings);  // files: the CLI's words
    return rep;
}

std::string ZonalJob::serialize() const {
    if (m_geometry_released)
        fail(ErrorKind::Internal,
             "this zonal job released its zone geometry and cannot be serialized");
    const RasterInfo& info = m_raster->info();
    if (info.path.empty() || info.path == "<array>")
        fail(ErrorKind::Unsupported,
             "a zonal job on an in-memory array cannot be sent to other processes; write the array "
             "to "
             "a GeoTIFF on a shared filesystem first");
    BinaryWriter w;
    w.str("redline.zonal.job.v1");
    w.str(info.path);
    w.i64(info.band);
    w.str(m_opts.mode);
    w.str(m_opts.classes);
    w.i64(m_opts.tile_size);
    w.str(m_zones.serialize());
    return w.take();
}

ZonalJob ZonalJob::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    r.expect_magic("redline.zonal.job.v1");
    const std::string path = r.str();
    const int band = static_cast<int>(r.i64());
    ZonalJobOptions o;
    o.mode = r.str();
    o.classes = r.str();
    o.tile_size = r.i64();
    PolygonLayer zones = PolygonLayer::deserialize(r.str());
    std::shared_ptr<const RasterSource> raster = GdalRasterSource::open(path, band);
    return ZonalJob(std::move(raster), std::move(zones), o);
}

ZonalReport run_zonal_job(const ZonalRequest& req, const ExecutionContext& ctx) {
    ZonalJob job = ZonalJob::from_request(req, ctx);
    return job.report(job.run_local(ctx));
}

}  // namespace redline
