#pragma once
// Whether bytes decode without loss from a named encoding to UTF-8, with the system's iconv
// (the converter GDAL recodes shapefile text with). GDAL's recoding skips bytes it cannot
// convert (and warns once per process), so a wrong or partly wrong encoding would otherwise give
// silently damaged names; this checks the same bytes strictly.
// Thread-safety: one owner (an iconv conversion state); make one per thread.
#include <string>
#include <string_view>

namespace redline {

class StrictDecoder {
  public:
    // Unsupported names are an InvalidInput naming `option` (e.g. "--encoding").
    StrictDecoder(const std::string& encoding, const std::string& option);
    ~StrictDecoder();
    StrictDecoder(const StrictDecoder&) = delete;
    StrictDecoder& operator=(const StrictDecoder&) = delete;

    // True when every byte of `bytes` is part of a character of the encoding that has a UTF-8
    // form (no invalid, truncated or unmapped sequence).
    bool decodes(std::string_view bytes);
    // Whether the system's iconv knows the encoding name.
    static bool known(const std::string& encoding);

  private:
    void* m_cd;  // iconv_t
};

}  // namespace redline
