// YAML loading: yaml-cpp's event parser (YAML::Parser + EventHandler) feeding
// a builder much like the JSON one. yaml-cpp's node API is not used: events
// give us every node's mark, tell plain from quoted scalars, and let us stop
// at the first error.
//
// Decisions (see also load.h):
// - Plain scalars resolve by the YAML 1.2 core schema. .inf/.nan (and floats
//   that overflow a double) are errors (kSyntax): JSON has no such numbers,
//   and reading them as strings would surprise more than an error; quote them
//   to get strings. Integers beyond int64 become doubles, as in JSON.
// - Quoted and block scalars are strings. Tags: !!str !!int !!float !!bool
//   !!null !!seq !!map and the non-specific "!" are honoured; any other tag is
//   kUnsupported.
// - Mapping keys become strings: a scalar key's source text ("1", "true");
//   null-looking keys keep their spelling ("null", "~"), an empty key is "".
//   Sequence and mapping keys are kNonScalarKey. "<<" merge keys are YAML 1.1
//   and not special here: "<<" is an ordinary key.
// - An empty stream (or one with only comments) is a null document; more
//   than one document is kSyntax.
// - Only UTF-8 input; control characters other than tab, LF, CR are kSyntax.
// - Aliases are expanded by copying; each expansion adds the anchored node's
//   size to the node count (max_nodes) and its height to the depth
//   (max_depth), so alias bombs fail with kLimit before they allocate.
//   Positions inside an expanded alias are those of the alias itself.
//
// Recursion and memory: yaml-cpp's parser recurses once per nesting level;
// the handler aborts at max_depth + 1 levels and yaml-cpp itself stops at 500
// (DepthGuard, reported as kLimit), so the stack stays bounded without a
// pre-scan. Memory is the weak spot: yaml-cpp's scanner queues every token of
// a flow collection that could still turn out to be a mapping key, about
// 150-250 bytes per input byte for single-line flow input (1 MB of "[[[[..."
// peaks near 240 MB before the depth limit fires). Lower max_bytes for
// untrusted YAML.
//
// yaml-cpp 0.7 bugs worked around here (each has a regression test):
// - "\N" and "\_" escapes decode to the bytes 0x85 / 0xA0, not UTF-8;
// - a double-quoted scalar left open at the end of input after a line
//   break is accepted.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "source_text.h"

