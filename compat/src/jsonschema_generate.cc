// Schema-driven instance generation (jsonschema_model.h Generator, and the
// public accord/compat/instance_generator.h).
//
// Values are generated from the normal form (atoms), so they are candidates:
// most are valid, some are not (keywords the atoms over-approximate, such as
// dependentSchemas or `not`). Callers that need valid instances filter them
// with a validator; InstanceGenerator does so with the exact evaluator.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "accord/compat/instance_generator.h"
#include "jsonschema_model.h"

namespace accord::compat::jsc {

std::uint64_t NextRand(std::uint64_t& s) {
  // splitmix64
  s += 0x9E3779B97F4A7C15ull;
  std::uint64_t z = s;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

namespace {

std::uint64_t Pick(std::uint64_t& s, std::uint64_t n) { return n == 0 ? 0 : NextRand(s) % n; }

std::string FormatSample(const std::string& f, std::uint64_t& s, bool minimal) {
  int k = minimal ? 0 : static_cast<int>(Pick(s, 3));
  if (f == "date-time")
    return k == 0   ? "2024-01-01T00:00:00Z"
           : k == 1 ? "2023-06-15T12:30:45.5+02:00"
                    : "1999-12-31T23:59:59Z";
  if (f == "date") return k == 0 ? "2024-01-01" : k == 1 ? "2023-06-15" : "1999-12-31";
  if (f == "time") return k == 0 ? "00:00:00Z" : "12:30:45+02:00";
  if (f == "duration") return k == 0 ? "P1D" : "PT1H30M";
  if (f == "email" || f == "idn-email") return k == 0 ? "a@example.com" : "user.name@example.org";
  if (f == "hostname" || f == "idn-hostname") return k == 0 ? "example.com" : "host-1.example.org";
  if (f == "ipv4") return k == 0 ? "192.0.2.1" : "10.0.0.255";
  if (f == "ipv6") return k == 0 ? "2001:db8::1" : "::1";
  if (f == "uri" || f == "iri") return k == 0 ? "https://example.com/a" : "urn:example:x";
  if (f == "uri-reference" || f == "iri-reference") return k == 0 ? "/a/b" : "https://example.com/";
  if (f == "uri-template") return "https://example.com/{id}";
  if (f == "uuid")
    return k == 0 ? "123e4567-e89b-12d3-a456-426614174000" : "00000000-0000-0000-0000-000000000000";
  if (f == "regex") return "^a+$";
  if (f == "json-pointer") return k == 0 ? "/a/0" : "";
  if (f == "relative-json-pointer") return "0/a";
  return "x";
}

// A small ECMA regex sampler: enough of the syntax for typical `pattern`s.
class RegexSampler {
 public:
  RegexSampler(const std::string& p, std::uint64_t& s, bool minimal)
      : p_(p), s_(s), minimal_(minimal) {}
  std::string Run() {
    std::string out;
    Alt(out, 0);
    return out;
  }

 private:
  void Alt(std::string& out, int depth) {
    // Split top-level alternatives, pick one.
    std::vector<std::size_t> starts{i_};
    std::size_t save = i_;
    int level = 0;
    bool in_class = false;
    for (std::size_t j = i_; j < p_.size(); ++j) {
      char c = p_[j];
      if (c == '\\') {
        ++j;
        continue;
      }
      if (in_class) {
        if (c == ']') in_class = false;
        continue;
      }
      if (c == '[') in_class = true;
      if (c == '(') ++level;
      if (c == ')') {
        if (level == 0) break;
        --level;
      }
      if (c == '|' && level == 0) starts.push_back(j + 1);
    }
    std::size_t k = minimal_ ? 0 : Pick(s_, starts.size());
    i_ = starts[k];
    (void)save;
    Seq(out, depth);
    // Skip the remaining alternatives up to the closing ')' or end.
    SkipToGroupEnd();
  }
  void SkipToGroupEnd() {
    int level = 0;
    bool in_class = false;
    while (i_ < p_.size()) {
      char c = p_[i_];
      if (c == '\\') {
        i_ += 2;
        continue;
      }
      if (in_class) {
        if (c == ']') in_class = false;
        ++i_;
        continue;
      }
      if (c == '[') in_class = true;
      if (c == '(') ++level;
      if (c == ')') {
        if (level == 0) return;
        --level;
      }
      ++i_;
    }
  }
  void Seq(std::string& out, int depth) {
    while (i_ < p_.size() && p_[i_] != '|' && p_[i_] != ')') {
      std::size_t atom_start = i_;
      std::string piece;
      char c = p_[i_];
      if (c == '^' || c == '$') {
        ++i_;
        continue;
      }
      if (c == '(') {
        ++i_;
        if (p_.compare(i_, 2, "?:") == 0) {
          i_ += 2;
        } else if (p_.compare(i_, 2, "?<") == 0 && i_ + 2 < p_.size() && p_[i_ + 2] != '=' &&
                   p_[i_ + 2] != '!') {
          auto e = p_.find('>', i_);
          i_ = e == std::string::npos ? p_.size() : e + 1;
        } else if (p_.compare(i_, 1, "?") == 0) {
          // look-around: skip the group
          SkipToGroupEnd();
          if (i_ < p_.size()) ++i_;
          continue;
        }
        std::size_t group_start = i_;
        std::string g;
        if (depth < 20) Alt(g, depth + 1);
        if (i_ < p_.size() && p_[i_] == ')') ++i_;
        (void)group_start;
        piece = g;
        Repeat(out, piece, atom_start, true, group_start);
        continue;
      }
      piece = One();
      Repeat(out, piece, atom_start, false, 0);
    }
  }
  // Reads one non-group atom and returns a sample of it.
  std::string One() {
    char c = p_[i_];
    if (c == '.') {
      ++i_;
      return minimal_ ? "a" : std::string(1, "aZ0_ x"[Pick(s_, 6)]);
    }
    if (c == '[') return Class();
    if (c == '\\') return Escape();
    ++i_;
    return std::string(1, c);
  }
  std::string Escape() {
    ++i_;
    if (i_ >= p_.size()) return "\\";
    char e = p_[i_++];
    switch (e) {
      case 'd':
        return std::string(1, static_cast<char>('0' + (minimal_ ? 0 : Pick(s_, 10))));
      case 'D':
        return "a";
      case 'w':
        return minimal_ ? "a" : std::string(1, "aZ0_"[Pick(s_, 4)]);
      case 'W':
        return "-";
      case 's':
        return " ";
      case 'S':
        return "a";
      case 'b':
      case 'B':
        return "";
      case 'n':
        return "\n";
      case 't':
        return "\t";
      case 'r':
        return "\r";
      case 'u': {
        if (i_ + 4 <= p_.size()) {
          unsigned v = std::stoul(p_.substr(i_, 4), nullptr, 16);
          i_ += 4;
          if (v < 0x80) return std::string(1, static_cast<char>(v));
          return "a";
        }
        return "u";
      }
      default:
        if (std::isdigit(static_cast<unsigned char>(e))) return "";
        return std::string(1, e);
    }
  }
  std::string Class() {
    ++i_;
    bool neg = false;
    if (i_ < p_.size() && p_[i_] == '^') {
      neg = true;
      ++i_;
    }
    std::vector<std::pair<char, char>> ranges;
    bool first = true;
    while (i_ < p_.size() && (p_[i_] != ']' || first)) {
      first = false;
      char lo;
      if (p_[i_] == '\\') {
        std::size_t save = i_;
        ++i_;
        char e = i_ < p_.size() ? p_[i_++] : '\\';
        if (e == 'd') {
          ranges.emplace_back('0', '9');
          continue;
        }
        if (e == 'w') {
          ranges.emplace_back('a', 'z');
          ranges.emplace_back('_', '_');
          continue;
        }
        if (e == 's') {
          ranges.emplace_back(' ', ' ');
          continue;
        }
        if (e == 'D' || e == 'W' || e == 'S') {
          ranges.emplace_back('-', '-');
          continue;
        }
        (void)save;
        lo = e == 'n' ? '\n' : e == 't' ? '\t' : e;
      } else {
        lo = p_[i_++];
      }
      char hi = lo;
      if (i_ + 1 < p_.size() && p_[i_] == '-' && p_[i_ + 1] != ']') {
        ++i_;
        if (p_[i_] == '\\') {
          ++i_;
          hi = i_ < p_.size() ? p_[i_++] : lo;
        } else {
          hi = p_[i_++];
        }
      }
      ranges.emplace_back(lo, hi);
    }
    if (i_ < p_.size()) ++i_;  // ']'
    if (neg) {
      for (char cand : std::string("aZ0_x -.:/@")) {
        bool in = false;
        for (auto [l, h] : ranges)
          if (cand >= l && cand <= h) in = true;
        if (!in) return std::string(1, cand);
      }
      return "~";
    }
    if (ranges.empty()) return "";
    auto [l, h] = ranges[minimal_ ? 0 : Pick(s_, ranges.size())];
    if (h < l) h = l;
    char c =
        static_cast<char>(l + (minimal_ ? 0 : Pick(s_, static_cast<std::uint64_t>(h - l) + 1)));
    return std::string(1, c);
  }
  void Repeat(std::string& out, const std::string& first_sample, std::size_t atom_start, bool group,
              std::size_t group_start) {
    std::uint64_t lo = 1, hi = 1;
    if (i_ < p_.size()) {
      char q = p_[i_];
      if (q == '*') {
        lo = 0;
        hi = kInf;
        ++i_;
      } else if (q == '+') {
        lo = 1;
        hi = kInf;
        ++i_;
      } else if (q == '?') {
        lo = 0;
        hi = 1;
        ++i_;
      } else if (q == '{') {
        auto e = p_.find('}', i_);
        std::string body = e == std::string::npos ? "" : p_.substr(i_ + 1, e - i_ - 1);
        bool ok = !body.empty() && std::all_of(body.begin(), body.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) || c == ',';
        });
        if (ok) {
          auto comma = body.find(',');
          lo = std::stoull(body.substr(0, comma));
          if (comma == std::string::npos)
            hi = lo;
          else if (comma + 1 == body.size())
            hi = kInf;
          else
            hi = std::stoull(body.substr(comma + 1));
          i_ = e + 1;
        }
      }
      if (i_ < p_.size() && p_[i_] == '?') ++i_;  // lazy
    }
    std::uint64_t n = lo;
    if (!minimal_) {
      std::uint64_t span = hi == kInf ? 3 : std::min<std::uint64_t>(hi - lo, 3);
      n = lo + Pick(s_, span + 1);
    }
    n = std::min<std::uint64_t>(n, 64);
    std::size_t end = i_;
    for (std::uint64_t k = 0; k < n; ++k) {
      if (k == 0) {
        out += first_sample;
        continue;
      }
      // Re-sample the atom for variety.
      std::size_t save = i_;
      i_ = group ? group_start : atom_start;
      std::string again;
      if (group) {
        Alt(again, 1);
      } else {
        again = One();
      }
      out += again;
      i_ = save;
    }
    i_ = end;
  }

  const std::string& p_;
  std::uint64_t& s_;
  bool minimal_;
  std::size_t i_ = 0;
};

double IntLo(const Atom& a) {
  if (!a.lo.set) return -1e15;
  if (a.integer) return a.lo.excl ? std::floor(a.lo.v) + 1 : std::ceil(a.lo.v);
  return a.lo.v;
}
double IntHi(const Atom& a) {
  if (!a.hi.set) return 1e15;
  if (a.integer) return a.hi.excl ? std::ceil(a.hi.v) - 1 : std::floor(a.hi.v);
  return a.hi.v;
}

json::Value MakeNumber(double v, bool integral) {
  if (integral && std::fabs(v) < 9e15)
    return json::Value(static_cast<std::int64_t>(std::llround(v)));
  if (std::floor(v) == v && std::fabs(v) < 9e15) return json::Value(static_cast<std::int64_t>(v));
  return json::Value(v);
}

}  // namespace

