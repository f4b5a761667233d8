#include "accord/schemas/json.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>

#include "accord/schemas/error.h"
#include "accord/schemas/yaml_out.h"

namespace accord {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kIo:
      return "IO";
    case ErrorCode::kSyntax:
      return "SYNTAX";
    case ErrorCode::kLimit:
      return "LIMIT";
    case ErrorCode::kDuplicateKey:
      return "DUPLICATE_KEY";
    case ErrorCode::kNonScalarKey:
      return "NON_SCALAR_KEY";
    case ErrorCode::kInvalidPointer:
      return "INVALID_POINTER";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kInvalidSchema:
      return "INVALID_SCHEMA";
    case ErrorCode::kUnresolvedRef:
      return "UNRESOLVED_REF";
    case ErrorCode::kUnsupportedRegex:
      return "UNSUPPORTED_REGEX";
    case ErrorCode::kUnsupported:
      return "UNSUPPORTED";
  }
  return "UNKNOWN";
}

std::string Error::ToString() const {
  std::string out;
  if (!file.empty()) {
    out += file;
    if (position.line > 0) {
      out += ':' + std::to_string(position.line);
      if (position.column > 0) out += ':' + std::to_string(position.column);
    }
    out += ": ";
  } else if (position.line > 0) {
    out += "line " + std::to_string(position.line);
    if (position.column > 0) out += ", column " + std::to_string(position.column);
    out += ": ";
  }
  out += message;
  if (!pointer.empty()) out += " (at " + pointer + ")";
  return out;
}

namespace json {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "unknown";
}

bool operator==(const Number& a, const Number& b) {
  if (a.is_int_ && b.is_int_) return a.i_ == b.i_;
  if (a.is_int_ != b.is_int_) {
    const Number& i = a.is_int_ ? a : b;
    const Number& d = a.is_int_ ? b : a;
    // Compare exactly: the double must be integral and within int64 range.
    if (!d.IsIntegral()) return false;
    if (d.d_ < -9.2233720368547758e18 || d.d_ >= 9.2233720368547758e18) return false;
    return static_cast<std::int64_t>(d.d_) == i.i_;
  }
  return a.d_ == b.d_;
}

namespace {

constexpr double kTwo63 = 9223372036854775808.0;

// Exact i < d (false when d is NaN).
bool IntLessDouble(std::int64_t i, double d) {
  if (std::isnan(d)) return false;
  if (d >= kTwo63) return true;
  if (d < -kTwo63) return false;
  double t = std::trunc(d);  // in [-2^63, 2^63): fits in int64
  auto ti = static_cast<std::int64_t>(t);
  if (i != ti) return i < ti;
  return d > t;
}

// Exact d < i (false when d is NaN).
bool DoubleLessInt(double d, std::int64_t i) {
  if (std::isnan(d)) return false;
  if (d >= kTwo63) return false;
  if (d < -kTwo63) return true;
  double t = std::trunc(d);
  auto ti = static_cast<std::int64_t>(t);
  if (ti != i) return ti < i;
  return d < t;
}

}  // namespace

bool operator<(const Number& a, const Number& b) {
  if (a.is_int_ && b.is_int_) return a.i_ < b.i_;
  if (a.is_int_) return IntLessDouble(a.i_, b.d_);
  if (b.is_int_) return DoubleLessInt(a.d_, b.i_);
  return a.d_ < b.d_;
}

Value::Value() = default;
Value::Value(std::nullptr_t) {}
Value::Value(bool b) : v_(b) {}
Value::Value(Number n) : v_(n) {}
Value::Value(std::string s) : v_(std::move(s)) {}
Value::Value(Array a) : v_(std::move(a)) {}
Value::Value(Object o) : v_(std::move(o)) {}
Value::Value(const Value&) = default;
Value::Value(Value&&) noexcept = default;
Value& Value::operator=(const Value&) = default;
Value& Value::operator=(Value&&) noexcept = default;
Value::~Value() = default;

// kind() and the As*() accessors are inline in json.h (hot in the validator).

const Value* Value::Find(std::string_view key) const {
  const Object* o = std::get_if<Object>(&v_);
  if (o == nullptr) return nullptr;
  for (const Member& m : *o) {
    // The size and the first byte before the rest: most members differ
    // there (a schema's keywords), and comparing the rest is a call.
    if (m.key.size() == key.size() &&
        (key.empty() ||
         (m.key[0] == key[0] && std::memcmp(m.key.data(), key.data(), key.size()) == 0))) {
      return &m.value;
    }
  }
  return nullptr;
}

