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
    if (!raster_names.empty()) spec.columns.push_back({raster_column, ColumnType::Text});
    for (auto c : std::initializer_list<Column>{{"zone", ColumnType::Text},
                                                {"class", ColumnType::Text},
                                                {"area_m2", ColumnType::Real},
                                                {"share", ColumnType::Real}})
        spec.columns.push_back(c);
    if (classes) spec.columns.push_back({"class_name", ColumnType::Text});
    spec.columns.push_back({"cells", ColumnType::Real});
    spec.columns.push_back({"area_model", ColumnType::Text});
    spec.columns.push_back({"ellipsoid", ColumnType::Text});
    return spec;
}

std::vector<Value> ZonalReport::row_values(const ZonalRow& row) const {
    std::vector<Value> v;
    v.reserve(9);
    if (!raster_names.empty()) v.emplace_back(raster_names[row.raster]);
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

// The file name of a path without its directory and last extension ("2020/lc.tif" -> "lc").
std::string file_stem(const std::string& path) {
    const std::size_t slash = path.find_last_of("/\\");
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    const std::size_t dot = name.find_last_of('.');
    if (dot != std::string::npos && dot > 0) name.resize(dot);
    return name;
}

// The rasters' names for the stack column: the caller's, or the file name stems (distinct).
std::vector<std::string> stack_labels(const std::vector<std::shared_ptr<const RasterSource>>& rs,
                                      const std::vector<std::string>& given) {
    if (rs.size() < 2) return {};
    if (!given.empty()) {
        if (given.size() != rs.size())
            fail(ErrorKind::Internal,
                 fmt::format("zonal: {} labels for {} rasters", given.size(), rs.size()));
        return given;
    }
    std::vector<std::string> out;
    for (std::size_t i = 0; i < rs.size(); ++i) {
        out.push_back(file_stem(rs[i]->info().path));
        for (std::size_t j = 0; j < i; ++j)
            if (out[j] == out[i])
                fail(ErrorKind::InvalidInput,
                     fmt::format(REDLINE_OPTION("raster") " '{}' and '{}' have the same file name "
                                                          "stem '{}', which names the rasters in "
                                                          "the raster column; give each raster a "
                                                          "distinct file name (a symbolic link "
                                                          "or a VRT will do)",
                                 rs[j]->info().path, rs[i]->info().path, out[i]));
    }
    return out;
}
}  // namespace

ZonalJob::ZonalJob(std::shared_ptr<const RasterSource> raster, PolygonLayer zones,
                   ZonalJobOptions opts, const ExecutionContext& prep)
    : ZonalJob(std::vector<std::shared_ptr<const RasterSource>>{raster}, raster_crs(*raster),
               std::move(zones), std::move(opts), prep) {}

ZonalJob::ZonalJob(std::vector<std::shared_ptr<const RasterSource>> rasters, PolygonLayer zones,
                   ZonalJobOptions opts, const ExecutionContext& prep)
    : ZonalJob(rasters, raster_crs(*rasters.at(0)), std::move(zones), std::move(opts), prep) {}

