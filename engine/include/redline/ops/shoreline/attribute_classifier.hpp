#pragma once
// Shoreline classes from an attribute (`redline shoreline --class-field`,
// docs/indicators.md#shoreline-retention): three value lists (natural, estuary, artificial)
// name the classes of a field's values.
//
// Values are compared trimmed and lower-cased (ASCII; other characters as they are), so
// "Natural " is "natural". A value belongs to one list only. With the artificial list empty
// (DEFAULT) every value in neither of the other lists is artificial, and classify() lists those
// values so that the caller can warn; with an artificial list, a value in no list is an error.
// A feature without a value (empty after trimming) is always an error: no class is guessed.
// Thread-safety: immutable after construction; const methods may be called concurrently.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "redline/ops/shoreline/shore_class.hpp"

namespace redline {

class AttributeClassifier {
  public:
    // Throws InvalidInput when a value is in two lists (naming both: --natural, --estuary,
    // --artificial). Empty entries are ignored.
    AttributeClassifier(const std::vector<std::string>& natural_values,
                        const std::vector<std::string>& estuary_values,
                        const std::vector<std::string>& artificial_values);

    // The class of the list holding `value`; nullopt when no list holds it (or it is empty).
    std::optional<ShoreClass> listed_class(const std::string& value) const;
    // True when the artificial list was given (a value in no list is then an error).
    bool explicit_artificial() const { return m_explicit_artificial; }

    struct Features {
        std::vector<ShoreClass> classes;  // one per feature
        // Distinct values (as written, first seen first) in no list, counted as artificial.
        std::vector<std::string> artificial_by_default;
    };
    // The class of each feature's value. `fids` (one per value, or empty for 0, 1, 2, ...) and
    // the labels only name the input in errors: InvalidInput for features without a value and,
    // with an explicit artificial list, for values in no list.
    Features classify(const std::vector<std::string>& values, const std::vector<std::int64_t>& fids,
                      const std::string& layer_label, const std::string& field) const;

  private:
    std::map<std::string, ShoreClass> m_classes;  // normalised value -> class
    bool m_explicit_artificial = false;
};

}  // namespace redline
