#pragma once
// Helpers for engine tests: polygons from coordinates, reference values, temporary dirs.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "redline/core/crs.hpp"
#include "redline/core/error.hpp"
#include "redline/core/geometry.hpp"
#include "redline/core/option_name.hpp"

namespace redline::test {

// Closed rectangle ring / polygon / multipolygon.
Ring box_ring(double x0, double y0, double x1, double y1);
MultiPolygon box(double x0, double y0, double x1, double y1);
MultiPolygon polygon(std::vector<std::vector<Point>> rings);
// A random star-shaped closed ring around (cx, cy), valid by construction: n vertices at
// jittered angles, radii uniform in [0.4 r, r] (for n >= 12 the disk of radius 0.36 r around
// the centre lies inside).
Ring star_ring(std::mt19937& rng, double cx, double cy, double r, int n);
// A fresh empty directory under the system temp dir, of its own for this process (name + pid).
// Removed when the process exits with every test passed; kept and named on stderr otherwise.
std::string temp_dir(const std::string& name);
// CGCS2000 Albers PROJ string (docs/geodesy.md#equal-area-albers).
extern const char* const kAlbers;
// WKT of a user CRS string ("EPSG:4326", a PROJ string).
std::string wkt_of(const std::string& crs);
// The Crs of a user CRS string, as the engine builds it for a dataset in that CRS.
Crs crs_of(const std::string& crs);

// The message of the Error that `f()` throws, as the CLI shows it (option markers as `--name`,
// core/option_name.hpp). A test failure (and "") when it throws nothing, an
// Error of another kind or another exception.
template <class F>
std::string error_message(ErrorKind kind, F&& f) {
    try {
        f();
    } catch (const Error& e) {
        EXPECT_EQ(kind_name(e.kind()), std::string(kind_name(kind))) << e.what();
        return render_for_cli(e.what());
    } catch (const std::exception& e) {
        ADD_FAILURE() << "expected an Error, got: " << e.what();
        return {};
    }
    ADD_FAILURE() << "expected an Error of kind " << kind_name(kind) << ", nothing was thrown";
    return {};
}

// Success when `text`, rendered for the CLI, contains `part` (for EXPECT_TRUE; the failure shows
// both).
::testing::AssertionResult has(const std::string& text, const std::string& part);

}  // namespace redline::test
