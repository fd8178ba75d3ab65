// bm_decode: the "bare decode" floor for zonal benchmarks. Decodes every block of one band of
// a raster with N threads, each thread with its own GDAL dataset handle, blocks read with
// GDALRasterBand::ReadBlock (no block cache, no type conversion), and prints what it did.
//
//   bm_decode RASTER [--threads N] [--band B]
//
// Output (one line): blocks=.. cells=.. threads=.. seconds=.. mcells_per_s=.. checksum=..
// The checksum (sum of the first byte of every block row) keeps the compiler from skipping
// the work and lets two runs be compared.
#include <gdal_priv.h>
#include <tbb/enumerable_thread_specific.h>
#include <tbb/global_control.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

namespace {

struct Handle {
    GDALDataset* ds = nullptr;
    std::vector<unsigned char> buffer;
    ~Handle() {
        if (ds) GDALClose(GDALDataset::ToHandle(ds));
    }
};

[[noreturn]] void usage(const char* msg) {
    std::fprintf(stderr, "bm_decode: %s\nusage: bm_decode RASTER [--threads N] [--band B]\n", msg);
    std::exit(2);
}

}  // namespace

int main(int argc, char** argv) {
    std::string path;
    int threads = 1, band_no = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--threads" && i + 1 < argc)
            threads = std::atoi(argv[++i]);
        else if (a == "--band" && i + 1 < argc)
            band_no = std::atoi(argv[++i]);
        else if (!a.empty() && a[0] != '-' && path.empty())
            path = a;
        else
            usage(("unexpected argument '" + a + "'").c_str());
    }
    if (path.empty()) usage("no raster given");
    if (threads < 1) usage("--threads must be >= 1");
    GDALAllRegister();
    GDALDataset* probe = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VERBOSE_ERROR);
    if (!probe) usage(("cannot open '" + path + "'").c_str());
    GDALRasterBand* b0 = probe->GetRasterBand(band_no);
    if (!b0) usage("no such band");
    int bx = 0, by = 0;
    b0->GetBlockSize(&bx, &by);
    const int nbx = (b0->GetXSize() + bx - 1) / bx, nby = (b0->GetYSize() + by - 1) / by;
    const long long cells = static_cast<long long>(b0->GetXSize()) * b0->GetYSize();
    const std::size_t block_bytes = static_cast<std::size_t>(bx) * static_cast<std::size_t>(by) *
                                    GDALGetDataTypeSizeBytes(b0->GetRasterDataType());
    GDALClose(GDALDataset::ToHandle(probe));

    tbb::enumerable_thread_specific<Handle> handles;
    std::atomic<unsigned long long> checksum{0};
    std::atomic<bool> failed{false};
    const auto t0 = std::chrono::steady_clock::now();
    tbb::task_arena arena(threads);
    arena.execute([&] {
        tbb::parallel_for(
            tbb::blocked_range<int>(0, nbx * nby, 1), [&](const tbb::blocked_range<int>& range) {
                Handle& h = handles.local();
                if (!h.ds) {
                    h.ds = GDALDataset::Open(path.c_str(), GDAL_OF_RASTER | GDAL_OF_VERBOSE_ERROR);
                    h.buffer.resize(block_bytes);
                }
                GDALRasterBand* band = h.ds->GetRasterBand(band_no);
                unsigned long long local = 0;
                for (int k = range.begin(); k != range.end(); ++k) {
                    if (band->ReadBlock(k % nbx, k / nbx, h.buffer.data()) != CE_None)
                        failed = true;
                    for (int r = 0; r < by; ++r)
                        local += h.buffer[static_cast<std::size_t>(r) * bx];
                }
                checksum += local;
            });
    });
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (failed) {
        std::fprintf(stderr, "bm_decode: a block could not be read\n");
        return 3;
    }
    std::printf("blocks=%d cells=%lld threads=%d seconds=%.3f mcells_per_s=%.1f checksum=%llu\n",
                nbx * nby, cells, threads, seconds, static_cast<double>(cells) / seconds / 1e6,
                checksum.load());
    return 0;
}
