// Wire enums of the registry: one name/parse pair each, round-tripping.
#include <gtest/gtest.h>

#include "accord/registry/error.h"
#include "accord/registry/service.h"
#include "accord/registry/types.h"

namespace accord::registry {
namespace {

TEST(RegistryNames, ModeRoundTripsAndReadOnlyOverrideIsReadOnly) {
  for (Mode m : {Mode::kReadWrite, Mode::kReadOnly, Mode::kImport}) {
    EXPECT_EQ(ModeFromString(ModeName(m)), m);
  }
  EXPECT_EQ(ModeFromString("READONLY_OVERRIDE"), Mode::kReadOnly);
  EXPECT_EQ(ModeFromString("readwrite"), Mode::kReadWrite);
  EXPECT_EQ(ModeFromString("FOO"), std::nullopt);
}

TEST(RegistryNames, ErrorCodeNumbersRoundTripAndHaveNames) {
  for (std::int32_t n :
       {400,   404,   405,   413,   415,   422,   500,   40401, 40402, 40403, 40404,
        40405, 40406, 40407, 40408, 40409, 40901, 42201, 42202, 42203, 42204, 42205,
        42206, 42207, 42208, 42209, 50001, 50002, 40410, 42210, 40902, 42211}) {
    auto code = ErrorCodeFromNumber(n);
    ASSERT_TRUE(code.has_value()) << n;
    EXPECT_EQ(CodeNumber(*code), n);
    EXPECT_NE(ErrorCodeName(*code), "UNKNOWN") << n;
  }
  EXPECT_EQ(ErrorCodeFromNumber(12345), std::nullopt);
}

TEST(RegistryNames, SubjectCaseVariantsRoundTripsCaseInsensitively) {
  for (SubjectCaseVariants v : {SubjectCaseVariants::kRefuse, SubjectCaseVariants::kAllow}) {
    EXPECT_EQ(SubjectCaseVariantsFromString(SubjectCaseVariantsName(v)), v);
  }
  EXPECT_EQ(SubjectCaseVariantsName(SubjectCaseVariants::kRefuse), "refuse");
  EXPECT_EQ(SubjectCaseVariantsName(SubjectCaseVariants::kAllow), "allow");
  EXPECT_EQ(SubjectCaseVariantsFromString("ALLOW"), SubjectCaseVariants::kAllow);
  EXPECT_EQ(SubjectCaseVariantsFromString("yes"), std::nullopt);
  EXPECT_EQ(SubjectCaseVariantsFromString(""), std::nullopt);
}

TEST(RegistryNames, HttpStatusIsTheFirstThreeDigitsOfTheCode) {
  EXPECT_EQ(HttpStatusOf(ErrorCode::kSubjectNotFound), 404);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kIncompatibleSchema), 409);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kInvalidSchema), 422);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kStoreError), 500);
  EXPECT_EQ(HttpStatusOf(ErrorCode::kBadRequest), 400);
}

}  // namespace
}  // namespace accord::registry
