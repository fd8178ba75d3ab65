#include "redline/synth/synth_landscape.hpp"

#include <algorithm>
#include <cmath>

#include "redline/core/fixed_area.hpp"
#include "redline/coverage/coverage_rasterizer.hpp"
#include "redline/synth/synth_shape.hpp"

namespace redline {
namespace {

inline std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    const std::int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

inline float smooth(float t) { return t * t * (3.0f - 2.0f * t); }

struct FieldSpec {
    std::uint64_t id;
    int quarters;  // wavelength of the first octave in quarters of the base (512 cells)
    int octaves;
    float persistence;
};

// Elevation, moisture, urbanity.
constexpr FieldSpec kFields[3] = {
    {0xE1E7, 4, 7, 0.58f}, {0x3015, 3, 7, 0.66f}, {0x0EBA, 2, 6, 0.6f}};

// Fractal value noise of one field over window w, normalised to about [0, 1], into out.
void fill_field(const Window& w, std::uint64_t key, std::int64_t base, int octaves,
                float persistence, float* out) {
    const auto cols = static_cast<std::size_t>(w.cols);
    const std::size_t n = cols * static_cast<std::size_t>(w.rows);
    std::fill(out, out + n, 0.0f);
    std::vector<std::int64_t> ci(cols);
    std::vector<float> sx(cols), vx, h;
    float amp = 1.0f, total = 0.0f;
    for (int k = 0; k < octaves; ++k) {
        const std::int64_t L = base >> k;
        if (L < 2) break;
        const float inv = 1.0f / static_cast<float>(L);
        const std::int64_t ix0 = floor_div(w.col0, L), ix1 = floor_div(w.col_end() - 1, L) + 1;
        const std::int64_t iy0 = floor_div(w.row0, L), iy1 = floor_div(w.row_end() - 1, L) + 1;
        for (std::size_t c = 0; c < cols; ++c) {
            const std::int64_t gc = w.col0 + static_cast<std::int64_t>(c);
            const std::int64_t ix = floor_div(gc, L);
            ci[c] = ix - ix0;
            sx[c] = smooth((static_cast<float>(gc - ix * L) + 0.5f) * inv);
        }
        const auto lx = static_cast<std::size_t>(ix1 - ix0 + 1);
        const auto ly = static_cast<std::size_t>(iy1 - iy0 + 1);
        vx.resize(lx);
        h.resize(ly * cols);
        const std::uint64_t okey = synth::hash_key(key, static_cast<std::uint64_t>(k));
        for (std::size_t j = 0; j < ly; ++j) {
            const std::uint64_t rkey =
                synth::mix64(okey ^ static_cast<std::uint64_t>(iy0 + static_cast<std::int64_t>(j)));
            for (std::size_t i = 0; i < lx; ++i)
                vx[i] = static_cast<float>(synth::unit_of(synth::mix64(
                    rkey + static_cast<std::uint64_t>(ix0 + static_cast<std::int64_t>(i)))));
            float* hr = h.data() + j * cols;
            for (std::size_t c = 0; c < cols; ++c) {
                const float a = vx[static_cast<std::size_t>(ci[c])];
                const float b = vx[static_cast<std::size_t>(ci[c]) + 1];
                hr[c] = a + (b - a) * sx[c];
            }
        }
        for (std::int64_t r = 0; r < w.rows; ++r) {
            const std::int64_t gr = w.row0 + r;
            const std::int64_t iy = floor_div(gr, L);
            const float t = smooth((static_cast<float>(gr - iy * L) + 0.5f) * inv);
            const float* h0 = h.data() + static_cast<std::size_t>(iy - iy0) * cols;
            const float* h1 = h0 + cols;
            float* o = out + static_cast<std::size_t>(r) * cols;
            for (std::size_t c = 0; c < cols; ++c) o[c] += amp * (h0[c] + (h1[c] - h0[c]) * t);
        }
        total += amp;
        amp *= persistence;
    }
    const float scale = 1.0f / total;
    for (std::size_t i = 0; i < n; ++i) out[i] *= scale;
}

// Thresholds on the noise fields (fields have mean 0.5 and a spread of about +-0.15).
inline std::uint8_t natural_class(float m) {
    if (m > 0.53f) return 2;  // forest
    if (m > 0.49f) return 3;  // shrub
    return 4;                 // grassland
}

// Small enclaves from the fine texture field t (villages and ponds in farmland, clearings in
// forest, shrubs in grassland): the few-cell patches of real 30 m maps.
inline std::uint8_t enclave(std::uint8_t v, float u) {
    switch (v) {
        case 1:
            return u > 0.5f ? 8 : 5;
        case 2:
            return 4;
        case 3:
            return 2;
        case 4:
            return u > 0.5f ? 3 : 1;
        default:
            return v;
    }
}

inline std::uint8_t land_class(float e, float m, float u, float t, std::uint8_t mask) {
    using L = SynthLandscape;
    m += 0.06f * (t - 0.5f);  // ragged class boundaries
    if (t > 0.7f && e >= 0.33f && e <= 0.68f) {
        // Enclaves, computed from the class the cell would have without them.
        return enclave(land_class(e, m, u, 0.5f, mask), u);
    }
    if (e < 0.29f) return 5;                  // lakes and rivers
    if (e < 0.32f && m > 0.48f) return 9;     // wetland around them
    if (e > 0.73f) return m > 0.52f ? 6 : 7;  // snow/ice, barren on the heights
    if (e > 0.68f) return m > 0.50f ? 2 : 7;
    if (mask & L::kUrban) return u > 0.45f ? 8 : (m > 0.56f ? 2 : 1);
    if (mask & L::kCropland) return u > 0.66f ? 8 : (m > 0.58f ? 2 : 1);
    if (mask & (L::kRedline | L::kProtected)) return (m < 0.36f && u < 0.5f) ? 1 : natural_class(m);
    if (u > 0.64f) return 8;
    if (e < 0.52f && m < 0.52f) return 1;
    return natural_class(m);
}

}  // namespace

SynthLandscape::SynthLandscape(const SynthGeometry& geometry) : m_geometry(geometry) {
    auto add = [&](const std::vector<SynthFeature>& layer, std::uint8_t bit) {
        for (const auto& f : layer) {
            Shape s{&f, bit, {}};
            for (const auto& poly : f.shape.polygons)
                for (std::size_t k = 0; k < poly.rings.size(); ++k) {
                    const double a = synth::shoelace(poly.rings[k]);
                    int sign = a < 0 ? 1 : -1;
                    if (k > 0) sign = -sign;
                    s.ring_sign.push_back(sign);
                }
            m_shapes.push_back(std::move(s));
        }
    };
    add(geometry.redline, kRedline);
    add(geometry.cropland, kCropland);
    add(geometry.protected_areas, kProtected);
    add(geometry.urban, kUrban);
    add(geometry.islands, kIsland);
    const std::int64_t n = geometry.options.size;
    m_buckets_x = (n + m_bucket - 1) / m_bucket;
    m_index.resize(static_cast<std::size_t>(m_buckets_x * m_buckets_x));
    for (std::size_t s = 0; s < m_shapes.size(); ++s) {
        const Box& b = m_shapes[s].feature->bbox;
        const std::int64_t bx0 = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor(b.xmin)) / m_bucket, 0, m_buckets_x - 1);
        const std::int64_t bx1 = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor(b.xmax)) / m_bucket, 0, m_buckets_x - 1);
        const std::int64_t by0 = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor(b.ymin)) / m_bucket, 0, m_buckets_x - 1);
        const std::int64_t by1 = std::clamp<std::int64_t>(
            static_cast<std::int64_t>(std::floor(b.ymax)) / m_bucket, 0, m_buckets_x - 1);
        for (std::int64_t by = by0; by <= by1; ++by)
            for (std::int64_t bx = bx0; bx <= bx1; ++bx)
                m_index[static_cast<std::size_t>(by * m_buckets_x + bx)].push_back(
                    static_cast<std::uint32_t>(s));
    }
}

