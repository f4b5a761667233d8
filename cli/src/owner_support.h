// Shared plumbing of the owner commands (`accord register`, `deprecate`, `ls`,
// `show`): the --format option, opening a client from the registry flags,
// reading Accord's catalog replies, and aligned text tables.
//
// Reading replies: the catalog API (docs/catalog-api.md) is read tolerantly
// through Field()/FieldText(), which look a value up by a dotted path in the
// reply ("latest.version") and try each listed alternative in turn, so one
// place decides which member names the commands accept. A member that is
// absent renders as "-" in tables.
//
// Exit codes: those of registry_flags.h (0 ok, 1 refused, 2 usage or bad
// file, 3 registry unreachable).
#pragma once

#include <expected>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "accord/schemas/json.h"
#include "registry_client.h"
#include "registry_flags.h"

namespace accord::cli {

enum class OwnerFormat : std::uint8_t { kText, kJson };

// What every owner command takes besides its own arguments.
struct OwnerOptions {
  RegistryFlags registry;
  std::string format = "text";
  OwnerFormat Format() const { return format == "json" ? OwnerFormat::kJson : OwnerFormat::kText; }
};

// Adds the registry flags and `--format text|json` to `command`.
void AddOwnerOptions(CLI::App& command, OwnerOptions& options);

// A client for the flags; on a usage error (no registry URL, bad URL) prints
// "accord COMMAND: error: …" and returns exit code 2 as the error.
std::expected<std::unique_ptr<RegistryClient>, int> OpenClient(std::string_view command,
                                                               const OwnerOptions& options);

// `value` as indented JSON on stdout, with a final newline.
void PrintJson(const json::Value& value);

// The first of `paths` (each a dotted member path, e.g. "latest.version")
// that resolves in `object` to a non-null value; nullptr when none does.
const json::Value* Field(const json::Value& object, std::initializer_list<std::string_view> paths);

// Field() as display text: strings as they are, integers in decimal, true
// "yes", arrays of scalars joined with ", "; `absent` when missing or empty.
std::string FieldText(const json::Value& object, std::initializer_list<std::string_view> paths,
                      std::string_view absent = "-");

// The elements of `reply` when it is an array, else of the first of
// `members` that is an array in it; empty when none.
const json::Array& ItemsOf(const json::Value& reply,
                           std::initializer_list<std::string_view> members);

// Rows as columns separated by two spaces, each column as wide as its widest
// cell, every line prefixed with `indent`; no trailing blanks.
std::string FormatTable(const std::vector<std::vector<std::string>>& rows,
                        std::string_view indent = {});

// True when `date` is a real calendar date written YYYY-MM-DD.
bool IsCalendarDate(std::string_view date);

}  // namespace accord::cli
