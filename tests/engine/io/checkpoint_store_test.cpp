// CheckpointStore: the chunk plan against its documented rule (about 200 chunks of at least 8
// tasks, covering every task once), chunks stored and reloaded byte for byte (read back from the
// files directly too), job.json parsed with nlohmann::json, a resumed run seeing exactly the
// chunks stored before, and the refusals with their messages.
#include "redline/io/checkpoint_store.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "ogr_fixture.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace redline {
namespace {

using test::error_message;
using test::has;

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

const std::string kFp = "0123456789abcdef0123456789abcdef";
const std::string kOther = "fedcba9876543210fedcba9876543210";

class CheckpointStoreTest : public ::testing::Test {
  protected:
    std::string m_root =
        test::temp_dir(std::string("checkpoint_") +
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::string m_dir = m_root + "/ck";
};

// The chunk size is the smallest of at least 8 tasks that makes at most 200 chunks.
TEST(CheckpointChunks, AboutTwoHundredChunksOfAtLeastEightTasks) {
    for (std::size_t tasks : {0, 1, 7, 8, 9, 1000, 1599, 1600, 1601, 12345, 1000000}) {
        const std::size_t k = checkpoint_chunk_tasks(tasks);
        EXPECT_GE(k, 8u) << tasks;
        const std::size_t chunks = (tasks + k - 1) / k;
        EXPECT_LE(chunks, 200u) << tasks;
        if (k > 8) {
            EXPECT_GT((tasks + k - 2) / (k - 1), 200u) << tasks;  // the smallest such k
        }
    }
    EXPECT_EQ(checkpoint_chunk_tasks(1000), 8u);
    EXPECT_EQ(checkpoint_chunk_tasks(10000), 50u);
    EXPECT_EQ(checkpoint_chunk_tasks(10001), 51u);
}

TEST_F(CheckpointStoreTest, ChunksCoverEveryTaskOnceAndJobJsonRecordsTheJob) {
    CheckpointStore s(m_dir, kFp, "redline zonal ...", 1001, false);
    EXPECT_TRUE(s.fresh());
    ASSERT_EQ(s.chunk_count(), 126u);  // 125 chunks of 8 and one of 1
    std::size_t next = 0;
    for (std::size_t i = 0; i < s.chunk_count(); ++i) {
        EXPECT_EQ(s.chunk(i).first, next);
        EXPECT_GT(s.chunk(i).second, s.chunk(i).first);
        next = s.chunk(i).second;
        EXPECT_FALSE(s.done(i));
    }
    EXPECT_EQ(next, 1001u);
    const auto j = nlohmann::json::parse(read_bytes(m_dir + "/job.json"));
    EXPECT_EQ(j["fingerprint"], kFp);
    EXPECT_EQ(j["tasks"], 1001);
    EXPECT_EQ(j["chunk_tasks"], 8);
    EXPECT_EQ(j["command"], "redline zonal ...");
    EXPECT_EQ(s.done_count(), 0u);
}

TEST_F(CheckpointStoreTest, StoredChunksReloadByteForByteAndResumeSkipsThem) {
    std::string bytes = "partial";
    bytes.push_back('\0');
    bytes += std::string(1000, '\xFF') + "end";
    {
        CheckpointStore s(m_dir, kFp, "cmd", 100, false);
        ASSERT_EQ(s.chunk_count(), 13u);
        s.store(0, bytes);
        s.store(5, "five");
        s.store(12, "");
        EXPECT_TRUE(s.done(0));
        EXPECT_FALSE(s.done(1));
        EXPECT_EQ(s.done_count(), 3u);
        EXPECT_EQ(s.load(0), bytes);
        // Files renamed into place: the chunk's own name, no temporary left.
        EXPECT_EQ(read_bytes(m_dir + "/chunk-000005.bin"), "five");
        for (const auto& e : fs::directory_iterator(m_dir))
            EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();
        s.store(5, "five again");  // a chunk recomputed replaces the old file whole
        EXPECT_EQ(s.load(5), "five again");
    }
    // A resumed run (another process, maybe another thread count) sees the same chunks.
    CheckpointStore r(m_dir, kFp, "cmd", 100, true);
    EXPECT_FALSE(r.fresh());
    ASSERT_EQ(r.chunk_count(), 13u);
    std::vector<std::size_t> to_compute;
    for (std::size_t i = 0; i < r.chunk_count(); ++i)
        if (!r.done(i)) to_compute.push_back(i);
    EXPECT_EQ(to_compute, (std::vector<std::size_t>{1, 2, 3, 4, 6, 7, 8, 9, 10, 11}));
    EXPECT_EQ(r.load(0), bytes);
    EXPECT_EQ(r.load(5), "five again");
    EXPECT_EQ(r.load(12), "");
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { r.load(1); }),
                    "cannot read checkpoint chunk '" + m_dir + "/chunk-000001.bin'"));
    r.remove();
    EXPECT_FALSE(fs::exists(m_dir));
}