std::string Generator::SampleRegex(const std::string& pattern, std::uint64_t& state, bool minimal) {
  RegexSampler s(pattern, state, minimal);
  return s.Run();
}

json::Value Generator::Gen(const Conj& c, std::uint64_t seed, int depth) {
  const AtomSet& set = n_.Of(c);
  if (set.atoms.empty() || depth > 48) return json::Value();
  std::uint64_t state = seed * 0x2545F4914F6CDD1Dull + 7;
  bool minimal = seed == 0;
  std::size_t k = 0;
  if (!minimal) {
    k = Pick(state, set.atoms.size());
  } else if (depth > 6) {
    // Prefer scalars deep down so recursive schemas terminate.
    for (std::size_t i = 0; i < set.atoms.size(); ++i)
      if (set.atoms[i].ty != Ty::kObj && set.atoms[i].ty != Ty::kArr) {
        k = i;
        break;
      }
  }
  if (!minimal && depth > 6) {
    for (std::size_t i = 0; i < set.atoms.size(); ++i)
      if (set.atoms[i].ty != Ty::kObj && set.atoms[i].ty != Ty::kArr && Pick(state, 2) == 0) {
        k = i;
        break;
      }
  }
  return GenAtom(set.atoms[k], c, state, minimal, depth);
}