namespace accord {
namespace {

constexpr std::size_t kLinearKeyScan = 16;
constexpr std::string_view kCoreTagPrefix = "tag:yaml.org,2002:";

Position ToPosition(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0 || mark.column < 0) return {};
  return Position{mark.line + 1, mark.column + 1};
}

// Thrown out of the event handler to stop yaml-cpp at the first error; the
// handler has stored the Error already.
struct Abort {};

// ---- YAML 1.2 core schema ---------------------------------------------------

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool IsCoreNull(std::string_view s) {
  return s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL";
}

std::optional<bool> CoreBool(std::string_view s) {
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  return std::nullopt;
}

// [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+
bool IsCoreInt(std::string_view s) {
  auto all = [](std::string_view d, auto pred) {
    if (d.empty()) return false;
    for (char c : d) {
      if (!pred(c)) return false;
    }
    return true;
  };
  if (s.starts_with("0o")) return all(s.substr(2), [](char c) { return c >= '0' && c <= '7'; });
  if (s.starts_with("0x")) return all(s.substr(2), IsHexDigit);
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  return all(s, IsDigit);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsCoreFloat(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  std::size_t int_digits = 0;
  while (i < n && IsDigit(s[i])) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && IsDigit(s[i])) ++i, ++frac_digits;
    if (int_digits == 0 && frac_digits == 0) return false;
  } else if (int_digits == 0) {
    return false;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    std::size_t exp_digits = 0;
    while (i < n && IsDigit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

bool IsCoreInfOrNan(std::string_view s) {
  std::string_view t = s;
  if (!t.empty() && (t[0] == '-' || t[0] == '+')) t.remove_prefix(1);
  if (t == ".inf" || t == ".Inf" || t == ".INF") return true;
  return s == ".nan" || s == ".NaN" || s == ".NAN";
}

// Precondition: IsCoreInt(s). Values beyond int64 become the nearest double
// (hex and octal: close to it); std::nullopt beyond the double range.
std::optional<json::Number> ParseCoreInt(std::string_view s) {
  unsigned base = 10;
  bool negative = false;
  if (s.starts_with("0o")) {
    base = 8;
    s.remove_prefix(2);
  } else if (s.starts_with("0x")) {
    base = 16;
    s.remove_prefix(2);
  } else if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  std::uint64_t u = 0;
  bool overflow = false;
  double d = 0;
  for (char c : s) {
    unsigned digit =
        IsDigit(c) ? static_cast<unsigned>(c - '0') : static_cast<unsigned>((c | 0x20) - 'a' + 10);
    d = d * base + digit;
    if (u > (UINT64_MAX - digit) / base) overflow = true;
    if (!overflow) u = u * base + digit;
  }
  if (!overflow) {
    if (!negative && u <= static_cast<std::uint64_t>(INT64_MAX)) {
      return json::Number(static_cast<std::int64_t>(u));
    }
    if (negative && u <= static_cast<std::uint64_t>(INT64_MAX) + 1) {
      return json::Number(static_cast<std::int64_t>(0 - u));
    }
  }
  if (base == 10) {  // correctly rounded
    std::optional<double> exact = ParseDecimalDouble(s);
    if (!exact) return std::nullopt;
    d = *exact;
  }
  if (std::isinf(d)) return std::nullopt;
  return json::Number(negative ? -d : d);
}

// ---- the builder ------------------------------------------------------------

struct Anchored {
  json::Value value;
  std::size_t nodes = 0;   // values in the subtree, itself included
  std::size_t height = 0;  // nested containers: scalar 0, [] 1, [[]] 2
  std::string key_text;    // for scalars: text to use when the alias is a key
};

class Builder final : public YAML::EventHandler {
 public:
  Builder(std::string_view text, const LoadOptions& options, bool record_positions)
      : text_(text), options_(options), record_positions_(record_positions) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1) {
      Fail(ErrorCode::kSyntax, "more than one YAML document (or content after the first one)",
           mark);
    }
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    if (ExpectingKey()) {
      AddKey(NullKeyText(mark), mark, anchor, json::Value());
      return;
    }
    AddScalar(json::Value(), mark, anchor, "null");
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = anchors_.find(anchor);
    if (it == anchors_.end()) {
      // yaml-cpp already rejects unknown anchors; what is left is an alias to
      // a node that is still open, i.e. to one of its own ancestors.
      Fail(ErrorCode::kSyntax, "alias refers to a node that contains it", mark);
    }
    const Anchored& a = it->second;
    if (ExpectingKey()) {
      if (a.value.IsArray() || a.value.IsObject()) {
        Fail(ErrorCode::kNonScalarKey, "mapping key is an alias to a collection", mark);
      }
      AddKey(a.key_text, mark, YAML::NullAnchor, a.value);
      return;
    }
    if (stack_.size() + a.height > options_.max_depth) {
      Fail(ErrorCode::kLimit,
           "alias expands deeper than " + std::to_string(options_.max_depth) + " levels", mark);
    }
    CountNodes(a.nodes, mark);
    Place(a.value, a.nodes, a.height, mark, YAML::NullAnchor, {});
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& raw_value) override {
    if (tag != "?") CheckQuoteClosed(mark);
    std::string repaired;
    const std::string& value = Utf8Value(raw_value, mark, &repaired);
    json::Value v = Resolve(mark, tag, value);
    if (ExpectingKey()) {
      AddKey(value, mark, anchor, std::move(v));
      return;
    }
    AddScalar(std::move(v), mark, anchor, value);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    CheckCollectionTag(mark, tag, "seq");
    Open(json::Value(json::Array{}), mark, anchor);
  }
  void OnSequenceEnd() override { Close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    CheckCollectionTag(mark, tag, "map");
    Open(json::Value(json::Object{}), mark, anchor);
  }
  void OnMapEnd() override { Close(); }

  json::Value TakeRoot() { return std::move(root_); }
  const std::optional<Error>& failure() const { return failure_; }
  SourceMap TakePositions() { return std::move(positions_); }

  // Records an error raised outside the handler (yaml-cpp's exceptions).
  void SetFailure(ErrorCode code, std::string message, Position position) {
    if (!failure_) failure_ = Error{code, std::move(message), {}, position, {}};
  }

 private:
  struct Frame {
    json::Value value;
    YAML::anchor_t anchor = YAML::NullAnchor;
    std::size_t nodes = 1;
    std::size_t height = 1;
    std::string pointer;  // only with positions
    // Set in the parent frame between a key and its value.
    bool have_key = false;
    std::string key;
    Position key_position;
    std::unordered_set<std::string> keys;  // only for big mappings
    bool is_key = false;                   // a collection in key position
    YAML::Mark mark;
  };

  [[noreturn]] void Fail(ErrorCode code, std::string message, const YAML::Mark& mark) {
    SetFailure(code, std::move(message), ToPosition(mark));
    throw Abort{};
  }

  bool ExpectingKey() const {
    if (stack_.empty()) return false;
    const Frame& top = stack_.back();
    return top.value.IsObject() && !top.have_key;
  }

  void CountNodes(std::size_t n, const YAML::Mark& mark) {
    nodes_ += n;
    if (nodes_ > options_.max_nodes) {
      Fail(ErrorCode::kLimit, "more than " + std::to_string(options_.max_nodes) + " values", mark);
    }
  }

  json::Value Resolve(const YAML::Mark& mark, const std::string& tag, const std::string& text) {
    if (tag == "!") return json::Value(text);  // quoted or block scalar
    std::string_view core;
    if (tag == "?") {
      core = "";  // plain: resolve by content
    } else if (std::string_view(tag).starts_with(kCoreTagPrefix)) {
      core = std::string_view(tag).substr(kCoreTagPrefix.size());
    } else {
      Fail(ErrorCode::kUnsupported, "unsupported YAML tag " + Quoted(tag), mark);
    }
    if (core == "str") return json::Value(text);
    if (core.empty() || core == "null") {
      if (IsCoreNull(text)) return json::Value();
      if (!core.empty()) Fail(ErrorCode::kSyntax, Quoted(text) + " is not a !!null", mark);
    }
    if (core.empty() || core == "bool") {
      if (auto b = CoreBool(text)) return json::Value(*b);
      if (!core.empty()) Fail(ErrorCode::kSyntax, Quoted(text) + " is not a !!bool", mark);
    }
    if (core.empty() || core == "int" || core == "float") {
      if (IsCoreInt(text)) {
        std::optional<json::Number> n = ParseCoreInt(text);
        if (!n)
          Fail(ErrorCode::kSyntax, "number " + Quoted(text) + " is too large for a double", mark);
        if (core == "float") n = json::Number(n->AsDouble());
        return json::Value(*n);
      }
      if (core != "int" && IsCoreFloat(text)) {
        std::optional<double> d = ParseDecimalDouble(text);
        if (!d)
          Fail(ErrorCode::kSyntax, "number " + Quoted(text) + " is too large for a double", mark);
        return json::Value(json::Number(*d));
      }
      if (core != "int" && IsCoreInfOrNan(text)) {
        Fail(ErrorCode::kSyntax,
             Quoted(text) + " (infinity or NaN) has no JSON equivalent; quote it for a string",
             mark);
      }
      if (!core.empty())
        Fail(ErrorCode::kSyntax, Quoted(text) + " is not a !!" + std::string(core), mark);
    }
    if (core.empty()) return json::Value(text);
    Fail(ErrorCode::kUnsupported, "unsupported YAML tag " + Quoted(tag) + " on a scalar", mark);
  }

  void CheckCollectionTag(const YAML::Mark& mark, const std::string& tag, std::string_view kind) {
    if (tag == "?" || tag == "!" || tag.empty()) return;
    if (tag == std::string(kCoreTagPrefix) + std::string(kind)) return;
    Fail(ErrorCode::kUnsupported, "unsupported YAML tag " + Quoted(tag) + " on a collection", mark);
  }

  // yaml-cpp 0.7 decodes the escapes \N (U+0085) and \_ (U+00A0) to the
  // single bytes 0x85 and 0xA0, which are not UTF-8. The input is valid UTF-8
  // and every other escape is encoded properly, so such a byte can only come
  // from those escapes: re-encode it. Returns `value` itself when it is fine.
  const std::string& Utf8Value(const std::string& value, const YAML::Mark& mark,
                               std::string* repaired) {
    std::size_t bad = FindInvalidUtf8(value);
    if (bad == std::string_view::npos) return value;
    repaired->assign(value, 0, bad);
    std::string_view rest(value);
    rest.remove_prefix(bad);
    while (!rest.empty()) {
      auto c = static_cast<unsigned char>(rest[0]);
      if (c != 0x85 && c != 0xA0) Fail(ErrorCode::kSyntax, "invalid UTF-8 in a scalar", mark);
      *repaired += '\xC2';
      *repaired += static_cast<char>(c);
      rest.remove_prefix(1);
      std::size_t next = FindInvalidUtf8(rest);
      repaired->append(rest.substr(0, next));
      rest.remove_prefix(next == std::string_view::npos ? rest.size() : next);
    }
    return *repaired;
  }

  // yaml-cpp 0.7 accepts a quoted scalar left open at the end of the input
  // when a line break precedes the end ("a: \"x\n"). Scan the scalar in the
  // source text (from its mark, past any properties) for its closing quote.
  void CheckQuoteClosed(const YAML::Mark& mark) {
    if (mark.is_null() || mark.pos < 0) return;
    std::size_t i = static_cast<std::size_t>(mark.pos);
    const std::size_t n = text_.size();
    // Skip properties (&anchor, !tag) and the blanks after them.
    while (i < n && (text_[i] == '&' || text_[i] == '!')) {
      while (i < n && text_[i] != ' ' && text_[i] != '\t' && text_[i] != '\n' && text_[i] != '\r')
        ++i;
      while (i < n && (text_[i] == ' ' || text_[i] == '\t' || text_[i] == '\n' || text_[i] == '\r'))
        ++i;
    }
    if (i >= n || (text_[i] != '"' && text_[i] != '\'')) return;
    const char quote = text_[i];
    for (std::size_t j = i + 1; j < n; ++j) {
      if (quote == '"' && text_[j] == '\\') {
        ++j;
      } else if (text_[j] == quote) {
        if (quote == '\'' && j + 1 < n && text_[j + 1] == '\'') {
          ++j;
        } else {
          return;
        }
      }
    }
    Fail(ErrorCode::kSyntax, "quoted scalar is not closed", mark);
  }

  // The spelling of a null-looking key ("null", "~", or "" when empty).
  std::string NullKeyText(const YAML::Mark& mark) const {
    if (mark.is_null() || mark.pos < 0) return {};
    std::string_view rest =
        text_.substr(std::min(text_.size(), static_cast<std::size_t>(mark.pos)));
    for (std::string_view word : {"null", "Null", "NULL", "~"}) {
      if (!rest.starts_with(word)) continue;
      std::string_view after = rest.substr(word.size());
      if (after.empty() || after[0] == ' ' || after[0] == '\t' || after[0] == ':' ||
          after[0] == '\n' || after[0] == '\r' || after[0] == ',' || after[0] == '}' ||
          after[0] == ']') {
        return std::string(word);
      }
    }
    return {};
  }

  void AddKey(std::string key, const YAML::Mark& mark, YAML::anchor_t anchor, json::Value value) {
    CountNodes(1, mark);
    Frame& top = stack_.back();
    if (!KeyIsNew(top, key)) Fail(ErrorCode::kDuplicateKey, "duplicate key " + Quoted(key), mark);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{std::move(value), 1, 0, key};
    top.have_key = true;
    top.key = std::move(key);
    top.key_position = ToPosition(mark);
  }

  void AddScalar(json::Value v, const YAML::Mark& mark, YAML::anchor_t anchor,
                 const std::string& text) {
    CountNodes(1, mark);
    Place(std::move(v), 1, 0, mark, anchor, text);
  }

  // Attaches a finished value (scalar or expanded alias) to the current
  // container, or makes it the root.
  void Place(json::Value v, std::size_t nodes, std::size_t height, const YAML::Mark& mark,
             YAML::anchor_t anchor, const std::string& key_text) {
    if (record_positions_) positions_[ChildPointer()] = ChildPosition(mark);
    if (anchor != YAML::NullAnchor) anchors_[anchor] = Anchored{v, nodes, height, key_text};
    Attach(std::move(v), nodes, height);
  }

  void Open(json::Value container, const YAML::Mark& mark, YAML::anchor_t anchor) {
    // A collection as a key is an error once it is complete: until then a
    // syntax error inside it (an unclosed "{" reads as a key) says more.
    bool is_key = ExpectingKey();
    if (stack_.size() >= options_.max_depth) {
      Fail(ErrorCode::kLimit,
           "nesting deeper than " + std::to_string(options_.max_depth) + " levels", mark);
    }
    CountNodes(1, mark);
    std::string pointer;
    if (record_positions_) {
      pointer = ChildPointer();
      positions_[pointer] = ChildPosition(mark);
    }
    Frame frame;
    frame.value = std::move(container);
    frame.anchor = anchor;
    frame.pointer = std::move(pointer);
    frame.is_key = is_key;
    frame.mark = mark;
    stack_.push_back(std::move(frame));
  }

  void Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.is_key) {
      Fail(ErrorCode::kNonScalarKey,
           std::string("mapping key is a ") + (frame.value.IsArray() ? "sequence" : "mapping"),
           frame.mark);
    }
    if (frame.anchor != YAML::NullAnchor) {
      anchors_[frame.anchor] = Anchored{frame.value, frame.nodes, frame.height, {}};
    }
    Attach(std::move(frame.value), frame.nodes, frame.height);
  }

  void Attach(json::Value v, std::size_t nodes, std::size_t height) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& parent = stack_.back();
    parent.nodes += nodes;
    parent.height = std::max(parent.height, height + 1);
    if (parent.value.IsArray()) {
      parent.value.AsArray().push_back(std::move(v));
    } else {
      parent.value.AsObject().push_back(json::Member{std::move(parent.key), std::move(v)});
      parent.key.clear();
      parent.have_key = false;
    }
  }

  static bool KeyIsNew(Frame& frame, const std::string& key) {
    const json::Object& members = frame.value.AsObject();
    if (members.size() < kLinearKeyScan) {
      for (const json::Member& m : members) {
        if (m.key == key) return false;
      }
      return true;
    }
    if (frame.keys.empty()) {
      for (const json::Member& m : members) frame.keys.insert(m.key);
    }
    return frame.keys.insert(key).second;
  }

  std::string ChildPointer() const {
    if (stack_.empty()) return {};
    const Frame& top = stack_.back();
    if (top.value.IsArray()) return top.pointer + '/' + std::to_string(top.value.AsArray().size());
    return top.pointer + '/' + json::EscapeToken(top.key);
  }

  // Mapping members are anchored at their key, everything else at itself.
  Position ChildPosition(const YAML::Mark& mark) const {
    if (!stack_.empty() && stack_.back().value.IsObject()) return stack_.back().key_position;
    return ToPosition(mark);
  }

  std::string_view text_;
  const LoadOptions& options_;
  bool record_positions_;
  int documents_ = 0;
  std::vector<Frame> stack_;
  std::map<YAML::anchor_t, Anchored> anchors_;
  std::size_t nodes_ = 0;
  json::Value root_;
  std::optional<Error> failure_;
  SourceMap positions_;
};

