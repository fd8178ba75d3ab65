#include "redline/ops/tabulate/chunked_tabulate.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "redline/core/error.hpp"
#include "redline/geodesy/polygon_area.hpp"
#include "redline/io/layer_ref.hpp"
#include "redline/io/vector_layer.hpp"
#include "redline/layers/conform.hpp"
#include "redline/layers/land_use_layer.hpp"
#include "redline/ops/tabulate/area_check.hpp"
#include "redline/ops/tabulate/parcel_chunks.hpp"
#include "redline/ops/tabulate/tabulate_steps.hpp"

namespace redline::tabulate_detail {
namespace {

// The first vertex of a geometry as read (the point that assigns a parcel to its chunk).
std::optional<Point> first_vertex(const MultiPolygon& mp) {
    for (const auto& poly : mp.polygons)
        for (const auto& ring : poly.rings)
            if (!ring.empty()) return ring.front();
    return std::nullopt;
}

// Removes the last of `warnings` when it is `expected` (a chunk's count, which the run replaces
// by the layer's); false when the last one is another.
bool pop_warning(std::vector<std::string>& warnings, const std::string& expected) {
    if (warnings.empty() || warnings.back() != expected) return false;
    warnings.pop_back();
    return true;
}

}  // namespace

std::optional<TabulateReport> tabulate_by_chunks(const TabulateRequest& req,
                                                 const std::optional<LandUseCodes>& codes,
                                                 std::size_t per_chunk) {
    const LayerPolicy& policy = req.policy;
    const int threads = req.threads;
    const LayerRef ref = parse_layer_ref(req.landuse);
    const LayerScan scan = scan_layer(ref);
    if ((scan.driver != "GPKG" && scan.driver != "ESRI Shapefile" &&
         scan.driver != "OpenFileGDB") ||
        !scan.fast_spatial_filter || scan.features <= static_cast<std::int64_t>(per_chunk) ||
        scan.extent.empty())
        return std::nullopt;

    // The layer's CRS, text and warnings: a read whose filter, beyond the extent, returns none.
    LandUseReadOptions ro = read_options(req);
    ro.progress = nullptr;
    const double far =
        1 + (scan.extent.xmax - scan.extent.xmin) + (scan.extent.ymax - scan.extent.ymin);
    ro.spatial_filter = Box{scan.extent.xmax + far, scan.extent.ymax + far, scan.extent.xmax + far,
                            scan.extent.ymax + far};
    LandUseLayer head = read_land_use_layer(req.landuse, ro);
    if (!head.layer.geoms.empty()) return std::nullopt;
    Setup setup = set_up(req, codes, head);
    const PolygonLayer& zones = setup.zones;
    TabulateReport& rep = setup.rep;
    const ConcurrentAreaCalculator& calc = setup.calc;
    rep.parcels = static_cast<std::size_t>(scan.features);
    std::optional<ConcurrentAreaCalculator> survey;
    std::string check_method = rep.area_method;
    if (!req.check_field.empty() && rep.convention != AreaConvention::Survey) {
        survey.emplace(head.layer.crs, policy.densify_m, AreaConvention::Survey);
        check_method = survey->prototype().description();
    }
    const std::vector<double> zone_areas = measure_areas(zones.geoms, calc, threads);

    // Each zone belongs to the cell of its bounding box's centre.
    const ParcelChunkGrid grid(scan.extent, scan.features, per_chunk);
    std::vector<std::vector<std::size_t>> cell_zones(grid.size());
    for (std::size_t z = 0; z < zones.size(); ++z) {
        const Box b = zones.geoms[z].bounds();
        const Point c = b.empty() ? Point{scan.extent.xmin, scan.extent.ymin}
                                  : Point{(b.xmin + b.xmax) / 2, (b.ymin + b.ymax) / 2};
        cell_zones[grid.cell_of(c)].push_back(z);
    }

    // One open dataset answers every cell's Q (the filtered read of B opens its own).
    FilteredExtents extents(ref);
    const auto features = static_cast<std::uint64_t>(scan.features);
    ZoneTotals t;
    t.sums.resize(zones.size());
    t.uncovered = zone_areas;  // zones no parcel meets
    AreaCheck check;
    std::vector<std::pair<std::int64_t, AreaCheckRow>> check_rows;
    std::int64_t owned_total = 0;
    std::size_t no_coefficient_total = 0, repaired_total = 0;
    for (std::size_t cell = 0; cell < grid.size(); ++cell) {
        if (req.cancel && req.cancel->cancelled())
            throw Error(ErrorKind::Cancelled, "interrupted; no output was written");
        // Progress in parcels: those owned by the cells done so far.
        if (req.progress)
            req.progress->update(std::min(static_cast<std::uint64_t>(owned_total), features),
                                 features, "tabulate chunks");
        // Q: the cell and its zones. Every parcel owned here (its first vertex in the cell) or
        // meeting one of these zones meets Q; B, the box of the parcels meeting Q, holds them,
        // so the parcels meeting B include every parcel that overlaps one of them.
        Box q = grid.rect(cell);
        for (std::size_t z : cell_zones[cell]) q.expand(zones.geoms[z].bounds());
        const Box b = extents.of(q);
        if (b.empty()) continue;
        ro.spatial_filter = b;
        LandUseLayer lu = read_land_use_layer(req.landuse, ro);  // in feature-id order
        const std::size_t n = lu.layer.size();
        std::vector<std::uint8_t> own(n, 0);
        for (std::size_t i = 0; i < n; ++i) {
            const auto v = first_vertex(lu.layer.geoms[i]);
            if (v && grid.cell_of(*v) == cell) {
                own[i] = 1;
                ++owned_total;
            }
        }
        // Parcels without a deduction coefficient: the read's warning counts the chunk's; the
        // layer's is the count of every chunk's own ones, added at the end.
        if (!lu.no_coefficient.empty()) {
            std::size_t read = 0;
            for (std::size_t i = 0; i < n; ++i)
                if (lu.no_coefficient[i]) {
                    ++read;
                    if (own[i]) ++no_coefficient_total;
                }
            if (read > 0 && !pop_warning(lu.layer.warnings,
                                         no_coefficient_warning(lu.text, read, req.deduct_field)))
                throw NotChunkable{};
        }
        apply_level(lu, req);
        // Geometries repaired (--make-valid): each parcel is repaired alike in every chunk that
        // reads it; the layer's count is that of every chunk's own ones, added at the end.
        std::vector<std::size_t> repaired;
        conform(lu.layer, lu.layer.crs, lu.text, policy, threads, nullptr, &repaired);
        if (!repaired.empty() &&
            !pop_warning(lu.layer.warnings, make_valid_warning(repaired.size(), lu.layer.label)))
            throw NotChunkable{};
        for (std::size_t i : repaired)
            if (own[i]) ++repaired_total;
        if (lu.layer.warnings != head.layer.warnings) throw NotChunkable{};

        std::vector<double> parcel_areas = measure_areas(lu.layer.geoms, calc, threads);
        if (!req.check_field.empty()) {
            std::vector<double> survey_areas;
            if (survey) survey_areas = measure_areas(lu.layer.geoms, *survey, threads);
            AreaCheck c = check_parcel_areas(req.check_field, req.check_tolerance, lu.layer.ids,
                                             lu.classes, lu.layer.geoms, lu.recorded,
                                             survey ? survey_areas : parcel_areas, own);
            check.checked += c.checked;
            check.missing += c.missing;
            check.max_abs_difference_m2 =
                std::max(check.max_abs_difference_m2, c.max_abs_difference_m2);
            // The layer has no id field: a parcel's id is its feature id.
            for (auto& r : c.rows) check_rows.emplace_back(std::stoll(r.parcel), std::move(r));
        }
        OverlapResolveOptions oro = overlap_resolve_options(req);
        oro.on_overlap = OnOverlap::First;
        oro.progress = nullptr;
        if (resolve_land_use_overlaps(lu, parcel_areas, calc, oro).overlaps > 0)
            throw NotChunkable{};

        std::vector<MultiPolygon> zgeoms;
        std::vector<double> zareas;
        for (std::size_t z : cell_zones[cell]) {
            zgeoms.push_back(zones.geoms[z]);
            zareas.push_back(zone_areas[z]);
        }
        if (!zgeoms.empty())
            add_zone_pieces(zgeoms, zareas, cell_zones[cell], zones, lu, parcel_areas, calc, req,
                            nullptr, t);
    }
    if (owned_total != scan.features) throw NotChunkable{};
    if (req.progress) req.progress->update(features, features, "tabulate chunks");
    // Where the whole layer's read and conform put them: last of the layer's own warnings (the
    // read's, then conform's), which open the report's (tabulate_steps start_report).
    std::vector<std::string> layer_warnings;
    if (no_coefficient_total > 0)
        layer_warnings.push_back(
            no_coefficient_warning(head.text, no_coefficient_total, req.deduct_field));
    if (repaired_total > 0)
        layer_warnings.push_back(make_valid_warning(repaired_total, head.layer.label));
    rep.warnings.insert(
        rep.warnings.begin() + static_cast<std::ptrdiff_t>(head.layer.warnings.size()),
        layer_warnings.begin(), layer_warnings.end());
    head.layer.repaired = repaired_total;

    if (!req.check_field.empty()) {
        std::stable_sort(check_rows.begin(), check_rows.end(),
                         [](const auto& x, const auto& y) { return x.first < y.first; });
        check.field = req.check_field;
        check.tolerance = req.check_tolerance;
        for (auto& [fid, r] : check_rows) check.rows.push_back(std::move(r));
        attach_check(rep, std::move(check), head, req);
    }
    head.layer.features = static_cast<std::size_t>(scan.features);
    finish_report(rep, req, zones, t, codes, head.text, head.layer.describe(LayerRole::Overlay),
                  check_method);
    return std::move(rep);
}

}  // namespace redline::tabulate_detail
