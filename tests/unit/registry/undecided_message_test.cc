// The registry's compatibility messages (409 on register, the
// /compatibility endpoint) for UNDECIDED findings (issue 16): they reject
// the version like a break but say they are not proven, and carry no
// witness; proven breaks keep theirs.
#include <gtest/gtest.h>

#include "accord/registry/service.h"
#include "test_util.h"

namespace accord::registry {
namespace {

using testing::Json;

TEST(ServiceUndecided, MessagesLabelUndecidedFindingsAndKeepProvenWitnesses) {
  testing::TempDir dir;
  Service service(testing::OpenStoreOrDie(dir.File("db")), ServiceOptions{});
  ASSERT_TRUE(service.Register(
      "quota",
      Json(
          R"({"type":"object","properties":{"q":{"type":"integer","minimum":1},"c":{"type":"string","pattern":"^[A-Z]{3}$"}}})")));
  auto r = service.TestCompatibility(
      "quota", std::nullopt,
      Json(
          R"({"type":"object","properties":{"q":{"type":"integer","minimum":1,"maximum":100},"c":{"type":"string","pattern":"^[A-Z]{2,3}$"}}})"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->compatible);
  std::vector<std::string> expected = {
      "{errorType:'MAXIMUM_ADDED', description:'the reader adds an upper bound (maximum 100): "
      "larger numbers the writer allows are rejected', additionalInfo:'writer path: "
      "/properties/q, reader path: /properties/q/maximum', witness:'{\"q\":101}'}",
      "{errorType:'PATTERN_CHANGED', description:'UNDECIDED (not proven, treated as "
      "incompatible): undecided (no event was found that proves it): pattern changed from "
      "'^[A-Z]{3}$' to '^[A-Z]{2,3}$': regex inclusion is not decided, treated as breaking', "
      "additionalInfo:'writer path: /properties/c/pattern, reader path: "
      "/properties/c/pattern'}",
      "{oldSchemaVersion: 1}",
      "{compatibility: 'BACKWARD'}",
  };
  EXPECT_EQ(r->messages, expected);
}

}  // namespace
}  // namespace accord::registry
