#include "redline/io/vector_layer.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <fmt/format.h>
#include <ogrsf_frmts.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <exception>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "gdal_util.hpp"
#include "geopackage_queries.hpp"
#include "layer_text.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text.hpp"
#include "redline/core/text_encoding.hpp"
#include "redline/exec/ordered_executor.hpp"
#include "redline/io/crs.hpp"
#include "redline/io/strict_decoder.hpp"

namespace redline {
namespace {

// A GeoPackage layer is read by ranges of feature ids when it spans at least two ranges of this
// many ids (smaller layers read in well under a second on one thread).
constexpr std::int64_t kMinRangeIds = 4096;

// Whether the geometry's bounding box meets the rectangle (closed); false for none or empty.
bool box_meets(const OGRGeometry* g, const Box& r) {
    if (!g || g->IsEmpty()) return false;
    OGREnvelope e;
    g->getEnvelope(&e);
    return e.MaxX >= r.xmin && e.MinX <= r.xmax && e.MaxY >= r.ymin && e.MinY <= r.ymax;
}

// The layer's CRS, or null when it declares none. A GeoPackage layer written without a CRS
// carries the placeholder srs_id 0 or -1, which GDAL reports as "Undefined geographic SRS" /
// "Undefined Cartesian SRS": that is no CRS (taking it as lon/lat would misread projected
// coordinates and ignore --layer-crs).
const OGRSpatialReference* declared_srs(OGRLayer* layer) {
    const OGRSpatialReference* srs = layer->GetSpatialRef();
    if (!srs) return nullptr;
    const char* name = srs->GetName();
    if (name && (std::string(name) == "Undefined geographic SRS" ||
                 std::string(name) == "Undefined Cartesian SRS"))
        return nullptr;
    return srs;
}

struct DsCloser {
    void operator()(GDALDataset* ds) const { GDALClose(GDALDataset::ToHandle(ds)); }
};
using DsPtr = std::unique_ptr<GDALDataset, DsCloser>;

enum class Want { Polygons, Lines };

// Rings are closed here (the last point joined to the first) when the source left them open;
// `unclosed` counts them so that the reader can say so.
Ring to_ring(const OGRLinearRing* r, int& unclosed) {
    Ring ring;
    const int n = r->getNumPoints();
    ring.reserve(static_cast<std::size_t>(n) + 1);
    for (int i = 0; i < n; ++i) ring.push_back(Point{r->getX(i), r->getY(i)});
    if (!ring.empty() && !(ring.front() == ring.back())) {
        ring.push_back(ring.front());
        ++unclosed;
    }
    return ring;
}

void add_polygon(const OGRPolygon* p, MultiPolygon& out, int& unclosed) {
    if (p->IsEmpty()) return;
    Polygon poly;
    poly.rings.push_back(to_ring(p->getExteriorRing(), unclosed));
    for (int i = 0; i < p->getNumInteriorRings(); ++i)
        poly.rings.push_back(to_ring(p->getInteriorRing(i), unclosed));
    out.polygons.push_back(std::move(poly));
}

// Returns "" on success or the offending geometry type name.
std::string convert_polygonal(const OGRGeometry* g, MultiPolygon& out, int& unclosed) {
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbPolygon:
            add_polygon(g->toPolygon(), out, unclosed);
            return {};
        case wkbMultiPolygon:
            for (const auto* p : *g->toMultiPolygon()) add_polygon(p, out, unclosed);
            return {};
        case wkbCurvePolygon:
        case wkbMultiSurface: {
            std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
            return lin ? convert_polygonal(lin.get(), out, unclosed)
                       : std::string(g->getGeometryName());
        }
        case wkbGeometryCollection: {
            for (const auto* m : *g->toGeometryCollection()) {
                auto bad = convert_polygonal(m, out, unclosed);
                if (!bad.empty()) return std::string("GeometryCollection containing ") + bad;
            }
            return {};
        }
        default:
            return OGRGeometryTypeToName(wkbFlatten(g->getGeometryType()));
    }
}

void add_line(const OGRLineString* l, MultiLineString& out) {
    if (l->IsEmpty()) return;
    LineString line;
    line.reserve(static_cast<std::size_t>(l->getNumPoints()));
    for (int i = 0; i < l->getNumPoints(); ++i) line.push_back(Point{l->getX(i), l->getY(i)});
    out.lines.push_back(std::move(line));
}

std::string convert_lineal(const OGRGeometry* g, MultiLineString& out) {
    switch (wkbFlatten(g->getGeometryType())) {
        case wkbLineString:
            add_line(g->toLineString(), out);
            return {};
        case wkbMultiLineString:
            for (const auto* l : *g->toMultiLineString()) add_line(l, out);
            return {};
        case wkbCircularString:
        case wkbCompoundCurve:
        case wkbMultiCurve: {
            std::unique_ptr<OGRGeometry> lin(g->getLinearGeometry());
            return lin ? convert_lineal(lin.get(), out) : std::string(g->getGeometryName());
        }
        case wkbGeometryCollection: {
            for (const auto* m : *g->toGeometryCollection()) {
                auto bad = convert_lineal(m, out);
                if (!bad.empty()) return std::string("GeometryCollection containing ") + bad;
            }
            return {};
        }
        default:
            return OGRGeometryTypeToName(wkbFlatten(g->getGeometryType()));
    }
}

// Bounds of plausible coordinates: a geographic CRS holds longitudes in [-540, 540] and latitudes
// in [-90, 90] degrees; no projected CRS of the Earth reaches 1e9 of its units from its origin.
// Anything beyond (1e300, NaN, swapped lon/lat axes) is corrupt data, and would otherwise give
// meaningless areas or overflow cell indices downstream.
struct CoordinateBounds {
    bool geographic = false;
    double deg_per_unit = 1.0;
    bool known = false;  // a CRS is known (else only finiteness is checked)