json::Value Generator::GenAtom(const Atom& a, const Conj& conj, std::uint64_t& st, bool minimal,
                               int depth) {
  if (a.finite && !a.values.empty()) return a.values[minimal ? 0 : Pick(st, a.values.size())];
  auto sub_seed = [&]() -> std::uint64_t { return minimal || depth > 10 ? 0 : (NextRand(st) | 1); };
  switch (a.ty) {
    case Ty::kNull:
      return json::Value();
    case Ty::kBool:
      if (!a.allow_false) return json::Value(true);
      if (!a.allow_true) return json::Value(false);
      return json::Value(minimal ? false : Pick(st, 2) == 1);
    case Ty::kNum: {
      double lo = IntLo(a), hi = IntHi(a);
      bool integral = a.integer;
      double step = 0;
      for (const auto& [m, p] : a.mult) step = step == 0 ? m : step;
      if (a.integer && step != 0 && !IsMultiple(step, 1)) step = 0;
      std::vector<double> cands;
      auto add = [&](double v) {
        if (std::isfinite(v)) cands.push_back(v);
      };
      if (step > 0) {
        double first = std::ceil(lo / step) * step;
        if (a.lo.set && a.lo.excl && first <= a.lo.v) first += step;
        double zero_near = std::max(first, std::min(0.0, hi));
        zero_near = std::ceil(zero_near / step) * step;
        add(zero_near);
        add(first);
        double last = std::floor(hi / step) * step;
        if (a.hi.set && a.hi.excl && last >= a.hi.v) last -= step;
        add(last);
        add(first + step);
        add(first + step * static_cast<double>(Pick(st, 10)));
      } else {
        double base = std::max(lo, std::min(0.0, hi));
        if (a.lo.set && a.lo.excl && base <= a.lo.v) base = integral ? a.lo.v + 1 : a.lo.v + 0.5;
        if (a.hi.set && a.hi.excl && base >= a.hi.v)
          base = integral ? a.hi.v - 1 : (a.lo.set ? (a.lo.v + a.hi.v) / 2 : a.hi.v - 0.5);
        add(base);
        if (a.lo.set) add(a.lo.excl ? (integral ? std::floor(a.lo.v) + 1 : a.lo.v + 0.25) : lo);
        if (a.hi.set) add(a.hi.excl ? (integral ? std::ceil(a.hi.v) - 1 : a.hi.v - 0.25) : hi);
        double span = std::min(hi, lo + 1000.0) - lo;
        double r = lo + span * static_cast<double>(Pick(st, 1000)) / 1000.0;
        if (!a.lo.set) r = static_cast<double>(Pick(st, 2000)) - 1000.0;
        if (!a.lo.set && a.hi.set) r = std::min(r, hi);
        add(integral ? std::round(r) : r);
        if (!integral) add(base + 0.5);
      }
      double v = cands.empty() ? 0 : cands[minimal ? 0 : Pick(st, cands.size())];
      if (!a.not_mult.empty()) {
        for (int tries = 0; tries < 8; ++tries) {
          bool bad = false;
          for (double m : a.not_mult)
            if (IsMultiple(v, m)) bad = true;
          if (!bad) break;
          v += (a.not_mult[0] / 2);
        }
      }
      return MakeNumber(v, integral);
    }
    case Ty::kStr: {
      std::string s;
      if (!a.formats.empty()) {
        s = FormatSample(a.formats[0].first, st, minimal);
      } else if (!a.patterns.empty()) {
        s = SampleRegex(a.patterns[minimal ? 0 : Pick(st, a.patterns.size())].first, st, minimal);
      } else {
        std::uint64_t len = a.min_len;
        if (!minimal) len += Pick(st, 4) == 0 ? Pick(st, 40) : Pick(st, 6);
        len = std::min<std::uint64_t>(std::min(len, a.max_len), a.min_len + 256);
        static const char kChars[] = "abcxyzABC019 _-";
        for (std::uint64_t i = 0; i < len; ++i)
          s += minimal ? 'a' : kChars[Pick(st, sizeof(kChars) - 1)];
      }
      // Pad to the minimum length (keeps most patterns matching: appended at
      // the end only when the pattern is not end-anchored).
      std::size_t cps = 0;
      for (unsigned char c : s) cps += (c & 0xC0) != 0x80;
      if (cps < a.min_len) s += std::string(std::min<std::uint64_t>(a.min_len - cps, 4096), 'a');
      if (a.max_len != kInf && cps > a.max_len) s = s.substr(0, a.max_len);
      return json::Value(s);
    }
    case Ty::kArr: {
      std::uint64_t len = a.min_items;
      for (const ContainsC& c : a.contains) len = std::max(len, c.min);
      if (!minimal && depth < 8) len += Pick(st, 4);
      len = std::min<std::uint64_t>(len, a.max_items);
      len = std::min<std::uint64_t>(len, 64);
      if (depth > 10) len = std::min<std::uint64_t>(len, a.min_items);
      json::Array out;
      std::uint64_t contained = 0;
      for (std::uint64_t i = 0; i < len; ++i) {
        Conj ic = n_.ItemConj(a, i);
        if (!a.contains.empty() && contained < a.contains[0].min) {
          ic.push_back(a.contains[0].schema);
          ++contained;
        }
        if (n_.ConjEmpty(ic)) break;
        json::Value v = Gen(ic, sub_seed(), depth + 1);
        if (a.unique) {
          for (int t = 1; t < 12 && std::find(out.begin(), out.end(), v) != out.end(); ++t)
            v = Gen(ic, (NextRand(st) | 1), depth + 1);
        }
        out.push_back(std::move(v));
      }
      return json::Value(std::move(out));
    }
    case Ty::kObj: {
      json::Object out;
      // The names in `out`, hashed: a witness of n properties is built in
      // O(n), not with a scan of `out` per name (n^2).
      std::unordered_set<std::string> names;
      auto add = [&](const std::string& name) {
        if (names.contains(name)) return;
        Conj pc = n_.PropertyConj(a, name);
        if (n_.ConjEmpty(pc)) return;
        names.insert(name);
        out.push_back(json::Member{name, Gen(pc, sub_seed(), depth + 1)});
      };
      for (const auto& [name, p] : a.required) add(name);
      // Optional declared properties.
      std::vector<std::string> declared;
      for (NodeId c : a.obj) {
        const json::Value* props = n_.resolver().V(c).Find("properties");
        if (!props || !props->IsObject()) continue;
        for (const json::Member& m : props->AsObject()) declared.push_back(m.key);
      }
      if (!minimal && depth < 10) {
        for (const std::string& name : declared)
          if (out.size() < a.max_props && Pick(st, 2) == 0) add(name);
        if (out.size() < a.max_props && Pick(st, 5) == 0)
          add("extra" + std::to_string(Pick(st, 3)));
        // Pattern property names.
        for (NodeId c : a.obj) {
          const json::Value* pp = n_.resolver().V(c).Find("patternProperties");
          if (!pp || !pp->IsObject()) continue;
          for (const json::Member& m : pp->AsObject())
            if (out.size() < a.max_props && Pick(st, 3) == 0) add(SampleRegex(m.key, st, false));
        }
      }
      for (std::size_t i = 0; out.size() < a.min_props && i < declared.size(); ++i)
        add(declared[i]);
      for (int i = 0; out.size() < a.min_props && i < 64; ++i) add("p" + std::to_string(i));
      // dependentRequired: add the names they need; so do the `required`
      // lists of dependentSchemas (and schema-form dependencies) whose
      // trigger is present.
      for (int round = 0; round < 2; ++round) {
        for (const auto& [k, deps] : a.dep_required) {
          if (names.contains(k))
            for (const std::string& dname : deps) add(dname);
        }
        for (const auto& [k, node] : a.dep_schemas) {
          if (!names.contains(k)) continue;
          const json::Value& dv = n_.resolver().V(node);
          const json::Value* req = dv.IsObject() ? dv.Find("required") : nullptr;
          if (req && req->IsArray())
            for (const json::Value& q : req->AsArray())
              if (q.IsString()) add(q.AsString());
        }
      }
      return json::Value(std::move(out));
    }
  }
  return json::Value();
}

}  // namespace accord::compat::jsc

