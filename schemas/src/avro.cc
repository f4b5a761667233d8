// Avro schema parser (JSON form) and content detection. See avro.h for the
// rules; comments here say why, not what.
#include "accord/schemas/avro.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include <rapidjson/document.h>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"

namespace accord::avro {

std::string_view TypeName(Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kBoolean: return "boolean";
    case Type::kInt: return "int";
    case Type::kLong: return "long";
    case Type::kFloat: return "float";
    case Type::kDouble: return "double";
    case Type::kBytes: return "bytes";
    case Type::kString: return "string";
    case Type::kRecord: return "record";
    case Type::kEnum: return "enum";
    case Type::kArray: return "array";
    case Type::kMap: return "map";
    case Type::kUnion: return "union";
    case Type::kFixed: return "fixed";
  }
  return "unknown";
}

std::optional<Type> PrimitiveFromName(std::string_view name) {
  if (name == "null") return Type::kNull;
  if (name == "boolean") return Type::kBoolean;
  if (name == "int") return Type::kInt;
  if (name == "long") return Type::kLong;
  if (name == "float") return Type::kFloat;
  if (name == "double") return Type::kDouble;
  if (name == "bytes") return Type::kBytes;
  if (name == "string") return Type::kString;
  return std::nullopt;
}

bool IsPrimitive(Type type) { return type <= Type::kString; }
bool IsNamed(Type type) {
  return type == Type::kRecord || type == Type::kEnum || type == Type::kFixed;
}

std::string_view LogicalTypeName(LogicalType type) {
  switch (type) {
    case LogicalType::kNone: return "";
    case LogicalType::kDecimal: return "decimal";
    case LogicalType::kUuid: return "uuid";
    case LogicalType::kDate: return "date";
    case LogicalType::kTimeMillis: return "time-millis";
    case LogicalType::kTimeMicros: return "time-micros";
    case LogicalType::kTimestampMillis: return "timestamp-millis";
    case LogicalType::kTimestampMicros: return "timestamp-micros";
    case LogicalType::kLocalTimestampMillis: return "local-timestamp-millis";
    case LogicalType::kLocalTimestampMicros: return "local-timestamp-micros";
    case LogicalType::kDuration: return "duration";
  }
  return "";
}

const Node* Schema::FindNamed(std::string_view full_name) const {
  auto id = FindNamedId(full_name);
  return id ? &nodes_[id->value] : nullptr;
}

std::optional<NodeId> Schema::FindNamedId(std::string_view full_name) const {
  auto it = named_.find(std::string(full_name));
  if (it == named_.end()) return std::nullopt;
  return it->second;
}

