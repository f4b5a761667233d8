// Fuzz target for the JSON Schema validator: compile a schema, validate
// instances against it.
//
// Input layout: SCHEMA [NUL INSTANCE]... (at most 4 instances, each up to the
// next NUL byte). With no NUL byte, the schema text itself is also the
// instance (a schema validated against itself has rich structure), followed
// by a few fixed instances of every JSON type.
//
// Options come from one byte, the sum of all input bytes (mod 256), so every
// mutation may switch them: bits 0-2 pick the default dialect (mod 5; the
// schema's own $schema still wins), bit 3 FormatMode::kAssert, bit 4 with
// bit 5 validate_schema = false (a quarter of the inputs skip the
// meta-schema checks, so Compile sees keywords of the wrong type), bit 6 puts
// the schema document itself in the bundle as "urn:fuzz:meta" (so a schema
// whose $schema is "urn:fuzz:meta" is its own meta-schema, $vocabulary and
// all, and "$ref": "urn:fuzz:meta#/..." resolves through the bundle).
//
// Any Error is fine. Besides "never crash, hang, leak or trip a sanitizer",
// it checks what jsonschema.h promises:
// - a compile error has a message and one of the documented codes;
// - Validate (both StopModes) and IsValid agree on the verdict;
// - a valid result has no failures, an invalid one at least one, and
//   kFirstFailure reports exactly one;
// - every failure has a message, its instance_location resolves in the
//   instance and its keyword_location is a JSON pointer ("" or "/...");
// - a moved Validator gives the same verdict.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"
#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "fuzz_check.h"

namespace {

using accord::jsonschema::Dialect;
using accord::jsonschema::FormatMode;
using accord::jsonschema::StopMode;
using accord::jsonschema::ValidationResult;
using accord::jsonschema::Validator;

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_validate", ok, what, detail);
}

accord::LoadOptions SmallLimits() {
  accord::LoadOptions o;
  o.max_depth = 64;
  o.max_bytes = 256u * 1024u;
  o.max_nodes = 20'000;
  return o;
}

constexpr std::array<std::string_view, 12> kFixedInstances = {
    "null",
    "true",
    "0",
    "-1.5",
    "1e308",
    "\"\"",
    "\"2020-01-01T00:00:00Z\"",
    "\"a\\u0000b\\ud83d\\ude00\"",
    "[]",
    "[1, \"a\", null, [1], {\"a\": 1}, 1]",
    "{}",
    "{\"a\": 1, \"b\": [{}, \"x\"], \"$ref\": \"#\", \"\": null, \"a~/b\": false}",
};

constexpr std::size_t kMaxInstances = 4;

void CheckResult(const ValidationResult& r, const accord::json::Value& instance, StopMode stop) {
  if (r.valid) {
    Check(r.failures.empty(), "a valid result carries failures");
    return;
  }
  Check(!r.failures.empty(), "an invalid result has no failure");
  if (stop == StopMode::kFirstFailure) {
    Check(r.failures.size() == 1, "kFirstFailure reported more than one failure",
          r.failures.back().keyword_location);
  }
  for (const auto& f : r.failures) {
    Check(!f.message.empty(), "failure without a message", f.keyword_location);
    Check(accord::json::Resolve(instance, f.instance_location) != nullptr,
          "instance_location does not resolve in the instance", f.instance_location);
    Check(f.keyword_location.empty() || f.keyword_location.front() == '/',
          "keyword_location is not a JSON pointer", f.keyword_location);
  }
}

void ValidateOne(const Validator& v, const accord::json::Value& instance) {
  ValidationResult all = v.Validate(instance, StopMode::kAllFailures);
  CheckResult(all, instance, StopMode::kAllFailures);
  ValidationResult first = v.Validate(instance, StopMode::kFirstFailure);
  CheckResult(first, instance, StopMode::kFirstFailure);
  Check(all.valid == first.valid, "the StopModes disagree on the verdict");
  Check(v.IsValid(instance) == all.valid, "IsValid disagrees with Validate");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::uint8_t control = 0;
  for (std::size_t i = 0; i < size; ++i) control = static_cast<std::uint8_t>(control + data[i]);

  std::size_t nul = input.find('\0');
  std::string_view schema_text = input.substr(0, nul);
  std::vector<std::string_view> instance_texts;
  if (nul == std::string_view::npos) {
    instance_texts.push_back(schema_text);
    instance_texts.insert(instance_texts.end(), kFixedInstances.begin(), kFixedInstances.end());
  } else {
    std::string_view rest = input.substr(nul + 1);
    while (instance_texts.size() < kMaxInstances) {
      std::size_t next = rest.find('\0');
      instance_texts.push_back(rest.substr(0, next));
      if (next == std::string_view::npos) break;
      rest = rest.substr(next + 1);
    }
  }

  const accord::LoadOptions limits = SmallLimits();
  auto schema = accord::ParseJson(schema_text, "schema.json", limits);
  if (!schema) return 0;

  accord::jsonschema::CompileOptions options;
  options.default_dialect = static_cast<Dialect>((control & 7u) % 5u);
  options.format = (control & 8u) != 0 ? FormatMode::kAssert : FormatMode::kAnnotate;
  options.validate_schema = (control & 0x30u) != 0x30u;
  accord::jsonschema::SchemaBundle bundle;
  if ((control & 0x40u) != 0) bundle.Add("urn:fuzz:meta", schema->root);
  auto compiled = Validator::Compile(schema->root, bundle, options);
  if (!compiled) {
    const accord::Error& e = compiled.error();
    using accord::ErrorCode;
    Check(!e.message.empty(), "compile error without a message", e.ToString());
    Check(e.code == ErrorCode::kInvalidSchema || e.code == ErrorCode::kUnresolvedRef ||
              e.code == ErrorCode::kUnsupportedRegex || e.code == ErrorCode::kLimit ||
              e.code == ErrorCode::kUnsupported,
          "compile error with an undocumented code", e.ToString());
    (void)e.ToString();
    return 0;
  }
  Validator v = std::move(*compiled);
  (void)accord::jsonschema::DialectName(v.dialect());

  bool first_verdict = false;
  const accord::json::Value* first_instance = nullptr;
  std::vector<accord::Document> instances;
  instances.reserve(instance_texts.size());
  for (std::string_view text : instance_texts) {
    auto doc = accord::ParseJson(text, "instance.json", limits);
    if (!doc) continue;
    instances.push_back(std::move(*doc));
    const accord::json::Value& instance = instances.back().root;
    ValidateOne(v, instance);
    if (first_instance == nullptr) {
      first_instance = &instance;
      first_verdict = v.IsValid(instance);
    }
  }
  if (first_instance != nullptr) {
    Validator moved(std::move(v));
    Check(moved.IsValid(*first_instance) == first_verdict, "a moved Validator changed its verdict");
  }
  return 0;
}