    // "" when p is plausible, else what is wrong with it.
    std::string check(double x, double y) const {
        if (!std::isfinite(x) || !std::isfinite(y)) return "is not finite";
        if (!known) return {};
        if (geographic) {
            const double lon = x * deg_per_unit, lat = y * deg_per_unit;
            if (std::abs(lat) > 90.0 + 1e-9)
                return fmt::format(
                    "has latitude {:.10g} beyond +-90 degrees (are longitude and latitude "
                    "swapped?)",
                    lat);
            if (std::abs(lon) > 540.0)
                return fmt::format("has longitude {:.10g} beyond +-540 degrees", lon);
            return {};
        }
        if (std::abs(x) > 1e9 || std::abs(y) > 1e9)
            return "lies more than 1e9 units from the origin of a projected CRS";
        return {};
    }
};

template <class Points>
std::string first_implausible(const Points& pts, const CoordinateBounds& bounds, Point& where) {
    for (const auto& p : pts) {
        auto why = bounds.check(p.x, p.y);
        if (!why.empty()) {
            where = p;
            return why;
        }
    }
    return {};
}

std::vector<std::string> layer_names(GDALDataset* ds) {
    std::vector<std::string> names;
    for (int i = 0; i < ds->GetLayerCount(); ++i) names.push_back(ds->GetLayer(i)->GetName());
    return names;
}

std::vector<std::string> field_names(OGRFeatureDefn* defn) {
    std::vector<std::string> names;
    for (int i = 0; i < defn->GetFieldCount(); ++i)
        names.push_back(defn->GetFieldDefn(i)->GetNameRef());
    return names;
}

int find_field(OGRLayer* layer, const std::string& field, const std::string& what,
               const VectorLayer& vl) {
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    const int idx = defn->GetFieldIndex(field.c_str());
    if (idx < 0) {
        auto names = field_names(defn);
        fail(ErrorKind::InvalidInput,
             fmt::format("layer '{}' in '{}' has no field '{}' ({}); its fields are: {}", vl.label,
                         vl.ref.path, field, what,
                         names.empty() ? std::string("none") : text::join_limited(names, 30)));
    }
    return idx;
}

// A shapefile whose .dbf is unreadable is opened by GDAL without its attributes and without a
// word (DBFOpen failing is not an error for the driver): ids, groups and classes would silently
// become feature numbers. GDAL then leaves the .dbf out of the dataset's file list.
void check_shapefile_attributes(GDALDataset* ds, const std::string& path) {
    if (!ds->GetDriver() || std::string(ds->GetDriver()->GetDescription()) != "ESRI Shapefile")
        return;
    const std::string ext = CPLGetExtension(path.c_str());
    if (!EQUAL(ext.c_str(), "shp")) return;
    std::string dbf;
    for (const char* e : {"dbf", "DBF"}) {
        VSIStatBufL st;
        const std::string cand = CPLResetExtension(path.c_str(), e);
        if (dbf.empty() && VSIStatL(cand.c_str(), &st) == 0) dbf = cand;
    }
    if (dbf.empty()) return;  // no attribute table at all: features are named by their ids
    bool listed = false;
    char** files = ds->GetFileList();
    for (char** f = files; f && *f; ++f)
        if (EQUAL(CPLGetFilename(*f), CPLGetFilename(dbf.c_str()))) listed = true;
    CSLDestroy(files);
    if (!listed)
        fail(ErrorKind::Io,
             fmt::format("cannot read the attribute table '{}' of the shapefile '{}': GDAL "
                         "cannot open it (corrupt, truncated or not a dBASE file); restore it "
                         "from the original data",
                         dbf, path));
}

bool is_shapefile(GDALDataset* ds) {
    return ds->GetDriver() && std::string(ds->GetDriver()->GetDescription()) == "ESRI Shapefile";
}

DsPtr open_vector(const LayerRef& ref, const std::string& encoding,
                  const detail::GdalErrorCapture& cap) {
    CPLStringList options;
    if (!encoding.empty()) options.SetNameValue("ENCODING", encoding.c_str());
    DsPtr ds(GDALDataset::FromHandle(
        GDALOpenEx(ref.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR,
                   nullptr, encoding.empty() ? nullptr : options.List(), nullptr)));
    if (!ds) {
        VSIStatBufL st;
        if (VSIStatL(ref.path.c_str(), &st) != 0)
            fail(ErrorKind::Io, fmt::format("cannot open layer '{}': no such file '{}'{}", ref.text,
                                            ref.path, detail::gdal_reason(cap)));
        fail(
            ErrorKind::Io,
            fmt::format("cannot open '{}' as a vector dataset: GDAL does not recognise it or it is "
                        "corrupt{}",
                        ref.path, detail::gdal_reason(cap)));
    }
    return ds;
}

OGRLayer* select_layer(GDALDataset* ds, const LayerRef& ref) {
    if (ref.layer.empty()) {
        if (ds->GetLayerCount() == 0)
            fail(ErrorKind::InvalidInput, fmt::format("'{}' holds no vector layer", ref.path));
        if (ds->GetLayerCount() > 1)
            fail(ErrorKind::InvalidInput,
                 fmt::format("'{}' holds {} layers ({}); name one as '{}:LAYER'", ref.path,
                             ds->GetLayerCount(), text::join_limited(layer_names(ds), 20),
                             ref.path));
        return ds->GetLayer(0);
    }
    OGRLayer* layer = ds->GetLayerByName(ref.layer.c_str());
    if (!layer)
        fail(ErrorKind::InvalidInput,
             fmt::format("'{}' has no layer '{}'; its layers are: {}", ref.path, ref.layer,
                         text::join_limited(layer_names(ds), 30)));
    return layer;
}

VectorLayer read_layer(const LayerRef& ref, const LayerReadOptions& opts, Want want) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    VectorLayer vl;
    vl.ref = ref;
    vl.label = ref.label();
    if (!opts.encoding.empty() && !StrictDecoder::known(opts.encoding))
        StrictDecoder(opts.encoding, opts.encoding_option);  // fails, naming the option
    DsPtr ds = open_vector(ref, "", cap);
    OGRLayer* layer = select_layer(ds.get(), ref);
    vl.layer_name = layer->GetName();
    if (ref.layer.empty()) vl.label = ref.label();
    check_shapefile_attributes(ds.get(), ref.path);

