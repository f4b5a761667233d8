// Witnesses of Protobuf findings: encode with the writer's descriptor, decode
// with the reader's, and say what the reader made of the bytes.
#include "protobuf_witness.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/unknown_field_set.h>
#include <google/protobuf/util/json_util.h>

#include <memory>
#include <string>
#include <utility>

#include "accord/schemas/canonical.h"
#include "accord/schemas/load.h"
#include "accord/schemas/protobuf_descriptors.h"

namespace accord::compat::internal {

namespace gp = google::protobuf;

namespace {

constexpr int kMaxProbeDepth = 3;

// Sets field `f` of `m` to a probe value: 1 for integers (a zigzag reader
// reads it as -1, a fixed-width one fails the wire type), 1.5 for floats,
// true, "x", the enum value numbered 1 (else the first), and for messages
// every field of the sub-message, so that a reader with another type sees
// as much as can differ.
void SetProbe(gp::Message& m, const gp::FieldDescriptor* f, int depth);

void Populate(gp::Message& m, int depth) {
  const gp::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const gp::FieldDescriptor* f = d->field(i);
    // One member per oneof (setting another clears it).
    if (const gp::OneofDescriptor* o = f->real_containing_oneof();
        o != nullptr && o->field(0) != f) {
      continue;
    }
    if (f->cpp_type() == gp::FieldDescriptor::CPPTYPE_MESSAGE && depth >= kMaxProbeDepth &&
        !f->is_required()) {
      continue;
    }
    SetProbe(m, f, depth);
  }
}

void SetRequired(gp::Message& m, int depth) {
  const gp::Descriptor* d = m.GetDescriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const gp::FieldDescriptor* f = d->field(i);
    if (f->is_required() && !m.GetReflection()->HasField(m, f)) SetProbe(m, f, depth);
  }
}

void SetProbe(gp::Message& m, const gp::FieldDescriptor* f, int depth) {
  const gp::Reflection* r = m.GetReflection();
  const bool rep = f->is_repeated();
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
      rep ? r->AddInt32(&m, f, 1) : r->SetInt32(&m, f, 1);
      break;
    case gp::FieldDescriptor::CPPTYPE_INT64:
      rep ? r->AddInt64(&m, f, 1) : r->SetInt64(&m, f, 1);
      break;
    case gp::FieldDescriptor::CPPTYPE_UINT32:
      rep ? r->AddUInt32(&m, f, 1) : r->SetUInt32(&m, f, 1);
      break;
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      rep ? r->AddUInt64(&m, f, 1) : r->SetUInt64(&m, f, 1);
      break;
    case gp::FieldDescriptor::CPPTYPE_DOUBLE:
      rep ? r->AddDouble(&m, f, 1.5) : r->SetDouble(&m, f, 1.5);
      break;
    case gp::FieldDescriptor::CPPTYPE_FLOAT:
      rep ? r->AddFloat(&m, f, 1.5f) : r->SetFloat(&m, f, 1.5f);
      break;
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      rep ? r->AddBool(&m, f, true) : r->SetBool(&m, f, true);
      break;
    case gp::FieldDescriptor::CPPTYPE_ENUM: {
      const gp::EnumDescriptor* e = f->enum_type();
      const gp::EnumValueDescriptor* v = e->FindValueByNumber(1);
      if (v == nullptr) v = e->value(0);
      rep ? r->AddEnum(&m, f, v) : r->SetEnum(&m, f, v);
      break;
    }
    case gp::FieldDescriptor::CPPTYPE_STRING:
      rep ? r->AddString(&m, f, "x") : r->SetString(&m, f, "x");
      break;
    case gp::FieldDescriptor::CPPTYPE_MESSAGE: {
      gp::Message* sub = rep ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
      if (f->is_map() || depth < kMaxProbeDepth) {
        Populate(*sub, depth + 1);
      } else {
        SetRequired(*sub, depth + 1);
      }
      break;
    }
  }
}

// One value of field `f` (index `i` when repeated) as text, by field number
// for messages, so that two fields of different types and names compare by
// what the bytes meant.
std::string Render(const gp::Message& m, const gp::FieldDescriptor* f, int i);

