// JSON loading: RapidJSON's SAX reader (iterative mode, so the parser itself
// never recurses) feeding a builder that enforces depth, node count and
// duplicate keys, and records where each value starts.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "load_json_fast.h"
#include "source_text.h"

namespace accord {
namespace {

// Numbers arrive as text (RawNumber) and are converted here: RapidJSON 1.1's
// own conversion turns 2e308 into infinity and has undefined behaviour on
// some inputs (clz of zero in DiyFp::Normalize).
constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseNumbersAsStringsFlag |
                                 rapidjson::kParseValidateEncodingFlag;

// Objects up to this size are checked for duplicate keys by a linear scan;
// bigger ones get a hash set.
constexpr std::size_t kLinearKeyScan = 16;

// RapidJSON's StringStream, minus its StreamTraits copy optimisation: the
// reader then works on this stream itself instead of local copies, so Tell()
// inside a handler callback is the true offset (just past a scalar or key,
// at the bracket for Start/End callbacks in iterative mode).
class TextStream {
 public:
  using Ch = char;
  explicit TextStream(const char* text) : head_(text), src_(text) {}
  Ch Peek() const { return *src_; }
  Ch Take() { return *src_++; }
  std::size_t Tell() const { return static_cast<std::size_t>(src_ - head_); }
  // Output side, unused (no in-situ parsing).
  Ch* PutBegin() { return nullptr; }
  void Put(Ch) {}
  void Flush() {}
  std::size_t PutEnd(Ch*) { return 0; }

 private:
  const Ch* head_;
  const Ch* src_;
};

// Builds json::Value bottom-up. Containers under construction live on an
// explicit stack; the finished root is moved out at the end.
//
// Offsets: in iterative mode RapidJSON calls StartObject/StartArray with the
// stream at the bracket, and scalar/key callbacks with the stream just past
// the token. `scan_from_` is the end of the previous token; the start of the
// next value or key is the first byte there that is not whitespace, ',' or ':'.
class Builder {
 public:
  Builder(std::string_view text, const LoadOptions& options, const TextStream* stream,
          bool record_positions)
      : text_(text), options_(options), stream_(stream), record_positions_(record_positions) {}

