// Rendering: each format is pinned by a golden file in
// tests/unit/compat/render_goldens/ (ACCORD_UPDATE_GOLDENS=1 rewrites them),
// plus targeted tests of the escaping rules of each format.
#include "accord/compat/render.h"
#include "accord/compat/jsonschema_kinds.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace accord::compat {
namespace {

json::Value Obj(std::initializer_list<std::pair<const char*, json::Value>> members) {
  json::Value v{json::Object{}};
  for (const auto& [k, val] : members) v.Add(k, val);
  return v;
}

// A history report: v1, v2 history, v3 candidate, FULL_TRANSITIVE.
Report SampleReport() {
  Report r;
  Finding safe;
  safe.kind = JsonSchemaKind::kDescriptionChanged;
  safe.severity = Severity::kSafe;
  safe.writer_path = "/description";
  safe.reader_path = "/description";
  safe.message = "description changed";
  safe.writer_version = 2;
  safe.reader_version = 3;
  r.Add(safe);
  Finding warn;
  warn.kind = JsonSchemaKind::kPropertyAddedToOpenContentModel;
  warn.direction = Direction::kBackward;
  warn.severity = Severity::kWarning;
  warn.writer_path = "";
  warn.reader_path = "/properties/note";
  warn.message =
      "property 'note' added to an open object; old writers may have sent it with another type";
  warn.writer_version = 1;
  warn.reader_version = 3;
  r.Add(warn);
  Finding type;
  type.kind = JsonSchemaKind::kTypeNarrowed;
  type.direction = Direction::kBackward;
  type.writer_path = "/properties/amount/type";
  type.reader_path = "/properties/amount/type";
  type.message = "'amount' accepted number and now accepts only integer";
  type.witness = Obj({{"amount", json::Value(1.5)}});
  type.writer_version = 2;
  type.reader_version = 3;
  r.Add(type);
  Finding req;
  // FORWARD: v3 (the candidate) is the writer, v1 the reader.
  req.kind = JsonSchemaKind::kRequiredAdded;
  req.direction = Direction::kForward;
  req.writer_path = "/properties";
  req.reader_path = "/required/0";
  req.message = "the reader requires 'id', which the writer may omit";
  req.witness = Obj({});
  req.writer_version = 3;
  req.reader_version = 1;
  r.Add(req);
  return r;
}

RenderContext SampleContext() {
  RenderContext ctx;
  ctx.writer_name = "v1.json, v2.json";
  ctx.reader_name = "v3.json";
  ctx.mode = "FULL_TRANSITIVE";
  ctx.new_schema_file = "schemas/v3.json";
  ctx.new_schema_line = [](std::string_view pointer) {
    if (pointer == "/properties/amount/type") return 12;
    if (pointer == "/properties/note") return 20;
    if (pointer == "/properties") return 5;
    return 1;
  };
  ctx.version_names = {"v1.json", "v2.json", "v3.json"};
  ctx.new_schema_version = 3;
  return ctx;
}

Report CompatibleReport() { return Report{}; }

RenderContext PairContext() {
  RenderContext ctx;
  ctx.writer_name = "old.json";
  ctx.reader_name = "new.json";
  ctx.mode = "BACKWARD";
  ctx.new_schema_file = "new.json";
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

TEST(RenderTest, FormatNamesRoundTrip) {
  for (OutputFormat f :
       {OutputFormat::kText, OutputFormat::kJson, OutputFormat::kJunit, OutputFormat::kGithub}) {
    EXPECT_EQ(OutputFormatFromString(OutputFormatName(f)), f);
  }
  EXPECT_EQ(OutputFormatName(OutputFormat::kText), "text");
  EXPECT_EQ(OutputFormatName(OutputFormat::kJson), "json");
  EXPECT_EQ(OutputFormatName(OutputFormat::kJunit), "junit");
  EXPECT_EQ(OutputFormatName(OutputFormat::kGithub), "github");
  EXPECT_EQ(OutputFormatFromString("JSON"), OutputFormat::kJson);
  EXPECT_EQ(OutputFormatFromString("xml"), std::nullopt);
}

// Golden: one block per finding in report order, then the summary line.
TEST(RenderTest, TextGolden) {
  ExpectGolden("history.txt", Render(SampleReport(), OutputFormat::kText, SampleContext()));
  ExpectGolden("compatible.txt", Render(CompatibleReport(), OutputFormat::kText, PairContext()));
}

// Golden: the documented JSON shape, every member present, nulls for absent.
TEST(RenderTest, JsonGolden) {
  ExpectGolden("history.json", Render(SampleReport(), OutputFormat::kJson, SampleContext()));
  ExpectGolden("compatible.json", Render(CompatibleReport(), OutputFormat::kJson, PairContext()));
}

// Golden: one testcase per finding, failures only for breaking ones; one
// passing testcase when there is nothing to report.
TEST(RenderTest, JunitGolden) {
  ExpectGolden("history.xml", Render(SampleReport(), OutputFormat::kJunit, SampleContext()));
  ExpectGolden("compatible.xml", Render(CompatibleReport(), OutputFormat::kJunit, PairContext()));
}

// Golden: ::error/::warning/::notice with the line of the keyword in the new
// schema (reader path, or writer path when the new schema is the writer).
TEST(RenderTest, GithubGolden) {
  ExpectGolden("history.github", Render(SampleReport(), OutputFormat::kGithub, SampleContext()));
  ExpectGolden("compatible.github",
               Render(CompatibleReport(), OutputFormat::kGithub, PairContext()));
}

// Without file names (the server's case), sides are named by writer_name /
// reader_name and findings show their version numbers.
TEST(RenderTest, TextShowsVersionNumbersWhenNoFileNamesAreKnown) {
  RenderContext ctx;
  ctx.writer_name = "orders.order-placed";
  ctx.reader_name = "candidate";
  ctx.mode = "BACKWARD_TRANSITIVE";
  ExpectGolden("versions.txt", Render(SampleReport(), OutputFormat::kText, ctx));
}

Report OneFinding(std::string message, Severity severity = Severity::kBreaking) {
  Report r;
  Finding f;
  f.kind = JsonSchemaKind::kEnumValueAdded;
  f.severity = severity;
  f.writer_path = "/enum";
  f.reader_path = "/enum";
  f.message = std::move(message);
  r.Add(f);
  return r;
}

// GitHub rule: data escapes %, \r, \n; property values also escape : and ,.
TEST(RenderTest, GithubEscapesDataAndProperties) {
  RenderContext ctx = PairContext();
  ctx.new_schema_file = "dir,a:b/new%.json";
  std::string out = Render(OneFinding("100% bad\r\nsecond line"), OutputFormat::kGithub, ctx);
  EXPECT_EQ(out.substr(0, out.find('\n')),
            "::error file=dir%2Ca%3Ab/new%25.json,line=1,title=ENUM_VALUE_ADDED::"
            "100%25 bad%0D%0Asecond line (writer old.json#/enum); advice: " +
                std::string(DescribeKind(JsonSchemaKind::kEnumValueAdded).advice));
}

TEST(RenderTest, GithubUsesWarningForWarningsAndDefaultsLineToOne) {
  RenderContext ctx = PairContext();
  ctx.new_schema_line = [](std::string_view) { return 0; };
  std::string out = Render(OneFinding("m", Severity::kWarning), OutputFormat::kGithub, ctx);
  EXPECT_TRUE(out.starts_with("::warning file=new.json,line=1,title=ENUM_VALUE_ADDED::")) << out;
}

// XML rule: markup characters are escaped, forbidden control characters are
// replaced, newlines in attributes survive as character references.
TEST(RenderTest, JunitEscapesEverything) {
  RenderContext ctx = PairContext();
  ctx.writer_name = "a<b>&\"c'.json";
  std::string out = Render(OneFinding("x<y & \"q\" 'z'\nnext\x01"), OutputFormat::kJunit, ctx);
  EXPECT_NE(out.find("message=\"x&lt;y &amp; &quot;q&quot; &apos;z&apos;&#10;next\xEF\xBF\xBD\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("a&lt;b&gt;&amp;&quot;c&apos;.json"), std::string::npos) << out;
  EXPECT_EQ(out.find('\x01'), std::string::npos);
  EXPECT_EQ(out.find("a<b"), std::string::npos);
}

TEST(RenderTest, JsonEscapesStringsAndUsesNullForMissingWitnessAndVersions) {
  std::string out = Render(OneFinding("say \"hi\"\n"), OutputFormat::kJson, PairContext());
  EXPECT_NE(out.find(R"("message": "say \"hi\"\n")"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("witness": null)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("writerVersion": null)"), std::string::npos) << out;
  EXPECT_NE(out.find(R"("compatible": false)"), std::string::npos) << out;
}

TEST(RenderTest, EveryFormatEndsWithNewline) {
  for (OutputFormat f :
       {OutputFormat::kText, OutputFormat::kJson, OutputFormat::kJunit, OutputFormat::kGithub}) {
    std::string out = Render(SampleReport(), f, SampleContext());
    ASSERT_FALSE(out.empty());
    EXPECT_EQ(out.back(), '\n') << OutputFormatName(f);
  }
}

}  // namespace
}  // namespace accord::compat

namespace accord::compat {
namespace {

// Rule (issue 16 item 5): a diff's messages speak of the old and the new
// version; a FORWARD finding's writer is the new one.
// A side that points into a referenced schema is shown at that schema: the
// name RenderContext::referenced gives (the reference's file, or its
// registry version), with the pointer; a GitHub annotation on the new side
// points at the referenced file and the line it gives (issue #18).
TEST(RenderTest, SidesInsideAReferencedSchemaNameIt) {
  Report r;
  Finding f;
  f.kind = JsonSchemaKind::kTypeChanged;
  f.direction = Direction::kBackward;
  f.writer_document = "customer.json";
  f.writer_path = "/properties/tier";
  f.reader_document = "customer.json";
  f.reader_path = "/properties/tier/type";
  f.message = "type changed";
  f.writer_version = 1;
  f.reader_version = 2;
  r.Add(f);
  RenderContext ctx;
  ctx.writer_name = "order.json";
  ctx.reader_name = "order.json";
  ctx.version_names = {"order.json", "order.json"};
  ctx.new_schema_version = 2;
  ctx.new_schema_file = "order.json";
  ctx.new_schema_line = [](std::string_view) { return 9; };
  std::vector<std::string> asked;
  ctx.referenced = [&asked](bool new_side, int version, std::string_view document,
                            std::string_view pointer) {
    asked.push_back(std::string(new_side ? "new " : "old ") + std::to_string(version) + " " +
                    std::string(document) + " " + std::string(pointer));
    RenderContext::Place place;
    place.name = new_side ? "customer_v2.json" : "customers version 3";
    if (new_side) place.file = "customer_v2.json", place.line = 4;
    return place;
  };
  const std::string text = Render(r, OutputFormat::kText, ctx);
  EXPECT_NE(text.find("  writer:  customers version 3#/properties/tier\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  reader:  customer_v2.json#/properties/tier/type\n"), std::string::npos)
      << text;
  EXPECT_EQ(asked, (std::vector<std::string>{"old 1 customer.json /properties/tier",
                                             "new 2 customer.json /properties/tier/type"}));
  const std::string json = Render(r, OutputFormat::kJson, ctx);
  EXPECT_NE(json.find(R"("writerDocument": "customers version 3",)"), std::string::npos) << json;
  EXPECT_NE(json.find(R"("readerDocument": "customer_v2.json",)"), std::string::npos) << json;
  const std::string github = Render(r, OutputFormat::kGithub, ctx);
  EXPECT_EQ(github.substr(0, github.find("::", 2) + 2),
            "::error file=customer_v2.json,line=4,title=TYPE_CHANGED::")
      << github;
  // Without a function (or an empty name) the document itself is shown, and
  // the annotation stays on the new schema, saying where the pointer is.
  ctx.referenced = nullptr;
  EXPECT_NE(
      Render(r, OutputFormat::kText, ctx).find("  reader:  customer.json#/properties/tier/type"),
      std::string::npos);
  const std::string plain = Render(r, OutputFormat::kGithub, ctx);
  EXPECT_EQ(plain.substr(0, plain.find("::", 2) + 2),
            "::error file=order.json,line=1,title=TYPE_CHANGED::");
  EXPECT_NE(plain.find("type changed (at customer.json#/properties/tier/type)"), std::string::npos)
      << plain;
}

TEST(RenderTest, InVersionWordsNamesTheVersionOfEachSide) {
  EXPECT_EQ(
      InVersionWords("the writer allows \"X\" but the reader rejects it", Direction::kForward),
      "the new version allows \"X\" but the old version rejects it");
  EXPECT_EQ(InVersionWords("reader field \"a\" has no default and writer record R lacks it",
                           Direction::kBackward),
            "new field \"a\" has no default and old record R lacks it");
  // Whole words only; no direction, no change.
  EXPECT_EQ(InVersionWords("readers and rewriters", Direction::kForward), "readers and rewriters");
  EXPECT_EQ(InVersionWords("the writer", Direction::kNone), "the writer");
}

}  // namespace
}  // namespace accord::compat
