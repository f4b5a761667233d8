// Fuzz target for the Avro schema parser's text path: JsonTape (the scanner
// ParseText reads schemas with, schemas/src/json_tape.h) and ParseText
// itself, each checked against the slower path it stands in for.
//
// Besides "never crash, hang, leak or trip a sanitizer":
// - when JsonTape accepts a text, the JSON loader accepts it too, with the
//   same value (JsonTape declines whatever it is unsure of, never the
//   reverse), every key carries the tagger's tag, and the object count is
//   right; the one exception is a duplicate key, which JsonTape leaves to
//   its reader and the loader refuses (the tape must then show one);
// - when the loader accepts a text, ParseText and Parse(loaded value) agree:
//   both fail with the same message, or both succeed with the same model
//   (every node and field member, canonical form, fingerprint, warnings).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "accord/schemas/avro.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"
#include "fuzz_check.h"
#include "json_tape.h"

namespace {

void Check(bool ok, const char* what, std::string_view detail = {}) {
  accord::fuzz::Check("fuzz_avro", ok, what, detail);
}

// Any deterministic function of the key will do.
unsigned Tag(std::string_view key) { return (key.size() * 7 + (key.empty() ? 0 : key[0])) & 15u; }

std::size_t CountObjects(const accord::json::Value& v) {
  std::size_t n = 0;
  if (v.IsObject()) {
    ++n;
    for (const auto& m : v.AsObject()) n += CountObjects(m.value);
  } else if (v.IsArray()) {
    for (const auto& e : v.AsArray()) n += CountObjects(e);
  }
  return n;
}

// Every key of the tape carries Tag(key).
void CheckTags(const accord::detail::JsonTape& tape, std::uint32_t i) {
  using accord::detail::JsonTape;
  const char type = tape.TypeAt(i);
  if (type != '{' && type != '[') return;
  const std::uint32_t close = JsonTape::Payload(tape.words()[i]) - 1;
  for (std::uint32_t j = i + 1; j < close; j = tape.After(j)) {
    if (type == '{') {
      Check(JsonTape::TagOf(tape.words()[j]) == Tag(tape.StringAt(j)), "key without its tag",
            tape.StringAt(j));
      ++j;
    }
    CheckTags(tape, j);
  }
}

void CheckTape(std::string_view text, const accord::LoadOptions& options) {
  thread_local accord::detail::JsonTape tape;
  if (!tape.Scan(text, options.max_depth, Tag)) return;
  auto loaded = accord::ParseJson(text, "in.json", options);
  std::uint32_t distinct = 0;
  const accord::json::Value value = tape.ToValue(1, &distinct);
  if (!loaded) {
    // Duplicate keys are the one thing JsonTape leaves to its reader.
    Check(loaded.error().code == accord::ErrorCode::kDuplicateKey && distinct < tape.objects(),
          "JsonTape accepts what the loader refuses", loaded.error().ToString());
    return;
  }
  Check(distinct == tape.objects(), "JsonTape sees a duplicate key the loader does not");
  Check(value == loaded->root, "JsonTape reads another value than the loader",
        accord::json::ToJson(value));
  Check(tape.objects() == CountObjects(loaded->root), "JsonTape counts objects wrong");
  CheckTags(tape, 1);
}

std::string Describe(const accord::avro::Schema& s) {
  using accord::json::ToJson;
  using accord::json::Value;
  std::string out = "root " + std::to_string(s.root().value) + "\n";
  auto list = [](auto span) {
    std::string o = "[";
    for (const auto& x : span) o += std::string(x) + ",";
    return o + "]";
  };
  auto custom = [](std::span<const accord::json::Member> members) {
    std::string o = "{";
    for (const auto& m : members) o += m.key + ":" + ToJson(m.value) + ",";
    return o + "}";
  };
  for (std::size_t i = 0; i < s.node_count(); ++i) {
    const accord::avro::Node& n = s.node(accord::avro::NodeId{static_cast<std::uint32_t>(i)});
    out += std::to_string(static_cast<int>(n.type)) + " " +
           std::to_string(static_cast<int>(n.logical_type)) + " " + std::to_string(n.is_error) +
           " items=" + std::to_string(n.items.value) + " size=" + std::to_string(n.size) +
           " at=" + s.Pointer(n.pointer) + " name=" + std::string(n.full_name) + "|" +
           std::string(n.name) + "|" + std::string(n.space()) + " aliases=" + list(n.aliases()) +
           " symbols=" + list(n.symbols) +
           " default=" + std::string(n.enum_default().value_or("(none)")) +
           " lt=" + std::string(n.logical_type_name()) + " " + std::to_string(n.precision()) + "/" +
           std::to_string(n.scale()) + " doc=" + std::string(n.doc()) +
           " custom=" + custom(n.custom()) + " branches=";
    for (accord::avro::NodeId b : n.branches) out += std::to_string(b.value) + ",";
    out += "\n";
    for (const accord::avro::Field& f : n.fields) {
      out += "  field " + std::string(f.name) + " type=" + std::to_string(f.type.value) +
             " order=" + std::to_string(static_cast<int>(f.order)) + " aliases=" + list(f.aliases) +
             " default=" + (f.default_value ? ToJson(*f.default_value) : std::string("(none)")) +
             " doc=" + std::string(f.doc) + " custom=" + custom(f.custom) +
             " at=" + s.Pointer(f.pointer) + "\n";
    }
  }
  out += "canonical " + accord::avro::CanonicalForm(s) + "\n";
  out += "fingerprint " + accord::avro::FingerprintHex(accord::avro::Fingerprint64(s)) + "\n";
  for (const std::string& w : s.warnings()) out += "warning " + w + "\n";
  return out;
}

void CheckParseText(std::string_view text, const accord::LoadOptions& options) {
  accord::avro::ParseOptions parse;
  parse.max_depth = 32;
  const auto fast = accord::avro::ParseText(text, parse);
  auto loaded = accord::ParseJson(text, "in.json", options);
  if (!loaded) return;
  const auto exact = accord::avro::Parse(loaded->root, parse);
  if (fast.has_value() != exact.has_value()) {
    Check(false, "ParseText and Parse disagree on success",
          fast ? exact.error().ToString() : fast.error().ToString());
  }
  if (!fast) {
    Check(fast.error().ToString() == exact.error().ToString(),
          "ParseText and Parse fail differently",
          fast.error().ToString() + "\n" + exact.error().ToString());
    return;
  }
  const std::string a = Describe(*fast);
  const std::string b = Describe(*exact);
  Check(a == b, "ParseText and Parse build different schemas", a + "\n---\n" + b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  accord::LoadOptions options;
  options.max_depth = 64;
  options.max_bytes = 1 << 20;
  CheckTape(text, options);
  CheckParseText(text, options);
  return 0;
}