void SynthLandscape::layer_mask(const Window& w, std::uint8_t* mask) const {
    std::fill(mask, mask + w.cells(), std::uint8_t{0});
    std::vector<std::uint32_t> ids;
    const std::int64_t bx0 = w.col0 / m_bucket, bx1 = (w.col_end() - 1) / m_bucket;
    const std::int64_t by0 = w.row0 / m_bucket, by1 = (w.row_end() - 1) / m_bucket;
    for (std::int64_t by = by0; by <= by1; ++by)
        for (std::int64_t bx = bx0; bx <= bx1; ++bx) {
            const auto& v = m_index[static_cast<std::size_t>(by * m_buckets_x + bx)];
            ids.insert(ids.end(), v.begin(), v.end());
        }
    std::sort(ids.begin(), ids.end());
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    CoverageRasterizer rast(CoverageMode::Centroid);
    for (std::uint32_t id : ids) {
        const Shape& s = m_shapes[id];
        const Box& b = s.feature->bbox;
        Window sw;
        sw.col0 = static_cast<std::int64_t>(std::floor(b.xmin));
        sw.row0 = static_cast<std::int64_t>(std::floor(b.ymin));
        sw.cols = static_cast<std::int64_t>(std::ceil(b.xmax)) - sw.col0 + 1;
        sw.rows = static_cast<std::int64_t>(std::ceil(b.ymax)) - sw.row0 + 1;
        sw = sw.intersect(w);
        if (sw.empty()) continue;
        rast.begin(sw);
        std::size_t k = 0;
        for (const auto& poly : s.feature->shape.polygons)
            for (const auto& ring : poly.rings) {
                const int sign = s.ring_sign[k++];
                for (std::size_t i = 0; i + 1 < ring.size(); ++i)
                    rast.add_edge(ring[i].x, ring[i].y, ring[i + 1].x, ring[i + 1].y, sign);
            }
        rast.finish();
        for (std::int64_t r = 0; r < sw.rows; ++r) {
            const std::int64_t* cov = rast.row(r);
            std::uint8_t* m = mask + static_cast<std::size_t>((sw.row0 - w.row0 + r) * w.cols +
                                                              (sw.col0 - w.col0));
            for (std::int64_t c = 0; c < sw.cols; ++c)
                if (cov[c] > 0) m[c] |= s.bit;
        }
    }
}

