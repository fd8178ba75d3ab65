#include "geopackage_queries.hpp"

#include <fmt/format.h>
#include <ogrsf_frmts.h>

#include <algorithm>
#include <cstring>

namespace redline::detail {
namespace {

// An SQL identifier in double quotes, inner quotes doubled.
std::string quoted(const char* name) {
    std::string out = "\"";
    for (const char* c = name; *c; ++c) {
        if (*c == '"') out += '"';
        out += *c;
    }
    return out + "\"";
}

// An SQL string literal in single quotes, inner quotes doubled.
std::string literal(const std::string& text) {
    std::string out = "'";
    for (char c : text) {
        if (c == '\'') out += '\'';
        out += c;
    }
    return out + "'";
}

bool is_geopackage(GDALDataset* ds) {
    const GDALDriver* drv = ds->GetDriver();
    return drv && std::strcmp(drv->GetDescription(), "GPKG") == 0;
}

// The condition on an R-tree's boxes that they meet `rect`.
std::string rtree_meets(const Box& rect) {
    return fmt::format(
        "maxx >= {:.17g} AND minx <= {:.17g} AND maxy >= {:.17g} AND miny <= {:.17g}", rect.xmin,
        rect.xmax, rect.ymin, rect.ymax);
}

// Whether `name` is a table of the dataset (not a view: a view's rows come in its own order).
bool is_table(GDALDataset* ds, const std::string& name) {
    const std::string sql =
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = " + literal(name);
    OGRLayer* res = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!res) return false;
    bool found = false;
    {
        OGRFeatureUniquePtr f(res->GetNextFeature());
        found = f && f->GetFieldCount() == 1 && f->GetFieldAsInteger64(0) == 1;
    }
    ds->ReleaseResultSet(res);
    return found;
}

}  // namespace

std::vector<FidRange> geopackage_fid_ranges(GDALDataset* ds, OGRLayer* layer, int max_parts,
                                            std::int64_t min_span) {
    std::vector<FidRange> out;
    if (max_parts < 2 || min_span < 1 || !is_geopackage(ds)) return out;
    const char* fid = layer->GetFIDColumn();
    if (!fid || !*fid) return out;
    // A view has its own order (and no id range of its own): only tables are split.
    const char* table = layer->GetName();
    if (!is_table(ds, table)) return out;
    const std::string sql = fmt::format("SELECT MIN({0}), MAX({0}) FROM {1} WHERE {0} IS NOT NULL",
                                        quoted(fid), quoted(table));
    OGRLayer* res = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!res) return out;
    std::int64_t lo = 0, hi = -1;
    bool ok = false;
    {
        OGRFeatureUniquePtr f(res->GetNextFeature());
        if (f && f->GetFieldCount() == 2 && f->IsFieldSetAndNotNull(0) &&
            f->IsFieldSetAndNotNull(1)) {
            lo = f->GetFieldAsInteger64(0);
            hi = f->GetFieldAsInteger64(1);
            ok = hi >= lo;
        }
    }
    ds->ReleaseResultSet(res);
    if (!ok) return out;
    // The span in unsigned arithmetic: ids may be negative or near the int64 limits.
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo) + 1;
    if (span == 0 || span < 2 * static_cast<std::uint64_t>(min_span)) return out;
    const std::uint64_t parts = std::min<std::uint64_t>(
        static_cast<std::uint64_t>(max_parts), span / static_cast<std::uint64_t>(min_span));
    std::uint64_t start = 0;
    for (std::uint64_t k = 0; k < parts; ++k) {
        // Even split of [0, span): part k ends before (k + 1) * span / parts, computed without
        // overflowing (span < 2^64, parts small).
        const std::uint64_t end =
            (k + 1 == parts) ? span : (span / parts) * (k + 1) + (span % parts) * (k + 1) / parts;
        out.push_back({static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + start),
                       static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + end - 1)});
        start = end;
    }
    return out;
}

std::string geopackage_rtree_table(GDALDataset* ds, OGRLayer* layer) {
    if (!is_geopackage(ds)) return "";
    const char* geom = layer->GetGeometryColumn();
    const char* fid = layer->GetFIDColumn();
    if (!geom || !*geom || !fid || !*fid) return "";
    if (!is_table(ds, layer->GetName())) return "";
    const std::string name = std::string("rtree_") + layer->GetName() + "_" + geom;
    return is_table(ds, name) ? quoted(name.c_str()) : "";
}

std::optional<std::vector<std::int64_t>> geopackage_rtree_ids(GDALDataset* ds,
                                                              const std::string& rtree,
                                                              const Box& rect) {
    const std::string sql = fmt::format("SELECT id FROM {} WHERE {}", rtree, rtree_meets(rect));
    OGRLayer* res = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!res) return std::nullopt;
    std::vector<std::int64_t> ids;
    bool ok = res->GetLayerDefn()->GetFieldCount() == 1;
    for (OGRFeatureUniquePtr f(ok ? res->GetNextFeature() : nullptr); f;
         f.reset(res->GetNextFeature())) {
        if (!f->IsFieldSetAndNotNull(0)) {
            ok = false;
            break;
        }
        ids.push_back(f->GetFieldAsInteger64(0));
    }
    ds->ReleaseResultSet(res);
    if (!ok) return std::nullopt;
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    return ids;
}

std::optional<Box> geopackage_rtree_extent(GDALDataset* ds, const std::string& rtree,
                                           const Box& rect) {
    const std::string sql =
        fmt::format("SELECT MIN(minx), MIN(miny), MAX(maxx), MAX(maxy) FROM {} WHERE {}", rtree,
                    rtree_meets(rect));
    OGRLayer* res = ds->ExecuteSQL(sql.c_str(), nullptr, nullptr);
    if (!res) return std::nullopt;
    Box box;
    {
        OGRFeatureUniquePtr f(res->GetNextFeature());
        if (f && f->GetFieldCount() == 4) {
            bool all = true;
            for (int i = 0; i < 4; ++i) all = all && f->IsFieldSetAndNotNull(i);
            if (all) {
                box.expand(Point{f->GetFieldAsDouble(0), f->GetFieldAsDouble(1)});
                box.expand(Point{f->GetFieldAsDouble(2), f->GetFieldAsDouble(3)});
            }
        }
    }
    ds->ReleaseResultSet(res);
    return box;
}

std::vector<std::string> fid_list_filters(OGRLayer* layer, const std::vector<std::int64_t>& ids,
                                          std::size_t per_part) {
    std::vector<std::string> out;
    const std::string col = quoted(layer->GetFIDColumn());
    for (std::size_t start = 0; start < ids.size(); start += per_part) {
        const std::size_t end = std::min(ids.size(), start + per_part);
        std::string f = col + " IN (";
        for (std::size_t i = start; i < end; ++i) {
            if (i > start) f += ',';
            f += std::to_string(ids[i]);
        }
        out.push_back(f + ")");
    }
    return out;
}

std::string fid_range_filter(OGRLayer* layer, const FidRange& range) {
    const std::string col = quoted(layer->GetFIDColumn());
    return fmt::format("{0} >= {1} AND {0} <= {2}", col, range.first, range.last);
}

}  // namespace redline::detail
