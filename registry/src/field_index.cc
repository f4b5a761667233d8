// The catalog's field search index (field_index.h).
#include "field_index.h"

#include <algorithm>
#include <cctype>
#include <mutex>

namespace accord::registry::internal {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Terms live in one table; prefixes keep names and tags apart.
std::string NameTerm(std::string_view name) { return "n:" + Lower(name); }
constexpr std::string_view kPiiTerm = "t:pii";

}  // namespace

std::string_view FieldName(std::string_view path) {
  while (path.ends_with("[]") || path.ends_with("{}")) path.remove_suffix(2);
  const std::size_t dot = path.rfind('.');
  return dot == std::string_view::npos ? path : path.substr(dot + 1);
}

std::shared_ptr<const FieldIndex::Rows> FieldIndex::Find(const TableKey& key) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(key);
  return it == by_key_.end() ? nullptr : tables_[it->second].rows;
}

void FieldIndex::Post(const std::string& term, std::uint32_t table, std::uint32_t row) {
  postings_[term].emplace_back(table, row);
}

std::shared_ptr<const FieldIndex::Rows> FieldIndex::Add(
    const TableKey& key, const std::vector<compat::FieldInfo>& fields) {
  auto rows = std::make_shared<Rows>();
  rows->reserve(fields.size());
  for (const compat::FieldInfo& f : fields) {
    rows->push_back(IndexedField{.path = f.path, .type = f.type, .pii = f.pii});
  }
  std::unique_lock lock(mu_);
  const auto table = static_cast<std::uint32_t>(tables_.size());
  auto [it, inserted] = by_key_.emplace(key, table);
  if (!inserted) return tables_[it->second].rows;
  tables_.push_back(Table{key, rows});
  for (std::uint32_t i = 0; i < rows->size(); ++i) {
    const IndexedField& f = (*rows)[i];
    const std::string_view name = FieldName(f.path);
    Post(NameTerm(name), table, i);
    if (name.size() != f.path.size()) Post(NameTerm(f.path), table, i);
    if (f.pii) Post(std::string(kPiiTerm), table, i);
  }
  return rows;
}

FieldIndex::Hits FieldIndex::Search(std::string_view name, bool pii_only) const {
  Hits out;
  if (name.empty() && !pii_only) return out;
  std::shared_lock lock(mu_);
  auto it = postings_.find(name.empty() ? std::string(kPiiTerm) : NameTerm(name));
  if (it == postings_.end()) return out;
  for (const auto& [table, row] : it->second) {
    const Table& t = tables_[table];
    if (pii_only && !(*t.rows)[row].pii) continue;
    std::vector<std::uint32_t>& rows = out[t.key];
    // A top-level row is posted once; a nested one under its name and its
    // path, which differ, so one term never lists a row twice.
    rows.push_back(row);
  }
  return out;
}

std::size_t FieldIndex::size() const {
  std::shared_lock lock(mu_);
  return tables_.size();
}

}  // namespace accord::registry::internal