  bool Null() { return Emit(json::Value()); }
  bool Bool(bool b) { return Emit(json::Value(b)); }
  // Never called with kParseNumbersAsStringsFlag.
  bool Int(int) { return false; }
  bool Uint(unsigned) { return false; }
  bool Int64(std::int64_t) { return false; }
  bool Uint64(std::uint64_t) { return false; }
  bool Double(double) { return false; }
  // `s` is a number in JSON syntax (RapidJSON checked the grammar). Integer
  // literals that fit int64 stay exact; everything else is the nearest double.
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) {
    std::string_view text(s, n);
    if (text.find_first_of(".eE") == std::string_view::npos) {
      std::int64_t i = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
      if (ec == std::errc() && end == text.data() + text.size())
        return Emit(json::Value(json::Number(i)));
    }
    std::optional<double> d = ParseDecimalDouble(text);
    if (!d) {
      return Fail(ErrorCode::kSyntax, "number " + Quoted(text) + " is too large for a double",
                  TokenStart());
    }
    return Emit(json::Value(json::Number(*d)));
  }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    if (HasEncodedSurrogate(std::string_view(s, n)))
      return Fail(ErrorCode::kSyntax, "lone UTF-16 surrogate escape", TokenStart());
    return Emit(json::Value(std::string(s, n)));
  }
  bool StartObject() { return Open(json::Value(json::Object{})); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    std::size_t start = TokenStart();
    scan_from_ = stream_->Tell();
    if (HasEncodedSurrogate(std::string_view(s, n)))
      return Fail(ErrorCode::kSyntax, "lone UTF-16 surrogate escape", start);
    pending_key_.assign(s, n);
    key_offset_ = start;
    if (!KeyIsNew(stack_.back(), pending_key_)) {
      return Fail(ErrorCode::kDuplicateKey, "duplicate key " + Quoted(pending_key_), start);
    }
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(json::Value(json::Array{})); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  json::Value TakeRoot() { return std::move(root_); }
  // Where the token after the last one handled starts (for syntax errors).
  std::size_t NextTokenStart() const { return TokenStart(); }
  const std::optional<Error>& failure() const { return failure_; }
  std::size_t failure_offset() const { return failure_offset_; }
  // (pointer, byte offset) of every value, in document order.
  std::vector<std::pair<std::string, std::size_t>>& marks() { return marks_; }

 private:
  struct Frame {
    json::Value value;
    std::string key_in_parent;
    std::string pointer;                   // only with positions
    std::unordered_set<std::string> keys;  // only for big objects
  };

  bool Open(json::Value container) {
    std::size_t start = stream_->Tell();  // at the bracket
    scan_from_ = start + 1;
    if (stack_.size() >= options_.max_depth) {
      return Fail(ErrorCode::kLimit,
                  "nesting deeper than " + std::to_string(options_.max_depth) + " levels", start);
    }
    if (!CountNode(start)) return false;
    std::string pointer;
    if (record_positions_) {
      pointer = ChildPointer();
      marks_.emplace_back(pointer, MarkOffset(start));
    }
    stack_.push_back(Frame{std::move(container), std::move(pending_key_), std::move(pointer), {}});
    pending_key_.clear();
    return true;
  }

  bool Close() {
    scan_from_ = stream_->Tell() + 1;  // past the bracket
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    pending_key_ = std::move(frame.key_in_parent);
    Attach(std::move(frame.value));
    return true;
  }

  bool Emit(json::Value v) {
    std::size_t start = TokenStart();
    scan_from_ = stream_->Tell();
    if (!CountNode(start)) return false;
    if (record_positions_) marks_.emplace_back(ChildPointer(), MarkOffset(start));
    Attach(std::move(v));
    return true;
  }

  bool CountNode(std::size_t offset) {
    if (++nodes_ > options_.max_nodes) {
      return Fail(ErrorCode::kLimit, "more than " + std::to_string(options_.max_nodes) + " values",
                  offset);
    }
    return true;
  }

  void Attach(json::Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return;
    }
    json::Value& parent = stack_.back().value;
    if (parent.IsArray()) {
      parent.AsArray().push_back(std::move(v));
    } else {
      parent.AsObject().push_back(json::Member{std::move(pending_key_), std::move(v)});
    }
    pending_key_.clear();
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

  std::size_t TokenStart() const {
    std::size_t i = scan_from_;
    while (i < text_.size()) {
      char c = text_[i];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != ',' && c != ':') break;
      ++i;
    }
    return i;
  }

  // Pointer of the value about to be attached to the innermost container.
  std::string ChildPointer() const {
    if (stack_.empty()) return {};
    const Frame& top = stack_.back();
    if (top.value.IsArray()) return top.pointer + '/' + std::to_string(top.value.AsArray().size());
    return top.pointer + '/' + json::EscapeToken(pending_key_);
  }

  // Object members are anchored at their key, array elements at themselves.
  std::size_t MarkOffset(std::size_t value_start) const {
    bool in_object = !stack_.empty() && stack_.back().value.IsObject();
    return in_object ? key_offset_ : value_start;
  }

  bool Fail(ErrorCode code, std::string message, std::size_t offset) {
    if (!failure_) {
      failure_ = Error{code, std::move(message), {}, {}, {}};
      failure_offset_ = offset;
    }
    return false;
  }

  std::string_view text_;
  const LoadOptions& options_;
  const TextStream* stream_;
  bool record_positions_;
  std::vector<Frame> stack_;
  std::string pending_key_;
  std::size_t key_offset_ = 0;
  std::size_t scan_from_ = 0;
  std::size_t nodes_ = 0;
  json::Value root_;
  std::optional<Error> failure_;
  std::size_t failure_offset_ = 0;
  std::vector<std::pair<std::string, std::size_t>> marks_;
};

}  // namespace

