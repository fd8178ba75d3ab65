#pragma once
// Small text helpers (CSV splitting, trimming, number parsing). Thread-safe (pure functions).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace redline::text {

std::string trim(const std::string& s);
std::string lower(std::string s);
std::vector<std::string> split(const std::string& s, char sep);
// Splits one CSV line (RFC 4180 quoting, no embedded newlines).
std::vector<std::string> split_csv_line(const std::string& line);
// Quotes a CSV cell when it contains a comma, quote or newline.
std::string csv_escape(const std::string& s);
std::optional<std::int64_t> parse_int(const std::string& s);
std::optional<double> parse_double(const std::string& s);
// "a, b, c and 3 more" for messages.
std::string join_limited(const std::vector<std::string>& items, std::size_t limit = 10);

}  // namespace redline::text
