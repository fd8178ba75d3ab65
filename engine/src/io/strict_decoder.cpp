#include "redline/io/strict_decoder.hpp"

#include <fmt/format.h>
#include <iconv.h>

#include <cerrno>
#include <string>

#include "redline/core/error.hpp"

namespace redline {

StrictDecoder::StrictDecoder(const std::string& encoding, const std::string& option) {
    iconv_t cd = iconv_open("UTF-8", encoding.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1))
        fail(ErrorKind::InvalidInput,
             fmt::format("{} '{}' is not an encoding this system can decode; use a name such as "
                         "CP936 (GBK), GB18030, BIG5, CP1252, ISO-8859-1 or UTF-8 (see 'iconv "
                         "--list')",
                         option, encoding));
    m_cd = cd;
}

StrictDecoder::~StrictDecoder() { iconv_close(static_cast<iconv_t>(m_cd)); }

bool StrictDecoder::known(const std::string& encoding) {
    iconv_t cd = iconv_open("UTF-8", encoding.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) return false;
    iconv_close(cd);
    return true;
}

bool StrictDecoder::decodes(std::string_view bytes) {
    auto cd = static_cast<iconv_t>(m_cd);
    iconv(cd, nullptr, nullptr, nullptr, nullptr);  // initial state
    std::string in(bytes);
    char* src = in.data();
    std::size_t src_left = in.size();
    char out[1024];
    while (src_left > 0) {
        char* dst = out;
        std::size_t dst_left = sizeof out;
        if (iconv(cd, &src, &src_left, &dst, &dst_left) == static_cast<std::size_t>(-1)) {
            if (errno == E2BIG) continue;  // output buffer full: go on
            return false;                  // EILSEQ (invalid or unmapped) or EINVAL (truncated)
        }
    }
    char* dst = out;
    std::size_t dst_left = sizeof out;
    return iconv(cd, nullptr, nullptr, &dst, &dst_left) != static_cast<std::size_t>(-1);
}

}  // namespace redline
