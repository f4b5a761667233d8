// Protobuf parsing: limits, libprotobuf's parser, imports through references
// and built-ins, the DescriptorPool build, and the serialized form.
#include <google/protobuf/arena.h>
#include <google/protobuf/compiler/parser.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accord/schemas/budget.h"
#include "accord/schemas/protobuf.h"
#include "accord/schemas/protobuf_descriptors.h"
#include "protobuf_schema.h"

namespace accord::protobuf {

namespace gp = google::protobuf;

namespace {

// ---- built-in files ---------------------------------------------------------------
// Written from the field layout Confluent publishes for its serializers'
// meta options and decimal type.

constexpr std::string_view kConfluentMeta = R"(syntax = "proto3";
package confluent;
import "google/protobuf/descriptor.proto";
option go_package = "../confluent";
option java_package = "io.confluent.protobuf";
option java_outer_classname = "MetaProto";
// Documentation, parameters and tags of a file, message, field, enum or enum value.
message Meta {
  string doc = 1;
  map<string, string> params = 2;
  repeated string tags = 3;
}
extend google.protobuf.FileOptions { Meta file_meta = 1088; }
extend google.protobuf.MessageOptions { Meta message_meta = 1088; }
extend google.protobuf.FieldOptions { Meta field_meta = 1088; }
extend google.protobuf.EnumOptions { Meta enum_meta = 1088; }
extend google.protobuf.EnumValueOptions { Meta enum_value_meta = 1088; }
)";

constexpr std::string_view kConfluentDecimal = R"(syntax = "proto3";
package confluent.type;
option go_package = "../types";
option java_package = "io.confluent.protobuf.type";
option java_outer_classname = "DecimalProto";
option java_multiple_files = false;
// An arbitrary-precision decimal: value is the unscaled integer, two's
// complement, big-endian; the number is value * 10^-scale.
message Decimal {
  bytes value = 1;
  uint32 precision = 2;
  int32 scale = 3;
}
)";

std::optional<std::string_view> BuiltinText(std::string_view name) {
  if (name == "confluent/meta.proto") return kConfluentMeta;
  if (name == "confluent/type/decimal.proto") return kConfluentDecimal;
  return std::nullopt;
}

bool IsWellKnown(std::string_view name) { return name.starts_with("google/protobuf/"); }

// ---- the shared pools of built-in files ---------------------------------------------
// Confluent's files are parsed and built once per process, not once per
// schema that imports them: a Schema's pool is built over the shared pool
// holding the built-in files its files import, directly or not (its
// underlay), whose own underlay is libprotobuf's generated pool (the
// well-known types). One pool per combination (meta, decimal, both), so that
// a schema sees exactly the built-in files it imports, as when they were
// built into its own pool: the `*_meta` extensions are not read into the
// options of a schema that never imported meta.proto (a serialized
// descriptor may carry option bytes at their number), and a confluent.* name
// used without its import is reported as libprotobuf reports it for a
// file in the schema's own pool.

// Bits of the built-in files a schema imports.
enum BuiltinBits : unsigned { kNoBuiltins = 0, kMetaBit = 1, kDecimalBit = 2, kAllBuiltins = 3 };

unsigned BuiltinBit(std::string_view name) {
  if (name == "confluent/meta.proto") return kMetaBit;
  if (name == "confluent/type/decimal.proto") return kDecimalBit;
  return kNoBuiltins;
}

// Parses and builds built-in file `name` into `pool` (Accord's own text:
// it parses and builds; the unit tests hold it to that).
void BuildBuiltin(gp::DescriptorPool& pool, const std::string& name) {
  const std::string_view text = *BuiltinText(name);
  gp::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  gp::io::Tokenizer tokenizer(&input, nullptr);
  gp::compiler::Parser parser;
  gp::FileDescriptorProto proto;
  if (!parser.Parse(&tokenizer, &proto)) return;
  proto.set_name(name);
  proto.clear_source_code_info();
  pool.BuildFile(proto);
}

