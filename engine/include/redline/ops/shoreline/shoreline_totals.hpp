#pragma once
// Shoreline lengths by class and the natural share (docs/indicators.md#shoreline-retention):
// the totals of one summary row, their exact summation, and the target comparison.
// Units: metres (geodesic, ops/shoreline/shoreline.hpp) and percent.
// Thread-safety: values; a ShorelineTally is filled by one thread (the engine merges pieces in
// line order, so the sums do not depend on the thread count).
#include "redline/core/compensated_sum.hpp"
#include "redline/ops/shoreline/shore_class.hpp"

namespace redline {

// docs/units.md#target-comparison: value >= target * (1 - 1e-12); equality passes.
bool meets_target(double value, double target);

struct ShorelineTotals {
    // Mainland pieces by class; island_m: pieces away from the mainland, whatever their class.
    double natural_m = 0, artificial_m = 0, estuary_m = 0, unclassified_m = 0, island_m = 0;
    EstuaryRule estuary_rule = EstuaryRule::Total;
    // natural + artificial, plus estuary unless the rule is Excluded.
    double total_m() const;
    // 100 x (natural, plus estuary when the rule is Natural) / total_m(); NaN when the total is 0.
    double share_percent() const;
};

// Compensated (Neumaier) sums of piece lengths by class, in the order pieces are added.
class ShorelineTally {
  public:
    // A mainland piece adds to its class; an island piece (mainland = false) to island_m.
    void add(ShoreClass klass, bool mainland, double length_m);
    // The totals (estuary_rule left at its DEFAULT; the caller sets the run's rule).
    ShorelineTotals totals() const;
    // Every length added, mainland or not, whatever its class (compensated sum).
    double length_m() const { return m_all.value(); }

  private:
    CompensatedSum m_natural, m_artificial, m_estuary, m_unclassified, m_island, m_all;
};

}  // namespace redline
