// Fuzz target for the document layer: the bytes go to ParseJson, ParseYaml
// and Parse (auto-detect) with small limits.
//
// Besides "never crash, hang, leak or trip a sanitizer", it checks what the
// loaders promise on success:
// - every recorded position belongs to a pointer that resolves in the value,
//   with a 1-based line and column;
// - Canonicalize gives JSON text that ParseJson reads back to an equal value
//   with the same canonical text (canonical form is a fixed point);
// - ToJson output reads back to an equal value, and so does ToYaml output
//   (through ParseYaml);
// and on failure: the error names the file, and its position is unknown (0)
// or 1-based.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accord/schemas/canonical.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "accord/schemas/yaml_out.h"
#include "fuzz_check.h"

namespace {

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_load", ok, what, detail);
}

accord::LoadOptions SmallLimits() {
  accord::LoadOptions o;
  o.max_depth = 64;
  o.max_bytes = 1 << 20;
  o.max_nodes = 20'000;
  o.record_positions = true;
  return o;
}

void CheckResult(const accord::Result<accord::Document>& r, std::string_view file) {
  if (!r) {
    const accord::Error& e = r.error();
    Check(e.file == file, "error without the file name", e.ToString());
    Check(e.position.line >= 0 && e.position.column >= 0, "negative error position", e.ToString());
    Check(e.position.line > 0 || e.position.column == 0, "column without line", e.ToString());
    Check(!e.message.empty(), "empty error message");
    (void)e.ToString();
    return;
  }
  const accord::Document& doc = *r;
  for (const auto& [pointer, pos] : doc.positions) {
    Check(accord::json::Resolve(doc.root, pointer) != nullptr, "position for a missing pointer",
          pointer);
    Check(pos.line >= 1 && pos.column >= 1, "recorded position is not 1-based", pointer);
  }

  accord::LoadOptions roomy;  // canonical text of an accepted value must load
  roomy.max_depth = 1000;
  roomy.max_nodes = 10'000'000;
  roomy.max_bytes = 1u << 30;
  std::string canon = accord::json::Canonicalize(doc.root);
  auto again = accord::ParseJson(canon, "canonical", roomy);
  Check(again.has_value(), "canonical text does not parse",
        again ? canon : again.error().ToString() + "\n" + canon);
  Check(again->root == doc.root, "canonical text parses to a different value", canon);
  Check(accord::json::Canonicalize(again->root) == canon, "canonical form is not a fixed point",
        canon);
  (void)accord::json::Fingerprint(doc.root);

  std::string compact = accord::json::ToJson(doc.root);
  auto back = accord::ParseJson(compact, "compact", roomy);
  Check(back.has_value() && back->root == doc.root, "ToJson output does not round-trip", compact);
  (void)accord::json::ToPrettyJson(doc.root);

  std::string yaml = accord::json::ToYaml(doc.root);
  auto yaml_back = accord::ParseYaml(yaml, "yaml", roomy);
  Check(yaml_back.has_value() && yaml_back->root == doc.root, "ToYaml output does not round-trip",
        yaml_back ? yaml : yaml_back.error().ToString() + "\n" + yaml);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  const accord::LoadOptions options = SmallLimits();
  CheckResult(accord::ParseJson(text, "in.json", options), "in.json");
  CheckResult(accord::ParseYaml(text, "in.yaml", options), "in.yaml");
  CheckResult(accord::Parse(text, "in", accord::Syntax::kAuto, options), "in");
  return 0;
}
