// ValidateDatum: the reasons a JSON value is not a valid Avro-JSON datum of a
// schema, each with the datum's location, the expected type and what was
// found (for `accord validate --schema x.avsc` and `accord test`'s Avro
// examples). The verdict is IsValidDatum's (avro_canonical.cc); this walk
// also says why.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "accord/schemas/avro.h"
#include "accord/schemas/pointer.h"

namespace accord::avro {
namespace {

constexpr int kMaxDepth = 512;
constexpr std::size_t kShownValue = 40;  // characters of a value quoted in a message

std::string_view JsonTypeOf(const json::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "boolean";
  if (v.IsNumber()) return v.AsNumber().IsIntegral() ? "integer" : "number";
  if (v.IsString()) return "string";
  if (v.IsArray()) return "array";
  return "object";
}

// "string \"two\"", "integer 3000000000", "object", "array of 3".
std::string Got(const json::Value& v) {
  std::string out(JsonTypeOf(v));
  if (v.IsArray()) return out + " of " + std::to_string(v.AsArray().size());
  if (v.IsObject()) return out;
  std::string text = json::ToJson(v);
  if (text.size() > kShownValue) text = text.substr(0, kShownValue) + "...";
  return out + " " + text;
}

// The number of code points when `v` is a string of code points <= 255
// (the JSON encoding of bytes and fixed), else -1.
long long ByteLength(const json::Value& v) {
  if (!v.IsString()) return -1;
  const std::string& s = v.AsString();
  long long count = 0;
  for (std::size_t i = 0; i < s.size(); ++count) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else if ((c == 0xc2 || c == 0xc3) && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) >> 6) == 2) {
      i += 2;
    } else {
      return -1;
    }
  }
  return count;
}

bool IntegerIn(const json::Value& v, double lo, double hi) {
  if (!v.IsNumber() || !v.AsNumber().IsIntegral()) return false;
  if (v.AsNumber().IsInt()) {
    auto i = static_cast<double>(v.AsNumber().AsInt());
    return i >= lo && i <= hi;
  }
  double d = v.AsNumber().AsDouble();
  return d >= lo && d <= hi && d < 9.2233720368547758e18;
}

class DatumChecker {
 public:
  DatumChecker(const Schema& schema, std::size_t max_errors)
      : schema_(schema), max_errors_(max_errors) {}

