#include "redline/ops/zonal_job.hpp"

#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/coverage/zone_set.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/geodesy/proj_version.hpp"
#include "redline/geom/validity.hpp"
#include "redline/io/gdal_raster_source.hpp"
#include "redline/ops/zonal.hpp"

namespace redline {

nlohmann::json engine_provenance() {
    return nlohmann::json{{"engine", std::string("redline ") + REDLINE_VERSION},
                          {"libraries", {gdal_version(), geos_version(), proj_version()}}};
}

TableSpec ZonalReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "zonal";
    spec.columns = {{"zone", ColumnType::Text}, {"class", ColumnType::Text},
                    {"area_m2", ColumnType::Real, 6}, {"share", ColumnType::Real, 12}};
    if (classes) spec.columns.push_back({"class_name", ColumnType::Text});
    spec.columns.push_back({"cells", ColumnType::Real, 6});
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
        if (row.nodata) v.emplace_back(std::string("nodata"));
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
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json, TableFormat::Gpkg}, "--output");
    auto w = TableWriter::open(output, table_spec(), f, meta);
    for (const auto& r : rows) w->write(row_values(r));
    w->commit();
}

ZonalReport zonal_report(const RasterSource& raster, const PreparedZones& zones, const ZonalJobOptions& opts) {
    const RasterInfo& info = raster.info();
    ZonalReport rep;
    rep.warnings = zones.warnings;
    for (const auto& w : info.warnings) rep.warnings.push_back(w);
    if (!opts.classes.empty()) rep.classes = ClassTable::load(opts.classes);
    ZonalOptions zo;
    zo.mode = parse_coverage_mode(opts.mode);
    zo.threads = opts.threads;
    zo.tile_size = opts.tile_size;
    zo.progress = opts.progress;
    zo.cancel = opts.cancel;

    const CellAreaModel areas = CellAreaModel::build(info.grid, info.crs_wkt, opts.threads);
    for (const auto& w : areas.warnings()) rep.warnings.push_back(w);
    const ZoneSet zs(info.grid, zones.geoms, zones.names);
    std::size_t outside = 0;
    std::vector<std::string> outside_names;
    for (std::size_t z = 0; z < zs.size(); ++z)
        if (zs.zone(z).window.empty()) {
            ++outside;
            if (outside_names.size() < 10) outside_names.push_back(zones.names[z]);
        }
    if (zs.size() > 0 && outside == zs.size())
        rep.warnings.push_back(fmt::format("no zone of layer '{}' touches the raster '{}' (extent {}); "
                                           "the table is empty",
                                           zones.label, info.path, info.grid.describe()));
    else if (outside > 0)
        rep.warnings.push_back(fmt::format("{} zone(s) of layer '{}' do not touch the raster and have no "
                                           "rows: {}{}",
                                           outside, zones.label, fmt::join(outside_names, ", "),
                                           outside > outside_names.size() ? ", ..." : ""));

    const ZonalResult res = run_zonal(raster, zs, areas, zo);
    rep.zone_names = zones.names;
    rep.area_model = areas.kind_name();
    rep.ellipsoid = areas.ellipsoid();
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
    rep.meta["zones"] = zones.describe();
    rep.meta["mode"] = coverage_mode_name(zo.mode);
    rep.meta["area_model"] = {{"kind", areas.kind_name()}, {"description", areas.description()}};
    rep.meta["ellipsoid"] = areas.ellipsoid();
    rep.meta["area_unit"] = "m2";
    if (rep.classes) rep.meta["class_table"] = rep.classes->id();
    rep.meta["warnings"] = rep.warnings;
    return rep;
}

ZonalReport run_zonal_job(const ZonalRequest& req) {
    auto raster = GdalRasterSource::open(req.raster, req.band);
    const RasterInfo& info = raster->info();
    ZonePrepOptions prep = req.prep;
    if (prep.threads == 0) prep.threads = req.job.threads;
    prep.target_name = "raster '" + req.raster + "'";
    PreparedZones zones = prepare_zones(req.zones, info.crs_wkt, info.crs_label, prep);
    return zonal_report(*raster, zones, req.job);
}

}  // namespace redline
