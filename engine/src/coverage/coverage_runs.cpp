#include "redline/coverage/coverage_runs.hpp"

#include <algorithm>

namespace redline {

void CoverageRuns::build(CoverageRasterizer& r) {
    m_window = r.window();
    const auto rows = static_cast<std::size_t>(std::max<std::int64_t>(m_window.rows, 0));
    m_runs.clear();
    m_row_start.assign(rows + 1, 0);
    struct Collect {
        CoverageRuns& self;
        std::size_t next_row = 0;  // rows before it have their start set
        void open(std::int64_t row) {
            for (const auto r = static_cast<std::size_t>(row); next_row <= r; ++next_row)
                self.m_row_start[next_row] = self.m_runs.size();
        }
        void push(std::int64_t row, std::int64_t b, std::int64_t e, std::int64_t c) {
            open(row);
            auto& runs = self.m_runs;
            // A cell continuing a run of the same coverage extends it (full cells next to a span).
            if (runs.size() > self.m_row_start[static_cast<std::size_t>(row)] &&
                runs.back().col1 == b && runs.back().coverage == c)
                runs.back().col1 = e;
            else
                runs.push_back(Run{b, e, c});
        }
        void cell(std::int64_t row, std::int64_t col, std::int64_t c, const std::int64_t*) {
            push(row, col, col + 1, c);
        }
        void span(std::int64_t row, std::int64_t b, std::int64_t e, std::int64_t c) {
            push(row, b, e, c);
        }
    };
    Collect collect{*this};
    r.scan(collect);
    for (; collect.next_row <= rows; ++collect.next_row)
        m_row_start[collect.next_row] = m_runs.size();
}

std::int64_t CoverageRuns::at(std::int64_t row, std::int64_t col) const {
    if (row < 0 || col < 0 || row >= m_window.rows || col >= m_window.cols) return 0;
    const auto r = static_cast<std::size_t>(row);
    const auto b = m_runs.begin() + static_cast<std::ptrdiff_t>(m_row_start[r]);
    const auto e = m_runs.begin() + static_cast<std::ptrdiff_t>(m_row_start[r + 1]);
    // The first run ending after col; runs of a row are disjoint and in column order.
    const auto it =
        std::upper_bound(b, e, col, [](std::int64_t c, const Run& x) { return c < x.col1; });
    return it != e && it->col0 <= col ? it->coverage : 0;
}

}  // namespace redline
