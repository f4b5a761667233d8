#include "registry_references.h"

#include <algorithm>
#include <map>
#include <utility>

#include "accord/schemas/schema_type.h"

namespace accord::cli {

std::string RegistryText(const compat::Schema& schema) {
  const compat::SchemaSource& source = schema.source();
  return source.document ? json::ToJson(source.document->root) : source.text;
}

namespace {

// The names `schema` imports directly. The schema parsed with these
// references, so reading its imports again cannot fail; if it did, it would
// have none to register.
std::vector<std::string> DirectImports(const compat::Schema& schema) {
  std::vector<std::string> out;
  auto imports = schema.language().Imports(schema.source());
  if (!imports) return out;
  for (const compat::SchemaImport& i : *imports) out.push_back(i.name);
  return out;
}

class Walk {
 public:
  Walk(RegistryClient& client, const compat::Schema& root, ReferenceMode mode,
       const std::vector<SchemaReference>& pinned)
      : client_(client), mode_(mode) {
    for (const compat::ReferencedSchema& r : root.references()) by_name_.emplace(r.name, &r);
    for (const SchemaReference& p : pinned) done_.emplace(p.name, p);
  }

  // The references list for a schema importing `names`; nullopt when one is
  // missing (kLookup).
  ClientResult<std::optional<std::vector<SchemaReference>>> ListFor(
      const std::vector<std::string>& names) {
    std::vector<SchemaReference> out;
    for (const std::string& name : names) {
      auto ref = Ensure(name);
      if (!ref) return std::unexpected(ref.error());
      if (!*ref) return std::optional<std::vector<SchemaReference>>();
      out.push_back(**ref);
    }
    return std::optional<std::vector<SchemaReference>>(std::move(out));
  }

  std::vector<ReferenceOutcome> TakeOutcomes() { return std::move(outcomes_); }

 private:
  // The registered version of the referenced schema `name` (dependencies
  // first). The closure is acyclic (the parse refused cycles), so the
  // recursion ends; its depth is at most the closure's size.
  ClientResult<std::optional<SchemaReference>> Ensure(const std::string& name) {
    if (auto done = done_.find(name); done != done_.end()) return done->second;
    auto it = by_name_.find(name);
    if (it == by_name_.end() || !it->second->schema) {
      // Built in on the registry's side too: no reference.
      return std::optional<SchemaReference>();
    }
    const compat::Schema& schema = *it->second->schema;
    auto own = ListFor(DirectImports(schema));
    if (!own) return std::unexpected(own.error());
    if (!*own) return done_.emplace(name, std::nullopt).first->second;
    const std::string text = RegistryText(schema);
    const std::string type(SchemaTypeName(schema.type()));
    auto found = client_.Lookup(name, text, type, **own);
    if (!found) return std::unexpected(found.error());
    ReferenceOutcome outcome{name, 0, 0, false};
    if (*found) {
      outcome.version = (*found)->version;
      outcome.id = (*found)->id;
    } else if (mode_ == ReferenceMode::kLookup) {
      return done_.emplace(name, std::nullopt).first->second;
    } else {
      auto registered = client_.Register(name, text, type, json::Value(), **own);
      if (!registered) return std::unexpected(registered.error());
      outcome.registered = true;
      outcome.id = registered->id;
      outcome.version = registered->version;
      if (outcome.version == 0) {  // Confluent's reply names only the id
        auto again = client_.Lookup(name, text, type, **own);
        if (!again) return std::unexpected(again.error());
        if (*again) outcome.version = (*again)->version;
      }
    }
    outcomes_.push_back(outcome);
    return done_.emplace(name, SchemaReference{name, name, outcome.version}).first->second;
  }

  RegistryClient& client_;
  ReferenceMode mode_;
  std::map<std::string, const compat::ReferencedSchema*, std::less<>> by_name_;
  std::map<std::string, std::optional<SchemaReference>, std::less<>> done_;
  std::vector<ReferenceOutcome> outcomes_;
};

}  // namespace

ClientResult<SchemaReferences> ResolveRegistryReferences(
    RegistryClient& client, const compat::Schema& schema, ReferenceMode mode,
    const std::vector<SchemaReference>& pinned) {
  SchemaReferences out;
  if (schema.references().empty() && pinned.empty()) {
    out.references.emplace();
    return out;
  }
  Walk walk(client, schema, mode, pinned);
  std::vector<std::string> names = DirectImports(schema);
  for (const SchemaReference& p : pinned) {
    if (std::find(names.begin(), names.end(), p.name) == names.end()) names.push_back(p.name);
  }
  auto list = walk.ListFor(names);
  if (!list) return std::unexpected(list.error());
  out.references = std::move(*list);
  out.outcomes = walk.TakeOutcomes();
  return out;
}

}  // namespace accord::cli
