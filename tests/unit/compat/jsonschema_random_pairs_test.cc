// Randomised soundness and witness test: seeded random schemas W and random
// mutations R of them (including unevaluatedProperties/Items, allOf-declared
// properties and dependentSchemas). Rules checked: (1) when the engine says
// compatible, instances generated from W and accepted by the validator under
// W are accepted under R; (2) every BREAKING finding's witness proves it:
// valid under W, rejected by R at the finding's reader path; an UNDECIDED
// finding has none; (3) every schema is compatible with itself.
#include <map>
#include "accord/compat/instance_generator.h"

#include "jsonschema_test_support.h"
#include "random_schemas.h"

namespace accord::compat {
namespace {

using testing::CompileOracle;
using testing::Describe;

TEST(JsonSchemaRandomPairsTest, SoundOnRandomSchemaPairs) {
  int kPairs = 400;
  if (const char* e = std::getenv("ACCORD_RANDOM_PAIRS")) kPairs = std::atoi(e);  // longer runs
  constexpr int kInstances = 200;
  int compatible = 0, incompatible = 0, witnesses = 0, instances = 0, failures = 0, no_witness = 0;
  int undecided = 0, skipped = 0;
  std::map<std::string, int> kinds;
  for (int i = 0; i < kPairs; ++i) {
    auto [w, r] = testing::RandomPair(i);
    SCOPED_TRACE("pair " + std::to_string(i) + "\nwriter: " + json::ToJson(w) +
                 "\nreader: " + json::ToJson(r));
    auto self = CheckJsonSchema(w, w);
    ASSERT_TRUE(self) << self.error().ToString();
    EXPECT_TRUE(self->compatible()) << Describe(*self);
    auto rep = CheckJsonSchema(w, r);
    ASSERT_TRUE(rep) << rep.error().ToString();
    {
      jsonschema::CompileOptions o;
      if (!jsonschema::Validator::Compile(r, {}, o)) {  // invalid mutation (counted)
        ++skipped;
        continue;
      }
    }
    auto vw = CompileOracle(w, jsonschema::Dialect::kDraft2020_12);
    auto vr = CompileOracle(r, jsonschema::Dialect::kDraft2020_12);
    ASSERT_TRUE(vw && vr);
    for (const Finding& f : rep->findings) {
      kinds[std::string(SeverityName(f.severity)) + " " + std::string(f.kind.name())]++;
      if (f.severity == Severity::kUndecided) {
        ++undecided;
        EXPECT_FALSE(f.witness.has_value()) << "undecided " << f.kind << " with a witness";
        if (std::getenv("ACCORD_RANDOM_PAIRS"))
          std::printf("undecided: %s %s\n  w=%s\n  r=%s\n", std::string(f.kind.name()).c_str(),
                      f.message.c_str(), json::ToJson(w).c_str(), json::ToJson(r).c_str());
        continue;
      }
      if (f.severity != Severity::kBreaking) continue;
      // Rule: every BREAKING finding's witness proves it (validator error
      // locations include the finding's reader path).
      std::string problem = testing::WitnessProblem(f, *vw, *vr, r);
      EXPECT_EQ(problem, "") << f.kind << " at " << f.reader_path;
      if (problem.empty())
        ++witnesses;
      else
        ++no_witness;
    }
    if (!rep->compatible()) {
      ++incompatible;
      continue;
    }
    ++compatible;
    auto gen = InstanceGenerator::Create(w);
    ASSERT_TRUE(gen);
    int valid = 0;
    for (std::uint64_t seed = 1; seed <= 4000 && valid < kInstances; ++seed) {
      json::Value v = gen->Candidate(seed);
      if (!vw->IsValid(v)) continue;
      ++valid;
      ++instances;
      if (!vr->IsValid(v)) {
        ++failures;
        ADD_FAILURE() << "SOUNDNESS BUG: " << json::ToJson(v) << "\n" << Describe(*rep);
        break;
      }
    }
  }
  std::printf(
      "[random pairs] %d pairs (%d invalid mutations skipped): %d compatible (%d "
      "instances checked, %d failures), %d incompatible, %d breaking findings proved by "
      "their witness, %d breaking findings without a proving witness, %d undecided\n",
      kPairs, skipped, compatible, instances, failures, incompatible, witnesses, no_witness,
      undecided);
  EXPECT_EQ(no_witness, 0);
  EXPECT_EQ(failures, 0);
  // The generator must keep producing pairs the oracle can read.
  EXPECT_LT(skipped, kPairs / 10);
  std::string ks;
  for (const auto& [k, n] : kinds) ks += k + "=" + std::to_string(n) + " ";
  std::printf("[random pairs] kinds: %s\n", ks.c_str());
}

}  // namespace
}  // namespace accord::compat
