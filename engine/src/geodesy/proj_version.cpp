#include "redline/geodesy/proj_version.hpp"

#include <proj.h>

namespace redline {
std::string proj_version() { return std::string("PROJ ") + proj_info().version; }
}  // namespace redline