// The pool a Schema whose files import the built-in files `builtins` (bits)
// is built over. Built on first use, thread-safely, then never changed:
// lookups from many threads (each Schema's builds and reads) need no lock.
const gp::DescriptorPool* UnderlayFor(unsigned builtins) {
  static const auto* const pools = [] {
    auto* out = new std::array<std::unique_ptr<gp::DescriptorPool>, kAllBuiltins + 1>();
    gp::LogSilencer silence;
    for (unsigned bits = kMetaBit; bits <= kAllBuiltins; ++bits) {
      auto pool = std::make_unique<gp::DescriptorPool>(gp::DescriptorPool::generated_pool());
      if ((bits & kMetaBit) != 0) BuildBuiltin(*pool, "confluent/meta.proto");
      if ((bits & kDecimalBit) != 0) BuildBuiltin(*pool, "confluent/type/decimal.proto");
      (*out)[bits] = std::move(pool);
    }
    return out;
  }();
  if (builtins == kNoBuiltins) return gp::DescriptorPool::generated_pool();
  return (*pools)[builtins & kAllBuiltins].get();
}

// ---- pre-scan of the text: size and nesting before libprotobuf sees it -----------

// The position of the first `{` past max_depth, or nullopt. Skips comments
// and string literals (a brace inside them does not nest). Linear; lines and
// columns are counted only for the brace it reports.
std::optional<Position> FirstTooDeep(std::string_view text, int max_depth) {
  const std::size_t n = text.size();
  int depth = 0;
  std::size_t i = 0;
  while (i < n) {
    const char c = text[i];
    switch (c) {
      case '/':
        if (i + 1 < n && text[i + 1] == '/') {
          const std::size_t eol = text.find('\n', i + 2);
          i = eol == std::string_view::npos ? n : eol;
        } else if (i + 1 < n && text[i + 1] == '*') {
          const std::size_t close = text.find("*/", i + 2);
          i = close == std::string_view::npos ? n : close + 2;
        } else {
          ++i;
        }
        break;
      case '"':
      case '\'':
        // To the closing quote or the end of the line, whichever comes first
        // (a backslash escapes the next character, even a newline); both
        // are consumed.
        for (++i; i < n && text[i] != c && text[i] != '\n'; i += text[i] == '\\' ? 2 : 1) {
        }
        ++i;
        break;
      case '{':
      case '<':
      case '[':
        if (++depth > max_depth) {
          const std::string_view before = text.substr(0, i);
          const std::size_t last_newline = before.rfind('\n');
          const auto line = 1 + std::count(before.begin(), before.end(), '\n');
          const std::size_t column =
              last_newline == std::string_view::npos ? i + 1 : i - last_newline;
          return Position{static_cast<int>(line), static_cast<int>(column)};
        }
        ++i;
        break;
      case '}':
      case '>':
      case ']':
        if (depth > 0) --depth;
        ++i;
        break;
      default:
        ++i;
    }
  }
  return std::nullopt;
}

// ---- error collectors ----------------------------------------------------------------

class TextErrors : public gp::io::ErrorCollector {
 public:
  void AddError(int line, gp::io::ColumnNumber column, const std::string& message) override {
    if (!first_) first_ = {Position{line + 1, column + 1}, message};
  }
  void AddWarning(int, gp::io::ColumnNumber, const std::string&) override {}
  bool failed() const { return first_.has_value(); }
  const std::pair<Position, std::string>& first() const { return *first_; }

 private:
  std::optional<std::pair<Position, std::string>> first_;
};

class PoolErrors : public gp::DescriptorPool::ErrorCollector {
 public:
  struct Entry {
    std::string file, element, message;
    const gp::Message* descriptor = nullptr;
    ErrorLocation location = OTHER;
  };
  void AddError(const std::string& filename, const std::string& element_name,
                const gp::Message* descriptor, ErrorLocation location,
                const std::string& message) override {
    if (!first_) first_ = Entry{filename, element_name, message, descriptor, location};
  }
  void AddWarning(const std::string&, const std::string&, const gp::Message*, ErrorLocation,
                  const std::string&) override {}
  const std::optional<Entry>& first() const { return first_; }
  void Clear() { first_.reset(); }

