#pragma once
// The land-use survey side of `redline synth` (issue #17 "Synthetic survey data"): a 三调-like
// parcel layer (地类图斑 DLTB) for a survey year t0, the same layer a year later with planted
// changes (t1), and zones to tabulate them in -- in CGCS2000 3-degree Gauss-Krüger zone 39
// (EPSG:4527, central meridian 117E, the zone number 39 in front of the easting).
//
// Parcels: a lattice of nx x ny cells of `parcel_size_m` (nx = ceil(sqrt(parcels)),
// ny = ceil(parcels / nx)), each cell an octagon: its four corners jittered by up to 15 % of the
// cell side (corners on the extent's edge slide along it, the extent's corners stay) and a
// vertex on each side, off the side by up to 8 %. Neighbours share their corners and side
// vertices exactly, so the parcels are a coverage of the extent rectangle (no gaps, no
// overlaps) and every polygon is valid. Coordinates are rounded to 1 mm. The extent's
// south-west corner is at (39500000 - nx x size / 2, 3400000): centred on the zone's central
// meridian, near 30.7N.
// Fields: BSM (标识码, 1-based integer), TBBH (图斑编号, text), DLBM (地类编码, text such as
// "0101"), DLMC (地类名称), KCXS (扣除系数: 0.02..0.15, 4 decimals, on 01xx cropland; 0
// elsewhere), TBMJ (图斑面积: the parcel's area in the survey convention, geodesy/
// survey_area.hpp, rounded to 0.01 m2), KCMJ = round(TBMJ x KCXS, 0.01), TBDLMJ = TBMJ - KCMJ.
// Codes: each 6 x 6 block of cells has a landscape (paddy, dry land, forest, grass, village,
// town, water, by fixed weights) and each parcel a code drawn from that landscape's mix of 25
// codes of the 三调 classification (synth_survey.cpp).
// Defects (`defects`, for the coverage checks): parcels at least 3 cells apart, alternately
// enlarged by 15 % about their cell's centre (overlapping their neighbours) and shrunk by 15 %
// (a gap around them); their TBMJ is measured on the defective polygon.
// t1: about 1 % of the parcels (at least 4) change: every other one is recoded whole (01xx ->
// 0702/0601/1003, 03xx -> 0103, others -> 0702), the others are split in two along the line
// through their west and east side vertices, the north part recoded and both halves given new
// BSMs (after the largest of t0). Everything else is as at t0.
// Zones: `zones` star polygons of 48 vertices on a jittered grid over the extent grown by 5 %
// (some reach outside it), never overlapping each other.
// Same options, same features bit for bit; parcels are generated on the fly in cell order.
// Thread-safety: immutable after construction; parcel()/zone() are reentrant.
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "redline/core/geometry.hpp"

namespace redline {

inline constexpr const char* kSurveyCrs = "EPSG:4527";

struct SurveyOptions {
    std::int64_t parcels = 0;    // DEFAULT 0: no survey layer
    double parcel_size_m = 100;  // DEFAULT 100 m: lattice cell side (about 1 ha parcels)
    std::int64_t zones = 200;    // zones to tabulate in (--zones)
    std::int64_t defects = 0;    // DEFAULT 0: deliberate overlaps and gaps
    std::uint64_t seed = 1;
    // DEFAULT "gpkg": survey_t0.gpkg / survey_t1.gpkg; "gdb": File Geodatabases survey_t0.gdb /
    // survey_t1.gdb; "shp": GBK (CP936) shapefiles survey_t0_shp/DLTB.shp, survey_t1_shp/DLTB.shp.
    std::string format = "gpkg";
    void validate() const;  // InvalidInput naming the option
};

struct SurveyParcel {
    std::int64_t bsm = 0;
    std::string dlbm;
    double kcxs = 0;
    MultiPolygon shape;  // GK zone 39 metres, exterior counter-clockwise
};

struct SurveyChange {
    std::int64_t id = 0;
    std::string kind;  // recode | split
    std::int64_t t0_bsm = 0;
    std::int64_t t1_bsm = 0;  // the parcel that carries the new code
    std::string from, to;
    Point location;  // a point inside the changed part
};

struct SurveyDefect {
    std::int64_t bsm = 0;
    std::string kind;  // overlap | gap
    double scale = 1;  // about the lattice cell's centre
    Point location;    // the cell's centre
};

class SurveyScene {
  public:
    explicit SurveyScene(const SurveyOptions& options);
    const SurveyOptions& options() const { return m_opt; }
    std::int64_t nx() const { return m_nx; }
    std::int64_t ny() const { return m_ny; }
    std::int64_t cells() const { return m_nx * m_ny; }
    Box extent() const;  // of the lattice (the union of the t0 parcels without defects)
    // The t0 parcel of lattice cell `cell` (row-major from the south-west), with its defect.
    SurveyParcel parcel_t0(std::int64_t cell) const;
    // The t1 parcels of `cell` (1, or 2 for a split), in BSM order.
    std::vector<SurveyParcel> parcels_t1(std::int64_t cell) const;
    const std::vector<SurveyChange>& changes() const { return m_changes; }
    const std::vector<SurveyDefect>& defects() const { return m_defects; }
    std::int64_t t1_parcels() const { return cells() + m_splits; }
    // Zone k (0-based): code "Z0001"..., shape in GK metres.
    std::vector<std::pair<std::string, MultiPolygon>> zones() const;
    // Name (地类名称) of a code the scene uses.
    static const std::string& name_of(const std::string& dlbm);

  private:
    Ring cell_ring(std::int64_t i, std::int64_t j) const;
    Point corner(std::int64_t i, std::int64_t j) const;
    Point side_vertex(bool horizontal, std::int64_t i, std::int64_t j) const;
    std::string code_of(std::int64_t i, std::int64_t j) const;
    double rnd(std::uint64_t a, std::uint64_t b, std::uint64_t c) const;

    SurveyOptions m_opt;
    std::int64_t m_nx = 0, m_ny = 0;
    double m_x0 = 0, m_y0 = 0;
    std::vector<SurveyChange> m_changes;
    std::vector<SurveyDefect> m_defects;
    std::unordered_map<std::int64_t, std::size_t> m_change_of;  // cell -> m_changes index
    std::unordered_map<std::int64_t, std::size_t> m_defect_of;  // cell -> m_defects index
    std::int64_t m_splits = 0;
};

}  // namespace redline
