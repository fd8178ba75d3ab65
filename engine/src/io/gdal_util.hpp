#pragma once
// Private GDAL helpers for io/.
#include <cpl_error.h>
#include <gdal.h>

#include <string>
#include <vector>

namespace redline::detail {

// Collects GDAL's error messages on this thread while alive (GDAL error state is per thread).
class GdalErrorCapture {
  public:
    GdalErrorCapture();
    ~GdalErrorCapture();
    GdalErrorCapture(const GdalErrorCapture&) = delete;
    GdalErrorCapture& operator=(const GdalErrorCapture&) = delete;
    // The last error message, or "" when GDAL said nothing.
    std::string last() const;
    const std::vector<std::string>& messages() const { return m_messages; }
    std::vector<std::string> warnings() const { return m_warnings; }
    // Removes and returns the messages from index `first` on (to re-order them, e.g. when
    // features read on this thread are converted on others).
    std::vector<std::string> take_messages(std::size_t first);
    // Appends messages captured elsewhere (another thread's capture), in order, and empties
    // `messages`.
    void append_messages(std::vector<std::string>&& messages);

  private:
    static void CPL_STDCALL handler(CPLErr cls, CPLErrorNum num, const char* msg);
    std::vector<std::string> m_messages;
    std::vector<std::string> m_warnings;
};

void ensure_gdal_registered();

// " (GDAL: <reason>)" or "".
std::string gdal_reason(const GdalErrorCapture& cap);

}  // namespace redline::detail