    // Text encoding: a shapefile is reopened with GDAL's ENCODING option when one is given or
    // detected.
    detail::LayerText text_src;
    text_src.layer_text = fmt::format("layer '{}' in '{}'", vl.label, ref.path);
    text_src.shapefile = is_shapefile(ds.get());
    text_src.option = opts.encoding_option;
    if (text_src.shapefile) {
        text_src.dbf = detail::dbf_of_layer(ds.get(), layer);
        const detail::EncodingChoice choice =
            detail::choose_shapefile_encoding(text_src.dbf, opts.encoding, opts.encoding_option);
        if (!choice.open_encoding.empty()) {
            layer = nullptr;
            ds.reset();
            ds = open_vector(ref, choice.open_encoding, cap);
            layer = select_layer(ds.get(), ref);
        }
        detail::describe_source(text_src, layer, opts.encoding, choice);
        if (!choice.warning.empty()) vl.warnings.push_back(choice.warning);
        vl.text_encoding_warning = choice.warning;
    }
    detail::check_field_names(text_src, layer->GetLayerDefn());
    const OGRSpatialReference* srs = declared_srs(layer);
    if (srs) {
        vl.crs_wkt = crs_to_wkt(srs);
    } else if (!opts.assign_crs.empty()) {
        vl.crs_wkt = crs_from_user(opts.assign_crs);
        vl.crs_assigned = true;
    }
    vl.crs_label = crs_label_of(vl.crs_wkt);
    CoordinateBounds bounds;
    if (!vl.crs_wkt.empty()) {
        OGRSpatialReference s;
        if (s.importFromWkt(vl.crs_wkt.c_str()) == OGRERR_NONE &&
            (s.IsGeographic() || s.IsProjected())) {
            bounds.known = true;
            bounds.geographic = s.IsGeographic() != 0;
            if (bounds.geographic) bounds.deg_per_unit = s.GetAngularUnits(nullptr) * 180.0 / M_PI;
        }
    }

    const int id_idx =
        opts.id_field.empty() ? -1 : find_field(layer, opts.id_field, REDLINE_OPTION("id"), vl);
    const int group_idx = opts.group_field.empty() ? -1
                                                   : find_field(layer, opts.group_field,
                                                                REDLINE_OPTION("dissolve_by"), vl);
    std::vector<int> extra_idx;
    for (std::size_t k = 0; k < opts.extra_fields.size(); ++k)
        extra_idx.push_back(find_field(layer, opts.extra_fields[k],
                                       k < opts.extra_field_options.size()
                                           ? opts.extra_field_options[k]
                                           : std::string("field"),
                                       vl));
    {
        std::vector<int> read_fields = extra_idx;
        read_fields.push_back(id_idx);
        read_fields.push_back(group_idx);
        detail::check_dbf_bytes(text_src, layer->GetLayerDefn(), read_fields);
    }
    // Every value read must be UTF-8 (the text a format stores, or what GDAL decoded).
    auto text_of = [&](OGRFeature& feat, int idx, const std::string& field) {
        std::string v = feat.GetFieldAsString(idx);
        if (!text::is_valid_utf8(v))
            detail::fail_undecodable(
                text_src,
                fmt::format("the value of field '{}' in feature {}", field, feat.GetFID()), v);
        return v;
    };

