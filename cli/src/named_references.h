// References given by name: `accord register --ref NAME=SUBJECT:VERSION`,
// `accord check`/`diff --old-ref`/`--new-ref NAME=FILE|SUBJECT:VERSION` and a
// contract entry's `references:` (contract_file.h). Each names a schema the
// schema being read refers to by NAME (a JSON Schema `$ref`, an Avro type's
// full name, a Protobuf import path), found in a file or as a registry
// version; check_support.h's NamedReferences carries them to the parse.
#pragma once

#include <cstdint>
#include <expected>
#include <string>
#include <string_view>
#include <vector>

#include "accord/schemas/error.h"
#include "check_support.h"
#include "contract_catalog.h"
#include "contract_file.h"
#include "registry_client.h"
#include "registry_flags.h"

namespace accord::cli {

// NamedRef (one reference by name) is declared in contract_file.h, whose
// `references:` key gives them too.

// Parses one `NAME=...` argument of `flag` ("--ref"). With `files_allowed`,
// a value that is an existing file, or that does not end in ":VERSION", is a
// FILE; else it is SUBJECT:VERSION, split at the last ':' (a subject name
// may hold colons), VERSION a number 1..2147483647 or "latest". Errors
// (kUnsupported): no NAME or no '=', an empty subject, a bad VERSION.
Result<NamedRef> ParseNamedRef(std::string_view arg, std::string_view flag, bool files_allowed);

// Parses every argument of `flag`; a NAME given twice is an error.
Result<std::vector<NamedRef>> ParseNamedRefs(const std::vector<std::string>& args,
                                             std::string_view flag, bool files_allowed);

// Whether any of `refs` names a registry version.
bool AnyInRegistry(const std::vector<NamedRef>& refs);

// Resolves each registry reference's "latest" to its number (in place) and
// fetches every registry version named, with the schemas those reference
// (FetchReferences: each name once, at most 128). Errors: the registry's
// (an unknown subject or version is 40401 / 40402).
ClientResult<std::vector<FetchedReference>> FetchNamedRefs(RegistryClient& client,
                                                           std::vector<NamedRef>& refs);

// The registry references of `refs` as a registration names them (after
// FetchNamedRefs: with numbers), in the order given.
std::vector<SchemaReference> PinnedReferences(const std::vector<NamedRef>& refs);

// The references for a parse: the files read (FoundFile) and the fetched
// versions (`fetched`, FetchNamedRefs's answer), given ones by their names
// and the fetched versions' own references as `nested`. Errors: a file
// cannot be read, a fetched version's type or text cannot be read.
Result<NamedReferences> LoadNamedReferences(const std::vector<NamedRef>& refs,
                                            const std::vector<FetchedReference>& fetched);

// check and diff: the schemas --old-ref (`old_args`) and --new-ref
// (`new_args`) give, files read and registry versions fetched (a client is
// made from `flags` only when one names a registry version). On failure the
// error is printed as "accord COMMAND: error: ..." and the result is exit 2
// (check and diff have no other code for bad input, a refused or unreachable
// registry included).
struct ComparedReferences {
  NamedReferences old_refs;
  NamedReferences new_refs;
};
std::expected<ComparedReferences, int> LoadComparedReferences(
    std::string_view command, const std::vector<std::string>& old_args,
    const std::vector<std::string>& new_args, const RegistryFlags& flags);

// Adds --old-ref and --new-ref (NAME=FILE|SUBJECT:VERSION, repeatable) and
// the registry flags to `sub` (check, diff).
void AddComparedReferenceOptions(CLI::App& sub, std::vector<std::string>& old_args,
                                 std::vector<std::string>& new_args, RegistryFlags& flags);

}  // namespace accord::cli
