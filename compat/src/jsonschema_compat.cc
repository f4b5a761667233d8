// The JSON Schema compatibility engine: compatible(W -> R).
//
// METHOD. The writer W (a conjunction of schema nodes) is normalised into a
// disjunction of per-type atoms (jsonschema_model.h; an over-approximation,
// so proving every atom is accepted by R proves W <= R). The reader R is
// never normalised as a whole: W <= allOf(R1..Rn) iff W <= Ri for every i,
// so each reader keyword is checked on its own against each writer atom:
//
//   reader keyword          writer atom a is accepted when ...
//   ----------------------  --------------------------------------------------
//   true / absent           always
//   false                   a is empty
//   type                    a's type is listed (number atom under "integer":
//                           a is integral: type integer, multipleOf integral)
//   enum / const            a is finite and every value is in the set
//   minimum / exclusive*    a's lower bound >= R's (inclusive/exclusive, the
//                           draft-04 boolean form; integers rounded inward)
//   maximum / exclusive*    symmetric
//   multipleOf m            a integral and 1 % m == 0, or a multipleOf k with
//                           k % m == 0 (decimal tolerance 1e-9)
//   minLength / maxLength   a's bounds within R's
//   pattern p               a carries the identical pattern p, or p matches
//                           every string (no assertion, matches "");
//                           otherwise PATTERN_ADDED / PATTERN_CHANGED (never
//                           silently passed: regex inclusion is not decided)
//   format f (known)        a carries format f; unknown formats annotate only
//   properties/patternProperties/additionalProperties
//                           for every name the writer or reader mentions, the
//                           writer's schema for that name <= the reader's; for
//                           all other names, region by region (which of the
//                           distinct patterns match), the same; under STRICT
//                           an open writer may send any name with any value,
//                           under LENIENT names the writer does not declare
//                           are not sent (those findings become warnings)
//   required n              n required by a, (LENIENT: reader default -> warning)
//   min/maxProperties       a's effective bounds (required names count; a
//                           closed model bounds the maximum)
//   propertyNames           every name the writer can send is accepted
//   dependentRequired / dependencies (array)
//                           a requires the names, or has the same dependency,
//                           or never has the trigger property
//   dependentSchemas / dependencies (schema)
//                           (a with the trigger required, intersected with the
//                           writer's own dependent schema) <= the schema
//   items/prefixItems/additionalItems
//                           position by position, writer item <= reader item;
//                           beyond both tuples, rest <= rest
//   min/maxItems, uniqueItems, contains/min/maxContains
//                           bounds; unique when a unique or maxItems <= 1;
//                           contains when a guarantees the matching items
//   allOf                   a <= every branch
//   anyOf                   a <= some branch (tried silently)
//   oneOf                   a <= branch i and a disjoint from every other
//                           branch (else ONE_OF_OVERLAP with a witness, or
//                           UNDECIDED_ONE_OF)
//   not X                   a disjoint from X (proved on atoms)
//   if/then/else            a disjoint from if: a <= else; a <= if: a <= then;
//                           otherwise a <= then and a <= else
//   $ref / $dynamicRef      the target; co-inductive: a (writer conjunction,
//                           reader node) pair being checked is assumed to hold
//                           when met again (recursive schemas terminate)
//   unevaluated*            as additional* for the names / positions the
//                           reader's allOf branches and $ref targets do not
//                           evaluate (anyOf/oneOf/if annotations ignored:
//                           a stricter reader, so still sound)
//
// Writer atoms with finite values (enum/const, booleans, null, small integer
// ranges) are checked exactly: each value is evaluated against R.
//
// WITNESSES. Each breaking finding gets candidate values at the location of
// the finding; each is embedded into a minimal writer document along the path
// from the root and kept only when the exact evaluator says: valid under W,
// invalid under R *at the finding's reader path* (the schemas/ validator's
// error locations; jsonschema_witness.h), repaired so that R rejects it
// nowhere else where possible. A finding without such a witness has severity
// UNDECIDED; one about a combinator (anyOf/oneOf/not/if) or an
// over-approximated writer atom is also renamed UNDECIDED_<keyword>.
#include "accord/compat/jsonschema_compat.h"

#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "accord/schemas/budget.h"
#include "accord/schemas/format.h"
#include "accord/schemas/pointer.h"
#include "document_path.h"
#include "jsonschema_check.h"
#include "jsonschema_model.h"
#include "jsonschema_witness.h"

