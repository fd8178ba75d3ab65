#include "redline/ops/shoreline/shoreline_totals.hpp"

#include <cmath>
#include <limits>

namespace redline {

bool meets_target(double value, double target) { return value >= target * (1.0 - 1e-12); }

double ShorelineTotals::total_m() const {
    return natural_m + artificial_m + (estuary_rule == EstuaryRule::Excluded ? 0.0 : estuary_m);
}

double ShorelineTotals::share_percent() const {
    const double t = total_m();
    const double nat = natural_m + (estuary_rule == EstuaryRule::Natural ? estuary_m : 0.0);
    return t > 0 ? 100.0 * nat / t : std::numeric_limits<double>::quiet_NaN();
}

void ShorelineTally::add(ShoreClass k, bool mainland, double len) {
    m_all.add(len);
    if (!mainland) {
        m_island.add(len);
        return;
    }
    switch (k) {
        case ShoreClass::Natural:
            m_natural.add(len);
            break;
        case ShoreClass::Artificial:
            m_artificial.add(len);
            break;
        case ShoreClass::Estuary:
            m_estuary.add(len);
            break;
        case ShoreClass::Unclassified:
            m_unclassified.add(len);
            break;
    }
}

ShorelineTotals ShorelineTally::totals() const {
    ShorelineTotals t;
    t.natural_m = m_natural.value();
    t.artificial_m = m_artificial.value();
    t.estuary_m = m_estuary.value();
    t.unclassified_m = m_unclassified.value();
    t.island_m = m_island.value();
    return t;
}

}  // namespace redline