    std::vector<std::string> wrong_type, null_ids, unclosed_ids, short_line_ids;
    std::map<std::string, std::int64_t> seen;
    std::vector<std::string> duplicates;
    if (opts.spatial_filter)
        layer->SetSpatialFilterRect(opts.spatial_filter->xmin, opts.spatial_filter->ymin,
                                    opts.spatial_filter->xmax, opts.spatial_filter->ymax);
    layer->ResetReading();
    const std::size_t errors_before = cap.messages().size();
    const GIntBig expected =
        opts.progress ? layer->GetFeatureCount(FALSE) : -1;  // -1: no fast count

    // Features are read on this thread (GDAL datasets are not thread-safe) in chunks; each chunk is
    // converted (fields, OGR geometry -> engine geometry, coordinate checks) on up to opts.threads
    // threads, then merged on this thread in feature order. The first failure in feature order
    // wins, GDAL's messages keep their order, and the result is the same for any number of threads.
    struct Record {
        std::int64_t fid = 0;
        std::string id, group;
        bool null_id = false;
        std::vector<std::string> extras;
        MultiPolygon mp;
        MultiLineString ml;
        bool empty = false;
        std::string bad;  // wrong geometry type
        int unclosed = 0;
        bool short_line = false;
        std::exception_ptr error;                // the feature's first failure
        std::vector<std::string> read_messages;  // GDAL errors while reading it
        std::vector<std::string> messages;       // GDAL errors while converting it
    };
    auto convert = [&](OGRFeature& feat, Record& rec) {
        const std::int64_t fid = rec.fid;
        if (id_idx >= 0) {
            if (!feat.IsFieldSetAndNotNull(id_idx))
                rec.null_id = true;
            else
                rec.id = text_of(feat, id_idx, opts.id_field);
        } else {
            rec.id = std::to_string(fid);
        }
        const std::string& id = rec.id;
        if (group_idx >= 0) {
            if (!feat.IsFieldSetAndNotNull(group_idx))
                fail(ErrorKind::InvalidInput,
                     fmt::format("feature {} of layer '{}' in '{}' has no value in " REDLINE_OPTION(
                                     "dissolve_by") " "
                                                    "field '{}'; "
                                                    "fill it or filter the layer",
                                 fid, vl.label, ref.path, opts.group_field));
            rec.group = text_of(feat, group_idx, opts.group_field);
        }
        for (std::size_t k = 0; k < extra_idx.size(); ++k)
            rec.extras.push_back(feat.IsFieldSetAndNotNull(extra_idx[k])
                                     ? text_of(feat, extra_idx[k], opts.extra_fields[k])
                                     : std::string());
        const OGRGeometry* g = feat.GetGeometryRef();
        if (!g || g->IsEmpty()) {
            rec.empty = true;
            return;
        }
        MultiPolygon& mp = rec.mp;
        MultiLineString& ml = rec.ml;
        rec.bad = (want == Want::Polygons) ? convert_polygonal(g, mp, rec.unclosed)
                                           : convert_lineal(g, ml);
        if (!rec.bad.empty()) {
            mp = MultiPolygon{};
            ml = MultiLineString{};
        }
        for (const auto& l : ml.lines)
            if (l.size() < 2) {
                rec.short_line = true;
                break;
            }
        // validate reports implausible coordinates itself (outside_crs_area) and reads
        // leniently.
        if (!opts.allow_invalid_types) {
            Point where;
            std::string why;
            for (const auto& p : mp.polygons)
                for (const auto& r : p.rings)
                    if (why.empty()) why = first_implausible(r, bounds, where);
            for (const auto& l : ml.lines)
                if (why.empty()) why = first_implausible(l, bounds, where);
            if (!why.empty())
                fail(ErrorKind::InvalidInput,
                     fmt::format(
                         "layer '{}' in '{}': feature '{}' (fid {}) has the coordinate "
                         "({:.10g}, "
                         "{:.10g}), which {} in {}: the coordinates are corrupt or in another "
                         "CRS than the layer declares; check the layer with 'redline validate'",
                         vl.label, ref.path, id, fid, where.x, where.y, why, vl.crs_label));
        }
    };
    // On a worker thread: GDAL's messages go to a capture of that thread, kept with the record.
    auto convert_caught = [&](OGRFeature& feat, Record& rec) {
        detail::GdalErrorCapture wcap;
        try {
            convert(feat, rec);
        } catch (...) {
            rec.error = std::current_exception();
        }
        rec.messages = wcap.messages();
    };
    auto merge = [&](Record& rec) {
        cap.append_messages(std::move(rec.read_messages));
        cap.append_messages(std::move(rec.messages));
        const std::int64_t fid = rec.fid;
        if (rec.null_id) null_ids.push_back(std::to_string(fid));
        if (rec.error) std::rethrow_exception(rec.error);
        const std::string& id = rec.id;
        if (opts.unique_ids && id_idx >= 0 && !id.empty()) {
            auto [it, inserted] = seen.emplace(id, fid);
            if (!inserted && duplicates.size() < 10)
                duplicates.push_back(fmt::format("'{}' (features {} and {})", id, it->second, fid));
        }
        if (rec.empty) {
            vl.empty_ids.push_back(id);
        } else {
            if (!rec.bad.empty()) wrong_type.push_back(fmt::format("{} ({})", id, rec.bad));
            if (rec.unclosed > 0) {
                unclosed_ids.push_back(id);
                vl.unclosed.push_back(vl.fids.size());
            }
            if (rec.short_line) short_line_ids.push_back(id);
        }
        vl.fids.push_back(fid);
        vl.ids.push_back(std::move(rec.id));
        vl.groups.push_back(std::move(rec.group));
        vl.extra.push_back(std::move(rec.extras));
        if (want == Want::Polygons)
            vl.polygons.push_back(std::move(rec.mp));
        else
            vl.lines.push_back(std::move(rec.ml));
    };