ZonalJob::ZonalJob(std::vector<std::shared_ptr<const RasterSource>> rasters, Crs crs,
                   PolygonLayer zones, ZonalJobOptions opts, const ExecutionContext& prep)
    : m_rasters(std::move(rasters)),
      m_raster(m_rasters.at(0)),
      m_crs(std::move(crs)),
      m_zones(std::move(zones)),
      m_opts(std::move(opts)) {
    const RasterInfo& info = m_raster->info();
    for (std::size_t r = 1; r < m_rasters.size(); ++r)
        require_same_grid(info, m_rasters[r]->info(), "the rasters of " REDLINE_OPTION("raster"),
                          "tabulate them together");
    m_opts.stack_labels = stack_labels(m_rasters, m_opts.stack_labels);
    m_warnings = m_zones.warnings;
    for (const auto& r : m_rasters)
        for (const auto& w : r->info().warnings) m_warnings.push_back(w);
    if (!m_opts.classes.empty()) m_classes = ClassTable::load(m_opts.classes);
    parse_coverage_mode(m_opts.mode);  // validates
    m_areas = CellAreaModel::build(info.grid, m_crs, prep.threads);
    for (const auto& w : m_areas.warnings()) m_warnings.push_back(w);
    if (m_opts.consume_geometry) {
        m_zoneset = std::make_shared<const ZoneSet>(info.grid, std::move(m_zones.geoms),
                                                    m_zones.ids, prep.progress, prep.threads);
        m_zones.geoms.clear();
        m_geometry_released = true;
    } else {
        m_zoneset =
            std::make_shared<const ZoneSet>(info.grid, m_zones.geoms, m_zones.ids, prep.threads);
    }
    PlanBudget budget;
    budget.max_memory = m_opts.max_memory;
    // Per raster a tile's values, validity and local classes (7 bytes a cell), plus the rest.
    budget.bytes_per_tile_cell = 3 + 7 * static_cast<std::int64_t>(m_rasters.size());
    for (std::size_t r = 1; r < m_rasters.size(); ++r)
        budget.extra_cache_bytes += m_rasters[r]->info().cache_bytes;
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
    if (req.rasters.empty())
        fail(ErrorKind::InvalidInput, "zonal: give a raster (" REDLINE_OPTION("raster") ")");
    std::vector<std::shared_ptr<const RasterSource>> rasters;
    for (const auto& path : req.rasters) rasters.push_back(GdalRasterSource::open(path, req.band));
    Crs crs = raster_crs(*rasters[0]);
    // Checked before the zones are read: a mismatch costs nothing.
    for (std::size_t r = 1; r < rasters.size(); ++r)
        require_same_grid(rasters[0]->info(), rasters[r]->info(),
                          "the rasters of " REDLINE_OPTION("raster"), "tabulate them together");
    if (req.job.stack_labels.empty()) stack_labels(rasters, {});
    PolygonLayer zones =
        prepare_zones(req.zones, req.id_field, req.dissolve, crs, "raster '" + req.rasters[0] + "'",
                      req.policy, prep.threads, prep.progress);
    return ZonalJob(std::move(rasters), std::move(crs), std::move(zones), req.job, prep);
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
    std::vector<const RasterSource*> rasters;
    for (const auto& r : m_rasters) rasters.push_back(r.get());
    return run_zonal(rasters, *m_zoneset, m_areas, *m_plan, zo, progress.done, progress.total);
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
    if (m_rasters.size() > 1) {
        w.u64(m_rasters.size());
        for (std::size_t r = 1; r < m_rasters.size(); ++r)
            w.str(dataset_identity(m_rasters[r]->info().path));
        w.str(m_opts.stack_column);
        for (const auto& l : m_opts.stack_labels) w.str(l);
    }
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
    const std::string stack =
        m_rasters.size() > 1
            ? fmt::format("; {} rasters on one grid, the zones rasterized once for all",
                          m_rasters.size())
            : std::string();
    return m_plan->describe(m_raster->info()) + stack +
           fmt::format("; {} zones, {} tasks; cell areas: {}; {}", m_zoneset->size(), task_count(),
                       m_areas.description(), m_memory_note);
}

