#include "redline/io/atomic_file.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "redline/core/error.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

std::string temp_name_for(const fs::path& target) {
    static std::atomic<int> counter{0};
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const std::string ext = target.extension().string();
    return (dir /
            fmt::format(".{}.tmp-{}-{}{}", target.filename().string(), ::getpid(), counter++, ext))
        .string();
}

void check_dir(const fs::path& target) {
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec))
        fail(ErrorKind::Io, fmt::format("cannot write '{}': directory '{}' does not exist",
                                        target.string(), dir.string()));
    if (::access(dir.c_str(), W_OK) != 0)
        fail(ErrorKind::Io, fmt::format("cannot write '{}': directory '{}' is not writable ({})",
                                        target.string(), dir.string(), std::strerror(errno)));
    if (fs::is_directory(target, ec))
        fail(ErrorKind::Io, fmt::format("cannot write '{}': it is a directory", target.string()));
}

}  // namespace

void check_output_target(const std::string& target) {
    if (target.empty() || target == "-") return;
    check_dir(fs::path(target));
}

AtomicFile::AtomicFile(std::string target) : m_target(std::move(target)) {
    check_dir(m_target);
    m_temp = temp_name_for(m_target);
}

AtomicFile::~AtomicFile() { discard(); }

void AtomicFile::discard() {
    if (m_done) return;
    std::error_code ec;
    fs::remove(m_temp, ec);
    m_done = true;
}

void AtomicFile::commit() {
    std::error_code ec;
    fs::rename(m_temp, m_target, ec);
    if (ec)
        fail(ErrorKind::Io,
             fmt::format("cannot move the finished output into '{}': {}", m_target, ec.message()));
    m_done = true;
}

std::string make_temp_dir_beside(const std::string& target,
                                 std::vector<std::string>* created_parents) {
    const fs::path t(target);
    const fs::path dir = t.has_parent_path() ? t.parent_path() : fs::path(".");
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        // mkdir -p, remembering each folder made (outermost first) so a failure can undo it.
        std::vector<fs::path> missing;
        for (fs::path p = dir; !p.empty() && !fs::exists(p, ec); p = p.parent_path()) {
            missing.push_back(p);
            if (p == p.parent_path()) break;
        }
        for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
            if (!fs::create_directory(*it, ec) && !fs::is_directory(*it)) {
                if (created_parents) remove_created_dirs(*created_parents);
                fail(ErrorKind::Io,
                     fmt::format("cannot write '{}': cannot create the folder '{}' ({})", target,
                                 it->string(),
                                 ec ? ec.message() : std::string("a file of that name exists")));
            }
            if (created_parents) created_parents->push_back(it->string());
        }
        if (!fs::is_directory(dir, ec))
            fail(ErrorKind::Io,
                 fmt::format("cannot write '{}': '{}' is not a folder", target, dir.string()));
    }
    const std::string tmp = temp_name_for(t);
    if (!fs::create_directory(tmp, ec) || ec)
        fail(ErrorKind::Io, fmt::format("cannot create a temporary directory beside '{}': {}",
                                        target, ec.message()));
    return tmp;
}

void remove_created_dirs(const std::vector<std::string>& created_parents) {
    for (auto it = created_parents.rbegin(); it != created_parents.rend(); ++it) {
        std::error_code ec;
        fs::remove(*it, ec);  // removes only an empty folder; errors are ignored
    }
}

void commit_directory(const std::string& temp_dir, const std::string& target) {
    std::error_code ec;
    if (fs::exists(target, ec)) {
        // Replace an earlier report: move it aside first so the swap leaves no mixture.
        const std::string old = temp_name_for(fs::path(target)) + ".old";
        fs::rename(target, old, ec);
        if (ec) fail(ErrorKind::Io, fmt::format("cannot replace '{}': {}", target, ec.message()));
        fs::rename(temp_dir, target, ec);
        if (ec) {
            fs::rename(old, target);
            fail(ErrorKind::Io, fmt::format("cannot move the finished output into '{}': {}", target,
                                            ec.message()));
        }
        fs::remove_all(old, ec);
        return;
    }
    fs::rename(temp_dir, target, ec);
    if (ec)
        fail(ErrorKind::Io,
             fmt::format("cannot move the finished output into '{}': {}", target, ec.message()));
}

}  // namespace redline