 private:
  std::optional<Entry> first_;
};

// ---- counting (limits on the descriptor, whatever form it came in) ------------------

struct Counts {
  std::size_t types = 0, fields = 0, files = 0;
};

// Counts the types and fields of `m` (and nested ones) into `c`; false with
// `why` set when a limit is passed.
bool CountMessage(const gp::DescriptorProto& m, int depth, const Limits& limits, Counts& c,
                  std::string& why) {
  if (depth > limits.max_depth) {
    why = "message " + m.name() + " is nested deeper than " + std::to_string(limits.max_depth) +
          " levels";
    return false;
  }
  c.types += 1 + static_cast<std::size_t>(m.enum_type_size());
  c.fields += static_cast<std::size_t>(m.field_size() + m.extension_size());
  for (const auto& e : m.enum_type()) c.fields += static_cast<std::size_t>(e.value_size());
  ChargeWork(1 + static_cast<std::uint64_t>(m.field_size()));
  for (const auto& n : m.nested_type()) {
    if (!CountMessage(n, depth + 1, limits, c, why)) return false;
  }
  return true;
}

bool CountFile(const gp::FileDescriptorProto& f, const Limits& limits, Counts& c,
               std::string& why) {
  c.types += static_cast<std::size_t>(f.enum_type_size());
  c.fields += static_cast<std::size_t>(f.extension_size());
  for (const auto& e : f.enum_type()) c.fields += static_cast<std::size_t>(e.value_size());
  for (const auto& s : f.service()) c.fields += static_cast<std::size_t>(s.method_size());
  for (const auto& m : f.message_type()) {
    if (!CountMessage(m, 1, limits, c, why)) return false;
  }
  if (c.types > limits.max_types) {
    why = "more than " + std::to_string(limits.max_types) + " messages and enums";
    return false;
  }
  if (c.fields > limits.max_fields) {
    why = "more than " + std::to_string(limits.max_fields) + " fields and enum values";
    return false;
  }
  return true;
}

// ---- options that cannot be read back -------------------------------------------------

// Custom options are kept by the pool as unknown fields of the options
// message; the canonical text reads them back through the pool. A value the
// pool accepted but that does not read back (a proto3 string option that is
// not UTF-8) would have no canonical spelling: the schema is refused instead.
bool ReadsBack(const gp::Message& options, const gp::DescriptorPool* pool) {
  if (options.GetReflection()->GetUnknownFields(options).empty()) return true;
  const gp::Descriptor* d = pool->FindMessageTypeByName(options.GetDescriptor()->full_name());
  if (d == nullptr) return true;
  gp::DynamicMessageFactory factory;
  std::unique_ptr<gp::Message> m(factory.GetPrototype(d)->New());
  const std::string bytes = options.SerializeAsString();
  gp::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                 static_cast<int>(bytes.size()));
  input.SetExtensionRegistry(pool, &factory);
  return m->ParseFromCodedStream(&input);
}

std::optional<std::string> UnreadableOption(const gp::Descriptor* d) {
  if (!ReadsBack(d->options(), d->file()->pool())) return d->full_name();
  for (int i = 0; i < d->field_count(); ++i) {
    if (!ReadsBack(d->field(i)->options(), d->file()->pool())) return d->field(i)->full_name();
  }
  for (int i = 0; i < d->extension_count(); ++i) {
    if (!ReadsBack(d->extension(i)->options(), d->file()->pool())) {
      return d->extension(i)->full_name();
    }
  }
  for (int i = 0; i < d->oneof_decl_count(); ++i) {
    if (!ReadsBack(d->oneof_decl(i)->options(), d->file()->pool())) {
      return d->oneof_decl(i)->full_name();
    }
  }
  for (int i = 0; i < d->enum_type_count(); ++i) {
    const gp::EnumDescriptor* e = d->enum_type(i);
    if (!ReadsBack(e->options(), e->file()->pool())) return e->full_name();
    for (int j = 0; j < e->value_count(); ++j) {
      if (!ReadsBack(e->value(j)->options(), e->file()->pool())) return e->value(j)->full_name();
    }
  }
  for (int i = 0; i < d->nested_type_count(); ++i) {
    if (auto bad = UnreadableOption(d->nested_type(i))) return bad;
  }
  return std::nullopt;
}

