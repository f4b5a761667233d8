#include "regex_dfa.h"

#include <array>
#include <bitset>
#include <cstring>
#include <map>

namespace accord::internal {
namespace {

constexpr int kMaxAtoms = 62;  // expanded NFA positions (uint64 masks + start/accept)
constexpr std::size_t kMaxStates = 512;

using ByteSet = std::bitset<128>;  // ASCII only

struct Atom {
  ByteSet set;
  bool optional = false;  // may be skipped
  bool loop = false;      // may repeat (stays on a match)
};

bool IsMeta(char c) { return std::strchr("\\^$.|?*+()[]{}", c) != nullptr; }

bool IsPunct(char c) {
  return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
         (c >= '{' && c <= '~');
}

void AddDigits(ByteSet& s) {
  for (char c = '0'; c <= '9'; ++c) s.set(static_cast<unsigned char>(c));
}
void AddWord(ByteSet& s) {
  AddDigits(s);
  for (char c = 'a'; c <= 'z'; ++c) s.set(static_cast<unsigned char>(c));
  for (char c = 'A'; c <= 'Z'; ++c) s.set(static_cast<unsigned char>(c));
  s.set('_');
}

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  // The expanded atoms, or nullopt when the pattern is not a simple sequence.
  std::optional<std::vector<Atom>> Atoms(bool& anchored_start, bool& anchored_end) {
    anchored_start = Eat('^');
    std::vector<Atom> atoms;
    anchored_end = false;
    while (i_ < p_.size()) {
      if (p_[i_] == '$' && i_ + 1 == p_.size()) {
        anchored_end = true;
        ++i_;
        break;
      }
      ByteSet set;
      if (!ParseAtom(set)) return std::nullopt;
      int min = 1;
      int max = 1;  // -1: unbounded
      if (!ParseQuantifier(min, max)) return std::nullopt;
      Eat('?');  // lazy: same set of matching texts
      for (int k = 0; k < min; ++k) atoms.push_back(Atom{set, false, false});
      if (max < 0) {
        atoms.push_back(Atom{set, true, true});
      } else {
        for (int k = min; k < max; ++k) atoms.push_back(Atom{set, true, false});
      }
      if (atoms.size() > kMaxAtoms) return std::nullopt;
    }
    if (i_ != p_.size()) return std::nullopt;
    return atoms;
  }

 private:
  bool Eat(char c) {
    if (i_ < p_.size() && p_[i_] == c) {
      ++i_;
      return true;
    }
    return false;
  }

  // An escape after '\' (outside or inside a class): \d \w or punctuation.
  bool ParseEscape(ByteSet& set) {
    if (i_ >= p_.size()) return false;
    const char c = p_[i_++];
    if (c == 'd') {
      AddDigits(set);
    } else if (c == 'w') {
      AddWord(set);
    } else if (IsPunct(c)) {
      set.set(static_cast<unsigned char>(c));
    } else {
      return false;
    }
    return true;
  }

  bool ParseAtom(ByteSet& set) {
    const char c = p_[i_];
    if (static_cast<unsigned char>(c) >= 0x80 || c < 0x20) return false;
    if (c == '\\') {
      ++i_;
      return ParseEscape(set);
    }
    if (c == '[') {
      ++i_;
      return ParseClass(set);
    }
    if (IsMeta(c)) return false;
    set.set(static_cast<unsigned char>(c));
    ++i_;
    return true;
  }

  // One class member as a single character (for ranges), or nullopt.
  std::optional<char> ClassChar() {
    if (i_ >= p_.size()) return std::nullopt;
    char c = p_[i_];
    if (static_cast<unsigned char>(c) >= 0x80 || c < 0x20 || c == ']' || c == '[') {
      return std::nullopt;
    }
    if (c == '\\') {
      if (i_ + 1 >= p_.size() || !IsPunct(p_[i_ + 1])) return std::nullopt;
      c = p_[i_ + 1];
      i_ += 2;
      return c;
    }
    ++i_;
    return c;
  }

  bool ParseClass(ByteSet& set) {
    if (i_ < p_.size() && (p_[i_] == '^' || p_[i_] == ']')) return false;  // negation, empty
    while (i_ < p_.size() && p_[i_] != ']') {
      if (p_[i_] == '\\' && i_ + 1 < p_.size() && (p_[i_ + 1] == 'd' || p_[i_ + 1] == 'w')) {
        i_ += 1;
        if (!ParseEscape(set)) return false;
        continue;
      }
      std::optional<char> lo = ClassChar();
      if (!lo) return false;
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        if (p_[i_] == '\\' && i_ + 1 < p_.size() && (p_[i_ + 1] == 'd' || p_[i_ + 1] == 'w')) {
          return false;  // [a-\d]: a literal '-' in ECMA; rare, leave to RE2
        }
        std::optional<char> hi = ClassChar();
        if (!hi || *hi < *lo) return false;
        for (int c = *lo; c <= *hi; ++c) set.set(static_cast<std::size_t>(c));
      } else {
        set.set(static_cast<unsigned char>(*lo));
      }
    }
    return Eat(']');
  }