namespace accord::compat {

struct InstanceGenerator::Impl {
  Impl(const json::Value& s, const jsonschema::SchemaBundle* bundle, jsonschema::Dialect d)
      : schema(s),
        resolver(schema, "urn:accord:generator", d, bundle),
        evaluator(resolver, regexes),
        normalizer(resolver, regexes, evaluator),
        generator(normalizer) {}
  json::Value schema;
  jsc::RegexCache regexes;
  jsc::Resolver resolver;
  jsc::Evaluator evaluator;
  jsc::Normalizer normalizer;
  jsc::Generator generator;
};

InstanceGenerator::InstanceGenerator(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
InstanceGenerator::InstanceGenerator(InstanceGenerator&&) noexcept = default;
InstanceGenerator& InstanceGenerator::operator=(InstanceGenerator&&) noexcept = default;
InstanceGenerator::~InstanceGenerator() = default;

Result<InstanceGenerator> InstanceGenerator::Create(const json::Value& schema,
                                                    const GeneratorOptions& options) {
  auto impl = std::make_unique<Impl>(schema, options.bundle, options.default_dialect);
  if (auto ok = impl->resolver.CheckAll(); !ok) return std::unexpected(ok.error());
  return InstanceGenerator(std::move(impl));
}

json::Value InstanceGenerator::Candidate(std::uint64_t seed) {
  return impl_->generator.Gen(jsc::Conj{impl_->resolver.Root()}, seed);
}

std::optional<json::Value> InstanceGenerator::Generate(std::uint64_t seed, int attempts) {
  for (int i = 0; i < attempts; ++i) {
    // Seed 0: the minimal candidate first, then random ones.
    std::uint64_t s =
        seed == 0 && i == 0 ? 0 : seed * 1000003ull + static_cast<std::uint64_t>(i) + 1;
    json::Value v = Candidate(s);
    if (impl_->evaluator.Valid(impl_->resolver.Root(), v) == jsc::Tri::kTrue) return v;
  }
  return std::nullopt;
}

}  // namespace accord::compat
