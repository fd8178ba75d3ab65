#include "test_support.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <numbers>
#include <vector>

#include "redline/core/option_name.hpp"
#include "redline/geodesy/crs_description.hpp"
#include "redline/io/crs.hpp"

namespace redline::test {

const char* const kAlbers =
    "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +x_0=0 +y_0=0 +ellps=GRS80 +units=m "
    "+no_defs";

Ring box_ring(double x0, double y0, double x1, double y1) {
    return Ring{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}};
}

Ring star_ring(std::mt19937& rng, double cx, double cy, double r, int n) {
    std::uniform_real_distribution<double> rad(0.4 * r, r), jitter(-0.3, 0.3);
    Ring ring;
    for (int k = 0; k < n; ++k) {
        const double ang = 2 * std::numbers::pi * (k + 0.5 + jitter(rng)) / n;
        const double d = rad(rng);
        ring.push_back(Point{cx + d * std::cos(ang), cy + d * std::sin(ang)});
    }
    ring.push_back(ring.front());
    return ring;
}

MultiPolygon box(double x0, double y0, double x1, double y1) {
    MultiPolygon mp;
    mp.polygons.push_back(Polygon{{box_ring(x0, y0, x1, y1)}});
    return mp;
}

MultiPolygon polygon(std::vector<std::vector<Point>> rings) {
    Polygon p;
    for (auto& r : rings) {
        if (!r.empty() && !(r.front() == r.back())) r.push_back(r.front());
        p.rings.push_back(std::move(r));
    }
    MultiPolygon mp;
    mp.polygons.push_back(std::move(p));
    return mp;
}

namespace {

// The directories temp_dir made in this process. At exit they are removed when every test of
// the process passed, and kept (and named on stderr) for a look when one failed: a full test
// run otherwise leaves gigabytes under /tmp.
class TempDirs {
  public:
    void add(const std::filesystem::path& p) {
        std::lock_guard<std::mutex> lock(mutex_);
        if (std::find(dirs_.begin(), dirs_.end(), p) == dirs_.end()) dirs_.push_back(p);
    }
    ~TempDirs() {
        // A forked child (a death test) exits through here too: only the process that made
        // the directories removes them.
        if (::getpid() != pid_) return;
        const bool keep = ::testing::UnitTest::GetInstance()->Failed();
        for (const auto& p : dirs_) {
            std::error_code ec;
            if (keep)
                std::fprintf(stderr, "test files kept in %s\n", p.string().c_str());
            else
                std::filesystem::remove_all(p, ec);
        }
    }

  private:
    std::mutex mutex_;
    std::vector<std::filesystem::path> dirs_;
    const pid_t pid_ = ::getpid();
};

TempDirs& temp_dirs() {
    static TempDirs dirs;
    return dirs;
}

}  // namespace

std::string temp_dir(const std::string& name) {
    // One directory per process: ctest runs every test case in a process of its own, two at a
    // time, and two cases of one fixture (or two builds' test runs) must not share a directory
    // that one of them removes while the other writes to it.
    auto p = std::filesystem::temp_directory_path() /
             ("redline-test-" + name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(p);
    std::filesystem::create_directories(p);
    temp_dirs().add(p);
    return p.string();
}

std::string wkt_of(const std::string& crs) { return crs_from_user(crs); }

Crs crs_of(const std::string& crs) {
    std::string wkt = crs_from_user(crs);
    std::string label = crs_label_of(wkt);
    return make_crs(std::move(wkt), std::move(label));
}

::testing::AssertionResult has(const std::string& raw, const std::string& part) {
    const std::string text = render_for_cli(raw);
    if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "'" << part << "' is not in: " << text;
}

}  // namespace redline::test
