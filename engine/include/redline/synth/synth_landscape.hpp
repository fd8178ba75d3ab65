#pragma once
// The raster side of `redline synth`: CLCD land cover (1 cropland, 2 forest, 3 shrub,
// 4 grassland, 5 water, 6 snow/ice, 7 barren, 8 impervious, 9 wetland; 0 nodata) with
// realistic patchiness.
//
// Each cell's class is a pure function of its (col, row), so any window (a 512 x 512 block,
// a tiny window around a planted change) gives the same values, whatever the tiling or the
// number of threads:
//  - three fractal value-noise fields (elevation, moisture, urbanity): 6 octaves of lattice
//    noise with smoothstep interpolation, lattice values hashed from (seed, field, octave,
//    lattice x, lattice y);
//  - thresholds turn them into classes (lakes and wetlands low, snow and barren high, forest
//    and shrub moist, cropland low and dry, impervious where urbanity peaks);
//  - the planning layers bend the classes as plans do: urban boundaries are mostly impervious,
//    cropland blocks mostly cropland, redline and protected areas mostly natural (a little
//    cropland is left inside the redline, the conflicts an audit finds); membership uses the
//    centre of the cell (CoverageRasterizer, centroid rule);
//  - a fine texture field (wavelengths 16, 8 and 4 cells) makes class boundaries ragged and
//    puts few-cell enclaves into large patches (villages and ponds in farmland, clearings in
//    forest), as real 30 m maps have;
//  - 1 % of cells get a speckle class (classification noise), from a per-cell hash;
//  - the sea east of the coast is water (5) except on islands; the margin is nodata (0).
// Cost: about 25 lerps and one hash per cell; no allocation per cell.
// Thread-safety: classify() is const and may run concurrently (scratch is per call).
#include <cstdint>
#include <vector>

#include "redline/core/grid.hpp"
#include "redline/synth/synth_geometry.hpp"

namespace redline {

class SynthLandscape {
  public:
    // Keeps a reference to `geometry`, which must outlive the landscape.
    explicit SynthLandscape(const SynthGeometry& geometry);

    // Classes of the cells of `window` (inside the grid), row-major, window.cells() values.
    // With `mask`, also the LayerBits of each cell (which layers hold its centre).
    void classify(const Window& window, std::uint8_t* out, std::uint8_t* mask = nullptr) const;
    // Class of one cell (convenience for tests and planning; slow per cell).
    std::uint8_t class_at(std::int64_t col, std::int64_t row) const;

    // Bits of the per-cell layer mask.
    enum LayerBit : std::uint8_t {
        kRedline = 1,
        kCropland = 2,
        kProtected = 4,
        kUrban = 8,
        kIsland = 16,
    };

  private:
    struct Shape {
        const SynthFeature* feature;
        std::uint8_t bit;
        std::vector<int> ring_sign;  // per ring in polygon order (rasterizer orientation)
    };
    void layer_mask(const Window& w, std::uint8_t* mask) const;

    const SynthGeometry& m_geometry;
    std::vector<Shape> m_shapes;
    std::int64_t m_bucket = 256;  // cells per side of a bucket of the shape index
    std::int64_t m_buckets_x = 0;
    std::vector<std::vector<std::uint32_t>> m_index;  // bucket -> shapes touching it
};

}  // namespace redline
