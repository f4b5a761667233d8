// Fuzz target for the AsyncAPI reader (cli/src/asyncapi_import.h): the bytes
// are an AsyncAPI document read with small limits. $refs to files resolve
// inside a folder that does not exist, so no input reads a real file.
//
// Besides "never crash, hang, leak or trip a sanitizer", it checks what the
// reader promises:
// - on success every entry has a subject, names the document and a line,
//   and carries an inline schema (a document for JSON Schema and Avro, text
//   for Protobuf) and inline examples;
// - on failure the error names a file and says why, at a 1-based position or
//   none.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "asyncapi_import.h"
#include "fuzz_check.h"

namespace {

constexpr const char* kRoot = "/nonexistent-accord-fuzz";
constexpr const char* kFile = "/nonexistent-accord-fuzz/asyncapi.yaml";

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_asyncapi", ok, what, detail);
}

accord::cli::AsyncApiLimits SmallLimits() {
  accord::cli::AsyncApiLimits l;
  l.max_file_bytes = 1 << 20;
  l.max_files = 4;
  l.max_ref_depth = 16;
  l.max_refs = 10'000;
  l.max_nodes = 50'000;
  l.max_depth = 64;
  return l;
}

void CheckSchema(const accord::cli::EntrySchema& s) {
  Check(s.is_inline(), "entry schema is not inline", s.display);
  Check(!s.file.empty() && !s.display.empty(), "inline schema without a file");
  if (*s.type == accord::SchemaType::kProtobuf) {
    Check(s.document == nullptr, "Protobuf schema with a document", s.display);
  } else {
    Check(s.document != nullptr, "JSON-written schema without a document", s.display);
  }
}

template <typename Entry>
void CheckEntry(const Entry& e) {
  Check(!e.subject.empty(), "entry without a subject", e.origin);
  Check(e.file == kFile, "entry not naming the document", e.file);
  Check(e.line > 0, "entry without a line", e.origin);
  Check(!e.origin.empty(), "entry without an origin");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto r = accord::cli::ParseAsyncApi(text, kFile, kRoot, SmallLimits());
  if (!r) {
    const accord::Error& e = r.error();
    Check(!e.file.empty(), "error without a file", e.ToString());
    Check(!e.message.empty(), "empty error message");
    Check(e.position.line >= 0 && e.position.column >= 0, "negative error position", e.ToString());
    Check(e.position.line > 0 || e.position.column == 0, "column without line", e.ToString());
    return 0;
  }
  for (const accord::cli::ProducedEvent& p : r->produces) {
    CheckEntry(p);
    CheckSchema(p.schema);
    for (const accord::cli::ExampleEvent& x : p.examples) {
      Check(x.document != nullptr, "inline example without a document", p.origin);
    }
  }
  for (const accord::cli::ConsumedEvent& c : r->consumes) {
    CheckEntry(c);
    CheckSchema(c.reader);
  }
  return 0;
}
