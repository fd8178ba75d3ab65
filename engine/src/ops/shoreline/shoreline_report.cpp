#include "redline/ops/shoreline/shoreline_report.hpp"

#include <cmath>
#include <memory>
#include <optional>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace redline {

TableSpec ShorelineReport::table_spec() const {
    TableSpec spec;
    spec.layer_name = "shoreline";
    spec.columns = {
        {"region", ColumnType::Text},         {"natural_m", ColumnType::Real},
        {"artificial_m", ColumnType::Real},   {"estuary_m", ColumnType::Real},
        {"total_m", ColumnType::Real},        {"natural_share_percent", ColumnType::Real},
        {"target_percent", ColumnType::Real}, {"pass", ColumnType::Text},
        {"margin_percent", ColumnType::Real}, {"island_m", ColumnType::Real},
        {"unclassified_m", ColumnType::Real}};
    return spec;
}

std::vector<Value> ShorelineReport::row_values(const ShorelineRow& row) const {
    const ShorelineTotals& t = row.totals;
    const double share = t.share_percent();
    std::vector<Value> v;
    v.emplace_back(row.region);
    v.emplace_back(t.natural_m);
    v.emplace_back(t.artificial_m);
    v.emplace_back(t.estuary_m);
    v.emplace_back(t.total_m());
    v.emplace_back(share);
    v.emplace_back(target_percent);
    if (std::isfinite(share)) {
        v.emplace_back(std::string(meets_target(share, target_percent) ? "true" : "false"));
        v.emplace_back(share - target_percent);
    } else {
        v.emplace_back(std::monostate{});
        v.emplace_back(std::monostate{});
    }
    if (has_mainland)
        v.emplace_back(t.island_m);
    else
        v.emplace_back(std::monostate{});
    v.emplace_back(t.unclassified_m);
    return v;
}

TableSpec ShorelineReport::segment_spec() const {
    TableSpec spec;
    spec.layer_name = "shoreline_pieces";
    spec.columns = {{"feature", ColumnType::Integer}, {"part", ColumnType::Integer},
                    {"piece", ColumnType::Integer},   {"class", ColumnType::Text},
                    {"mainland", ColumnType::Text},   {"region", ColumnType::Text},
                    {"start_m", ColumnType::Real},    {"length_m", ColumnType::Real}};
    if (raster_mode) {
        spec.columns.push_back({"artificial_percent", ColumnType::Real});
        spec.columns.push_back({"valid_percent", ColumnType::Real});
    } else {
        spec.columns.push_back({"value", ColumnType::Text});
    }
    spec.columns.push_back({"land_side", ColumnType::Text});
    spec.columns.push_back({"side_from", ColumnType::Text});
    spec.geometry = GeometryKind::Line;
    spec.crs_wkt = crs_wkt;
    return spec;
}

std::vector<Value> ShorelineReport::segment_values(const ShorelinePiece& p) const {
    std::vector<Value> v;
    v.emplace_back(p.fid);
    v.emplace_back(static_cast<std::int64_t>(p.part));
    v.emplace_back(static_cast<std::int64_t>(p.piece));
    v.emplace_back(std::string(shore_class_name(p.klass)));
    if (has_mainland)
        v.emplace_back(std::string(p.mainland ? "true" : "false"));
    else
        v.emplace_back(std::monostate{});
    if (p.region >= 0)
        v.emplace_back(region_names[static_cast<std::size_t>(p.region)]);
    else
        v.emplace_back(std::monostate{});
    v.emplace_back(p.start_m);
    v.emplace_back(p.length_m);
    if (raster_mode) {
        if (std::isfinite(p.artificial_percent))
            v.emplace_back(p.artificial_percent);
        else
            v.emplace_back(std::monostate{});
        if (std::isfinite(p.valid_percent))
            v.emplace_back(p.valid_percent);
        else
            v.emplace_back(std::monostate{});
    } else {
        v.emplace_back(p.value);
    }
    v.emplace_back(std::string(p.land_side == Side::Left ? "left" : "right"));
    v.emplace_back(std::string(p.side_from_mainland ? "mainland" : "convention"));
    return v;
}

void ShorelineReport::write(const std::string& output, const std::string& segments) const {
    const TableFormat f =
        table_format_of(output, {TableFormat::Csv, TableFormat::Json}, REDLINE_OPTION("output"));
    std::optional<TableFormat> sf;
    if (!segments.empty()) {
        if (segments == "-")
            fail(ErrorKind::InvalidInput,
                 REDLINE_OPTION("segments") " needs a file path (.gpkg or .csv), not stdout");
        sf = table_format_of(segments, {TableFormat::Gpkg, TableFormat::Csv},
                             REDLINE_OPTION("segments"));
    }
    const bool to_stdout = output.empty() || output == "-";
    // A file summary is opened first, so that a bad output path fails before anything is written.
    std::unique_ptr<TableWriter> summary;
    if (!to_stdout) summary = TableWriter::open(output, table_spec(), f, meta);
    if (sf) {
        auto seg = TableWriter::open(segments, segment_spec(), *sf, meta);
        for (const auto& p : pieces) {
            MultiLineString ml;
            ml.lines.push_back(p.geometry);
            seg->write(segment_values(p), GeometryValue{std::move(ml)});
        }
        if (summary)
            for (const auto& r : rows) summary->write(row_values(r));
        seg->commit();
    } else if (summary) {
        for (const auto& r : rows) summary->write(row_values(r));
    }
    if (summary) {
        summary->commit();
    } else {
        auto out = TableWriter::open(output, table_spec(), f, meta);
        for (const auto& r : rows) out->write(row_values(r));
        out->commit();
    }
}

}  // namespace redline
