// Protobuf compatibility (compat/include/accord/compat/protobuf_compat.h):
// table-driven golden cases in protobuf_cases/ (cases.json: writer, reader
// and their references; <name>.txt: what compare(writer, reader) and
// compare(reader, writer) report, witnesses included;
// ACCORD_UPDATE_GOLDENS=1 rewrites the .txt files), every witness checked by
// encoding and decoding with the two descriptors, the diff, the mode logic,
// reserved fields and lint.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "accord/compat/protobuf_compat.h"
#include "accord/compat/protobuf_kinds.h"
#include "accord/schemas/load.h"
#include "accord/schemas/protobuf_descriptors.h"

namespace accord::compat {
namespace {

namespace gp = google::protobuf;

const std::string kDir = std::string(ACCORD_SOURCE_DIR) + "/tests/unit/compat/protobuf_cases/";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool Updating() {
  const char* u = std::getenv("ACCORD_UPDATE_GOLDENS");
  return u != nullptr && std::string(u) == "1";
}

protobuf::Schema MustParse(std::string_view text, const protobuf::ParseOptions& o = {}) {
  auto s = protobuf::ParseText(text, o);
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().ToString()) << "\n" << text;
  if (!s) std::abort();
  return *s;
}

struct Case {
  std::string name;
  protobuf::Schema writer, reader;
};

protobuf::ParseOptions RefsOf(const json::Value& c, const char* key) {
  protobuf::ParseOptions o;
  if (const json::Value* refs = c.Find(key)) {
    for (const auto& m : refs->AsObject()) o.references.push_back({m.key, m.value.AsString()});
  }
  return o;
}

std::vector<Case> LoadCases() {
  auto doc = ParseJson(ReadFile(kDir + "cases.json"));
  EXPECT_TRUE(doc.has_value());
  std::vector<Case> out;
  if (!doc) return out;
  for (const json::Value& c : doc->root.AsArray()) {
    out.push_back({c.Find("name")->AsString(),
                   MustParse(c.Find("writer")->AsString(), RefsOf(c, "writer_references")),
                   MustParse(c.Find("reader")->AsString(), RefsOf(c, "reader_references"))});
  }
  return out;
}

std::string Render(const Report& r) {
  std::string out;
  for (const Finding& f : r.findings) {
    out += "  " + std::string(SeverityName(f.severity)) + " " + std::string(f.kind.name()) + " " +
           (f.writer_path.empty() ? "\"\"" : f.writer_path) + " -> " +
           (f.reader_path.empty() ? "\"\"" : f.reader_path) + ": " + f.message + "\n";
    if (f.witness) out += "    witness: " + json::ToJson(*f.witness) + "\n";
  }
  if (r.findings.empty()) out += "  (nothing)\n";
  return out + "  verdict (check): " +
         std::string(
             VerdictName(r.CountBreaking() > 0 ? Verdict::kIncompatible : Verdict::kCompatible)) +
         "\n";
}

std::string GoldenOf(const Case& c) {
  return "compare(writer, reader):\n" + Render(CompareProtobufSchemas(c.writer, c.reader)) +
         "compare(reader, writer):\n" + Render(CompareProtobufSchemas(c.reader, c.writer));
}

// ---- goldens ---------------------------------------------------------------------------

TEST(ProtobufCompat, EveryCaseMatchesItsGolden) {
  const std::vector<Case> cases = LoadCases();
  ASSERT_EQ(cases.size(), 40u);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    const std::string got = GoldenOf(c);
    const std::string path = kDir + c.name + ".txt";
    if (Updating()) std::ofstream(path, std::ios::binary) << got;
    EXPECT_EQ(ReadFile(path), got) << path << " (ACCORD_UPDATE_GOLDENS=1 rewrites it)";
  }
}

TEST(ProtobufCompat, EverySchemaIsCompatibleWithItself) {
  for (const Case& c : LoadCases()) {
    SCOPED_TRACE(c.name);
    EXPECT_TRUE(CompareProtobufSchemas(c.writer, c.writer).findings.empty());
    EXPECT_TRUE(CompareProtobufSchemas(c.reader, c.reader).findings.empty());
  }
}

