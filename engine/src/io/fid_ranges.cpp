#include "fid_ranges.hpp"

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

}  // namespace

std::vector<FidRange> geopackage_fid_ranges(GDALDataset* ds, OGRLayer* layer, int max_parts,
                                            std::int64_t min_span) {
    std::vector<FidRange> out;
    if (max_parts < 2 || min_span < 1) return out;
    const GDALDriver* drv = ds->GetDriver();
    if (!drv || std::strcmp(drv->GetDescription(), "GPKG") != 0) return out;
    const char* fid = layer->GetFIDColumn();
    if (!fid || !*fid) return out;
    // A view or an SQL result layer has no table of its own to range over.
    const char* table = layer->GetName();
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

std::string fid_range_filter(OGRLayer* layer, const FidRange& range) {
    const std::string col = quoted(layer->GetFIDColumn());
    return fmt::format("{0} >= {1} AND {0} <= {2}", col, range.first, range.last);
}

}  // namespace redline::detail
