#pragma once
// An output file that is either complete or absent (README.md, Promises): write to a temporary file
// beside the target (same directory, so the rename is atomic), then commit() renames it into
// place. The destructor removes the temporary when commit() was not reached (error, exception,
// cancellation). Thread-safety: one owner.
#include <string>
#include <vector>

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

// Throws Error(Io) naming the folder when `target` (a file path; "" or "-" = stdout, always fine)
// could not be written: its folder does not exist or is not writable, or it is a folder. The
// same check AtomicFile makes, for commands to run before their work starts.
void check_output_target(const std::string& target);

// Temporary directory beside `target` for outputs made of several files (report directories);
// rename with commit_directory. Missing parent folders of `target` are created first, as
// `mkdir -p` does; the ones created are appended to `created_parents` (outermost first) so a
// failed write can remove them again with remove_created_dirs. Throws Error(Io) naming the
// folder that cannot be created or written.
std::string make_temp_dir_beside(const std::string& target,
                                 std::vector<std::string>* created_parents);
void commit_directory(const std::string& temp_dir, const std::string& target);
// Removes the folders make_temp_dir_beside created (innermost first), each only if empty.
// Never throws.
void remove_created_dirs(const std::vector<std::string>& created_parents);

}  // namespace redline