std::optional<std::string> UnreadableOption(const gp::FileDescriptor* f) {
  const gp::DescriptorPool* pool = f->pool();
  if (!ReadsBack(f->options(), pool)) return f->name();
  for (int i = 0; i < f->message_type_count(); ++i) {
    if (auto bad = UnreadableOption(f->message_type(i))) return bad;
  }
  for (int i = 0; i < f->enum_type_count(); ++i) {
    const gp::EnumDescriptor* e = f->enum_type(i);
    if (!ReadsBack(e->options(), pool)) return e->full_name();
    for (int j = 0; j < e->value_count(); ++j) {
      if (!ReadsBack(e->value(j)->options(), pool)) return e->value(j)->full_name();
    }
  }
  for (int i = 0; i < f->extension_count(); ++i) {
    if (!ReadsBack(f->extension(i)->options(), pool)) return f->extension(i)->full_name();
  }
  for (int i = 0; i < f->service_count(); ++i) {
    const gp::ServiceDescriptor* s = f->service(i);
    if (!ReadsBack(s->options(), pool)) return s->full_name();
    for (int j = 0; j < s->method_count(); ++j) {
      if (!ReadsBack(s->method(j)->options(), pool)) return s->method(j)->full_name();
    }
  }
  return std::nullopt;
}

// ---- the build -------------------------------------------------------------------------

Error MakeErr(ErrorCode code, std::string message, std::string file, Position pos = {}) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.file = std::move(file);
  e.position = pos;
  return e;
}

// A block of memory per thread for the arena of the outermost file being
// parsed, so that a parse allocates the FileDescriptorProto's parts from
// memory it already has.
struct BlockLease {
  static constexpr std::size_t kSize = 256 << 10;
  BlockLease() {
    thread_local std::unique_ptr<char[]> t_block;
    thread_local bool t_in_use = false;
    if (t_in_use) return;
    if (!t_block) t_block = std::make_unique<char[]>(kSize);
    t_in_use = true;
    in_use = &t_in_use;
    block = t_block.get();
  }
  ~BlockLease() {
    if (in_use != nullptr) *in_use = false;
  }
  BlockLease(const BlockLease&) = delete;
  BlockLease& operator=(const BlockLease&) = delete;
  bool* in_use = nullptr;
  char* block = nullptr;
};

gp::ArenaOptions ArenaOver(const BlockLease& lease) {
  gp::ArenaOptions o;
  o.initial_block = lease.block;
  o.initial_block_size = lease.block != nullptr ? BlockLease::kSize : 0;
  o.start_block_size = 16 << 10;
  o.max_block_size = 256 << 10;
  return o;
}

// A heap SourceCodeInfo lent to an arena FileDescriptorProto for the length
// of a parse (see ParseProtoText), taken back (and freed) on every way out.
class HeapSourceInfo {
 public:
  explicit HeapSourceInfo(gp::FileDescriptorProto& proto) : proto_(proto) {
    proto_.unsafe_arena_set_allocated_source_code_info(info_.get());
  }
  ~HeapSourceInfo() { proto_.unsafe_arena_release_source_code_info(); }
  HeapSourceInfo(const HeapSourceInfo&) = delete;
  HeapSourceInfo& operator=(const HeapSourceInfo&) = delete;

 private:
  gp::FileDescriptorProto& proto_;
  std::unique_ptr<gp::SourceCodeInfo> info_ = std::make_unique<gp::SourceCodeInfo>();
};

