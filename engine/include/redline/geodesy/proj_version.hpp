#pragma once
#include <string>
namespace redline {
// "PROJ 9.1.1"
std::string proj_version();
}  // namespace redline
