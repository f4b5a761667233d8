// Schema texts of the shapes a hostile client sends to make a request
// costly (issue #15): enums, unions and records of n members. Shared by the
// cost tests (tests/unit/*/cost_test.cc, request_cost_test.cc) and the
// scaling benchmark (tests/bench/cost_bench.cc), header-only.
#pragma once

#include <cstddef>
#include <string>

namespace accord::testing::hostile {

// A symbol or name that is unique per i and 6 bytes long ("S00042"), so
// that n members cost a known number of bytes.
inline std::string Name(char prefix, std::size_t i) {
  std::string digits = std::to_string(i);
  if (digits.size() < 5) digits.insert(0, 5 - digits.size(), '0');
  return std::string(1, prefix) + digits;
}

// Avro enum "E" of n symbols S00000.. (in reverse order when `reversed`):
// 100,000 symbols are 0.9 MB.
inline std::string AvroEnum(std::size_t n, bool reversed = false) {
  std::string s = R"({"type":"enum","name":"E","symbols":[)";
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) s += ',';
    s += '"' + Name('S', reversed ? n - 1 - k : k) + '"';
  }
  return s + "]}";
}

// Avro record "R" with one field "u" whose type is a union of n records
// B00000.. of one int field each (in reverse order when `reversed`): 10,000
// branches are 0.6 MB.
inline std::string AvroUnion(std::size_t n, bool reversed = false) {
  std::string s = R"({"type":"record","name":"R","fields":[{"name":"u","type":[)";
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) s += ',';
    s += R"({"type":"record","name":")" + Name('B', reversed ? n - 1 - k : k) +
         R"(","fields":[{"name":"f","type":"int"}]})";
  }
  return s + "]}]}";
}

// Avro record "R" of n int fields F00000.. (in reverse order when
// `reversed`): 100,000 fields are 3.2 MB, 30,000 about 1 MB.
inline std::string AvroRecord(std::size_t n, bool reversed = false) {
  std::string s = R"({"type":"record","name":"R","fields":[)";
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) s += ',';
    s += R"({"name":")" + Name('F', reversed ? n - 1 - k : k) + R"(","type":"int"})";
  }
  return s + "]}";
}

// JSON Schema object with one property "e" whose enum has the n values
// V00000.. plus `extra` more: 50,000 values are 0.45 MB.
inline std::string JsonEnum(std::size_t n, std::size_t extra = 0) {
  std::string s = R"({"type":"object","properties":{"e":{"enum":[)";
  for (std::size_t k = 0; k < n + extra; ++k) {
    if (k > 0) s += ',';
    s += '"' + Name('V', k) + '"';
  }
  return s + "]}}}";
}

// JSON Schema object of n integer properties P00000.., all required
// (the first n - dropped of them when `dropped` > 0).
inline std::string JsonProperties(std::size_t n, std::size_t dropped = 0) {
  std::string s = R"({"type":"object","properties":{)";
  for (std::size_t k = 0; k < n; ++k) {
    if (k > 0) s += ',';
    s += '"' + Name('P', k) + R"(":{"type":"integer"})";
  }
  s += R"(},"required":[)";
  for (std::size_t k = 0; k + dropped < n; ++k) {
    if (k > 0) s += ',';
    s += '"' + Name('P', k) + '"';
  }
  return s + "]}";
}

}  // namespace accord::testing::hostile
