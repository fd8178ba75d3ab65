#include "redline/io/checkpoint_store.hpp"

#include <cpl_string.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <gdal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"

namespace fs = std::filesystem;

namespace redline {

std::size_t checkpoint_chunk_tasks(std::size_t tasks) {
    return std::max<std::size_t>(8, (tasks + 199) / 200);
}

std::string file_identity(const std::string& path) {
    std::error_code ec;
    const auto size = fs::file_size(path, ec);
    const auto time = fs::last_write_time(path, ec);
    return fmt::format("{}|{}|{}", fs::absolute(path, ec).string(), ec ? 0 : size,
                       time.time_since_epoch().count());
}

std::string dataset_identity(const std::string& path) {
    detail::ensure_gdal_registered();
    std::string file = path;
    if (!fs::exists(file)) {
        const auto colon = path.rfind(':');
        if (colon != std::string::npos && fs::exists(path.substr(0, colon)))
            file = path.substr(0, colon);
    }
    std::string id;
    GDALDatasetH h = GDALOpenEx(file.c_str(), GDAL_OF_RASTER | GDAL_OF_VECTOR | GDAL_OF_READONLY,
                                nullptr, nullptr, nullptr);
    if (h) {
        char** files = GDALGetFileList(h);
        for (char** f = files; f && *f; ++f) id += file_identity(*f) + "\n";
        CSLDestroy(files);
        GDALClose(h);
    }
    return id.empty() ? file_identity(file) : id;
}

CheckpointStore::CheckpointStore(std::string dir, std::string fingerprint, std::string command,
                                 std::size_t tasks, bool resume)
    : m_dir(std::move(dir)) {
    const fs::path meta = fs::path(m_dir) / "job.json";
    std::error_code ec;
    std::size_t chunk_tasks = checkpoint_chunk_tasks(tasks);
    if (fs::exists(meta, ec)) {
        nlohmann::json j;
        try {
            std::ifstream in(meta);
            j = nlohmann::json::parse(in);
        } catch (const std::exception& e) {
            fail(ErrorKind::InvalidInput,
                 fmt::format("checkpoint '{}' has an unreadable job.json ({}); remove the "
                             "directory to start afresh",
                             m_dir, e.what()));
        }
        if (!resume)
            fail(ErrorKind::InvalidInput,
                 fmt::format("checkpoint directory '{}' already holds a run; pass " REDLINE_FLAG(
                                 "resume") " to "
                                           "continue it, or remove "
                                           "the directory to start afresh",
                             m_dir));
        if (j.value("fingerprint", "") != fingerprint || j.value("tasks", std::size_t{0}) != tasks)
            fail(
                ErrorKind::InvalidInput,
                fmt::format("checkpoint '{}' belongs to another job (its inputs or options "
                            "differ: fingerprint {} "
                            "vs {}); remove it or point " REDLINE_OPTION("checkpoint") " elsewhere",
                            m_dir, j.value("fingerprint", std::string("?")).substr(0, 16),
                            fingerprint.substr(0, 16)));
        chunk_tasks = j.value("chunk_tasks", std::size_t{0});
        if (chunk_tasks == 0)
            fail(ErrorKind::InvalidInput,
                 fmt::format("checkpoint '{}' has a job.json without a chunk size; remove the "
                             "directory to start afresh",
                             m_dir));
    } else {
        m_fresh = true;
        fs::create_directories(m_dir, ec);
        if (ec || !fs::is_directory(m_dir))
            fail(ErrorKind::Io,
                 fmt::format("cannot create checkpoint directory '{}': {}", m_dir, ec.message()));
        nlohmann::json j = {{"fingerprint", fingerprint},
                            {"tasks", tasks},
                            {"chunk_tasks", chunk_tasks},
                            {"command", command}};
        const std::string tmp = (fs::path(m_dir) / "job.json.tmp").string();
        {
            std::ofstream out(tmp);
            out << j.dump(1) << "\n";
            if (!out) fail(ErrorKind::Io, fmt::format("cannot write checkpoint '{}'", tmp));
        }
        fs::rename(tmp, meta, ec);
        if (ec)
            fail(ErrorKind::Io,
                 fmt::format("cannot write checkpoint '{}': {}", meta.string(), ec.message()));
    }
    for (std::size_t b = 0; b < tasks; b += chunk_tasks)
        m_chunks.emplace_back(b, std::min(tasks, b + chunk_tasks));
}

std::string CheckpointStore::path_of(std::size_t i) const {
    return (fs::path(m_dir) / fmt::format("chunk-{:06}.bin", i)).string();
}

bool CheckpointStore::done(std::size_t i) const {
    std::error_code ec;
    return fs::exists(path_of(i), ec);
}

std::size_t CheckpointStore::done_count() const {
    std::size_t n = 0;
    for (std::size_t i = 0; i < m_chunks.size(); ++i) n += done(i) ? 1 : 0;
    return n;
}

std::string CheckpointStore::load(std::size_t i) const {
    std::ifstream in(path_of(i), std::ios::binary);
    if (!in) fail(ErrorKind::Io, fmt::format("cannot read checkpoint chunk '{}'", path_of(i)));
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void CheckpointStore::store(std::size_t i, const std::string& bytes) {
    const std::string final_path = path_of(i);
    const std::string tmp = final_path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        fail(ErrorKind::Io,
             fmt::format("cannot write checkpoint '{}': {}", tmp, std::strerror(errno)));
    std::size_t off = 0;
    while (off < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
        if (n <= 0) {
            const int err = errno;
            ::close(fd);
            fail(ErrorKind::Io,
                 fmt::format("cannot write checkpoint '{}': {}", tmp, std::strerror(err)));
        }
        off += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0)
        fail(ErrorKind::Io,
             fmt::format("cannot write checkpoint '{}': {}", tmp, std::strerror(errno)));
    std::error_code ec;
    fs::rename(tmp, final_path, ec);
    if (ec)
        fail(ErrorKind::Io,
             fmt::format("cannot write checkpoint '{}': {}", final_path, ec.message()));
}

void CheckpointStore::remove() {
    std::error_code ec;
    fs::remove_all(m_dir, ec);
}

}  // namespace redline
