// The field list of a Protobuf message (catalog) and validation of example
// events in the proto3 JSON mapping.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "accord/schemas/budget.h"
#include "accord/schemas/pointer.h"
#include "accord/schemas/protobuf.h"
#include "protobuf_schema.h"

namespace accord::protobuf {

namespace gp = google::protobuf;

namespace {

const gp::Descriptor* FindMessage(const Schema& schema, std::string_view message) {
  const std::string name = message.empty() ? schema.DefaultMessage() : std::string(message);
  if (name.empty()) return nullptr;
  return schema.impl().pool->FindMessageTypeByName(name);
}

std::string ValueTypeName(const gp::FieldDescriptor* f) {
  switch (f->type()) {
    case gp::FieldDescriptor::TYPE_MESSAGE:
    case gp::FieldDescriptor::TYPE_GROUP:
      return f->message_type()->full_name();
    case gp::FieldDescriptor::TYPE_ENUM:
      return f->enum_type()->full_name();
    default:
      return f->type_name();
  }
}

// Confluent's field meta (`(confluent.field_meta) = {doc: ..., tags: ...}`),
// read from the options' unknown fields through the schema's pool.
void ReadMeta(const gp::FieldDescriptor* f, FieldInfo& info) {
  const gp::FieldOptions& options = f->options();
  if (options.GetReflection()->GetUnknownFields(options).empty()) return;
  const gp::DescriptorPool* pool = f->file()->pool();
  const gp::FieldDescriptor* ext = pool->FindExtensionByName("confluent.field_meta");
  const gp::Descriptor* od = pool->FindMessageTypeByName("google.protobuf.FieldOptions");
  if (ext == nullptr || od == nullptr) return;
  gp::DynamicMessageFactory factory;
  std::unique_ptr<gp::Message> dyn(factory.GetPrototype(od)->New());
  const std::string bytes = options.SerializeAsString();
  gp::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                 static_cast<int>(bytes.size()));
  input.SetExtensionRegistry(pool, &factory);
  if (!dyn->ParseFromCodedStream(&input)) return;
  const gp::Reflection* r = dyn->GetReflection();
  if (!r->HasField(*dyn, ext)) return;
  const gp::Message& meta = r->GetMessage(*dyn, ext);
  const gp::Descriptor* md = meta.GetDescriptor();
  const gp::Reflection* mr = meta.GetReflection();
  if (const gp::FieldDescriptor* doc = md->FindFieldByName("doc")) {
    info.doc = mr->GetString(meta, doc);
  }
  if (const gp::FieldDescriptor* tags = md->FindFieldByName("tags")) {
    for (int i = 0; i < mr->FieldSize(meta, tags); ++i) {
      info.tags.push_back(mr->GetRepeatedString(meta, tags, i));
    }
  }
}

void Collect(const gp::Descriptor* d, const std::string& prefix, int depth, int max_depth,
             std::vector<const gp::Descriptor*>& stack, std::vector<FieldInfo>& out) {
  stack.push_back(d);
  for (int i = 0; i < d->field_count(); ++i) {
    ChargeWork(1);
    const gp::FieldDescriptor* f = d->field(i);
    FieldInfo info;
    info.name = f->name();
    info.number = f->number();
    info.json_name = f->json_name();
    info.depth = depth;
    if (const gp::OneofDescriptor* o = f->real_containing_oneof()) info.oneof = o->name();
    const gp::Descriptor* expand = nullptr;
    std::string step;
    if (f->is_map()) {
      const gp::FieldDescriptor* k = f->message_type()->map_key();
      const gp::FieldDescriptor* v = f->message_type()->map_value();
      info.type = "map<" + ValueTypeName(k) + ", " + ValueTypeName(v) + ">";
      info.label = "map";
      step = f->name() + "{}";
      if (v->type() == gp::FieldDescriptor::TYPE_MESSAGE) expand = v->message_type();
    } else {
      if (f->type() == gp::FieldDescriptor::TYPE_MESSAGE ||
          f->type() == gp::FieldDescriptor::TYPE_GROUP) {
        info.type = "message " + f->message_type()->full_name();
        expand = f->message_type();
      } else if (f->type() == gp::FieldDescriptor::TYPE_ENUM) {
        info.type = "enum " + f->enum_type()->full_name();
      } else {
        info.type = f->type_name();
      }
      // The label as written: proto2's `optional` on every singular field
      // outside a oneof (messages too), proto3's only where the author wrote
      // it (has_optional_keyword covers both).
      if (f->is_repeated()) {
        info.label = "repeated";
      } else if (f->is_required()) {
        info.label = "required";
      } else if (f->has_optional_keyword()) {
        info.label = "optional";
      }
      step = f->is_repeated() ? f->name() + "[]" : f->name();
    }
    // The field's own row is its name, as JSON Schema's and Avro's are; what
    // is inside its elements or values goes under "name[]." / "name{}.".
    info.path = prefix + f->name();
    ReadMeta(f, info);
    out.push_back(std::move(info));
    // Well-known types are leaves (their JSON form is a scalar or a free
    // value); a type already being expanded on this path is not expanded
    // again.
    if (expand != nullptr && depth + 1 < max_depth &&
        expand->file()->name().rfind("google/protobuf/", 0) != 0 &&
        std::find(stack.begin(), stack.end(), expand) == stack.end()) {
      Collect(expand, prefix + step + ".", depth + 1, max_depth, stack, out);
    }
  }
  stack.pop_back();
}

// libprotobuf's JSON errors name the field path as "a.b[0].c"; our paths are
// JSON pointers into the event ("/a/b/0/c").
std::string PointerOf(std::string_view path) {
  std::string out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '.') {
      ++i;
      continue;
    }
    out += '/';
    if (path[i] == '[') {
      const std::size_t end = path.find(']', i);
      const std::string_view inner =
          path.substr(i + 1, (end == std::string_view::npos ? path.size() : end) - i - 1);
      std::string_view key = inner;
      if (key.size() >= 2 && key.front() == '"' && key.back() == '"') {
        key = key.substr(1, key.size() - 2);
      }
      out += json::EscapeToken(key);
      i = end == std::string_view::npos ? path.size() : end + 1;
      continue;
    }
    while (i < path.size() && path[i] != '.' && path[i] != '[') out += path[i++];
  }
  return out;
}

}  // namespace

