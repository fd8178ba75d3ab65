#include "layer_text.hpp"

#include <cpl_conv.h>
#include <cpl_string.h>
#include <fmt/format.h>

#include "redline/core/error.hpp"
#include "redline/core/option_name.hpp"
#include "redline/core/text_encoding.hpp"
#include "redline/io/dbf_file.hpp"
#include "redline/io/strict_decoder.hpp"
#include "redline/io/vector_layer.hpp"

namespace redline::detail {
namespace {

bool has_cpg(const std::string& dbf) {
    for (const char* e : {"cpg", "CPG"}) {
        VSIStatBufL st;
        if (VSIStatL(CPLResetExtension(dbf.c_str(), e), &st) == 0) return true;
    }
    return false;
}

bool is_utf8_name(const std::string& enc) {
    const std::string u = CPLString(enc).toupper();
    return u == "UTF-8" || u == "UTF8";
}

}  // namespace

std::string option_example(const std::string& option, const std::string& value) {
    return with_value(option, value);
}

std::string dbf_of_layer(GDALDataset* ds, OGRLayer* layer) {
    std::string out;
    char** files = ds->GetFileList();
    for (char** f = files; f && *f; ++f)
        if (EQUAL(CPLGetExtension(*f), "dbf") && EQUAL(CPLGetBasename(*f), layer->GetName()))
            out = *f;
    CSLDestroy(files);
    return out;
}

EncodingChoice choose_shapefile_encoding(const std::string& dbf, const std::string& requested,
                                         const std::string& option) {
    EncodingChoice c;
    if (!requested.empty()) {
        c.open_encoding = requested;
        return c;
    }
    // The user's GDAL setting decides, as GDAL documents it.
    if (CPLGetConfigOption("SHAPE_ENCODING", nullptr) || dbf.empty()) return c;
    const DbfFile table = DbfFile::open(dbf);
    if (table.language_driver() != 0 || has_cpg(dbf)) return c;  // declared: GDAL decodes it
    bool ascii = true, utf8 = true, gb = true;
    auto look = [&](std::string_view v) {
        if (text::is_ascii(v)) return;
        ascii = false;
        if (utf8) utf8 = text::is_valid_utf8(v);
        if (gb) gb = text::is_valid_gb18030(v);
    };
    for (const auto& f : table.fields()) look(f.name_bytes);
    table.for_each_text({}, [&](std::size_t, std::uint64_t, std::string_view v) {
        look(v);
        return utf8 || gb;
    });
    if (ascii || utf8) return c;  // UTF-8 (or plain ASCII): no recoding
    if (!gb) {
        c.neither = true;
        return c;
    }
    c.open_encoding = "GB18030";
    c.scanned = true;
    c.warning = fmt::format(
        "'{}' declares no text encoding (no .cpg file, language driver byte 0) and its text is "
        "not UTF-8 but is valid GB18030 (of which GBK/CP936 is a part): decoded as GB18030. If "
        "that is wrong, set {} with the file's encoding (e.g. {}); a .cpg file holding the "
        "encoding's name silences this",
        dbf, option, option_example(option, "BIG5"));
    return c;
}

void describe_source(LayerText& t, OGRLayer* layer, const std::string& requested,
                     const EncodingChoice& choice) {
    const char* src = layer->GetMetadataItem("SOURCE_ENCODING", "SHAPEFILE");
    t.encoding = src ? src : "";
    t.scanned = choice.scanned;
    if (!requested.empty()) {
        t.why = fmt::format("given by {}", t.option);
    } else if (CPLGetConfigOption("SHAPE_ENCODING", nullptr)) {
        t.why = "as the SHAPE_ENCODING setting says";
    } else if (!choice.warning.empty()) {
        t.why = "detected because the file declares no encoding";
    } else if (layer->GetMetadataItem("CPG_VALUE", "SHAPEFILE")) {
        t.why = fmt::format("as its .cpg file says ('{}')",
                            layer->GetMetadataItem("CPG_VALUE", "SHAPEFILE"));
    } else if (const char* ldid = layer->GetMetadataItem("LDID_VALUE", "SHAPEFILE");
               ldid && std::atoi(ldid) != 0) {
        t.why = fmt::format("as its language driver byte (0x{:02X}) says", std::atoi(ldid));
    } else if (choice.neither) {
        t.why =
            "because the file declares no encoding (no .cpg file, language driver byte 0) and "
            "its text is neither UTF-8 nor GB18030";
    } else {
        t.why = "because the file declares no encoding (no .cpg file, language driver byte 0)";
    }
}

void check_dbf_bytes(const LayerText& t, OGRFeatureDefn* defn, const std::vector<int>& fields) {
    if (t.dbf.empty() || t.encoding.empty() || is_utf8_name(t.encoding) || t.scanned) return;
    if (!StrictDecoder::known(t.encoding)) return;  // GDAL could not recode either: UTF-8 check
    StrictDecoder dec(t.encoding, t.option);
    const DbfFile table = DbfFile::open(t.dbf);
    for (std::size_t i = 0; i < table.fields().size(); ++i)
        if (!dec.decodes(table.fields()[i].name_bytes))
            fail_undecodable(t, fmt::format("the name of field {}", i + 1),
                             table.fields()[i].name_bytes);
    std::vector<std::size_t> which;
    for (int f : fields)
        if (f >= 0) which.push_back(static_cast<std::size_t>(f));
    if (which.empty()) return;
    table.for_each_text(which, [&](std::size_t f, std::uint64_t record, std::string_view v) {
        if (!dec.decodes(v)) {
            const std::string name = static_cast<int>(f) < defn->GetFieldCount()
                                         ? defn->GetFieldDefn(static_cast<int>(f))->GetNameRef()
                                         : std::to_string(f + 1);
            fail_undecodable(t, fmt::format("the value of field '{}' in feature {}", name, record),
                             v);
        }
        return true;
    });
}

void check_field_names(const LayerText& t, OGRFeatureDefn* defn) {
    for (int i = 0; i < defn->GetFieldCount(); ++i) {
        const char* name = defn->GetFieldDefn(i)->GetNameRef();
        if (!text::is_valid_utf8(name))
            fail_undecodable(t, fmt::format("the name of field {}", i + 1), name);
    }
}

void fail_undecodable(const LayerText& t, const std::string& what, std::string_view bytes) {
    const bool recoded = !t.encoding.empty() && !is_utf8_name(t.encoding);
    const std::string enc = recoded ? t.encoding : std::string("UTF-8");
    std::string how;
    if (t.shapefile)
        how = fmt::format(
            "set {} to the encoding the file was written in (e.g. {} or {} for GBK, {} for "
            "Big5); it overrides a .cpg file and the language driver byte",
            t.option, option_example(t.option, "CP936"), option_example(t.option, "GB18030"),
            option_example(t.option, "BIG5"));
    else
        how = fmt::format(
            "the file is damaged or was written with another encoding ({} applies to shapefiles "
            "only); convert its text to UTF-8",
            t.option);
    std::string source;
    if (t.shapefile)
        source = fmt::format("{} {}, {}", recoded ? "decoded as" : "taken as", enc, t.why);
    else
        source = "text in this format is UTF-8";
    fail(ErrorKind::InvalidInput,
         fmt::format("{}: {} cannot be decoded: its bytes \"{}\" are not valid {} ({}); {}",
                     t.layer_text, what, text::escape_bytes(bytes), enc, source, how));
}

}  // namespace redline::detail
