// The contract file (cli/src/contract_file.h): keys, errors with positions
// and "did you mean", paths relative to the file, globs, version selectors,
// and the shipped JSON Schema of the format (docs/accord.schema.json).
#include "contract_file.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "contract_report.h"

namespace accord::cli {
namespace {

namespace fs = std::filesystem;

// A temporary service directory with a schema, a reader and two examples.
class ContractFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("accord-contract-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "schemas");
    fs::create_directories(dir_ / "events");
    Write("schemas/a.json", "{}");
    Write("schemas/reader.json", "{}");
    Write("events/one.json", "{}");
    Write("events/two.json", "{}");
    Write("events/notes.txt", "x");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }
  std::string File() const { return (dir_ / "accord.yaml").string(); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  Result<ContractFile> Parse(const std::string& text) const {
    return ParseContractFile(text, File());
  }

  fs::path dir_;
};

constexpr const char* kFull = R"(service: billing
owner: team-finance
registry: http://127.0.0.1:8081
produces:
  - subject: billing.invoice-issued
    schema: schemas/a.json
    examples: [events/*.json]
    compatibility: full_transitive
    description: An invoice was issued
    tags: [finance, invoices]
consumes:
  - subject: orders.order-placed
    reader: schemas/reader.json
    versions: ">=2"
  - subject: orders.order-cancelled
    reader: schemas/reader.json
)";

TEST_F(ContractFileTest, ProtoPathFoldersAndMessagesAreRead) {
  fs::create_directories(dir_ / "protos" / "acme");
  fs::create_directories(dir_ / "vendor");
  auto c = Parse(R"(service: s
proto_path: [protos, vendor]
produces:
  - subject: a
    schema: schemas/a.json
    message: acme.Order
consumes:
  - subject: b
    reader: schemas/reader.json
    message: Refund
)");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->proto_path, (std::vector<std::string>{Path("protos"), Path("vendor")}));
  EXPECT_EQ(c->produces[0].message, "acme.Order");
  EXPECT_EQ(c->consumes[0].message, "Refund");
  auto one = Parse("service: s\nproto_path: protos\n");
  ASSERT_TRUE(one) << one.error().ToString();
  EXPECT_EQ(one->proto_path, (std::vector<std::string>{Path("protos")}));
  auto none = Parse("service: s\n");
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->proto_path.empty());
  EXPECT_EQ(none->produces.size(), 0u);
}

TEST_F(ContractFileTest, ProtoPathMustNameExistingFolders) {
  fs::create_directories(dir_ / "protos");
  auto missing = Parse("service: s\nproto_path: [protos, nowhere]\n");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "proto_path: no such folder: " + Path("nowhere"));
  EXPECT_EQ(missing.error().position.line, 2);
  auto number = Parse("service: s\nproto_path: 3\n");
  ASSERT_FALSE(number);
  EXPECT_EQ(number.error().message, "proto_path: must be a folder or a list of folders");
  auto message = Parse(
      "service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n"
      "    message: [x]\n");
  ASSERT_FALSE(message);
  EXPECT_EQ(message.error().message, "produces[0].message: must be a string, not array");
}

TEST_F(ContractFileTest, EveryKeyOfTheIssueIsRead) {
  auto c = Parse(kFull);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->service, "billing");
  EXPECT_EQ(c->owner, "team-finance");
  EXPECT_EQ(c->registry, "http://127.0.0.1:8081");
  ASSERT_EQ(c->produces.size(), 1u);
  const ProducedEvent& p = c->produces[0];
  EXPECT_EQ(p.subject, "billing.invoice-issued");
  EXPECT_EQ(p.schema, EntrySchema::File(Path("schemas/a.json")));
  EXPECT_EQ(p.examples, (std::vector<ExampleEvent>{ExampleEvent::File(Path("events/one.json")),
                                                   ExampleEvent::File(Path("events/two.json"))}));
  EXPECT_EQ(p.file, File());
  EXPECT_EQ(p.origin, "produces[0]");
  ASSERT_TRUE(p.compatibility);
  EXPECT_EQ(*p.compatibility, compat::Level::kFullTransitive);
  EXPECT_EQ(p.description, "An invoice was issued");
  EXPECT_EQ(p.tags, (std::vector<std::string>{"finance", "invoices"}));
  EXPECT_EQ(p.line, 5);
  ASSERT_EQ(c->consumes.size(), 2u);
  EXPECT_EQ(c->consumes[0].reader, EntrySchema::File(Path("schemas/reader.json")));
  EXPECT_EQ(c->consumes[0].origin, "consumes[0]");
  EXPECT_EQ(c->consumes[0].versions.kind, VersionSelector::Kind::kAtLeast);
  EXPECT_EQ(c->consumes[0].versions.min, 2);
  EXPECT_EQ(c->consumes[1].versions.kind, VersionSelector::Kind::kAll);
}

TEST_F(ContractFileTest, ReferencesNameRegisteredVersionsAndFiles) {
  Write("schemas/customer.avsc", "{}");
  auto c = Parse(R"(service: s
produces:
  - subject: a
    schema: schemas/a.json
    references:
      - {name: customer.json, subject: customers, version: 3}
      - {name: acme.Customer, file: schemas/customer.avsc}
consumes:
  - subject: b
    reader: schemas/reader.json
    references:
      - {name: customer.json, subject: customers, version: latest}
)");
  ASSERT_TRUE(c) << c.error().ToString();
  ASSERT_EQ(c->produces[0].references.size(), 2u);
  EXPECT_EQ(c->produces[0].references[0], (NamedRef{"customer.json", "", "customers", 3}));
  EXPECT_EQ(c->produces[0].references[1],
            (NamedRef{"acme.Customer", Path("schemas/customer.avsc"), "", 0}));
  ASSERT_EQ(c->consumes[0].references.size(), 1u);
  EXPECT_EQ(c->consumes[0].references[0], (NamedRef{"customer.json", "", "customers", 0}));
}

// Positions are those of the offending key, as for every key of the file.
TEST_F(ContractFileTest, BadReferencesAreErrorsAtTheirLineAndColumn) {
  const std::string head = "service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n";
  struct Case {
    std::string references;
    int line;
    int column;
    std::string message;
  };
  const Case cases[] = {
      {"    references: x\n", 5, 5,
       "produces[0].references: must be a list of {name, subject, version} (a registered "
       "version) or {name, file}"},
      {"    references:\n      - {name: n, subject: s}\n", 6, 9,
       "produces[0].references[0].version: is required with subject (a number or latest)"},
      {"    references:\n      - {name: n, subject: s, version: 0}\n", 6, 31,
       "produces[0].references[0].version: must be a version number (1 or more) or latest"},
      {"    references:\n      - {name: n, subject: s, file: schemas/a.json}\n", 6, 9,
       "produces[0].references[0]: needs either subject and version, or file"},
      {"    references:\n      - {name: n, file: nope.json}\n", 6, 19,
       "produces[0].references[0].file: no such file: " + Path("nope.json")},
      {"    references:\n      - {name: n, subject: s, version: 1}\n"
       "      - {name: n, subject: t, version: 1}\n",
       7, 10, "produces[0].references[1].name: 'n' is named by an earlier reference already"},
      {"    references:\n      - {name: n, subjct: s, version: 1}\n", 6, 19,
       "produces[0].references[0]: unknown key 'subjct' (did you mean 'subject'?)"},
  };
  for (const Case& k : cases) {
    auto c = Parse(head + k.references);
    ASSERT_FALSE(c) << k.references;
    EXPECT_EQ(c.error().file, File());
    EXPECT_EQ(c.error().message, k.message) << k.references;
    EXPECT_EQ(c.error().position.line, k.line) << k.references;
    EXPECT_EQ(c.error().position.column, k.column) << k.references;
  }
}

TEST_F(ContractFileTest, UnknownKeyNamesLineColumnAndTheCloseKey) {
  auto c = Parse("service: s\nproduces:\n  - subject: a\n    shema: schemas/a.json\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().file, File());
  EXPECT_EQ(c.error().position.line, 4);
  EXPECT_EQ(c.error().position.column, 5);
  EXPECT_EQ(c.error().message, "produces[0]: unknown key 'shema' (did you mean 'schema'?)");
}

TEST_F(ContractFileTest, UnknownKeyFarFromEveryKeyListsTheKnownOnes) {
  auto c = Parse("service: s\nteam: x\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().position.line, 2);
  EXPECT_EQ(c.error().message,
            "(file): unknown key 'team' (known keys: service owner registry dialect proto_path "
            "produces consumes asyncapi)");
}

TEST_F(ContractFileTest, MissingRequiredKeysAreNamed) {
  auto no_service = Parse("owner: x\n");
  ASSERT_FALSE(no_service);
  EXPECT_EQ(no_service.error().message, "service: is required");
  auto no_schema = Parse("service: s\nproduces:\n  - subject: a\n");
  ASSERT_FALSE(no_schema);
  EXPECT_EQ(no_schema.error().message, "produces[0].schema: is required");
  EXPECT_EQ(no_schema.error().position.line, 3);
}

TEST_F(ContractFileTest, WrongValueTypesAreErrorsAtTheValue) {
  auto c =
      Parse("service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n    tags: x\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "produces[0].tags: must be a list");
  EXPECT_EQ(c.error().position.line, 5);
  auto list = Parse("service: s\nproduces: {subject: a}\n");
  ASSERT_FALSE(list);
  EXPECT_EQ(list.error().position.line, 2);
}

TEST_F(ContractFileTest, MissingSchemaFileIsNamedJoinedToTheFileDirectory) {
  auto c = Parse("service: s\nconsumes:\n  - subject: a\n    reader: nope.json\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "consumes[0].reader: no such file: " + Path("nope.json"));
  EXPECT_EQ(c.error().position.line, 4);
}

TEST_F(ContractFileTest, PathsInAFileOfTheWorkingDirectoryStayAsWritten) {
  Write("accord.yaml", "service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n");
  const fs::path cwd = fs::current_path();
  fs::current_path(dir_);
  auto c = LoadContractFile("accord.yaml");
  fs::current_path(cwd);
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->produces[0].schema, EntrySchema::File("schemas/a.json"));
}

TEST_F(ContractFileTest, GlobThatMatchesNothingIsAnError) {
  auto c = Parse(
      "service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n"
      "    examples: [events/*.json, missing/*.json]\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().position.line, 5);
  EXPECT_NE(c.error().message.find("'missing/*.json' matches no file"), std::string::npos)
      << c.error().message;
}

TEST_F(ContractFileTest, OverlappingGlobsListEachFileOnce) {
  auto c = Parse(
      "service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n"
      "    examples: [events/one.json, events/*.json]\n");
  ASSERT_TRUE(c) << c.error().ToString();
  EXPECT_EQ(c->produces[0].examples.size(), 2u);
}

TEST_F(ContractFileTest, SubjectListedTwiceIsAnError) {
  auto c = Parse(
      "service: s\nconsumes:\n  - subject: a\n    reader: schemas/reader.json\n"
      "  - subject: a\n    reader: schemas/reader.json\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().message, "consumes[1].subject: subject 'a' is listed twice");
  EXPECT_EQ(c.error().position.line, 5);
}

TEST_F(ContractFileTest, BadLevelAndBadRegistryAreErrors) {
  auto level = Parse(
      "service: s\nproduces:\n  - subject: a\n    schema: schemas/a.json\n"
      "    compatibility: SIDEWAYS\n");
  ASSERT_FALSE(level);
  EXPECT_TRUE(level.error().message.starts_with("produces[0].compatibility: unknown level"));
  auto registry = Parse("service: s\nregistry: localhost:8081\n");
  ASSERT_FALSE(registry);
  EXPECT_TRUE(registry.error().message.starts_with("registry: must be an http"));
}

TEST_F(ContractFileTest, DialectIsReadAndAnUnknownOneListsTheAllowed) {
  auto none = Parse("service: s\n");
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_EQ(none->dialect, std::nullopt);
  auto given = Parse("service: s\ndialect: 2020-12\n");
  ASSERT_TRUE(given) << given.error().ToString();
  EXPECT_EQ(given->dialect, jsonschema::Dialect::kDraft2020_12);
  auto bad = Parse("service: s\ndialect: draft7\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "dialect: unknown dialect 'draft7' (draft-04, draft-06, draft-07, 2019-09, 2020-12)");
  EXPECT_EQ(bad.error().position.line, 2);
}

TEST_F(ContractFileTest, YamlSyntaxErrorsCarryThePosition) {
  auto c = Parse("service: [s\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().file, File());
  EXPECT_GT(c.error().position.line, 0);
}

json::Value Yaml(const std::string& text) { return ParseYaml(text).value().root; }

TEST(VersionSelector, AcceptsTheThreeForms) {
  auto all = ParseVersionSelector(Yaml("all"));
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->Accepts(7));
  EXPECT_EQ(all->ToString(), "all");
  auto list = ParseVersionSelector(Yaml("[3, 2]"));
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->Accepts(2));
  EXPECT_FALSE(list->Accepts(4));
  EXPECT_EQ(list->ToString(), "[2, 3]");
  EXPECT_EQ(json::ToJson(list->ToJson()), "[2,3]");
  auto at_least = ParseVersionSelector(Yaml("'>=2'"));
  ASSERT_TRUE(at_least);
  EXPECT_FALSE(at_least->Accepts(1));
  EXPECT_TRUE(at_least->Accepts(9));
  EXPECT_EQ(json::ToJson(at_least->ToJson()), "\">=2\"");
}

TEST(VersionSelector, RejectsEverythingElse) {
  for (const char* bad :
       {"[]", "[0]", "[1, 1]", "[1.5]", "'>=0'", "'>=x'", "'>2'", "some", "3", "{a: 1}"}) {
    EXPECT_FALSE(ParseVersionSelector(Yaml(bad))) << bad;
  }
}

TEST(EditDistance, CountsInsertionsDeletionsAndSubstitutions) {
  EXPECT_EQ(EditDistance("schema", "shema"), 1u);
  EXPECT_EQ(EditDistance("versions", "version"), 1u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(ClosestWord("consume", {"produces", "consumes"}), "consumes");
  EXPECT_FALSE(ClosestWord("xy", {"subject", "reader"}));
}

// docs/accord.schema.json is a valid JSON Schema, accepts every example
// service's accord.yaml and the starter file, and rejects an unknown key.
TEST(ContractFileSchema, ExamplesValidateAgainstTheShippedSchema) {
  const std::string root = ACCORD_SOURCE_DIR;
  auto schema = LoadFile(root + "/docs/accord.schema.json");
  ASSERT_TRUE(schema) << schema.error().ToString();
  auto validator = jsonschema::Validator::Compile(schema->root);
  ASSERT_TRUE(validator) << validator.error().ToString();
  for (const char* service : {"orders", "payments", "shipping", "notifications"}) {
    const std::string path = root + "/examples/" + std::string(service) + "/accord.yaml";
    auto doc = LoadFile(path);
    ASSERT_TRUE(doc) << doc.error().ToString();
    auto result = validator->Validate(doc->root);
    EXPECT_TRUE(result.valid) << path << ": "
                              << (result.failures.empty() ? "" : result.failures[0].message);
    auto parsed = LoadContractFile(path);
    EXPECT_TRUE(parsed) << parsed.error().ToString();
  }
  // The Protobuf contract of the integration tests: proto_path and message.
  const std::string proto = root + "/tests/integration/contract/data/proto-example/accord.yaml";
  auto proto_doc = LoadFile(proto);
  ASSERT_TRUE(proto_doc) << proto_doc.error().ToString();
  EXPECT_TRUE(validator->IsValid(proto_doc->root));
  EXPECT_FALSE(validator->IsValid(Yaml("service: s\nproto_path: [\"\"]\n")));
  EXPECT_TRUE(validator->IsValid(Yaml(StarterContractFile("svc", "team"))));
  EXPECT_FALSE(validator->IsValid(Yaml("service: s\nprodcues: []\n")));
  // Without `service:` only with `asyncapi:` (the name may come from the documents).
  EXPECT_TRUE(validator->IsValid(Yaml("asyncapi: docs/asyncapi.yaml\n")));
  EXPECT_TRUE(validator->IsValid(Yaml("service: s\nasyncapi: [a.yaml, b.json]\n")));
  EXPECT_FALSE(validator->IsValid(Yaml("owner: o\n")));
  EXPECT_FALSE(validator->IsValid(Yaml("asyncapi: []\n")));
  EXPECT_FALSE(
      validator->IsValid(Yaml("service: s\nconsumes: [{subject: a, reader: r, versions: [0]}]\n")));
  EXPECT_TRUE(validator->IsValid(
      Yaml("service: s\nproduces: [{subject: a, schema: x, references: [{name: n, subject: c, "
           "version: latest}, {name: m, file: f.avsc}]}]\n")));
  EXPECT_FALSE(validator->IsValid(
      Yaml("service: s\nproduces: [{subject: a, schema: x, references: [{name: n}]}]\n")));
}

TEST(RunReport, SummaryCountsEveryStatus) {
  RunReport report;
  report.checks.push_back(CheckResult{"a", "x", CheckStatus::kPass, "", {}});
  report.checks.push_back(CheckResult{"a", "y", CheckStatus::kWarn, "", {}});
  EXPECT_EQ(RunSummaryLine(report), "PASSED: 2 checks, 1 passed, 0 failed, 1 warning, 0 skipped");
  report.checks.push_back(CheckResult{"a", "z", CheckStatus::kFail, "", {}});
  report.checks.push_back(CheckResult{"a", "w", CheckStatus::kSkip, "offline", {}});
  EXPECT_EQ(RunSummaryLine(report), "FAILED: 4 checks, 1 passed, 1 failed, 1 warning, 1 skipped");
}

TEST(RunReport, JunitEscapesAndMarksFailuresAndSkips) {
  RunReport report;
  report.service = "s<&>";
  Problem p;
  p.message = "bad \"x\"\x01";
  p.file = "f.json";
  p.line = 3;
  report.checks.push_back(CheckResult{"a", "x", CheckStatus::kFail, "", {p}});
  report.checks.push_back(CheckResult{"a", "y", CheckStatus::kSkip, "offline", {}});
  RenderOptions options;
  options.format = RunFormat::kJunit;
  const std::string xml = RenderRun(report, options);
  EXPECT_NE(xml.find("name=\"accord test s&lt;&amp;&gt;\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<failure message=\"bad &quot;x&quot;\xEF\xBF\xBD\">"), std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped message=\"offline\"/>"), std::string::npos) << xml;
}

TEST(RunReport, GithubAnnotatesTheProblemLineAndEscapesProperties) {
  RunReport report;
  Problem p;
  p.message = "100% broken\nreally";
  p.file = "a,b:c.json";
  p.line = 9;
  report.checks.push_back(CheckResult{"s", "n", CheckStatus::kFail, "", {p}});
  RenderOptions options;
  options.format = RunFormat::kGithub;
  EXPECT_EQ(RenderRun(report, options),
            "::error file=a%2Cb%3Ac.json,line=9,title=s%3A n::100%25 broken%0Areally\n"
            "FAILED: 1 check, 0 passed, 1 failed, 0 warnings, 0 skipped\n");
}

TEST(RunReport, ColumnFollowsTheLineInTextJsonAndGithub) {
  RunReport report;
  Problem p;
  p.message = "quantity: expected int, got string \"two\"";
  p.file = "events/bad.json";
  p.line = 3;
  p.column = 15;
  report.checks.push_back(CheckResult{"s", "n", CheckStatus::kFail, "", {p}});
  RenderOptions options;
  options.format = RunFormat::kGithub;
  EXPECT_EQ(RenderRun(report, options),
            "::error file=events/bad.json,line=3,col=15,title=s%3A n::quantity: expected int, got "
            "string \"two\"\n"
            "FAILED: 1 check, 0 passed, 1 failed, 0 warnings, 0 skipped\n");
  options.format = RunFormat::kText;
  EXPECT_EQ(RenderRun(report, options),
            "FAIL  s: n\n"
            "      events/bad.json:3:15: quantity: expected int, got string \"two\"\n"
            "FAILED: 1 check, 0 passed, 1 failed, 0 warnings, 0 skipped\n");
  options.format = RunFormat::kJson;
  auto doc = ParseJson(RenderRun(report, options));
  ASSERT_TRUE(doc) << doc.error().ToString();
  const json::Value& problem =
      doc->root.Find("checks")->AsArray()[0].Find("problems")->AsArray()[0];
  EXPECT_EQ(json::ToJson(problem),
            R"({"severity":"error","message":"quantity: expected int, got string \"two\"",)"
            R"("file":"events/bad.json","line":3,"column":15})");
}

}  // namespace
}  // namespace accord::cli