    const int threads = resolve_threads(opts.threads);
    // A GeoPackage layer can be read in parts, each an attribute filter on its feature ids read
    // by one thread with its own dataset, and merged in id order (= file order;
    // geopackage_queries.hpp): GDAL's part of the reading (SQLite, the geometry blobs) then runs
    // on every thread, not only this one.
    // - Read whole, a large layer is split into ranges of ids (with `threads` > 1).
    // - Filtered by a rectangle, the ids come from the layer's R-tree and a feature is kept when
    //   its box meets the rectangle. (GDAL's own filter adds the R-tree to every statement, and
    //   SQLite then walks the whole table for each part.)
    std::optional<std::vector<std::string>> part_filters;
    if (!text_src.shapefile) {
        detail::GdalErrorCapture quiet;  // a failed query only means: read through GDAL alone
        if (opts.spatial_filter) {
            const std::string rtree = detail::geopackage_rtree_table(ds.get(), layer);
            std::optional<std::vector<std::int64_t>> ids;
            if (!rtree.empty())
                ids = detail::geopackage_rtree_ids(ds.get(), rtree, *opts.spatial_filter);
            if (ids) {
                const std::size_t per_part = std::clamp<std::size_t>(
                    ids->size() / (2 * static_cast<std::size_t>(threads)) + 1, 1024, 16384);
                part_filters = detail::fid_list_filters(layer, *ids, per_part);
            }
        } else if (threads > 1) {
            const auto ranges =
                detail::geopackage_fid_ranges(ds.get(), layer, threads * 8, kMinRangeIds);
            if (!ranges.empty()) {
                part_filters.emplace();
                for (const auto& r : ranges)
                    part_filters->push_back(detail::fid_range_filter(layer, r));
            }
        }
    }
    // A filtered read through GDAL alone (a shapefile's .qix, a GeoPackage without R-tree) is
    // put in feature id order before the merge, as the parts give it: GDAL's drivers here
    // return the ids in order already, but its API does not promise it.
    std::vector<Record> pending;
    auto deliver = [&](Record& rec) {
        if (opts.spatial_filter)
            pending.push_back(std::move(rec));
        else
            merge(rec);
    };
    if (part_filters) {
        const std::vector<std::string>& filters = *part_filters;
        struct Part {
            std::vector<Record> recs;
            std::vector<std::string> trailing;  // GDAL's messages after the part's last feature
            std::exception_ptr error;           // opening or filtering failed
            bool done = false;
        };
        std::vector<Part> parts(filters.size());
        std::mutex mu;
        std::condition_variable cv;
        std::atomic<std::size_t> next{0};
        std::atomic<bool> stop{false};
        std::atomic<std::uint64_t> read_count{0};
        std::exception_ptr worker_failure;  // outside any part (e.g. no memory): under `mu`
        auto read_parts = [&] {
            detail::GdalErrorCapture wcap;
            DsPtr wds;
            OGRLayer* wl = nullptr;
            std::exception_ptr open_error;
            try {
                wds = open_vector(ref, "", wcap);
                wl = select_layer(wds.get(), ref);
            } catch (...) {
                open_error = std::current_exception();
            }
            // What opening said, this thread's first open already said: only later messages count.
            const std::size_t base = wcap.messages().size();
            for (std::size_t k = 0; !stop.load() && (k = next.fetch_add(1)) < parts.size();) {
                Part& part = parts[k];
                try {
                    if (open_error) std::rethrow_exception(open_error);
                    const std::string& filter = filters[k];
                    if (wl->SetAttributeFilter(filter.c_str()) != OGRERR_NONE)
                        fail(ErrorKind::Io,
                             fmt::format("cannot read layer '{}' in '{}': GDAL refused the "
                                         "feature id filter '{}'{}",
                                         vl.label, ref.path, filter.substr(0, 80),
                                         detail::gdal_reason(wcap)));
                    wl->ResetReading();
                    while (!stop.load()) {
                        OGRFeatureUniquePtr f(wl->GetNextFeature());
                        if (!f) break;
                        if (opts.spatial_filter &&
                            !box_meets(f->GetGeometryRef(), *opts.spatial_filter))
                            continue;
                        Record rec;
                        rec.fid = f->GetFID();
                        rec.read_messages = wcap.take_messages(base);
                        try {
                            convert(*f, rec);
                        } catch (...) {
                            rec.error = std::current_exception();
                        }
                        rec.messages = wcap.take_messages(base);
                        const bool failed = rec.error != nullptr;
                        part.recs.push_back(std::move(rec));
                        read_count.fetch_add(1, std::memory_order_relaxed);
                        if (failed) break;  // no later feature can be the first failure
                    }
                    // SQLite returns a part in rowid order; should it not, the part is sorted.
                    auto by_fid = [](const Record& a, const Record& b) { return a.fid < b.fid; };
                    if (!std::is_sorted(part.recs.begin(), part.recs.end(), by_fid))
                        std::stable_sort(part.recs.begin(), part.recs.end(), by_fid);
                    part.trailing = wcap.take_messages(base);
                } catch (...) {
                    part.error = std::current_exception();
                }
                {
                    std::lock_guard<std::mutex> lock(mu);
                    part.done = true;
                }
                cv.notify_all();
            }
        };
        auto worker = [&] {
            try {
                read_parts();
            } catch (...) {
                {
                    std::lock_guard<std::mutex> lock(mu);
                    if (!worker_failure) worker_failure = std::current_exception();
                }
                cv.notify_all();
            }
        };
        std::vector<std::thread> pool;
        // Stops and joins the readers however this scope is left (a merge may throw).
        struct Joiner {
            std::atomic<bool>& stop;
            std::vector<std::thread>& pool;
            ~Joiner() {
                stop.store(true);
                for (auto& t : pool) t.join();
            }
        } joiner{stop, pool};
        const std::size_t readers =
            std::min<std::size_t>(static_cast<std::size_t>(threads), parts.size());
        for (std::size_t t = 0; t < readers; ++t) pool.emplace_back(worker);
        for (std::size_t k = 0; k < parts.size(); ++k) {
            for (;;) {
                {
                    std::unique_lock<std::mutex> lock(mu);
                    if (cv.wait_for(lock, std::chrono::milliseconds(250),
                                    [&] { return parts[k].done || worker_failure; })) {
                        if (!parts[k].done) std::rethrow_exception(worker_failure);
                        break;
                    }
                }
                if (expected > 0)
                    opts.progress->update(std::min<std::uint64_t>(read_count.load(), expected),
                                          static_cast<std::uint64_t>(expected), "zones");
            }
            Part part = std::move(parts[k]);
            parts[k] = Part{};
            for (auto& rec : part.recs) merge(rec);
            if (part.error) std::rethrow_exception(part.error);
            cap.append_messages(std::move(part.trailing));
        }
    } else {
        std::optional<tbb::task_arena> arena;
        if (threads > 1) arena.emplace(threads);
        // Small chunks (one feature with one thread): a feature is converted while GDAL's copy of
        // it is still in the cache, and the allocator reuses its blocks at once for the next
        // (chunks of 4096 made reading slower, even with one thread).
        const std::size_t chunk = arena ? 32 : 1;
        std::vector<OGRFeatureUniquePtr> feats;
        std::vector<Record> recs;
        bool more = true;
        while (more) {
            if (expected > 0 && vl.fids.size() % 4096 == 0)
                opts.progress->update(vl.fids.size(), static_cast<std::uint64_t>(expected),
                                      "zones");
            feats.clear();
            recs.clear();
            while (feats.size() < chunk) {
                const std::size_t before = cap.messages().size();
                OGRFeatureUniquePtr f(layer->GetNextFeature());
                if (!f) {
                    more = false;
                    break;
                }
                Record rec;
                rec.fid = f->GetFID();
                rec.read_messages = cap.take_messages(before);
                feats.push_back(std::move(f));
                recs.push_back(std::move(rec));
            }
            if (arena && feats.size() > 1) {
                arena->execute([&] {
                    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, feats.size(), 4),
                                      [&](const tbb::blocked_range<std::size_t>& r) {
                                          for (std::size_t i = r.begin(); i != r.end(); ++i) {
                                              convert_caught(*feats[i], recs[i]);
                                              feats[i].reset();
                                          }
                                      });
                });
                for (auto& rec : recs) deliver(rec);
            } else {
                // One thread: convert and merge feature by feature, GDAL's messages going to `cap`.
                for (std::size_t i = 0; i < feats.size(); ++i) {
                    Record& rec = recs[i];
                    cap.append_messages(std::move(rec.read_messages));
                    try {
                        convert(*feats[i], rec);
                    } catch (...) {
                        rec.error = std::current_exception();
                    }
                    feats[i].reset();
                    deliver(rec);
                }
            }
        }
        std::vector<std::size_t> order(pending.size());
        for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return pending[a].fid < pending[b].fid;
        });
        for (std::size_t i : order) merge(pending[i]);
    }
    if (expected > 0) {
        const std::uint64_t n = vl.fids.size();
        opts.progress->update(n, std::max<std::uint64_t>(n, static_cast<std::uint64_t>(expected)),
                              "zones");
    }
    if (!cap.messages().empty() && vl.fids.empty())
        fail(ErrorKind::Io, fmt::format("cannot read layer '{}' in '{}'{}", vl.label, ref.path,
                                        detail::gdal_reason(cap)));
    // GDAL reports unreadable records (a truncated .shp, a corrupt page) as errors while still
    // returning the feature with a null geometry: never take such a layer for a complete one.
    if (cap.messages().size() > errors_before)
        fail(ErrorKind::Io,
             fmt::format("cannot read layer '{}' in '{}': GDAL failed on {} record(s) of its {} "
                         "feature(s); the file is truncated or corrupt{}",
                         vl.label, ref.path, cap.messages().size() - errors_before, vl.fids.size(),
                         detail::gdal_reason(cap)));
    if (vl.fids.empty() && !opts.spatial_filter)
        fail(ErrorKind::InvalidInput,
             fmt::format("layer '{}' in '{}' has no features", vl.label, ref.path));
    if (!null_ids.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("layer '{}' in '{}': {} feature(s) have no value in " REDLINE_OPTION(
                             "id") " field '{}' (feature ids "
                                   "{}); fill the field or pick another key",
                         vl.label, ref.path, null_ids.size(), opts.id_field,
                         text::join_limited(null_ids)));
    if (!duplicates.empty())
        fail(ErrorKind::InvalidInput,
             fmt::format("layer '{}' in '{}': " REDLINE_OPTION(
                             "id") " field '{}' is not unique: {}; pick a unique key, or "
                                   "use " REDLINE_OPTION_VALUE(
                                       "dissolve_by", "{}") " to merge features that share a value",
                         vl.label, ref.path, opts.id_field, text::join_limited(duplicates),
                         opts.id_field));
    if (!wrong_type.empty()) {
        if (opts.allow_invalid_types) {
            vl.type_problems = wrong_type;
        } else {
            fail(ErrorKind::InvalidInput,
                 fmt::format("layer '{}' in '{}' must hold {}, but {} feature(s) do not: {}",
                             vl.label, ref.path, want == Want::Polygons ? "polygons" : "lines",
                             wrong_type.size(), text::join_limited(wrong_type)));
        }
    }
    if (!unclosed_ids.empty())
        vl.warnings.push_back(
            fmt::format("layer '{}' in '{}': {} feature(s) have a ring whose last point "
                        "is not its first; it was closed by joining them: {}",
                        vl.label, ref.path, unclosed_ids.size(), text::join_limited(unclosed_ids)));
    if (!short_line_ids.empty())
        vl.warnings.push_back(fmt::format(
            "layer '{}' in '{}': {} feature(s) have a line of a single point, "
            "which has no length: {}",
            vl.label, ref.path, short_line_ids.size(), text::join_limited(short_line_ids)));
    if (!opts.allow_invalid_types && vl.empty_ids.size() == vl.fids.size() && !opts.spatial_filter)
        fail(
            ErrorKind::InvalidInput,
            fmt::format("layer '{}' in '{}' has {} feature(s) but every geometry is empty or null; "
                        "check that it is the right layer (see 'redline validate')",
                        vl.label, ref.path, vl.fids.size()));
    if (!vl.empty_ids.empty())
        vl.warnings.push_back(
            fmt::format("layer '{}' in '{}': {} feature(s) have an empty or null geometry "
                        "and cover nothing: {}",
                        vl.label, ref.path, vl.empty_ids.size(), text::join_limited(vl.empty_ids)));
    return vl;
}

}  // namespace

