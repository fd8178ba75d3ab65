#pragma once
// Area units (docs/units.md). The engine stores m2 in double and converts only on
// output. 1 mu = 10000/15 m2 exactly (15 mu = 1 ha); 1 yi mu (亿亩) = 1e8 mu.
namespace redline::units {

inline constexpr double kM2PerKm2 = 1.0e6;
inline constexpr double kM2PerHa = 1.0e4;
inline constexpr double kMuPerHa = 15.0;
inline constexpr double kMuPerM2 = 0.0015;  // = 15 / 10000
inline constexpr double kMuPerYiMu = 1.0e8;

inline constexpr double m2_to_km2(double m2) { return m2 / kM2PerKm2; }
inline constexpr double m2_to_ha(double m2) { return m2 / kM2PerHa; }
inline constexpr double m2_to_mu(double m2) { return m2 * kMuPerM2; }
inline constexpr double m2_to_yi_mu(double m2) { return m2 * kMuPerM2 / kMuPerYiMu; }
inline constexpr double km2_to_m2(double km2) { return km2 * kM2PerKm2; }
inline constexpr double mu_to_m2(double mu) { return mu / kMuPerM2; }
inline constexpr double mu_to_km2(double mu) { return mu / kMuPerM2 / kM2PerKm2; }

}  // namespace redline::units