namespace {

bool IsNameStart(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool IsNameChar(char c) { return IsNameStart(c) || (c >= '0' && c <= '9'); }

bool IsNamePart(std::string_view s) {
  if (s.empty() || !IsNameStart(s[0])) return false;
  return std::all_of(s.begin(), s.end(), IsNameChar);
}

// A dotted sequence of name parts (a full name or a non-empty namespace).
bool IsDottedName(std::string_view s) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = s.find('.', start);
    std::string_view part = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
    if (!IsNamePart(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string Quote(std::string_view s) { return json::ToJson(json::Value(s)); }

// Decodes UTF-8 into code points; false on malformed input.
bool DecodeUtf8(std::string_view s, std::vector<std::uint32_t>* out) {
  for (std::size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    std::uint32_t cp;
    std::size_t len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c >> 5) == 0x6) { cp = c & 0x1f; len = 2; }
    else if ((c >> 4) == 0xe) { cp = c & 0x0f; len = 3; }
    else if ((c >> 3) == 0x1e) { cp = c & 0x07; len = 4; }
    else return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    out->push_back(cp);
    i += len;
  }
  return true;
}

// Bytes and fixed values are JSON strings whose code points are <= 255.
std::optional<std::size_t> ByteStringLength(const json::Value& v) {
  if (!v.IsString()) return std::nullopt;
  std::vector<std::uint32_t> cps;
  if (!DecodeUtf8(v.AsString(), &cps)) return std::nullopt;
  for (auto cp : cps) if (cp > 255) return std::nullopt;
  return cps.size();
}

bool IsIntegerIn(const json::Value& v, std::int64_t lo, std::int64_t hi) {
  if (!v.IsNumber()) return false;
  const json::Number& n = v.AsNumber();
  if (n.IsInt()) return n.AsInt() >= lo && n.AsInt() <= hi;
  if (!n.IsIntegral()) return false;
  double d = n.AsDouble();
  return d >= static_cast<double>(lo) && d <= static_cast<double>(hi) &&
         d < 9.2233720368547758e18;
}

bool IsFloatValue(const json::Value& v) {
  if (v.IsNumber()) return true;
  if (v.IsString()) {
    const std::string& s = v.AsString();
    return s == "NaN" || s == "Infinity" || s == "-Infinity";
  }
  return false;
}

// Read-only views of a JSON value, so one parser serves json::Value (Parse)
// and RapidJSON's DOM (ParseText's fast path, which skips building a
// json::Value tree for the whole document).
class ValueView {
 public:
  ValueView() = default;
  explicit ValueView(const json::Value* v) : v_(v) {}
  explicit operator bool() const { return v_ != nullptr; }
  json::Kind kind() const { return v_->kind(); }
  bool IsString() const { return v_->IsString(); }
  bool IsArray() const { return v_->IsArray(); }
  bool IsObject() const { return v_->IsObject(); }
  std::string_view Str() const { return v_->AsString(); }
  std::size_t Size() const { return v_->AsArray().size(); }
  ValueView At(std::size_t i) const { return ValueView(&v_->AsArray()[i]); }
  ValueView Find(std::string_view key) const { return ValueView(v_->Find(key)); }
  template <typename Fn>
  void ForEachMember(Fn&& fn) const {
    for (const json::Member& m : v_->AsObject()) fn(std::string_view(m.key), ValueView(&m.value));
  }
  std::optional<json::Value> ToValue() const { return *v_; }

 private:
  const json::Value* v_ = nullptr;
};

class RapidView {
 public:
  RapidView() = default;
  explicit RapidView(const rapidjson::Value* v) : v_(v) {}
  explicit operator bool() const { return v_ != nullptr; }
  json::Kind kind() const {
    switch (v_->GetType()) {
      case rapidjson::kNullType: return json::Kind::kNull;
      case rapidjson::kFalseType:
      case rapidjson::kTrueType: return json::Kind::kBool;
      case rapidjson::kNumberType: return json::Kind::kNumber;
      case rapidjson::kStringType: return json::Kind::kString;
      case rapidjson::kArrayType: return json::Kind::kArray;
      case rapidjson::kObjectType: return json::Kind::kObject;
    }
    return json::Kind::kNull;
  }
  bool IsString() const { return v_->IsString(); }
  bool IsArray() const { return v_->IsArray(); }
  bool IsObject() const { return v_->IsObject(); }
  std::string_view Str() const { return {v_->GetString(), v_->GetStringLength()}; }
  std::size_t Size() const { return v_->Size(); }
  RapidView At(std::size_t i) const { return RapidView(&(*v_)[static_cast<rapidjson::SizeType>(i)]); }
  RapidView Find(std::string_view key) const {
    for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
      if (std::string_view(it->name.GetString(), it->name.GetStringLength()) == key) {
        return RapidView(&it->value);
      }
    }
    return RapidView();
  }
  template <typename Fn>
  void ForEachMember(Fn&& fn) const {
    for (auto it = v_->MemberBegin(); it != v_->MemberEnd(); ++it) {
      fn(std::string_view(it->name.GetString(), it->name.GetStringLength()), RapidView(&it->value));
    }
  }
  // The fast path rejects documents deeper than ParseText allows before the
  // parser runs, so this recursion is bounded.
  std::optional<json::Value> ToValue() const { return Convert(*v_); }

  static json::Value Convert(const rapidjson::Value& v) {
    switch (v.GetType()) {
      case rapidjson::kNullType: return json::Value(nullptr);
      case rapidjson::kFalseType: return json::Value(false);
      case rapidjson::kTrueType: return json::Value(true);
      case rapidjson::kNumberType:
        if (v.IsInt64()) return json::Value(json::Number(static_cast<std::int64_t>(v.GetInt64())));
        return json::Value(json::Number(v.GetDouble()));
      case rapidjson::kStringType: return json::Value(std::string(v.GetString(), v.GetStringLength()));
      case rapidjson::kArrayType: {
        json::Array arr;
        arr.reserve(v.Size());
        for (const auto& e : v.GetArray()) arr.push_back(Convert(e));
        return json::Value(std::move(arr));
      }
      case rapidjson::kObjectType: {
        json::Object obj;
        obj.reserve(v.MemberCount());
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
          obj.push_back({std::string(it->name.GetString(), it->name.GetStringLength()), Convert(it->value)});
        }
        return json::Value(std::move(obj));
      }
    }
    return json::Value();
  }

 private:
  const rapidjson::Value* v_ = nullptr;
};

// Integer test on a view (numbers are rare in schemas: convert and test).
template <typename V>
bool ViewIntegerIn(V v, std::int64_t lo, std::int64_t hi) {
  if (v.kind() != json::Kind::kNumber) return false;
  auto value = v.ToValue();
  return value && IsIntegerIn(*value, lo, hi);
}

template <typename V>
std::string ViewJson(V v) {
  auto value = v.ToValue();
  return value ? json::ToJson(*value) : std::string("?");
}

// "/fields/2/type/items" -> "fields[2].type.items"; "/1" -> "[1]".
std::string PointerToAvroPath(std::string_view pointer) {
  std::string out;
  auto tokens = json::SplitPointer(pointer);
  if (!tokens) return std::string(pointer);
  for (const std::string& t : *tokens) {
    bool index = !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (index) {
      out += "[" + t + "]";
    } else {
      if (!out.empty()) out += '.';
      out += t;
    }
  }
  return out;
}

}  // namespace

