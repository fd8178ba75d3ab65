#include "redline/synth/synth_job.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <functional>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/raster_writer.hpp"
#include "redline/io/table_writer.hpp"
#include "redline/io/vector_convert.hpp"
#include "redline/io/vector_writer.hpp"
#include "redline/synth/synth.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

struct BlockPair {
    std::vector<std::uint8_t> t0, t1;
};

void write_rasters(const SynthScene& scene, const SynthRequest& req, const std::string& p0,
                   const std::string& p1) {
    const Grid grid = scene.grid();
    RasterWriteSpec spec;
    spec.grid = grid;
    spec.crs_wkt = kSynthCrs;
    spec.block = kSynthBlock;
    spec.nodata = 0;
    RasterWriter w0(p0, spec), w1(p1, spec);
    const std::int64_t bx = w0.blocks_x(), by = w0.blocks_y();
    const auto n_blocks = static_cast<std::size_t>(bx * by);
    const std::uint64_t total = static_cast<std::uint64_t>(grid.cells());
    std::uint64_t done = 0;
    std::function<BlockPair(std::size_t)> work = [&](std::size_t i) {
        const std::int64_t x = static_cast<std::int64_t>(i) % bx,
                           y = static_cast<std::int64_t>(i) / bx;
        Window w{x * kSynthBlock, y * kSynthBlock, 0, 0};
        w.cols = std::min(kSynthBlock, grid.cols() - w.col0);
        w.rows = std::min(kSynthBlock, grid.rows() - w.row0);
        const auto full = static_cast<std::size_t>(kSynthBlock * kSynthBlock);
        BlockPair out{std::vector<std::uint8_t>(full, 0), std::vector<std::uint8_t>(full, 0)};
        if (w.cols == kSynthBlock && w.rows == kSynthBlock) {
            scene.render(w, out.t0.data(), out.t1.data());
        } else {
            // An edge block: render the part inside the raster, pad the rest with nodata.
            std::vector<std::uint8_t> a(static_cast<std::size_t>(w.cells())), b(a.size());
            scene.render(w, a.data(), b.data());
            for (std::int64_t r = 0; r < w.rows; ++r) {
                std::copy_n(a.data() + r * w.cols, w.cols, out.t0.data() + r * kSynthBlock);
                std::copy_n(b.data() + r * w.cols, w.cols, out.t1.data() + r * kSynthBlock);
            }
        }
        return out;
    };
    std::function<void(std::size_t, BlockPair &&)> merge = [&](std::size_t i, BlockPair&& b) {
        const std::int64_t x = static_cast<std::int64_t>(i) % bx,
                           y = static_cast<std::int64_t>(i) / bx;
        w0.write_block(x, y, b.t0.data());
        w1.write_block(x, y, b.t1.data());
        const std::int64_t cols = std::min(kSynthBlock, grid.cols() - x * kSynthBlock);
        const std::int64_t rows = std::min(kSynthBlock, grid.rows() - y * kSynthBlock);
        done += static_cast<std::uint64_t>(cols * rows);
        if (req.progress) req.progress->update(done, total, "synth");
    };
    run_ordered<BlockPair>(n_blocks, req.options.threads, work, merge, req.cancel);
    if (req.progress) req.progress->finish();
    w0.commit();
    w1.commit();
}

void write_polygons(VectorWriter& out, const std::string& name,
                    const std::vector<SynthFeature>& layer, const std::vector<std::string>& fields,
                    const Grid& grid) {
    std::vector<Column> cols;
    for (const auto& f : fields) cols.push_back(Column{f, ColumnType::Text});
    out.begin_layer(name, GeometryKind::Polygon, kSynthCrs, cols);
    for (const auto& f : layer) {
        std::vector<Value> v;
        for (const auto& field : fields)
            v.emplace_back(field == "code" ? f.code : field == "name" ? f.name : f.type);
        out.write(v, synth_to_crs(f.shape, grid));
    }
}