Value* Value::Find(std::string_view key) {
  return const_cast<Value*>(static_cast<const Value*>(this)->Find(key));
}

void Value::Add(std::string key, Value value) {
  AsObject().push_back(Member{std::move(key), std::move(value)});
}

namespace {
std::size_t Mix(std::size_t h, std::size_t v) {
  return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2));
}
}  // namespace

std::size_t Hash(const Value& v) {
  const std::size_t kind = static_cast<std::size_t>(v.kind());
  switch (v.kind()) {
    case Kind::kNull:
      return Mix(kind, 0);
    case Kind::kBool:
      return Mix(kind, v.AsBool() ? 1 : 0);
    case Kind::kNumber: {
      // Integral values hash as the integer (1 == 1.0); others by their bits
      // (-0.0 is integral, so it hashes as 0 like 0.0).
      const Number& n = v.AsNumber();
      if (n.IsInt()) return Mix(kind, std::hash<std::int64_t>()(n.AsInt()));
      const double d = n.AsDouble();
      if (n.IsIntegral() && d >= -9.2233720368547758e18 && d < 9.2233720368547758e18) {
        return Mix(kind, std::hash<std::int64_t>()(static_cast<std::int64_t>(d)));
      }
      return Mix(kind, std::hash<double>()(d));
    }
    case Kind::kString:
      return Mix(kind, std::hash<std::string>()(v.AsString()));
    case Kind::kArray: {
      std::size_t h = Mix(kind, v.AsArray().size());
      for (const Value& e : v.AsArray()) h = Mix(h, Hash(e));
      return h;
    }
    case Kind::kObject: {
      // Order-independent: a sum of the members' hashes.
      std::size_t sum = 0;
      for (const Member& m : v.AsObject())
        sum += Mix(std::hash<std::string>()(m.key), Hash(m.value));
      return Mix(Mix(kind, v.AsObject().size()), sum);
    }
  }
  return kind;
}

bool operator==(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case Kind::kNull:
      return true;
    case Kind::kBool:
      return a.AsBool() == b.AsBool();
    case Kind::kNumber:
      return a.AsNumber() == b.AsNumber();
    case Kind::kString:
      return a.AsString() == b.AsString();
    case Kind::kArray:
      return a.AsArray() == b.AsArray();
    case Kind::kObject: {
      const Object& x = a.AsObject();
      const Object& y = b.AsObject();
      if (x.size() != y.size()) return false;
      if (x.size() <= 16) {
        for (const Member& m : x) {
          const Value* other = b.Find(m.key);
          if (other == nullptr || !(*other == m.value)) return false;
        }
        return true;
      }
      // Big objects: the same keys in the same order (a document compared
      // with a copy or a re-parse of itself) compare member by member;
      // otherwise sorted by key instead of quadratic lookups.
      std::size_t same = 0;
      while (same < x.size() && x[same].key == y[same].key) ++same;
      if (same == x.size()) {
        for (std::size_t i = 0; i < x.size(); ++i)
          if (!(x[i].value == y[i].value)) return false;
        return true;
      }
      auto sorted = [](const Object& o) {
        std::vector<const Member*> v;
        v.reserve(o.size());
        for (const Member& m : o) v.push_back(&m);
        std::sort(v.begin(), v.end(),
                  [](const Member* p, const Member* q) { return p->key < q->key; });
        return v;
      };
      std::vector<const Member*> sx = sorted(x);
      std::vector<const Member*> sy = sorted(y);
      for (std::size_t i = 0; i < sx.size(); ++i) {
        if (sx[i]->key != sy[i]->key || !(sx[i]->value == sy[i]->value)) return false;
      }
      return true;
    }
  }
  return false;
}

namespace {
// The bytes AppendJsonString escapes: control characters, '"' and '\\'.
constexpr std::array<bool, 256> kNeedsEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();
}  // namespace

void AppendJsonString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + s.size() + 2);
  out += '"';
  // Runs of characters that need no escape are appended whole.
  std::size_t run = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kNeedsEscape[c]) continue;
    out.append(s.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 0xF];
    }
  }
  out.append(s.data() + run, s.size() - run);
  out += '"';
}

