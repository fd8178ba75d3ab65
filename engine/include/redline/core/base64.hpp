#pragma once
// Base64 (RFC 4648, standard alphabet, '=' padding) for data: URLs in the report's HTML.
// Thread-safety: reentrant.
#include <string>

namespace redline {

std::string base64(const std::string& bytes);

}  // namespace redline
