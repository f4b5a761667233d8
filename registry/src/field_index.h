// Private to registry/src: the index behind the catalog's field search
// (Service::SearchFields, GET /accord/v1/fields; service.h, CATALOG RULES).
//
// A schema never changes once stored, so its field table
// (compat::Language::Fields) is computed once per schema id and kept: a
// search parses only the schemas it has not seen yet (after a start, or
// registered through another replica), never every schema again. What is
// kept per schema is the rows a search reports (path, type, personal data),
// much smaller than the schema text the Service keeps anyway.
//
// Beside the rows, an inverted index from search terms to (schema, row):
// a row's own name (the last segment of its path, without "[]" / "{}"), its
// whole path (when it differs), both lower-cased, and the tag "pii" for
// personal data. A search looks its term up instead of scanning every row.
//
// Thread safety: every method may be called concurrently (mu_ guards all).
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "accord/compat/language.h"
#include "accord/registry/types.h"

namespace accord::registry::internal {

struct IndexedField {
  std::string path;
  std::string type;
  bool pii = false;
};

// A row's own name: "city" for "customer.address.city", "sku" for
// "lines[].sku", "lines" for "lines[]".
std::string_view FieldName(std::string_view path);

class FieldIndex {
 public:
  using Rows = std::vector<IndexedField>;
  // Schema id -> the indexes of its rows that match.
  using Hits = std::unordered_map<SchemaId, std::vector<std::uint32_t>>;

  // The rows of schema `id`; null when it is not indexed yet.
  std::shared_ptr<const Rows> Find(SchemaId id) const;
  // Indexes schema `id` with `fields` (a second Add of the same id keeps the
  // first: the schema has not changed). Returns its rows.
  std::shared_ptr<const Rows> Add(SchemaId id, const std::vector<compat::FieldInfo>& fields);
  // Rows whose name or whole path equals `name` (case-insensitive; "" = any
  // row) and, when `pii_only`, that are personal data. `name` "" with
  // `pii_only` false matches nothing.
  Hits Search(std::string_view name, bool pii_only) const;
  std::size_t size() const;

 private:
  using Posting = std::pair<SchemaId, std::uint32_t>;
  void Post(const std::string& term, SchemaId id, std::uint32_t row);

  mutable std::shared_mutex mu_;
  std::unordered_map<SchemaId, std::shared_ptr<const Rows>> rows_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
};

}  // namespace accord::registry::internal
