#pragma once
// The report directory (issue #6): report.json, report.md, report.html (self-contained: inline CSS,
// SVG charts, the map PNG embedded), map.png and manifest.json. Written to a temporary directory
// beside the target and renamed when complete, so a failed run leaves no partial directory.
//
// manifest.json: every input's path, size, SHA-256, CRS and ellipsoid; the config's path and
// SHA-256; engine and GDAL/GEOS/PROJ versions; the options; the thread count; and the SHA-256 of
// every output. verify_report() recomputes the report from the manifest's config and says, per
// indicator and per input, identical or not.
// Thread-safety: reentrant.
#include <ostream>
#include <string>

#include "redline/report/report_config.hpp"
#include "redline/report/report_job.hpp"

namespace redline {

// Throws InvalidInput unless DIR can take a report: it does not exist (it and its missing parents
// will be created), is an empty folder, or holds an earlier report (a manifest.json written by
// `redline report`), which is replaced whole. Any other existing folder or file is refused, so a
// mistyped --output-dir never deletes a user's folder. Cheap: commands call it before any work.
void check_report_dir(const std::string& out_dir);

// Writes DIR atomically (replacing an earlier report there; check_report_dir first). `threads` is
// recorded in the manifest.
void write_report_dir(const ReportResult& result, const ReportConfig& config,
                      const std::string& out_dir, int threads);

// The indicator table as plain text for the terminal.
std::string indicator_table_text(const ReportResult& result);

// Recomputes from the manifest and prints a per-indicator comparison to `out`; returns 0 when every
// indicator, input and report.json digest is identical, 6 otherwise.
int verify_report(const std::string& manifest_path, const ReportRunOptions& opts,
                  std::ostream& out);

}  // namespace redline
