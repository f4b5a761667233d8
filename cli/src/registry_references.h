// Registering a schema that names others by path (Protobuf imports) the way
// Confluent's serializers do on auto-registration: each referenced schema is
// registered first under a subject of its own, named as the reference is
// (the import path: `import "acme/common.proto";` registers subject
// "acme/common.proto"), dependencies before their importers, each once; the
// schema then lists its own imports in `references` with those subjects and
// versions. A referenced schema the subject already holds is not registered
// again (its version is found by lookup).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "accord/compat/language.h"
#include "registry_client.h"

namespace accord::cli {

// One referenced schema as the registry holds it.
struct ReferenceOutcome {
  std::string subject;
  std::int32_t version = 0;
  std::int64_t id = 0;
  bool registered = false;  // registered by this call (else found)
};

struct SchemaReferences {
  // The schema's own references (its imports, in order), for Register and
  // Lookup. nullopt with Mode::kLookup when a referenced schema is not in
  // the registry yet (so the schema cannot be either).
  std::optional<std::vector<SchemaReference>> references;
  // Every referenced schema looked up or registered, in the order done.
  std::vector<ReferenceOutcome> outcomes;
};

enum class ReferenceMode : std::uint8_t {
  kLookup,    // only look the referenced schemas up
  kRegister,  // register those the registry does not hold yet
};

// The references of `schema` (parsed with compat::ParseOptions::references:
// every referenced schema is among schema.references()), looked up or
// registered as `mode` says. `pinned` are references to registry versions
// given by name (`--ref NAME=SUBJECT:VERSION`, a contract's `references:`):
// a name among them is that version, neither looked up nor registered, and
// the schema's own list ends with each pinned name it does not import.
// Errors: the registry's (a refused referenced schema is kHttp as Register
// gives it).
ClientResult<SchemaReferences> ResolveRegistryReferences(
    RegistryClient& client, const compat::Schema& schema, ReferenceMode mode,
    const std::vector<SchemaReference>& pinned = {});

// The text a schema is sent to the registry as: compact JSON for the
// languages written in JSON, else the text as written.
std::string RegistryText(const compat::Schema& schema);

}  // namespace accord::cli