struct ParsedFile {
  // Declared before the arena: the arena is destroyed first.
  std::unique_ptr<BlockLease> lease = std::make_unique<BlockLease>();
  std::unique_ptr<gp::Arena> arena = std::make_unique<gp::Arena>(ArenaOver(*lease));
  // In the arena: the location table below is keyed by the address of the
  // proto and of its parts, so it must not move.
  gp::FileDescriptorProto& proto = *gp::Arena::CreateMessage<gp::FileDescriptorProto>(arena.get());
  // Where each element was written (text only, and only on the pass that
  // looks for an error's position).
  std::unique_ptr<gp::compiler::SourceLocationTable> locations;
};

class Builder {
 public:
  Builder(const ParseOptions& options, bool locations) : options_(options), locations_(locations) {
    for (const Reference& r : options.references) references_.emplace(r.name, &r);
  }

  Result<Schema> BuildMain(std::string_view content, bool serialized) {
    const std::string& name = options_.file_name;
    if (IsWellKnown(name) || BuiltinText(name) || references_.contains(name)) {
      return std::unexpected(MakeErr(ErrorCode::kInvalidSchema,
                                     "the schema's file name \"" + name +
                                         "\" is also an import path (a built-in file or a "
                                         "reference)",
                                     name));
    }
    // Every file is parsed first (which tells the built-in files they
    // import, so which pool to build over), then built, imports first.
    if (auto parsed = Collect(name, content, serialized); !parsed) {
      return std::unexpected(std::move(parsed.error()));
    }
    auto impl = std::make_shared<detail::SchemaImpl>();
    impl->pool = std::make_unique<gp::DescriptorPool>(UnderlayFor(builtins_));
    for (ParsedFile& file : files_) {
      auto built = Build(*impl->pool, file);
      if (!built) return std::unexpected(std::move(built.error()));
      impl->file = *built;  // the main file is collected last
    }
    return detail::SchemaImpl::Wrap(std::move(impl));
  }

  // The main file's imports that neither libprotobuf nor Accord has built
  // in, in order, with their positions (text only).
  Result<std::vector<protobuf::Import>> MainImports(std::string_view content, bool serialized) {
    const std::string& name = options_.file_name;
    auto parsed = serialized ? ParseBinary(name, content) : ParseProtoText(name, content);
    if (!parsed) return std::unexpected(std::move(parsed.error()));
    const ParsedFile& file = *parsed;
    if (static_cast<std::size_t>(file.proto.dependency_size()) > options_.limits.max_files) {
      return std::unexpected(
          MakeErr(ErrorCode::kLimit,
                  "more than " + std::to_string(options_.limits.max_files) + " imports", name));
    }
    std::vector<protobuf::Import> out;
    for (const std::string& dep : file.proto.dependency()) {
      if (IsWellKnown(dep) || BuiltinText(dep)) continue;
      protobuf::Import import{dep, {}};
      int line = -1, column = 0;
      if (file.locations != nullptr &&
          file.locations->FindImport(&file.proto, dep, &line, &column) && line >= 0) {
        import.position = Position{line + 1, column + 1};
      }
      out.push_back(std::move(import));
    }
    return out;
  }

 private:
  // Parses `content` as file `name`, then the files it imports (not the
  // built-in ones: those are noted in builtins_), and appends them to
  // files_, each after the files it imports.
  Result<void> Collect(const std::string& name, std::string_view content, bool serialized) {
    if (++counts_.files > options_.limits.max_files) {
      return std::unexpected(MakeErr(ErrorCode::kLimit,
                                     "more than " + std::to_string(options_.limits.max_files) +
                                         " files (the schema and its imports)",
                                     name));
    }
    auto parsed = serialized ? ParseBinary(name, content) : ParseProtoText(name, content);
    if (!parsed) return std::unexpected(std::move(parsed.error()));
    ParsedFile& file = *parsed;
    file.proto.set_name(name);
    std::string why;
    if (!CountFile(file.proto, options_.limits, counts_, why)) {
      return std::unexpected(MakeErr(ErrorCode::kLimit, why, name));
    }
    if (static_cast<std::size_t>(file.proto.dependency_size()) > options_.limits.max_files) {
      return std::unexpected(
          MakeErr(ErrorCode::kLimit,
                  "more than " + std::to_string(options_.limits.max_files) + " imports", name));
    }
    in_progress_.insert(name);
    for (const std::string& dep : file.proto.dependency()) {
      if (auto r = Import(name, file, dep); !r) return std::unexpected(std::move(r.error()));
    }
    in_progress_.erase(name);
    collected_.insert(name);
    files_.push_back(std::move(file));
    return {};
  }