std::string AvroPath(std::string_view pointer) { return PointerToAvroPath(pointer); }

class Parser {
 public:
  explicit Parser(const ParseOptions& options) : options_(options) {}

  void ReserveNodes(std::size_t n) { schema_.nodes_.reserve(n); }

  template <typename V>
  Result<Schema> Run(V root) {
    if (schema_.nodes_.capacity() == 0) schema_.nodes_.reserve(32);
    for (std::size_t i = 0; i < options_.references.size(); ++i) {
      const json::Value* ref = options_.references[i];
      if (ref == nullptr) continue;
      auto defined = ParseNode(ValueView(ref), "", "", 0);
      if (!defined) {
        Error e = defined.error();
        e.message = "referenced schema " + std::to_string(i + 1) + ": " + e.message;
        e.pointer.clear();  // it points into the referenced document, not this one
        return std::unexpected(std::move(e));
      }
    }
    auto id = ParseNode(root, "", "", 0);
    if (!id) return std::unexpected(id.error());
    schema_.root_ = *id;
    if (options_.validate_defaults) {
      for (const PendingDefault& p : pending_defaults_) {
        const Field& f = schema_.nodes_[p.record.value].fields[p.field];
        std::string reason;
        if (!ValidDefault(f.type, *f.default_value, 0, &reason)) {
          return Fail(f.pointer + "/default", "bad default " + json::ToJson(*f.default_value) +
                                                  " for field " + Quote(f.name) + ": " + reason);
        }
      }
    }
    return std::move(schema_);
  }

 private:
  struct PendingDefault {
    NodeId record;
    std::size_t field;
  };

  std::unexpected<Error> Fail(const std::string& pointer, std::string reason,
                              ErrorCode code = ErrorCode::kInvalidSchema) {
    std::string where = pointer.empty() ? std::string("schema") : PointerToAvroPath(pointer);
    return std::unexpected(Error{code, where + ": " + std::move(reason), {}, {}, pointer});
  }

  NodeId NewNode(Node n) {
    NodeId id{static_cast<std::uint32_t>(schema_.nodes_.size())};
    schema_.nodes_.push_back(std::move(n));
    return id;
  }

  std::optional<NodeId> Lookup(std::string_view ref, std::string_view space) {
    if (ref.find('.') != std::string_view::npos || space.empty()) return schema_.FindNamedId(ref);
    scratch_.assign(space);
    scratch_ += '.';
    scratch_ += ref;
    if (auto id = schema_.FindNamedId(scratch_)) return id;
    return schema_.FindNamedId(ref);
  }

  template <typename V>
  Result<NodeId> ParseNode(V v, const std::string& space, const std::string& pointer, std::size_t depth) {
    if (depth > options_.max_depth) {
      return Fail(pointer, "schema nested deeper than " + std::to_string(options_.max_depth) + " levels",
                  ErrorCode::kLimit);
    }
    if (v.IsString()) return ParseName(v.Str(), space, pointer);
    if (v.IsArray()) return ParseUnion(v, space, pointer, depth);
    if (v.IsObject()) return ParseObject(v, space, pointer, depth);
    return Fail(pointer, "a schema must be a type name, an object or an array (union), not a " +
                             std::string(json::KindName(v.kind())));
  }

  Result<NodeId> ParseName(std::string_view name, const std::string& space, const std::string& pointer) {
    if (auto prim = PrimitiveFromName(name)) {
      Node n;
      n.type = *prim;
      n.pointer = pointer;
      return NewNode(std::move(n));
    }
    if (auto id = Lookup(name, space)) return *id;
    if (!IsDottedName(name)) return Fail(pointer, "invalid type name " + Quote(name));
    std::string tried = name.find('.') == std::string_view::npos && !space.empty()
                            ? " (looked for " + Quote(space + "." + std::string(name)) + " and " + Quote(name) + ")"
                            : "";
    return Fail(pointer, "unknown type name " + Quote(name) + tried);
  }

  template <typename V>
  Result<NodeId> ParseUnion(V arr, const std::string& space, const std::string& pointer, std::size_t depth) {
    Node n;
    n.type = Type::kUnion;
    n.pointer = pointer;
    n.branches.reserve(arr.Size());
    for (std::size_t i = 0; i < arr.Size(); ++i) {
      std::string bp = pointer + "/" + std::to_string(i);
      auto id = ParseNode(arr.At(i), space, bp, depth + 1);
      if (!id) return std::unexpected(id.error());
      const Node& b = schema_.nodes_[id->value];
      if (b.type == Type::kUnion) return Fail(bp, "a union may not contain a union");
      for (NodeId prev : n.branches) {
        const Node& p = schema_.nodes_[prev.value];
        bool dup = p.type == b.type && (!IsNamed(b.type) || p.full_name == b.full_name);
        if (dup) {
          std::string key = IsNamed(b.type) ? b.full_name : std::string(TypeName(b.type));
          return Fail(bp, "union has two branches of type " + Quote(key) +
                              " (a union holds one schema per unnamed type and per full name)");
        }
      }
      n.branches.push_back(*id);
    }
    return NewNode(std::move(n));
  }

