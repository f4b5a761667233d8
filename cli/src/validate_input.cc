#include "validate_input.h"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <system_error>

namespace accord::cli {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

constexpr std::size_t kBufferSize = 1u << 20;

}  // namespace

bool IsNdjsonName(std::string_view path) {
  return EndsWith(path, ".ndjson") || EndsWith(path, ".jsonl");
}

bool IsDocumentName(std::string_view path) {
  return EndsWith(path, ".json") || EndsWith(path, ".yaml") || EndsWith(path, ".yml") ||
         IsNdjsonName(path);
}

ExpandedInputs ExpandInputs(const std::vector<std::string>& args, bool force_ndjson) {
  namespace fs = std::filesystem;
  ExpandedInputs out;
  auto kind_of = [force_ndjson](const std::string& p) {
    return force_ndjson || IsNdjsonName(p) ? InputKind::kNdjson : InputKind::kDocument;
  };
  for (const std::string& arg : args) {
    if (arg == "-") {
      out.inputs.push_back(Input{arg, InputKind::kStdin});
      continue;
    }
    std::error_code ec;
    fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      out.errors.push_back(Error{ErrorCode::kIo, "no such file or directory", arg, {}, {}});
      continue;
    }
    if (!fs::is_directory(st)) {
      out.inputs.push_back(Input{arg, kind_of(arg)});
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(arg, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
      out.errors.push_back(
          Error{ErrorCode::kIo, "cannot list directory: " + ec.message(), arg, {}, {}});
      continue;
    }
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        out.errors.push_back(
            Error{ErrorCode::kIo, "cannot list directory: " + ec.message(), arg, {}, {}});
        break;
      }
      std::error_code fec;
      if (!it->is_regular_file(fec)) continue;
      std::string p = it->path().generic_string();
      if (IsDocumentName(p)) found.push_back(std::move(p));
    }
    std::sort(found.begin(), found.end());
    for (std::string& p : found) {
      InputKind k = kind_of(p);
      out.inputs.push_back(Input{std::move(p), k});
    }
  }
  return out;
}

std::string PathToFileUri(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  std::string p = ec ? path : abs.lexically_normal().generic_string();
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (unsigned char c : p) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 std::strchr("-._~/!$&'()*+,;=:@", c) != nullptr;
    if (plain && c != 0) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string ShortenFileUris(std::string_view text, std::string_view dir_uri) {
  std::string out;
  if (dir_uri.empty()) return std::string(text);
  std::size_t from = 0;
  for (std::size_t at = text.find(dir_uri); at != std::string_view::npos;
       at = text.find(dir_uri, from)) {
    out.append(text.substr(from, at - from));
    from = at + dir_uri.size();
  }
  out.append(text.substr(from));
  return out;
}

LineReader::LineReader(std::FILE* file, std::size_t max_line)
    : file_(file), max_line_(max_line), buffer_(kBufferSize) {}

bool LineReader::Fill() {
  if (eof_ || error_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  std::size_t n = std::fread(buffer_.data() + end_, 1, buffer_.size() - end_, file_);
  end_ += n;
  if (n == 0) {
    if (std::ferror(file_)) error_ = true;
    eof_ = true;
    return false;
  }
  return true;
}

LineReader::Status LineReader::Next(std::string& line) {
  line.clear();
  if (begin_ == end_ && !Fill()) return error_ ? Status::kError : Status::kEnd;
  bool too_long = false;
  while (true) {
    const char* start = buffer_.data() + begin_;
    const char* nl = static_cast<const char*>(std::memchr(start, '\n', end_ - begin_));
    std::size_t take = nl != nullptr ? static_cast<std::size_t>(nl - start) : end_ - begin_;
    if (!too_long) {
      if (line.size() + take > max_line_) {
        too_long = true;
        std::string().swap(line);  // give the memory back
      } else {
        line.append(start, take);
      }
    }
    if (nl != nullptr) {
      begin_ += take + 1;
      break;
    }
    begin_ = end_ = 0;
    if (!Fill()) {
      if (error_) return Status::kError;
      break;  // a last line without "\n" still counts
    }
  }
  ++line_number_;
  if (too_long) return Status::kTooLong;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return Status::kLine;
}

bool IsBlank(std::string_view line) {
  return line.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

}  // namespace accord::cli
