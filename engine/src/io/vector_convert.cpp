#include "redline/io/vector_convert.hpp"

#include <fmt/format.h>
#include <gdal_utils.h>
#include <ogrsf_frmts.h>

#include <filesystem>
#include <vector>

#include "gdal_util.hpp"
#include "redline/core/error.hpp"
#include "redline/io/atomic_file.hpp"

namespace fs = std::filesystem;

namespace redline {

void convert_vector(const std::string& source, const std::string& target, VectorFormat format,
                    const std::string& encoding) {
    detail::ensure_gdal_registered();
    const char* driver = format == VectorFormat::FileGdb ? "OpenFileGDB" : "ESRI Shapefile";
    GDALDriver* drv = GetGDALDriverManager()->GetDriverByName(driver);
    if (!drv || !drv->GetMetadataItem(GDAL_DCAP_CREATE))
        fail(ErrorKind::Unsupported,
             fmt::format("this GDAL cannot write '{}' ({} driver; OpenFileGDB writes from GDAL "
                         "3.6)",
                         target, driver));
    detail::GdalErrorCapture cap;
    GDALDatasetH src = GDALOpenEx(source.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr);
    if (!src)
        fail(ErrorKind::Io,
             fmt::format("cannot open '{}' to convert it{}", source, detail::gdal_reason(cap)));
    std::vector<std::string> args = {"-f", driver};
    if (format == VectorFormat::Shapefile && !encoding.empty()) {
        args.push_back("-lco");
        args.push_back("ENCODING=" + encoding);
    }
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    GDALVectorTranslateOptions* opts = GDALVectorTranslateOptionsNew(argv.data(), nullptr);
    const std::string temp = make_temp_dir_beside(target, nullptr);
    // OpenFileGDB wants a path ending in .gdb: a .gdb inside the temporary directory.
    const std::string out = format == VectorFormat::FileGdb
                                ? (fs::path(temp) / fs::path(target).filename()).string()
                                : temp;
    int usage_error = 0;
    GDALDatasetH dst = GDALVectorTranslate(out.c_str(), nullptr, 1, &src, opts, &usage_error);
    GDALVectorTranslateOptionsFree(opts);
    const std::size_t errors_before = cap.messages().size();
    bool ok = dst != nullptr && !usage_error;
    if (dst) GDALClose(dst);
    ok = ok && cap.messages().size() == errors_before;
    GDALClose(src);
    std::error_code ec;
    if (!ok) {
        fs::remove_all(temp, ec);
        fail(ErrorKind::Io, fmt::format("cannot write '{}'{}", target, detail::gdal_reason(cap)));
    }
    if (format == VectorFormat::FileGdb) {
        commit_directory(out, target);
        fs::remove_all(temp, ec);
    } else {
        commit_directory(temp, target);
    }
}

}  // namespace redline
