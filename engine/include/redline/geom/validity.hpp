#pragma once
// Geometry validity with GEOS (OGC rules): self-intersections, ring self-touches, holes outside
// shells, nested shells, too few points, invalid coordinates. Repair with GEOS MakeValid
// ("structure" method: the area enclosed by shells minus holes, overlapping parts merged),
// keeping only the polygonal result.
// Thread-safety: functions create one GEOS context per worker; inputs are read concurrently.
#include <cstddef>
#include <string>
#include <vector>

#include "redline/core/geometry.hpp"
#include "redline/exec/progress.hpp"

namespace redline {

struct ValidityIssue {
    std::size_t index = 0;  // position in the input vector
    std::string reason;     // GEOS's reason, e.g. "Self-intersection"
    Point location;         // where GEOS found it (input coordinates)
};

// Issues for the invalid geometries, in input order. Empty geometries are valid here.
std::vector<ValidityIssue> check_validity(const std::vector<MultiPolygon>& geoms, int threads = 0);
// The same issues, faster: geometries whose rings never meet are first vouched for by the
// certificate of validity_certificate.hpp (no GEOS conversion), and GEOS checks only the rest.
// Planning layers are mostly such polygons: several times faster and without GEOS's
// per-geometry memory.
// DEFAULT progress none: geometries checked, label "check".
std::vector<ValidityIssue> find_validity_issues(const std::vector<MultiPolygon>& geoms,
                                                int threads = 0, ProgressSink* progress = nullptr);

// Repairs geoms[i] for every i in `which`; returns how many changed. Parts that collapse to lines
// or points are dropped (their area is zero).
std::size_t make_valid(std::vector<MultiPolygon>& geoms, const std::vector<std::size_t>& which,
                       int threads = 0);

// "zone 'x': Self-intersection at (1, 2); ..." for messages (at most `limit` items).
std::string describe_issues(const std::vector<ValidityIssue>& issues,
                            const std::vector<std::string>& names, std::size_t limit = 10);

// GEOS version string, e.g. "GEOS 3.11.1".
std::string geos_version();

}  // namespace redline
