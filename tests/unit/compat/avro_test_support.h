// Avro test support shared by the unit tests and the verdicts conformance
// run: a varied schema corpus, seeded random schema pairs (a schema and one
// mutation of it), random writer data, and a resolver of the tests' own.
//
// The resolver is written from the specification ("Schema Resolution"),
// independent of the engine and of avro::DatumResolver, so that a test
// judging the engine's witnesses with it is not judging them with the
// engine's own rules: promotions int -> long/float/double, long ->
// float/double, float -> double, string <-> bytes; records by name (or
// reader alias), a reader field absent from the writer needs a default;
// enum symbols (or the reader's enum default); fixed by name and size; a
// writer union resolves the branch the datum is in; a reader union takes
// its first matching branch (by type and name, as the specification says).
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "accord/schemas/avro.h"
#include "accord/schemas/json.h"
#include "random_schemas.h"

namespace accord::compat::testing {

// Schemas of every kind of Avro type, compared pairwise by the tests.
inline std::vector<std::string> AvroCorpus() {
  return {
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
      // A record that contains itself on every path (no finite value).
      R"({"type":"record","name":"R","fields":[{"name":"me","type":"R"},{"name":"a","type":"long"}]})",
  };
}

// ---- the tests' own resolver ------------------------------------------------

inline bool SpecNamesMatch(const avro::Node& w, const avro::Node& r) {
  if (w.full_name == r.full_name || w.name == r.name) return true;
  for (std::string_view a : r.aliases())
    if (a == w.full_name) return true;
  return false;
}

inline bool SpecPromotes(avro::Type w, avro::Type r) {
  using avro::Type;
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
inline bool SpecMatches(const avro::Schema& ws, avro::NodeId w, const avro::Schema& rs,
                        avro::NodeId r) {
  using avro::Type;
  const avro::Node& wn = ws.node(w);
  const avro::Node& rn = rs.node(r);
  if (wn.type == Type::kUnion || rn.type == Type::kUnion) return true;
  if (!SpecPromotes(wn.type, rn.type)) return false;
  if (wn.type == Type::kRecord || wn.type == Type::kEnum || wn.type == Type::kFixed)
    return SpecNamesMatch(wn, rn);
  return true;
}

// Reads `datum` (Avro JSON of writer node w) with reader node r; appends the
// reader pointers where resolution fails.
inline void SpecResolve(const avro::Schema& ws, avro::NodeId w, const avro::Schema& rs,
                        avro::NodeId r, const json::Value& datum, std::vector<std::string>& fails,
                        int depth = 0) {
  using avro::NodeId;
  using avro::Type;
  if (depth > 200) return;
  const avro::Node& wn = ws.node(w);
  const avro::Node& rn = rs.node(r);
  std::string rp = rs.Pointer(rn.pointer);
  if (wn.type == Type::kUnion) {
    // The branch the datum is in: null, or {"branch name": value}.
    for (NodeId b : wn.branches) {
      std::string name = avro::BranchName(ws, b);
      if (datum.IsNull() && ws.node(b).type == Type::kNull)
        return SpecResolve(ws, b, rs, r, datum, fails, depth + 1);
      if (datum.IsObject() && datum.AsObject().size() == 1 && datum.AsObject()[0].key == name)
        return SpecResolve(ws, b, rs, r, datum.AsObject()[0].value, fails, depth + 1);
    }
    fails.push_back(rp);
    return;
  }
  if (rn.type == Type::kUnion) {
    for (NodeId b : rn.branches)
      if (SpecMatches(ws, w, rs, b)) return SpecResolve(ws, w, rs, b, datum, fails, depth + 1);
    fails.push_back(rp);
    return;
  }
  if (!SpecMatches(ws, w, rs, r)) {
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
        if (v) SpecResolve(ws, wf->type, rs, rf.type, *v, fails, depth + 1);
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
          SpecResolve(ws, wn.items, rs, rn.items, e, fails, depth + 1);
      return;
    case Type::kMap:
      if (datum.IsObject())
        for (const json::Member& m : datum.AsObject())
          SpecResolve(ws, wn.items, rs, rn.items, m.value, fails, depth + 1);
      return;
    default:
      return;
  }
}

// Whether a failure at reader pointer `p` is at the finding's reader path
// `q`, inside it, or at the node that holds it.
inline bool RelatedPath(const std::string& p, const std::string& q) {
  return p == q || (p.starts_with(q) && p.size() > q.size() && p[q.size()] == '/') ||
         (q.starts_with(p) && (p.empty() || (q.size() > p.size() && q[p.size()] == '/')));
}

// ---- random schemas and their mutations --------------------------------------

class RandomAvro {
 public:
  explicit RandomAvro(std::uint64_t seed) : g_(seed) {}

  // A record of 1-5 fields: primitives, enums, fixed, arrays, maps,
  // optional and multi-branch unions, nested and recursive records.
  json::Value Schema() { return Record("Event", 0); }

  // One mutation of `s` (a copy): a type changed or promoted, a field
  // added (with or without default), removed or renamed (with or without
  // alias), enum symbols added or removed, an enum default added, a fixed
  // size changed, a record renamed (with or without alias), a union
  // widened, narrowed or dropped to its value type.
  json::Value Mutate(json::Value s) {
    std::vector<json::Value*> spots;
    Collect(s, spots);
    if (spots.empty()) return s;
    json::Value& t = *spots[static_cast<std::size_t>(g_.Int(static_cast<int>(spots.size())))];
    if (t.IsString()) {
      static const char* kTo[] = {"int", "long", "float", "double", "string", "bytes", "boolean"};
      t = json::Value(kTo[g_.Int(7)]);
      return s;
    }
    if (t.IsArray()) {  // a union
      json::Array& a = t.AsArray();
      switch (g_.Int(3)) {
        case 0:
          if (std::none_of(a.begin(), a.end(), [](const json::Value& v) {
                return v.IsString() && v.AsString() == "bytes";
              }))
            a.push_back(json::Value("bytes"));
          break;
        case 1:
          if (a.size() > 1) a.pop_back();
          break;
        default:
          if (a.size() == 2 && a[0].IsString() && a[0].AsString() == "null") {
            json::Value inner = a[1];
            t = std::move(inner);
          }
          break;
      }
      return s;
    }
    const json::Value* type = t.Find("type");
    std::string kind = type && type->IsString() ? type->AsString() : "";
    if (kind == "record") {
      json::Array& fields = t.Find("fields")->AsArray();
      switch (g_.Int(5)) {
        case 0: {
          json::Value f(json::Object{});
          f.Add("name", json::Value("added" + std::to_string(g_.Int(100))));
          f.Add("type", json::Value("int"));
          if (g_.Chance(50)) f.Add("default", json::Value(0));
          fields.push_back(std::move(f));
          break;
        }
        case 1:
          if (!fields.empty())
            fields.erase(fields.begin() + g_.Int(static_cast<int>(fields.size())));
          break;
        case 2:
          if (!fields.empty()) {
            json::Value& f =
                fields[static_cast<std::size_t>(g_.Int(static_cast<int>(fields.size())))];
            std::string old = f.Find("name")->AsString();
            *f.Find("name") = json::Value(old + "_renamed");
            if (g_.Chance(60) && !f.Find("aliases"))
              f.Add("aliases", json::Array{json::Value(old)});
          }
          break;
        default: {
          std::string old = t.Find("name")->AsString();
          *t.Find("name") = json::Value(old + "X");
          if (g_.Chance(50) && !t.Find("aliases")) t.Add("aliases", json::Array{json::Value(old)});
          break;
        }
      }
      return s;
    }
    if (kind == "enum") {
      json::Array& symbols = t.Find("symbols")->AsArray();
      switch (g_.Int(3)) {
        case 0:
          symbols.push_back(json::Value("Z" + std::to_string(symbols.size())));
          break;
        case 1:
          if (symbols.size() > 1) symbols.erase(symbols.begin());
          if (const json::Value* d = t.Find("default"); d && d->AsString() != symbols[0].AsString())
            *t.Find("default") = symbols[0];
          break;
        default:
          if (!t.Find("default")) t.Add("default", symbols[0]);
          break;
      }
      return s;
    }
    if (kind == "fixed") {
      *t.Find("size") = json::Value(static_cast<int>(t.Find("size")->AsNumber().AsInt()) + 1);
      return s;
    }
    if (kind == "array") {
      *t.Find("items") = json::Value(g_.Chance(50) ? "long" : "string");
      return s;
    }
    if (kind == "map") {
      *t.Find("values") = json::Value(g_.Chance(50) ? "double" : "bytes");
      return s;
    }
    return s;
  }

 private:
  json::Value Type(int depth, const std::string& self) {
    static const char* kPrims[] = {"boolean", "int", "long", "float", "double", "string", "bytes"};
    int k = g_.Int(depth >= 2 ? 9 : 14);
    if (k < 7) return json::Value(kPrims[k]);
    switch (k) {
      case 7: {
        json::Value e(json::Object{});
        e.Add("type", json::Value("enum"));
        e.Add("name", json::Value("E" + std::to_string(named_++)));
        json::Array symbols;
        for (const char* s : {"A", "B", "C", "D"})
          if (symbols.empty() || g_.Chance(60)) symbols.emplace_back(s);
        e.Add("symbols", json::Value(symbols));
        if (g_.Chance(25)) e.Add("default", symbols[0]);
        return e;
      }
      case 8:
        return json::Array{json::Value("null"), json::Value(kPrims[g_.Int(7)])};
      case 9: {
        json::Value f(json::Object{});
        f.Add("type", json::Value("fixed"));
        f.Add("name", json::Value("F" + std::to_string(named_++)));
        f.Add("size", json::Value(g_.Chance(50) ? 2 : 4));
        return f;
      }
      case 10: {
        json::Value a(json::Object{});
        a.Add("type", json::Value("array"));
        a.Add("items", Type(depth + 1, self));
        return a;
      }
      case 11: {
        json::Value m(json::Object{});
        m.Add("type", json::Value("map"));
        m.Add("values", Type(depth + 1, self));
        return m;
      }
      case 12:
        if (g_.Chance(50)) return json::Array{json::Value("null"), json::Value(self)};
        return json::Array{json::Value("int"), json::Value("string")};
      default:
        return Record("R" + std::to_string(named_++), depth + 1);
    }
  }

  json::Value Record(const std::string& name, int depth) {
    json::Value r(json::Object{});
    r.Add("type", json::Value("record"));
    r.Add("name", json::Value(name));
    json::Array fields;
    const int n = 1 + g_.Int(depth == 0 ? 5 : 3);
    static const char* kFieldNames[] = {"id", "amount", "status", "note", "items", "at"};
    for (int i = 0; i < n; ++i) {
      json::Value f(json::Object{});
      f.Add("name", json::Value(kFieldNames[i]));
      json::Value t = Type(depth, name);
      // Defaults where they are easy to write: null for an optional field.
      const bool optional =
          t.IsArray() && t.AsArray()[0].IsString() && t.AsArray()[0].AsString() == "null";
      f.Add("type", std::move(t));
      if (optional && g_.Chance(70)) f.Add("default", json::Value(nullptr));
      fields.push_back(std::move(f));
    }
    r.Add("fields", json::Value(fields));
    return r;
  }

  // Every place a mutation can change: type positions (a primitive name,
  // a union, a record, enum, fixed, array or map definition).
  static void Collect(json::Value& t, std::vector<json::Value*>& out) {
    if (t.IsString()) {
      static const char* kPrims[] = {"boolean", "int",    "long", "float",
                                     "double",  "string", "bytes"};
      for (const char* p : kPrims)
        if (t.AsString() == p) out.push_back(&t);
      return;
    }
    if (t.IsArray()) {
      out.push_back(&t);
      for (json::Value& b : t.AsArray()) Collect(b, out);
      return;
    }
    if (!t.IsObject()) return;
    out.push_back(&t);
    if (json::Value* fields = t.Find("fields"); fields && fields->IsArray())
      for (json::Value& f : fields->AsArray())
        if (json::Value* ft = f.Find("type")) Collect(*ft, out);
    if (json::Value* items = t.Find("items")) Collect(*items, out);
    if (json::Value* values = t.Find("values")) Collect(*values, out);
  }

  Rng g_;
  int named_ = 0;
};

// ---- random writer data ------------------------------------------------------

// A random Avro-JSON datum of node `id` (unions as {"branch": value}); past
// depth 4 the shortest way out (a null branch, an empty array or map) is
// taken. Sets `failed` when the node has no finite value within depth 12.
inline json::Value RandomDatum(const avro::Schema& s, avro::NodeId id, Rng& g, int depth,
                               bool& failed) {
  using avro::Type;
  const avro::Node& n = s.node(id);
  if (depth > 12) {
    failed = true;
    return json::Value();
  }
  switch (n.type) {
    case Type::kNull:
      return json::Value(nullptr);
    case Type::kBoolean:
      return json::Value(g.Chance(50));
    case Type::kInt:
      return json::Value(g.Int(3) == 0 ? 2147483647 : g.Int(200) - 100);
    case Type::kLong:
      return json::Value(g.Chance(30) ? std::int64_t{1} << 40 : std::int64_t{g.Int(50)});
    case Type::kFloat:
    case Type::kDouble:
      return json::Value(g.Chance(50) ? 0.25 : 3.0);
    case Type::kString:
      return json::Value(g.Chance(50) ? "" : "text");
    case Type::kBytes:
      return json::Value(g.Chance(50) ? "" : "\xc3\xbf");
    case Type::kFixed:
      return json::Value(std::string(n.size, 'a'));
    case Type::kEnum:
      return json::Value(
          n.symbols[static_cast<std::size_t>(g.Int(static_cast<int>(n.symbols.size())))]);
    case Type::kArray: {
      json::Array a;
      const int k = depth > 4 ? 0 : g.Int(3);
      for (int i = 0; i < k; ++i) a.push_back(RandomDatum(s, n.items, g, depth + 1, failed));
      return json::Value(std::move(a));
    }
    case Type::kMap: {
      json::Value m(json::Object{});
      const int k = depth > 4 ? 0 : g.Int(3);
      for (int i = 0; i < k; ++i)
        m.Add("k" + std::to_string(i), RandomDatum(s, n.items, g, depth + 1, failed));
      return m;
    }
    case Type::kUnion: {
      std::size_t pick = static_cast<std::size_t>(g.Int(static_cast<int>(n.branches.size())));
      if (depth > 4) {
        for (std::size_t i = 0; i < n.branches.size(); ++i)
          if (s.node(n.branches[i]).type == Type::kNull) pick = i;
      }
      avro::NodeId b = n.branches[pick];
      if (s.node(b).type == Type::kNull) return json::Value(nullptr);
      json::Value out(json::Object{});
      out.Add(avro::BranchName(s, b), RandomDatum(s, b, g, depth + 1, failed));
      return out;
    }
    case Type::kRecord: {
      json::Value out(json::Object{});
      for (const avro::Field& f : n.fields)
        out.Add(std::string(f.name), RandomDatum(s, f.type, g, depth + 1, failed));
      return out;
    }
  }
  failed = true;
  return json::Value();
}

}  // namespace accord::compat::testing
