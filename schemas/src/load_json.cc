// JSON loading: RapidJSON's SAX reader (iterative mode, so the parser itself
// never recurses) feeding a builder that enforces depth and duplicate keys.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "source_text.h"

namespace accord {
namespace {

constexpr unsigned kParseFlags = rapidjson::kParseIterativeFlag |
                                 rapidjson::kParseFullPrecisionFlag |
                                 rapidjson::kParseValidateEncodingFlag;

// Builds json::Value bottom-up. Containers under construction live on an
// explicit stack; the finished root is moved out at the end.
class Builder {
 public:
  Builder(const LoadOptions& options, const rapidjson::StringStream* stream,
          SourceMap* positions)
      : options_(options), stream_(stream), positions_(positions) {}

  bool Null() { return Emit(json::Value()); }
  bool Bool(bool b) { return Emit(json::Value(b)); }
  bool Int(int i) { return Emit(json::Value(json::Number(static_cast<std::int64_t>(i)))); }
  bool Uint(unsigned u) { return Emit(json::Value(json::Number(static_cast<std::int64_t>(u)))); }
  bool Int64(std::int64_t i) { return Emit(json::Value(json::Number(i))); }
  bool Uint64(std::uint64_t u) {
    if (u <= static_cast<std::uint64_t>(INT64_MAX)) {
      return Emit(json::Value(json::Number(static_cast<std::int64_t>(u))));
    }
    return Emit(json::Value(json::Number(static_cast<double>(u))));
  }
  bool Double(double d) { return Emit(json::Value(json::Number(d))); }
  bool RawNumber(const char*, rapidjson::SizeType, bool) { return false; }
  bool String(const char* s, rapidjson::SizeType n, bool) {
    return Emit(json::Value(std::string(s, n)));
  }
  bool StartObject() { return Open(json::Value(json::Object{})); }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    pending_key_.assign(s, n);
    if (positions_ != nullptr) key_offset_ = stream_->Tell();
    return true;
  }
  bool EndObject(rapidjson::SizeType) { return Close(); }
  bool StartArray() { return Open(json::Value(json::Array{})); }
  bool EndArray(rapidjson::SizeType) { return Close(); }

  json::Value TakeRoot() { return std::move(root_); }
  const Error* failure() const { return failure_ ? &*failure_ : nullptr; }

 private:
  struct Frame {
    json::Value value;
    std::string key_in_parent;
    std::string pointer;  // only with positions
  };

  bool Open(json::Value container) {
    if (stack_.size() >= options_.max_depth) {
      return Fail(ErrorCode::kLimit,
                  "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
    }
    std::string pointer;
    if (positions_ != nullptr) {
      pointer = ChildPointer();
      (*positions_)[pointer] = OffsetMark();
    }
    stack_.push_back(Frame{std::move(container), std::move(pending_key_), std::move(pointer)});
    pending_key_.clear();
    return true;
  }

  bool Close() {
    Frame frame = std::move(stack_.back());
    stack_.pop_back();
    if (frame.value.IsObject() && !CheckUniqueKeys(frame.value.AsObject())) return false;
    pending_key_ = std::move(frame.key_in_parent);
    return Attach(std::move(frame.value));
  }

  bool Emit(json::Value v) {
    if (++nodes_ > options_.max_nodes) {
      return Fail(ErrorCode::kLimit, "more than " + std::to_string(options_.max_nodes) + " values");
    }
    if (positions_ != nullptr) (*positions_)[ChildPointer()] = OffsetMark();
    return Attach(std::move(v));
  }

  bool Attach(json::Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    json::Value& parent = stack_.back().value;
    if (parent.IsArray()) {
      parent.AsArray().push_back(std::move(v));
    } else {
      parent.AsObject().push_back(json::Member{std::move(pending_key_), std::move(v)});
    }
    pending_key_.clear();
    return true;
  }

  bool CheckUniqueKeys(const json::Object& members) {
    if (members.size() < 2) return true;
    std::vector<const std::string*> keys;
    keys.reserve(members.size());
    for (const json::Member& m : members) keys.push_back(&m.key);
    std::sort(keys.begin(), keys.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    for (std::size_t i = 1; i < keys.size(); ++i) {
      if (*keys[i] == *keys[i - 1]) {
        return Fail(ErrorCode::kDuplicateKey, "duplicate key \"" + *keys[i] + "\"");
      }
    }
    return true;
  }

  // Pointer of the value about to be attached to the innermost container.
  std::string ChildPointer() const {
    if (stack_.empty()) return {};
    const Frame& top = stack_.back();
    if (top.value.IsArray()) return top.pointer + '/' + std::to_string(top.value.AsArray().size());
    return top.pointer + '/' + json::EscapeToken(pending_key_);
  }

  // Offsets are stashed in Position::line and turned into line/column once
  // parsing is done. Object members are anchored at their key.
  Position OffsetMark() const {
    bool in_object = !stack_.empty() && stack_.back().value.IsObject();
    return Position{static_cast<int>(in_object ? key_offset_ : stream_->Tell()), 0};
  }

  bool Fail(ErrorCode code, std::string message) {
    if (!failure_) failure_ = Error{code, std::move(message), {}, {}, {}};
    failure_offset_ = stream_->Tell();
    return false;
  }

 public:
  std::size_t failure_offset_ = 0;

 private:
  const LoadOptions& options_;
  const rapidjson::StringStream* stream_;
  SourceMap* positions_;
  std::vector<Frame> stack_;
  std::string pending_key_;
  std::size_t key_offset_ = 0;
  std::size_t nodes_ = 0;
  json::Value root_;
  std::optional<Error> failure_;
};

}  // namespace

Result<Document> ParseJson(std::string_view text, std::string_view file,
                           const LoadOptions& options) {
  if (text.size() > options.max_bytes) {
    Error e{ErrorCode::kLimit,
            "input is " + std::to_string(text.size()) + " bytes, over the limit of " +
                std::to_string(options.max_bytes),
            std::string(file), {}, {}};
    return std::unexpected(std::move(e));
  }
  // RapidJSON needs a NUL-terminated buffer; keep our own copy only when the
  // view is not already terminated.
  std::string copy(text);
  rapidjson::StringStream stream(copy.c_str());
  Document doc;
  doc.file = std::string(file);
  Builder builder(options, &stream, options.record_positions ? &doc.positions : nullptr);
  rapidjson::Reader reader;
  rapidjson::ParseResult ok = reader.Parse<kParseFlags>(stream, builder);
  LineIndex lines(copy);
  if (!ok) {
    Error e;
    if (builder.failure() != nullptr) {
      e = *builder.failure();
      e.position = lines.PositionAt(builder.failure_offset_);
    } else {
      e.code = ErrorCode::kSyntax;
      e.message = rapidjson::GetParseError_En(ok.Code());
      if (!e.message.empty() && e.message.back() == '.') e.message.pop_back();
      e.position = lines.PositionAt(ok.Offset());
    }
    e.file = std::string(file);
    return std::unexpected(std::move(e));
  }
  doc.root = builder.TakeRoot();
  for (auto& [ptr, pos] : doc.positions) pos = lines.PositionAt(static_cast<std::size_t>(pos.line));
  return doc;
}

}  // namespace accord
