#pragma once
// `redline synth` as a library call: builds the SynthScene and writes it to a directory.
//
// Files written into OUTDIR (created when missing; its parent must exist):
//   lc_t0.tif, lc_t1.tif   tiled 512 x 512 DEFLATE Byte GeoTIFFs, CGCS2000 Albers, nodata 0
//   plan.gpkg              layers redline, cropland, protected, urban, permitted, land,
//                          regions (polygons) and shoreline (lines)
//   planted_changes.csv    one row per planted patch (see columns below)
//   planted_cells.csv      one row per changed cell: patch_id,col,row,x,y,from,to
// With survey.parcels > 0 (synth/synth_survey.hpp), also:
//   survey_t0.gpkg         layer DLTB: the parcels of survey year t0 (GK zone 39, EPSG:4527)
//   survey_t1.gpkg         layer DLTB: the parcels a year later (t0 + planted changes)
//   survey_zones.gpkg      layer redline: --zones star polygons over the survey's extent
//   survey_changes.csv     change_id,kind,t0_bsm,t1_bsm,from,to,x,y (recode | split)
//   survey_defects.csv     bsm,kind,scale,x,y (overlap | gap; header only without defects)
// (survey.format gdb: survey_t0.gdb / survey_t1.gdb instead of the two GeoPackages; shp:
// GBK shapefiles survey_t0_shp/DLTB.shp, survey_t1_shp/DLTB.shp), and with survey_only, only
// these.
// Every file is written under a temporary name and renamed when complete. The raster blocks
// are generated in parallel (oneTBB, `threads`) and written in block order, so the bytes do
// not depend on the thread count.
// Thread-safety: reentrant; writes only the files above.
#include <cstdint>
#include <string>
#include <vector>

#include "redline/exec/progress.hpp"
#include "redline/synth/synth_geometry.hpp"
#include "redline/synth/synth_survey.hpp"

namespace redline {

struct SynthRequest {
    SynthOptions options;
    std::string outdir;
    SurveyOptions survey;      // DEFAULT parcels 0: no survey files
    bool survey_only = false;  // DEFAULT false: also the rasters, plan.gpkg and planted_*.csv
    ProgressSink* progress = nullptr;  // work units: raster cells
    const CancelToken* cancel = nullptr;
};

struct SynthFile {
    std::string path;
    std::string what;  // one line for the user
};

struct SynthReport {
    std::vector<SynthFile> files;
    std::size_t patches = 0;
    std::size_t changed_cells = 0;
};

// Column names of planted_changes.csv, in order.
const std::vector<std::string>& planted_change_columns();

SynthReport run_synth_job(const SynthRequest& request);

}  // namespace redline
