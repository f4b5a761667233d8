// Parsing Canonical Form, the CRC-64-AVRO fingerprint and Avro-JSON datum
// validation. The rules are the specification's; see avro.h.
#include <array>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "accord/schemas/avro.h"

namespace accord::avro {

namespace {

void AppendQuoted(std::string& out, std::string_view s) {
  // [STRINGS]: only what JSON itself requires is escaped.
  out += '"';
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void WriteCanonical(const Schema& schema, NodeId id, std::unordered_set<std::uint32_t>& seen,
                    std::string& out) {
  const Node& n = schema.node(id);
  if (IsPrimitive(n.type)) {
    AppendQuoted(out, TypeName(n.type));  // [PRIMITIVES], [STRIP] logicalType
    return;
  }
  switch (n.type) {
    case Type::kArray:
    case Type::kMap:
      out += n.type == Type::kArray ? R"({"type":"array","items":)" : R"({"type":"map","values":)";
      WriteCanonical(schema, n.items, seen, out);
      out += '}';
      return;
    case Type::kUnion:
      out += '[';
      for (std::size_t i = 0; i < n.branches.size(); ++i) {
        if (i > 0) out += ',';
        WriteCanonical(schema, n.branches[i], seen, out);
      }
      out += ']';
      return;
    default:
      break;
  }
  // Named types: [FULLNAMES]; a second occurrence is the bare full name.
  if (!seen.insert(id.value).second) {
    AppendQuoted(out, n.full_name);
    return;
  }
  out += R"({"name":)";
  AppendQuoted(out, n.full_name);
  out += R"(,"type":)";
  AppendQuoted(out, TypeName(n.type));
  if (n.type == Type::kRecord) {
    out += R"(,"fields":[)";
    for (std::size_t i = 0; i < n.fields.size(); ++i) {
      if (i > 0) out += ',';
      out += R"({"name":)";
      AppendQuoted(out, n.fields[i].name);
      out += R"(,"type":)";
      WriteCanonical(schema, n.fields[i].type, seen, out);
      out += '}';
    }
    out += ']';
  } else if (n.type == Type::kEnum) {
    out += R"(,"symbols":[)";
    for (std::size_t i = 0; i < n.symbols.size(); ++i) {
      if (i > 0) out += ',';
      AppendQuoted(out, n.symbols[i]);
    }
    out += ']';
  } else if (n.type == Type::kFixed) {
    out += R"(,"size":)";  // [INTEGERS]
    out += std::to_string(n.size);
  }
  out += '}';
}

constexpr std::uint64_t kEmpty64 = 0xc15d213aa4d7a795ULL;

constexpr std::array<std::uint64_t, 256> MakeTable() {
  std::array<std::uint64_t, 256> table{};
  for (std::uint64_t i = 0; i < 256; ++i) {
    std::uint64_t fp = i;
    for (int j = 0; j < 8; ++j) fp = (fp >> 1) ^ (kEmpty64 & (0 - (fp & 1)));
    table[i] = fp;
  }
  return table;
}
constexpr std::array<std::uint64_t, 256> kTable = MakeTable();

bool ByteString(const json::Value& v, std::size_t* length) {
  if (!v.IsString()) return false;
  const std::string& s = v.AsString();
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
    } else if (c == 0xc2 || c == 0xc3) {  // U+0080..U+00FF
      if (i + 1 >= s.size() || (static_cast<unsigned char>(s[i + 1]) >> 6) != 2) return false;
      i += 2;
    } else {
      return false;
    }
    ++count;
  }
  *length = count;
  return true;
}

bool IntegerIn(const json::Value& v, double lo, double hi) {
  if (!v.IsNumber() || !v.AsNumber().IsIntegral()) return false;
  if (v.AsNumber().IsInt()) {
    auto i = v.AsNumber().AsInt();
    return static_cast<double>(i) >= lo && static_cast<double>(i) <= hi;
  }
  double d = v.AsNumber().AsDouble();
  return d >= lo && d <= hi && d < 9.2233720368547758e18;
}

bool ValidDatum(const Schema& schema, NodeId id, const json::Value& v, int depth) {
  if (depth > 512) return false;
  const Node& n = schema.node(id);
  switch (n.type) {
    case Type::kNull:
      return v.IsNull();
    case Type::kBoolean:
      return v.IsBool();
    case Type::kInt:
      return IntegerIn(v, static_cast<double>(std::numeric_limits<std::int32_t>::min()),
                       static_cast<double>(std::numeric_limits<std::int32_t>::max()));
    case Type::kLong:
      return IntegerIn(v, -9.2233720368547758e18, 9.2233720368547758e18);
    case Type::kFloat:
    case Type::kDouble:
      return v.IsNumber() ||
             (v.IsString() &&
              (v.AsString() == "NaN" || v.AsString() == "Infinity" || v.AsString() == "-Infinity"));
    case Type::kString:
      return v.IsString();
    case Type::kBytes: {
      std::size_t len;
      return ByteString(v, &len);
    }
    case Type::kFixed: {
      std::size_t len;
      return ByteString(v, &len) && len == n.size;
    }
    case Type::kEnum:
      if (!v.IsString()) return false;
      for (std::string_view s : n.symbols)
        if (s == v.AsString()) return true;
      return false;
    case Type::kArray:
      if (!v.IsArray()) return false;
      for (const json::Value& e : v.AsArray())
        if (!ValidDatum(schema, n.items, e, depth + 1)) return false;
      return true;
    case Type::kMap:
      if (!v.IsObject()) return false;
      for (const json::Member& m : v.AsObject())
        if (!ValidDatum(schema, n.items, m.value, depth + 1)) return false;
      return true;
    case Type::kRecord:
      if (!v.IsObject()) return false;
      for (const Field& f : n.fields) {
        const json::Value* fv = v.Find(f.name);
        if (fv == nullptr || !ValidDatum(schema, f.type, *fv, depth + 1)) return false;
      }
      return v.AsObject().size() == n.fields.size();
    case Type::kUnion:
      if (v.IsNull()) {
        for (NodeId b : n.branches)
          if (schema.node(b).type == Type::kNull) return true;
        return false;
      }
      if (!v.IsObject() || v.AsObject().size() != 1) return false;
      for (NodeId b : n.branches) {
        if (schema.node(b).type != Type::kNull && BranchName(schema, b) == v.AsObject()[0].key) {
          return ValidDatum(schema, b, v.AsObject()[0].value, depth + 1);
        }
      }
      return false;
  }
  return false;
}

}  // namespace

std::string CanonicalForm(const Schema& schema) {
  std::string out;
  std::unordered_set<std::uint32_t> seen;
  WriteCanonical(schema, schema.root(), seen, out);
  return out;
}

std::uint64_t Fingerprint64(std::string_view bytes) {
  std::uint64_t fp = kEmpty64;
  for (char c : bytes) {
    fp = (fp >> 8) ^ kTable[(fp ^ static_cast<unsigned char>(c)) & 0xff];
  }
  return fp;
}

std::uint64_t Fingerprint64(const Schema& schema) { return Fingerprint64(CanonicalForm(schema)); }

std::string FingerprintHex(std::uint64_t fingerprint) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = kHex[fingerprint & 0xf];
    fingerprint >>= 4;
  }
  return out;
}

bool IsValidDatum(const Schema& schema, NodeId id, const json::Value& datum) {
  return ValidDatum(schema, id, datum, 0);
}

std::string BranchName(const Schema& schema, NodeId id) {
  const Node& n = schema.node(id);
  return std::string(IsNamed(n.type) ? n.full_name : TypeName(n.type));
}

}  // namespace accord::avro