  bool ParseNumber(int& n) {
    const std::size_t start = i_;
    n = 0;
    while (i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '9') {
      n = n * 10 + (p_[i_++] - '0');
      if (n > kMaxAtoms) return false;
    }
    return i_ > start;
  }

  bool ParseQuantifier(int& min, int& max) {
    if (Eat('?')) {
      min = 0;
      max = 1;
    } else if (Eat('*')) {
      min = 0;
      max = -1;
    } else if (Eat('+')) {
      min = 1;
      max = -1;
    } else if (Eat('{')) {
      if (!ParseNumber(min)) return false;
      if (Eat('}')) {
        max = min;
        return true;
      }
      if (!Eat(',')) return false;
      if (Eat('}')) {
        max = -1;
        return true;
      }
      if (!ParseNumber(max) || max < min || !Eat('}')) return false;
    }
    return true;
  }

  std::string_view p_;
  std::size_t i_ = 0;
};

}  // namespace

std::optional<SimpleDfa> SimpleDfa::Build(std::string_view pattern) {
  bool anchored_start = false;
  bool anchored_end = false;
  Parser parser(pattern);
  std::optional<std::vector<Atom>> atoms = parser.Atoms(anchored_start, anchored_end);
  if (!atoms) return std::nullopt;
  const int n = static_cast<int>(atoms->size());  // accept position = n

  // Bytes that every atom treats alike share a class.
  SimpleDfa dfa;
  dfa.anchored_end_ = anchored_end;
  std::map<std::uint64_t, std::uint8_t> class_of_signature;
  std::array<std::uint64_t, 256> signature{};
  for (int b = 0; b < 256; ++b) {
    std::uint64_t sig = 0;
    for (int k = 0; k < n && b < 128; ++k) {
      if ((*atoms)[k].set.test(static_cast<std::size_t>(b))) sig |= std::uint64_t{1} << k;
    }
    signature[b] = sig;
    auto [it, inserted] =
        class_of_signature.emplace(sig, static_cast<std::uint8_t>(class_of_signature.size()));
    dfa.byte_class_[b] = it->second;
  }
  dfa.classes_ = static_cast<int>(class_of_signature.size());
  std::vector<std::uint64_t> class_signature(dfa.classes_);
  for (const auto& [sig, cls] : class_of_signature) class_signature[cls] = sig;

  // NFA position sets as masks over 0..n; bit 63 marks "search may still
  // start here" for patterns without `^` (kept in every state).
  const std::uint64_t accept_bit = std::uint64_t{1} << n;
  auto closure = [&](std::uint64_t s) {
    for (int k = 0; k < n; ++k) {
      if ((s >> k & 1) != 0 && (*atoms)[k].optional) s |= std::uint64_t{1} << (k + 1);
    }
    return s;
  };
  auto step = [&](std::uint64_t s, std::uint64_t sig) {
    std::uint64_t t = 0;
    for (int k = 0; k < n; ++k) {
      if ((s >> k & 1) == 0 || (sig >> k & 1) == 0) continue;
      t |= std::uint64_t{1} << (k + 1);
      if ((*atoms)[k].loop) t |= std::uint64_t{1} << k;
    }
    if (!anchored_start) t |= 1;  // a match may begin at the next position
    return closure(t);
  };

  std::map<std::uint64_t, std::uint16_t> id;
  std::vector<std::uint64_t> masks;
  auto intern = [&](std::uint64_t m) -> std::optional<std::uint16_t> {
    if (auto it = id.find(m); it != id.end()) return it->second;
    if (masks.size() >= kMaxStates) return std::nullopt;
    const auto k = static_cast<std::uint16_t>(masks.size());
    id.emplace(m, k);
    masks.push_back(m);
    return k;
  };
  dfa.start_ = *intern(closure(1));
  dfa.dead_ = *intern(0);
  for (std::size_t s = 0; s < masks.size(); ++s) {
    for (int c = 0; c < dfa.classes_; ++c) {
      std::uint64_t to = step(masks[s], class_signature[c]);
      // Without `$`, reaching accept is final: keep it absorbing.
      if (!anchored_end && (masks[s] & accept_bit) != 0) to = masks[s];
      std::optional<std::uint16_t> t = intern(to);
      if (!t) return std::nullopt;
      dfa.next_.push_back(*t);
    }
  }
  dfa.accepting_.resize(masks.size());
  for (std::size_t s = 0; s < masks.size(); ++s) dfa.accepting_[s] = (masks[s] & accept_bit) != 0;
  return dfa;
}

bool SimpleDfa::Search(std::string_view text) const {
  std::uint16_t s = start_;
  if (!anchored_end_ && accepting_[s]) return true;
  for (char ch : text) {
    s = next_[static_cast<std::size_t>(s) * classes_ + byte_class_[static_cast<unsigned char>(ch)]];
    if (s == dead_) return false;
    if (!anchored_end_ && accepting_[s]) return true;
  }
  return accepting_[s];
}

}  // namespace accord::internal