Box VectorLayer::extent() const {
    Box b;
    for (const auto& p : polygons) b.expand(p.bounds());
    for (const auto& l : lines) b.expand(l.bounds());
    return b;
}

VectorLayer read_polygon_layer(const LayerRef& ref, const LayerReadOptions& opts) {
    return read_layer(ref, opts, Want::Polygons);
}

std::string read_layer_crs(const LayerRef& ref) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    DsPtr ds(GDALDataset::FromHandle(GDALOpenEx(ref.path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                                nullptr, nullptr, nullptr)));
    if (!ds)
        fail(ErrorKind::Io, fmt::format("cannot open '{}'{}", ref.path, detail::gdal_reason(cap)));
    OGRLayer* layer = ref.layer.empty() ? ds->GetLayer(0) : ds->GetLayerByName(ref.layer.c_str());
    if (!layer)
        fail(ErrorKind::InvalidInput, fmt::format("'{}' has no layer '{}'", ref.path, ref.layer));
    const OGRSpatialReference* srs = declared_srs(layer);
    return srs ? crs_to_wkt(srs) : std::string();
}

LayerScan scan_layer(const LayerRef& ref) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    DsPtr ds = open_vector(ref, "", cap);
    OGRLayer* layer = select_layer(ds.get(), ref);
    LayerScan s;
    if (ds->GetDriver()) s.driver = ds->GetDriver()->GetDescription();
    s.fast_spatial_filter = layer->TestCapability(OLCFastSpatialFilter) != 0;
    s.features = layer->GetFeatureCount(TRUE);
    OGREnvelope e;
    if (layer->GetExtent(&e, TRUE) == OGRERR_NONE) {
        s.extent.expand(Point{e.MinX, e.MinY});
        s.extent.expand(Point{e.MaxX, e.MaxY});
    }
    return s;
}

