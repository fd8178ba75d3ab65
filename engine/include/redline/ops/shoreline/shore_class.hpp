#pragma once
// The vocabulary of `redline shoreline` (docs/indicators.md#shoreline-retention): the class of a
// shoreline piece, how estuary shoreline enters the share, the land cover of a raster cell next
// to the shoreline, and the attribute values that name the classes by default.
// Thread-safety: values and pure functions; the default lists are immutable statics.
#include <string>
#include <vector>

namespace redline {

// The class of a shoreline piece. Unclassified: a raster-mode piece whose landward strip has no
// valid cell (reported, in neither term of the share).
enum class ShoreClass { Natural, Artificial, Estuary, Unclassified };
// "natural" | "artificial" | "estuary" | "unclassified" (the `class` column of the segments).
const char* shore_class_name(ShoreClass c);

// How estuary shoreline enters the share (not settled; docs/indicators.md#estuary-shoreline):
// Total (DEFAULT): in the denominator only; Natural: in both terms; Excluded: in neither.
enum class EstuaryRule { Total, Natural, Excluded };
// "total" | "natural" | "excluded"; throws InvalidInput otherwise.
EstuaryRule parse_estuary_rule(const std::string& s);
const char* estuary_rule_name(EstuaryRule r);
// One sentence on what the rule does to the columns (the run's metadata).
const char* estuary_rule_meaning(EstuaryRule r);

// The land cover of one raster cell as the shoreline classification sees it
// (docs/indicators.md#shoreline-classification): NoData (invalid cell, nodata code of the class
// table, or a code the table does not know), Other (a known class that is not artificial),
// Artificial (one of the artificial classes). Also the majority of a landward transect.
enum class LandKind { NoData, Other, Artificial };

// Default attribute values (L_nat = bedrock + sandy + muddy + biological + restored), English
// and Chinese names; compared trimmed and case-insensitive (attribute_classifier.hpp).
const std::vector<std::string>& default_natural_values();
const std::vector<std::string>& default_estuary_values();

}  // namespace redline
