// format_double: the shortest text that parses back to the same double. Oracles: strtod (round
// trip), glibc's correctly rounded printf("%.*e") (the nearest decimal of n digits; one digit
// fewer must not round-trip), and well-known texts (Python's repr of the same doubles).
#include "redline/core/number_text.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

namespace redline {
namespace {

double parse(const std::string& s) { return std::strtod(s.c_str(), nullptr); }

std::uint64_t bits(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

// Significant digits (no sign, point, exponent, leading or trailing zeros) and the decimal
// exponent of the first digit, of a text in fixed or exponent notation.
void digits_of(const std::string& s, std::string& digits, int& exp10) {
    std::string mant = s, ex;
    if (auto e = s.find_first_of("eE"); e != std::string::npos)
        mant = s.substr(0, e), ex = s.substr(e + 1);
    if (!mant.empty() && mant[0] == '-') mant.erase(0, 1);
    const auto point = mant.find('.');
    const std::string ip = mant.substr(0, point);
    const std::string fp = point == std::string::npos ? "" : mant.substr(point + 1);
    std::string all = ip + fp;
    std::size_t lead = 0;
    while (lead < all.size() && all[lead] == '0') ++lead;
    exp10 = static_cast<int>(ip.size()) - 1 - static_cast<int>(lead) +
            (ex.empty() ? 0 : std::atoi(ex.c_str()));
    digits = all.substr(lead);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    if (digits.empty()) digits = "0";
}

std::string printf_e(double v, int precision) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*e", precision, v);
    return buf;
}

TEST(NumberText, KnownTexts) {
    EXPECT_EQ(format_double(0.1), "0.1");
    EXPECT_EQ(format_double(100.0), "100.0");
    EXPECT_EQ(format_double(-2.5), "-2.5");
    EXPECT_EQ(format_double(0.0), "0.0");
    EXPECT_EQ(format_double(-0.0), "-0.0");
    EXPECT_EQ(format_double(1.0 / 3.0), "0.3333333333333333");
    EXPECT_EQ(format_double(0.1 + 0.2), "0.30000000000000004");
    EXPECT_EQ(format_double(1e-4), "0.0001");
    EXPECT_EQ(format_double(1e-5), "1e-05");
    EXPECT_EQ(format_double(2.5e-7), "2.5e-07");
    EXPECT_EQ(format_double(1e15), "1000000000000000.0");
    EXPECT_EQ(format_double(9999999999999998.0), "9999999999999998.0");
    EXPECT_EQ(format_double(1e16), "1e+16");
    EXPECT_EQ(format_double(1e22), "1e+22");
    EXPECT_EQ(format_double(9.6e12), "9600000000000.0");
    EXPECT_EQ(format_double(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
    EXPECT_EQ(format_double(std::numeric_limits<double>::denorm_min()), "5e-324");
    EXPECT_EQ(format_double(std::numeric_limits<double>::quiet_NaN()), "");
    EXPECT_EQ(format_double(std::numeric_limits<double>::infinity()), "");
    EXPECT_EQ(format_double(-std::numeric_limits<double>::infinity()), "");
}

TEST(NumberText, SliverValuesKeepTheirRelativePrecision) {
    // The fixed 6 decimals the tables used to write kept 2 significant digits of 2.4e-05 cells.
    for (double v : {2.4e-5, 1.23456789e-7, 3.0000000000000004e-6, 0.012345678901234567}) {
        EXPECT_EQ(bits(parse(format_double(v))), bits(v)) << format_double(v);
    }
}

TEST(NumberText, RandomDoublesAreShortestNearestRoundTrip) {
    std::mt19937_64 rng(20240515);
    std::uniform_real_distribution<double> log10_abs(-12.0, 18.0);
    int checked = 0;
    for (int i = 0; i < 200000; ++i) {
        double v;
        if (i % 2) {
            const std::uint64_t b = rng();
            std::memcpy(&v, &b, sizeof v);
            if (!std::isfinite(v)) continue;
        } else {
            v = std::pow(10.0, log10_abs(rng)) * ((rng() & 1) ? 1 : -1);
        }
        const std::string s = format_double(v);
        ASSERT_EQ(bits(parse(s)), bits(v)) << s;
        std::string d;
        int e = 0;
        digits_of(s, d, e);
        const int n = static_cast<int>(d.size());
        // Notation: fixed for decimal exponents -4..15 (always with a point), exponent beyond.
        const bool fixed = s.find('e') == std::string::npos;
        ASSERT_EQ(fixed, v == 0 || (e >= -4 && e < 16)) << s;
        if (fixed) {
            ASSERT_NE(s.find('.'), std::string::npos) << s;
        }
        // Shortest and nearest, where the round-trip interval is symmetric (the significand is
        // not a power of two; at powers of two the nearer side is half as wide).
        const bool power_of_two = (bits(v) & ((std::uint64_t{1} << 52) - 1)) == 0;
        if (v == 0 || power_of_two) continue;
        std::string pd;
        int pe = 0;
        digits_of(printf_e(v, n - 1), pd, pe);
        ASSERT_EQ(d, pd) << s << " vs " << printf_e(v, n - 1);
        ASSERT_EQ(e, pe) << s;
        if (n > 1) {
            ASSERT_NE(bits(parse(printf_e(v, n - 2))), bits(v)) << s << " is not the shortest";
        }
        ++checked;
    }
    EXPECT_GT(checked, 150000);
}

}  // namespace
}  // namespace redline
