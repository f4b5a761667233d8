// Judging and repairing witness candidates (see jsonschema_witness.h).
#include "jsonschema_witness.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "accord/schemas/pointer.h"

namespace accord::compat::jsc {

namespace {

std::string LastToken(const std::string& p) {
  std::size_t slash = p.rfind('/');
  return slash == std::string::npos ? p : p.substr(slash + 1);
}

std::string Parent(const std::string& p) {
  std::size_t slash = p.rfind('/');
  return slash == std::string::npos ? std::string() : p.substr(0, slash);
}

bool Under(const std::string& p, const std::string& base) {
  return p.size() > base.size() && p.starts_with(base) && p[base.size()] == '/';
}

// The value at `pointer` in `doc`, or nullptr.
json::Value* At(json::Value& doc, const std::string& pointer) {
  auto tokens = json::SplitPointer(pointer);
  if (!tokens) return nullptr;
  json::Value* v = &doc;
  for (const std::string& t : *tokens) {
    if (v->IsObject()) {
      json::Value* next = nullptr;
      for (json::Member& m : v->AsObject())
        if (m.key == t) next = &m.value;
      v = next;
    } else if (v->IsArray()) {
      std::size_t i = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
      if (ec != std::errc() || end != t.data() + t.size() || i >= v->AsArray().size())
        return nullptr;
      v = &v->AsArray()[i];
    } else {
      return nullptr;
    }
    if (v == nullptr) return nullptr;
  }
  return v;
}

// Each failure's repair tries at most this many documents (bounded cost).
constexpr std::uint64_t kSeeds = 4;
constexpr int kRounds = 6;

}  // namespace

bool FailureProvesPath(const std::string& failure, const std::string& finding) {
  if (failure == finding || Under(failure, finding)) return true;
  // The validator reports some keywords as a whole (anyOf, oneOf, not,
  // dependentRequired/<name>, contains, ...): a finding inside one is proved
  // by the keyword's failure.
  if (Under(finding, failure)) return true;
  // if/then/else: the failure is in the branch taken.
  if (LastToken(finding) == "if") {
    std::string node = Parent(finding);
    return Under(failure, node + "/then") || Under(failure, node + "/else") ||
           failure == node + "/then" || failure == node + "/else";
  }
  return false;
}

const jsonschema::Validator* JudgeValidator::Get() {
  if (given_ != nullptr) return given_;
  if (!compiled_) {
    compiled_ = true;
    static const jsonschema::SchemaBundle kEmpty;
    jsonschema::CompileOptions o;
    o.default_dialect = default_dialect_;
    o.base_uri = base_uri_;
    // The engine's semantics: known formats are constraints.
    o.format = jsonschema::FormatMode::kAssert;
    o.validate_schema = false;
    auto v = jsonschema::Validator::Compile(schema_, bundle_ != nullptr ? *bundle_ : kEmpty, o);
    if (v) validator_.emplace(std::move(*v));
  }
  return validator_ ? &*validator_ : nullptr;
}

WitnessJudge::WitnessJudge(JudgeValidator& wv, JudgeValidator& rv, Resolver& wr, Resolver& rr,
                           Evaluator& wev, Evaluator& rev, Normalizer& rnorm)
    : wv_(wv), rv_(rv), wr_(wr), rr_(rr), wev_(wev), rev_(rev), rn_(rnorm), rgen_(rnorm) {}

WitnessJudge::~WitnessJudge() = default;

bool WitnessJudge::WriterAccepts(const json::Value& doc) {
  if (const jsonschema::Validator* v = wv_.Get()) return v->IsValid(doc);
  return wev_.Valid(wr_.Root(), doc) == Tri::kTrue;
}

std::pair<std::string, NodeId> WitnessJudge::Static(const std::string& dynamic) {
  auto tokens = json::SplitPointer(dynamic);
  if (!tokens) return {dynamic, kNoNode};
  NodeId node = rr_.Root();
  const json::Value* value = &rr_.V(node);
  std::string path = rr_.Path(node);
  for (const std::string& t : *tokens) {
    if (t == "$ref" || t == "$dynamicRef" || t == "$recursiveRef") {
      NodeId here = value ? rr_.Find(value) : kNoNode;
      NodeId target = here == kNoNode ? kNoNode : rr_.RefTarget(here, t);
      if (target == kNoNode) return {dynamic, kNoNode};
      node = target;
      value = &rr_.V(target);
      path = rr_.Path(target);
      continue;
    }
    const json::Value* child = nullptr;
    if (value && value->IsObject()) {
      child = rr_.Member(*value, t);
    } else if (value && value->IsArray()) {
      std::size_t i = 0;
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
      if (ec == std::errc() && end == t.data() + t.size() && i < value->AsArray().size())
        child = &value->AsArray()[i];
    }
    path += "/" + json::EscapeToken(t);
    value = child;
    if (child != nullptr)
      if (NodeId n = rr_.Find(child); n != kNoNode) node = n;
  }
  return {path, node};
}

std::optional<std::vector<WitnessJudge::Failure>> WitnessJudge::ReaderFailures(
    const json::Value& doc) {
  std::vector<Failure> out;
  if (const jsonschema::Validator* v = rv_.Get()) {
    jsonschema::ValidationResult r = v->Validate(doc, jsonschema::StopMode::kAllFailures);
    if (r.valid) return std::nullopt;
    for (const jsonschema::ValidationFailure& f : r.failures) {
      auto [path, node] = Static(f.keyword_location);
      out.push_back(Failure{f.instance_location, path, f.keyword, node});
    }
    return out;
  }
  EvalFailure f;
  if (rev_.Valid(rr_.Root(), doc, &f) != Tri::kFalse) return std::nullopt;
  out.push_back(Failure{"", f.schema_path, f.keyword, kNoNode});
  return out;
}

Proof WitnessJudge::Judge(const json::Value& doc, const std::string& reader_path) {
  if (!WriterAccepts(doc)) return Proof::kNotAWitness;
  auto fails = ReaderFailures(doc);
  if (!fails) return Proof::kNotAWitness;
  bool related = false, other = false;
  for (const Failure& f : *fails) {
    if (FailureProvesPath(f.location, reader_path))
      related = true;
    else
      other = true;
  }
  if (!related) return Proof::kUnrelated;
  return other ? Proof::kProves : Proof::kClean;
}

json::Value WitnessJudge::Repair(json::Value doc, const std::string& reader_path, Proof& proof) {
  proof = Judge(doc, reader_path);
  if (proof == Proof::kNotAWitness) return doc;
  auto count_others = [&](const json::Value& d) {
    std::size_t n = 0;
    if (auto fails = ReaderFailures(d))
      for (const Failure& f : *fails) n += FailureProvesPath(f.location, reader_path) ? 0 : 1;
    return n;
  };
  for (int round = 0; round < kRounds && proof != Proof::kClean; ++round) {
    auto fails = ReaderFailures(doc);
    if (!fails) break;
    std::vector<Failure> others;
    for (const Failure& f : *fails)
      if (!FailureProvesPath(f.location, reader_path)) others.push_back(f);
    if (others.empty()) break;
    std::size_t before = others.size();
    bool improved = false;
    for (std::size_t k = 0; k < others.size() && k < 3 && !improved; ++k) {
      const Failure& f = others[k];
      std::vector<json::Value> alts;
      json::Value* target = At(doc, f.instance);
      if (target == nullptr) continue;
      // Missing required properties: add them with values the reader accepts.
      if (f.keyword == "required" && f.node != kNoNode && target->IsObject()) {
        const json::Value* req =
            rr_.V(f.node).IsObject() ? rr_.V(f.node).Find("required") : nullptr;
        for (std::uint64_t s = 0; s < kSeeds && req && req->IsArray(); ++s) {
          json::Value gen = rgen_.Gen(Conj{f.node}, s);
          json::Value alt = doc;
          json::Value* obj = At(alt, f.instance);
          for (const json::Value& q : req->AsArray()) {
            if (!q.IsString() || obj->Find(q.AsString())) continue;
            const json::Value* g = gen.IsObject() ? gen.Find(q.AsString()) : nullptr;
            obj->Add(q.AsString(), g ? *g : json::Value(nullptr));
          }
          alts.push_back(std::move(alt));
        }
      }
      // Another value where the reader fails (not the whole document: that
      // would lose the finding's own failure).
      if (!f.instance.empty() && f.node != kNoNode) {
        for (std::uint64_t s = 0; s < kSeeds; ++s) {
          json::Value alt = doc;
          *At(alt, f.instance) = rgen_.Gen(Conj{f.node}, s);
          alts.push_back(std::move(alt));
        }
      }
      // A property the reader rejects: leave it out.
      if (!f.instance.empty()) {
        std::string parent = Parent(f.instance);
        json::Value alt = doc;
        json::Value* p = At(alt, parent);
        if (p && p->IsObject()) {
          std::string key = LastToken(f.instance);
          auto tokens = json::SplitPointer("/" + key);
          if (tokens && tokens->size() == 1) {
            key = tokens->front();
            std::erase_if(p->AsObject(), [&](const json::Member& m) { return m.key == key; });
            alts.push_back(std::move(alt));
          }
        }
      }
      for (json::Value& alt : alts) {
        Proof q = Judge(alt, reader_path);
        if (q == Proof::kNotAWitness) continue;
        bool better = static_cast<int>(q) > static_cast<int>(proof) ||
                      (q == proof && count_others(alt) < before);
        if (better) {
          doc = std::move(alt);
          proof = q;
          improved = true;
          break;
        }
      }
    }
    if (!improved) break;
  }
  return doc;
}

}  // namespace accord::compat::jsc