  // Reads an optional string attribute; error when present with another kind.
  template <typename V>
  Result<std::optional<std::string_view>> OptString(V obj, std::string_view key, const std::string& pointer) {
    V v = obj.Find(key);
    if (!v) return std::optional<std::string_view>();
    if (!v.IsString()) {
      return Fail(pointer + "/" + json::EscapeToken(key), "\"" + std::string(key) + "\" must be a string, not a " +
                                                              std::string(json::KindName(v.kind())));
    }
    return std::optional<std::string_view>(v.Str());
  }

  template <typename V>
  Result<std::vector<std::string>> ReadAliases(V obj, const std::string& pointer, bool dotted_ok) {
    std::vector<std::string> out;
    V v = obj.Find("aliases");
    if (!v) return out;
    if (!v.IsArray()) return Fail(pointer + "/aliases", "\"aliases\" must be an array of names");
    for (std::size_t i = 0; i < v.Size(); ++i) {
      V a = v.At(i);
      bool ok = a.IsString() && (dotted_ok ? IsDottedName(a.Str()) : IsNamePart(a.Str()));
      if (!ok) return Fail(pointer + "/aliases/" + std::to_string(i), "invalid alias " + ViewJson(a));
      out.emplace_back(a.Str());
    }
    return out;
  }

  static bool IsReserved(std::string_view key, Type type) {
    if (key == "type" || key == "logicalType") return true;
    switch (type) {
      case Type::kRecord:
        return key == "name" || key == "namespace" || key == "aliases" || key == "doc" || key == "fields";
      case Type::kEnum:
        return key == "name" || key == "namespace" || key == "aliases" || key == "doc" ||
               key == "symbols" || key == "default";
      case Type::kFixed:
        return key == "name" || key == "namespace" || key == "aliases" || key == "doc" || key == "size" ||
               key == "precision" || key == "scale";
      case Type::kArray: return key == "items";
      case Type::kMap: return key == "values";
      case Type::kBytes: return key == "precision" || key == "scale";
      default: return false;
    }
  }

  template <typename V>
  static json::Object CustomAttributes(V obj, Type type) {
    json::Object out;
    obj.ForEachMember([&](std::string_view key, V value) {
      if (IsReserved(key, type)) return;
      if (auto v = value.ToValue()) out.push_back({std::string(key), std::move(*v)});
    });
    return out;
  }

  template <typename V>
  Result<NodeId> ParseObject(V obj, const std::string& space, const std::string& pointer, std::size_t depth) {
    V tv = obj.Find("type");
    if (!tv) return Fail(pointer, "missing \"type\" attribute");
    if (tv.IsObject() || tv.IsArray()) {
      // {"type": {...}} or {"type": [...]}: the nested value is the schema.
      return ParseNode(tv, space, pointer + "/type", depth + 1);
    }
    if (!tv.IsString()) return Fail(pointer + "/type", "\"type\" must be a string, an object or an array");
    std::string_view type = tv.Str();
    Result<NodeId> id = std::unexpected(Error{});
    if (auto prim = PrimitiveFromName(type)) {
      Node n;
      n.type = *prim;
      n.pointer = pointer;
      n.custom = CustomAttributes(obj, *prim);
      id = NewNode(std::move(n));
    } else if (type == "record" || type == "error") {
      id = ParseRecord(obj, type == "error", space, pointer, depth);
    } else if (type == "enum") {
      id = ParseEnum(obj, space, pointer);
    } else if (type == "fixed") {
      id = ParseFixed(obj, space, pointer);
    } else if (type == "array" || type == "map") {
      bool is_array = type == "array";
      std::string_view key = is_array ? "items" : "values";
      V inner = obj.Find(key);
      if (!inner) {
        return Fail(pointer, std::string(is_array ? "array" : "map") + " without \"" + std::string(key) + "\"");
      }
      auto inner_id = ParseNode(inner, space, pointer + "/" + std::string(key), depth + 1);
      if (!inner_id) return std::unexpected(inner_id.error());
      Node n;
      n.type = is_array ? Type::kArray : Type::kMap;
      n.items = *inner_id;
      n.pointer = pointer;
      n.custom = CustomAttributes(obj, n.type);
      id = NewNode(std::move(n));
    } else if (auto ref = Lookup(type, space)) {
      // {"type": "com.acme.Address"}: a reference written as an object.
      return *ref;
    } else {
      return Fail(pointer + "/type",
                  IsDottedName(type) ? "unknown type name " + Quote(type) : "invalid type name " + Quote(type));
    }
    if (!id) return id;
    if (V lt = obj.Find("logicalType")) {
      if (auto err = ApplyLogicalType(*id, obj, lt, pointer); !err) return std::unexpected(err.error());
    }
    return id;
  }

