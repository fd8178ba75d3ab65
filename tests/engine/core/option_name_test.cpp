#include "redline/core/option_name.hpp"

#include <gtest/gtest.h>

namespace redline {
namespace {

TEST(OptionName, RendersForTheCli) {
    EXPECT_EQ(render_for_cli("pass " + option("densify") + " to change it"),
              "pass --densify to change it");
    EXPECT_EQ(render_for_cli(option("max_memory", "1.0 MiB") + " is too small"),
              "--max-memory 1.0 MiB is too small");
    EXPECT_EQ(render_for_cli("or pass " + flag("make_valid")), "or pass --make-valid");
    EXPECT_EQ(render_for_cli(option("matrix_output") + ", " + option("patches_output")),
              "--matrix, --patches");
}

TEST(OptionName, RendersForPython) {
    EXPECT_EQ(render_for_python("pass " + option("densify") + " to change it"),
              "pass densify= to change it");
    EXPECT_EQ(render_for_python(option("max_memory", "1.0 MiB") + " is too small"),
              "max_memory=1.0 MiB is too small");
    EXPECT_EQ(render_for_python("or pass " + flag("make_valid")), "or pass make_valid=True");
    EXPECT_EQ(render_for_python(option("matrix_output")), "matrix_output=");
}

TEST(OptionName, WithValue) {
    EXPECT_EQ(render_for_cli(with_value(option("encoding"), "CP936")), "--encoding CP936");
    EXPECT_EQ(render_for_python(with_value(option("encoding"), "CP936")), "encoding=CP936");
    EXPECT_EQ(with_value("options.encoding", "CP936"), "options.encoding: CP936");
}

TEST(OptionName, LeavesOtherTextAlone) {
    EXPECT_EQ(render_for_cli(""), "");
    EXPECT_EQ(render_for_python("no option here: --literal stays"),
              "no option here: --literal stays");
    EXPECT_EQ(render_for_cli("层 'a' " + option("id") + " 'code'"), "层 'a' --id 'code'");
    // An unterminated marker is left as it is (never produced by option()).
    EXPECT_EQ(render_for_cli(std::string("a \x1e"
                                         "b")),
              std::string("a \x1e"
                          "b"));
    // Several markers in one text.
    EXPECT_EQ(render_for_python(option("t0") + " and " + option("t1") + " differ"),
              "t0= and t1= differ");
}

}  // namespace
}  // namespace redline
