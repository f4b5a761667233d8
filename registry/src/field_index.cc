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

std::shared_ptr<const FieldIndex::Rows> FieldIndex::Find(SchemaId id) const {
  std::shared_lock lock(mu_);
  auto it = rows_.find(id);
  return it == rows_.end() ? nullptr : it->second;
}

void FieldIndex::Post(const std::string& term, SchemaId id, std::uint32_t row) {
  postings_[term].emplace_back(id, row);
}

std::shared_ptr<const FieldIndex::Rows> FieldIndex::Add(
    SchemaId id, const std::vector<compat::FieldInfo>& fields) {
  auto rows = std::make_shared<Rows>();
  rows->reserve(fields.size());
  for (const compat::FieldInfo& f : fields) {
    rows->push_back(IndexedField{.path = f.path, .type = f.type, .pii = f.pii});
  }
  std::unique_lock lock(mu_);
  auto [it, inserted] = rows_.emplace(id, rows);
  if (!inserted) return it->second;
  for (std::uint32_t i = 0; i < rows->size(); ++i) {
    const IndexedField& f = (*rows)[i];
    const std::string_view name = FieldName(f.path);
    Post(NameTerm(name), id, i);
    if (name.size() != f.path.size()) Post(NameTerm(f.path), id, i);
    if (f.pii) Post(std::string(kPiiTerm), id, i);
  }
  return rows;
}

FieldIndex::Hits FieldIndex::Search(std::string_view name, bool pii_only) const {
  Hits out;
  if (name.empty() && !pii_only) return out;
  std::shared_lock lock(mu_);
  auto it = postings_.find(name.empty() ? std::string(kPiiTerm) : NameTerm(name));
  if (it == postings_.end()) return out;
  for (const auto& [id, row] : it->second) {
    if (pii_only && !(*rows_.at(id))[row].pii) continue;
    std::vector<std::uint32_t>& rows = out[id];
    // A top-level row is posted once; a nested one under its name and its
    // path, which differ, so one term never lists a row twice.
    rows.push_back(row);
  }
  return out;
}

std::size_t FieldIndex::size() const {
  std::shared_lock lock(mu_);
  return rows_.size();
}

}  // namespace accord::registry::internal