struct FilteredExtents::Dataset {
    DsPtr ds;
    OGRLayer* layer = nullptr;
    std::string rtree;  // a GeoPackage's R-tree table of the layer (quoted), or ""
};

FilteredExtents::FilteredExtents(const LayerRef& ref) : m_ds(std::make_unique<Dataset>()) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    m_ds->ds = open_vector(ref, "", cap);
    m_ds->layer = select_layer(m_ds->ds.get(), ref);
    detail::GdalErrorCapture quiet;  // no R-tree table: ask GDAL's filter instead
    m_ds->rtree = detail::geopackage_rtree_table(m_ds->ds.get(), m_ds->layer);
}

FilteredExtents::~FilteredExtents() = default;

Box FilteredExtents::of(const Box& filter) {
    detail::GdalErrorCapture cap;
    Box box;
    if (!m_ds->rtree.empty()) {
        // The features' boxes as the R-tree stores them (single precision, rounded outwards):
        // every feature whose box meets the filter, hence every one a filtered read returns.
        if (auto from_rtree = detail::geopackage_rtree_extent(m_ds->ds.get(), m_ds->rtree, filter))
            return *from_rtree;
        m_ds->rtree.clear();  // the query failed: from now on, GDAL's filter (below)
    }
    OGRLayer* layer = m_ds->layer;
    layer->SetSpatialFilterRect(filter.xmin, filter.ymin, filter.xmax, filter.ymax);
    layer->ResetReading();
    for (OGRFeatureUniquePtr f(layer->GetNextFeature()); f; f.reset(layer->GetNextFeature())) {
        const OGRGeometry* g = f->GetGeometryRef();
        if (!g || g->IsEmpty()) continue;
        OGREnvelope e;
        g->getEnvelope(&e);
        box.expand(Point{e.MinX, e.MinY});
        box.expand(Point{e.MaxX, e.MaxY});
    }
    return box;
}

