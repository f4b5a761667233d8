// Evaluating a compiled Plan against an instance.
//
// The evaluator walks Nodes recursively. Each step pushes a Frame on the C++
// stack (parent pointer, schema path of the edge, instance step, resource);
// nothing is allocated and no location string is built unless a failure is
// reported, when the frame chain is turned into the two JSON pointers. The
// same chain is the dynamic scope for $dynamicRef / $recursiveRef.
//
// Annotations for unevaluatedProperties / unevaluatedItems are tracked only
// below a node that has one of those keywords: a node passes an Annotations
// object to its in-place applicators, which mark the members/items they
// evaluated; failed branches of anyOf/oneOf/if drop theirs.
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>

#include "accord/schemas/jsonschema.h"
#include "accord/schemas/pointer.h"
#include "jsonschema_plan.h"

namespace accord::jsonschema {

namespace internal {

std::optional<Decimal> ToDecimal(const json::Number& n) {
  Decimal d;
  if (n.IsInt()) {
    std::int64_t i = n.AsInt();
    d.mantissa = i < 0 ? static_cast<std::uint64_t>(0) - static_cast<std::uint64_t>(i)
                       : static_cast<std::uint64_t>(i);
    return d;
  }
  double x = std::fabs(n.AsDouble());
  if (!std::isfinite(x)) return std::nullopt;
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  if (res.ec != std::errc()) return std::nullopt;
  std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
  std::size_t e = text.find('e');
  if (e == std::string_view::npos) return std::nullopt;
  std::string_view digits = text.substr(0, e);
  int exponent = 0;
  const char* exp_begin = text.data() + e + 1;
  if (*exp_begin == '+') ++exp_begin;
  std::from_chars(exp_begin, text.data() + text.size(), exponent);
  int frac = 0;
  bool seen_point = false;
  for (char c : digits) {
    if (c == '.') {
      seen_point = true;
      continue;
    }
    d.mantissa = d.mantissa * 10 + static_cast<std::uint64_t>(c - '0');
    if (seen_point) ++frac;
  }
  d.exponent = exponent - frac;
  while (d.mantissa != 0 && d.mantissa % 10 == 0) {
    d.mantissa /= 10;
    ++d.exponent;
  }
  return d;
}

namespace {

using u128 = unsigned __int128;
constexpr std::size_t kNoIndex = static_cast<std::size_t>(-1);
// Nested node evaluations (in place and descending). Enough for an instance as
// deep as the loaders accept (256) through a few references per level; a cycle
// through $dynamicRef that never consumes the instance stops here (as a
// failure) instead of overflowing the stack. One level costs under 1 KiB of
// stack, so the bound keeps Validate within about 1 MiB.
constexpr std::size_t kMaxEvalDepth = 1024;
// Evaluation steps: node evaluations, plus the frames walked to build a
// reported failure (deep failures are long strings) and, one step per
// kFramesPerStep frames, to resolve a $dynamicRef / $recursiveRef. Without shared
// subschemas each (node, instance value) pair is evaluated a few times at most,
// but in-place applicators that reach one subschema by many paths do
// exponential work: {"allOf": [{"$ref": "#/$defs/a"}, {"$ref": "#/$defs/a"}]}
// nested n deep, or a $dynamicRef cycle under anyOf (2^1024 paths within
// kMaxEvalDepth). Validate stops, as a failure, after
// kStepFloor + kStepsPerPair * nodes * instance values steps.
constexpr std::uint64_t kStepFloor = 1u << 16;
constexpr std::uint64_t kStepsPerPair = 4;
constexpr std::size_t kFramesPerStep = 16;

// Values in an instance (itself, its items and member values, recursively).
std::uint64_t CountValues(const json::Value& root) {
  std::uint64_t count = 0;
  std::vector<const json::Value*> todo{&root};
  while (!todo.empty()) {
    const json::Value* v = todo.back();
    todo.pop_back();
    ++count;
    if (v->IsArray()) {
      for (const json::Value& item : v->AsArray()) todo.push_back(&item);
    } else if (v->IsObject()) {
      for (const json::Member& m : v->AsObject()) todo.push_back(&m.value);
    }
  }
  return count;
}

// 10^e mod m.
std::uint64_t Pow10Mod(int e, std::uint64_t m) {
  u128 result = 1 % m;
  u128 base = 10 % m;
  while (e > 0) {
    if (e & 1) result = result * base % m;
    base = base * base % m;
    e >>= 1;
  }
  return static_cast<std::uint64_t>(result);
}

// Exact on the decimal values the numbers were written as (shortest
// round-trip form), so 0.0075 is a multiple of 0.0001 and 1e308 of 0.5.
bool IsMultipleOf(const json::Number& x, const Node& n) {
  const json::Number& m = n.multiple_of;
  if (x.IsInt() && m.IsInt()) return x.AsInt() % m.AsInt() == 0;
  auto dx = ToDecimal(x);
  if (!dx) return false;
  if (dx->mantissa == 0) return true;
  const Decimal& dm = n.multiple_of_decimal;
  if (dx->exponent >= dm.exponent) {
    u128 r = dx->mantissa % dm.mantissa;
    u128 p = Pow10Mod(dx->exponent - dm.exponent, dm.mantissa);
    return r * p % dm.mantissa == 0;
  }
  int k = dm.exponent - dx->exponent;
  if (k > 20) return false;  // the multiple is larger than x (x != 0)
  u128 big = dm.mantissa;
  for (int i = 0; i < k; ++i) big *= 10;
  return static_cast<u128>(dx->mantissa) % big == 0;
}

// Inline fast paths for the common int/int case of json::Number's operators.
inline bool Less(const json::Number& a, const json::Number& b) {
  if (a.IsInt() && b.IsInt()) return a.AsInt() < b.AsInt();
  return a < b;
}
inline bool IsIntegral(const json::Number& x) { return x.IsInt() || x.IsIntegral(); }

std::size_t CodePoints(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string TypeNames(std::uint8_t mask) {
  static const std::pair<std::uint8_t, const char*> kNames[] = {
      {kTypeNull, "null"},     {kTypeBoolean, "boolean"}, {kTypeInteger, "integer"},
      {kTypeNumber, "number"}, {kTypeString, "string"},   {kTypeArray, "array"},
      {kTypeObject, "object"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((mask & bit) == 0) continue;
    if (!out.empty()) out += " or ";
    out += name;
  }
  return out;
}

std::string Quote(std::string_view s) {
  std::string out = json::ToJson(json::Value(std::string(s)));
  if (out.size() > 80) out = out.substr(0, 76) + "...\"";
  return out;
}

std::string Num(const json::Number& n) { return json::ToJson(json::Value(n)); }

struct Frame {
  const Frame* parent;
  std::string_view schema_path;  // from the parent frame's node to this node
  const std::string* key;        // instance step (member), or nullptr
  std::size_t index;             // instance step (item), or kNoIndex
  std::uint32_t node;            // the node evaluated in this frame (its resource is
                                 // part of the dynamic scope)
};

// Members / items of one object / array instance that some keyword evaluated.
class Annotations {
 public:
  void Reset(std::size_t n) {
    bits_.assign(n, false);
    all_ = false;
  }
  void Mark(std::size_t i) { bits_[i] = true; }
  void MarkAll() { all_ = true; }
  bool Has(std::size_t i) const { return all_ || bits_[i]; }
  void Merge(const Annotations& o) {
    if (o.all_) {
      all_ = true;
      return;
    }
    for (std::size_t i = 0; i < bits_.size() && i < o.bits_.size(); ++i) {
      if (o.bits_[i]) bits_[i] = true;
    }
  }

 private:
  std::vector<bool> bits_;
  bool all_ = false;
};

std::size_t ContainerSize(const json::Value& v) {
  if (v.IsObject()) return v.AsObject().size();
  if (v.IsArray()) return v.AsArray().size();
  return 0;
}

class Evaluator {
 public:
  // `root` is the instance being validated (sizes the step budget).
  Evaluator(const PlanData& plan, StopMode stop, std::vector<ValidationFailure>* out,
            const json::Value& root)
      : plan_(plan),
        out_(out),
        stop_early_(out == nullptr || stop == StopMode::kFirstFailure),
        root_(root),
        budget_(StepBudget(64)) {}

  bool Eval(std::uint32_t idx, const json::Value& inst, const Frame& frame, Annotations* ann);
  // True once the step budget ran out: every later Eval failed at once, so
  // the verdict is "invalid" and the failures say nothing.
  bool exhausted() const { return exhausted_; }
  std::uint64_t steps() const { return steps_; }

 private:
  bool StopEarly() const { return stop_early_ || silent_ > 0 || exhausted_; }
  std::uint64_t StepBudget(std::uint64_t values) const {
    u128 b = static_cast<u128>(kStepsPerPair) * plan_.nodes.size() * values + kStepFloor;
    return b > std::numeric_limits<std::uint64_t>::max() ? std::numeric_limits<std::uint64_t>::max()
                                                         : static_cast<std::uint64_t>(b);
  }
  // Spends n steps; false once the budget is exhausted. The budget starts as
  // if the instance had 64 values and is sized to the real count (one walk
  // over the instance) only when a validation gets that far.
  bool Charge(std::uint64_t n) {
    steps_ += n;
    if (steps_ <= budget_) return true;
    if (!budget_sized_) {
      budget_sized_ = true;
      budget_ = StepBudget(CountValues(root_));
      if (steps_ <= budget_) return true;
    }
    exhausted_ = true;
    return false;
  }
  bool Quiet() const { return out_ == nullptr || silent_ > 0; }

  bool Go(std::uint32_t node, std::string_view path, const json::Value& inst, const Frame& parent,
          const std::string* key, std::size_t index, Annotations* ann) {
    Frame f{&parent, path, key, index, node};
    return Eval(node, inst, f, ann);
  }
  bool Go(const Edge& e, const json::Value& inst, const Frame& parent, const std::string* key,
          std::size_t index, Annotations* ann) {
    return Go(e.node, e.path, inst, parent, key, index, ann);
  }
  bool IsFalse(const Edge& e) const { return plan_.nodes[e.node].boolean == 0; }

  // Records a failure at `frame` (plus an optional instance step). `message` is
  // only called when the failure is kept.
  // Cold and out of line: keeps string building off the stack frames of the
  // recursive evaluation functions.
  template <typename MessageFn>
  [[gnu::noinline, gnu::cold]] void Fail(const Frame& frame, const std::string* key,
                                         std::size_t index, std::string_view keyword_path,
                                         std::string_view keyword, MessageFn&& message) {
    if (Quiet()) return;
    if (stop_early_ && !out_->empty()) return;
    Charge(depth_ + 1);  // the frame chain is walked twice below
    ValidationFailure f;
    f.instance_location = InstanceLocation(frame, key, index);
    f.keyword_location = KeywordLocation(frame, keyword_path);
    f.keyword = std::string(keyword);
    f.message = message();
    out_->push_back(std::move(f));
  }
  template <typename MessageFn>
  [[gnu::noinline, gnu::cold]] void Fail(const Frame& frame, std::string_view keyword,
                                         MessageFn&& message) {
    Fail(frame, nullptr, kNoIndex, json::EscapeToken(keyword), keyword,
         std::forward<MessageFn>(message));
  }

  static std::string InstanceLocation(const Frame& frame, const std::string* key,
                                      std::size_t index) {
    std::vector<const Frame*> chain;
    for (const Frame* f = &frame; f != nullptr; f = f->parent) chain.push_back(f);
    std::string out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if ((*it)->key != nullptr) {
        out += '/';
        out += json::EscapeToken(*(*it)->key);
      } else if ((*it)->index != kNoIndex) {
        out += '/';
        out += std::to_string((*it)->index);
      }
    }
    if (key != nullptr) {
      out += '/';
      out += json::EscapeToken(*key);
    } else if (index != kNoIndex) {
      out += '/';
      out += std::to_string(index);
    }
    return out;
  }

  static std::string KeywordLocation(const Frame& frame, std::string_view keyword_path) {
    std::vector<const Frame*> chain;
    for (const Frame* f = &frame; f != nullptr; f = f->parent) chain.push_back(f);
    std::string out;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) out += (*it)->schema_path;
    if (!keyword_path.empty()) {
      out += '/';
      out += keyword_path;
    }
    return out;
  }

  [[gnu::noinline]] bool EvalUnevaluated(const Node& n, const json::Value& inst, json::Kind kind,
                                         const Frame& frame, Annotations* ann);
  bool EvalKeywords(const Node& n, const json::Value& inst, json::Kind kind, const Frame& frame,
                    Annotations* a);
  bool EvalInPlace(const Node& n, const json::Value& inst, const Frame& frame, Annotations* a);
  bool EvalNumber(const Node& n, const json::Number& x, const Frame& frame);
  bool EvalString(const Node& n, const std::string& s, const Frame& frame);
  bool EvalArray(const Node& n, const json::Array& arr, const Frame& frame, Annotations* a);
  bool EvalObject(const Node& n, const json::Value& inst, const Frame& frame, Annotations* a);

  const PlanData& plan_;
  std::vector<ValidationFailure>* out_;
  const bool stop_early_;
  int silent_ = 0;
  std::size_t depth_ = 0;
  const json::Value& root_;
  std::uint64_t steps_ = 0;
  std::uint64_t budget_;
  bool budget_sized_ = false;
  bool exhausted_ = false;
};

#define ACCORD_STEP(expr)            \
  do {                               \
    if (!(expr)) {                   \
      ok = false;                    \
      if (StopEarly()) return false; \
    }                                \
  } while (false)

struct DepthGuard {
  std::size_t& depth;
  explicit DepthGuard(std::size_t& d) : depth(d) { ++depth; }
  ~DepthGuard() { --depth; }
};

bool Evaluator::Eval(std::uint32_t idx, const json::Value& inst, const Frame& frame,
                     Annotations* ann) {
  if (exhausted_ || !Charge(1)) return false;
  const Node& n = plan_.nodes[idx];
  if (n.boolean >= 0) {
    if (n.boolean == 1) return true;
    Fail(frame, nullptr, kNoIndex, "", "false",
         [] { return std::string("no value is allowed here (the schema is false)"); });
    return false;
  }
  DepthGuard guard(depth_);
  if (depth_ > kMaxEvalDepth) {
    Fail(frame, nullptr, kNoIndex, "", "$ref",
         [] { return std::string("schema evaluation nested too deeply (a reference cycle?)"); });
    return false;
  }
  const json::Kind kind = inst.kind();
  if ((n.flags & (kFlagUnevaluatedProperties | kFlagUnevaluatedItems)) != 0 &&
      ((kind == json::Kind::kObject && n.unevaluated_properties.present()) ||
       (kind == json::Kind::kArray && n.unevaluated_items.present()))) {
    return EvalUnevaluated(n, inst, kind, frame, ann);
  }
  const bool container = kind == json::Kind::kObject || kind == json::Kind::kArray;
  return EvalKeywords(n, inst, kind, frame, container ? ann : nullptr);
}

// A node with unevaluatedProperties/Items for this instance: collect the
// annotations of every other keyword first, then apply it to the rest.
bool Evaluator::EvalUnevaluated(const Node& n, const json::Value& inst, json::Kind kind,
                                const Frame& frame, Annotations* ann) {
  Annotations local;
  local.Reset(ContainerSize(inst));
  bool ok = EvalKeywords(n, inst, kind, frame, &local);
  if (!ok && StopEarly()) return false;
  if (kind == json::Kind::kObject) {
    const json::Object& obj = inst.AsObject();
    const bool never = IsFalse(n.unevaluated_properties);
    for (std::size_t i = 0; i < obj.size(); ++i) {
      if (local.Has(i)) continue;
      if (never) {
        Fail(frame, &obj[i].key, kNoIndex, "unevaluatedProperties", "unevaluatedProperties",
             [&] { return "property " + Quote(obj[i].key) + " is not allowed (unevaluated)"; });
        ACCORD_STEP(false);
      } else {
        ACCORD_STEP(
            Go(n.unevaluated_properties, obj[i].value, frame, &obj[i].key, kNoIndex, nullptr));
      }
    }
  } else {
    const json::Array& arr = inst.AsArray();
    const bool never = IsFalse(n.unevaluated_items);
    for (std::size_t i = 0; i < arr.size(); ++i) {
      if (local.Has(i)) continue;
      if (never) {
        Fail(frame, nullptr, i, "unevaluatedItems", "unevaluatedItems",
             [&] { return "item " + std::to_string(i) + " is not allowed (unevaluated)"; });
        ACCORD_STEP(false);
      } else {
        ACCORD_STEP(Go(n.unevaluated_items, arr[i], frame, nullptr, i, nullptr));
      }
    }
  }
  if (ann != nullptr && ok) ann->MarkAll();
  return ok;
}

bool Evaluator::EvalKeywords(const Node& n, const json::Value& inst, json::Kind kind,
                             const Frame& frame, Annotations* a) {
  bool ok = true;
  if (n.types != 0) {
    std::uint8_t bit = 0;
    switch (kind) {
      case json::Kind::kNull:
        bit = kTypeNull;
        break;
      case json::Kind::kBool:
        bit = kTypeBoolean;
        break;
      case json::Kind::kNumber:
        bit = IsIntegral(inst.AsNumber()) ? (kTypeNumber | kTypeInteger) : kTypeNumber;
        break;
      case json::Kind::kString:
        bit = kTypeString;
        break;
      case json::Kind::kArray:
        bit = kTypeArray;
        break;
      case json::Kind::kObject:
        bit = kTypeObject;
        break;
    }
    if ((n.types & bit) == 0) {
      Fail(frame, "type", [&] {
        return "expected " + TypeNames(n.types) + ", got " + std::string(json::KindName(kind));
      });
      ACCORD_STEP(false);
    }
  }
  if ((n.flags & kFlagsInPlace) != 0) ACCORD_STEP(EvalInPlace(n, inst, frame, a));

  switch (kind) {
    case json::Kind::kNumber:
      if (n.number_checks) ACCORD_STEP(EvalNumber(n, inst.AsNumber(), frame));
      break;
    case json::Kind::kString:
      if (n.string_checks) ACCORD_STEP(EvalString(n, inst.AsString(), frame));
      break;
    case json::Kind::kArray:
      if (n.array_checks) ACCORD_STEP(EvalArray(n, inst.AsArray(), frame, a));
      break;
    case json::Kind::kObject:
      if (n.object_checks) ACCORD_STEP(EvalObject(n, inst, frame, a));
      break;
    default:
      break;
  }
  return ok;
}

// const, enum, references and combinators: keywords applied to the instance itself.
bool Evaluator::EvalInPlace(const Node& n, const json::Value& inst, const Frame& frame,
                            Annotations* a) {
  bool ok = true;
  const std::uint32_t flags = n.flags;
  if ((flags & kFlagConst) != 0 && !(inst == n.const_value)) {
    Fail(frame, "const", [&] { return "value must be " + json::ToJson(n.const_value); });
    ACCORD_STEP(false);
  }
  if ((flags & kFlagEnum) != 0) {
    bool found = false;
    for (const json::Value& e : n.enum_values) {
      if (inst == e) {
        found = true;
        break;
      }
    }
    if (!found) {
      Fail(frame, "enum", [&] {
        std::string list = json::ToJson(json::Value(n.enum_values));
        if (list.size() > 200) list = list.substr(0, 196) + "...]";
        return "value must be one of " + list;
      });
      ACCORD_STEP(false);
    }
  }
  if ((flags & kFlagRef) != 0) ACCORD_STEP(Go(n.ref, inst, frame, nullptr, kNoIndex, a));
  if ((flags & kFlagDynamicRef) != 0) {
    std::uint32_t target = n.dynamic_ref.node;
    if (!n.dynamic_name.empty()) {
      // The outermost resource in the dynamic scope with a matching $dynamicAnchor.
      for (const Frame* f = &frame; f != nullptr; f = f->parent) {
        std::uint32_t t =
            plan_.resources[plan_.nodes[f->node].resource].FindDynamic(n.dynamic_name);
        if (t != kNoNode) target = t;
      }
      if (!Charge(depth_ / kFramesPerStep)) return false;
    }
    ACCORD_STEP(Go(target, n.dynamic_ref.path, inst, frame, nullptr, kNoIndex, a));
  }
  if ((flags & kFlagRecursiveRef) != 0) {
    std::uint32_t target = n.recursive_ref.node;
    if (n.recursive_dynamic) {
      for (const Frame* f = &frame; f != nullptr; f = f->parent) {
        const Resource& r = plan_.resources[plan_.nodes[f->node].resource];
        if (r.recursive_anchor && r.root != kNoNode) target = r.root;
      }
      if (!Charge(depth_ / kFramesPerStep)) return false;
    }
    ACCORD_STEP(Go(target, n.recursive_ref.path, inst, frame, nullptr, kNoIndex, a));
  }
  for (const Edge& e : n.all_of) ACCORD_STEP(Go(e, inst, frame, nullptr, kNoIndex, a));
  if ((flags & kFlagAnyOf) != 0) {
    bool any = false;
    ++silent_;
    for (const Edge& e : n.any_of) {
      if (a != nullptr) {
        Annotations branch;
        branch.Reset(ContainerSize(inst));
        if (Go(e, inst, frame, nullptr, kNoIndex, &branch)) {
          any = true;
          a->Merge(branch);
        }
      } else if (Go(e, inst, frame, nullptr, kNoIndex, nullptr)) {
        any = true;
        break;
      }
    }
    --silent_;
    if (!any) {
      Fail(frame, "anyOf",
           [] { return std::string("value does not match any of the schemas in anyOf"); });
      ACCORD_STEP(false);
    }
  }
  if ((flags & kFlagOneOf) != 0) {
    std::size_t matches = 0, first = 0, second = 0;
    Annotations first_ann;
    ++silent_;
    for (std::size_t i = 0; i < n.one_of.size(); ++i) {
      Annotations branch;
      if (a != nullptr) branch.Reset(ContainerSize(inst));
      if (Go(n.one_of[i], inst, frame, nullptr, kNoIndex, a != nullptr ? &branch : nullptr)) {
        if (++matches == 1) {
          first = i;
          if (a != nullptr) first_ann = std::move(branch);
        } else {
          second = i;
          break;
        }
      }
    }
    --silent_;
    if (matches == 1) {
      if (a != nullptr) a->Merge(first_ann);
    } else {
      Fail(frame, "oneOf", [&] {
        if (matches == 0) return std::string("value does not match any of the schemas in oneOf");
        return "value matches more than one schema in oneOf (" + std::to_string(first) + " and " +
               std::to_string(second) + ")";
      });
      ACCORD_STEP(false);
    }
  }
  if ((flags & kFlagNot) != 0) {
    ++silent_;
    bool matched = Go(n.not_, inst, frame, nullptr, kNoIndex, nullptr);
    --silent_;
    if (matched) {
      Fail(frame, "not", [] { return std::string("value must not match the schema in not"); });
      ACCORD_STEP(false);
    }
  }
  if ((flags & kFlagIf) != 0) {
    Annotations cond;
    if (a != nullptr) cond.Reset(ContainerSize(inst));
    ++silent_;
    bool holds = Go(n.if_, inst, frame, nullptr, kNoIndex, a != nullptr ? &cond : nullptr);
    --silent_;
    if (holds) {
      if (a != nullptr) a->Merge(cond);
      if (n.then_.present()) ACCORD_STEP(Go(n.then_, inst, frame, nullptr, kNoIndex, a));
    } else if (n.else_.present()) {
      ACCORD_STEP(Go(n.else_, inst, frame, nullptr, kNoIndex, a));
    }
  }
  return ok;
}

bool Evaluator::EvalNumber(const Node& n, const json::Number& x, const Frame& frame) {
  bool ok = true;
  if (n.has_minimum && Less(x, n.minimum)) {
    Fail(frame, "minimum", [&] { return "value must be >= " + Num(n.minimum); });
    ACCORD_STEP(false);
  }
  if (n.has_exclusive_minimum && !Less(n.exclusive_minimum, x)) {
    Fail(frame, n.minimum_keyword_exclusive ? "minimum" : "exclusiveMinimum",
         [&] { return "value must be > " + Num(n.exclusive_minimum); });
    ACCORD_STEP(false);
  }
  if (n.has_maximum && Less(n.maximum, x)) {
    Fail(frame, "maximum", [&] { return "value must be <= " + Num(n.maximum); });
    ACCORD_STEP(false);
  }
  if (n.has_exclusive_maximum && !Less(x, n.exclusive_maximum)) {
    Fail(frame, n.maximum_keyword_exclusive ? "maximum" : "exclusiveMaximum",
         [&] { return "value must be < " + Num(n.exclusive_maximum); });
    ACCORD_STEP(false);
  }
  if (n.has_multiple_of && !IsMultipleOf(x, n)) {
    Fail(frame, "multipleOf", [&] { return "value must be a multiple of " + Num(n.multiple_of); });
    ACCORD_STEP(false);
  }
  return ok;
}

bool Evaluator::EvalString(const Node& n, const std::string& s, const Frame& frame) {
  bool ok = true;
  // A string of b bytes has between ceil(b/4) and b code points: count them
  // only when the byte length cannot decide.
  const std::size_t bytes = s.size();
  const bool check_min = n.min_length > 0 && bytes / 4 < n.min_length;
  const bool check_max = bytes > n.max_length;
  if (check_min || check_max) {
    const std::size_t len = CodePoints(s);
    if (check_min && len < n.min_length) {
      Fail(frame, "minLength", [&] {
        return "string must be at least " + std::to_string(n.min_length) + " characters long";
      });
      ACCORD_STEP(false);
    }
    if (check_max && len > n.max_length) {
      Fail(frame, "maxLength", [&] {
        return "string must be at most " + std::to_string(n.max_length) + " characters long";
      });
      ACCORD_STEP(false);
    }
  }
  if (n.pattern != kNoNode && !plan_.regexes[n.pattern].Search(s)) {
    Fail(frame, "pattern", [&] {
      return "string does not match pattern " + Quote(plan_.regexes[n.pattern].pattern());
    });
    ACCORD_STEP(false);
  }
  if (n.format != nullptr && !n.format(s)) {
    Fail(frame, "format", [&] { return "string is not a valid " + Quote(n.format_name); });
    ACCORD_STEP(false);
  }
  return ok;
}

bool Evaluator::EvalArray(const Node& n, const json::Array& arr, const Frame& frame,
                          Annotations* a) {
  bool ok = true;
  const std::size_t size = arr.size();
  if (size < n.min_items) {
    Fail(frame, "minItems",
         [&] { return "array must have at least " + std::to_string(n.min_items) + " items"; });
    ACCORD_STEP(false);
  }
  if (size > n.max_items) {
    Fail(frame, "maxItems",
         [&] { return "array must have at most " + std::to_string(n.max_items) + " items"; });
    ACCORD_STEP(false);
  }
  if (n.unique_items && size > 1) {
    for (std::size_t i = 1; i < size; ++i) {
      for (std::size_t j = 0; j < i; ++j) {
        if (arr[i].kind() == arr[j].kind() && arr[i] == arr[j]) {
          Fail(frame, "uniqueItems", [&] {
            return "items " + std::to_string(j) + " and " + std::to_string(i) + " are equal";
          });
          ACCORD_STEP(false);
          i = size;  // report one pair
          break;
        }
      }
    }
  }
  const std::size_t prefix = std::min(size, n.prefix_items.size());
  for (std::size_t i = 0; i < prefix; ++i) {
    ACCORD_STEP(Go(n.prefix_items[i], arr[i], frame, nullptr, i, nullptr));
    if (a != nullptr) a->Mark(i);
  }
  if (n.rest_items.present() && size > n.prefix_items.size()) {
    if (IsFalse(n.rest_items)) {
      Fail(frame, n.rest_keyword, [&] {
        return "array must have at most " + std::to_string(n.prefix_items.size()) + " items";
      });
      ACCORD_STEP(false);
    } else {
      for (std::size_t i = n.prefix_items.size(); i < size; ++i) {
        ACCORD_STEP(Go(n.rest_items, arr[i], frame, nullptr, i, nullptr));
      }
    }
    if (a != nullptr) a->MarkAll();
  }
  if (n.contains.present()) {
    std::size_t count = 0;
    const bool mark = a != nullptr && n.contains_annotates;
    ++silent_;
    for (std::size_t i = 0; i < size; ++i) {
      if (Go(n.contains, arr[i], frame, nullptr, i, nullptr)) {
        ++count;
        if (mark) a->Mark(i);
        if (!mark && count >= n.min_contains && n.max_contains == kUnbounded) break;
      }
    }
    --silent_;
    if (count < n.min_contains) {
      Fail(frame, n.min_contains == 1 ? "contains" : "minContains", [&] {
        return "array must contain at least " + std::to_string(n.min_contains) +
               " matching item(s), found " + std::to_string(count);
      });
      ACCORD_STEP(false);
    }
    if (count > n.max_contains) {
      Fail(frame, "maxContains", [&] {
        return "array must contain at most " + std::to_string(n.max_contains) +
               " matching item(s), found " + std::to_string(count);
      });
      ACCORD_STEP(false);
    }
  }
  return ok;
}

bool Evaluator::EvalObject(const Node& n, const json::Value& inst, const Frame& frame,
                           Annotations* a) {
  bool ok = true;
  const json::Object& obj = inst.AsObject();
  const std::size_t size = obj.size();
  if (size < n.min_properties) {
    Fail(frame, "minProperties", [&] {
      return "object must have at least " + std::to_string(n.min_properties) + " properties";
    });
    ACCORD_STEP(false);
  }
  if (size > n.max_properties) {
    Fail(frame, "maxProperties", [&] {
      return "object must have at most " + std::to_string(n.max_properties) + " properties";
    });
    ACCORD_STEP(false);
  }
  if (n.member_loop) {
    const std::size_t required = n.required.size();
    std::uint64_t found_small = 0;
    std::vector<bool> found_big;
    if (required > 64) found_big.assign(required, false);
    std::size_t found = 0;
    const bool has_names = !n.names.empty();
    for (std::size_t i = 0; i < size; ++i) {
      const json::Member& m = obj[i];
      bool matched = false;
      if (has_names) {
        if (const PropSlot* s = n.names.Find(m.key)) {
          if (s->required >= 0) {
            ++found;
            if (required > 64) {
              found_big[static_cast<std::size_t>(s->required)] = true;
            } else {
              found_small |= std::uint64_t{1} << s->required;
            }
          }
          if (s->property != kNoNode) {
            matched = true;
            ACCORD_STEP(Go(n.properties[s->property], m.value, frame, &m.key, kNoIndex, nullptr));
          }
        }
      }
      for (const PatternEdge& pe : n.pattern_properties) {
        if (plan_.regexes[pe.regex].Search(m.key)) {
          matched = true;
          ACCORD_STEP(Go(pe.edge, m.value, frame, &m.key, kNoIndex, nullptr));
        }
      }
      if (!matched && n.additional_properties.present()) {
        if (IsFalse(n.additional_properties)) {
          Fail(frame, &m.key, kNoIndex, "additionalProperties", "additionalProperties",
               [&] { return "property " + Quote(m.key) + " is not allowed"; });
          ACCORD_STEP(false);
        } else {
          ACCORD_STEP(Go(n.additional_properties, m.value, frame, &m.key, kNoIndex, nullptr));
        }
        matched = true;
      }
      if (matched && a != nullptr) a->Mark(i);
      if (n.property_names.present()) {
        json::Value name(m.key);
        if (IsFalse(n.property_names)) {
          Fail(frame, &m.key, kNoIndex, "propertyNames", "propertyNames",
               [&] { return "property name " + Quote(m.key) + " is not allowed"; });
          ACCORD_STEP(false);
        } else {
          ACCORD_STEP(Go(n.property_names, name, frame, nullptr, kNoIndex, nullptr));
        }
      }
    }
    if (found != required) {
      for (std::size_t r = 0; r < required; ++r) {
        bool present = required > 64 ? found_big[r] : ((found_small >> r) & 1) != 0;
        if (present) continue;
        Fail(frame, "required",
             [&] { return "missing required property " + Quote(n.required[r]); });
        ACCORD_STEP(false);
      }
    }
  }
  for (const DependentRequired& dep : n.dependent_required) {
    if (inst.Find(dep.name) == nullptr) continue;
    for (const std::string& r : dep.required) {
      if (inst.Find(r) != nullptr) continue;
      Fail(frame, nullptr, kNoIndex, dep.keyword + "/" + json::EscapeToken(dep.name), dep.keyword,
           [&] {
             return "property " + Quote(r) + " is required when " + Quote(dep.name) + " is present";
           });
      ACCORD_STEP(false);
    }
  }
  for (const DependentSchema& dep : n.dependent_schemas) {
    if (inst.Find(dep.name) == nullptr) continue;
    ACCORD_STEP(Go(dep.edge, inst, frame, nullptr, kNoIndex, a));
  }
  return ok;
}

#undef ACCORD_STEP

}  // namespace
}  // namespace internal

Validator::Validator(std::unique_ptr<Plan> plan) : plan_(std::move(plan)) {}
Validator::Validator(Validator&&) noexcept = default;
Validator& Validator::operator=(Validator&&) noexcept = default;
Validator::~Validator() = default;

Dialect Validator::dialect() const { return plan_->dialect; }

ValidationResult Validator::Validate(const json::Value& instance, StopMode stop) const {
  ValidationResult result;
  internal::Evaluator ev(*plan_, stop, &result.failures, instance);
  internal::Frame root{nullptr, "", nullptr, internal::kNoIndex, plan_->root};
  result.valid = ev.Eval(plan_->root, instance, root, nullptr);
  if (ev.exhausted()) {
    result.valid = false;
    result.failures.assign(
        1, ValidationFailure{"", "", "",
                             "validation stopped after " + std::to_string(ev.steps()) +
                                 " steps (the schema reaches shared subschemas along too "
                                 "many paths)"});
  }
  if (!result.valid && result.failures.empty()) {
    result.failures.push_back(ValidationFailure{"", "", "", "value is not valid"});
  }
  if (result.valid) result.failures.clear();
  return result;
}

bool Validator::IsValid(const json::Value& instance) const {
  internal::Evaluator ev(*plan_, StopMode::kFirstFailure, nullptr, instance);
  internal::Frame root{nullptr, "", nullptr, internal::kNoIndex, plan_->root};
  return ev.Eval(plan_->root, instance, root, nullptr) && !ev.exhausted();
}

}  // namespace accord::jsonschema