void SynthLandscape::classify(const Window& w, std::uint8_t* out, std::uint8_t* mask_out) const {
    const SynthOptions& o = m_geometry.options;
    const auto n = static_cast<std::size_t>(w.cells());
    std::int64_t base = 512;
    if (o.size < 2048) {
        base = 64;
        while (base * 8 <= o.size) base *= 2;
    }
    std::vector<float> e(n), m(n), u(n), t(n);
    std::vector<std::uint8_t> mask(n);
    float* fields[3] = {e.data(), m.data(), u.data()};
    for (int f = 0; f < 3; ++f) {
        const std::int64_t wl = base * kFields[f].quarters / 4;
        // Keep the wavelength a multiple of 2^octaves so every octave has an integer lattice.
        const std::int64_t step = std::int64_t{1} << (kFields[f].octaves - 1);
        fill_field(w, synth::hash_key(o.seed, kFields[f].id), std::max(step * 2, wl / step * step),
                   kFields[f].octaves, kFields[f].persistence, fields[f]);
    }
    fill_field(w, synth::hash_key(o.seed, 0xF1E), 16, 3, 0.6f, t.data());
    layer_mask(w, mask.data());
    const std::int64_t size = o.size, mg = m_geometry.margin;
    for (std::int64_t r = 0; r < w.rows; ++r) {
        const std::int64_t gr = w.row0 + r;
        const double coast = m_geometry.coast_x(static_cast<double>(gr) + 0.5);
        const bool margin_row = gr < mg || gr >= size - mg;
        for (std::int64_t c = 0; c < w.cols; ++c) {
            const std::int64_t gc = w.col0 + c;
            const auto i = static_cast<std::size_t>(r * w.cols + c);
            std::uint8_t v;
            if (margin_row || gc < mg || gc >= size - mg) {
                v = 0;
            } else if (static_cast<double>(gc) + 0.5 > coast && !(mask[i] & kIsland)) {
                v = 5;
            } else {
                v = land_class(e[i], m[i], u[i], t[i], mask[i]);
                const std::uint64_t h = synth::hash_key(
                    o.seed, 0x5EC, static_cast<std::uint64_t>(gc), static_cast<std::uint64_t>(gr));
                if ((h & 0x3FF) < 10 && v != 5)
                    v = static_cast<std::uint8_t>(1 + ((h >> 20) & 3));  // speckle
            }
            out[i] = v;
        }
    }
    if (mask_out) std::copy(mask.begin(), mask.end(), mask_out);
}

std::uint8_t SynthLandscape::class_at(std::int64_t col, std::int64_t row) const {
    std::uint8_t v = 0;
    classify(Window{col, row, 1, 1}, &v);
    return v;
}

}  // namespace redline