  // Builds one collected file into `pool` (its imports are built already).
  Result<const gp::FileDescriptor*> Build(gp::DescriptorPool& pool, const ParsedFile& file) {
    const std::string& name = file.proto.name();
    PoolErrors errors;
    const gp::FileDescriptor* built = pool.BuildFileCollectingErrors(file.proto, &errors);
    if (built == nullptr) {
      Error e = MakeErr(ErrorCode::kInvalidSchema, "invalid schema", name);
      if (const auto& first = errors.first()) {
        e.message =
            first->element.empty() ? first->message : first->element + ": " + first->message;
        if (file.locations != nullptr && first->descriptor != nullptr) {
          int line = -1, column = 0;
          if (file.locations->Find(first->descriptor, first->location, &line, &column) &&
              line >= 0) {
            e.position = Position{line + 1, column + 1};
          }
        }
      }
      return std::unexpected(std::move(e));
    }
    if (auto bad = UnreadableOption(built)) {
      return std::unexpected(MakeErr(ErrorCode::kInvalidSchema,
                                     *bad + ": an option value cannot be read back through its "
                                            "definition (a string that is not UTF-8?)",
                                     name));
    }
    return built;
  }

  Result<void> Import(const std::string& importer, const ParsedFile& file, const std::string& dep) {
    auto not_found = [&](ErrorCode code, std::string message) {
      Error e = MakeErr(code, std::move(message), importer);
      int line = -1, column = 0;
      if (file.locations != nullptr &&
          file.locations->FindImport(&file.proto, dep, &line, &column) && line >= 0) {
        e.position = Position{line + 1, column + 1};
      }
      return std::unexpected(std::move(e));
    };
    if (in_progress_.contains(dep)) {
      return not_found(
          ErrorCode::kInvalidSchema,
          "import \"" + dep + "\" is a cycle (it imports, directly or not, \"" + importer + "\")");
    }
    if (collected_.contains(dep)) return {};
    if (gp::DescriptorPool::generated_pool()->FindFileByName(dep) != nullptr) {
      // Compiled into libprotobuf: the well-known types (a reference of
      // such a name is that file too); nothing else may be imported from there.
      if (IsWellKnown(dep) || references_.contains(dep)) return {};
      return not_found(ErrorCode::kNotFound, "import \"" + dep + "\" not found");
    }
    if (const unsigned bit = BuiltinBit(dep); bit != kNoBuiltins) {
      builtins_ |= bit;
      return {};
    }
    auto it = references_.find(dep);
    if (it == references_.end()) {
      return not_found(ErrorCode::kNotFound,
                       "import \"" + dep +
                           "\" not found: not a well-known type, not built in, and no "
                           "reference has that name");
    }
    const std::string& content = it->second->schema;
    return Collect(dep, content, LooksSerialized(content));
  }

  Result<ParsedFile> ParseProtoText(const std::string& name, std::string_view text) {
    const Limits& limits = options_.limits;
    if (text.size() > limits.max_text_bytes) {
      return std::unexpected(MakeErr(
          ErrorCode::kLimit,
          "the text is larger than " + std::to_string(limits.max_text_bytes) + " bytes", name));
    }
    ChargeWork(1 + text.size() / 64);
    if (auto deep = FirstTooDeep(text, limits.max_depth)) {
      return std::unexpected(MakeErr(
          ErrorCode::kLimit, "nesting deeper than " + std::to_string(limits.max_depth) + " levels",
          name, *deep));
    }
    ParsedFile out;
    gp::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
    TextErrors errors;
    gp::io::Tokenizer tokenizer(&input, &errors);
    gp::compiler::Parser parser;
    parser.RecordErrorsTo(&errors);
    parser.SetRequireSyntaxIdentifier(false);
    if (locations_) {
      out.locations = std::make_unique<gp::compiler::SourceLocationTable>();
      parser.RecordSourceLocationsTo(out.locations.get());
    }
    // The parser records every element's location into a SourceCodeInfo of
    // its own (on the heap) and at the end swaps it into the file's. Were the
    // file's in the arena, the swap would copy it there, element by element;
    // a heap one of ours takes it by a pointer swap, and is dropped below.
    HeapSourceInfo source_info(out.proto);
    const bool ok = parser.Parse(&tokenizer, &out.proto);
    if (!ok || errors.failed()) {
      if (!errors.failed()) {
        return std::unexpected(MakeErr(ErrorCode::kSyntax, "syntax error", name));
      }
      return std::unexpected(
          MakeErr(ErrorCode::kSyntax, errors.first().second, name, errors.first().first));
    }
    // (The schema needs no source info: errors use the location table above.)
    return out;
  }