// Issue 17: the goldens cover every one of Confluent's 26 kinds.
TEST(ProtobufCompat, TheCasesCoverEveryConfluentKind) {
  std::set<std::string> seen;
  for (const Case& c : LoadCases()) {
    for (const Report& r :
         {CompareProtobufSchemas(c.writer, c.reader), CompareProtobufSchemas(c.reader, c.writer)}) {
      for (const Finding& f : r.findings) seen.insert(std::string(f.kind.name()));
    }
  }
  std::set<std::string> all;
  for (const KindInfo& k : ProtobufKinds()) all.insert(std::string(k.name));
  all.erase("RESERVED_FIELD_REMOVED");  // reserved-field checks: tested below
  all.erase("FIELD_CONFLICTS_WITH_RESERVED_FIELD");
  EXPECT_EQ(all.size(), 26u);
  EXPECT_EQ(seen, all);
}

TEST(ProtobufCompat, BreakingKindsAreConfluents) {
  std::vector<std::string> breaking;
  for (const KindInfo& k : ProtobufKinds()) {
    if (ProtobufKindIsBreaking(static_cast<ProtobufKind>(k.value))) {
      breaking.push_back(std::string(k.name));
    }
  }
  EXPECT_EQ(breaking, (std::vector<std::string>{
                          "PACKAGE_CHANGED", "MESSAGE_REMOVED", "FIELD_KIND_CHANGED",
                          "FIELD_SCALAR_KIND_CHANGED", "FIELD_NAMED_TYPE_CHANGED",
                          "FIELD_NUMERIC_LABEL_CHANGED", "REQUIRED_FIELD_ADDED",
                          "REQUIRED_FIELD_REMOVED", "ONEOF_FIELD_REMOVED",
                          "MULTIPLE_FIELDS_MOVED_TO_ONEOF", "FIELD_MOVED_TO_EXISTING_ONEOF",
                          "RESERVED_FIELD_REMOVED", "FIELD_CONFLICTS_WITH_RESERVED_FIELD"}));
}

TEST(ProtobufCompat, KindsRoundTripThroughTheirWireNames) {
  ASSERT_EQ(ProtobufKinds().size(), 28u);
  for (const KindInfo& row : ProtobufKinds()) {
    auto k = ProtobufKindFromName(row.name);
    ASSERT_TRUE(k.has_value()) << row.name;
    EXPECT_EQ(Kind(*k).name(), row.name);
    EXPECT_EQ(Kind(*k).language(), KindLanguage::kProtobuf);
    EXPECT_EQ(KindFromName(KindLanguage::kProtobuf, row.name), Kind(*k));
  }
  EXPECT_EQ(KindLanguageName(KindLanguage::kProtobuf), "Protobuf");
}

// ---- witnesses ----------------------------------------------------------------------------

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Re-derives the witness from its event alone: the event, read with the
// writer's descriptor, encodes to the witness's bytes; those bytes, read with
// the reader's descriptor, fail exactly when the witness says so, and
// otherwise give the reader's message the witness shows.
void CheckWitness(const Finding& f, const protobuf::Schema& writer,
                  const protobuf::Schema& reader) {
  SCOPED_TRACE(f.message);
  const json::Value& w = *f.witness;
  const std::string wm = w.Find("writer_message")->AsString();
  const std::string rm = w.Find("reader_message")->AsString();
  const std::string result = w.Find("reader_result")->AsString();
  const gp::Descriptor* wd = protobuf::PoolOf(writer)->FindMessageTypeByName(wm);
  ASSERT_NE(wd, nullptr);
  gp::DynamicMessageFactory wf(protobuf::PoolOf(writer));
  std::unique_ptr<gp::Message> m(wf.GetPrototype(wd)->New());
  ASSERT_TRUE(gp::util::JsonStringToMessage(json::ToJson(*w.Find("event")), m.get()).ok());
  std::string bytes;
  ASSERT_TRUE(m->SerializeToString(&bytes));
  EXPECT_EQ(Hex(bytes), w.Find("wire_hex")->AsString());
  const gp::Descriptor* rd =
      rm.empty() ? nullptr : protobuf::PoolOf(reader)->FindMessageTypeByName(rm);
  if (rd == nullptr) {
    EXPECT_TRUE(result.starts_with("no reader type")) << result;
    return;
  }
  gp::DynamicMessageFactory rf(protobuf::PoolOf(reader));
  std::unique_ptr<gp::Message> r(rf.GetPrototype(rd)->New());
  const bool parsed = r->ParsePartialFromString(bytes) && r->IsInitialized();
  EXPECT_EQ(!parsed, result.starts_with("parse failure")) << result;
  if (!parsed) return;
  EXPECT_TRUE(result.find(" lost") != std::string::npos ||
              result.find(" read as ") != std::string::npos)
      << result;
  std::string reads;
  ASSERT_TRUE(gp::util::MessageToJsonString(*r, &reads).ok());
  auto doc = ParseJson(reads);
  ASSERT_TRUE(doc.has_value());
  ASSERT_NE(w.Find("reader_reads"), nullptr);
  EXPECT_EQ(doc->root, *w.Find("reader_reads"));
}