  // Declares a named type: validates and registers its full name before the
  // body is parsed, so the body may refer to it (recursion).
  template <typename V>
  Result<NodeId> DeclareNamed(Node n, V obj, const std::string& space, const std::string& pointer) {
    V name_v = obj.Find("name");
    if (!name_v) return Fail(pointer, std::string(TypeName(n.type)) + " without \"name\"");
    if (!name_v.IsString()) return Fail(pointer + "/name", "\"name\" must be a string");
    std::string_view name = name_v.Str();
    auto ns = OptString(obj, "namespace", pointer);
    if (!ns) return std::unexpected(ns.error());
    if (name.find('.') != std::string_view::npos) {
      if (!IsDottedName(name)) return Fail(pointer + "/name", "invalid name " + Quote(name));
      std::size_t dot = name.rfind('.');
      n.space = name.substr(0, dot);
      n.name = name.substr(dot + 1);
    } else {
      if (!IsNamePart(name)) return Fail(pointer + "/name", "invalid name " + Quote(name));
      n.name = name;
      if (ns->has_value()) {
        if (!(*ns)->empty() && !IsDottedName(**ns)) {
          return Fail(pointer + "/namespace", "invalid namespace " + Quote(**ns));
        }
        n.space = **ns;
      } else {
        n.space = space;
      }
    }
    n.full_name = n.space.empty() ? n.name : n.space + "." + n.name;
    if (PrimitiveFromName(n.full_name)) {
      return Fail(pointer + "/name", Quote(n.full_name) + " is a primitive type name and cannot name a " +
                                         std::string(TypeName(n.type)));
    }
    if (auto prev = schema_.FindNamedId(n.full_name)) {
      return Fail(pointer + "/name", "duplicate name: " + Quote(n.full_name) + " is already defined at " +
                                         (schema_.nodes_[prev->value].pointer.empty() ? std::string("the root")
                                                                                       : schema_.nodes_[prev->value].pointer));
    }
    auto aliases = ReadAliases(obj, pointer, /*dotted_ok=*/true);
    if (!aliases) return std::unexpected(aliases.error());
    for (std::string& a : *aliases) {
      n.aliases.push_back(a.find('.') != std::string::npos || n.space.empty() ? std::move(a) : n.space + "." + a);
    }
    auto doc = OptString(obj, "doc", pointer);
    if (!doc) return std::unexpected(doc.error());
    if (doc->has_value()) n.doc = **doc;
    n.pointer = pointer;
    n.custom = CustomAttributes(obj, n.type);
    std::string full = n.full_name;
    NodeId id = NewNode(std::move(n));
    schema_.named_.emplace(std::move(full), id);
    return id;
  }

  template <typename V>
  Result<NodeId> ParseRecord(V obj, bool is_error, const std::string& space, const std::string& pointer,
                             std::size_t depth) {
    V fields = obj.Find("fields");
    if (!fields) return Fail(pointer, "record without \"fields\"");
    if (!fields.IsArray()) return Fail(pointer + "/fields", "\"fields\" must be an array");
    Node n;
    n.type = Type::kRecord;
    n.is_error = is_error;
    n.fields.reserve(fields.Size());
    auto id = DeclareNamed(std::move(n), obj, space, pointer);
    if (!id) return id;
    std::string inner_space = schema_.nodes_[id->value].space;
    for (std::size_t i = 0; i < fields.Size(); ++i) {
      V fv = fields.At(i);
      std::string fp = pointer + "/fields/" + std::to_string(i);
      if (!fv.IsObject()) return Fail(fp, "a field must be an object");
      Field f;
      V nv = fv.Find("name");
      if (!nv || !nv.IsString()) return Fail(fp, "field without a string \"name\"");
      if (!IsNamePart(nv.Str())) return Fail(fp + "/name", "invalid field name " + Quote(nv.Str()));
      f.name = nv.Str();
      for (const Field& prev : schema_.nodes_[id->value].fields) {
        if (prev.name == f.name) return Fail(fp + "/name", "duplicate field name " + Quote(f.name));
      }
      V tv = fv.Find("type");
      if (!tv) return Fail(fp, "field " + Quote(f.name) + " without \"type\"");
      auto tid = ParseNode(tv, inner_space, fp + "/type", depth + 1);
      if (!tid) return std::unexpected(tid.error());
      f.type = *tid;
      auto aliases = ReadAliases(fv, fp, /*dotted_ok=*/false);
      if (!aliases) return std::unexpected(aliases.error());
      f.aliases = std::move(*aliases);
      auto doc = OptString(fv, "doc", fp);
      if (!doc) return std::unexpected(doc.error());
      if (doc->has_value()) f.doc = **doc;
      auto order = OptString(fv, "order", fp);
      if (!order) return std::unexpected(order.error());
      if (order->has_value()) {
        if (**order == "ascending") f.order = SortOrder::kAscending;
        else if (**order == "descending") f.order = SortOrder::kDescending;
        else if (**order == "ignore") f.order = SortOrder::kIgnore;
        else return Fail(fp + "/order", "\"order\" must be ascending, descending or ignore");
      }
      if (V dv = fv.Find("default")) {
        f.default_value = dv.ToValue();
        if (!f.default_value) return Fail(fp + "/default", "default too deeply nested", ErrorCode::kLimit);
        pending_defaults_.push_back({*id, i});
      }
      fv.ForEachMember([&](std::string_view key, V value) {
        if (key != "name" && key != "type" && key != "default" && key != "order" && key != "aliases" &&
            key != "doc") {
          if (auto v = value.ToValue()) f.custom.push_back({std::string(key), std::move(*v)});
        }
      });
      f.pointer = std::move(fp);
      schema_.nodes_[id->value].fields.push_back(std::move(f));
    }
    return id;
  }

