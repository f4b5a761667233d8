// Avro witnesses prove their findings (issue 16): a witness is valid writer
// data (IsValidDatum), and reading it with the reader schema by the Avro
// specification's resolution rules fails. The resolver here is the test's
// own, written from the specification ("Schema Resolution"), independent of
// the engine: promotions int -> long/float/double, long -> float/double,
// float -> double, string <-> bytes; records by name (or reader alias), a
// reader field absent from the writer needs a default; enum symbols (or the
// reader's enum default); fixed by name and size; a writer union resolves the
// branch the datum is in; a reader union takes its first matching branch.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/schemas/avro.h"

namespace accord::compat {
namespace {

using avro::NodeId;
using avro::Schema;
using avro::Type;

avro::Schema S(std::string_view text) {
  auto s = avro::ParseText(text);
  if (!s) {
    ADD_FAILURE() << s.error().ToString();
    return *avro::ParseText(R"("null")");
  }
  return std::move(*s);
}

bool NamesMatch(const avro::Node& w, const avro::Node& r) {
  if (w.full_name == r.full_name || w.name == r.name) return true;
  for (std::string_view a : r.aliases())
    if (a == w.full_name) return true;
  return false;
}

bool Promotes(Type w, Type r) {
  if (w == r) return true;
  switch (w) {
    case Type::kInt:
      return r == Type::kLong || r == Type::kFloat || r == Type::kDouble;
    case Type::kLong:
      return r == Type::kFloat || r == Type::kDouble;
    case Type::kFloat:
      return r == Type::kDouble;
    case Type::kString:
      return r == Type::kBytes;
    case Type::kBytes:
      return r == Type::kString;
    default:
      return false;
  }
}

// Whether writer node w and reader node r can match at all (for picking a
// reader union branch, as the specification's first-match rule does).
bool Matches(const Schema& ws, NodeId w, const Schema& rs, NodeId r) {
  const avro::Node& wn = ws.node(w);
  const avro::Node& rn = rs.node(r);
  if (wn.type == Type::kUnion || rn.type == Type::kUnion) return true;
  if (!Promotes(wn.type, rn.type)) return false;
  if (wn.type == Type::kRecord || wn.type == Type::kEnum || wn.type == Type::kFixed)
    return NamesMatch(wn, rn);
  return true;
}

// Reads `datum` (Avro JSON of writer node w) with reader node r; appends the
// reader pointers where resolution fails.
void Resolve(const Schema& ws, NodeId w, const Schema& rs, NodeId r, const json::Value& datum,
             std::vector<std::string>& fails, int depth = 0) {
  if (depth > 64) return;
  const avro::Node& wn = ws.node(w);
  const avro::Node& rn = rs.node(r);
  std::string rp = rs.Pointer(rn.pointer);
  if (wn.type == Type::kUnion) {
    // The branch the datum is in: null, or {"branch name": value}.
    for (NodeId b : wn.branches) {
      std::string name = avro::BranchName(ws, b);
      if (datum.IsNull() && ws.node(b).type == Type::kNull)
        return Resolve(ws, b, rs, r, datum, fails, depth + 1);
      if (datum.IsObject() && datum.AsObject().size() == 1 && datum.AsObject()[0].key == name)
        return Resolve(ws, b, rs, r, datum.AsObject()[0].value, fails, depth + 1);
    }
    fails.push_back(rp);
    return;
  }
  if (rn.type == Type::kUnion) {
    for (NodeId b : rn.branches)
      if (Matches(ws, w, rs, b)) return Resolve(ws, w, rs, b, datum, fails, depth + 1);
    fails.push_back(rp);
    return;
  }
  if (!Matches(ws, w, rs, r)) {
    fails.push_back(rp);
    return;
  }
  switch (wn.type) {
    case Type::kRecord: {
      for (const avro::Field& rf : rn.fields) {
        const avro::Field* wf = nullptr;
        for (const avro::Field& f : wn.fields) {
          bool same = f.name == rf.name;
          for (std::string_view a : rf.aliases) same |= f.name == a;
          if (same) wf = &f;
        }
        if (!wf) {
          if (!rf.default_value) fails.push_back(rs.Pointer(rf.pointer));
          continue;
        }
        const json::Value* v = datum.IsObject() ? datum.Find(wf->name) : nullptr;
        if (v) Resolve(ws, wf->type, rs, rf.type, *v, fails, depth + 1);
      }
      return;
    }
    case Type::kEnum: {
      if (!datum.IsString()) return;
      if (std::find(rn.symbols.begin(), rn.symbols.end(), datum.AsString()) != rn.symbols.end())
        return;
      if (!rn.enum_default()) fails.push_back(rp);
      return;
    }
    case Type::kFixed:
      if (wn.size != rn.size) fails.push_back(rp);
      return;
    case Type::kArray:
      if (datum.IsArray())
        for (const json::Value& e : datum.AsArray())
          Resolve(ws, wn.items, rs, rn.items, e, fails, depth + 1);
      return;
    case Type::kMap:
      if (datum.IsObject())
        for (const json::Member& m : datum.AsObject())
          Resolve(ws, wn.items, rs, rn.items, m.value, fails, depth + 1);
      return;
    default:
      return;
  }
}

// Rule: over every ordered pair of a varied corpus, every BREAKING finding
// has a witness that is valid writer data and that the reader cannot
// resolve; the resolution fails at the finding's reader path, inside it, or
// at the reader node that holds it.
TEST(AvroResolution, EveryBreakingWitnessIsRejectedByTheReader) {
  const char* corpus[] = {
      R"("int")",
      R"("long")",
      R"("float")",
      R"("double")",
      R"("string")",
      R"("bytes")",
      R"("null")",
      R"(["null","string"])",
      R"(["int","string","null"])",
      R"({"type":"array","items":"long"})",
      R"({"type":"map","values":["null","int"]})",
      R"({"type":"enum","name":"E","symbols":["A","B"]})",
      R"({"type":"enum","name":"E","symbols":["B","C"],"default":"B"})",
      R"({"type":"enum","name":"E","symbols":["B","C"]})",
      R"({"type":"fixed","name":"F","size":4})",
      R"({"type":"fixed","name":"F","size":8})",
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"b","type":["null","R"],"default":null}]})",
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"long"},{"name":"c","type":{"type":"array","items":"int"}}]})",
      R"({"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"n","type":"string"}]})",
      R"({"type":"record","name":"R","aliases":["S"],"fields":[{"name":"z","type":"string","aliases":["a"]}]})",
      R"({"type":"record","name":"S","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["A"]}},{"name":"f","type":{"type":"fixed","name":"F","size":4}}]})",
      R"([{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]},"string"])",
  };
  std::vector<avro::Schema> schemas;
  for (const char* c : corpus) schemas.push_back(S(c));
  int breaking = 0, rejected = 0, at_path = 0;
  for (std::size_t i = 0; i < schemas.size(); ++i) {
    for (std::size_t j = 0; j < schemas.size(); ++j) {
      Report r = CheckAvroSchemas(schemas[i], schemas[j]);
      for (const Finding& f : r.findings) {
        if (f.severity != Severity::kBreaking) continue;
        SCOPED_TRACE(std::string(corpus[i]) + " -> " + corpus[j] + ": " +
                     std::string(f.kind.name()) + " at " + f.reader_path);
        ++breaking;
        ASSERT_TRUE(f.witness.has_value());
        EXPECT_TRUE(avro::IsValidDatum(schemas[i], schemas[i].root(), *f.witness));
        std::vector<std::string> fails;
        Resolve(schemas[i], schemas[i].root(), schemas[j], schemas[j].root(), *f.witness, fails);
        EXPECT_FALSE(fails.empty())
            << "the reader resolves the witness " << json::ToJson(*f.witness);
        if (fails.empty()) continue;
        ++rejected;
        auto related = [&](const std::string& p) {
          const std::string& q = f.reader_path;
          return p == q || (p.starts_with(q) && p.size() > q.size() && p[q.size()] == '/') ||
                 (q.starts_with(p) && (p.empty() || (q.size() > p.size() && q[p.size()] == '/')));
        };
        bool proves = std::any_of(fails.begin(), fails.end(), related);
        std::string where;
        for (const std::string& p : fails) where += " '" + p + "'";
        EXPECT_TRUE(proves) << "rejected only at" << where << " for " << json::ToJson(*f.witness);
        if (proves) ++at_path;
      }
    }
  }
  std::printf(
      "[avro resolution] %d breaking findings: %d witnesses rejected by the reader, %d at "
      "the finding's reader path\n",
      breaking, rejected, at_path);
  EXPECT_EQ(rejected, breaking);
  EXPECT_EQ(at_path, breaking);
}

}  // namespace
}  // namespace accord::compat
