#pragma once
// The national land survey's area convention (docs/survey-area.md): the ellipsoidal area of a
// polygon whose plane (Gauss-Krüger) vertices are inverse-projected to geodetic (lon, lat) on
// CGCS2000, summed edge by edge as geodetic trapezoids between the edge's two parallels and a
// reference meridian -- the method of 国土调查办发〔2008〕32号 and TD/T 1055-2019, with no
// densification of the edges.
//
// Two conventions of the engine's polygon areas (geodesy/polygon_area.hpp):
//  - Geodesic: edges as the layer draws them (straight in the plane of a projected CRS,
//    densified to LayerPolicy::densify_m before inverse projection; straight in (lon, lat) in a
//    geographic CRS). The engine's convention everywhere else.
//  - Survey: vertices only, per-edge trapezoid sum (this file). Reproduces the survey's TBMJ.
// Thread-safety: pure functions.
#include <string>

#include "redline/core/crs.hpp"
#include "redline/core/geometry.hpp"
#include "redline/core/option_name.hpp"

namespace redline {

class Ellipsoid;

enum class AreaConvention { Geodesic, Survey };

// "geodesic" | "survey".
const char* area_convention_name(AreaConvention c);
// Parses "geodesic" | "survey"; throws InvalidInput naming `option` and the two choices.
AreaConvention parse_area_convention(const std::string& text,
                                     const std::string& option = REDLINE_OPTION("area_convention"));
// True for a Gauss-Krüger CRS: a Transverse Mercator (or Gauss-Kruger) projection whose name
// says Gauss-Kruger (EPSG's CGCS2000 3- and 6-degree zones, EPSG:4491-4554, with or without the
// zone prefix) or has the word GK (Esri's "CGCS2000_3_Degree_GK_Zone_39", as ArcGIS writes the
// survey's shapefiles and geodatabases). UTM and other Transverse Mercator CRSs are not.
bool is_gauss_kruger(const Crs& crs);
// The default convention of a layer: Survey for a Gauss-Krüger layer, Geodesic otherwise.
AreaConvention default_area_convention(const Crs& crs);

// Signed area (m2, counter-clockwise positive) of a ring of geodetic (lon, lat) vertices in
// degrees by the survey's trapezoid sum
//   S = 1/2 a^2 sum_i (lambda_mean_i - lambda_0) (q(phi_{i+1}) - q(phi_i)),
// q the authalic function of the ellipsoid (geodesy/ellipsoid.hpp), lambda_mean_i the mean
// longitude of edge i and lambda_0 the first vertex's longitude; each term is the area of the
// geodetic trapezoid between the parallels phi_i, phi_{i+1} and the meridians lambda_0 and
// lambda_mean_i. Differences of q are taken at full relative precision and the terms are added
// with a compensated sum. Rings of fewer than 4 points have area 0.
double survey_ring_area(const Ring& lonlat_deg, const Ellipsoid& e);

}  // namespace redline
