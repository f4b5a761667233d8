#include "validate_locate.h"

#include <cstring>
#include <string>
#include <vector>

#include "accord/schemas/pointer.h"

namespace accord::cli {

namespace {

class Scanner {
 public:
  explicit Scanner(std::string_view text) : t_(text) {}

  std::size_t pos() const { return i_; }
  bool At(char c) const { return i_ < t_.size() && t_[i_] == c; }
  void Advance() { ++i_; }

  void SkipSpace() {
    while (i_ < t_.size() && (t_[i_] == ' ' || t_[i_] == '\t' || t_[i_] == '\n' || t_[i_] == '\r'))
      ++i_;
  }

  // At '"': reads the string, decoding escapes into `out`.
  bool ReadString(std::string& out) {
    out.clear();
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_++];
      if (c == '"') return true;
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i_ >= t_.size()) return false;
      char e = t_[i_++];
      switch (e) {
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          unsigned cp = 0;
          if (!Hex4(cp)) return false;
          if (cp >= 0xD800 && cp <= 0xDBFF && i_ + 1 < t_.size() && t_[i_] == '\\' &&
              t_[i_ + 1] == 'u') {
            i_ += 2;
            unsigned lo = 0;
            if (!Hex4(lo)) return false;
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          out += e;
          break;  // '"', '\\', '/'
      }
    }
    return false;
  }

  // At the first byte of a value: moves past it.
  bool SkipValue() {
    if (i_ >= t_.size()) return false;
    char c = t_[i_];
    if (c == '"') return SkipString();
    if (c == '{' || c == '[') {
      std::size_t depth = 0;
      while (i_ < t_.size()) {
        char d = t_[i_];
        if (d == '"') {
          if (!SkipString()) return false;
          continue;
        }
        if (d == '{' || d == '[') {
          ++depth;
        } else if (d == '}' || d == ']') {
          if (--depth == 0) {
            ++i_;
            return true;
          }
        }
        ++i_;
      }
      return false;
    }
    while (i_ < t_.size() && std::strchr(",}] \t\r\n", t_[i_]) == nullptr) ++i_;
    return true;
  }

 private:
  bool SkipString() {
    ++i_;
    while (i_ < t_.size()) {
      char c = t_[i_++];
      if (c == '\\') {
        ++i_;
      } else if (c == '"') {
        return true;
      }
    }
    return false;
  }

  bool Hex4(unsigned& cp) {
    if (i_ + 4 > t_.size()) return false;
    for (int k = 0; k < 4; ++k) {
      char h = t_[i_++];
      cp <<= 4;
      if (h >= '0' && h <= '9')
        cp |= static_cast<unsigned>(h - '0');
      else if (h >= 'a' && h <= 'f')
        cp |= static_cast<unsigned>(h - 'a' + 10);
      else if (h >= 'A' && h <= 'F')
        cp |= static_cast<unsigned>(h - 'A' + 10);
      else
        return false;
    }
    return true;
  }

  static void AppendUtf8(std::string& out, unsigned cp) {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  std::string_view t_;
  std::size_t i_ = 0;
};

// Canonical array index ("0", "17"; not "01", "-1", "").
std::optional<std::size_t> ParseIndex(const std::string& token) {
  if (token.empty() || token.size() > 18) return std::nullopt;
  if (token.size() > 1 && token[0] == '0') return std::nullopt;
  std::size_t n = 0;
  for (char c : token) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

}  // namespace

std::optional<std::size_t> LocateValue(std::string_view text, std::string_view pointer) {
  Result<std::vector<std::string>> tokens = json::SplitPointer(pointer);
  if (!tokens) return std::nullopt;
  Scanner s(text);
  s.SkipSpace();
  std::size_t anchor = s.pos();
  std::string key;
  for (const std::string& token : *tokens) {
    if (s.At('{')) {
      s.Advance();
      while (true) {
        s.SkipSpace();
        if (!s.At('"')) return std::nullopt;  // '}' (not found) or malformed
        std::size_t key_start = s.pos();
        if (!s.ReadString(key)) return std::nullopt;
        s.SkipSpace();
        if (!s.At(':')) return std::nullopt;
        s.Advance();
        s.SkipSpace();
        if (key == token) {
          anchor = key_start;
          break;
        }
        if (!s.SkipValue()) return std::nullopt;
        s.SkipSpace();
        if (!s.At(',')) return std::nullopt;
        s.Advance();
      }
    } else if (s.At('[')) {
      std::optional<std::size_t> index = ParseIndex(token);
      if (!index) return std::nullopt;
      s.Advance();
      for (std::size_t k = 0;; ++k) {
        s.SkipSpace();
        if (s.At(']')) return std::nullopt;
        if (k == *index) {
          anchor = s.pos();
          break;
        }
        if (!s.SkipValue()) return std::nullopt;
        s.SkipSpace();
        if (!s.At(',')) return std::nullopt;
        s.Advance();
      }
    } else {
      return std::nullopt;
    }
  }
  return anchor;
}

}  // namespace accord::cli
