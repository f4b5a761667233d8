// The canonical text of a Protobuf schema (protobuf.h, CANONICAL TEXT):
// printed back from the built descriptors, so every type name is resolved
// and every option interpreted.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/text_format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "accord/schemas/canonical.h"
#include "accord/schemas/protobuf.h"
#include "protobuf_schema.h"

namespace accord::protobuf {

namespace gp = google::protobuf;

namespace {

// C-style escapes for a string literal, the same bytes in one spelling.
std::string Quote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\'':
        out += "\\'";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c >= 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string Shortest(double d) {
  if (std::isnan(d)) return "nan";
  if (std::isinf(d)) return d > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::string Shortest(float f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, f);
  return std::string(buf, r.ptr);
}

class Printer {
 public:
  explicit Printer(const gp::FileDescriptor* file) : file_(file), pool_(file->pool()) {
    text_.SetSingleLineMode(true);
    text_.SetUseShortRepeatedPrimitives(true);
  }

  std::string File() {
    out_ += file_->syntax() == gp::FileDescriptor::SYNTAX_PROTO3 ? "syntax = \"proto3\";\n"
                                                                 : "syntax = \"proto2\";\n";
    if (!file_->package().empty()) out_ += "package " + file_->package() + ";\n";
    std::vector<std::string> lines;
    for (int i = 0; i < file_->dependency_count(); ++i) {
      const gp::FileDescriptor* dep = file_->dependency(i);
      std::string prefix;
      for (int j = 0; j < file_->public_dependency_count(); ++j) {
        if (file_->public_dependency(j) == dep) prefix = "public ";
      }
      for (int j = 0; j < file_->weak_dependency_count(); ++j) {
        if (file_->weak_dependency(j) == dep) prefix = "weak ";
      }
      lines.push_back(prefix + Quote(dep->name()));
    }
    std::sort(lines.begin(), lines.end());
    for (const std::string& l : lines) out_ += "import " + l + ";\n";
    for (const std::string& o : Options(file_->options())) out_ += "option " + o + ";\n";
    for (int i = 0; i < file_->message_type_count(); ++i) Message(file_->message_type(i), 0);
    for (int i = 0; i < file_->enum_type_count(); ++i) Enum(file_->enum_type(i), 0);
    Extensions([&](int i) { return file_->extension(i); }, file_->extension_count(), 0);
    for (int i = 0; i < file_->service_count(); ++i) Service(file_->service(i));
    return std::move(out_);
  }

 private:
  void Indent(int depth) { out_.append(static_cast<std::size_t>(depth) * 2, ' '); }

