// compat::ResolveReferences (references.h): the walk over what a schema
// imports, each name parsed once.
#include "accord/compat/references.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace accord::compat {
namespace {

// The walk of ResolveReferences: each name parsed once, with the closure of
// its own references.
class ReferenceResolver {
 public:
  ReferenceResolver(const FindReference& find, jsonschema::Dialect dialect)
      : find_(find), dialect_(dialect) {}

  Result<std::vector<ReferencedSchema>> Closure(const std::vector<SchemaImport>& imports,
                                                const SchemaSource& importer) {
    std::vector<ReferencedSchema> out;
    std::set<std::string, std::less<>> names;
    auto add = [&](const ReferencedSchema& r) {
      if (names.insert(r.name).second) out.push_back(r);
    };
    for (const SchemaImport& import : imports) {
      auto resolved = Resolve(import, importer);
      if (!resolved) return std::unexpected(resolved.error());
      add(*resolved);
      for (const ReferencedSchema& r : resolved->schema->references()) add(r);
    }
    return out;
  }

 private:
  Result<ReferencedSchema> Resolve(const SchemaImport& import, const SchemaSource& importer) {
    if (auto done = done_.find(import.name); done != done_.end()) return done->second;
    if (std::find(stack_.begin(), stack_.end(), import.name) != stack_.end()) {
      return std::unexpected(ImportError(ErrorCode::kInvalidSchema, importer, import,
                                         "import \"" + import.name +
                                             "\" is a cycle (it imports, directly or not, " +
                                             importer.name + ")"));
    }
    if (++count_ > kMaxReferencedSchemas) {
      return std::unexpected(
          ImportError(ErrorCode::kLimit, importer, import,
                      "more than " + std::to_string(kMaxReferencedSchemas) + " imported schemas"));
    }
    auto found = find_(import, importer);
    if (!found) return std::unexpected(found.error());
    stack_.push_back(import.name);
    auto references = Closure(found->imports, found->source);
    stack_.pop_back();
    if (!references) return std::unexpected(references.error());
    ParseOptions options;
    options.dialect = dialect_;
    options.references = std::move(*references);
    const std::string shown = found->source.name;
    auto parsed = found->language->Parse(std::move(found->source), options);
    if (!parsed) {
      Error e = parsed.error();
      if (e.file.empty() || e.file == import.name) e.file = shown;
      return std::unexpected(std::move(e));
    }
    ReferencedSchema out{import.name, std::move(found->identity), std::move(*parsed)};
    done_.emplace(import.name, out);
    return out;
  }

  const FindReference& find_;
  jsonschema::Dialect dialect_;
  std::map<std::string, ReferencedSchema, std::less<>> done_;
  std::vector<std::string> stack_;
  std::size_t count_ = 0;
};

}  // namespace

Error ImportError(ErrorCode code, const SchemaSource& importer, const SchemaImport& import,
                  std::string message) {
  Error e;
  e.code = code;
  e.file = importer.name;
  e.position = import.position;
  e.message = std::move(message);
  return e;
}

Result<std::vector<ReferencedSchema>> ResolveReferences(const std::vector<SchemaImport>& imports,
                                                        const SchemaSource& importer,
                                                        const FindReference& find,
                                                        jsonschema::Dialect dialect) {
  return ReferenceResolver(find, dialect).Closure(imports, importer);
}

}  // namespace accord::compat
