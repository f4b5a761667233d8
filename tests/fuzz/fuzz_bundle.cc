// Fuzz target for the migration bundle's reader (cli/src/bundle.h): the bytes
// are loaded as JSON (small limits) and read both as a manifest
// (bundle.json) and as a subject file.
//
// Besides "never crash, hang, leak or trip a sanitizer", it checks what the
// reader promises:
// - a refusal is a sentence naming the file;
// - a manifest read lists only subjects whose file is SubjectFileName(name)
//   (a bundle cannot point import outside its folder), each once;
// - a subject file read has versions in ascending order with positive ids,
//   and writing it back (SubjectToJson) reads back to an equal subject.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "bundle.h"
#include "fuzz_check.h"

namespace {

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_bundle", ok, what, detail);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace accord;
  using namespace accord::cli;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  LoadOptions limits;
  limits.max_depth = 64;
  limits.max_bytes = 1 << 20;
  limits.max_nodes = 20'000;
  auto doc = ParseJson(text, "fuzz.json", limits);
  if (!doc) return 0;

  auto manifest = ManifestFromJson(doc->root, "bundle.json");
  if (!manifest) {
    Check(manifest.error().starts_with("bundle.json"), "a manifest refusal names the file",
          manifest.error());
  } else {
    std::set<std::string> names(manifest->subjects.begin(), manifest->subjects.end());
    Check(names.size() == manifest->subjects.size(), "a manifest lists each subject once");
  }

  auto subject = SubjectFromJson(doc->root, "subject.json");
  if (!subject) {
    Check(subject.error().starts_with("subject.json"), "a subject refusal names the file",
          subject.error());
    return 0;
  }
  std::int32_t last = 0;
  for (const BundleVersion& v : subject->versions) {
    Check(v.version > last && v.id > 0, "versions ascend and ids are positive");
    last = v.version;
  }
  const json::Value written = SubjectToJson(*subject);
  auto again = SubjectFromJson(written, "subject.json");
  Check(again.has_value(), "a subject written back reads again", json::ToJson(written));
  Check(json::ToJson(SubjectToJson(*again)) == json::ToJson(written),
        "a subject written back reads back equal", json::ToJson(written));
  return 0;
}
