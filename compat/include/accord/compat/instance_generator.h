// Seeded, schema-driven generation of JSON Schema instances (for property
// tests, fuzzing and examples).
//
//   auto gen = InstanceGenerator::Create(schema);       // Error: bad $ref / regex
//   for (std::uint64_t s = 1; s <= 1000; ++s)
//     if (auto v = gen->Generate(s)) use(*v);           // valid under `schema`
//
// Deterministic: the same schema and seed give the same value. Generate
// returns only instances the built-in exact evaluator accepts (format
// asserted for known formats); nullopt when none of `attempts` candidates
// was valid (schemas whose constraints the generator cannot aim at, e.g.
// some `not` or dependentSchemas combinations). Candidate returns the raw,
// unchecked candidate. Not thread-safe (keeps caches); one per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include "accord/schemas/error.h"
#include "accord/schemas/json.h"
#include "accord/schemas/jsonschema.h"

namespace accord::compat {

struct GeneratorOptions {
  const jsonschema::SchemaBundle* bundle = nullptr;  // referenced documents
  jsonschema::Dialect default_dialect = jsonschema::Dialect::kDraft2020_12;
};

class InstanceGenerator {
 public:
  // `schema` is copied. Errors: unresolvable references, bad regexes.
  static Result<InstanceGenerator> Create(const json::Value& schema,
                                          const GeneratorOptions& options = {});
  InstanceGenerator(InstanceGenerator&&) noexcept;
  InstanceGenerator& operator=(InstanceGenerator&&) noexcept;
  ~InstanceGenerator();

  // A valid instance (see above). Seed 0 is the "minimal" instance.
  std::optional<json::Value> Generate(std::uint64_t seed, int attempts = 8);
  // An unchecked candidate.
  json::Value Candidate(std::uint64_t seed);

 private:
  struct Impl;
  explicit InstanceGenerator(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace accord::compat