TEST(ProtobufCompat, EveryWitnessIsCheckedByEncodingAndDecoding) {
  std::size_t witnesses = 0, breaking = 0;
  for (const Case& c : LoadCases()) {
    SCOPED_TRACE(c.name);
    for (bool forward : {false, true}) {
      const protobuf::Schema& w = forward ? c.reader : c.writer;
      const protobuf::Schema& r = forward ? c.writer : c.reader;
      for (const Finding& f : CheckProtobufSchemas(w, r).findings) {
        if (f.severity != Severity::kBreaking) continue;
        ++breaking;
        if (!f.witness) continue;
        ++witnesses;
        CheckWitness(f, w, r);
      }
    }
  }
  // Breaking findings without a witness are the ones the wire does not see
  // (package renamed, optional <-> singular, required field dropped by the
  // reader, named types alike on the wire); the goldens show which.
  EXPECT_EQ(breaking, 48u);
  EXPECT_EQ(witnesses, 39u);
}

// ---- check, diff, levels ------------------------------------------------------------------

constexpr std::string_view kV1 = R"(syntax = "proto3";
message Order { string id = 1; int32 qty = 2; string note = 3; })";
constexpr std::string_view kV2 = R"(syntax = "proto3";
message Order { string id = 1; sint32 qty = 2; string remark = 3; int64 at = 4; })";

TEST(ProtobufCheck, ReportsBreaksAndJsonWarningsOnly) {
  auto r = CheckProtobuf(kV1, kV2);
  ASSERT_TRUE(r.has_value());
  ASSERT_EQ(r->findings.size(), 2u);
  EXPECT_EQ(r->findings[0].kind, ProtobufKind::kFieldScalarKindChanged);
  EXPECT_EQ(r->findings[0].severity, Severity::kBreaking);
  EXPECT_EQ(r->findings[1].kind, ProtobufKind::kFieldNameChanged);
  EXPECT_EQ(r->findings[1].severity, Severity::kWarning);
  EXPECT_EQ(r->findings[1].message,
            "Order field 3 renamed from note to remark: compatible on the wire, but consumers "
            "of the JSON form look for \"note\" and lose the field");
  EXPECT_FALSE(r->compatible());
}

TEST(ProtobufCheck, ParseErrorsNameTheSide) {
  auto r = CheckProtobuf(kV1, "syntax = \"proto3\"; message {");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().file, "reader");
  EXPECT_EQ(r.error().position.line, 1);
}

TEST(ProtobufDiff, BreaksInBothDirectionsInTheAuthorsWords) {
  auto d = DiffProtobuf(
      "syntax = \"proto2\"; message A { required int32 a = 1; optional int32 b = 2; }",
      "syntax = \"proto2\"; message A { optional int32 b = 2; optional string c = 3; }");
  ASSERT_TRUE(d.has_value());
  std::vector<std::string> got;
  for (const Finding& f : d->findings) {
    got.push_back(std::string(SeverityName(f.severity)) + " " + std::string(f.kind.name()) + " " +
                  std::string(DirectionName(f.direction)));
  }
  EXPECT_EQ(got, (std::vector<std::string>{"BREAKING REQUIRED_FIELD_REMOVED BACKWARD",
                                           "BREAKING REQUIRED_FIELD_REMOVED FORWARD",
                                           "SAFE FIELD_ADDED "}));
}

