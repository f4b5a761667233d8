// The JSON value model shared by every Accord library.
//
// JSON and YAML documents both load into json::Value (see load.h). A Value is
// a plain value type: copyable, movable, owning its children. Objects keep
// their members in document order and never hold two members with one key
// (the loaders reject duplicates).
//
// Numbers keep whether they were written as integers: an integer literal that
// fits in int64 is stored exactly (Number::IsInt), every other number as a
// double. Equality follows JSON Schema: 1 == 1.0.
#pragma once

#include <cassert>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace accord::json {

enum class Kind : std::uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

// "null", "boolean", "number", "string", "array", "object".
std::string_view KindName(Kind kind);

class Number {
 public:
  constexpr Number() = default;
  constexpr explicit Number(std::int64_t i) : is_int_(true), i_(i), d_(static_cast<double>(i)) {}
  constexpr explicit Number(double d) : is_int_(false), i_(0), d_(d) {}

  // True when stored as an exact int64 (written as an integer literal, or a
  // double with an integral value that was normalised by the loader).
  constexpr bool IsInt() const { return is_int_; }
  constexpr std::int64_t AsInt() const { return i_; }
  constexpr double AsDouble() const { return d_; }
  // True when the mathematical value is an integer (1.0 counts).
  bool IsIntegral() const;

  friend bool operator==(const Number& a, const Number& b);
  // Total order on the mathematical value (exact for int/int).
  friend bool operator<(const Number& a, const Number& b);

 private:
  bool is_int_ = true;
  std::int64_t i_ = 0;
  double d_ = 0;
};

class Value;
struct Member;
using Array = std::vector<Value>;
using Object = std::vector<Member>;

class Value {
 public:
  Value();  // null
  Value(std::nullptr_t);
  Value(bool b);
  Value(Number n);
  Value(int i) : Value(Number(static_cast<std::int64_t>(i))) {}
  Value(std::int64_t i) : Value(Number(i)) {}
  Value(double d) : Value(Number(d)) {}
  Value(std::string s);
  Value(std::string_view s) : Value(std::string(s)) {}
  Value(const char* s) : Value(std::string(s)) {}
  Value(Array a);
  Value(Object o);
  Value(const Value&);
  Value(Value&&) noexcept;
  Value& operator=(const Value&);
  Value& operator=(Value&&) noexcept;
  ~Value();

  Kind kind() const;
  bool IsNull() const { return kind() == Kind::kNull; }
  bool IsBool() const { return kind() == Kind::kBool; }
  bool IsNumber() const { return kind() == Kind::kNumber; }
  bool IsString() const { return kind() == Kind::kString; }
  bool IsArray() const { return kind() == Kind::kArray; }
  bool IsObject() const { return kind() == Kind::kObject; }
  // Number with an integral value (JSON Schema's "integer").
  bool IsInteger() const { return IsNumber() && AsNumber().IsIntegral(); }

  // Accessors require the matching kind (checked with assert in debug builds).
  bool AsBool() const;
  const Number& AsNumber() const;
  const std::string& AsString() const;
  std::string& AsString();
  const Array& AsArray() const;
  Array& AsArray();
  const Object& AsObject() const;
  Object& AsObject();

  // Object member lookup; nullptr when absent or when this is not an object.
  const Value* Find(std::string_view key) const;
  Value* Find(std::string_view key);
  // Appends a member (caller guarantees the key is new). Requires object.
  void Add(std::string key, Value value);

  // Deep equality with JSON Schema semantics (numbers by value, objects
  // regardless of member order).
  friend bool operator==(const Value& a, const Value& b);

 private:
  // Variant of monostate, bool, Number, string, Array, Object.
  using Storage = std::variant<std::monostate, bool, Number, std::string, Array, Object>;
  Storage v_;
};

struct Member {
  std::string key;
  Value value;
};

// A hash consistent with operator==: equal values hash equal (numbers by
// mathematical value, 1 and 1.0 alike; objects regardless of member
// order). For sets of values (enum membership) in O(1) per lookup.
std::size_t Hash(const Value& v);

// Value pointers hashed and compared by the values they point to.
struct ValuePtrHash {
  std::size_t operator()(const Value* v) const { return Hash(*v); }
};
struct ValuePtrEq {
  bool operator()(const Value* a, const Value* b) const { return *a == *b; }
};

// Hot accessors, inline: the validator calls them for every instance value.
inline bool Number::IsIntegral() const {
  if (is_int_) return true;
  return std::isfinite(d_) && std::floor(d_) == d_;
}
inline Kind Value::kind() const { return static_cast<Kind>(v_.index()); }
inline bool Value::AsBool() const {
  assert(IsBool());
  return *std::get_if<bool>(&v_);
}
inline const Number& Value::AsNumber() const {
  assert(IsNumber());
  return *std::get_if<Number>(&v_);
}
inline const std::string& Value::AsString() const {
  assert(IsString());
  return *std::get_if<std::string>(&v_);
}
inline std::string& Value::AsString() {
  assert(IsString());
  return *std::get_if<std::string>(&v_);
}
inline const Array& Value::AsArray() const {
  assert(IsArray());
  return *std::get_if<Array>(&v_);
}
inline Array& Value::AsArray() {
  assert(IsArray());
  return *std::get_if<Array>(&v_);
}
inline const Object& Value::AsObject() const {
  assert(IsObject());
  return *std::get_if<Object>(&v_);
}
inline Object& Value::AsObject() {
  assert(IsObject());
  return *std::get_if<Object>(&v_);
}

// Compact JSON text (members in document order; not canonical: see canonical.h).
std::string ToJson(const Value& v);
// Indented JSON text for people (2 spaces).
std::string ToPrettyJson(const Value& v);
// Appends `s` as a JSON string: quoted; '"', '\\' and control characters
// escaped (\b \f \n \r \t, others \u00xx in lower case); everything else,
// UTF-8 included, as it is. ToJson and Canonicalize write strings so.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace accord::json