VectorLayer read_line_layer(const LayerRef& ref, const LayerReadOptions& opts) {
    return read_layer(ref, opts, Want::Lines);
}

}  // namespace redline

namespace redline {

int AttributeTable::index_of(const std::string& field) const {
    for (std::size_t i = 0; i < fields.size(); ++i)
        if (fields[i] == field) return static_cast<int>(i);
    return -1;
}

AttributeTable read_attribute_table(const LayerRef& ref, const std::vector<std::string>& fields,
                                    const std::vector<std::string>& optional_fields) {
    detail::ensure_gdal_registered();
    detail::GdalErrorCapture cap;
    DsPtr ds = open_vector(ref, "", cap);
    OGRLayer* layer = select_layer(ds.get(), ref);
    AttributeTable t;
    t.label = ref.layer.empty() ? ref.label() : ref.layer;
    t.path = ref.path;
    OGRFeatureDefn* defn = layer->GetLayerDefn();
    std::vector<int> idx;
    for (const auto& f : fields) {
        const int i = defn->GetFieldIndex(f.c_str());
        if (i < 0) {
            const auto names = field_names(defn);
            fail(ErrorKind::InvalidInput,
                 fmt::format("layer '{}' in '{}' has no field '{}'; its fields are: {}", t.label,
                             ref.path, f,
                             names.empty() ? std::string("none") : text::join_limited(names, 30)));
        }
        idx.push_back(i);
        t.fields.push_back(f);
    }
    for (const auto& f : optional_fields) {
        const int i = defn->GetFieldIndex(f.c_str());
        if (i < 0) continue;
        idx.push_back(i);
        t.fields.push_back(f);
    }
    layer->ResetReading();
    for (auto& feat : *layer) {
        std::vector<std::optional<std::string>> row;
        row.reserve(idx.size());
        for (int i : idx) {
            if (feat->IsFieldSetAndNotNull(i))
                row.emplace_back(std::string(feat->GetFieldAsString(i)));
            else
                row.emplace_back(std::nullopt);
        }
        t.fids.push_back(static_cast<std::int64_t>(feat->GetFID()));
        t.rows.push_back(std::move(row));
    }
    return t;
}

}  // namespace redline