  template <typename V>
  Result<NodeId> ParseEnum(V obj, const std::string& space, const std::string& pointer) {
    V sv = obj.Find("symbols");
    if (!sv) return Fail(pointer, "enum without \"symbols\"");
    if (!sv.IsArray()) return Fail(pointer + "/symbols", "\"symbols\" must be an array");
    Node n;
    n.type = Type::kEnum;
    n.symbols.reserve(sv.Size());
    for (std::size_t i = 0; i < sv.Size(); ++i) {
      V s = sv.At(i);
      std::string sp = pointer + "/symbols/" + std::to_string(i);
      if (!s.IsString() || !IsNamePart(s.Str())) return Fail(sp, "invalid enum symbol " + ViewJson(s));
      if (std::find(n.symbols.begin(), n.symbols.end(), s.Str()) != n.symbols.end()) {
        return Fail(sp, "duplicate enum symbol " + Quote(s.Str()));
      }
      n.symbols.emplace_back(s.Str());
    }
    if (V dv = obj.Find("default")) {
      if (!dv.IsString() || std::find(n.symbols.begin(), n.symbols.end(), dv.Str()) == n.symbols.end()) {
        return Fail(pointer + "/default", "enum default " + ViewJson(dv) + " is not one of the symbols");
      }
      n.enum_default = std::string(dv.Str());
    }
    return DeclareNamed(std::move(n), obj, space, pointer);
  }

  template <typename V>
  Result<NodeId> ParseFixed(V obj, const std::string& space, const std::string& pointer) {
    V sv = obj.Find("size");
    if (!sv) return Fail(pointer, "fixed without \"size\"");
    if (!ViewIntegerIn(sv, 0, std::numeric_limits<std::int32_t>::max())) {
      return Fail(pointer + "/size", "\"size\" must be a non-negative integer, not " + ViewJson(sv));
    }
    Node n;
    n.type = Type::kFixed;
    n.size = static_cast<std::uint64_t>(sv.ToValue()->AsNumber().AsDouble());
    return DeclareNamed(std::move(n), obj, space, pointer);
  }

  // Sets the node's logical type, or records why it is ignored.
  template <typename V>
  Result<void> ApplyLogicalType(NodeId id, V obj, V lt, const std::string& pointer) {
    Node& n = schema_.nodes_[id.value];
    std::string lpointer = pointer + "/logicalType";
    if (!lt.IsString()) return Ignore(lpointer, "\"logicalType\" must be a string");
    n.logical_type_name = lt.Str();
    std::string_view name = lt.Str();
    struct Simple { std::string_view name; LogicalType type; Type base; };
    static constexpr Simple kSimple[] = {
        {"uuid", LogicalType::kUuid, Type::kString},
        {"date", LogicalType::kDate, Type::kInt},
        {"time-millis", LogicalType::kTimeMillis, Type::kInt},
        {"time-micros", LogicalType::kTimeMicros, Type::kLong},
        {"timestamp-millis", LogicalType::kTimestampMillis, Type::kLong},
        {"timestamp-micros", LogicalType::kTimestampMicros, Type::kLong},
        {"local-timestamp-millis", LogicalType::kLocalTimestampMillis, Type::kLong},
        {"local-timestamp-micros", LogicalType::kLocalTimestampMicros, Type::kLong},
    };
    for (const Simple& s : kSimple) {
      if (name != s.name) continue;
      bool ok = n.type == s.base || (s.type == LogicalType::kUuid && n.type == Type::kFixed && n.size == 16);
      if (!ok) {
        return Ignore(lpointer, "logical type " + Quote(name) + " requires type " + std::string(TypeName(s.base)) +
                                    ", not " + std::string(TypeName(n.type)));
      }
      n.logical_type = s.type;
      return {};
    }
    if (name == "duration") {
      if (n.type != Type::kFixed || n.size != 12) {
        return Ignore(lpointer, "logical type \"duration\" requires a fixed of size 12");
      }
      n.logical_type = LogicalType::kDuration;
      return {};
    }
    if (name == "decimal") {
      if (n.type != Type::kBytes && n.type != Type::kFixed) {
        return Ignore(lpointer, "logical type \"decimal\" requires bytes or fixed, not " +
                                    std::string(TypeName(n.type)));
      }
      V pv = obj.Find("precision");
      V sv = obj.Find("scale");
      if (!pv || !ViewIntegerIn(pv, 1, std::numeric_limits<std::int32_t>::max())) {
        return Ignore(pointer + "/precision", "decimal \"precision\" must be a positive integer");
      }
      if (sv && !ViewIntegerIn(sv, 0, std::numeric_limits<std::int32_t>::max())) {
        return Ignore(pointer + "/scale", "decimal \"scale\" must be a non-negative integer");
      }
      int precision = static_cast<int>(pv.ToValue()->AsNumber().AsDouble());
      int scale = sv ? static_cast<int>(sv.ToValue()->AsNumber().AsDouble()) : 0;
      if (scale > precision) {
        return Ignore(pointer + "/scale", "decimal scale " + std::to_string(scale) + " exceeds precision " +
                                              std::to_string(precision));
      }
      if (n.type == Type::kFixed) {
        // Largest number of base-10 digits a two's complement of `size` bytes holds.
        double max_precision =
            n.size == 0 ? 0 : std::floor(std::log10(2.0) * (8.0 * static_cast<double>(n.size) - 1.0));
        if (precision > max_precision) {
          return Ignore(pointer + "/precision",
                        "decimal precision " + std::to_string(precision) + " does not fit in fixed size " +
                            std::to_string(n.size) + " (max " + std::to_string(static_cast<int>(max_precision)) + ")");
        }
      }
      n.logical_type = LogicalType::kDecimal;
      n.precision = precision;
      n.scale = scale;
      return {};
    }
    schema_.warnings_.push_back(PointerToAvroPath(lpointer) + ": unknown logical type " + Quote(name) + " ignored");
    return {};
  }