// The chunk plan of a resumed run is the one recorded, even if the rule changed since.
TEST_F(CheckpointStoreTest, ResumeUsesTheRecordedChunkSize) {
    fs::create_directories(m_dir);
    std::ofstream(m_dir + "/job.json")
        << nlohmann::json{{"fingerprint", kFp}, {"tasks", 10}, {"chunk_tasks", 3}}.dump();
    CheckpointStore r(m_dir, kFp, "cmd", 10, true);
    ASSERT_EQ(r.chunk_count(), 4u);
    EXPECT_EQ(r.chunk(3), (std::pair<std::size_t, std::size_t>{9, 10}));
}

TEST_F(CheckpointStoreTest, AnotherJobOrARunWithoutResumeIsRefused) {
    { CheckpointStore s(m_dir, kFp, "cmd", 100, false); }
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput,
                                  [&] { CheckpointStore(m_dir, kFp, "cmd", 100, false); }),
                    "checkpoint directory '" + m_dir +
                        "' already holds a run; pass --resume to continue it, or remove the "
                        "directory to start afresh"));
    const std::string other = error_message(
        ErrorKind::InvalidInput, [&] { CheckpointStore(m_dir, kOther, "cmd", 100, true); });
    EXPECT_TRUE(has(other, "checkpoint '" + m_dir + "' belongs to another job"));
    EXPECT_TRUE(has(other, "fingerprint " + kFp.substr(0, 16) + " vs " + kOther.substr(0, 16)));
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput,
                                  [&] { CheckpointStore(m_dir, kFp, "cmd", 101, true); }),
                    "belongs to another job"));  // same fingerprint, other task count
    std::ofstream(m_dir + "/job.json", std::ios::trunc) << "{not json";
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput,
                                  [&] { CheckpointStore(m_dir, kFp, "cmd", 100, true); }),
                    "checkpoint '" + m_dir + "' has an unreadable job.json"));
    std::ofstream(m_dir + "/job.json", std::ios::trunc)
        << nlohmann::json{{"fingerprint", kFp}, {"tasks", 100}}.dump();
    EXPECT_TRUE(has(error_message(ErrorKind::InvalidInput,
                                  [&] { CheckpointStore(m_dir, kFp, "cmd", 100, true); }),
                    "has a job.json without a chunk size"));
}

TEST_F(CheckpointStoreTest, ResumeOfAnEmptyDirectoryIsFreshAndUnwritableDirsAreIoErrors) {
    CheckpointStore s(m_dir, kFp, "cmd", 20, true);
    EXPECT_TRUE(s.fresh());
    EXPECT_TRUE(fs::exists(m_dir + "/job.json"));
    // The directory vanished under a running job: storing a chunk is an Io error naming it.
    fs::remove_all(m_dir);
    EXPECT_TRUE(has(error_message(ErrorKind::Io, [&] { s.store(0, "x"); }),
                    "cannot write checkpoint '" + m_dir + "/chunk-000000.bin.tmp'"));
    std::ofstream(m_root + "/file") << "x";
    EXPECT_TRUE(
        has(error_message(ErrorKind::Io,
                          [&] { CheckpointStore(m_root + "/file/ck", kFp, "cmd", 5, false); }),
            "cannot create checkpoint directory '" + m_root + "/file/ck'"));
}

// The identity of the inputs: every file of a shapefile, and a change of size shows.
TEST_F(CheckpointStoreTest, DatasetIdentityListsEveryFileOfTheDataset) {
    const std::string shp = m_root + "/z.shp";
    test::OgrLayerSpec spec;
    spec.name = "z";
    spec.type = wkbPolygon;
    spec.fields = {{"name"}};
    spec.features = {{"POLYGON((0 0,1 0,1 1,0 0))", {"a"}}};
    test::write_ogr(shp, "ESRI Shapefile", {spec});
    const std::string id = dataset_identity(shp);
    for (const char* ext : {".shp", ".shx", ".dbf", ".prj"})
        EXPECT_TRUE(has(id, fs::absolute(m_root + "/z" + ext).string() + "|")) << ext;
    EXPECT_EQ(dataset_identity(shp + ":z"), id);  // PATH:LAYER reads the file part
    const std::string before = file_identity(m_root + "/z.dbf");
    EXPECT_TRUE(has(before, "|" + std::to_string(fs::file_size(m_root + "/z.dbf")) + "|"));
    std::ofstream(m_root + "/z.dbf", std::ios::app) << "more";
    EXPECT_NE(file_identity(m_root + "/z.dbf"), before);
}

}  // namespace
}  // namespace redline
