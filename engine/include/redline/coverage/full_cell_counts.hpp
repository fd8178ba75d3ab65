#pragma once
// Counts of full cells per slot (a tile's local class, or a pair of classes) between two
// additions to an exact tally: full cells of one row share one area, so a raster operation
// counts them here and adds count x area once per row area (every row on geographic grids, once
// per zone and tile on equal-area ones) instead of one 128-bit addition per cell.
// Four interleaved arrays (cell i counts in array i % 4) so that runs of one class do not chain
// increments of one counter through memory; drain() sums them. Counts are exact integers, so the
// tally does not depend on how cells were grouped.
// Thread-safety: one per worker thread.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace redline {

class FullCellCounts {
  public:
    // Zero counts for slots [0, slots).
    void reset(std::size_t slots) {
        m_n = slots;
        m_counts.assign(4 * slots, 0);
        m_pending = false;
    }
    // One full cell at position `i` (any running index, e.g. the column) of slot `slot`.
    void add(std::int64_t i, std::size_t slot) {
        ++m_counts[static_cast<std::size_t>(i & 3) * m_n + slot];
        m_pending = true;
    }
    // One full cell per entry of slots[0, len).
    void add_run(const std::uint16_t* slots, std::int64_t len) {
        std::int64_t* c0 = m_counts.data();
        std::int64_t* c1 = c0 + m_n;
        std::int64_t* c2 = c1 + m_n;
        std::int64_t* c3 = c2 + m_n;
        std::int64_t i = 0;
        for (; i + 4 <= len; i += 4) {
            ++c0[slots[i]];
            ++c1[slots[i + 1]];
            ++c2[slots[i + 2]];
            ++c3[slots[i + 3]];
        }
        for (; i < len; ++i) ++c0[slots[i]];
        m_pending = m_pending || len > 0;
    }
    // Calls f(slot, count) for every slot with a non-zero count, in slot order, and zeroes them.
    template <class F>
    void drain(F&& f) {
        if (!m_pending) return;
        std::int64_t* c = m_counts.data();
        const std::size_t n = m_n;
        for (std::size_t k = 0; k < n; ++k) {
            const std::int64_t cells = c[k] + c[n + k] + c[2 * n + k] + c[3 * n + k];
            if (cells == 0) continue;
            f(k, cells);
            c[k] = c[n + k] = c[2 * n + k] = c[3 * n + k] = 0;
        }
        m_pending = false;
    }

  private:
    std::size_t m_n = 0;
    std::vector<std::int64_t> m_counts;
    bool m_pending = false;
};

}  // namespace redline