void write_gpkg(const SynthScene& scene, const std::string& path) {
    const SynthGeometry& g = scene.geometry();
    const Grid grid = scene.grid();
    VectorWriter out(path);
    write_polygons(out, "redline", g.redline, {"code", "name"}, grid);
    write_polygons(out, "cropland", g.cropland, {"code", "name"}, grid);
    write_polygons(out, "protected", g.protected_areas, {"code", "name", "type"}, grid);
    write_polygons(out, "urban", g.urban, {"code", "name"}, grid);
    write_polygons(out, "permitted", scene.permitted(), {"code", "name", "type"}, grid);
    write_polygons(out, "land", {g.land}, {"code", "name"}, grid);
    write_polygons(out, "regions", g.regions, {"code", "name"}, grid);
    out.begin_layer("shoreline", GeometryKind::Line, kSynthCrs,
                    {Column{"code", ColumnType::Text}, Column{"type", ColumnType::Text},
                     Column{"island", ColumnType::Integer}});
    for (const auto& l : g.shoreline) {
        MultiLineString ml;
        ml.lines.push_back(synth_to_crs(l.points, grid));
        out.write({l.code, l.type, static_cast<std::int64_t>(l.island)}, ml);
    }
    out.commit();
}

void write_patches(const SynthScene& scene, const std::string& changes, const std::string& cells) {
    const Grid grid = scene.grid();
    const double cell_area = grid.dx() * -grid.dy();
    TableSpec spec;
    for (const auto& c : planted_change_columns()) {
        ColumnType t = ColumnType::Text;
        if (c == "patch_id" || c == "from" || c == "to" || c == "cells" || c == "col" || c == "row")
            t = ColumnType::Integer;
        if (c == "area_m2" || c == "x" || c == "y") t = ColumnType::Real;
        spec.columns.push_back(Column{c, t});
    }
    auto w = TableWriter::open(changes, spec, TableFormat::Csv, {});
    TableSpec cspec;
    cspec.columns = {Column{"patch_id", ColumnType::Integer}, Column{"col", ColumnType::Integer},
                     Column{"row", ColumnType::Integer},      Column{"x", ColumnType::Real},
                     Column{"y", ColumnType::Real},           Column{"from", ColumnType::Integer},
                     Column{"to", ColumnType::Integer}};
    auto wc = TableWriter::open(cells, cspec, TableFormat::Csv, {});
    for (const auto& p : scene.patches()) {
        double sx = 0, sy = 0;
        for (const auto& c : p.cells) {
            const double x = grid.x_of(static_cast<double>(c.col) + 0.5);
            const double y = grid.y_of(static_cast<double>(c.row) + 0.5);
            sx += x;
            sy += y;
            wc->write({p.id, c.col, c.row, x, y, static_cast<std::int64_t>(p.from),
                       static_cast<std::int64_t>(p.to)});
        }
        const auto n = static_cast<double>(p.cells.size());
        w->write({p.id, p.shape, static_cast<std::int64_t>(p.from), static_cast<std::int64_t>(p.to),
                  static_cast<std::int64_t>(p.cells.size()), n * cell_area, sx / n, sy / n,
                  p.cells[0].col, p.cells[0].row, p.layer, p.zone, p.in_redline, p.in_cropland,
                  p.in_protected, p.in_urban, p.in_permitted});
    }
    w->commit();
    wc->commit();
}

double round2(double v) { return std::round(v * 100.0) / 100.0; }

// One DLTB layer, generated and measured by chunks of cells so that memory stays bounded.
std::int64_t write_dltb(const SurveyScene& scene, bool t1, const std::string& path,
                        const std::string& crs_wkt, const ConcurrentAreaCalculator& calc,
                        const SynthRequest& req) {
    VectorWriter out(path);
    out.begin_layer("DLTB", GeometryKind::Polygon, crs_wkt,
                    {Column{"BSM", ColumnType::Integer}, Column{"TBBH", ColumnType::Text},
                     Column{"DLBM", ColumnType::Text}, Column{"DLMC", ColumnType::Text},
                     Column{"KCXS", ColumnType::Real}, Column{"TBMJ", ColumnType::Real},
                     Column{"KCMJ", ColumnType::Real}, Column{"TBDLMJ", ColumnType::Real}});
    constexpr std::int64_t kChunk = 65536;
    std::int64_t written = 0;
    for (std::int64_t c0 = 0; c0 < scene.cells(); c0 += kChunk) {
        if (req.cancel && req.cancel->cancelled())
            throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
        const std::int64_t c1 = std::min(scene.cells(), c0 + kChunk);
        std::vector<SurveyParcel> parcels;
        for (std::int64_t c = c0; c < c1; ++c) {
            if (!t1) {
                parcels.push_back(scene.parcel_t0(c));
            } else {
                for (auto& p : scene.parcels_t1(c)) parcels.push_back(std::move(p));
            }
        }
        std::vector<MultiPolygon> geoms;
        geoms.reserve(parcels.size());
        for (const auto& p : parcels) geoms.push_back(p.shape);
        const std::vector<double> areas = measure_areas(geoms, calc, req.options.threads);
        for (std::size_t k = 0; k < parcels.size(); ++k) {
            const SurveyParcel& p = parcels[k];
            const double tbmj = round2(areas[k]);
            const double kcmj = round2(tbmj * p.kcxs);
            out.write({p.bsm, std::to_string(p.bsm), p.dlbm, SurveyScene::name_of(p.dlbm), p.kcxs,
                       tbmj, kcmj, round2(tbmj - kcmj)},
                      std::move(geoms[k]));
        }
        written += static_cast<std::int64_t>(parcels.size());
        if (req.progress)
            req.progress->update(static_cast<std::uint64_t>(c1),
                                 static_cast<std::uint64_t>(scene.cells()),
                                 t1 ? "survey t1" : "survey t0");
    }
    out.commit();
    return written;
}