namespace {

void AppendNumber(std::string& out, const Number& n) {
  if (n.IsInt()) {
    out += std::to_string(n.AsInt());
    return;
  }
  double d = n.AsDouble();
  if (!std::isfinite(d)) {  // not representable in JSON; never produced by the parser
    out += "null";
    return;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  // Prefer the shortest spelling that round-trips.
  for (int prec = 1; prec <= 17; ++prec) {
    char tmp[32];
    std::snprintf(tmp, sizeof tmp, "%.*g", prec, d);
    if (std::strtod(tmp, nullptr) == d) {
      std::snprintf(buf, sizeof buf, "%s", tmp);
      break;
    }
  }
  out += buf;
}

void Write(std::string& out, const Value& v, int indent, int depth) {
  auto newline = [&](int d) {
    if (indent < 0) return;
    out += '\n';
    out.append(static_cast<std::size_t>(d * indent), ' ');
  };
  switch (v.kind()) {
    case Kind::kNull:
      out += "null";
      break;
    case Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      break;
    case Kind::kNumber:
      AppendNumber(out, v.AsNumber());
      break;
    case Kind::kString:
      AppendJsonString(out, v.AsString());
      break;
    case Kind::kArray: {
      const Array& a = v.AsArray();
      out += '[';
      for (std::size_t i = 0; i < a.size(); ++i) {
        if (i > 0) out += ',';
        newline(depth + 1);
        Write(out, a[i], indent, depth + 1);
      }
      if (!a.empty()) newline(depth);
      out += ']';
      break;
    }
    case Kind::kObject: {
      const Object& o = v.AsObject();
      out += '{';
      for (std::size_t i = 0; i < o.size(); ++i) {
        if (i > 0) out += ',';
        newline(depth + 1);
        AppendJsonString(out, o[i].key);
        out += indent < 0 ? ":" : ": ";
        Write(out, o[i].value, indent, depth + 1);
      }
      if (!o.empty()) newline(depth);
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string ToJson(const Value& v) {
  std::string out;
  Write(out, v, -1, 0);
  return out;
}

std::string ToPrettyJson(const Value& v) {
  std::string out;
  Write(out, v, 2, 0);
  return out;
}

namespace {

// YAML output (ToYaml). Strings are written plain only when no YAML 1.1 or
// 1.2 reader can take them for anything but that string (a word starting
// with a letter, '_', '/' or '$', made of a few punctuation-free characters,
// not a boolean or null word of either version); multi-line text as a
// literal block when the block reads back exactly; everything else
// double-quoted with escapes. Both readers then agree on every value.
bool IsYamlReservedWord(std::string_view s) {
  static constexpr std::string_view kWords[] = {"y",     "n",  "yes", "no",  "true",
                                                "false", "on", "off", "null"};
  std::string lower(s);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return std::find(std::begin(kWords), std::end(kWords), lower) != std::end(kWords);
}

bool IsYamlPlainSafe(std::string_view s) {
  if (s.empty() || IsYamlReservedWord(s)) return false;
  auto first = [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '/' || c == '$';
  };
  auto inner = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '/' ||
           c == ';' || c == '=' || c == '+' || c == '$' || c == '@' || c == '-' || c == ' ';
  };
  if (!first(s.front()) || s.back() == ' ') return false;
  return std::all_of(s.begin() + 1, s.end(), inner);
}

// U+0085, U+2028, U+2029 (line breaks to YAML 1.1) and U+FEFF (a byte order
// mark): escaped in quoted text, never left raw.
std::size_t YamlSpecialCodePoint(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  if (i + 1 < s.size() && b(0) == 0xC2 && b(1) == 0x85) return 2;
  if (i + 2 < s.size() && b(0) == 0xE2 && b(1) == 0x80 && (b(2) == 0xA8 || b(2) == 0xA9)) {
    return 3;
  }
  if (i + 2 < s.size() && b(0) == 0xEF && b(1) == 0xBB && b(2) == 0xBF) return 3;
  return 0;
}

void AppendYamlQuoted(std::string& out, std::string_view s) {
  out += '"';
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (std::size_t n = YamlSpecialCodePoint(s, i); n != 0) {
      char buf[8];
      const unsigned cp = n == 2      ? 0x85u
                          : c == 0xEF ? 0xFEFFu
                                      : 0x2028u + (static_cast<unsigned char>(s[i + 2]) - 0xA8u);
      std::snprintf(buf, sizeof buf, "\\u%04X", cp);
      out += buf;
      i += n - 1;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

// Multi-line text that a literal block ("|" or "|-") gives back exactly: no
// control character but line feeds and tabs, no YAML line break other than
// the line feed, no leading space or line feed (the block's indentation is
// read from its first line), at most one final line feed, and a last line
// that is not blank (a reader could drop it as trailing space).
bool FitsLiteralBlock(std::string_view s) {
  if (s.find('\n') == std::string_view::npos || s.front() == ' ' || s.front() == '\n' ||
      s.ends_with("\n\n")) {
    return false;
  }
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F || YamlSpecialCodePoint(s, i) != 0) {
      return false;
    }
  }
  std::string_view body = s.ends_with('\n') ? s.substr(0, s.size() - 1) : s;
  std::string_view last = body.substr(body.rfind('\n') + 1);
  return last.find_first_not_of(" \t") != std::string_view::npos;
}

void AppendYamlScalar(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::kNull:
      out += "null";
      break;
    case Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      break;
    case Kind::kNumber:
      AppendNumber(out, v.AsNumber());
      break;
    case Kind::kString:
      if (IsYamlPlainSafe(v.AsString())) {
        out += v.AsString();
      } else {
        AppendYamlQuoted(out, v.AsString());
      }
      break;
    case Kind::kArray:
      out += "[]";  // only ever called for empty containers
      break;
    case Kind::kObject:
      out += "{}";
      break;
  }
}

bool IsYamlBlock(const Value& v) {
  return (v.IsArray() && !v.AsArray().empty()) || (v.IsObject() && !v.AsObject().empty()) ||
         (v.IsString() && FitsLiteralBlock(v.AsString()));
}

void WriteYaml(std::string& out, const Value& v, std::size_t indent);

// What follows a "key:" or "- " already written: " scalar\n", or a literal
// block, or a newline and the nested block at `indent`.
void WriteYamlAfterIndicator(std::string& out, const Value& v, std::size_t indent) {
  if (!IsYamlBlock(v)) {
    out += ' ';
    AppendYamlScalar(out, v);
    out += '\n';
    return;
  }
  if (v.IsString()) {
    std::string_view s = v.AsString();
    const bool final_newline = s.ends_with('\n');
    out += final_newline ? " |\n" : " |-\n";
    if (final_newline) s.remove_suffix(1);
    std::size_t start = 0;
    while (start <= s.size()) {
      std::size_t end = s.find('\n', start);
      if (end == std::string_view::npos) end = s.size();
      std::string_view line = s.substr(start, end - start);
      if (!line.empty()) out.append(indent, ' ').append(line);
      out += '\n';
      start = end + 1;
    }
    return;
  }
  out += '\n';
  WriteYaml(out, v, indent);
}

// A non-empty mapping or sequence as a block at `indent` spaces. Sequence
// items that are blocks themselves start on the "- " line.
void WriteYaml(std::string& out, const Value& v, std::size_t indent) {
  if (v.IsObject()) {
    for (const Member& m : v.AsObject()) {
      out.append(indent, ' ');
      // Implicit keys are limited to 1024 characters as written (escapes
      // included; yaml-cpp counts bytes): longer keys are written as
      // explicit ones ("? key" then ": value").
      const std::size_t key_start = out.size();
      AppendYamlScalar(out, Value(m.key));
      if (out.size() - key_start > 1000) {
        out.insert(key_start, "? ");
        out.append("\n").append(indent, ' ');
      }
      out += ':';
      WriteYamlAfterIndicator(out, m.value, indent + 2);
    }
    return;
  }
  for (const Value& item : v.AsArray()) {
    out.append(indent, ' ');
    out += '-';
    if (item.IsString() || !IsYamlBlock(item)) {
      WriteYamlAfterIndicator(out, item, indent + 2);
      continue;
    }
    // The nested block's first line shares the "- " line.
    std::string nested;
    WriteYaml(nested, item, indent + 2);
    out += ' ';
    out.append(nested, indent + 2, std::string::npos);
  }
}

}  // namespace

std::string ToYaml(const Value& v) {
  std::string out;
  if (v.IsString() && FitsLiteralBlock(v.AsString())) {
    WriteYamlAfterIndicator(out, v, 2);
    return out.substr(1);  // the block indicator starts the document
  }
  if (!IsYamlBlock(v)) {
    AppendYamlScalar(out, v);
    out += '\n';
    return out;
  }
  WriteYaml(out, v, 0);
  return out;
}

}  // namespace json
}  // namespace accord