  Result<ParsedFile> ParseBinary(const std::string& name, std::string_view base64) {
    const Limits& limits = options_.limits;
    if (base64.size() / 4 * 3 > limits.max_text_bytes) {
      return std::unexpected(MakeErr(
          ErrorCode::kLimit,
          "the descriptor is larger than " + std::to_string(limits.max_text_bytes) + " bytes",
          name));
    }
    std::string bytes;
    if (!detail::Base64Decode(base64, bytes)) {
      return std::unexpected(
          MakeErr(ErrorCode::kSyntax, "not valid base64 (a serialized FileDescriptorProto)", name));
    }
    ChargeWork(1 + bytes.size() / 64);
    ParsedFile out;
    gp::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                   static_cast<int>(bytes.size()));
    // Each level of message nesting is two levels of the wire format
    // (DescriptorProto inside DescriptorProto.nested_type), plus the
    // options inside.
    input.SetRecursionLimit(2 * limits.max_depth + 8);
    if (!out.proto.ParseFromCodedStream(&input) || !input.ConsumedEntireMessage()) {
      return std::unexpected(MakeErr(ErrorCode::kSyntax,
                                     "not a serialized FileDescriptorProto (or nested deeper "
                                     "than the limit)",
                                     name));
    }
    // Source info is not part of the schema, and libprotobuf trusts its paths.
    out.proto.clear_source_code_info();
    return out;
  }

  const ParseOptions& options_;
  const bool locations_;
  std::map<std::string, const Reference*, std::less<>> references_;
  std::set<std::string, std::less<>> in_progress_;
  std::set<std::string, std::less<>> collected_;
  std::vector<ParsedFile> files_;  // imports before their importers; the main file last
  unsigned builtins_ = kNoBuiltins;
  Counts counts_;
};

Result<Schema> ParseAny(std::string_view content, bool serialized, const ParseOptions& options) {
  // libprotobuf logs (to stderr) what it also reports to our collectors.
  gp::LogSilencer silence;
  auto attempt = [&](bool locations) -> Result<Schema> {
    try {
      Builder builder(options, locations);
      return builder.BuildMain(content, serialized);
    } catch (const gp::FatalException& e) {
      // A fatal check libprotobuf reached on this input: it is bad input,
      // not a reason for the process to die.
      return std::unexpected(
          MakeErr(ErrorCode::kInvalidSchema,
                  std::string("the schema made libprotobuf stop (") + e.message() + ")",
                  options.file_name));
    }
  };
  auto result = attempt(false);
  // The pool reports an error without its position: parse again, recording
  // where every element is written (costly, so only when needed).
  if (!result && result.error().position.line == 0 &&
      (result.error().code == ErrorCode::kInvalidSchema ||
       result.error().code == ErrorCode::kNotFound)) {
    auto again = attempt(true);
    if (!again) return again;
  }
  return result;
}

}  // namespace

Result<std::vector<Import>> ListImports(std::string_view text_or_base64,
                                        const ParseOptions& options) {
  gp::LogSilencer silence;
  try {
    Builder builder(options, true);
    return builder.MainImports(text_or_base64, LooksSerialized(text_or_base64));
  } catch (const gp::FatalException& e) {
    return std::unexpected(MakeErr(
        ErrorCode::kInvalidSchema,
        std::string("the schema made libprotobuf stop (") + e.message() + ")", options.file_name));
  }
}

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int Sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

}  // namespace