  Result<void> Ignore(const std::string& pointer, std::string reason) {
    if (options_.strict_logical_types) return Fail(pointer, std::move(reason));
    schema_.warnings_.push_back(PointerToAvroPath(pointer) + ": " + reason + " (logical type ignored)");
    return {};
  }

  // Field defaults use the JSON encoding except that a union's value is the
  // bare value of its first branch.
  bool ValidDefault(NodeId id, const json::Value& v, std::size_t depth, std::string* reason) {
    if (depth > options_.max_depth) { *reason = "default nested too deeply"; return false; }
    const Node& n = schema_.nodes_[id.value];
    auto expect = [&](bool ok, std::string_view what) {
      if (!ok) *reason = "expected " + std::string(what) + " for type " + std::string(TypeName(n.type));
      return ok;
    };
    switch (n.type) {
      case Type::kNull: return expect(v.IsNull(), "null");
      case Type::kBoolean: return expect(v.IsBool(), "true or false");
      case Type::kInt:
        return expect(IsIntegerIn(v, std::numeric_limits<std::int32_t>::min(),
                                  std::numeric_limits<std::int32_t>::max()),
                      "a 32-bit integer");
      case Type::kLong:
        return expect(IsIntegerIn(v, std::numeric_limits<std::int64_t>::min(),
                                  std::numeric_limits<std::int64_t>::max()),
                      "a 64-bit integer");
      case Type::kFloat:
      case Type::kDouble: return expect(IsFloatValue(v), "a number");
      case Type::kString: return expect(v.IsString(), "a string");
      case Type::kBytes: return expect(ByteStringLength(v).has_value(), "a string of code points 0-255");
      case Type::kFixed: {
        auto len = ByteStringLength(v);
        return expect(len && *len == n.size, "a string of " + std::to_string(n.size) + " code points 0-255");
      }
      case Type::kEnum:
        return expect(v.IsString() && std::find(n.symbols.begin(), n.symbols.end(), v.AsString()) != n.symbols.end(),
                      "one of the enum symbols");
      case Type::kArray:
        if (!expect(v.IsArray(), "an array")) return false;
        for (const json::Value& e : v.AsArray()) if (!ValidDefault(n.items, e, depth + 1, reason)) return false;
        return true;
      case Type::kMap:
        if (!expect(v.IsObject(), "an object")) return false;
        for (const json::Member& m : v.AsObject()) if (!ValidDefault(n.items, m.value, depth + 1, reason)) return false;
        return true;
      case Type::kUnion:
        if (n.branches.empty()) { *reason = "an empty union has no values"; return false; }
        if (!ValidDefault(n.branches[0], v, depth + 1, reason)) {
          *reason += " (a union field's default must match the union's first branch)";
          return false;
        }
        return true;
      case Type::kRecord:
        if (!expect(v.IsObject(), "an object")) return false;
        for (const Field& f : n.fields) {
          const json::Value* fv = v.Find(f.name);
          if (fv == nullptr) {
            if (f.default_value) continue;
            *reason = "record value lacks field " + Quote(f.name) + " which has no default";
            return false;
          }
          if (!ValidDefault(f.type, *fv, depth + 1, reason)) return false;
        }
        return true;
    }
    return false;
  }

  ParseOptions options_;
  Schema schema_;
  std::vector<PendingDefault> pending_defaults_;
  std::string scratch_;
};