  // "name = value" for every option set in `options` (built-in and custom),
  // sorted.
  std::vector<std::string> Options(const gp::Message& options) {
    std::vector<std::string> out;
    if (options.ByteSizeLong() == 0) return out;
    // Custom options were interpreted into unknown fields of the generated
    // options message (the generated class does not know this pool's
    // extensions): read them back with a message built on this pool.
    const gp::Message* view = &options;
    std::unique_ptr<gp::Message> dynamic;
    if (!options.GetReflection()->GetUnknownFields(options).empty()) {
      const gp::Descriptor* d = pool_->FindMessageTypeByName(options.GetDescriptor()->full_name());
      if (d != nullptr) {
        dynamic.reset(factory_.GetPrototype(d)->New());
        const std::string bytes = options.SerializeAsString();
        gp::io::CodedInputStream input(reinterpret_cast<const std::uint8_t*>(bytes.data()),
                                       static_cast<int>(bytes.size()));
        input.SetExtensionRegistry(pool_, &factory_);
        if (dynamic->ParseFromCodedStream(&input)) view = dynamic.get();
      }
    }
    std::vector<const gp::FieldDescriptor*> fields;
    view->GetReflection()->ListFields(*view, &fields);
    for (const gp::FieldDescriptor* f : fields) {
      const std::string name = f->is_extension() ? "(" + f->full_name() + ")" : f->name();
      const gp::Reflection* r = view->GetReflection();
      const int n = f->is_repeated() ? r->FieldSize(*view, f) : 1;
      for (int i = 0; i < n; ++i) {
        std::string value;
        if (f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE) {
          const gp::Message& m =
              f->is_repeated() ? r->GetRepeatedMessage(*view, f, i) : r->GetMessage(*view, f);
          std::string body;
          text_.PrintToString(m, &body);
          while (!body.empty() && body.back() == ' ') body.pop_back();
          value = body.empty() ? "{}" : "{ " + body + " }";
        } else {
          text_.PrintFieldValueToString(*view, f, f->is_repeated() ? i : -1, &value);
        }
        out.push_back(name + " = " + value);
      }
    }
    // Unknown fields left (options no extension in the pool names): kept,
    // by number, so that two different ones never print alike.
    const gp::UnknownFieldSet& unknown = view->GetReflection()->GetUnknownFields(*view);
    for (int i = 0; i < unknown.field_count(); ++i) {
      const gp::UnknownField& u = unknown.field(i);
      std::string value;
      switch (u.type()) {
        case gp::UnknownField::TYPE_VARINT:
          value = std::to_string(u.varint());
          break;
        case gp::UnknownField::TYPE_FIXED32:
          value = std::to_string(u.fixed32());
          break;
        case gp::UnknownField::TYPE_FIXED64:
          value = std::to_string(u.fixed64());
          break;
        case gp::UnknownField::TYPE_LENGTH_DELIMITED:
          value = Quote(u.length_delimited());
          break;
        case gp::UnknownField::TYPE_GROUP:
          value = "{}";
          break;
      }
      out.push_back("(" + std::to_string(u.number()) + ") = " + value);
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  static std::string TypeName(const gp::FieldDescriptor* f) {
    switch (f->type()) {
      case gp::FieldDescriptor::TYPE_MESSAGE:
      case gp::FieldDescriptor::TYPE_GROUP:
        return "." + f->message_type()->full_name();
      case gp::FieldDescriptor::TYPE_ENUM:
        return "." + f->enum_type()->full_name();
      default:
        return f->type_name();
    }
  }

  std::string DefaultValue(const gp::FieldDescriptor* f) {
    switch (f->cpp_type()) {
      case gp::FieldDescriptor::CPPTYPE_INT32:
        return std::to_string(f->default_value_int32());
      case gp::FieldDescriptor::CPPTYPE_INT64:
        return std::to_string(f->default_value_int64());
      case gp::FieldDescriptor::CPPTYPE_UINT32:
        return std::to_string(f->default_value_uint32());
      case gp::FieldDescriptor::CPPTYPE_UINT64:
        return std::to_string(f->default_value_uint64());
      case gp::FieldDescriptor::CPPTYPE_DOUBLE:
        return Shortest(f->default_value_double());
      case gp::FieldDescriptor::CPPTYPE_FLOAT:
        return Shortest(f->default_value_float());
      case gp::FieldDescriptor::CPPTYPE_BOOL:
        return f->default_value_bool() ? "true" : "false";
      case gp::FieldDescriptor::CPPTYPE_ENUM:
        return f->default_value_enum()->name();
      case gp::FieldDescriptor::CPPTYPE_STRING:
        return Quote(f->default_value_string());
      case gp::FieldDescriptor::CPPTYPE_MESSAGE:
        return "";
    }
    return "";
  }

  void Field(const gp::FieldDescriptor* f, int depth) {
    Indent(depth);
    const bool proto3 = file_->syntax() == gp::FileDescriptor::SYNTAX_PROTO3;
    if (f->is_map()) {
      const gp::Descriptor* entry = f->message_type();
      out_ += "map<" + TypeName(entry->map_key()) + ", " + TypeName(entry->map_value()) + "> ";
    } else {
      if (f->is_repeated()) {
        out_ += "repeated ";
      } else if (f->is_required()) {
        out_ += "required ";
      } else if (f->real_containing_oneof() == nullptr && (!proto3 || f->has_optional_keyword())) {
        out_ += "optional ";
      }
      if (f->type() == gp::FieldDescriptor::TYPE_GROUP) {
        out_ += "group ";
      } else {
        out_ += TypeName(f) + " ";
      }
    }
    if (f->type() == gp::FieldDescriptor::TYPE_GROUP) {
      out_ += f->message_type()->name();
    } else {
      out_ += f->name();
    }
    out_ += " = " + std::to_string(f->number());
    std::vector<std::string> opts = Options(f->options());
    if (f->has_default_value()) opts.push_back("default = " + DefaultValue(f));
    if (f->has_json_name()) opts.push_back("json_name = " + Quote(f->json_name()));
    std::sort(opts.begin(), opts.end());
    if (!opts.empty()) {
      out_ += " [";
      for (std::size_t i = 0; i < opts.size(); ++i) out_ += (i ? ", " : "") + opts[i];
      out_ += "]";
    }
    if (f->type() == gp::FieldDescriptor::TYPE_GROUP) {
      out_ += " {\n";
      MessageBody(f->message_type(), depth + 1);
      Indent(depth);
      out_ += "}\n";
    } else {
      out_ += ";\n";
    }
  }

  template <typename Get>
  void Extensions(Get get, int count, int depth) {
    // Grouped by extended type, in declaration order of each group's first.
    std::vector<const gp::Descriptor*> extendees;
    for (int i = 0; i < count; ++i) {
      const gp::Descriptor* d = get(i)->containing_type();
      if (std::find(extendees.begin(), extendees.end(), d) == extendees.end()) {
        extendees.push_back(d);
      }
    }
    for (const gp::Descriptor* d : extendees) {
      Indent(depth);
      out_ += "extend ." + d->full_name() + " {\n";
      for (int i = 0; i < count; ++i) {
        if (get(i)->containing_type() == d) Field(get(i), depth + 1);
      }
      Indent(depth);
      out_ += "}\n";
    }
  }

  static std::string Ranges(const std::vector<std::pair<int, int>>& ranges, int max_inclusive) {
    std::string out;
    for (const auto& [start, last] : ranges) {
      if (!out.empty()) out += ", ";
      out += std::to_string(start);
      if (last != start) {
        out += " to " + (last == max_inclusive ? std::string("max") : std::to_string(last));
      }
    }
    return out;
  }

  void MessageBody(const gp::Descriptor* d, int depth) {
    for (const std::string& o : Options(d->options())) {
      Indent(depth);
      out_ += "option " + o + ";\n";
    }
    for (int i = 0; i < d->nested_type_count(); ++i) {
      const gp::Descriptor* n = d->nested_type(i);
      if (n->options().map_entry()) continue;
      bool group = false;
      for (int j = 0; j < d->field_count(); ++j) {
        group |= d->field(j)->type() == gp::FieldDescriptor::TYPE_GROUP &&
                 d->field(j)->message_type() == n;
      }
      for (int j = 0; j < d->extension_count(); ++j) {
        group |= d->extension(j)->type() == gp::FieldDescriptor::TYPE_GROUP &&
                 d->extension(j)->message_type() == n;
      }
      if (!group) Message(n, depth);
    }
    for (int i = 0; i < d->enum_type_count(); ++i) Enum(d->enum_type(i), depth);
    if (d->extension_range_count() > 0) {
      std::vector<std::pair<int, int>> r;
      for (int i = 0; i < d->extension_range_count(); ++i) {
        r.emplace_back(d->extension_range(i)->start, d->extension_range(i)->end - 1);
      }
      std::sort(r.begin(), r.end());
      Indent(depth);
      out_ += "extensions " + Ranges(r, gp::FieldDescriptor::kMaxNumber) + ";\n";
    }
    if (d->reserved_range_count() > 0) {
      std::vector<std::pair<int, int>> r;
      for (int i = 0; i < d->reserved_range_count(); ++i) {
        r.emplace_back(d->reserved_range(i)->start, d->reserved_range(i)->end - 1);
      }
      std::sort(r.begin(), r.end());
      Indent(depth);
      out_ += "reserved " + Ranges(r, gp::FieldDescriptor::kMaxNumber) + ";\n";
    }
    if (d->reserved_name_count() > 0) {
      std::vector<std::string> names;
      for (int i = 0; i < d->reserved_name_count(); ++i)
        names.push_back(Quote(d->reserved_name(i)));
      std::sort(names.begin(), names.end());
      Indent(depth);
      out_ += "reserved ";
      for (std::size_t i = 0; i < names.size(); ++i) out_ += (i ? ", " : "") + names[i];
      out_ += ";\n";
    }
    std::vector<const gp::OneofDescriptor*> printed;
    for (int i = 0; i < d->field_count(); ++i) {
      const gp::FieldDescriptor* f = d->field(i);
      const gp::OneofDescriptor* o = f->real_containing_oneof();
      if (o == nullptr) {
        Field(f, depth);
        continue;
      }
      if (std::find(printed.begin(), printed.end(), o) != printed.end()) continue;
      printed.push_back(o);
      Indent(depth);
      out_ += "oneof " + o->name() + " {\n";
      for (const std::string& opt : Options(o->options())) {
        Indent(depth + 1);
        out_ += "option " + opt + ";\n";
      }
      for (int j = 0; j < o->field_count(); ++j) Field(o->field(j), depth + 1);
      Indent(depth);
      out_ += "}\n";
    }
    Extensions([&](int i) { return d->extension(i); }, d->extension_count(), depth);
  }

  void Message(const gp::Descriptor* d, int depth) {
    Indent(depth);
    out_ += "message " + d->name() + " {\n";
    MessageBody(d, depth + 1);
    Indent(depth);
    out_ += "}\n";
  }

  void Enum(const gp::EnumDescriptor* e, int depth) {
    Indent(depth);
    out_ += "enum " + e->name() + " {\n";
    for (const std::string& o : Options(e->options())) {
      Indent(depth + 1);
      out_ += "option " + o + ";\n";
    }
    if (e->reserved_range_count() > 0) {
      std::vector<std::pair<int, int>> r;
      for (int i = 0; i < e->reserved_range_count(); ++i) {
        r.emplace_back(e->reserved_range(i)->start, e->reserved_range(i)->end);
      }
      std::sort(r.begin(), r.end());
      Indent(depth + 1);
      out_ += "reserved " + Ranges(r, 2147483647) + ";\n";
    }
    if (e->reserved_name_count() > 0) {
      std::vector<std::string> names;
      for (int i = 0; i < e->reserved_name_count(); ++i)
        names.push_back(Quote(e->reserved_name(i)));
      std::sort(names.begin(), names.end());
      Indent(depth + 1);
      out_ += "reserved ";
      for (std::size_t i = 0; i < names.size(); ++i) out_ += (i ? ", " : "") + names[i];
      out_ += ";\n";
    }
    for (int i = 0; i < e->value_count(); ++i) {
      const gp::EnumValueDescriptor* v = e->value(i);
      Indent(depth + 1);
      out_ += v->name() + " = " + std::to_string(v->number());
      std::vector<std::string> opts = Options(v->options());
      if (!opts.empty()) {
        out_ += " [";
        for (std::size_t j = 0; j < opts.size(); ++j) out_ += (j ? ", " : "") + opts[j];
        out_ += "]";
      }
      out_ += ";\n";
    }
    Indent(depth);
    out_ += "}\n";
  }

  void Service(const gp::ServiceDescriptor* s) {
    out_ += "service " + s->name() + " {\n";
    for (const std::string& o : Options(s->options())) out_ += "  option " + o + ";\n";
    for (int i = 0; i < s->method_count(); ++i) {
      const gp::MethodDescriptor* m = s->method(i);
      out_ += "  rpc " + m->name() + "(" + (m->client_streaming() ? "stream " : "") + "." +
              m->input_type()->full_name() + ") returns (" +
              (m->server_streaming() ? "stream " : "") + "." + m->output_type()->full_name() + ")";
      std::vector<std::string> opts = Options(m->options());
      if (opts.empty()) {
        out_ += ";\n";
      } else {
        out_ += " {\n";
        for (const std::string& o : opts) out_ += "    option " + o + ";\n";
        out_ += "  }\n";
      }
    }
    out_ += "}\n";
  }

  const gp::FileDescriptor* file_;
  const gp::DescriptorPool* pool_;
  gp::DynamicMessageFactory factory_;
  gp::TextFormat::Printer text_;
  std::string out_;
};

}  // namespace

std::string CanonicalText(const Schema& schema) {
  google::protobuf::LogSilencer silence;  // see Serialized
  return Printer(schema.impl().file).File();
}

std::string Fingerprint(const Schema& schema) {
  return json::ToHex(json::Sha256Of(CanonicalText(schema)));
}

}  // namespace accord::protobuf