namespace accord::compat {

namespace {

using namespace jsc;  // NOLINT

std::string Quote(const std::string& s) { return "'" + s + "'"; }

std::string Num(double v) {
  std::ostringstream o;
  o.precision(15);
  o << v;
  return o.str();
}

// Integral doubles become integer literals (nicer witnesses).
json::Value NumV(double v) {
  if (std::isfinite(v) && std::floor(v) == v && std::fabs(v) < 9e15)
    return json::Value(static_cast<std::int64_t>(v));
  return json::Value(v);
}

std::string ValueText(const json::Value& v) {
  std::string s = json::ToJson(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

struct Step {
  bool is_prop = true;
  std::string name;
  std::uint64_t index = 0;
  const Atom* atom = nullptr;
  const Conj* conj = nullptr;
};

// Generic values of every type: witnesses where the writer allows anything.
std::vector<json::Value> AnyValues() {
  return {json::Value("x"),
          json::Value(0),
          json::Value(0.5),
          json::Value(nullptr),
          json::Value(true),
          json::Value(json::Array{}),
          json::Value(json::Object{}),
          json::Value(""),
          json::Value(-1),
          json::Value(1e12),
          json::Value("~~~"),
          json::Value(json::Array{json::Value(1)}),
          json::Value(false)};
}

bool MatchesEverything(RegexCache& rx, const std::string& p) {
  if (p.find_first_of("^$") != std::string::npos) return false;
  if (p.find("\\b") != std::string::npos || p.find("\\B") != std::string::npos) return false;
  if (p.find("(?") != std::string::npos && p.find("(?:") == std::string::npos) return false;
  auto m = rx.Search(p, "");
  return m && *m;
}

// A witness computed once and shared by several findings (Witness holds
// the source; the value is copied out once, at the first read).
class FixedWitness final : public WitnessSource {
 public:
  explicit FixedWitness(json::Value v) : v_(std::move(v)) {}

 private:
  std::optional<json::Value> Build() const override { return v_; }
  json::Value v_;
};

// One schema's model: its resolver, evaluator, normaliser and generator,
// with their caches. They depend on the document, its base URI and bundle,
// the default dialect and the format mode, not on the schema's role: a
// diff's two checks share the two models (jsonschema_check.h).
struct SchemaModel {
  SchemaModel(const json::Value& schema, const std::string& base_uri,
              const jsonschema::SchemaBundle* bundle, const jsonschema::Validator* compiled,
              const JsonSchemaCheckOptions& o, RegexCache& rx)
      : resolver(schema, base_uri, o.default_dialect, bundle),
        evaluator(resolver, rx),
        normalizer(resolver, rx, evaluator),
        generator(normalizer),
        validator(schema, bundle, base_uri, o.default_dialect, compiled) {
    evaluator.assert_format = o.format == jsonschema::FormatMode::kAssert;
  }
  Resolver resolver;
  Evaluator evaluator;
  Normalizer normalizer;
  Generator generator;
  JudgeValidator validator;  // the witness judge's, shared by both directions
};

// The models of a writer and a reader (of an old and a new version).
struct SchemaModels {
  SchemaModels(const json::Value& writer, const json::Value& reader,
               const JsonSchemaCheckOptions& o)
      : writer(writer, o.writer_base_uri, o.bundle, o.writer_validator, o, rx),
        reader(reader, o.reader_base_uri, o.reader_bundle != nullptr ? o.reader_bundle : o.bundle,
               o.reader_validator, o, rx) {}
  RegexCache rx;
  SchemaModel writer, reader;
};

class Checker {
 public:
  // `o` is this check's (writer -> reader) options; `w` and `r` are the
  // writer's and the reader's models, made with the same options (their
  // base URI and bundle as `o` gives them).
  Checker(const json::Value& writer, const json::Value& reader, const JsonSchemaCheckOptions& o,
          SchemaModel& w, SchemaModel& r, RegexCache& rx)
      : opt_(o),
        writer_(writer),
        reader_(reader),
        rx_(rx),
        wr_(w.resolver),
        rr_(r.resolver),
        wev_(w.evaluator),
        rev_(r.evaluator),
        wn_(w.normalizer),
        rn_(r.normalizer),
        gen_(w.generator),
        rgen_(r.generator),
        wjv_(w.validator),
        rjv_(r.validator),
        budget_(o.budget) {}

  Result<void> Prepare() {
    if (auto ok = wr_.CheckAll(); !ok) {
      Error e = ok.error();
      if (e.file.empty()) e.file = "writer";
      return std::unexpected(e);
    }
    if (auto ok = rr_.CheckAll(); !ok) {
      Error e = ok.error();
      if (e.file.empty()) e.file = "reader";
      return std::unexpected(e);
    }
    return {};
  }

  Report Run() {
    Sub(Conj{wr_.Root()}, rr_.Root());
    Report r;
    for (Finding& f : findings_) r.Add(std::move(f));
    return r;
  }

 private:
  // ------------------------------------------------------------ findings
  struct Pending {
    JsonSchemaKind kind = JsonSchemaKind::kTypeChanged;  // (every Flag names its kind)
    Severity severity = Severity::kBreaking;
    std::string wpath, rpath, message;
    std::vector<json::Value> candidates;  // at the current level
    const Atom* atom = nullptr;           // writer atom at this level (samples)
    const Conj* conj = nullptr;
    std::optional<JsonSchemaKind> undecided;  // kind to use when no witness is found
    std::vector<json::Value> documents;       // whole-document candidates (not embedded)
    // A witness already known to be what FindWitness would return (shared
    // among findings; FirstCandidateWitness): the search is skipped.
    std::shared_ptr<const WitnessSource> proven;
  };

  bool Silent() const { return silent_ > 0; }

  // The UNDECIDED_* kind for a reason the writer's normal form
  // over-approximates (Atom::approx, jsonschema_compat_normal.cc).
  static JsonSchemaKind UndecidedKindFor(std::string_view approx) {
    if (approx == "CONTAINS") return JsonSchemaKind::kUndecidedContains;
    if (approx == "UNEVALUATED") return JsonSchemaKind::kUndecidedUnevaluated;
    if (approx == "DYNAMIC_REF") return JsonSchemaKind::kUndecidedDynamicRef;
    if (approx == "NOT") return JsonSchemaKind::kUndecidedNot;
    return JsonSchemaKind::kUndecidedCombinator;  // "COMBINATOR"
  }

  // Records a finding (unless silent). Returns false for a breaking finding
  // (for `ok &= ...`), true for warnings.
  bool Flag(Pending p) {
    bool result = p.severity != Severity::kBreaking;
    if (Silent()) {
      if (!result) ++silent_failures_;
      return result;
    }
    std::string key = std::string(DescribeKind(p.kind).name) + "|" + p.wpath + "|" + p.rpath;
    if (!seen_.insert(key).second) return result;
    Finding f;
    f.kind = p.kind;
    f.severity = p.severity;
    // A path into a bundle document carries its URI (document_path.h).
    auto [wdoc, wptr] = internal::SplitDocumentPath(p.wpath);
    auto [rdoc, rptr] = internal::SplitDocumentPath(p.rpath);
    f.writer_document = wdoc;
    f.writer_path = wptr;
    f.reader_document = rdoc;
    f.reader_path = rptr;
    f.message = p.message;
    // A warning needs no witness; a break is BREAKING only with a witness
    // that proves it (jsonschema_witness.h), else UNDECIDED.
    if (f.severity != Severity::kSafe)
      f.witness = p.proven && !exhausted_ ? Witness(p.proven) : Witness(FindWitness(p));
    bool approx = p.atom && !p.atom->approx.empty();
    if (!f.witness && f.severity == Severity::kBreaking) {
      f.severity = Severity::kUndecided;
      if (p.undecided) {
        f.kind = *p.undecided;
        f.message = "undecided: " + f.message;
      } else if (approx) {
        f.kind = UndecidedKindFor(p.atom->approx.front());
        f.message = "undecided (writer uses " + p.atom->approx.front() + "): " + f.message;
      } else {
        f.message = "undecided (no event was found that proves it): " + f.message;
      }
    }
    findings_.push_back(std::move(f));
    return result;
  }

  json::Value Embed(const json::Value& leaf, std::uint64_t seed) {
    json::Value v = leaf;
    for (std::size_t k = chain_.size(); k-- > 0;) {
      const Step& s = chain_[k];
      std::uint64_t st = seed * 7919 + k + 1;
      json::Value parent = gen_.GenAtom(*s.atom, *s.conj, st, seed == 0, static_cast<int>(k));
      if (s.is_prop) {
        if (!parent.IsObject()) parent = json::Value(json::Object{});
        bool set = false;
        for (json::Member& m : parent.AsObject())
          if (m.key == s.name) {
            m.value = v;
            set = true;
          }
        if (!set) parent.Add(s.name, v);
      } else {
        if (!parent.IsArray()) parent = json::Value(json::Array{});
        json::Array& arr = parent.AsArray();
        while (arr.size() <= s.index) {
          Conj ic = wn_.ItemConj(*s.atom, arr.size());
          arr.push_back(gen_.Gen(ic, seed, static_cast<int>(k) + 1));
        }
        arr[s.index] = v;
      }
      v = std::move(parent);
    }
    return v;
  }

  WitnessJudge& Judge() {
    if (!judge_) judge_ = std::make_unique<WitnessJudge>(wjv_, rjv_, wr_, rr_, wev_, rev_, rn_);
    return *judge_;
  }

  // The witness FindWitness returns for a finding at `rpath` whose first
  // candidate is `leaf` and which has no whole-document candidates, when
  // that candidate, embedded at seed 0, proves it alone (the search stops
  // there); else null. Several findings whose first candidate is the same
  // leaf at the same path share it: FindWitness's answer depends only on
  // the document and the path, so it would be this document for each.
  std::shared_ptr<const WitnessSource> FirstCandidateWitness(const json::Value& leaf,
                                                             const std::string& rpath) {
    if (exhausted_) return nullptr;
    json::Value doc = Embed(leaf, 0);
    if (wev_.Valid(wr_.Root(), doc) == Tri::kFalse || rev_.Valid(rr_.Root(), doc) == Tri::kTrue)
      return nullptr;
    if (Judge().Judge(doc, rpath) != Proof::kClean) return nullptr;
    return std::make_shared<const FixedWitness>(std::move(doc));
  }

  std::optional<json::Value> FindWitness(const Pending& p) {
    if (exhausted_) return std::nullopt;
    std::vector<json::Value> cands = p.candidates;
    if (p.atom && p.conj) {
      for (std::uint64_t s = 0; s < 10; ++s) {
        std::uint64_t st = s * 31 + 3;
        cands.push_back(
            gen_.GenAtom(*p.atom, *p.conj, st, s == 0, static_cast<int>(chain_.size())));
      }
      // Boundary probes across sizes and magnitudes.
      const Atom& a = *p.atom;
      if (a.ty == Ty::kStr && a.patterns.empty() && a.formats.empty())
        for (std::uint64_t n : {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 16, 33, 64, 257})
          if (n >= a.min_len && n <= a.max_len) cands.emplace_back(std::string(n, 'a'));
      if (a.ty == Ty::kNum)
        for (double v : {0.0, 1.0, -1.0, 0.5, 2.0, 10.0, 100.0, -100.0, 1e6, -1e6, 1e15})
          cands.push_back(NumV(v));
      if (a.ty == Ty::kArr)
        for (std::uint64_t n : {0, 1, 2, 3, 5, 8, 17}) {
          if (n < a.min_items || n > a.max_items) continue;
          Atom b = a;
          b.min_items = b.max_items = n;
          std::uint64_t st = n + 99;
          cands.push_back(gen_.GenAtom(b, *p.conj, st, true, 0));
        }
    }
    // Minimal embeddings first (cheap, readable), then random ones. The
    // first document the reader rejects only at the finding's path wins;
    // else one rejected there and elsewhere too, repaired where possible.
    WitnessJudge& judge = Judge();
    int tries = 0;
    std::optional<json::Value> proves;
    std::vector<json::Value> unrelated;
    for (const json::Value& doc : p.documents) {
      Proof q = judge.Judge(doc, p.rpath);
      if (q == Proof::kClean) return doc;
      if (q == Proof::kProves && !proves) proves = doc;
    }
    for (std::uint64_t seed = 0; seed < 3 && tries <= 120; ++seed) {
      for (const json::Value& c : cands) {
        if (++tries > 120) break;
        json::Value doc = Embed(c, seed);
        // The engine's evaluator first: cheap, and it rules most candidates out.
        if (wev_.Valid(wr_.Root(), doc) == Tri::kFalse || rev_.Valid(rr_.Root(), doc) == Tri::kTrue)
          continue;
        Proof q = judge.Judge(doc, p.rpath);
        if (q == Proof::kClean) return doc;
        if (q == Proof::kProves && !proves)
          proves = std::move(doc);
        else if (q == Proof::kUnrelated && unrelated.size() < 3)
          unrelated.push_back(std::move(doc));
      }
      // A minimal embedding that proves the finding, repaired so that it
      // proves it alone, is more readable than a random one that does.
      if (seed == 0 && proves) {
        Proof q;
        json::Value repaired = judge.Repair(*proves, p.rpath, q);
        if (q == Proof::kClean) return repaired;
      }
      if (chain_.empty()) break;
    }
    if (proves) {
      Proof q;
      json::Value repaired = judge.Repair(*proves, p.rpath, q);
      return q == Proof::kClean ? repaired : *proves;
    }
    for (json::Value& doc : unrelated) {
      Proof q;
      json::Value repaired = judge.Repair(std::move(doc), p.rpath, q);
      if (q == Proof::kClean || q == Proof::kProves) return repaired;
    }
    return std::nullopt;
  }

  bool Spend() {
    if (exhausted_) return false;
    // The check's own budget (options), or the request's (budget.h).
    if (budget_ == 0 || !ChargeWork(1)) {
      exhausted_ = true;
      Finding f;
      f.kind = JsonSchemaKind::kUndecidedBudget;
      f.severity = Severity::kUndecided;
      f.message =
          "the comparison exceeded its work budget (deep nesting or recursion); "
          "treated as incompatible";
      findings_.push_back(std::move(f));
      return false;
    }
    --budget_;
    return true;
  }

  // ------------------------------------------------------------ helpers
  std::string WPath(const AtomSet& ws) const {
    return ws.conj.empty() ? std::string() : wr_.Path(ws.conj.front());
  }
  static std::string Kp(const std::string& base, std::string_view kw) {
    return base + "/" + json::EscapeToken(kw);
  }

  // Follows pure references (draft-07 and older: $ref hides its siblings)
  // so equal schemas meet under one memo key.
  NodeId FollowR(NodeId r) {
    for (int i = 0; i < 64 && r != kNoNode; ++i) {
      NodeId t = rn_.PureRefTarget(r);
      if (t == kNoNode) return r;
      r = t;
    }
    return r;
  }
  Conj CanonW(const Conj& c) {
    Conj out;
    for (NodeId n : c) {
      if (n == kNoNode) continue;
      for (int i = 0; i < 64; ++i) {
        NodeId t = wn_.PureRefTarget(n);
        if (t == kNoNode) break;
        n = t;
      }
      if (wn_.IsTrue(n)) continue;
      out.push_back(n);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  // Identical schemas (equal JSON, same dialect, references resolving to
  // identical schemas, co-inductively) accept the same documents.
  bool Same(NodeId w, NodeId r) {
    auto key = std::make_pair(w, r);
    if (auto it = same_.find(key); it != same_.end()) return it->second != 0;
    if (wr_.D(w) != rr_.D(r) || !(wr_.V(w) == rr_.V(r))) {
      same_[key] = 0;
      return false;
    }
    same_[key] = 2;  // in progress: assumed
    bool ok = SameRefs(wr_.V(w), rr_.V(r), 0);
    same_[key] = ok ? 1 : 0;
    return ok;
  }
  bool SameRefs(const json::Value& a, const json::Value& b, int depth) {
    if (depth > 200) return false;
    if (a.IsArray()) {
      for (std::size_t i = 0; i < a.AsArray().size(); ++i)
        if (!SameRefs(a.AsArray()[i], b.AsArray()[i], depth + 1)) return false;
      return true;
    }
    if (!a.IsObject()) return true;
    for (std::string_view kw : {"$ref", "$dynamicRef", "$recursiveRef"}) {
      const json::Value* ra = a.Find(kw);
      if (!ra || !ra->IsString()) continue;
      NodeId wa = wr_.Find(&a), rb = rr_.Find(&b);
      if (wa == kNoNode || rb == kNoNode) return false;
      NodeId ta = wr_.RefTarget(wa, kw), tb = rr_.RefTarget(rb, kw);
      if (ta == kNoNode || tb == kNoNode) return false;
      if (kw != "$ref") return false;  // dynamic scope may differ
      if (!Same(ta, tb)) return false;
    }
    for (const json::Member& m : a.AsObject()) {
      const json::Value* bm = rr_.Member(b, m.key);
      if (!bm || !SameRefs(m.value, *bm, depth + 1)) return false;
    }
    return true;
  }

  // Does the reader node admit values of this atom's type (its own `type`
  // keyword only; conservative: true when unsure)?
  bool AdmitsType(NodeId r, const Atom& a) {
    r = FollowR(r);
    const json::Value& v = rr_.V(r);
    if (v.IsBool()) return v.AsBool();
    if (!v.IsObject()) return true;
    const json::Value* t = v.Find("type");
    if (!t) return true;
    auto ok = [&](const std::string& name) {
      switch (a.ty) {
        case Ty::kNull:
          return name == "null";
        case Ty::kBool:
          return name == "boolean";
        case Ty::kNum:
          return name == "number" || name == "integer";
        case Ty::kStr:
          return name == "string";
        case Ty::kArr:
          return name == "array";
        case Ty::kObj:
          return name == "object";
      }
      return false;
    };
    if (t->IsString()) return ok(t->AsString());
    if (t->IsArray()) {
      for (const json::Value& e : t->AsArray())
        if (e.IsString() && ok(e.AsString())) return true;
      return false;
    }
    return true;
  }

  // ------------------------------------------------------------ disjointness
  // True only when no instance is in both the writer atom `a` (of set ws)
  // and the reader conjunction x.
  bool Disjoint(const Atom& a, const AtomSet& ws, const Conj& x, int depth) {
    if (depth > 6) return false;
    if (a.finite) {
      for (const json::Value& v : a.values) {
        if (wev_.ValidConj(ws.conj, v) == Tri::kFalse) continue;
        if (rev_.ValidConj(x, v) != Tri::kFalse) return false;
      }
      return true;
    }
    const AtomSet& xs = rn_.Of(x);
    for (const Atom& b : xs.atoms) {
      if (b.ty != a.ty) continue;
      if (!DisjointAtoms(a, ws, b, xs, depth)) return false;
    }
    return true;
  }

  bool DisjointAtoms(const Atom& a, const AtomSet& ws, const Atom& b, const AtomSet& xs,
                     int depth) {
    Atom c = a;
    Atom bb = b;
    bb.finite = false;  // compare constraints; finite values are checked below
    bb.values.clear();
    if (!Normalizer::Merge(c, bb)) return true;
    if (b.finite) {
      bool all_out = true;
      for (const json::Value& v : b.values) {
        if (rev_.ValidConj(xs.conj, v) == Tri::kFalse) continue;
        if (wev_.ValidConj(ws.conj, v) != Tri::kFalse) all_out = false;
      }
      if (all_out) return true;
    }
    if (a.ty == Ty::kObj) {
      std::set<std::string> names;
      for (const auto& [k, p] : a.required) names.insert(k);
      for (const auto& [k, p] : b.required) names.insert(k);
      for (const std::string& n : names) {
        Conj wc = wn_.PropertyConj(a, n);
        Conj rc = rn_.PropertyConj(b, n);
        bool wreq = a.required.contains(n), rreq = b.required.contains(n);
        if (wreq && rn_.ConjEmpty(rc)) return true;
        if (rreq && wn_.ConjEmpty(wc)) return true;
        if (wreq && rreq) {
          const AtomSet& wps = wn_.Of(wc);
          bool all = true;
          for (const Atom& wa : wps.atoms)
            if (!Disjoint(wa, wps, rc, depth + 1)) {
              all = false;
              break;
            }
          if (all) return true;
        }
      }
    }
    return false;
  }

  // ------------------------------------------------------------ core
  // W (conjunction of writer nodes) <= reader node r.
  bool Sub(const Conj& w_in, NodeId r) {
    if (!Spend()) return false;
    r = FollowR(r);
    Conj w = CanonW(w_in);
    if (r == kNoNode || rn_.IsTrue(r)) return true;
    if (w.size() == 1 && Same(w[0], r)) return true;
    Conj key = w;  // (w, r): the writer's nodes, then the reader's node
    key.push_back(r);
    if (auto it = memo_.find(key); it != memo_.end()) {
      if (it->second.state == MemoState::kTrue) return true;
      if (it->second.state == MemoState::kInProgress) {
        assumption_depth_ = std::min(assumption_depth_, it->second.depth);
        return true;  // co-inductive hypothesis
      }
      if (Silent() || it->second.reported) return false;
    }
    int depth = static_cast<int>(stack_depth_);
    memo_[key] = MemoEntry{MemoState::kInProgress, depth, false};
    ++stack_depth_;
    int saved_assumption = assumption_depth_;
    assumption_depth_ = 1 << 30;
    const AtomSet& ws = wn_.Of(w);
    bool ok = CoverSet(ws, r);
    --stack_depth_;
    MemoEntry& e = memo_[key];
    if (!ok) {
      e = MemoEntry{MemoState::kFalse, depth, !Silent()};
    } else if (assumption_depth_ >= depth) {
      e = MemoEntry{MemoState::kTrue, depth, false};
    } else {
      memo_.erase(key);  // depended on an open hypothesis further up
    }
    assumption_depth_ = std::min(saved_assumption, assumption_depth_);
    return ok;
  }

  bool CoverSet(const AtomSet& ws, NodeId r) {
    bool ok = true;
    for (const Atom& a : ws.atoms) {
      ok &= CoverAtom(ws, a, r);
      if (exhausted_) return false;
    }
    return ok;
  }

  bool CoverAtom(const AtomSet& ws, const Atom& a, NodeId r) {
    if (!Spend()) return false;
    r = FollowR(r);
    if (r == kNoNode) return true;
    const json::Value& rv = rr_.V(r);
    std::string rp = rr_.Path(r);
    if (rv.IsBool()) {
      if (rv.AsBool()) return true;
      return Flag({.kind = JsonSchemaKind::kFalseSchema,
                   .wpath = WPath(ws),
                   .rpath = rp,
                   .message = "the reader's schema here is `false`: every " +
                              std::string(AtomTypeName(a)) + " the writer allows is rejected",
                   .atom = &a,
                   .conj = &ws.conj});
    }
    if (!rv.IsObject()) return true;
    // Direct reader cycles without descending ($ref to itself).
    std::pair<const Atom*, NodeId> here{&a, r};
    if (std::find(active_.begin(), active_.end(), here) != active_.end()) {
      return Flag({.kind = JsonSchemaKind::kUndecidedRef,
                   .wpath = WPath(ws),
                   .rpath = rp,
                   .message = "the reader's $ref chain loops without consuming the instance",
                   .undecided = JsonSchemaKind::kUndecidedRef});
    }
    active_.push_back(here);
    bool ok = CoverAtomBody(ws, a, r);
    active_.pop_back();
    return ok;
  }

  bool CoverAtomBody(const AtomSet& ws, const Atom& a, NodeId r) {
    const json::Value& rv = rr_.V(r);
    Dialect d = rr_.D(r);
    std::string rp = rr_.Path(r);
    std::string wp = WPath(ws);
    // Finite writer atoms: exact, value by value.
    if (a.finite) {
      bool ok = true;
      bool unknown = false;
      for (std::size_t k = 0; k < a.values.size(); ++k) {
        const json::Value& v = a.values[k];
        if (k + 8 < a.values.size()) rev_.PrefetchEnum(r, a.values[k + 8]);
        EvalFailure fail;
        Tri t = rev_.Valid(r, v, &fail);
        if (t == Tri::kTrue) continue;
        if (t == Tri::kUnknown) {
          unknown = true;
          continue;
        }
        ok &= ReportValue(ws, a, r, v, fail);
        if (Silent()) return false;
      }
      if (!unknown) return ok;
    }
    bool ok = true;
    // type
    if (const json::Value* t = rv.Find("type"); t && (t->IsString() || t->IsArray())) {
      std::vector<std::string> names;
      if (t->IsString()) names.push_back(t->AsString());
      if (t->IsArray())
        for (const json::Value& e : t->AsArray())
          if (e.IsString()) names.push_back(e.AsString());
      auto has = [&](std::string_view n) {
        return std::find(names.begin(), names.end(), n) != names.end();
      };
      bool accepted = false;
      bool narrowed_to_integer = false;
      switch (a.ty) {
        case Ty::kNull:
          accepted = has("null");
          break;
        case Ty::kBool:
          accepted = has("boolean");
          break;
        case Ty::kStr:
          accepted = has("string");
          break;
        case Ty::kArr:
          accepted = has("array");
          break;
        case Ty::kObj:
          accepted = has("object");
          break;
        case Ty::kNum: {
          if (has("number")) {
            accepted = true;
          } else if (has("integer")) {
            bool integral = a.integer;
            for (const auto& [m, p] : a.mult)
              if (IsMultiple(m, 1)) integral = true;
            accepted = integral;
            narrowed_to_integer = !integral;
          }
          break;
        }
      }
      if (!accepted) {
        std::string rtypes;
        for (const std::string& n : names) rtypes += (rtypes.empty() ? "" : ", ") + n;
        bool shared = false;
        for (const Atom& o : ws.atoms) {
          Atom probe;
          probe.ty = o.ty;
          if (o.ty == Ty::kNull) shared |= has("null");
          if (o.ty == Ty::kBool) shared |= has("boolean");
          if (o.ty == Ty::kNum) shared |= has("number") || has("integer");
          if (o.ty == Ty::kStr) shared |= has("string");
          if (o.ty == Ty::kArr) shared |= has("array");
          if (o.ty == Ty::kObj) shared |= has("object");
        }
        std::string msg;
        std::vector<json::Value> cands;
        if (narrowed_to_integer) {
          msg =
              "type narrowed from number to integer: events with a fractional number are "
              "rejected";
          double base = a.lo.set ? a.lo.v : 0;
          cands = {NumV(base + 0.5), NumV(0.5), NumV(-0.5), NumV(a.hi.set ? a.hi.v - 0.5 : 1.5)};
        } else {
          msg = std::string(shared ? "type narrowed" : "type changed") + ": the reader accepts " +
                rtypes + " but the writer allows " + std::string(AtomTypeName(a));
        }
        return Flag({.kind = shared || narrowed_to_integer ? JsonSchemaKind::kTypeNarrowed
                                                           : JsonSchemaKind::kTypeChanged,
                     .wpath = wp,
                     .rpath = Kp(rp, "type"),
                     .message = msg,
                     .candidates = cands,
                     .atom = &a,
                     .conj = &ws.conj});
      }
    }
    // $ref (draft-07 and older were followed already)
    if (rv.Find("$ref")) ok &= CoverAtom(ws, a, rr_.RefTarget(r, "$ref"));
    for (std::string_view kw : {"$dynamicRef", "$recursiveRef"}) {
      const json::Value* dr = rv.Find(kw);
      if (!dr || !dr->IsString()) continue;
      std::string anchor =
          kw == "$recursiveRef" ? "$recursive" : SplitFragment(dr->AsString()).second;
      if (rr_.DynamicAmbiguous(anchor)) {
        ok &= Flag({.kind = JsonSchemaKind::kUndecidedDynamicRef,
                    .wpath = wp,
                    .rpath = Kp(rp, kw),
                    .message = "the reader's " + std::string(kw) +
                               " resolves at run time to one of several schemas",
                    .atom = &a,
                    .conj = &ws.conj,
                    .undecided = JsonSchemaKind::kUndecidedDynamicRef});
      } else {
        ok &= CoverAtom(ws, a, rr_.RefTarget(r, kw));
      }
    }
    // enum / const (writer atom is infinite here)
    if (!a.finite) {
      const json::Value* en = rv.Find("enum");
      const json::Value* cn = d == Dialect::kDraft4 ? nullptr : rv.Find("const");
      if ((en && en->IsArray()) || cn) {
        bool is_const = cn != nullptr;
        ok &=
            Flag({.kind = is_const ? JsonSchemaKind::kConstAdded : JsonSchemaKind::kEnumAdded,
                  .wpath = wp,
                  .rpath = Kp(rp, is_const ? "const" : "enum"),
                  .message =
                      is_const ? "the reader only accepts the constant " + ValueText(*cn) +
                                     " where the writer allows any " + std::string(AtomTypeName(a))
                               : "the reader only accepts the listed values " + ValueText(*en) +
                                     " where the writer allows any " + std::string(AtomTypeName(a)),
                  .atom = &a,
                  .conj = &ws.conj});
      }
    }
    switch (a.ty) {
      case Ty::kNum:
        ok &= CheckNumber(ws, a, r);
        break;
      case Ty::kStr:
        ok &= CheckString(ws, a, r);
        break;
      case Ty::kArr:
        ok &= CheckArray(ws, a, r);
        break;
      case Ty::kObj:
        ok &= CheckObject(ws, a, r);
        break;
      default:
        break;
    }
    if (Silent() && !ok) return false;
    // allOf
    if (const json::Value* all = rv.Find("allOf"); all && all->IsArray())
      for (std::size_t i = 0; i < all->AsArray().size(); ++i)
        ok &= CoverAtom(ws, a, rr_.KwIdx(r, "allOf", i));
    if (const json::Value* any = rv.Find("anyOf"); any && any->IsArray())
      ok &= CheckAnyOf(ws, a, r, "anyOf");
    if (const json::Value* one = rv.Find("oneOf"); one && one->IsArray())
      ok &= CheckAnyOf(ws, a, r, "oneOf");
    if (NodeId nt = rr_.Kw(r, "not"); nt != kNoNode) {
      if (!Disjoint(a, ws, Conj{nt}, 0)) {
        // Values of the `not` schema itself ("x" for not: {const: "x"}): the
        // reader rejects each; the witness judge keeps those the writer allows.
        std::vector<json::Value> negated;
        for (std::uint64_t seed = 0; seed < 8; ++seed) negated.push_back(rgen_.Gen(Conj{nt}, seed));
        ok &= Flag({.kind = JsonSchemaKind::kNotExtended,
                    .wpath = wp,
                    .rpath = Kp(rp, "not"),
                    .message = "the reader's `not` rejects " + std::string(AtomTypeName(a)) +
                               " values the writer allows",
                    .candidates = std::move(negated),
                    .atom = &a,
                    .conj = &ws.conj,
                    .undecided = JsonSchemaKind::kUndecidedNot});
      }
    }
    if (d != Dialect::kDraft4 && d != Dialect::kDraft6) {
      NodeId ifn = rr_.Kw(r, "if");
      NodeId thn = rr_.Kw(r, "then"), eln = rr_.Kw(r, "else");
      if (ifn != kNoNode && (thn != kNoNode || eln != kNoNode))
        ok &= CheckIf(ws, a, r, ifn, thn, eln);
    }
    return ok;
  }

  bool ReportValue(const AtomSet& ws, const Atom& a, NodeId r, const json::Value& v,
                   const EvalFailure& fail) {
    static const std::unordered_map<std::string_view, JsonSchemaKind> kKinds = {
        {"type", JsonSchemaKind::kTypeChanged},
        {"enum", JsonSchemaKind::kEnumNarrowed},
        {"const", JsonSchemaKind::kConstChanged},
        {"minimum", JsonSchemaKind::kMinimumIncreased},
        {"maximum", JsonSchemaKind::kMaximumDecreased},
        {"exclusiveMinimum", JsonSchemaKind::kMinimumIncreased},
        {"exclusiveMaximum", JsonSchemaKind::kMaximumDecreased},
        {"multipleOf", JsonSchemaKind::kMultipleOfChanged},
        {"minLength", JsonSchemaKind::kMinLengthIncreased},
        {"maxLength", JsonSchemaKind::kMaxLengthDecreased},
        {"pattern", JsonSchemaKind::kPatternChanged},
        {"format", JsonSchemaKind::kFormatChanged},
        {"minItems", JsonSchemaKind::kMinItemsIncreased},
        {"maxItems", JsonSchemaKind::kMaxItemsDecreased},
        {"uniqueItems", JsonSchemaKind::kUniqueItemsAdded},
        {"contains", JsonSchemaKind::kContainsAdded},
        {"maxContains", JsonSchemaKind::kMaxContainsAdded},
        {"required", JsonSchemaKind::kRequiredAdded},
        {"minProperties", JsonSchemaKind::kMinPropertiesIncreased},
        {"maxProperties", JsonSchemaKind::kMaxPropertiesDecreased},
        {"additionalProperties", JsonSchemaKind::kAdditionalPropertiesNarrowed},
        {"propertyNames", JsonSchemaKind::kPropertyNamesNarrowed},
        {"anyOf", JsonSchemaKind::kAnyOfNarrowed},
        {"oneOf", JsonSchemaKind::kOneOfNarrowed},
        {"not", JsonSchemaKind::kNotExtended},
        {"false", JsonSchemaKind::kFalseSchema},
        {"dependencies", JsonSchemaKind::kDependentRequiredAdded},
        {"dependentRequired", JsonSchemaKind::kDependentRequiredAdded},
        {"dependentSchemas", JsonSchemaKind::kDependentSchemaAdded},
    };
    // The table holds every keyword the Evaluator fails with (its fail()
    // and ACCORD_EVAL_COMBINE calls; a combining keyword only when the
    // failure inside left no keyword of its own). Any other would be a
    // value of the writer's finite set missing from what the reader
    // accepts: ENUM_NARROWED / CONST_CHANGED. (VALUE_REJECTED, once this
    // fallback, was never emitted and is gone: issue 16.)
    JsonSchemaKind kind =
        a.values.size() == 1 ? JsonSchemaKind::kConstChanged : JsonSchemaKind::kEnumNarrowed;
    if (auto it = kKinds.find(fail.keyword); it != kKinds.end()) kind = it->second;
    if (fail.keyword == "enum" && a.values_path.empty()) kind = JsonSchemaKind::kEnumAdded;
    if (fail.keyword == "const" && a.values_path.empty()) kind = JsonSchemaKind::kConstAdded;
    if (fail.keyword == "type") {
      // Narrowed when the reader still accepts another writer type here
      // (or, for numbers, integers).
      if (a.ty == Ty::kNum && AdmitsType(r, a)) kind = JsonSchemaKind::kTypeNarrowed;
      for (const Atom& o : ws.atoms)
        if (o.ty != a.ty && AdmitsType(r, o)) kind = JsonSchemaKind::kTypeNarrowed;
    }
    return Flag({.kind = kind,
                 .wpath = a.values_path.empty() ? WPath(ws) : a.values_path,
                 .rpath = fail.schema_path.empty() ? rr_.Path(r) : fail.schema_path,
                 .message = "the writer allows the value " + ValueText(v) +
                            " but the reader rejects it (" + fail.keyword + ")",
                 .candidates = {v}});
  }

  // ------------------------------------------------------------ numbers
  bool CheckNumber(const AtomSet& ws, const Atom& a, NodeId r) {
    const json::Value& rv = rr_.V(r);
    Dialect d = rr_.D(r);
    std::string rp = rr_.Path(r);
    bool ok = true;
    // Effective writer bounds (integers rounded inward).
    Bound lo = a.lo, hi = a.hi;
    if (a.integer) {
      if (lo.set) {
        lo.v = lo.excl ? std::floor(lo.v) + 1 : std::ceil(lo.v);
        lo.excl = false;
      }
      if (hi.set) {
        hi.v = hi.excl ? std::ceil(hi.v) - 1 : std::floor(hi.v);
        hi.excl = false;
      }
    }
    auto check_lo = [&](double v, bool excl, const std::string& kw) {
      bool fine = lo.set && (lo.v > v || (lo.v == v && (!excl || lo.excl)));
      if (fine) return true;
      JsonSchemaKind kind = !lo.set     ? JsonSchemaKind::kMinimumAdded
                            : lo.v == v ? JsonSchemaKind::kExclusiveBoundAdded
                                        : JsonSchemaKind::kMinimumIncreased;
      std::string msg = !lo.set ? "the reader adds a lower bound (" + kw + " " + Num(v) +
                                      "): smaller numbers the writer allows are rejected"
                                : "lower bound raised from " + Num(lo.v) +
                                      (lo.excl ? " (exclusive)" : "") + " to " + Num(v) +
                                      (excl ? " (exclusive)" : "") +
                                      ": events with smaller numbers are rejected";
      std::vector<json::Value> c;
      if (lo.set && !lo.excl) c.push_back(NumV(lo.v));
      c.push_back(NumV(v));
      c.push_back(NumV(v - 1));
      c.push_back(NumV(std::floor(v) - 1));
      c.push_back(NumV(v - 0.5));
      if (lo.set) c.push_back(NumV((lo.v + v) / 2));
      c.push_back(NumV(-1e9));
      return Flag({.kind = kind,
                   .wpath = lo.set ? lo.path : WPath(ws),
                   .rpath = Kp(rp, kw),
                   .message = msg,
                   .candidates = c,
                   .atom = &a,
                   .conj = &ws.conj});
    };
    auto check_hi = [&](double v, bool excl, const std::string& kw) {
      bool fine = hi.set && (hi.v < v || (hi.v == v && (!excl || hi.excl)));
      if (fine) return true;
      JsonSchemaKind kind = !hi.set     ? JsonSchemaKind::kMaximumAdded
                            : hi.v == v ? JsonSchemaKind::kExclusiveBoundAdded
                                        : JsonSchemaKind::kMaximumDecreased;
      std::string msg = !hi.set ? "the reader adds an upper bound (" + kw + " " + Num(v) +
                                      "): larger numbers the writer allows are rejected"
                                : "upper bound lowered from " + Num(hi.v) +
                                      (hi.excl ? " (exclusive)" : "") + " to " + Num(v) +
                                      (excl ? " (exclusive)" : "") +
                                      ": events with larger numbers are rejected";
      std::vector<json::Value> c;
      if (hi.set && !hi.excl) c.push_back(NumV(hi.v));
      c.push_back(NumV(v));
      c.push_back(NumV(v + 1));
      c.push_back(NumV(std::ceil(v) + 1));
      c.push_back(NumV(v + 0.5));
      if (hi.set) c.push_back(NumV((hi.v + v) / 2));
      c.push_back(NumV(1e9));
      return Flag({.kind = kind,
                   .wpath = hi.set ? hi.path : WPath(ws),
                   .rpath = Kp(rp, kw),
                   .message = msg,
                   .candidates = c,
                   .atom = &a,
                   .conj = &ws.conj});
    };
    const json::Value* mn = rv.Find("minimum");
    const json::Value* mx = rv.Find("maximum");
    const json::Value* emn = rv.Find("exclusiveMinimum");
    const json::Value* emx = rv.Find("exclusiveMaximum");
    if (mn && mn->IsNumber()) {
      bool excl = d == Dialect::kDraft4 && emn && emn->IsBool() && emn->AsBool();
      ok &= check_lo(mn->AsNumber().AsDouble(), excl, "minimum");
    }
    if (mx && mx->IsNumber()) {
      bool excl = d == Dialect::kDraft4 && emx && emx->IsBool() && emx->AsBool();
      ok &= check_hi(mx->AsNumber().AsDouble(), excl, "maximum");
    }
    if (d != Dialect::kDraft4) {
      if (emn && emn->IsNumber())
        ok &= check_lo(emn->AsNumber().AsDouble(), true, "exclusiveMinimum");
      if (emx && emx->IsNumber())
        ok &= check_hi(emx->AsNumber().AsDouble(), true, "exclusiveMaximum");
    }
    if (const json::Value* m = rv.Find("multipleOf");
        m && m->IsNumber() && m->AsNumber().AsDouble() > 0) {
      double md = m->AsNumber().AsDouble();
      bool fine = a.integer && IsMultiple(1, md);
      for (const auto& [k, p] : a.mult)
        if (IsMultiple(k, md)) fine = true;
      if (!fine) {
        std::vector<json::Value> c;
        for (const auto& [k, p] : a.mult) {
          c.push_back(NumV(k));
          double first = lo.set ? std::ceil(lo.v / k) * k : k;
          c.push_back(NumV(first));
          c.push_back(NumV(first + k));
        }
        double base = lo.set ? lo.v : 1;
        c.push_back(NumV(base));
        c.push_back(NumV(base + 1));
        c.push_back(NumV(1));
        c.push_back(NumV(0.5));
        c.push_back(NumV(md / 2));
        c.push_back(NumV(md + 1));
        std::string msg =
            a.mult.empty() ? "the reader requires multiples of " + Num(md) +
                                 ": other numbers the writer allows are rejected"
                           : "multipleOf changed from " + Num(a.mult.front().first) + " to " +
                                 Num(md) + ": not every writer value is a multiple of " + Num(md);
        ok &= Flag({.kind = a.mult.empty() ? JsonSchemaKind::kMultipleOfAdded
                                           : JsonSchemaKind::kMultipleOfChanged,
                    .wpath = a.mult.empty() ? WPath(ws) : a.mult.front().second,
                    .rpath = Kp(rp, "multipleOf"),
                    .message = msg,
                    .candidates = c,
                    .atom = &a,
                    .conj = &ws.conj});
      }
    }
    return ok;
  }

  // ------------------------------------------------------------ strings
  bool CheckString(const AtomSet& ws, const Atom& a, NodeId r) {
    const json::Value& rv = rr_.V(r);
    std::string rp = rr_.Path(r);
    bool ok = true;
    auto str_of_len = [&](std::uint64_t n) {
      Atom b = a;
      b.min_len = b.max_len = n;
      std::vector<json::Value> out;
      for (std::uint64_t s = 0; s < 3; ++s) {
        std::uint64_t st = s + 11;
        out.push_back(gen_.GenAtom(b, ws.conj, st, s == 0, 0));
      }
      out.emplace_back(std::string(std::min<std::uint64_t>(n, 100000), 'a'));
      return out;
    };
    if (const json::Value* m = rv.Find("minLength"); m && m->IsNumber()) {
      double v = m->AsNumber().AsDouble();
      if (static_cast<double>(a.min_len) < v) {
        bool had = a.min_len > 0;
        ok &= Flag(
            {.kind = had ? JsonSchemaKind::kMinLengthIncreased : JsonSchemaKind::kMinLengthAdded,
             .wpath = had ? a.min_len_path : WPath(ws),
             .rpath = Kp(rp, "minLength"),
             .message = "minimum length raised from " + std::to_string(a.min_len) + " to " +
                        Num(v) + ": shorter strings the writer allows are rejected",
             .candidates = str_of_len(a.min_len),
             .atom = &a,
             .conj = &ws.conj});
      }
    }
    if (const json::Value* m = rv.Find("maxLength"); m && m->IsNumber()) {
      double v = m->AsNumber().AsDouble();
      if (a.max_len == kInf || static_cast<double>(a.max_len) > v) {
        bool had = a.max_len != kInf;
        std::uint64_t target = static_cast<std::uint64_t>(std::floor(v)) + 1;
        ok &= Flag(
            {.kind = had ? JsonSchemaKind::kMaxLengthDecreased : JsonSchemaKind::kMaxLengthAdded,
             .wpath = had ? a.max_len_path : WPath(ws),
             .rpath = Kp(rp, "maxLength"),
             .message = had ? "maximum length lowered from " + std::to_string(a.max_len) + " to " +
                                  Num(v) + ": longer strings are rejected"
                            : "the reader adds maxLength " + Num(v) +
                                  ": longer strings the writer allows are rejected",
             .candidates = str_of_len(std::max<std::uint64_t>(target, a.min_len)),
             .atom = &a,
             .conj = &ws.conj});
      }
    }
    if (const json::Value* p = rv.Find("pattern"); p && p->IsString()) {
      const std::string& pat = p->AsString();
      bool fine = MatchesEverything(rx_, pat);
      for (const auto& [wp, path] : a.patterns)
        if (wp == pat) fine = true;
      if (!fine) {
        std::vector<json::Value> c = {json::Value(""),  json::Value("x"), json::Value("0"),
                                      json::Value(" "), json::Value("~"), json::Value("A-1")};
        std::string msg = a.patterns.empty()
                              ? "the reader adds pattern " + Quote(pat) +
                                    ": strings the writer allows that do not match are rejected"
                              : "pattern changed from " + Quote(a.patterns.front().first) + " to " +
                                    Quote(pat) +
                                    ": regex inclusion is not decided, treated as breaking";
        ok &= Flag({.kind = a.patterns.empty() ? JsonSchemaKind::kPatternAdded
                                               : JsonSchemaKind::kPatternChanged,
                    .wpath = a.patterns.empty() ? WPath(ws) : a.patterns.front().second,
                    .rpath = Kp(rp, "pattern"),
                    .message = msg,
                    .candidates = c,
                    .atom = &a,
                    .conj = &ws.conj});
      }
    }
    const bool assert_format = opt_.format == jsonschema::FormatMode::kAssert;
    if (const json::Value* f = rv.Find("format"); assert_format && f && f->IsString()) {
      const std::string& fm = f->AsString();
      static const std::set<std::string> kKnown = {"date-time",
                                                   "date",
                                                   "time",
                                                   "duration",
                                                   "email",
                                                   "idn-email",
                                                   "hostname",
                                                   "idn-hostname",
                                                   "ipv4",
                                                   "ipv6",
                                                   "uri",
                                                   "uri-reference",
                                                   "iri",
                                                   "iri-reference",
                                                   "uri-template",
                                                   "uuid",
                                                   "regex",
                                                   "json-pointer",
                                                   "relative-json-pointer"};
      bool known = format::Find(fm) != nullptr || kKnown.contains(fm);
      bool fine = !known;
      for (const auto& [wf, path] : a.formats)
        if (wf == fm) fine = true;
      if (!fine) {
        std::vector<json::Value> c = {json::Value("x"), json::Value(""),
                                      json::Value("not-a-" + fm)};
        ok &= Flag(
            {.kind =
                 a.formats.empty() ? JsonSchemaKind::kFormatAdded : JsonSchemaKind::kFormatChanged,
             .wpath = a.formats.empty() ? WPath(ws) : a.formats.front().second,
             .rpath = Kp(rp, "format"),
             .message =
                 a.formats.empty()
                     ? "the reader adds format " + Quote(fm) +
                           ": strings the writer allows that are not a " + fm + " are rejected"
                     : "format changed from " + Quote(a.formats.front().first) + " to " + Quote(fm),
             .candidates = c,
             .atom = &a,
             .conj = &ws.conj});
      }
    }
    return ok;
  }

  // ------------------------------------------------------------ arrays
  std::uint64_t EffectiveMaxItems(const Atom& a) {
    std::uint64_t mx = a.max_items;
    std::size_t pl = wn_.PrefixLen(a);
    for (std::uint64_t i = 0; i <= pl && i < mx; ++i) {
      if (wn_.ConjEmpty(wn_.ItemConj(a, i))) {
        mx = i;
        break;
      }
    }
    return mx;
  }

  bool CheckArray(const AtomSet& ws, const Atom& a, NodeId r) {
    const json::Value& rv = rr_.V(r);
    Dialect d = rr_.D(r);
    std::string rp = rr_.Path(r);
    std::string wp = WPath(ws);
    bool ok = true;
    std::uint64_t wmax = EffectiveMaxItems(a);
    std::uint64_t wmin = a.min_items;
    auto arr_of_len = [&](std::uint64_t n) {
      Atom b = a;
      b.min_items = b.max_items = std::min<std::uint64_t>(n, 64);
      std::vector<json::Value> out;
      for (std::uint64_t s = 0; s < 4; ++s) {
        std::uint64_t st = s + 5;
        out.push_back(gen_.GenAtom(b, ws.conj, st, s == 0, 0));
      }
      return out;
    };
    if (const json::Value* m = rv.Find("minItems"); m && m->IsNumber()) {
      double v = m->AsNumber().AsDouble();
      if (static_cast<double>(wmin) < v)
        ok &= Flag(
            {.kind = wmin > 0 ? JsonSchemaKind::kMinItemsIncreased : JsonSchemaKind::kMinItemsAdded,
             .wpath = wmin > 0 ? a.min_items_path : wp,
             .rpath = Kp(rp, "minItems"),
             .message = "minimum number of items raised from " + std::to_string(wmin) + " to " +
                        Num(v) + ": shorter arrays are rejected",
             .candidates = arr_of_len(wmin),
             .atom = &a,
             .conj = &ws.conj});
    }
    if (const json::Value* m = rv.Find("maxItems"); m && m->IsNumber()) {
      double v = m->AsNumber().AsDouble();
      if (wmax == kInf || static_cast<double>(wmax) > v)
        ok &= Flag({.kind = a.max_items != kInf ? JsonSchemaKind::kMaxItemsDecreased
                                                : JsonSchemaKind::kMaxItemsAdded,
                    .wpath = a.max_items != kInf ? a.max_items_path : wp,
                    .rpath = Kp(rp, "maxItems"),
                    .message = "maximum number of items lowered to " + Num(v) +
                               ": longer arrays the writer allows are rejected",
                    .candidates = arr_of_len(static_cast<std::uint64_t>(std::floor(v)) + 1),
                    .atom = &a,
                    .conj = &ws.conj});
    }
    if (const json::Value* u = rv.Find("uniqueItems"); u && u->IsBool() && u->AsBool()) {
      if (!a.unique && wmax >= 2) {
        std::vector<json::Value> c;
        for (std::uint64_t s = 0; s < 4; ++s) {
          Conj ic = wn_.ItemConj(a, 0);
          Conj ic1 = wn_.ItemConj(a, 1);
          ic.insert(ic.end(), ic1.begin(), ic1.end());
          json::Value item = gen_.Gen(ic, s, 1);
          json::Array arr(std::max<std::uint64_t>(2, std::min<std::uint64_t>(wmin, 16)), item);
          c.emplace_back(std::move(arr));
        }
        ok &= Flag({.kind = JsonSchemaKind::kUniqueItemsAdded,
                    .wpath = wp,
                    .rpath = Kp(rp, "uniqueItems"),
                    .message = "the reader requires unique items: arrays with duplicates are "
                               "rejected",
                    .candidates = c,
                    .atom = &a,
                    .conj = &ws.conj});
      }
    }
    // items
    std::vector<NodeId> rprefix;
    NodeId rrest = kNoNode;
    std::string rrest_kw;
    const json::Value* items = rv.Find("items");
    if (d == Dialect::kDraft2020_12) {
      if (const json::Value* p = rv.Find("prefixItems"); p && p->IsArray())
        for (std::size_t i = 0; i < p->AsArray().size(); ++i)
          rprefix.push_back(rr_.KwIdx(r, "prefixItems", i));
      if (items && (items->IsObject() || items->IsBool())) {
        rrest = rr_.Kw(r, "items");
        rrest_kw = "items";
      }
    } else if (items && items->IsArray()) {
      for (std::size_t i = 0; i < items->AsArray().size(); ++i)
        rprefix.push_back(rr_.KwIdx(r, "items", i));
      rrest = rr_.Kw(r, "additionalItems");
      rrest_kw = "additionalItems";
    } else if (items && (items->IsObject() || items->IsBool())) {
      rrest = rr_.Kw(r, "items");
      rrest_kw = "items";
    }
    if (Has2019(d) && rrest == kNoNode) {
      if (NodeId ui = rr_.Kw(r, "unevaluatedItems"); ui != kNoNode && !rn_.IsTrue(ui)) {
        // Positions the reader's certain in-place applicators evaluate are
        // exempt; the rest must satisfy unevaluatedItems (stricter than the
        // reader where an uncertain branch would evaluate more: sound).
        Evaluated e = CertainlyEvaluated(r);
        if (!e.all_items) {
          while (rprefix.size() < e.prefix) rprefix.push_back(rr_.True());
          rrest = ui;
          rrest_kw = "unevaluatedItems";
        }
      }
    }
    std::size_t wpl = wn_.PrefixLen(a);
    std::size_t upto = std::max(rprefix.size(), wpl);
    for (std::size_t i = 0; i < upto && i < wmax; ++i) {
      NodeId rn = i < rprefix.size() ? rprefix[i] : rrest;
      if (rn == kNoNode || rn_.IsTrue(rn)) continue;
      Conj wc = wn_.ItemConj(a, i);
      ok &= ItemCheck(ws, a, wc, rn, i, i < rprefix.size() ? rr_.Path(rn) : Kp(rp, rrest_kw));
      if (Silent() && !ok) return false;
    }
    if (rrest != kNoNode && !rn_.IsTrue(rrest) && wmax > upto) {
      Conj wc = wn_.ItemConj(a, upto);
      ok &= ItemCheck(ws, a, wc, rrest, upto, Kp(rp, rrest_kw));
    }
    // contains
    if (d != Dialect::kDraft4) {
      if (NodeId cn = rr_.Kw(r, "contains"); cn != kNoNode) {
        std::uint64_t need = 1;
        std::optional<std::uint64_t> at_most;
        if (Has2019(d)) {
          if (const json::Value* m = rv.Find("minContains"); m && m->IsNumber())
            need = static_cast<std::uint64_t>(std::max(0.0, std::ceil(m->AsNumber().AsDouble())));
          if (const json::Value* m = rv.Find("maxContains"); m && m->IsNumber())
            at_most =
                static_cast<std::uint64_t>(std::max(0.0, std::floor(m->AsNumber().AsDouble())));
        }
        if (need > 0) {
          bool fine = false;
          for (const ContainsC& c : a.contains) {
            if (c.min < need) continue;
            ++silent_;
            bool s = Sub(Conj{c.schema}, cn);
            --silent_;
            if (s) fine = true;
          }
          if (!fine && wmin >= need) {
            std::uint64_t good = 0;
            for (std::uint64_t i = 0; i < wmin && i < 64; ++i) {
              ++silent_;
              bool s = Sub(wn_.ItemConj(a, i), cn);
              --silent_;
              if (s) ++good;
            }
            fine = good >= need;
          }
          if (!fine) {
            ok &= Flag({.kind = a.contains.empty() ? JsonSchemaKind::kContainsAdded
                                                   : JsonSchemaKind::kContainsChanged,
                        .wpath = a.contains.empty() ? wp : a.contains.front().path,
                        .rpath = Kp(rp, "contains"),
                        .message = "the reader requires at least " + std::to_string(need) +
                                   " item(s) matching its `contains`, which the writer does "
                                   "not guarantee",
                        .candidates = arr_of_len(wmin),
                        .atom = &a,
                        .conj = &ws.conj});
          }
        }
        if (at_most && wmax > *at_most) {
          bool fine = true;
          for (std::uint64_t i = 0; i <= wpl && fine; ++i) {
            Conj ic = wn_.ItemConj(a, i);
            const AtomSet& is = wn_.Of(ic);
            for (const Atom& ia : is.atoms)
              if (!Disjoint(ia, is, Conj{cn}, 0)) fine = false;
          }
          if (!fine)
            ok &= Flag({.kind = JsonSchemaKind::kMaxContainsAdded,
                        .wpath = wp,
                        .rpath = Kp(rp, "maxContains"),
                        .message = "the reader accepts at most " + std::to_string(*at_most) +
                                   " item(s) matching its `contains`",
                        .candidates = arr_of_len(*at_most + 1),
                        .atom = &a,
                        .conj = &ws.conj});
        }
      }
    }
    return ok;
  }

  // What a reader node's *certain* in-place applicators evaluate (allOf
  // branches and $ref targets, at any depth: each must hold for the reader
  // to accept, so their annotations are always there). Uncertain ones
  // (anyOf, oneOf, if, dependentSchemas, $dynamicRef) are left out: reading
  // fewer names/items as evaluated makes the reader's unevaluated* apply to
  // more, i.e. a stricter reader, so a COMPATIBLE verdict stays a proof.
  struct Evaluated {
    bool all_props = false;  // every property is evaluated: unevaluatedProperties is inert
    bool all_items = false;  // every item is evaluated: unevaluatedItems is inert
    std::set<std::string> names;
    std::vector<std::string> patterns;
    std::size_t prefix = 0;  // positions [0, prefix) evaluated
  };
  Evaluated CertainlyEvaluated(NodeId r) {
    Evaluated e;
    std::unordered_set<NodeId> seen{r};
    std::vector<std::pair<NodeId, int>> todo;
    auto below = [&](NodeId x, int depth) {
      const json::Value& v = rr_.V(x);
      if (!v.IsObject()) return;
      if (const json::Value* all = v.Find("allOf"); all && all->IsArray())
        for (std::size_t i = 0; i < all->AsArray().size(); ++i)
          todo.emplace_back(rr_.KwIdx(x, "allOf", i), depth + 1);
      if (v.Find("$ref")) todo.emplace_back(rr_.RefTarget(x, "$ref"), depth + 1);
    };
    below(r, 0);
    while (!todo.empty()) {
      auto [x, depth] = todo.back();
      todo.pop_back();
      if (x == kNoNode || depth > 32 || !seen.insert(x).second) continue;
      ChargeWork(1);
      const json::Value& v = rr_.V(x);
      if (!v.IsObject()) continue;
      Dialect dx = rr_.D(x);
      if (const json::Value* p = v.Find("properties"); p && p->IsObject())
        for (const json::Member& m : p->AsObject()) e.names.insert(m.key);
      if (const json::Value* pp = v.Find("patternProperties"); pp && pp->IsObject())
        for (const json::Member& m : pp->AsObject()) e.patterns.push_back(m.key);
      const json::Value* items = v.Find("items");
      if (dx == Dialect::kDraft2020_12) {
        if (const json::Value* p = v.Find("prefixItems"); p && p->IsArray())
          e.prefix = std::max(e.prefix, p->AsArray().size());
      } else if (items && items->IsArray()) {
        e.prefix = std::max(e.prefix, items->AsArray().size());
      }
      // Keywords that evaluate every remaining property / item.
      e.all_props |= v.Find("additionalProperties") || v.Find("unevaluatedProperties");
      bool rest_schema = items && (items->IsObject() || items->IsBool());
      if (dx != Dialect::kDraft2020_12 && items && items->IsArray())
        rest_schema = v.Find("additionalItems") != nullptr;
      e.all_items |= rest_schema || (Has2019(dx) && v.Find("unevaluatedItems"));
      below(x, depth);
    }
    return e;
  }

  bool ItemCheck(const AtomSet& ws, const Atom& a, const Conj& wc, NodeId rn, std::uint64_t index,
                 const std::string& rkw_path) {
    if (wn_.ConjEmpty(wc)) return true;
    chain_.push_back(Step{false, "", index, &a, &ws.conj});
    bool ok;
    if (rr_.V(rn).IsBool() && !rr_.V(rn).AsBool()) {
      const AtomSet& is = wn_.Of(wc);
      ok = Flag({.kind = JsonSchemaKind::kAdditionalItemsRemoved,
                 .wpath = WPath(ws),
                 .rpath = rkw_path,
                 .message = "the reader accepts no item at position " + std::to_string(index) +
                            " but the writer allows one",
                 .atom = is.atoms.empty() ? nullptr : &is.atoms.front(),
                 .conj = &is.conj});
    } else if (std::all_of(wc.begin(), wc.end(), [&](NodeId n) { return wn_.IsTrue(n); })) {
      // The writer leaves this item unconstrained.
      ++silent_;
      bool s = Sub(wc, rn);
      --silent_;
      ok = s || Flag({.kind = JsonSchemaKind::kItemsAdded,
                      .wpath = WPath(ws),
                      .rpath = rkw_path,
                      .message = "the reader constrains array items at position " +
                                 std::to_string(index) + (index > 0 ? " and later" : "") +
                                 " that the writer leaves unconstrained",
                      .candidates = AnyValues()});
    } else {
      ok = Sub(wc, rn);
    }
    chain_.pop_back();
    return ok;
  }

  // ------------------------------------------------------------ objects
  // The reader's schemas for a property name.
  std::vector<NodeId> ReaderPropertyNodes(NodeId r, const std::string& name, NodeId addl,
                                          const Evaluated& in_place) {
    std::vector<NodeId> out;
    const json::Value& rv = rr_.V(r);
    bool matched = false;
    if (const json::Value* p = rv.Find("properties"); p && p->IsObject() && rr_.Member(*p, name)) {
      matched = true;
      out.push_back(rr_.KwKey(r, "properties", name));
    }
    if (const json::Value* pp = rv.Find("patternProperties"); pp && pp->IsObject()) {
      for (const json::Member& m : pp->AsObject()) {
        auto hit = rx_.Search(m.key, name);
        if (hit && *hit) {
          matched = true;
          out.push_back(rr_.KwKey(r, "patternProperties", m.key));
        }
      }
    }
    // A name an in-place applicator evaluates is not "additional" to
    // unevaluatedProperties (its own schema is checked through that applicator).
    if (!matched && addl != kNoNode && in_place.names.contains(name)) matched = true;
    for (const std::string& p : in_place.patterns) {
      auto hit = rx_.Search(p, name);
      if (hit && *hit) matched = true;
    }
    if (!matched && addl != kNoNode) out.push_back(addl);
    return out;
  }

  // Whether Sub(wc, rn) is true for every reader node in `rnodes` because
  // the writer's one schema there is Same as the reader's (each side's
  // pure $refs followed, as Sub follows them); a `true` or absent reader
  // node accepts anything.
  bool IdenticalForAll(const Conj& wc, const std::vector<NodeId>& rnodes) {
    Conj cw;
    for (NodeId rn : rnodes) {
      if (rn == kNoNode || rn_.IsTrue(rn)) continue;
      if (cw.empty()) cw = CanonW(wc);
      const NodeId fr = FollowR(rn);
      if (fr == kNoNode || rn_.IsTrue(fr)) continue;
      if (cw.size() != 1 || !Same(cw[0], fr)) return false;
    }
    return true;
  }

  // Does the writer's model say anything about `name`, or is it merely open?
  bool WriterOpenFor(const Atom& a, const std::string& name) {
    if (a.required.contains(name)) return false;
    Conj c = wn_.PropertyConj(a, name);
    for (NodeId n : c)
      if (!wn_.IsTrue(n)) return false;
    return true;
  }

  bool CheckObject(const AtomSet& ws, const Atom& a, NodeId r) {
    const json::Value& rv = rr_.V(r);
    Dialect d = rr_.D(r);
    std::string rp = rr_.Path(r);
    std::string wp = WPath(ws);
    bool ok = true;
    bool lenient = opt_.policy == Policy::kLenient;
    NodeId addl = rr_.Kw(r, "additionalProperties");
    std::string addl_kw = "additionalProperties";
    // unevaluatedProperties acts as additionalProperties for the names the
    // reader's certain in-place applicators do not evaluate (see
    // CertainlyEvaluated: a stricter reading where uncertain branches would
    // evaluate more, so COMPATIBLE stays a proof).
    Evaluated in_place;
    if (Has2019(d) && addl == kNoNode) {
      if (NodeId up = rr_.Kw(r, "unevaluatedProperties"); up != kNoNode && !rn_.IsTrue(up)) {
        in_place = CertainlyEvaluated(r);
        if (!in_place.all_props) {
          addl = up;
          addl_kw = "unevaluatedProperties";
        }
      }
    }
    const json::Value* rprops = rv.Find("properties");
    const json::Value* rpats = rv.Find("patternProperties");
    bool r_has_pats = rpats && rpats->IsObject() && !rpats->AsObject().empty();
    // Names anyone mentions.
    std::vector<std::string> names;
    std::unordered_set<std::string> name_set;
    auto add_name = [&](const std::string& n) {
      if (name_set.insert(n).second) names.push_back(n);
    };
    if (rprops && rprops->IsObject())
      for (const json::Member& m : rprops->AsObject()) add_name(m.key);
    for (NodeId c : a.obj) {
      const json::Value* p = wr_.V(c).Find("properties");
      if (p && p->IsObject())
        for (const json::Member& m : p->AsObject()) add_name(m.key);
    }
    for (const auto& [k, p] : a.required) add_name(k);
    for (const std::string& n : in_place.names) add_name(n);
    const json::Value* rreq = rv.Find("required");
    if (rreq && rreq->IsArray())
      for (const json::Value& q : rreq->AsArray())
        if (q.IsString()) add_name(q.AsString());
    bool r_constrains_others = r_has_pats || (addl != kNoNode && !rn_.IsTrue(addl));
    // Named properties.
    for (const std::string& n : names) {
      bool r_mentions = (rprops && rr_.Member(*rprops, n)) || r_constrains_others;
      if (!r_mentions) continue;
      Conj wc = wn_.PropertyConj(a, n);
      std::vector<NodeId> rnodes = ReaderPropertyNodes(r, n, addl, in_place);
      // A property both schemas describe identically (most of them, from
      // one version to the next) has nothing to report: Sub would answer
      // true at once, and the writer's side need not be normalised to ask
      // whether it can be sent at all (ConjEmpty).
      if (IdenticalForAll(wc, rnodes)) continue;
      if (!wn_.ConjEmpty(wc)) {
        bool open = WriterOpenFor(a, n);
        for (NodeId rn : rnodes) {
          if (rn == kNoNode || rn_.IsTrue(rn)) continue;
          bool declared_by_r = rprops && rr_.Member(*rprops, n);
          bool r_false = rr_.V(rn).IsBool() && !rr_.V(rn).AsBool();
          chain_.push_back(Step{true, n, 0, &a, &ws.conj});
          if (open) {
            ++silent_;
            bool s = Sub(wc, rn);
            --silent_;
            if (!s) {
              JsonSchemaKind kind = declared_by_r ? JsonSchemaKind::kPropertyAddedToOpenContentModel
                                                  : JsonSchemaKind::kAdditionalPropertiesNarrowed;
              ok &= Flag({.kind = kind,
                          .severity = lenient ? Severity::kWarning : Severity::kBreaking,
                          .wpath = wp,
                          .rpath = rr_.Path(rn),
                          .message = "property " + Quote(n) +
                                     " is constrained by the reader but the writer's open "
                                     "content model allows it with any value" +
                                     (lenient ? " (LENIENT: writers send only declared "
                                                "properties)"
                                              : ""),
                          .candidates = AnyValues()});
            }
          } else if (r_false) {
            const AtomSet& ps = wn_.Of(wc);
            ok &= Flag({.kind = JsonSchemaKind::kPropertyRemoved,
                        .wpath = WPropertyPath(a, n, wp),
                        .rpath = rr_.Path(rn),
                        .message = "property " + Quote(n) +
                                   " is not accepted by the reader: events of the writer "
                                   "carrying it are rejected",
                        .atom = ps.atoms.empty() ? nullptr : &ps.atoms.front(),
                        .conj = &ps.conj});
          } else {
            ok &= Sub(wc, rn);
          }
          chain_.pop_back();
          if (Silent() && !ok) return false;
        }
      }
    }
    // required
    if (rreq && rreq->IsArray()) {
      // Each name's candidates are the writer's objects (4 seeds, the same
      // for every name) without that name: generated once for the object,
      // not once per name (a witness has all n properties; 10 dropped names
      // made 10 x 4 objects of n properties).
      std::vector<json::Value> objects;
      // Names in objects[0], the minimal object (seed 0's first candidate).
      std::unordered_set<std::string_view> in_minimal;
      // The first candidate of every name objects[0] lacks is the same
      // document, Embed(objects[0], 0): judged once, and when it proves the
      // finding at its first try (what FindWitness would return), shared by
      // all those findings (tried: whether it has been judged).
      std::shared_ptr<const WitnessSource> shared;
      bool shared_tried = false;
      for (const json::Value& q : rreq->AsArray()) {
        if (!q.IsString()) continue;
        const std::string& n = q.AsString();
        if (a.required.contains(n)) continue;
        bool has_default = false;
        if (rprops && rprops->IsObject())
          if (const json::Value* ps = rr_.Member(*rprops, n);
              ps && ps->IsObject() && ps->Find("default"))
            has_default = true;
        std::vector<json::Value> c;
        std::shared_ptr<const WitnessSource> proven;
        if (!Silent()) {  // (Flag reads no candidates when silent)
          // The other seeds' objects only when a name's search needs them.
          auto generate = [&](std::size_t count) {
            for (std::uint64_t s = objects.size(); s < count; ++s) {
              std::uint64_t st = s + 1;
              objects.push_back(gen_.GenAtom(a, ws.conj, st, s == 0, 0));
            }
          };
          if (objects.empty()) {
            generate(1);
            if (objects[0].IsObject())
              for (const json::Member& m : objects[0].AsObject()) in_minimal.insert(m.key);
          }
          if (!in_minimal.contains(n)) {
            if (!shared_tried) {
              shared_tried = true;
              shared = FirstCandidateWitness(objects[0], Kp(rp, "required"));
            }
            proven = shared;
          }
          if (!proven) {
            generate(4);
            for (const json::Value& o : objects) {
              json::Value v = o;
              if (v.IsObject())
                std::erase_if(v.AsObject(), [&](const json::Member& m) { return m.key == n; });
              c.push_back(std::move(v));
            }
          }
        }
        bool warn = lenient && has_default;
        ok &= Flag({.kind = warn ? JsonSchemaKind::kRequiredAddedWithDefault
                                 : JsonSchemaKind::kRequiredAdded,
                    .severity = warn ? Severity::kWarning : Severity::kBreaking,
                    .wpath = WPropertyPath(a, n, wp),
                    .rpath = Kp(rp, "required"),
                    .message = "property " + Quote(n) +
                               " is required by the reader: events of the writer without "
                               "it are rejected" +
                               (has_default ? std::string(warn ? " (LENIENT: the reader's default "
                                                                 "fills it in)"
                                                               : " (the reader declares a default; "
                                                                 "accepted under LENIENT)")
                                            : ""),
                    .candidates = std::move(c),
                    .proven = std::move(proven)});
        if (Silent() && !ok) return false;
      }
    }
    // Other names: region by region over the distinct patterns.
    if (r_constrains_others) ok &= CheckOtherNames(ws, a, r, addl, addl_kw, name_set, in_place);
    // propertyNames
    if (d != Dialect::kDraft4)
      if (NodeId pn = rr_.Kw(r, "propertyNames"); pn != kNoNode && !rn_.IsTrue(pn))
        ok &= CheckPropertyNames(ws, a, r, pn, names);
    // min/maxProperties
    std::uint64_t wmin = std::max<std::uint64_t>(a.min_props, a.required.size());
    // The writer's most properties: read only against a reader's
    // maxProperties (counting normalises every named property's schema).
    auto writer_max = [&] {
      std::uint64_t wmax = a.max_props;
      if (wn_.ObjectClosed(a) && !WriterHasPatterns(a)) {
        std::uint64_t count = 0;
        for (const std::string& n : names)
          if (!wn_.ConjEmpty(wn_.PropertyConj(a, n))) ++count;
        wmax = std::min(wmax, count);
      }
      return wmax;
    };
    auto obj_with = [&](std::uint64_t n) {
      Atom b = a;
      b.min_props = std::min<std::uint64_t>(n, 64);
      b.max_props = std::max(b.min_props, a.required.size() <= n ? b.min_props : a.required.size());
      std::vector<json::Value> out;
      for (std::uint64_t s = 0; s < 3; ++s) {
        std::uint64_t st = s + 9;
        out.push_back(gen_.GenAtom(b, ws.conj, st, s == 0, 0));
      }
      return out;
    };
    if (const json::Value* m = rv.Find("minProperties"); m && m->IsNumber()) {
      double v = m->AsNumber().AsDouble();
      if (static_cast<double>(wmin) < v)
        ok &= Flag({.kind = wmin > 0 ? JsonSchemaKind::kMinPropertiesIncreased
                                     : JsonSchemaKind::kMinPropertiesAdded,
                    .wpath = a.min_props_path.empty() ? wp : a.min_props_path,
                    .rpath = Kp(rp, "minProperties"),
                    .message = "minimum number of properties raised from " + std::to_string(wmin) +
                               " to " + Num(v),
                    .candidates = obj_with(wmin),
                    .atom = &a,
                    .conj = &ws.conj});
    }
    if (const json::Value* m = rv.Find("maxProperties"); m && m->IsNumber()) {
      double v = m->AsNumber().AsDouble();
      const std::uint64_t wmax = writer_max();
      if (wmax == kInf || static_cast<double>(wmax) > v)
        ok &= Flag({.kind = a.max_props != kInf ? JsonSchemaKind::kMaxPropertiesDecreased
                                                : JsonSchemaKind::kMaxPropertiesAdded,
                    .wpath = a.max_props_path.empty() ? wp : a.max_props_path,
                    .rpath = Kp(rp, "maxProperties"),
                    .message = "maximum number of properties lowered to " + Num(v) +
                               ": larger events are rejected",
                    .candidates = obj_with(static_cast<std::uint64_t>(std::floor(v)) + 1),
                    .atom = &a,
                    .conj = &ws.conj});
    }
    // dependencies
    auto dep_req = [&](const std::string& kw, const std::string& k, const json::Value& deps) {
      if (!deps.IsArray()) return;
      if (wn_.ConjEmpty(wn_.PropertyConj(a, k))) return;
      // The writer's documents that carry k (its own dependencies applied).
      std::vector<Atom> present = WithPresent(a, k);
      for (const json::Value& q : deps.AsArray()) {
        if (!q.IsString()) continue;
        const std::string& dep = q.AsString();
        bool fine = true;
        for (const Atom& p : present)
          if (!p.required.contains(dep) && !wn_.ConjEmpty(wn_.PropertyConj(p, k))) fine = false;
        if (fine) continue;
        Atom b = a;
        b.required.emplace(k, "");
        b.forbidden.insert(dep);
        std::vector<json::Value> c;
        for (std::uint64_t s = 0; s < 4; ++s) {
          std::uint64_t st = s + 3;
          json::Value v = gen_.GenAtom(b, ws.conj, st, s == 0, 0);
          if (v.IsObject())
            std::erase_if(v.AsObject(), [&](const json::Member& m) { return m.key == dep; });
          c.push_back(std::move(v));
        }
        ok &= Flag({.kind = JsonSchemaKind::kDependentRequiredAdded,
                    .wpath = wp,
                    .rpath = Kp(Kp(rp, kw), k),
                    .message = "the reader requires " + Quote(dep) + " whenever " + Quote(k) +
                               " is present; the writer does not",
                    .candidates = c});
      }
    };
    auto dep_schema = [&](const std::string& kw, const std::string& k) {
      NodeId sn = rr_.KwKey(r, kw, k);
      if (sn == kNoNode || rn_.IsTrue(sn)) return;
      if (wn_.ConjEmpty(wn_.PropertyConj(a, k))) return;
      AtomSet local;
      local.conj = ws.conj;
      local.atoms = WithPresent(a, k);
      ++silent_;
      bool fine = CoverSet(local, sn);
      --silent_;
      if (fine) return;
      // The dependent schema checked aloud gives witnesses that carry the
      // trigger and break a constraint inside the dependent schema (e.g.
      // its properties/b/type); they become candidates of the one finding.
      std::vector<json::Value> docs;
      if (!Silent()) {
        std::size_t before = findings_.size();
        CoverSet(local, sn);
        for (std::size_t i = before; i < findings_.size(); ++i) {
          const Finding& nf = findings_[i];
          if (nf.witness) docs.push_back(*nf.witness);
          seen_.erase(std::string(nf.kind.name()) + "|" +
                      internal::InDocument(nf.writer_document, nf.writer_path) + "|" +
                      internal::InDocument(nf.reader_document, nf.reader_path));
        }
        findings_.resize(before);
      }
      bool had = false;
      for (const auto& [wk, wsn] : a.dep_schemas) had |= wk == k;
      std::vector<json::Value> c;
      for (const Atom& la : local.atoms)
        for (std::uint64_t s = 0; s < 4; ++s) {
          std::uint64_t st = s + 21;
          c.push_back(gen_.GenAtom(la, ws.conj, st, s == 0, 0));
        }
      ok &= Flag({.kind = had ? JsonSchemaKind::kDependentSchemaChanged
                              : JsonSchemaKind::kDependentSchemaAdded,
                  .wpath = wp,
                  .rpath = Kp(Kp(rp, kw), k),
                  .message = "when " + Quote(k) + " is present the reader requires its " + kw +
                             " schema, which some writer events do not satisfy",
                  .candidates = c,
                  .documents = docs});
    };
    // `dependencies` in every dialect (as the validator), dependent* from 2019-09.
    if (const json::Value* deps = rv.Find("dependencies"); deps && deps->IsObject())
      for (const json::Member& m : deps->AsObject()) {
        if (m.value.IsArray())
          dep_req("dependencies", m.key, m.value);
        else
          dep_schema("dependencies", m.key);
      }
    if (Has2019(d)) {
      if (const json::Value* deps = rv.Find("dependentRequired"); deps && deps->IsObject())
        for (const json::Member& m : deps->AsObject()) dep_req("dependentRequired", m.key, m.value);
      if (const json::Value* deps = rv.Find("dependentSchemas"); deps && deps->IsObject())
        for (const json::Member& m : deps->AsObject()) dep_schema("dependentSchemas", m.key);
    }
    return ok;
  }

  // The writer atom restricted to documents where property k is present,
  // with the writer's own dependencies that presence triggers applied
  // (dependentRequired / dependencies arrays add required names, to a fixed
  // point; dependentSchemas / dependencies schemas are intersected). So a
  // reader dependency is judged by the writer's documents, whichever keyword
  // the writer used to say the same thing.
  std::vector<Atom> WithPresent(const Atom& a, const std::string& k) {
    Atom b = a;
    b.required.emplace(k, "");
    for (bool grew = true; grew;) {
      grew = false;
      for (const auto& [wk, wdeps] : a.dep_required)
        if (b.required.contains(wk))
          for (const std::string& n : wdeps) grew |= b.required.emplace(n, "").second;
    }
    std::vector<Atom> bs{b};
    for (const auto& [wk, wsn] : a.dep_schemas)
      if (b.required.contains(wk)) bs = Normalizer::Intersect(bs, wn_.Node(wsn));
    return bs;
  }

  std::string WPropertyPath(const Atom& a, const std::string& n, const std::string& fallback) {
    for (NodeId c : a.obj) {
      const json::Value* p = wr_.V(c).Find("properties");
      if (p && p->IsObject() && wr_.Member(*p, n))
        return wr_.Path(c) + "/properties/" + json::EscapeToken(n);
    }
    return fallback;
  }

  bool WriterHasPatterns(const Atom& a) {
    for (NodeId c : a.obj) {
      const json::Value* pp = wr_.V(c).Find("patternProperties");
      if (pp && pp->IsObject() && !pp->AsObject().empty()) return true;
    }
    return false;
  }

  std::vector<std::string> CandidateNames(const std::vector<std::string>& pats) {
    std::vector<std::string> out;
    for (const std::string& p : pats) {
      for (std::uint64_t s = 0; s < 6; ++s) {
        std::uint64_t st = s + 17;
        std::string n = gen_.SampleRegex(p, st, s == 0);
        out.push_back(n);
        out.push_back(n + "x");
      }
    }
    for (const char* n : {"extra", "x", "a", "_", "0", "Z", "extra_property", "", "-", "A1"})
      out.emplace_back(n);
    return out;
  }

  bool CheckOtherNames(const AtomSet& ws, const Atom& a, NodeId r, NodeId addl,
                       const std::string& addl_kw, const std::unordered_set<std::string>& named,
                       const Evaluated& in_place) {
    const json::Value& rv = rr_.V(r);
    std::string rp = rr_.Path(r);
    std::string wp = WPath(ws);
    bool lenient = opt_.policy == Policy::kLenient;
    std::vector<std::string> pats;
    auto add_pat = [&](const std::string& p) {
      if (std::find(pats.begin(), pats.end(), p) == pats.end()) pats.push_back(p);
    };
    std::vector<std::string> rpats;
    if (const json::Value* pp = rv.Find("patternProperties"); pp && pp->IsObject())
      for (const json::Member& m : pp->AsObject()) {
        add_pat(m.key);
        rpats.push_back(m.key);
      }
    for (NodeId c : a.obj) {
      const json::Value* pp = wr_.V(c).Find("patternProperties");
      if (pp && pp->IsObject())
        for (const json::Member& m : pp->AsObject()) add_pat(m.key);
    }
    // Names matching a pattern of the reader's in-place applicators are
    // evaluated there, not by unevaluatedProperties.
    for (const std::string& p : in_place.patterns) add_pat(p);
    if (pats.size() > 8) {
      return Flag({.kind = JsonSchemaKind::kUndecidedPatternProperties,
                   .wpath = wp,
                   .rpath = Kp(rp, "patternProperties"),
                   .message = "too many distinct patternProperties to compare region by region",
                   .atom = &a,
                   .conj = &ws.conj,
                   .undecided = JsonSchemaKind::kUndecidedPatternProperties});
    }
    std::vector<std::string> cand_names = CandidateNames(pats);
    bool ok = true;
    for (std::uint32_t mask = 0; mask < (1u << pats.size()); ++mask) {
      std::vector<std::string> in;
      for (std::size_t i = 0; i < pats.size(); ++i)
        if (mask & (1u << i)) in.push_back(pats[i]);
      Conj wc = wn_.OtherConj(a, in);
      if (wn_.ConjEmpty(wc)) continue;
      std::vector<NodeId> rnodes;
      bool rmatched = false;
      for (const std::string& p : rpats)
        if (std::find(in.begin(), in.end(), p) != in.end()) {
          rmatched = true;
          rnodes.push_back(rr_.KwKey(r, "patternProperties", p));
        }
      bool in_place_matched = false;
      for (const std::string& p : in_place.patterns)
        if (std::find(in.begin(), in.end(), p) != in.end()) in_place_matched = true;
      if (!rmatched && !in_place_matched && addl != kNoNode) rnodes.push_back(addl);
      // A concrete name in this region (for witnesses).
      std::optional<std::string> region_name;
      for (const std::string& n : cand_names) {
        if (named.contains(n)) continue;
        bool fits = true;
        for (std::size_t i = 0; i < pats.size() && fits; ++i) {
          auto hit = rx_.Search(pats[i], n);
          if (!hit || *hit != ((mask & (1u << i)) != 0)) fits = false;
        }
        if (fits) {
          region_name = n;
          break;
        }
      }
      bool open = true;
      for (NodeId n : wc)
        if (!wn_.IsTrue(n)) open = false;
      for (NodeId rn : rnodes) {
        if (rn == kNoNode || rn_.IsTrue(rn)) continue;
        bool r_false = rr_.V(rn).IsBool() && !rr_.V(rn).AsBool();
        chain_.push_back(Step{true, region_name.value_or("extra"), 0, &a, &ws.conj});
        ++silent_;
        bool s = Sub(wc, rn);
        --silent_;
        if (!s) {
          std::string region = pats.empty() ? "undeclared property names"
                               : in.empty() ? "names matching none of the patterns"
                                            : "names matching " + Quote(in.front());
          if (!region_name) {
            ok &= Flag({.kind = JsonSchemaKind::kUndecidedPatternProperties,
                        .wpath = wp,
                        .rpath = rr_.Path(rn),
                        .message = "for " + region +
                                   " the reader is narrower than the writer, "
                                   "but no such name was found (the region may be empty)",
                        .undecided = JsonSchemaKind::kUndecidedPatternProperties});
          } else if (open || r_false) {
            const AtomSet& ps = wn_.Of(wc);
            std::vector<json::Value> c = open ? AnyValues() : std::vector<json::Value>{};
            ok &= Flag({.kind = JsonSchemaKind::kAdditionalPropertiesNarrowed,
                        .severity = (lenient && open) ? Severity::kWarning : Severity::kBreaking,
                        .wpath = wp,
                        .rpath = rmatched ? rr_.Path(rn) : Kp(rp, addl_kw),
                        .message = "additional properties narrowed: the writer allows " + region +
                                   " (e.g. " + Quote(*region_name) + ")" +
                                   (open ? " with any value" : "") +
                                   " but the reader rejects some of them" +
                                   (lenient && open ? " (LENIENT: writers send only declared "
                                                      "properties)"
                                                    : ""),
                        .candidates = c,
                        .atom = open || ps.atoms.empty() ? nullptr : &ps.atoms.front(),
                        .conj = &ps.conj});
          } else {
            ok &= Sub(wc, rn);
          }
        }
        chain_.pop_back();
        if (Silent() && !ok) return false;
      }
    }
    if (lenient) {
      // Warnings only; the verdict is unaffected by open-model findings.
    }
    return ok;
  }

  bool CheckPropertyNames(const AtomSet& ws, const Atom& a, NodeId r, NodeId pn,
                          const std::vector<std::string>& names) {
    std::string wp = WPath(ws);
    bool ok = true;
    // Declared names the writer can send.
    for (const std::string& n : names) {
      if (wn_.ConjEmpty(wn_.PropertyConj(a, n))) continue;
      bool w_rejects = false;
      for (NodeId wpn : a.prop_names)
        if (wev_.Valid(wpn, json::Value(n)) == Tri::kFalse) w_rejects = true;
      if (w_rejects) continue;
      if (rev_.Valid(pn, json::Value(n)) != Tri::kTrue) {
        Conj pc = wn_.PropertyConj(a, n);
        chain_.push_back(Step{true, n, 0, &a, &ws.conj});
        const AtomSet& ps = wn_.Of(pc);
        ok &= Flag({.kind = JsonSchemaKind::kPropertyNamesNarrowed,
                    .wpath = WPropertyPath(a, n, wp),
                    .rpath = rr_.Path(pn),
                    .message = "the reader's propertyNames rejects the property name " + Quote(n),
                    .atom = ps.atoms.empty() ? nullptr : &ps.atoms.front(),
                    .conj = &ps.conj});
        chain_.pop_back();
      }
    }
    // Other names, when the writer's model is open somewhere.
    bool closed = wn_.ObjectClosed(a) && !WriterHasPatterns(a);
    if (!closed) {
      Conj wpn = a.prop_names;
      const AtomSet& pset = wn_.Of(wpn);
      AtomSet strs;
      strs.conj = pset.conj;
      for (const Atom& x : pset.atoms)
        if (x.ty == Ty::kStr) strs.atoms.push_back(x);
      ++silent_;
      bool s = CoverSet(strs, pn);
      --silent_;
      if (!s) {
        std::vector<json::Value> c;
        for (const char* n : {"x", "", "A", "0", "-", "extra_property", "~"}) {
          json::Value obj = json::Value(json::Object{});
          Conj oc = wn_.PropertyConj(a, n);
          if (wn_.ConjEmpty(oc)) continue;
          std::uint64_t st = 1;
          json::Value base = gen_.GenAtom(a, ws.conj, st, true, 0);
          if (!base.IsObject() || base.Find(n)) continue;
          base.Add(n, gen_.Gen(oc, 0, 1));
          c.push_back(std::move(base));
        }
        ok &= Flag({.kind = JsonSchemaKind::kPropertyNamesNarrowed,
                    .wpath = wp,
                    .rpath = rr_.Path(pn),
                    .message = "the reader's propertyNames rejects property names the writer "
                               "allows",
                    .candidates = c,
                    .atom = nullptr,
                    .conj = &ws.conj});
      }
    }
    return ok;
  }

  // ------------------------------------------------------------ combinators
  bool CheckAnyOf(const AtomSet& ws, const Atom& a, NodeId r, const std::string& kw) {
    const json::Value& arr = *rr_.V(r).Find(kw);
    std::string rp = rr_.Path(r);
    std::string wp = WPath(ws);
    bool one = kw == "oneOf";
    std::vector<NodeId> branches, admitting;
    for (std::size_t i = 0; i < arr.AsArray().size(); ++i) {
      NodeId b = rr_.KwIdx(r, kw, i);
      if (b == kNoNode) b = rr_.True();
      branches.push_back(b);
      if (AdmitsType(b, a)) admitting.push_back(b);
    }
    auto exclusive = [&](NodeId chosen) {
      if (!one) return true;
      for (NodeId o : branches) {
        if (o == chosen) continue;
        if (!AdmitsType(o, a)) continue;
        if (!Disjoint(a, ws, Conj{o}, 0)) return false;
      }
      return true;
    };
    if (admitting.empty()) {
      return Flag({.kind = JsonSchemaKind::kTypeChanged,
                   .wpath = wp,
                   .rpath = Kp(rp, kw),
                   .message = "no branch of the reader's " + kw + " accepts a " +
                              std::string(AtomTypeName(a)) + ", which the writer allows",
                   .atom = &a,
                   .conj = &ws.conj});
    }
    if (admitting.size() == 1) {
      // One candidate branch: its findings are the explanation.
      bool ok = CoverAtom(ws, a, admitting.front());
      if (ok && !exclusive(admitting.front())) return ReportOverlap(ws, a, r, kw);
      return ok;
    }
    for (NodeId b : admitting) {
      ++silent_;
      bool s = CoverAtom(ws, a, b);
      --silent_;
      if (s) {
        if (exclusive(b)) return true;
        return ReportOverlap(ws, a, r, kw);
      }
    }
    return Flag(
        {.kind = one ? JsonSchemaKind::kOneOfNarrowed : JsonSchemaKind::kAnyOfNarrowed,
         .wpath = wp,
         .rpath = Kp(rp, kw),
         .message = "no single branch of the reader's " + kw + " accepts every " +
                    std::string(AtomTypeName(a)) + " the writer allows",
         .atom = &a,
         .conj = &ws.conj,
         .undecided = one ? JsonSchemaKind::kUndecidedOneOf : JsonSchemaKind::kUndecidedAnyOf});
  }

  bool ReportOverlap(const AtomSet& ws, const Atom& a, NodeId r, const std::string& kw) {
    return Flag({.kind = JsonSchemaKind::kOneOfOverlap,
                 .wpath = WPath(ws),
                 .rpath = Kp(rr_.Path(r), kw),
                 .message = "writer values may match several branches of the reader's oneOf "
                            "(then the reader rejects them)",
                 .atom = &a,
                 .conj = &ws.conj,
                 .undecided = JsonSchemaKind::kUndecidedOneOf});
  }

  bool CheckIf(const AtomSet& ws, const Atom& a, NodeId r, NodeId ifn, NodeId thn, NodeId eln) {
    if (Disjoint(a, ws, Conj{ifn}, 0)) return eln == kNoNode ? true : CoverAtom(ws, a, eln);
    ++silent_;
    bool in_if = CoverAtom(ws, a, ifn);
    --silent_;
    if (in_if) return thn == kNoNode ? true : CoverAtom(ws, a, thn);
    ++silent_;
    bool both =
        (thn == kNoNode || CoverAtom(ws, a, thn)) && (eln == kNoNode || CoverAtom(ws, a, eln));
    --silent_;
    if (both) return true;
    // Values of the `if` schema (then applies to them) and others (else
    // does): the witness judge keeps those the writer allows and the
    // reader rejects by its then/else.
    std::vector<json::Value> sides;
    for (std::uint64_t seed = 0; seed < 8; ++seed) sides.push_back(rgen_.Gen(Conj{ifn}, seed));
    return Flag({.kind = JsonSchemaKind::kIfThenElseNarrowed,
                 .wpath = WPath(ws),
                 .rpath = Kp(rr_.Path(r), "if"),
                 .message = "the reader's if/then/else rejects " + std::string(AtomTypeName(a)) +
                            " values the writer allows",
                 .candidates = std::move(sides),
                 .atom = &a,
                 .conj = &ws.conj,
                 .undecided = JsonSchemaKind::kUndecidedIfThenElse});
  }

  // ------------------------------------------------------------ state
  enum class MemoState : std::uint8_t { kInProgress, kTrue, kFalse };
  struct MemoEntry {
    MemoState state;
    int depth;
    bool reported;
  };

  const JsonSchemaCheckOptions& opt_;
  const json::Value& writer_;
  const json::Value& reader_;
  RegexCache& rx_;
  Resolver &wr_, &rr_;
  Evaluator &wev_, &rev_;
  Normalizer &wn_, &rn_;
  Generator& gen_;
  Generator& rgen_;  // values of reader subschemas (the schema under a `not`)
  JudgeValidator& wjv_;
  JudgeValidator& rjv_;
  std::size_t budget_;
  bool exhausted_ = false;
  int silent_ = 0;
  std::size_t silent_failures_ = 0;
  std::vector<Finding> findings_;
  std::unordered_set<std::string> seen_;
  std::vector<Step> chain_;
  std::unordered_map<Conj, MemoEntry, ConjHash> memo_;  // (w, r) of Sub
  std::size_t stack_depth_ = 0;
  int assumption_depth_ = 1 << 30;
  std::vector<std::pair<const Atom*, NodeId>> active_;
  std::map<std::pair<NodeId, NodeId>, int> same_;
  std::unique_ptr<WitnessJudge> judge_;  // built at the first finding
};

}  // namespace

Result<Report> CheckJsonSchema(const json::Value& writer, const json::Value& reader,
                               const JsonSchemaCheckOptions& options) {
  SchemaModels models(writer, reader, options);
  Checker c(writer, reader, options, models.writer, models.reader, models.rx);
  if (auto ok = c.Prepare(); !ok) return std::unexpected(ok.error());
  return c.Run();
}

namespace internal {

Result<BothWays> CheckJsonSchemaBothWays(const json::Value& old_schema,
                                         const json::Value& new_schema,
                                         const JsonSchemaCheckOptions& options,
                                         const JsonSchemaCheckOptions& forward_options) {
  SchemaModels models(old_schema, new_schema, options);  // old: the writer of `options`
  // One direction; `writer_name` / `reader_name` name the sides in errors.
  auto check = [&](const json::Value& writer, const json::Value& reader,
                   const JsonSchemaCheckOptions& o, SchemaModel& w, SchemaModel& r,
                   const char* writer_name, const char* reader_name) -> Result<Report> {
    Checker c(writer, reader, o, w, r, models.rx);
    if (auto ok = c.Prepare(); !ok) {
      Error e = ok.error();
      if (e.file == "writer") e.file = writer_name;
      if (e.file == "reader") e.file = reader_name;
      return std::unexpected(e);
    }
    return c.Run();
  };
  auto back = check(old_schema, new_schema, options, models.writer, models.reader, "old", "new");
  if (!back) return std::unexpected(back.error());
  auto fwd =
      check(new_schema, old_schema, forward_options, models.reader, models.writer, "new", "old");
  if (!fwd) return std::unexpected(fwd.error());
  return BothWays{std::move(*back), std::move(*fwd)};
}

}  // namespace internal

}  // namespace accord::compat