std::string RenderMessage(const gp::Message& m) {
  std::vector<const gp::FieldDescriptor*> fields;
  m.GetReflection()->ListFields(m, &fields);
  std::string out = "{";
  for (const gp::FieldDescriptor* f : fields) {
    out += std::to_string(f->number()) + ":";
    const int n = f->is_repeated() ? m.GetReflection()->FieldSize(m, f) : 1;
    for (int i = 0; i < n; ++i) out += (i ? "," : "") + Render(m, f, f->is_repeated() ? i : -1);
    out += " ";
  }
  const gp::UnknownFieldSet& u = m.GetReflection()->GetUnknownFields(m);
  if (!u.empty()) out += "unknown:" + std::to_string(u.field_count());
  return out + "}";
}

std::string Render(const gp::Message& m, const gp::FieldDescriptor* f, int i) {
  const gp::Reflection* r = m.GetReflection();
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case gp::FieldDescriptor::CPPTYPE_INT32:
      return std::to_string(rep ? r->GetRepeatedInt32(m, f, i) : r->GetInt32(m, f));
    case gp::FieldDescriptor::CPPTYPE_INT64:
      return std::to_string(rep ? r->GetRepeatedInt64(m, f, i) : r->GetInt64(m, f));
    case gp::FieldDescriptor::CPPTYPE_UINT32:
      return std::to_string(rep ? r->GetRepeatedUInt32(m, f, i) : r->GetUInt32(m, f));
    case gp::FieldDescriptor::CPPTYPE_UINT64:
      return std::to_string(rep ? r->GetRepeatedUInt64(m, f, i) : r->GetUInt64(m, f));
    case gp::FieldDescriptor::CPPTYPE_DOUBLE: {
      const double d = rep ? r->GetRepeatedDouble(m, f, i) : r->GetDouble(m, f);
      return std::to_string(d);
    }
    case gp::FieldDescriptor::CPPTYPE_FLOAT: {
      const float d = rep ? r->GetRepeatedFloat(m, f, i) : r->GetFloat(m, f);
      char buf[64];
      std::snprintf(buf, sizeof buf, "%g", static_cast<double>(d));
      return buf;
    }
    case gp::FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "true" : "false";
    case gp::FieldDescriptor::CPPTYPE_ENUM: {
      const gp::EnumValueDescriptor* v = rep ? r->GetRepeatedEnum(m, f, i) : r->GetEnum(m, f);
      return v->name() + "(" + std::to_string(v->number()) + ")";
    }
    case gp::FieldDescriptor::CPPTYPE_STRING:
      return "\"" + (rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f)) + "\"";
    case gp::FieldDescriptor::CPPTYPE_MESSAGE:
      return RenderMessage(rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f));
  }
  return "";
}

// All values of `f` in `m`, "" when unset (a repeated field of one element
// renders as that element, so singular and repeated compare by value).
std::string RenderAll(const gp::Message& m, const gp::FieldDescriptor* f) {
  const gp::Reflection* r = m.GetReflection();
  if (f->is_repeated()) {
    std::string out;
    for (int i = 0; i < r->FieldSize(m, f); ++i) out += (i ? "," : "") + Render(m, f, i);
    return out;
  }
  if (f->has_presence() && !r->HasField(m, f)) return "";
  return Render(m, f, -1);
}

bool InUnknown(const gp::Message& m, int number) {
  const gp::UnknownFieldSet& u = m.GetReflection()->GetUnknownFields(m);
  for (int i = 0; i < u.field_count(); ++i) {
    if (u.field(i).number() == number) return true;
  }
  return false;
}

std::optional<json::Value> ToJson(const gp::Message& m) {
  std::string text;
  gp::util::JsonPrintOptions opts;
  opts.preserve_proto_field_names = false;
  if (!gp::util::MessageToJsonString(m, &text, opts).ok()) return std::nullopt;
  auto doc = ParseJson(text);
  if (!doc) return std::nullopt;
  return std::move(doc->root);
}

class Source : public WitnessSource {
 public:
  Source(protobuf::Schema writer, protobuf::Schema reader, std::string wm, std::string rm,
         std::vector<int> numbers)
      : writer_(std::move(writer)),
        reader_(std::move(reader)),
        wm_(std::move(wm)),
        rm_(std::move(rm)),
        numbers_(std::move(numbers)) {}