  void Check(NodeId id, const json::Value& v, std::string& at, int depth) {
    if (errors_.size() >= max_errors_) return;
    const Node& n = schema_.node(id);
    if (depth > kMaxDepth) {
      return Add(at, n, "nested deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    switch (n.type) {
      case Type::kNull:
        if (!v.IsNull()) Mismatch(at, n, v);
        return;
      case Type::kBoolean:
        if (!v.IsBool()) Mismatch(at, n, v);
        return;
      case Type::kInt:
        if (!IntegerIn(v, std::numeric_limits<std::int32_t>::min(),
                       std::numeric_limits<std::int32_t>::max())) {
          Mismatch(at, n, v, v.IsNumber() && v.AsNumber().IsIntegral() ? " (32-bit)" : "");
        }
        return;
      case Type::kLong:
        if (!IntegerIn(v, -9.2233720368547758e18, 9.2233720368547758e18)) {
          Mismatch(at, n, v, v.IsNumber() && v.AsNumber().IsIntegral() ? " (64-bit)" : "");
        }
        return;
      case Type::kFloat:
      case Type::kDouble:
        if (!v.IsNumber() &&
            !(v.IsString() && (v.AsString() == "NaN" || v.AsString() == "Infinity" ||
                               v.AsString() == "-Infinity"))) {
          Mismatch(at, n, v);
        }
        return;
      case Type::kString:
        if (!v.IsString()) Mismatch(at, n, v);
        return;
      case Type::kBytes:
        if (ByteLength(v) < 0) Mismatch(at, n, v, " (a string of code points up to U+00FF)");
        return;
      case Type::kFixed: {
        long long len = ByteLength(v);
        if (len != static_cast<long long>(n.size)) {
          std::string expected = " of " + std::to_string(n.size) + " bytes";
          if (len >= 0) {
            return Add(
                at, n,
                "expected " + Expected(n) + expected + ", got " + std::to_string(len) + " bytes");
          }
          Mismatch(at, n, v, expected);
        }
        return;
      }
      case Type::kEnum: {
        if (v.IsString()) {
          for (std::string_view s : n.symbols) {
            if (s == v.AsString()) return;
          }
        }
        std::string symbols;
        for (std::string_view s : n.symbols) {
          symbols += (symbols.empty() ? "" : ", ") + std::string(s);
        }
        return Add(
            at, n,
            "expected one of the symbols " + symbols + " (" + Expected(n) + "), got " + Got(v));
      }
      case Type::kArray: {
        if (!v.IsArray()) return Mismatch(at, n, v);
        const std::size_t len = at.size();
        for (std::size_t i = 0; i < v.AsArray().size(); ++i) {
          at += '/';
          at += std::to_string(i);
          Check(n.items, v.AsArray()[i], at, depth + 1);
          at.resize(len);
        }
        return;
      }
      case Type::kMap: {
        if (!v.IsObject()) return Mismatch(at, n, v);
        const std::size_t len = at.size();
        for (const json::Member& m : v.AsObject()) {
          at += '/';
          at += json::EscapeToken(m.key);
          Check(n.items, m.value, at, depth + 1);
          at.resize(len);
        }
        return;
      }
      case Type::kRecord:
        return Record(n, v, at, depth);
      case Type::kUnion:
        return Union(n, v, at, depth);
    }
  }

  std::vector<DatumError> Take() { return std::move(errors_); }

 private:
  // "int", "enum Status", "record shop.Order", "array", "map", "union [null, string]".
  std::string Expected(const Node& n) const {
    if (IsNamedType(n.type)) return std::string(TypeName(n.type)) + " " + std::string(n.full_name);
    if (n.type == Type::kArray) return "array of " + BranchName(schema_, n.items);
    if (n.type == Type::kMap) return "map of " + BranchName(schema_, n.items);
    if (n.type == Type::kUnion) {
      std::string out = "union [";
      for (std::size_t i = 0; i < n.branches.size(); ++i) {
        out += (i == 0 ? "" : ", ") + BranchName(schema_, n.branches[i]);
      }
      return out + "]";
    }
    return std::string(TypeName(n.type));
  }

  static bool IsNamedType(Type t) {
    return t == Type::kRecord || t == Type::kEnum || t == Type::kFixed;
  }

  void Add(const std::string& at, const Node& n, std::string message) {
    if (errors_.size() >= max_errors_) return;
    errors_.push_back(DatumError{at, schema_.Pointer(n.pointer), Expected(n), std::move(message)});
  }

  void Mismatch(const std::string& at, const Node& n, const json::Value& v,
                std::string_view detail = {}) {
    Add(at, n, "expected " + Expected(n) + std::string(detail) + ", got " + Got(v));
  }

  void Record(const Node& n, const json::Value& v, std::string& at, int depth) {
    if (!v.IsObject()) return Mismatch(at, n, v);
    const std::size_t len = at.size();
    for (const Field& f : n.fields) {
      const json::Value* fv = v.Find(f.name);
      if (fv == nullptr) {
        Add(at, n,
            "missing field '" + std::string(f.name) + "' (" + Expected(schema_.node(f.type)) +
                ") of " + Expected(n));
        continue;
      }
      at += '/';
      at += json::EscapeToken(f.name);
      Check(f.type, *fv, at, depth + 1);
      at.resize(len);
    }
    // Unknown members: each is looked up among the fields, through a hashed
    // set past a handful of them (a record of n fields costs n, not n^2).
    std::unordered_set<std::string_view> names;
    if (n.fields.size() > 16) {
      for (const Field& f : n.fields) names.insert(f.name);
    }
    auto known = [&](std::string_view key) {
      if (!names.empty()) return names.contains(key);
      for (const Field& f : n.fields) {
        if (f.name == key) return true;
      }
      return false;
    };
    for (const json::Member& m : v.AsObject()) {
      if (known(m.key)) continue;
      at += '/';
      at += json::EscapeToken(m.key);
      Add(at, n, "unknown field '" + m.key + "' (" + Expected(n) + " has no such field)");
      at.resize(len);
    }
  }

  void Union(const Node& n, const json::Value& v, std::string& at, int depth) {
    bool has_null = false;
    for (NodeId b : n.branches) has_null = has_null || schema_.node(b).type == Type::kNull;
    if (v.IsNull()) {
      if (!has_null) Mismatch(at, n, v, " (a value is written {\"BRANCH\": value})");
      return;
    }
    if (v.IsObject() && v.AsObject().size() == 1) {
      const json::Member& m = v.AsObject()[0];
      for (NodeId b : n.branches) {
        if (schema_.node(b).type != Type::kNull && BranchName(schema_, b) == m.key) {
          const std::size_t len = at.size();
          at += '/';
          at += json::EscapeToken(m.key);
          Check(b, m.value, at, depth + 1);
          at.resize(len);
          return;
        }
      }
      return Add(at, n, "expected " + Expected(n) + ", got the unknown branch '" + m.key + "'");
    }
    Mismatch(
        at, n, v,
        has_null ? " (null or {\"BRANCH\": value})" : " (a value is written {\"BRANCH\": value})");
  }

  const Schema& schema_;
  std::size_t max_errors_;
  std::vector<DatumError> errors_;
};

}  // namespace

std::vector<DatumError> ValidateDatum(const Schema& schema, NodeId id, const json::Value& datum,
                                      std::size_t max_errors) {
  DatumChecker checker(schema, max_errors);
  std::string at;
  checker.Check(id, datum, at, 0);
  return checker.Take();
}

}  // namespace accord::avro
