#include "accord/schemas/canonical.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <openssl/evp.h>

namespace accord::json {
namespace {

constexpr double kTwo63 = 9223372036854775808.0;

// Non-integral (or out of int64 range) finite double, non-zero. Shortest
// round-tripping digits, laid out like ECMAScript's Number::toString (plain
// decimal for exponents in [-7, 21), else d.ddde±x) but without the '+' sign
// on positive exponents.
void AppendDouble(std::string& out, double d) {
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));  // "-1.25e+100"
  if (!sci.empty() && sci.front() == '-') {
    out += '-';
    sci.remove_prefix(1);
  }
  std::size_t e_pos = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e_pos)) {
    if (c != '.') digits += c;
  }
  int exp10 = std::atoi(std::string(sci.substr(e_pos + 1)).c_str());
  // value = 0.<digits> * 10^n
  const int k = static_cast<int>(digits.size());
  const int n = exp10 + 1;
  if (k <= n && n <= 21) {
    out += digits;
    out.append(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out.append(digits, 0, static_cast<std::size_t>(n));
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0.";
    out.append(static_cast<std::size_t>(-n), '0');
    out += digits;
  } else {
    out += digits[0];
    if (k > 1) {
      out += '.';
      out.append(digits, 1);
    }
    out += 'e';
    out += std::to_string(n - 1);
  }
}

void AppendNumber(std::string& out, const Number& num) {
  if (num.IsInt()) {
    out += std::to_string(num.AsInt());
    return;
  }
  double d = num.AsDouble();
  if (!std::isfinite(d)) {  // not JSON; the loaders never produce it
    out += "null";
    return;
  }
  if (d == 0) {  // also -0
    out += '0';
    return;
  }
  // Integral values that an int64 holds exactly are spelled as integers, so a
  // double and an int64 that compare equal (Number::operator==) spell alike.
  if (std::trunc(d) == d && d >= -kTwo63 && d < kTwo63) {
    out += std::to_string(static_cast<std::int64_t>(d));
    return;
  }
  AppendDouble(out, d);
}

void Write(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Kind::kNull:
      out += "null";
      break;
    case Kind::kBool:
      out += v.AsBool() ? "true" : "false";
      break;
    case Kind::kNumber:
      AppendNumber(out, v.AsNumber());
      break;
    case Kind::kString:
      AppendJsonString(out, v.AsString());
      break;
    case Kind::kArray: {
      out += '[';
      bool first = true;
      for (const Value& item : v.AsArray()) {
        if (!first) out += ',';
        first = false;
        Write(out, item);
      }
      out += ']';
      break;
    }
    case Kind::kObject: {
      const Object& members = v.AsObject();
      // The members in key order: on the stack for the usual small object
      // (an allocation per object: a tenth of the canonical text's instructions).
      constexpr std::size_t kOnStack = 16;
      std::array<const Member*, kOnStack> small;
      std::vector<const Member*> large;
      const Member** sorted = small.data();
      if (members.size() > kOnStack) {
        large.resize(members.size());
        sorted = large.data();
      }
      for (std::size_t i = 0; i < members.size(); ++i) sorted[i] = &members[i];
      // std::string's operator< compares char_traits<char>, i.e. as unsigned
      // bytes: byte-wise UTF-8 order, which is code point order.
      std::sort(sorted, sorted + members.size(),
                [](const Member* a, const Member* b) { return a->key < b->key; });
      out += '{';
      bool first = true;
      for (const Member* m : std::span(sorted, members.size())) {
        if (!first) out += ',';
        first = false;
        AppendJsonString(out, m->key);
        out += ':';
        Write(out, m->value);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string Canonicalize(const Value& v) {
  std::string out;
  Write(out, v);
  return out;
}

Sha256 Sha256Of(std::string_view bytes) {
  // The algorithm fetched once and one context per thread, reused:
  // EVP_Digest with EVP_sha256() fetches the implementation from the
  // provider (a locked lookup) and allocates a context on every call, which
  // cost more than hashing a schema of a few kilobytes.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA2-256", nullptr);
  struct CtxFree {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  thread_local const std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  Sha256 digest{};
  unsigned int len = 0;
  // These fail only when OpenSSL cannot allocate; the digest is then left
  // zeroed, which no real input hashes to.
  if (md == nullptr || ctx == nullptr || EVP_DigestInit_ex2(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest.data(), &len) != 1) {
    return Sha256{};
  }
  return digest;
}

std::string ToHex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kHex[b >> 4];
    out += kHex[b & 0xF];
  }
  return out;
}

std::string ToHex(const Sha256& digest) {
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest.data()), digest.size()));
}

std::string Fingerprint(const Value& v) { return ToHex(Sha256Of(Canonicalize(v))); }

}  // namespace accord::json
