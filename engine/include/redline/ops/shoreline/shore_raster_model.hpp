#pragma once
// The land-use raster as the shoreline classification sees it
// (docs/indicators.md#shoreline-classification): every cell is NoData, Other or Artificial
// (LandKind), and has an ellipsoidal area (geodesy/cell_area_model.hpp).
//
// A cell is NoData when the raster marks it invalid, when its code is a nodata code of the class
// table, or when the table does not know its code (kind_of() collects those codes so that the
// run can warn; they are never guessed into a class). Artificial: the codes named by
// `artificial_classes`, each a code of the table or the name of an engine group
// (docs/classes.md); DEFAULT (empty list) the table's built_up group. Other: every other code of
// the table.
// Thread-safety: immutable after build(); const methods may be called concurrently.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "redline/core/grid.hpp"
#include "redline/geodesy/cell_area_model.hpp"
#include "redline/io/raster_source.hpp"
#include "redline/ops/shoreline/shore_class.hpp"

namespace redline {

class ShoreRasterModel {
  public:
    // `classes`: class table id (clcd | worldcover | globeland30) or CSV path; "" = clcd.
    // `densify_m` (m) and `threads` (0 = all cores) only shape the area model's build and the
    // typical cell size. Throws InvalidInput for an artificial class that is neither a code nor
    // a group of the table, or for a table without built_up classes when none are named.
    // `source` must outlive the model.
    static ShoreRasterModel build(const RasterSource& source, const std::string& classes,
                                  const std::vector<std::string>& artificial_classes,
                                  double densify_m, int threads);

    const RasterSource& source() const { return *m_source; }
    const Grid& grid() const { return m_grid; }
    const CellAreaModel& areas() const { return *m_areas; }
    // The artificial codes, ascending.
    const std::vector<std::int64_t>& artificial_codes() const { return m_artificial_codes; }
    // Typical cell size in metres at the grid centre (the smaller of the two sides); 30 when it
    // cannot be measured. Sizes windows and chunks only; never changes a result.
    double cell_m() const { return m_cell_m; }
    // Warnings of the area model and of the raster.
    const std::vector<std::string>& warnings() const { return m_warnings; }

    // The kind of a cell of value `v` and validity `valid`. A valid code unknown to the table
    // (and not one of its nodata codes) is added to `unknown` when given.
    LandKind kind_of(std::int32_t v, std::uint8_t valid, std::set<std::int64_t>* unknown) const {
        if (!valid) return LandKind::NoData;
        auto it = m_kind.find(v);
        if (it != m_kind.end()) return it->second;
        if (unknown && !is_nodata_code(v)) unknown->insert(v);
        return LandKind::NoData;
    }

  private:
    bool is_nodata_code(std::int64_t v) const;

    const RasterSource* m_source = nullptr;
    Grid m_grid;
    std::unique_ptr<CellAreaModel> m_areas;
    std::unordered_map<std::int32_t, LandKind> m_kind;  // Other or Artificial; absent: unknown
    std::vector<std::int64_t> m_nodata_codes;
    std::vector<std::int64_t> m_artificial_codes;
    double m_cell_m = 30;
    std::vector<std::string> m_warnings;
};

}  // namespace redline