// Rejects what yaml-cpp would misread: bytes that are not UTF-8 (it would
// guess UTF-16/32 from NUL bytes) and C0 control characters, which YAML does
// not allow in a stream. Returns the offset of the first bad byte, or npos.
std::size_t FindBadByte(std::string_view text, std::string* why) {
  std::size_t bad_utf8 = FindInvalidUtf8(text);
  for (std::size_t i = 0; i < text.size() && i < bad_utf8; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
      *why = c == 0 ? "NUL byte in YAML text" : "control character in YAML text";
      return i;
    }
  }
  if (bad_utf8 != std::string_view::npos) *why = "invalid UTF-8";
  return bad_utf8;
}

}  // namespace

Result<Document> ParseYaml(std::string_view text, std::string_view file,
                           const LoadOptions& options) {
  auto fail = [&](Error e) {
    e.file = std::string(file);
    return std::unexpected(std::move(e));
  };
  if (text.size() > options.max_bytes) {
    return fail(Error{ErrorCode::kLimit,
                      "input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                          std::to_string(options.max_bytes),
                      {},
                      {},
                      {}});
  }
  // Positions count from after a BOM, as editors show them.
  text.remove_prefix(Utf8BomLength(text));
  std::string why;
  if (std::size_t bad = FindBadByte(text, &why); bad != std::string_view::npos) {
    return fail(Error{ErrorCode::kSyntax, why, {}, LineIndex(text).PositionAt(bad), {}});
  }

  Builder builder(text, options, options.record_positions);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    // Two calls: the second must find no further document (the handler
    // aborts at the start of one).
    if (parser.HandleNextDocument(builder)) parser.HandleNextDocument(builder);
  } catch (const Abort&) {
    // The builder holds the error.
  } catch (const YAML::DeepRecursion& e) {
    builder.SetFailure(ErrorCode::kLimit, "nesting too deep for the YAML parser",
                       ToPosition(e.mark));
  } catch (const YAML::Exception& e) {
    builder.SetFailure(ErrorCode::kSyntax, e.msg, ToPosition(e.mark));
  } catch (const std::bad_alloc&) {
    builder.SetFailure(ErrorCode::kLimit, "out of memory while loading YAML", {});
  } catch (const std::exception& e) {
    builder.SetFailure(ErrorCode::kSyntax, e.what(), {});
  }
  if (builder.failure()) return fail(*builder.failure());

  Document doc;
  doc.file = std::string(file);
  doc.root = builder.TakeRoot();
  doc.positions = builder.TakePositions();
  return doc;
}

}  // namespace accord
