// Fuzz target for the whole Protobuf path: parsing (text or base64
// descriptor, with a reference), the canonical text, the serialized form,
// the compatibility check in both directions with every witness built, the
// field list and event validation.
//
// Input: WRITER [\0 READER [\0 REFERENCE]] (no \0: the input is both). The
// reference is importable as "r.proto".
//
// Besides "never crash, abort, hang, leak or trip a sanitizer" (libprotobuf's
// fatal checks included):
// - the canonical text of a schema parses, to the same canonical text;
// - the serialized form parses back to the same canonical text;
// - a schema compared with itself has no finding.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accord/compat/protobuf_compat.h"
#include "accord/schemas/protobuf.h"
#include "fuzz_check.h"

namespace {

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_protobuf", ok, what, detail);
}

void Exercise(const accord::protobuf::Schema& s, const accord::protobuf::ParseOptions& options) {
  using namespace accord;
  const std::string canonical = protobuf::CanonicalText(s);
  auto again = protobuf::ParseText(canonical, options);
  Check(again.has_value(), "the canonical text parses", canonical);
  if (again)
    Check(protobuf::CanonicalText(*again) == canonical, "canonical is a fixpoint", canonical);
  auto back = protobuf::ParseSerialized(protobuf::Serialized(s), options);
  Check(back.has_value(), "the serialized form parses", canonical);
  if (back) Check(protobuf::CanonicalText(*back) == canonical, "serialized round trip", canonical);
  Check(compat::CompareProtobufSchemas(s, s).findings.empty(), "a schema is its own match",
        canonical);
  for (const std::string& m : s.MessageNames()) {
    (void)protobuf::Fields(s, m);
    (void)protobuf::ValidateEvent(s, m, R"({"a": 1, "b": [true], "c": {"d": "x"}})");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accord;
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  const std::size_t a = in.find('\0');
  const std::string_view writer = in.substr(0, a);
  std::string_view reader = writer, reference;
  if (a != std::string_view::npos) {
    reader = in.substr(a + 1);
    const std::size_t b = reader.find('\0');
    if (b != std::string_view::npos) {
      reference = reader.substr(b + 1);
      reader = reader.substr(0, b);
    }
  }
  protobuf::ParseOptions options;
  options.limits.max_text_bytes = 64 * 1024;
  if (!reference.empty()) options.references.push_back({"r.proto", std::string(reference)});
  auto w = protobuf::Parse(writer, options);
  auto r = protobuf::Parse(reader, options);
  if (w) Exercise(*w, options);
  if (r && reader.data() != writer.data()) Exercise(*r, options);
  if (w && r) {
    for (const compat::Report& rep :
         {compat::CheckProtobufSchemas(*w, *r), compat::CheckProtobufSchemas(*r, *w),
          compat::DiffProtobufSchemas(*w, *r)}) {
      for (const compat::Finding& f : rep.findings) {
        if (f.witness) (void)f.witness->IsObject();
      }
    }
  }
  return 0;
}