void write_survey(const SynthRequest& req, const std::function<std::string(const char*)>& path,
                  SynthReport& rep) {
    SurveyOptions so = req.survey;
    so.zones = req.options.zones;
    so.seed = req.options.seed;
    const SurveyScene scene(so);
    const std::string wkt = crs_from_user(kSurveyCrs);
    const ConcurrentAreaCalculator calc(make_crs(wkt, kSurveyCrs), 100.0, AreaConvention::Survey);
    // A GeoPackage, converted into a File Geodatabase or GBK shapefiles when asked for.
    const auto finish = [&](const char* gpkg, const char* gdb, const char* shp) {
        if (so.format == "gpkg") return path(gpkg);
        const std::string target = so.format == "gdb" ? path(gdb) : path(shp);
        convert_vector(path(gpkg), target,
                       so.format == "gdb" ? VectorFormat::FileGdb : VectorFormat::Shapefile,
                       so.format == "shp" ? "CP936" : "");
        std::error_code ec;
        fs::remove(path(gpkg), ec);
        return target;
    };
    const std::int64_t n0 = write_dltb(scene, false, path("survey_t0.gpkg"), wkt, calc, req);
    const std::string t0_path = finish("survey_t0.gpkg", "survey_t0.gdb", "survey_t0_shp");
    const Box e = scene.extent();
    rep.files.push_back(
        {t0_path,
         fmt::format("layer DLTB: {} parcels ({} x {} lattice of {} m) in {}, x {}..{}, y {}..{}, "
                     "TBMJ in the survey convention{}",
                     n0, scene.nx(), scene.ny(), so.parcel_size_m, kSurveyCrs, e.xmin, e.xmax,
                     e.ymin, e.ymax,
                     so.defects > 0 ? fmt::format(", {} deliberate defects", so.defects) : "")});
    const std::int64_t n1 = write_dltb(scene, true, path("survey_t1.gpkg"), wkt, calc, req);
    const std::string t1_path = finish("survey_t1.gpkg", "survey_t1.gdb", "survey_t1_shp");
    rep.files.push_back(
        {t1_path, fmt::format("layer DLTB: {} parcels a year later ({} planted changes)", n1,
                              scene.changes().size())});
    {
        VectorWriter out(path("survey_zones.gpkg"));
        out.begin_layer("redline", GeometryKind::Polygon, wkt,
                        {Column{"code", ColumnType::Text}, Column{"name", ColumnType::Text}});
        const auto zones = scene.zones();
        for (const auto& [code, shape] : zones) out.write({code, "zone " + code}, shape);
        out.commit();
        rep.files.push_back(
            {path("survey_zones.gpkg"), fmt::format("layer redline: {} zones", zones.size())});
    }
    {
        TableSpec spec;
        spec.columns = {{"change_id", ColumnType::Integer},
                        {"kind", ColumnType::Text},
                        {"t0_bsm", ColumnType::Integer},
                        {"t1_bsm", ColumnType::Integer},
                        {"from", ColumnType::Text},
                        {"to", ColumnType::Text},
                        {"x", ColumnType::Real},
                        {"y", ColumnType::Real}};
        auto w = TableWriter::open(path("survey_changes.csv"), spec, TableFormat::Csv, {});
        for (const auto& c : scene.changes())
            w->write({c.id, c.kind, c.t0_bsm, c.t1_bsm, c.from, c.to, c.location.x, c.location.y});
        w->commit();
        rep.files.push_back({path("survey_changes.csv"),
                             fmt::format("{} planted survey changes", scene.changes().size())});
    }
    {
        TableSpec spec;
        spec.columns = {{"bsm", ColumnType::Integer},
                        {"kind", ColumnType::Text},
                        {"scale", ColumnType::Real},
                        {"x", ColumnType::Real},
                        {"y", ColumnType::Real}};
        auto w = TableWriter::open(path("survey_defects.csv"), spec, TableFormat::Csv, {});
        for (const auto& d : scene.defects())
            w->write({d.bsm, d.kind, d.scale, d.location.x, d.location.y});
        w->commit();
        rep.files.push_back({path("survey_defects.csv"),
                             fmt::format("{} deliberate survey defects", scene.defects().size())});
    }
}

}  // namespace

