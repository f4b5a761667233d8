// Avro witnesses prove their findings (issue 16): a witness is valid writer
// data (IsValidDatum), and reading it with the reader schema by the Avro
// specification's resolution rules fails. The resolver here is the tests'
// own (avro_test_support.h: SpecResolve), written from the specification,
// independent of the engine and of avro::DatumResolver, which the engine
// proves its findings with.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "accord/compat/avro_compat.h"
#include "accord/schemas/avro.h"
#include "avro_test_support.h"

namespace accord::compat {
namespace {

using testing::RelatedPath;
using testing::SpecResolve;

avro::Schema S(std::string_view text) {
  auto s = avro::ParseText(text);
  if (!s) {
    ADD_FAILURE() << s.error().ToString();
    return *avro::ParseText(R"("null")");
  }
  return std::move(*s);
}

// Rule: over every ordered pair of a varied corpus, every BREAKING finding
// has a witness that is valid writer data and that the reader cannot
// resolve; the resolution fails at the finding's reader path, inside it, or
// at the reader node that holds it.
TEST(AvroResolution, EveryBreakingWitnessIsRejectedByTheReader) {
  const std::vector<std::string> corpus = testing::AvroCorpus();
  std::vector<avro::Schema> schemas;
  for (const std::string& c : corpus) schemas.push_back(S(c));
  int breaking = 0, rejected = 0, at_path = 0;
  for (std::size_t i = 0; i < schemas.size(); ++i) {
    for (std::size_t j = 0; j < schemas.size(); ++j) {
      Report r = CheckAvroSchemas(schemas[i], schemas[j]);
      for (const Finding& f : r.findings) {
        if (f.severity != Severity::kBreaking) continue;
        SCOPED_TRACE(corpus[i] + " -> " + corpus[j] + ": " + std::string(f.kind.name()) + " at " +
                     f.reader_path);
        ++breaking;
        ASSERT_TRUE(f.witness.has_value());
        EXPECT_TRUE(avro::IsValidDatum(schemas[i], schemas[i].root(), *f.witness));
        std::vector<std::string> fails;
        SpecResolve(schemas[i], schemas[i].root(), schemas[j], schemas[j].root(), *f.witness,
                    fails);
        EXPECT_FALSE(fails.empty())
            << "the reader resolves the witness " << json::ToJson(*f.witness);
        if (fails.empty()) continue;
        ++rejected;
        auto related = [&](const std::string& p) { return RelatedPath(p, f.reader_path); };
        bool proves = std::any_of(fails.begin(), fails.end(), related);
        std::string where;
        for (const std::string& p : fails) where += " '" + p + "'";
        EXPECT_TRUE(proves) << "rejected only at" << where << " for " << json::ToJson(*f.witness);
        if (proves) ++at_path;
      }
    }
  }
  std::printf(
      "[avro resolution] %d breaking findings: %d witnesses rejected by the reader, %d at "
      "the finding's reader path\n",
      breaking, rejected, at_path);
  EXPECT_EQ(rejected, breaking);
  EXPECT_EQ(at_path, breaking);
}

}  // namespace
}  // namespace accord::compat
