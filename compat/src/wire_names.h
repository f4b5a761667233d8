// Private helpers for the wire-name tables of compat enums (one table per
// enum; names compared ASCII case-insensitively when parsing).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace accord::compat::internal {

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) {
      return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

template <typename Table, typename E>
std::string_view NameOf(const Table& table, E e) {
  for (const auto& [value, name] : table) {
    if (value == e) return name;
  }
  return "UNKNOWN";
}

template <typename Table>
auto FromName(const Table& table, std::string_view s)
    -> std::optional<typename Table::value_type::first_type> {
  for (const auto& [value, name] : table) {
    if (EqualsIgnoreCase(name, s)) return value;
  }
  return std::nullopt;
}

}  // namespace accord::compat::internal