Result<void> ParseJsonInto(std::string_view text, json::Value& out, const LoadOptions& options) {
  LoadOptions no_positions = options;
  no_positions.record_positions = false;
  if (detail::TryParseJsonFastInto(text, no_positions, out)) return {};
  auto doc = ParseJson(text, {}, no_positions);
  if (!doc) return std::unexpected(std::move(doc.error()));
  out = std::move(doc->root);
  return {};
}

Result<Document> ParseJson(std::string_view text, std::string_view file,
                           const LoadOptions& options) {
  auto fail = [&](ErrorCode code, std::string message, Position position) {
    return std::unexpected(Error{code, std::move(message), std::string(file), position, {}});
  };
  if (text.size() > options.max_bytes) {
    return fail(ErrorCode::kLimit,
                "input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                    std::to_string(options.max_bytes),
                {});
  }
  // Documents without positions (event streams) first try the fast path; it
  // declines anything it does not handle exactly like the code below.
  if (!options.record_positions) {
    if (std::optional<json::Value> fast = detail::TryParseJsonFast(text, options)) {
      Document doc;
      doc.file = std::string(file);
      doc.root = std::move(*fast);
      return doc;
    }
  }
  // RFC 8259 section 8.1: a parser may ignore a byte order mark. Positions are
  // counted from after it, as editors show them.
  text.remove_prefix(Utf8BomLength(text));
  // Line starts are only needed for errors and positions: built on demand,
  // so the common case (a valid event, no positions) never scans for them.
  std::optional<LineIndex> line_index;
  auto lines = [&]() -> const LineIndex& {
    if (!line_index) line_index.emplace(text);
    return *line_index;
  };
  // RapidJSON reads a NUL-terminated buffer and would stop at an embedded NUL,
  // silently ignoring what follows. A raw NUL is never valid JSON.
  if (std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    return fail(ErrorCode::kSyntax, "NUL byte in JSON text", lines().PositionAt(nul));
  }
  // RapidJSON 1.1's UTF-8 validation takes all continuation bytes of a
  // sequence without looking for the end: a text ending in a lead byte made
  // it read up to 3 bytes past the terminator. Pad with NULs (never valid
  // continuation bytes) so it reads them instead and reports bad encoding.
  std::string copy(text);
  copy.append(8, '\0');
  TextStream stream(copy.c_str());
  Builder builder(text, options, &stream, options.record_positions);
  rapidjson::Reader reader;
  rapidjson::ParseResult ok = reader.Parse<kParseFlags>(stream, builder);
  if (!ok) {
    if (builder.failure()) {
      Error e = *builder.failure();
      e.file = std::string(file);
      e.position = lines().PositionAt(builder.failure_offset());
      return std::unexpected(std::move(e));
    }
    std::string message = rapidjson::GetParseError_En(ok.Code());
    if (!message.empty() && message.back() == '.') message.pop_back();
    if (!message.empty() && message[0] >= 'A' && message[0] <= 'Z') message[0] += 'a' - 'A';
    // RapidJSON 1.1 reports a raw control character in a string as a bad escape.
    if (ok.Code() == rapidjson::kParseErrorStringEscapeInvalid && ok.Offset() < text.size() &&
        static_cast<unsigned char>(text[ok.Offset()]) < 0x20) {
      message = "unescaped control character in string";
    }
    // RapidJSON reports a bad literal ("tru") after reading it; point at its start.
    std::size_t offset = ok.Offset();
    if (ok.Code() == rapidjson::kParseErrorValueInvalid)
      offset = std::min(offset, builder.NextTokenStart());
    return fail(ErrorCode::kSyntax, std::move(message), lines().PositionAt(offset));
  }
  Document doc;
  doc.file = std::string(file);
  doc.root = builder.TakeRoot();
  for (auto& [pointer, offset] : builder.marks()) {
    doc.positions.emplace(std::move(pointer), lines().PositionAt(offset));
  }
  return doc;
}

}  // namespace accord
