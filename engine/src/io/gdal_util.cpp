#include "gdal_util.hpp"

#include <cpl_conv.h>
#include <ogr_api.h>

#include <mutex>

namespace redline::detail {

GdalErrorCapture::GdalErrorCapture() {
    CPLPushErrorHandlerEx(&GdalErrorCapture::handler, this);
    CPLErrorReset();
}

GdalErrorCapture::~GdalErrorCapture() { CPLPopErrorHandler(); }

void CPL_STDCALL GdalErrorCapture::handler(CPLErr cls, CPLErrorNum, const char* msg) {
    auto* self = static_cast<GdalErrorCapture*>(CPLGetErrorHandlerUserData());
    if (!self || !msg) return;
    if (cls >= CE_Failure)
        self->m_messages.emplace_back(msg);
    else if (cls == CE_Warning)
        self->m_warnings.emplace_back(msg);
}

std::string GdalErrorCapture::last() const {
    return m_messages.empty() ? std::string() : m_messages.back();
}

std::vector<std::string> GdalErrorCapture::take_messages(std::size_t first) {
    std::vector<std::string> out;
    if (first >= m_messages.size()) return out;
    out.assign(std::make_move_iterator(m_messages.begin() + static_cast<std::ptrdiff_t>(first)),
               std::make_move_iterator(m_messages.end()));
    m_messages.resize(first);
    return out;
}

void GdalErrorCapture::append_messages(std::vector<std::string>&& messages) {
    for (auto& m : messages) m_messages.push_back(std::move(m));
    messages.clear();  // moved from: appending them again must add nothing
}

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] {
        GDALAllRegister();
        // The engine parallelises over tiles itself; a modest default cache, raised by the
        // tile plan (set_gdal_cache_bytes).
        if (!CPLGetConfigOption("GDAL_CACHEMAX", nullptr)) GDALSetCacheMax64(256LL << 20);
    });
}

std::string gdal_reason(const GdalErrorCapture& cap) {
    const std::string m = cap.last();
    return m.empty() ? std::string() : " (GDAL: " + m + ")";
}

}  // namespace redline::detail
