#pragma once
// Checkpoints of long runs (issue #8): a directory holding the job's fingerprint, its chunk plan
// and one file per finished chunk of tasks (the chunk's exact partial result). After a crash or
// a kill, a run with `resume` loads the finished chunks and computes only the others; because
// partial results are exact integer sums, the final output is byte-identical to an uninterrupted
// run.
//
//   DIR/job.json          {"fingerprint": "...", "tasks": N, "chunk_tasks": K, "command": "..."}
//   DIR/chunk-000012.bin  partial result of tasks [12 K, 13 K)
//
// The chunk plan depends only on the number of tasks (never on threads), so a resumed run may
// use another --threads. Chunk files are written to a temporary name, fsync'ed and renamed.
// Thread-safety: one owner.
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace redline {

class CheckpointStore {
  public:
    // Opens DIR for a job. Without `resume`, DIR must not hold another run's chunks (InvalidInput
    // suggesting --resume or removing DIR). With `resume`, DIR must hold this job (same
    // fingerprint), else InvalidInput naming both fingerprints.
    CheckpointStore(std::string dir, std::string fingerprint, std::string command,
                    std::size_t tasks, bool resume);

    std::size_t chunk_count() const { return m_chunks.size(); }
    std::pair<std::size_t, std::size_t> chunk(std::size_t i) const { return m_chunks[i]; }
    bool done(std::size_t i) const;
    std::string load(std::size_t i) const;
    void store(std::size_t i, const std::string& bytes);
    std::size_t done_count() const;
    // Removes the directory after a successful run.
    void remove();
    const std::string& dir() const { return m_dir; }
    // True when DIR held no run (it was created or was empty): a --resume has nothing to resume.
    bool fresh() const { return m_fresh; }

  private:
    std::string path_of(std::size_t i) const;
    std::string m_dir;
    bool m_fresh = false;
    std::vector<std::pair<std::size_t, std::size_t>> m_chunks;
};

// Chunk size for `tasks` tasks: about 200 chunks, at least 8 tasks each.
std::size_t checkpoint_chunk_tasks(std::size_t tasks);

// Identity of the content a run reads besides its options: path, size and modification time of
// each file (hashing terabytes would cost more than the run).
std::string file_identity(const std::string& path);

// file_identity of every file of a GDAL dataset (raster or vector): a VRT's sources, a
// shapefile's .shp/.dbf/.shx/.prj. PATH:LAYER references use the file part. Falls back to the
// path itself when GDAL cannot open it.
std::string dataset_identity(const std::string& path);

}  // namespace redline
