#pragma once
// The whole synthetic scene of `redline synth`: geometry (synth_geometry.hpp), the t0 land
// cover (synth_landscape.hpp), the planted changes that turn t0 into t1, and the `permitted`
// corridors that cover some of them.
//
// Planted changes (what a future `redline change` must find):
//  - one per redline zone where one fits: natural (forest, shrub, grassland, wetland) turned
//    into impervious (8) or cropland (1); the shapes cycle through single cell, 3 cells in a
//    line, 3 cells in an L, 2 x 2 square, a diagonal pair (two cells touching at a corner:
//    one patch with 8-connectivity, two with 4-connectivity) and a blob of 6..40 cells. Every
//    cell lies wholly inside the zone (exact coverage 1), outside its holes, and outside any
//    cropland or urban polygon;
//  - one in every second cropland block (not the conflict ones): cropland (1) -> impervious
//    (8), wholly inside the block and outside any redline or urban polygon;
//  - 10 % of --zones (at least 3) outside every planning polygon: natural -> impervious.
// Patches are uniform (one `from` class), never within 2 cells (Chebyshev) of another patch,
// and never on nodata or sea. t1 equals t0 everywhere else, so t0 != t1 exactly on the
// patches.
// Thread-safety: immutable after build; render() may run concurrently.
#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "redline/core/grid.hpp"
#include "redline/synth/synth_geometry.hpp"
#include "redline/synth/synth_landscape.hpp"

namespace redline {

struct PlantedCell {
    std::int64_t col = 0;
    std::int64_t row = 0;
};

struct PlantedPatch {
    std::int64_t id = 0;  // 1-based, in planting order
    std::string shape;    // single | line3 | lshape3 | square4 | diagonal_pair | blob
    int from = 0;         // t0 class of every cell
    int to = 0;           // t1 class of every cell
    std::vector<PlantedCell> cells;
    std::string layer;  // where it was planted: redline | cropland | none
    std::string zone;   // code of that polygon ("" for none)
    // Codes (';'-joined, ascending) of the polygons of each layer whose interior holds the
    // centres of all the patch's cells.
    std::string in_redline, in_cropland, in_protected, in_urban, in_permitted;
};

class SynthScene {
  public:
    // Builds geometry, landscape, patches and corridors. Throws InvalidInput for bad options.
    explicit SynthScene(const SynthOptions& options);

    const SynthOptions& options() const { return m_geometry.options; }
    const SynthGeometry& geometry() const { return m_geometry; }
    const SynthLandscape& landscape() const { return *m_landscape; }
    const std::vector<PlantedPatch>& patches() const { return m_patches; }
    const std::vector<SynthFeature>& permitted() const { return m_permitted; }
    Grid grid() const { return m_geometry.options.grid(); }

    // t0 and t1 classes of `window` (row-major, window.cells() each).
    void render(const Window& window, std::uint8_t* t0, std::uint8_t* t1) const;

  private:
    void plant();
    void add_corridors();
    void locate_patches();

    SynthGeometry m_geometry;
    std::unique_ptr<SynthLandscape> m_landscape;
    std::vector<PlantedPatch> m_patches;
    std::vector<SynthFeature> m_permitted;
    // Planted cells by 512 x 512 block: (col, row, to).
    std::unordered_map<std::int64_t, std::vector<std::array<std::int64_t, 3>>> m_by_block;
};

}  // namespace redline