Result<Schema> Parse(const json::Value& schema, const ParseOptions& options) {
  Parser parser(options);
  return parser.Run(ValueView(&schema));
}

namespace {

// Depth of a RapidJSON DOM without recursion (bounded by `limit`).
bool WithinDepth(const rapidjson::Value& root, std::size_t limit) {
  std::vector<std::pair<const rapidjson::Value*, std::size_t>> stack{{&root, 1}};
  while (!stack.empty()) {
    auto [v, depth] = stack.back();
    stack.pop_back();
    if (v->IsArray() || v->IsObject()) {
      if (depth > limit) return false;
      if (v->IsArray()) {
        for (const auto& e : v->GetArray()) stack.emplace_back(&e, depth + 1);
      } else {
        for (auto it = v->MemberBegin(); it != v->MemberEnd(); ++it) {
          // Duplicate keys: the slow path reports them.
          for (auto jt = v->MemberBegin(); jt != it; ++jt) {
            if (jt->name == it->name) return false;
          }
          stack.emplace_back(&it->value, depth + 1);
        }
      }
    }
  }
  return true;
}

}  // namespace

Result<Schema> ParseText(std::string_view text, const ParseOptions& options) {
  LoadOptions load;
  load.max_depth = std::max<std::size_t>(options.max_depth * 4 + 8, 64);
  // Fast path: RapidJSON's DOM read directly by the parser. Anything unusual
  // (a syntax error, duplicate keys, a lone surrogate escape, excessive depth
  // or size) goes through the JSON loader, which owns the exact error
  // messages and positions.
  bool maybe_surrogate = text.find("\\u") != std::string_view::npos &&
                         (text.find("\\ud") != std::string_view::npos || text.find("\\uD") != std::string_view::npos);
  if (text.size() <= load.max_bytes && !maybe_surrogate && text.find('\0') == std::string_view::npos) {
    // In-situ parsing over a private copy, with the DOM in a memory pool
    // whose first block lives in a reused per-thread buffer: one schema
    // parse then costs few allocations.
    thread_local std::string buffer;
    thread_local std::vector<char> pool_block(64 * 1024);
    thread_local std::vector<char> stack_block(16 * 1024);
    buffer.assign(text);
    rapidjson::MemoryPoolAllocator<> pool(pool_block.data(), pool_block.size());
    rapidjson::MemoryPoolAllocator<> stack_pool(stack_block.data(), stack_block.size());
    using PoolDocument = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>,
                                                    rapidjson::MemoryPoolAllocator<>>;
    PoolDocument doc(&pool, 1024, &stack_pool);
    constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseFullPrecisionFlag |
                                rapidjson::kParseValidateEncodingFlag;
    doc.ParseInsitu<kFlags>(buffer.data());
    if (!doc.HasParseError() && WithinDepth(doc, load.max_depth)) {
      Parser parser(options);
      parser.ReserveNodes(text.size() / 24 + 8);
      return parser.Run(RapidView(&doc));
    }
  }
  auto loaded = ParseJson(text, {}, load);
  if (!loaded) return std::unexpected(loaded.error());
  return Parse(loaded->root, options);
}

namespace {

bool HasJsonSchemaKeyword(const json::Value& obj) {
  static constexpr std::string_view kKeywords[] = {
      "$schema", "$id", "$ref", "$defs", "definitions", "properties", "required",
      "additionalProperties", "patternProperties", "allOf", "anyOf", "oneOf", "not",
      "const", "enum", "prefixItems", "if", "minimum", "maximum", "pattern", "format"};
  for (auto k : kKeywords) if (obj.Find(k) != nullptr) return true;
  return false;
}

bool LooksLikeAvroDepth(const json::Value& v, int depth) {
  if (depth > 64) return false;
  if (v.IsString()) return PrimitiveFromName(v.AsString()).has_value();
  if (v.IsArray()) {
    if (v.AsArray().empty()) return false;
    for (const json::Value& e : v.AsArray()) {
      if (e.IsString()) continue;  // a primitive or a named reference
      if (!e.IsObject() || !LooksLikeAvroDepth(e, depth + 1)) return false;
    }
    return true;
  }
  if (!v.IsObject() || HasJsonSchemaKeyword(v)) return false;
  const json::Value* t = v.Find("type");
  if (t == nullptr || !t->IsString()) return false;
  const std::string& type = t->AsString();
  if (type == "record" || type == "error" || type == "enum" || type == "fixed" || type == "map") return true;
  if (type == "int" || type == "long" || type == "float" || type == "double" || type == "bytes") return true;
  if (type == "null" || type == "boolean" || type == "string") return v.Find("logicalType") != nullptr;
  if (type == "array") {
    const json::Value* items = v.Find("items");
    if (items == nullptr) return false;
    if (items->IsString()) return true;
    return items->IsObject() && LooksLikeAvroDepth(*items, depth + 1);
  }
  return false;
}

}  // namespace

bool LooksLikeAvro(const json::Value& v) { return LooksLikeAvroDepth(v, 0); }

}  // namespace accord::avro
