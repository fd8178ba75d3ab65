#pragma once
// An output file that is either complete or absent (README.md, Promises): write to a temporary file
// beside the target (same directory, so the rename is atomic), then commit() renames it into
// place. The destructor removes the temporary when commit() was not reached (error, exception,
// cancellation). Thread-safety: one owner.
#include <string>

namespace redline {

class AtomicFile {
public:
    // Throws Error(Io) when the target's directory does not exist or is not writable.
    explicit AtomicFile(std::string target);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    const std::string& temp_path() const { return m_temp; }
    const std::string& target() const { return m_target; }
    // Renames the temporary onto the target; throws Error(Io) on failure.
    void commit();
    // Removes the temporary now (also done by the destructor).
    void discard();

private:
    std::string m_target;
    std::string m_temp;
    bool m_done = false;
};

// Temporary directory beside `target` for outputs made of several files (report directories);
// rename with commit_directory. Throws Error(Io).
std::string make_temp_dir_beside(const std::string& target);
void commit_directory(const std::string& temp_dir, const std::string& target);

}  // namespace redline