ZonalReport ZonalJob::report(const ZonalResult& res) const {
    const RasterInfo& info = m_raster->info();
    ZonalReport rep;
    rep.warnings = m_warnings;
    rep.classes = m_classes;
    rep.zone_names = m_zones.ids;
    if (m_rasters.size() > 1) {
        rep.raster_column = m_opts.stack_column;
        rep.raster_names = m_opts.stack_labels;
    }
    rep.area_model = m_areas.kind_name();
    rep.ellipsoid = m_areas.ellipsoid();
    if (res.tasks_run != res.tasks_total)
        fail(ErrorKind::Internal,
             fmt::format("zonal result covers {} of {} tasks; merge every partition "
                         "before reporting",
                         res.tasks_run, res.tasks_total));
    const std::size_t nz = m_zoneset->size();
    for (std::size_t slot = 0; slot < res.zones.size(); ++slot) {
        const std::size_t z = nz ? slot % nz : 0;
        const ZoneTally& zt = res.zones[slot];
        Int128 valid = 0;
        for (const auto& [k, t] : zt.classes) valid += t.area;
        const double valid_m2 = res.scale.to_m2(valid);
        auto push = [&](bool nodata, std::int64_t k, const ClassTally& t) {
            if (t.area <= 0) return;
            ZonalRow row;
            row.raster = nz ? slot / nz : 0;
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
    auto raster_meta = [](const RasterInfo& ri) {
        nlohmann::json m = {{"path", ri.path},
                            {"band", ri.band},
                            {"crs", ri.crs_label},
                            {"grid", ri.grid.describe()},
                            {"data_type", ri.data_type}};
        if (ri.nodata) m["nodata"] = *ri.nodata;
        return m;
    };
    rep.meta = engine_provenance();
    rep.meta["command"] = "zonal";
    if (m_rasters.size() == 1) {
        rep.meta["raster"] = raster_meta(info);
    } else {
        nlohmann::json list = nlohmann::json::array();
        for (std::size_t r = 0; r < m_rasters.size(); ++r) {
            nlohmann::json m = {{m_opts.stack_column, m_opts.stack_labels[r]}};
            m.update(raster_meta(m_rasters[r]->info()));
            list.push_back(std::move(m));
        }
        rep.meta["rasters"] = std::move(list);
        rep.meta["zone_coverage"] = "computed once for all rasters (one pass)";
    }
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
    for (const auto& r : m_rasters)
        if (r->info().path.empty() || r->info().path == "<array>")
            fail(ErrorKind::Unsupported,
                 "a zonal job on an in-memory array cannot be sent to other processes; write the "
                 "array to a GeoTIFF on a shared filesystem first");
    const RasterInfo& info = m_raster->info();
    BinaryWriter w;
    // v1: one raster; v2: several (their paths, the column and labels after the options).
    w.str(m_rasters.size() == 1 ? "redline.zonal.job.v1" : "redline.zonal.job.v2");
    w.str(info.path);
    w.i64(info.band);
    w.str(m_opts.mode);
    w.str(m_opts.classes);
    w.i64(m_opts.tile_size);
    w.str(m_zones.serialize());
    if (m_rasters.size() > 1) {
        w.u64(m_rasters.size());
        for (std::size_t r = 0; r < m_rasters.size(); ++r) {
            w.str(m_rasters[r]->info().path);
            w.str(m_opts.stack_labels[r]);
        }
        w.str(m_opts.stack_column);
    }
    return w.take();
}

ZonalJob ZonalJob::deserialize(const std::string& bytes) {
    BinaryReader r(bytes);
    const std::string magic = r.str();
    if (magic != "redline.zonal.job.v1" && magic != "redline.zonal.job.v2")
        fail(ErrorKind::InvalidInput, "not a serialized zonal job (bad magic)");
    const std::string path = r.str();
    const int band = static_cast<int>(r.i64());
    ZonalJobOptions o;
    o.mode = r.str();
    o.classes = r.str();
    o.tile_size = r.i64();
    PolygonLayer zones = PolygonLayer::deserialize(r.str());
    std::vector<std::shared_ptr<const RasterSource>> rasters;
    if (magic == "redline.zonal.job.v1") {
        rasters.push_back(GdalRasterSource::open(path, band));
    } else {
        const std::size_t n = r.count();
        for (std::size_t i = 0; i < n; ++i) {
            rasters.push_back(GdalRasterSource::open(r.str(), band));
            o.stack_labels.push_back(r.str());
        }
        o.stack_column = r.str();
    }
    return ZonalJob(std::move(rasters), std::move(zones), o);
}

ZonalReport run_zonal_job(const ZonalRequest& req, const ExecutionContext& ctx) {
    ZonalJob job = ZonalJob::from_request(req, ctx);
    return job.report(job.run_local(ctx));
}

}  // namespace redline
