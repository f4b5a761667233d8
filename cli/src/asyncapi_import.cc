#include "asyncapi_import.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <utility>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"

namespace accord::cli {
namespace {

namespace fs = std::filesystem;

// A file read: the document, or one a $ref names.
struct Source {
  std::string file;  // as errors name it
  std::string dir;   // relative $refs in it are joined to this
  std::shared_ptr<const Document> doc;
};

// A value of a read file, and where it is.
struct Node {
  const Source* src = nullptr;
  std::string pointer;
  const json::Value* value = nullptr;  // null: absent
  explicit operator bool() const { return value != nullptr; }
  const json::Value& operator*() const { return *value; }
  const json::Value* operator->() const { return value; }
};

std::string_view LastToken(std::string_view pointer) {
  const std::size_t slash = pointer.rfind('/');
  return slash == std::string_view::npos ? pointer : pointer.substr(slash + 1);
}

// "~1" and "~0" decoded (a pointer token back to the key).
std::string Unescape(std::string_view token) {
  std::string out;
  for (std::size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '~' && i + 1 < token.size() && (token[i + 1] == '0' || token[i + 1] == '1')) {
      out += token[i + 1] == '0' ? '~' : '/';
      ++i;
    } else {
      out += token[i];
    }
  }
  return out;
}

// The dotted place of a pointer in messages: "/operations/send~1x/action" ->
// "operations.send/x.action".
std::string Place(std::string_view pointer) {
  if (pointer.empty()) return "(document)";
  std::string out;
  std::size_t start = 1;
  while (start <= pointer.size()) {
    std::size_t end = pointer.find('/', start);
    if (end == std::string_view::npos) end = pointer.size();
    if (!out.empty()) out += '.';
    out += Unescape(pointer.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// %XX decoded (a URI fragment); nullopt for a malformed escape.
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size() || hex(s[i + 1]) < 0 || hex(s[i + 2]) < 0) return std::nullopt;
    out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
    i += 2;
  }
  return out;
}

// The schema format of a media type (parameters and case ignored); nullopt
// for a format accord does not read.
std::optional<SchemaType> FormatType(std::string_view media) {
  std::string m(media.substr(0, media.find(';')));
  while (!m.empty() && m.back() == ' ') m.pop_back();
  std::transform(m.begin(), m.end(), m.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (m == "application/vnd.aai.asyncapi" || m == "application/vnd.aai.asyncapi+json" ||
      m == "application/vnd.aai.asyncapi+yaml" || m == "application/schema+json" ||
      m == "application/schema+yaml") {
    return SchemaType::kJson;
  }
  if (m == "application/vnd.apache.avro" || m == "application/vnd.apache.avro+json" ||
      m == "application/vnd.apache.avro+yaml") {
    return SchemaType::kAvro;
  }
  if (m == "application/vnd.google.protobuf") return SchemaType::kProtobuf;
  return std::nullopt;
}

// Whether a copied value keeps the $refs in it (example events are data)
// or has each replaced by what it names (schemas).
enum class Refs : std::uint8_t { kKeep, kExpand };

// One operation's side of the contract, as read from either version.
struct Operation {
  Node site;           // the operation (its position is the entry's line)
  std::string origin;  // "operations.ID" / "channels.NAME.subscribe"
  bool v3 = false;     // AsyncAPI 3.x (else 2.x): where a payload's schema format is written
  bool produces = false;
  Node channel;
  std::string channel_name;  // 2.x key / 3.0 id: the last resort for the topic
  std::vector<std::pair<std::string, Node>> messages;  // (name, message)
};

class Importer {
 public:
  Importer(const AsyncApiLimits& limits, std::string root)
      : limits_(limits), root_(std::move(root)) {}

  Result<AsyncApiContracts> Run(std::string_view text, const std::string& file) {
    LoadOptions options;
    options.record_positions = true;
    options.max_bytes = limits_.max_file_bytes;
    auto doc = Parse(text, file, Syntax::kAuto, options);
    if (!doc) return std::unexpected(doc.error());
    const Source* main = Add(file, std::move(*doc));
    std::error_code ec;
    by_path_.emplace(fs::weakly_canonical(file, ec).string(), main);
    const Node root{main, "", &main->doc->root};
    if (!root->IsObject()) return Fail(root, "must be a mapping (an AsyncAPI document)");
    const json::Value* version = root->Find("asyncapi");
    if (version == nullptr || !version->IsString()) {
      return Fail(root, "is not an AsyncAPI document: 'asyncapi: 3.0.0' (or 2.x) is missing");
    }
    const std::string& v = version->AsString();
    const bool v3 = v.starts_with("3.0") || v.starts_with("3.1");
    if (!v3 && !v.starts_with("2.")) {
      return Fail(Child(root, "asyncapi"),
                  "AsyncAPI version '" + v + "' is not read (2.0 to 2.6, 3.0, 3.1)");
    }
    AsyncApiContracts out;
    if (auto info = Object(root, "info"); !info) {
      return std::unexpected(info.error());
    } else if (*info) {
      auto service = String(*info, "x-accord-service");
      if (!service) return std::unexpected(service.error());
      out.service = service->value_or("");
      auto owner = String(*info, "x-accord-owner");
      if (!owner) return std::unexpected(owner.error());
      out.owner = owner->value_or("");
    }
    auto operations = v3 ? Operations3(root) : Operations2(root);
    if (!operations) return std::unexpected(operations.error());
    for (const Operation& op : *operations) {
      for (const auto& [name, message] : op.messages) {
        auto added = Entry(op, name, message, out);
        if (!added) return std::unexpected(added.error());
      }
    }
    return out;
  }

 private:
  std::unexpected<Error> Fail(const Node& at, std::string message,
                              ErrorCode code = ErrorCode::kInvalidSchema) const {
    Error e;
    e.code = code;
    e.file = at.src->file;
    e.position = at.src->doc->PositionOf(at.pointer);
    e.message = Place(at.pointer) + ": " + std::move(message);
    return std::unexpected(std::move(e));
  }

  const Source* Add(const std::string& file, Document doc) {
    auto src = std::make_unique<Source>();
    src->file = file;
    src->dir = fs::path(file).parent_path().string();
    src->doc = std::make_shared<const Document>(std::move(doc));
    sources_.push_back(std::move(src));
    return sources_.back().get();
  }

  static Node Child(const Node& n, std::string_view key) {
    Node c{n.src, n.pointer + "/" + json::EscapeToken(key), nullptr};
    if (n && n->IsObject()) c.value = n->Find(key);
    return c;
  }

  static Node Item(const Node& n, std::size_t i) {
    return Node{n.src, n.pointer + "/" + std::to_string(i), &n->AsArray()[i]};
  }

  // A file a $ref names, read once. `site` is the $ref.
  Result<const Source*> LoadFile(const Node& site, const std::string& ref,
                                 const std::string& relative) {
    if (relative.find("://") != std::string::npos || relative.starts_with("//") ||
        relative.starts_with("urn:")) {
      return Fail(site, "$ref '" + ref +
                            "': only references within the document or to local "
                            "files are followed, not URLs");
    }
    auto decoded = PercentDecode(relative);
    if (!decoded || decoded->empty() || fs::path(*decoded).is_absolute()) {
      return Fail(site, "$ref '" + ref + "': a file is named by a relative path");
    }
    const fs::path joined = (fs::path(site.src->dir) / *decoded).lexically_normal();
    // Inside the root, by name and after symlinks.
    std::error_code ec;
    const fs::path root = fs::weakly_canonical(root_.empty() ? "." : root_, ec);
    const fs::path real = fs::weakly_canonical(joined, ec);
    const fs::path rel = real.lexically_relative(root);
    if (ec || rel.empty() || *rel.begin() == "..") {
      return Fail(site, "$ref '" + ref + "': " + joined.string() +
                            " is outside the contract's folder " +
                            (root_.empty() ? std::string(".") : root_));
    }
    const std::string key = real.string();
    if (auto it = by_path_.find(key); it != by_path_.end()) return it->second;
    if (by_path_.size() >= limits_.max_files) {
      return Fail(site,
                  "$ref '" + ref + "': more than " + std::to_string(limits_.max_files) +
                      " files referenced",
                  ErrorCode::kLimit);
    }
    auto text = ReadFile(joined.string(), limits_.max_file_bytes);
    if (!text) {
      Error e = text.error();
      return Fail(site, "$ref '" + ref + "': " + joined.string() + ": " + e.message, e.code);
    }
    LoadOptions options;
    options.record_positions = true;
    options.max_bytes = limits_.max_file_bytes;
    auto doc = Parse(*text, joined.string(), Syntax::kAuto, options);
    if (!doc) return std::unexpected(doc.error());
    const Source* src = Add(joined.string(), std::move(*doc));
    by_path_.emplace(key, src);
    return src;
  }

  // What the $ref at `site` (an object with a string "$ref") names.
  Result<Node> Follow(const Node& site) {
    const Node at = Child(site, "$ref");
    if (++refs_ > limits_.max_refs) {
      return Fail(at, "more than " + std::to_string(limits_.max_refs) + " $refs followed",
                  ErrorCode::kLimit);
    }
    const std::string& ref = at->AsString();
    const std::size_t hash = ref.find('#');
    const std::string path = ref.substr(0, hash);
    auto fragment = PercentDecode(hash == std::string::npos ? "" : ref.substr(hash + 1));
    if (!fragment || (!fragment->empty() && fragment->front() != '/')) {
      return Fail(at, "$ref '" + ref + "': the part after '#' must be a JSON pointer");
    }
    const Source* src = site.src;
    if (!path.empty()) {
      auto loaded = LoadFile(at, ref, path);
      if (!loaded) return std::unexpected(loaded.error());
      src = *loaded;
    }
    const json::Value* target = json::Resolve(src->doc->root, *fragment);
    if (target == nullptr) {
      return Fail(at,
                  "$ref '" + ref + "': " + src->file + " has no value at '" +
                      (fragment->empty() ? std::string("/") : *fragment) + "'",
                  ErrorCode::kNotFound);
    }
    return Node{src, *fragment, target};
  }

  static bool IsRef(const Node& n) {
    if (!n || !n->IsObject()) return false;
    const json::Value* ref = n->Find("$ref");
    return ref != nullptr && ref->IsString();
  }

  // `n`, its $refs followed until a value that is not one.
  Result<Node> Resolve(Node n) {
    std::vector<std::pair<const Source*, std::string>> seen;
    while (IsRef(n)) {
      seen.emplace_back(n.src, n.pointer);
      if (seen.size() > limits_.max_ref_depth) {
        return Fail(n, "$refs nested deeper than " + std::to_string(limits_.max_ref_depth),
                    ErrorCode::kLimit);
      }
      auto next = Follow(n);
      if (!next) return next;
      if (std::find(seen.begin(), seen.end(), std::pair(next->src, next->pointer)) != seen.end()) {
        return Fail(Child(n, "$ref"), "$ref cycle: it names itself through other $refs");
      }
      n = std::move(*next);
    }
    return n;
  }

  // The member `key` of `obj`, resolved; absent gives a null value.
  Result<Node> Member(const Node& obj, std::string_view key) {
    Node c = Child(obj, key);
    if (!c) return c;
    return Resolve(std::move(c));
  }

  // An optional member that must be a mapping (resolved).
  Result<Node> Object(const Node& obj, std::string_view key) {
    auto c = Member(obj, key);
    if (!c || !*c) return c;
    if (!(*c)->IsObject()) {
      return Fail(*c, "must be a mapping, not " + std::string(json::KindName((*c)->kind())));
    }
    return c;
  }

  // An optional string member.
  Result<std::optional<std::string>> String(const Node& obj, std::string_view key) const {
    const Node c = Child(obj, key);
    if (!c) return std::optional<std::string>();
    if (!c->IsString() || c->AsString().empty()) {
      return Fail(c, "must be a non-empty string");
    }
    return std::optional<std::string>(c->AsString());
  }

  // --- operations -----------------------------------------------------------

  // The id of a channel or message reached through `n`: its key when it is a
  // member of a mapping ("#/channels/orders" -> "orders").
  static std::string IdOf(const Node& n) { return Unescape(LastToken(n.pointer)); }

  Result<std::vector<Operation>> Operations3(const Node& root) {
    std::vector<Operation> out;
    auto operations = Object(root, "operations");
    if (!operations) return std::unexpected(operations.error());
    if (!*operations) return out;
    for (const json::Member& m : (*operations)->AsObject()) {
      auto op = Resolve(Child(*operations, m.key));
      if (!op) return std::unexpected(op.error());
      if (!(*op)->IsObject()) return Fail(*op, "an operation is a mapping");
      Operation o;
      o.site = Child(*operations, m.key);
      o.origin = "operations." + m.key;
      o.v3 = true;
      auto action = String(*op, "action");
      if (!action) return std::unexpected(action.error());
      if (!*action || (**action != "send" && **action != "receive")) {
        return Fail(*action ? Child(*op, "action") : *op,
                    *action ? "action must be send or receive, not '" + **action + "'"
                            : "action (send or receive) is required");
      }
      o.produces = **action == "send";
      auto channel = Object(*op, "channel");
      if (!channel) return std::unexpected(channel.error());
      if (!*channel) return Fail(*op, "channel is required");
      o.channel = *channel;
      o.channel_name = IdOf(*channel);
      const Node listed = Child(*op, "messages");
      if (listed) {
        if (!listed->IsArray()) return Fail(listed, "must be a list of $refs to messages");
        for (std::size_t i = 0; i < listed->AsArray().size(); ++i) {
          auto message = Resolve(Item(listed, i));
          if (!message) return std::unexpected(message.error());
          o.messages.emplace_back(IdOf(*message), *message);
        }
      } else {
        auto messages = Object(*channel, "messages");
        if (!messages) return std::unexpected(messages.error());
        if (*messages) {
          for (const json::Member& mm : (*messages)->AsObject()) {
            auto message = Resolve(Child(*messages, mm.key));
            if (!message) return std::unexpected(message.error());
            o.messages.emplace_back(mm.key, *message);
          }
        }
      }
      if (o.messages.empty()) return Fail(o.site, "the operation has no message");
      out.push_back(std::move(o));
    }
    return out;
  }

  Result<std::vector<Operation>> Operations2(const Node& root) {
    std::vector<Operation> out;
    auto channels = Object(root, "channels");
    if (!channels) return std::unexpected(channels.error());
    if (!*channels) return out;
    for (const json::Member& m : (*channels)->AsObject()) {
      auto channel = Resolve(Child(*channels, m.key));
      if (!channel) return std::unexpected(channel.error());
      if (!(*channel)->IsObject()) return Fail(*channel, "a channel is a mapping");
      // subscribe: the application sends; publish: it receives (2.x wording).
      for (const char* action : {"subscribe", "publish"}) {
        auto op = Object(*channel, action);
        if (!op) return std::unexpected(op.error());
        if (!*op) continue;
        Operation o;
        o.site = Child(*channel, action);
        o.origin = "channels." + m.key + "." + action;
        o.produces = std::string_view(action) == "subscribe";
        o.channel = *channel;
        o.channel_name = m.key;
        auto message = Object(*op, "message");
        if (!message) return std::unexpected(message.error());
        if (!*message) return Fail(*op, "message is required");
        const Node one_of = Child(*message, "oneOf");
        if (one_of) {
          if (!one_of->IsArray() || one_of->AsArray().empty()) {
            return Fail(one_of, "must be a non-empty list of messages");
          }
          for (std::size_t i = 0; i < one_of->AsArray().size(); ++i) {
            auto each = Resolve(Item(one_of, i));
            if (!each) return std::unexpected(each.error());
            o.messages.emplace_back(MessageName2(*each, i), *each);
          }
        } else {
          o.messages.emplace_back(MessageName2(*message, 0), *message);
        }
        out.push_back(std::move(o));
      }
    }
    return out;
  }

  // A 2.x message's name for messages: `name`, `messageId`, its key under
  // components.messages, else its place in `oneOf`.
  static std::string MessageName2(const Node& message, std::size_t i) {
    for (const char* key : {"name", "messageId"}) {
      const json::Value* v = message->IsObject() ? message->Find(key) : nullptr;
      if (v != nullptr && v->IsString() && !v->AsString().empty()) return v->AsString();
    }
    if (message.pointer.find("/messages/") != std::string::npos) return IdOf(message);
    return "#" + std::to_string(i);
  }

  // --- entries ----------------------------------------------------------------

  Result<std::string> Subject(const Operation& op, const Node& message) {
    auto own = String(message, "x-accord-subject");
    if (!own) return std::unexpected(own.error());
    if (*own) return **own;
    auto channel = String(op.channel, "x-accord-subject");
    if (!channel) return std::unexpected(channel.error());
    if (*channel) return **channel;
    std::string topic = op.channel_name;
    Node from = op.channel;
    auto bindings = Object(op.channel, "bindings");
    if (!bindings) return std::unexpected(bindings.error());
    auto kafka = *bindings ? Object(*bindings, "kafka") : Result<Node>(Node{});
    if (!kafka) return std::unexpected(kafka.error());
    auto bound = *kafka ? String(*kafka, "topic") : Result<std::optional<std::string>>();
    if (!bound) return std::unexpected(bound.error());
    if (*bound) {
      topic = **bound;
      from = Child(*kafka, "topic");
    } else if (const Node address = Child(op.channel, "address");
               address && address->IsString() && !address->AsString().empty()) {
      topic = address->AsString();
      from = address;
    }
    if (topic.find('{') != std::string::npos) {
      return Fail(from, "the topic '" + topic +
                            "' has parameters: name the topic in bindings.kafka.topic or the "
                            "subject in x-accord-subject");
    }
    return topic + "-value";
  }

  // A copy of the value at `n` as a document of its own whose positions are
  // those of `n`'s file; with Refs::kExpand, every $ref in it replaced by what it
  // names (checked for cycles).
  Result<std::shared_ptr<const Document>> Copy(const Node& n, Refs refs) {
    Document doc;
    doc.file = n.src->file;
    std::string pointer;
    std::vector<std::pair<const Source*, std::string>> stack;
    auto value = CopyValue(n, n.src, pointer, doc.positions, 0, stack, refs);
    if (!value) return std::unexpected(value.error());
    doc.root = std::move(*value);
    return std::make_shared<const Document>(std::move(doc));
  }

  Result<json::Value> CopyValue(const Node& n, const Source* out, std::string& pointer,
                                SourceMap& positions, std::size_t depth,
                                std::vector<std::pair<const Source*, std::string>>& stack,
                                Refs refs) {
    if (++nodes_ > limits_.max_nodes) {
      return Fail(n,
                  "schemas and examples expand to more than " + std::to_string(limits_.max_nodes) +
                      " values",
                  ErrorCode::kLimit);
    }
    if (depth > limits_.max_depth) {
      return Fail(n, "nested deeper than " + std::to_string(limits_.max_depth), ErrorCode::kLimit);
    }
    if (n.src == out) {
      if (auto it = n.src->doc->positions.find(n.pointer); it != n.src->doc->positions.end()) {
        positions[pointer] = it->second;
      }
    }
    if (refs == Refs::kExpand && IsRef(n)) {
      if (stack.size() >= limits_.max_ref_depth) {
        return Fail(n, "$refs nested deeper than " + std::to_string(limits_.max_ref_depth),
                    ErrorCode::kLimit);
      }
      auto target = Follow(n);
      if (!target) return std::unexpected(target.error());
      const std::pair<const Source*, std::string> key(target->src, target->pointer);
      if (std::find(stack.begin(), stack.end(), key) != stack.end()) {
        return Fail(Child(n, "$ref"),
                    "$ref cycle: '" + Child(n, "$ref")->AsString() +
                        "' is inside what it names (a recursive schema cannot be inlined)");
      }
      stack.push_back(key);
      auto value = CopyValue(*target, out, pointer, positions, depth, stack, refs);
      stack.pop_back();
      return value;
    }
    if (n->IsObject()) {
      json::Object members;
      members.reserve(n->AsObject().size());
      for (const json::Member& m : n->AsObject()) {
        const std::size_t mark = pointer.size();
        pointer += "/" + json::EscapeToken(m.key);
        auto v = CopyValue(Child(n, m.key), out, pointer, positions, depth + 1, stack, refs);
        pointer.resize(mark);
        if (!v) return v;
        members.push_back(json::Member{m.key, std::move(*v)});
      }
      return json::Value(std::move(members));
    }
    if (n->IsArray()) {
      json::Array items;
      items.reserve(n->AsArray().size());
      for (std::size_t i = 0; i < n->AsArray().size(); ++i) {
        const std::size_t mark = pointer.size();
        pointer += "/" + std::to_string(i);
        auto v = CopyValue(Item(n, i), out, pointer, positions, depth + 1, stack, refs);
        pointer.resize(mark);
        if (!v) return v;
        items.push_back(std::move(*v));
      }
      return json::Value(std::move(items));
    }
    return *n;
  }

  // The schema of `message` on `op`: 3.0 writes the format in the payload,
  // 2.x beside it.
  Result<EntrySchema> Payload(const Operation& op, const Node& message) {
    auto payload = Member(message, "payload");
    if (!payload) return std::unexpected(payload.error());
    if (!*payload) return Fail(message, "the message has no payload (its schema)");
    Node schema = *payload;
    std::optional<std::string> format;
    Node format_at = Child(message, "schemaFormat");
    if (op.v3) {
      // A multi-format schema object carries its format; a plain payload is
      // an AsyncAPI schema.
      if ((*payload)->IsObject() && (*payload)->Find("schemaFormat") != nullptr) {
        format_at = Child(*payload, "schemaFormat");
        auto f = String(*payload, "schemaFormat");
        if (!f) return std::unexpected(f.error());
        format = *f;
        schema = Child(*payload, "schema");
        if (!schema) return Fail(*payload, "schema is required with schemaFormat");
      }
    } else {
      auto f = String(message, "schemaFormat");
      if (!f) return std::unexpected(f.error());
      format = *f;
    }
    auto resolved = Resolve(schema);
    if (!resolved) return std::unexpected(resolved.error());
    schema = std::move(*resolved);
    EntrySchema out;
    out.type = format ? FormatType(*format) : SchemaType::kJson;
    if (!out.type) {
      return Fail(format_at,
                  "schema format '" + *format +
                      "' is not read (AsyncAPI or JSON Schema, "
                      "application/vnd.apache.avro, application/vnd.google.protobuf)",
                  ErrorCode::kUnsupported);
    }
    out.file = schema.src->file;
    if (*out.type == SchemaType::kProtobuf) {
      if (!schema->IsString()) return Fail(schema, "a Protobuf payload is the .proto text");
      out.text = schema->AsString();
      out.display = out.file + "#" + schema.pointer;
      return out;
    }
    auto doc = Copy(schema, Refs::kExpand);
    if (!doc) return std::unexpected(doc.error());
    out.document = std::move(*doc);
    out.display = out.file;
    return out;
  }

  Result<std::vector<ExampleEvent>> Examples(const Node& message) {
    std::vector<ExampleEvent> out;
    const Node examples = Child(message, "examples");
    if (!examples) return out;
    if (!examples->IsArray()) return Fail(examples, "must be a list of examples");
    for (std::size_t i = 0; i < examples->AsArray().size(); ++i) {
      auto example = Resolve(Item(examples, i));
      if (!example) return std::unexpected(example.error());
      if (!(*example)->IsObject()) return Fail(*example, "an example is a mapping");
      auto payload = Member(*example, "payload");
      if (!payload) return std::unexpected(payload.error());
      if (!*payload) continue;  // headers only
      auto doc = Copy(*payload, Refs::kKeep);
      if (!doc) return std::unexpected(doc.error());
      out.push_back(ExampleEvent{(*payload).src->file, std::move(*doc)});
    }
    return out;
  }

  Result<std::vector<std::string>> Tags(const Node& message) {
    std::vector<std::string> out;
    const Node tags = Child(message, "tags");
    if (!tags) return out;
    if (!tags->IsArray()) return Fail(tags, "must be a list of tags");
    for (std::size_t i = 0; i < tags->AsArray().size(); ++i) {
      auto tag = Resolve(Item(tags, i));
      if (!tag) return std::unexpected(tag.error());
      auto name = String(*tag, "name");
      if (!name) return std::unexpected(name.error());
      if (!*name) return Fail(*tag, "a tag has a name");
      out.push_back(**name);
    }
    return out;
  }

  Result<void> Entry(const Operation& op, const std::string& name, const Node& message,
                     AsyncApiContracts& out) {
    if (!message->IsObject()) return Fail(message, "a message is a mapping");
    auto subject = Subject(op, message);
    if (!subject) return std::unexpected(subject.error());
    auto schema = Payload(op, message);
    if (!schema) return std::unexpected(schema.error());
    auto event_type = String(message, "x-accord-message");
    if (!event_type) return std::unexpected(event_type.error());
    const std::string origin = op.origin + (op.messages.size() > 1 ? " message " + name : "");
    const int line = op.site.src->doc->PositionOf(op.site.pointer).line;
    if (!op.produces) {
      ConsumedEvent c;
      c.subject = std::move(*subject);
      c.reader = std::move(*schema);
      c.message = event_type->value_or("");
      if (const Node v = Child(Resolve(op.site).value_or(op.site), "x-accord-versions"); v) {
        auto selector = ParseVersionSelector(*v);
        if (!selector) {
          return Fail(v, "must be all, a list of version numbers such as [2, 3], or \">=N\"");
        }
        c.versions = std::move(*selector);
      }
      c.file = op.site.src->file;
      c.line = line;
      c.origin = origin;
      out.consumes.push_back(std::move(c));
      return {};
    }
    ProducedEvent p;
    p.subject = std::move(*subject);
    p.schema = std::move(*schema);
    p.message = event_type->value_or("");
    auto examples = Examples(message);
    if (!examples) return std::unexpected(examples.error());
    p.examples = std::move(*examples);
    auto level = String(message, "x-accord-compatibility");
    if (!level) return std::unexpected(level.error());
    if (*level) {
      p.compatibility = compat::LevelFromString(**level);
      if (!p.compatibility) {
        return Fail(Child(message, "x-accord-compatibility"),
                    "unknown level '" + **level +
                        "' (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, "
                        "FULL, FULL_TRANSITIVE)");
      }
    }
    for (const char* key : {"description", "summary"}) {
      auto text = String(message, key);
      if (!text) return std::unexpected(text.error());
      if (*text) {
        p.description = **text;
        break;
      }
    }
    auto tags = Tags(message);
    if (!tags) return std::unexpected(tags.error());
    p.tags = std::move(*tags);
    p.file = op.site.src->file;
    p.line = line;
    p.origin = origin;
    out.produces.push_back(std::move(p));
    return {};
  }

  const AsyncApiLimits& limits_;
  std::string root_;
  std::vector<std::unique_ptr<Source>> sources_;
  std::map<std::string, const Source*> by_path_;
  std::size_t refs_ = 0;
  std::size_t nodes_ = 0;
};

}  // namespace

Result<AsyncApiContracts> ParseAsyncApi(std::string_view text, const std::string& file,
                                        const std::string& root, const AsyncApiLimits& limits) {
  return Importer(limits, root).Run(text, file);
}

Result<AsyncApiContracts> ImportAsyncApi(const std::string& path, const std::string& root,
                                         const AsyncApiLimits& limits) {
  auto text = ReadFile(path, limits.max_file_bytes);
  if (!text) {
    Error e = text.error();
    if (e.file.empty()) e.file = path;
    return std::unexpected(std::move(e));
  }
  return ParseAsyncApi(*text, path, root, limits);
}

}  // namespace accord::cli