std::vector<FieldInfo> Fields(const Schema& schema, std::string_view message, int max_depth) {
  std::vector<FieldInfo> out;
  const gp::Descriptor* d = FindMessage(schema, message);
  if (d == nullptr) return out;
  std::vector<const gp::Descriptor*> stack;
  Collect(d, "", 0, max_depth, stack, out);
  return out;
}

std::vector<EventError> ValidateEvent(const Schema& schema, std::string_view message,
                                      std::string_view json_text) {
  std::vector<EventError> out;
  const gp::Descriptor* d = FindMessage(schema, message);
  if (d == nullptr) {
    out.push_back({"", message.empty() ? std::string("the schema has no message")
                                       : "the schema has no message " + std::string(message)});
    return out;
  }
  gp::LogSilencer silence;
  gp::DynamicMessageFactory factory(schema.impl().pool.get());
  std::unique_ptr<gp::Message> m(factory.GetPrototype(d)->New());
  gp::util::JsonParseOptions options;
  options.ignore_unknown_fields = false;
  gp::util::Status status;
  try {
    status = gp::util::JsonStringToMessage(gp::StringPiece(json_text.data(), json_text.size()),
                                           m.get(), options);
  } catch (const gp::FatalException& e) {
    out.push_back({"", std::string("libprotobuf stopped reading the event: ") + e.message()});
    return out;
  }
  if (!status.ok()) {
    std::string text(status.message());
    // "(path): message" or "path: message" when libprotobuf knows where
    // (": message" for the whole event).
    std::string path;
    if (!text.empty() && text.front() == '(') {
      const std::size_t close = text.find("): ");
      if (close != std::string::npos) {
        path = text.substr(1, close - 1);
        text = text.substr(close + 3);
      }
    } else if (const std::size_t colon = text.find(": ");
               colon != std::string::npos && text.find(' ') >= colon) {
      path = text.substr(0, colon);
      text = text.substr(colon + 2);
    }
    out.push_back({PointerOf(path), text});
    return out;
  }
  if (!m->IsInitialized()) {
    out.push_back({"", "missing required fields: " + m->InitializationErrorString()});
  }
  return out;
}

}  // namespace accord::protobuf
