// SchemaType: one name/parse pair, Confluent's wire names, case-insensitive.
#include "accord/schemas/schema_type.h"

#include <gtest/gtest.h>

namespace accord {
namespace {

TEST(SchemaType, EveryTypeRoundTripsThroughItsName) {
  for (SchemaType t : kSchemaTypes) {
    EXPECT_EQ(SchemaTypeFromString(SchemaTypeName(t)), t);
  }
}

TEST(SchemaType, NamesAreConfluents) {
  EXPECT_EQ(SchemaTypeName(SchemaType::kAvro), "AVRO");
  EXPECT_EQ(SchemaTypeName(SchemaType::kJson), "JSON");
  EXPECT_EQ(SchemaTypeName(SchemaType::kProtobuf), "PROTOBUF");
}

TEST(SchemaType, ParseIgnoresCaseAndRefusesOtherNames) {
  EXPECT_EQ(SchemaTypeFromString("json"), SchemaType::kJson);
  EXPECT_EQ(SchemaTypeFromString("Avro"), SchemaType::kAvro);
  EXPECT_EQ(SchemaTypeFromString("protobuf"), SchemaType::kProtobuf);
  EXPECT_EQ(SchemaTypeFromString("XML"), std::nullopt);
  EXPECT_EQ(SchemaTypeFromString(""), std::nullopt);
  EXPECT_EQ(SchemaTypeFromString("JSONX"), std::nullopt);
}

}  // namespace
}  // namespace accord
