// Private to registry/src: the index behind the catalog's field search
// (Service::SearchFields, GET /accord/v1/fields; service.h, CATALOG RULES).
//
// A schema never changes once stored, so its field table
// (compat::Language::Fields) is computed once per schema id and event type
// (the type a subject's catalog metadata names, SubjectMetadata::message;
// "" for the schema's default: one schema may be the versions of subjects
// naming different messages of it) and kept: a
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

// One field table: of schema `id`, for its type `event_type` ("": the
// schema's default).
struct TableKey {
  SchemaId id;
  std::string event_type;
  friend bool operator==(const TableKey&, const TableKey&) = default;
};
struct TableKeyHash {
  std::size_t operator()(const TableKey& k) const {
    return std::hash<SchemaId>{}(k.id) * 31 + std::hash<std::string>{}(k.event_type);
  }
};

class FieldIndex {
 public:
  using Rows = std::vector<IndexedField>;
  // Table -> the indexes of its rows that match.
  using Hits = std::unordered_map<TableKey, std::vector<std::uint32_t>, TableKeyHash>;

  // The rows of table `key`; null when it is not indexed yet.
  std::shared_ptr<const Rows> Find(const TableKey& key) const;
  // Indexes table `key` with `fields` (a second Add of the same key keeps
  // the first: the schema has not changed). Returns its rows.
  std::shared_ptr<const Rows> Add(const TableKey& key,
                                  const std::vector<compat::FieldInfo>& fields);
  // Rows whose name or whole path equals `name` (case-insensitive; "" = any
  // row) and, when `pii_only`, that are personal data. `name` "" with
  // `pii_only` false matches nothing.
  Hits Search(std::string_view name, bool pii_only) const;
  // The number of tables indexed.
  std::size_t size() const;

 private:
  // (table, row): tables by their index in tables_, so that a posting does
  // not repeat its table's key.
  using Posting = std::pair<std::uint32_t, std::uint32_t>;
  struct Table {
    TableKey key;
    std::shared_ptr<const Rows> rows;
  };
  void Post(const std::string& term, std::uint32_t table, std::uint32_t row);

  mutable std::shared_mutex mu_;
  std::vector<Table> tables_;
  std::unordered_map<TableKey, std::uint32_t, TableKeyHash> by_key_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
};

}  // namespace accord::registry::internal
