#pragma once
// RAII owners for PROJ objects (private to geodesy/).
#include <proj.h>

#include <memory>
#include <string>

namespace redline::detail {

struct ProjContextDeleter {
    void operator()(PJ_CONTEXT* c) const { proj_context_destroy(c); }
};
struct ProjDeleter {
    void operator()(PJ* p) const { proj_destroy(p); }
};
using ProjContextPtr = std::unique_ptr<PJ_CONTEXT, ProjContextDeleter>;
using ProjPtr = std::unique_ptr<PJ, ProjDeleter>;

inline ProjContextPtr make_context() {
    ProjContextPtr ctx(proj_context_create());
    proj_log_level(ctx.get(), PJ_LOG_NONE);
    return ctx;
}

inline std::string last_error(PJ_CONTEXT* ctx) {
    const int err = proj_context_errno(ctx);
    const char* msg = err ? proj_context_errno_string(ctx, err) : nullptr;
    return msg ? msg : "unknown PROJ error";
}

}  // namespace redline::detail