TEST(ProtobufLevel, TransitiveChecksEveryVersion) {
  std::vector<protobuf::Schema> history{
      MustParse("syntax = \"proto3\"; message A { int32 a = 1; }"),
      MustParse("syntax = \"proto3\"; message A { int32 a = 1; string b = 2; }")};
  protobuf::Schema candidate =
      MustParse("syntax = \"proto3\"; message A { string b = 2; sint32 a = 1; }");
  Report latest = CheckProtobufLevel(Level::kBackward, history, candidate);
  ASSERT_EQ(latest.findings.size(), 1u);
  EXPECT_EQ(latest.findings[0].writer_version, 2);
  EXPECT_EQ(latest.findings[0].direction, Direction::kBackward);
  Report full = CheckProtobufLevel(Level::kFullTransitive, history, candidate);
  EXPECT_EQ(full.CountBreaking(), 2u);  // one break, seen in both directions
  EXPECT_TRUE(CheckProtobufLevel(Level::kNone, history, candidate).compatible());
}

// ---- reserved fields ----------------------------------------------------------------------

TEST(ProtobufReserved, ParsesTheCommaSeparatedList) {
  EXPECT_EQ(ParseReservedFields(" a, b ,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(ParseReservedFields("").empty());
}

TEST(ProtobufReserved, AFieldNamedLikeAReservedOneConflicts) {
  protobuf::Schema s =
      MustParse("syntax = \"proto3\"; package p; message A { int32 ssn = 1; int32 x = 2; }");
  Report r = CheckProtobufReservedFields(s, "ssn,dob", std::nullopt);
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, ProtobufKind::kFieldConflictsWithReservedField);
  EXPECT_EQ(r.findings[0].writer_path, "/A/ssn");
  EXPECT_FALSE(r.compatible());
}

TEST(ProtobufReserved, ANameThePreviousVersionReservedMustStayReserved) {
  protobuf::Schema s = MustParse("syntax = \"proto3\"; message A { int32 x = 1; }");
  Report r = CheckProtobufReservedFields(s, "dob", std::string_view("ssn, dob"));
  ASSERT_EQ(r.findings.size(), 1u);
  EXPECT_EQ(r.findings[0].kind, ProtobufKind::kReservedFieldRemoved);
  EXPECT_EQ(r.findings[0].message,
            "reserved field ssn of the previous version is missing from confluent:reserved");
  EXPECT_TRUE(CheckProtobufReservedFields(s, "dob, ssn", std::string_view("ssn")).compatible());
}

// ---- lint ------------------------------------------------------------------------------------

TEST(ProtobufLint, RemovedFieldsMustBeReservedAndNumbersNotReused) {
  protobuf::Schema old_s = MustParse(
      "syntax = \"proto3\"; message A { int32 a = 1; string b = 2; int32 c = 3; int32 d = 4; }");
  protobuf::Schema new_s = MustParse(R"(syntax = "proto3";
message A { reserved 2; reserved "b"; int32 a = 1; string c = 3; })");
  auto findings = LintProtobuf(new_s, &old_s);
  std::vector<std::string> got;
  for (const auto& f : findings) got.push_back(f.rule + " " + f.pointer + ": " + f.message);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "proto-field-number-reused /A/c: field number 3 was c (int32) and is now c "
                     "(string): old data is read into the new field; use a new number",
                     "proto-removed-field-reserved /A: field d (4) was removed: reserve its "
                     "number and name (reserved 4; reserved \"d\";)"}));
}

TEST(ProtobufLint, EnumZeroValueIsUnspecifiedAndPersonalDataIsTagged) {
  protobuf::Schema s = MustParse(R"(syntax = "proto3";
import "confluent/meta.proto";
enum OrderStatus { ORDER_STATUS_UNSPECIFIED = 0; }
enum Color { RED = 0; }
message Customer {
  string email = 1;
  string phone = 2 [(confluent.field_meta).tags = "PII"];
  string nickname = 3;
})");
  auto findings = LintProtobuf(s, nullptr);
  std::vector<std::string> got;
  for (const auto& f : findings) {
    got.push_back(std::string(lint::LevelName(f.level)) + " " + f.rule + " " + f.pointer);
  }
  EXPECT_EQ(got, (std::vector<std::string>{"warning proto-enum-zero-unspecified /Color",
                                           "error pii-unmarked /Customer/email"}));
}

}  // namespace
}  // namespace accord::compat