namespace detail {

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t v = (static_cast<std::uint8_t>(bytes[i]) << 16) |
                            (static_cast<std::uint8_t>(bytes[i + 1]) << 8) |
                            static_cast<std::uint8_t>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < bytes.size()) {
    std::uint32_t v = static_cast<std::uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<std::uint8_t>(bytes[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

bool Base64Decode(std::string_view text, std::string& out) {
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  if (text.size() % 4 == 1) return false;
  out.clear();
  out.reserve(text.size() / 4 * 3 + 2);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const int s = Sextet(c);
    if (s < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(s);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return true;
}

}  // namespace detail

bool LooksSerialized(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (Sextet(c) < 0 && c != '=') return false;
  }
  return true;
}

Result<Schema> ParseText(std::string_view text, const ParseOptions& options) {
  return ParseAny(text, false, options);
}

Result<Schema> ParseSerialized(std::string_view base64, const ParseOptions& options) {
  return ParseAny(base64, true, options);
}

Result<Schema> Parse(std::string_view text_or_base64, const ParseOptions& options) {
  return ParseAny(text_or_base64, LooksSerialized(text_or_base64), options);
}

std::string Serialized(const Schema& schema) {
  // libprotobuf logs names that are not UTF-8 (a .proto may spell any bytes
  // in a json_name); the bytes are kept as written.
  gp::LogSilencer silence;
  gp::FileDescriptorProto proto;
  schema.impl().file->CopyTo(&proto);
  std::string bytes;
  proto.SerializeToString(&bytes);
  return detail::Base64Encode(bytes);
}

const gp::FileDescriptor* FileOf(const Schema& schema) { return schema.impl().file; }
const gp::DescriptorPool* PoolOf(const Schema& schema) { return schema.impl().pool.get(); }

std::string_view Schema::file_name() const { return impl_->file->name(); }
std::string_view Schema::package() const { return impl_->file->package(); }
std::string_view Schema::syntax() const {
  return impl_->file->syntax() == gp::FileDescriptor::SYNTAX_PROTO3 ? "proto3" : "proto2";
}

namespace {
void CollectNames(const gp::Descriptor* d, std::vector<std::string>& out) {
  if (d->options().map_entry()) return;
  out.push_back(d->full_name());
  for (int i = 0; i < d->nested_type_count(); ++i) CollectNames(d->nested_type(i), out);
}
}  // namespace

std::vector<std::string> Schema::MessageNames() const {
  std::vector<std::string> out;
  for (int i = 0; i < impl_->file->message_type_count(); ++i) {
    CollectNames(impl_->file->message_type(i), out);
  }
  return out;
}

std::string Schema::DefaultMessage() const {
  return impl_->file->message_type_count() > 0 ? impl_->file->message_type(0)->full_name()
                                               : std::string();
}

std::vector<std::string> Schema::Imports() const {
  std::vector<std::string> out;
  for (int i = 0; i < impl_->file->dependency_count(); ++i) {
    out.push_back(impl_->file->dependency(i)->name());
  }
  return out;
}

bool LooksLikeProtobuf(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
      ++i;
    } else if (text.substr(i, 2) == "//") {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (text.substr(i, 2) == "/*") {
      const std::size_t end = text.find("*/", i + 2);
      if (end == std::string_view::npos) return false;
      i = end + 2;
    } else {
      break;
    }
  }
  const std::string_view rest = text.substr(i);
  for (std::string_view kw :
       {"syntax", "package", "import", "option", "message", "enum", "service"}) {
    if (rest.starts_with(kw)) {
      if (rest.size() == kw.size()) return false;
      const char next = rest[kw.size()];
      const bool ident = (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') ||
                         (next >= '0' && next <= '9') || next == '_';
      return !ident;
    }
  }
  return false;
}

}  // namespace accord::protobuf