const std::vector<std::string>& planted_change_columns() {
    static const std::vector<std::string> cols = {
        "patch_id", "shape", "from", "to",      "cells",    "area_m2",   "x",     "y",        "col",
        "row",      "layer", "zone", "redline", "cropland", "protected", "urban", "permitted"};
    return cols;
}

SynthReport run_synth_job(const SynthRequest& req) {
    req.options.validate();
    req.survey.validate();
    if (req.survey_only && req.survey.parcels == 0)
        fail(ErrorKind::InvalidInput, "" REDLINE_OPTION("survey_only") " needs " REDLINE_OPTION(
                                          "survey_parcels") " N (N > 0)");
    const fs::path dir(req.outdir);
    std::error_code ec;
    if (req.outdir.empty())
        fail(ErrorKind::InvalidInput, "synth: OUTDIR is empty; name a directory to write into");
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        fail(ErrorKind::Io,
             fmt::format("synth: '{}' exists and is not a directory; choose another OUTDIR",
                         req.outdir));
    if (!fs::exists(dir, ec)) {
        fs::create_directory(dir, ec);
        if (ec)
            fail(
                ErrorKind::Io,
                fmt::format("synth: cannot create directory '{}': {} (its parent must exist and be "
                            "writable)",
                            req.outdir, ec.message()));
    }
    const std::function<std::string(const char*)> path = [&](const char* name) {
        return (dir / name).string();
    };
    SynthReport rep;
    if (req.survey_only) {
        write_survey(req, path, rep);
        return rep;
    }
    const SynthScene scene(req.options);
    const SynthOptions& o = req.options;
    write_rasters(scene, req, path("lc_t0.tif"), path("lc_t1.tif"));
    const std::string grid_text = fmt::format("{} x {} cells of {} m, CLCD classes 1..9, nodata 0",
                                              o.size, o.size, o.cell_size_m);
    rep.files.push_back({path("lc_t0.tif"), "land cover t0: " + grid_text});
    rep.files.push_back({path("lc_t1.tif"), "land cover t1 (t0 + planted changes): " + grid_text});
    write_gpkg(scene, path("plan.gpkg"));
    const SynthGeometry& g = scene.geometry();
    rep.files.push_back(
        {path("plan.gpkg"),
         fmt::format("layers redline ({}), cropland ({}), protected ({}), urban ({}), permitted "
                     "({}), land (1), "
                     "regions ({}), shoreline ({})",
                     g.redline.size(), g.cropland.size(), g.protected_areas.size(), g.urban.size(),
                     scene.permitted().size(), g.regions.size(), g.shoreline.size())});
    write_patches(scene, path("planted_changes.csv"), path("planted_cells.csv"));
    rep.patches = scene.patches().size();
    for (const auto& p : scene.patches()) rep.changed_cells += p.cells.size();
    rep.files.push_back(
        {path("planted_changes.csv"), fmt::format("{} planted patches", rep.patches)});
    rep.files.push_back(
        {path("planted_cells.csv"), fmt::format("{} changed cells", rep.changed_cells)});
    if (req.survey.parcels > 0) write_survey(req, path, rep);
    return rep;
}

}  // namespace redline