 private:
  std::optional<json::Value> Build() const override {
    return BuildProtobufWitness(writer_, reader_, wm_, rm_, numbers_);
  }
  protobuf::Schema writer_, reader_;
  std::string wm_, rm_;
  std::vector<int> numbers_;
};

}  // namespace

Witness ProtobufWitness(const protobuf::Schema& writer, const protobuf::Schema& reader,
                        std::string writer_message, std::string reader_message,
                        std::vector<int> numbers) {
  return Witness(std::make_shared<Source>(writer, reader, std::move(writer_message),
                                          std::move(reader_message), std::move(numbers)));
}

std::optional<json::Value> BuildProtobufWitness(const protobuf::Schema& writer,
                                                const protobuf::Schema& reader,
                                                const std::string& writer_message,
                                                const std::string& reader_message,
                                                const std::vector<int>& numbers) {
  gp::LogSilencer silence;
  const gp::Descriptor* wd = protobuf::PoolOf(writer)->FindMessageTypeByName(writer_message);
  if (wd == nullptr) return std::nullopt;
  gp::DynamicMessageFactory wfactory(protobuf::PoolOf(writer));
  std::unique_ptr<gp::Message> wm(wfactory.GetPrototype(wd)->New());
  for (int n : numbers) {
    if (const gp::FieldDescriptor* f = wd->FindFieldByNumber(n)) SetProbe(*wm, f, 1);
  }
  if (reader_message.empty() && wd->field_count() > 0) SetProbe(*wm, wd->field(0), 1);
  SetRequired(*wm, 1);
  std::string bytes;
  if (!wm->SerializeToString(&bytes)) return std::nullopt;

  json::Value out = json::Object{};
  out.Add("writer_message", writer_message);
  auto event = ToJson(*wm);
  if (!event) return std::nullopt;
  out.Add("event", std::move(*event));
  out.Add("wire_hex", json::ToHex(bytes));
  out.Add("reader_message", reader_message);

  const gp::Descriptor* rd = reader_message.empty()
                                 ? nullptr
                                 : protobuf::PoolOf(reader)->FindMessageTypeByName(reader_message);
  if (rd == nullptr) {
    out.Add("reader_result",
            "no reader type: the reader's schema has no message " + writer_message);
    return out;
  }
  gp::DynamicMessageFactory rfactory(protobuf::PoolOf(reader));
  std::unique_ptr<gp::Message> rm(rfactory.GetPrototype(rd)->New());
  if (!rm->ParsePartialFromString(bytes)) {
    out.Add("reader_result", "parse failure: the bytes are not a valid " + reader_message);
    return out;
  }
  if (!rm->IsInitialized()) {
    out.Add("reader_result",
            "parse failure: missing required fields: " + rm->InitializationErrorString());
    return out;
  }
  std::string result;
  for (int n : numbers) {
    const gp::FieldDescriptor* wf = wd->FindFieldByNumber(n);
    if (wf == nullptr) continue;
    const std::string written = RenderAll(*wm, wf);
    const std::string what = "field " + std::to_string(n) + " (" + wf->name() + ")";
    const gp::FieldDescriptor* rf = rd->FindFieldByNumber(n);
    std::string line;
    if (rf == nullptr) {
      line = what + " lost: the reader has no field " + std::to_string(n) +
             " (kept only as an unknown field)";
    } else if (InUnknown(*rm, n)) {
      line = what + " lost: its wire type does not match the reader's " + rf->type_name() +
             " (kept only as an unknown field)";
    } else {
      const std::string read = RenderAll(*rm, rf);
      if (read.empty()) {
        line = what + " lost: the reader's oneof keeps another member";
      } else if (read != written) {
        line = what + " read as " + read + ", written as " + written;
      }
    }
    if (!line.empty()) result += (result.empty() ? "" : "; ") + line;
  }
  if (result.empty()) return std::nullopt;  // the wire does not show this difference
  out.Add("reader_result", result);
  if (auto reads = ToJson(*rm)) out.Add("reader_reads", std::move(*reads));
  return out;
}

}  // namespace accord::compat::internal
