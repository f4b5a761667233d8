// Rendering of UNDECIDED findings (issue 16): in every format an undecided
// finding is shown with its own severity, counted apart from the proven
// breaks, fails the report, and is never presented as a proven break (no
// witness, JUnit <error> rather than <failure>, GitHub title
// "KIND (undecided)"). Pinned by goldens in tests/unit/compat/render_goldens/
// (undecided.*; ACCORD_UPDATE_GOLDENS=1 rewrites them).
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "accord/compat/jsonschema_kinds.h"
#include "accord/compat/render.h"

namespace accord::compat {
namespace {

// One proven break and one undecided finding, as the JSON Schema engine
// reports a changed pattern next to a raised maximum.
Report UndecidedReport() {
  Report r;
  Finding undecided;
  undecided.kind = JsonSchemaKind::kPatternChanged;
  undecided.severity = Severity::kUndecided;
  undecided.writer_path = "/properties/code/pattern";
  undecided.reader_path = "/properties/code/pattern";
  undecided.message =
      "undecided (no event was found that proves it): pattern changed from '^[A-Z]{3}$' to "
      "'^[A-Z]{2,3}$': regex inclusion is not decided, treated as breaking";
  r.Add(undecided);
  Finding max;
  max.kind = JsonSchemaKind::kMaximumAdded;
  max.writer_path = "/properties/q";
  max.reader_path = "/properties/q/maximum";
  max.message =
      "the reader adds an upper bound (maximum 100): larger numbers the writer allows "
      "are rejected";
  json::Value w{json::Object{}};
  w.Add("q", json::Value(101));
  max.witness = w;
  r.Add(max);
  return r;
}

RenderContext Context() {
  RenderContext ctx;
  ctx.writer_name = "old.json";
  ctx.reader_name = "new.json";
  ctx.mode = "BACKWARD";
  ctx.new_schema_file = "new.json";
  ctx.new_schema_line = [](std::string_view pointer) {
    if (pointer == "/properties/code/pattern") return 7;
    if (pointer == "/properties/q/maximum") return 4;
    return 1;
  };
  return ctx;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void ExpectGolden(const std::string& name, const std::string& actual) {
  const std::string path =
      std::string(ACCORD_SOURCE_DIR) + "/tests/unit/compat/render_goldens/" + name;
  const char* update = std::getenv("ACCORD_UPDATE_GOLDENS");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream probe(path);
  ASSERT_TRUE(probe.good()) << "missing golden " << path << " (run with ACCORD_UPDATE_GOLDENS=1)";
  EXPECT_EQ(actual, ReadAll(path)) << "golden " << path;
}

TEST(RenderUndecidedTest, ProvenBreakFirstThenUndecided) {
  Report r = UndecidedReport();
  ASSERT_EQ(r.findings.size(), 2u);
  EXPECT_EQ(r.findings[0].severity, Severity::kBreaking);
  EXPECT_EQ(r.findings[1].severity, Severity::kUndecided);
  EXPECT_FALSE(r.compatible());
}

// Golden: "UNDECIDED KIND" block without a witness; the summary counts
// "1 breaking, 1 undecided".
TEST(RenderUndecidedTest, TextGolden) {
  ExpectGolden("undecided.txt", Render(UndecidedReport(), OutputFormat::kText, Context()));
}

// Golden: severity "UNDECIDED", "undecided": 1 next to "breaking": 1.
TEST(RenderUndecidedTest, JsonGolden) {
  ExpectGolden("undecided.json", Render(UndecidedReport(), OutputFormat::kJson, Context()));
}

// Golden: the proven break is a <failure>, the undecided finding an <error>.
TEST(RenderUndecidedTest, JunitGolden) {
  ExpectGolden("undecided.xml", Render(UndecidedReport(), OutputFormat::kJunit, Context()));
}

// Golden: both are ::error; the undecided one is titled "KIND (undecided)".
TEST(RenderUndecidedTest, GithubGolden) {
  ExpectGolden("undecided.github", Render(UndecidedReport(), OutputFormat::kGithub, Context()));
}

}  // namespace
}  // namespace accord::compat
