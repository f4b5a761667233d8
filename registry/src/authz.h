// Private to registry/src: the authorisation rules the Service applies to
// every change (who may change what; the rules are listed in service.h
// under AUTHORISATION). Every check returns 40301 (kForbidden) with a
// message naming the principal and what it lacks; none of them reads
// anything but the stored owner it is given (or asks the Store for).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "accord/registry/auth.h"
#include "accord/registry/error.h"
#include "accord/registry/service.h"
#include "accord/registry/store.h"
#include "accord/registry/types.h"

namespace accord::registry::internal {

// Writers and admins pass; readers (and the unauthenticated) get 40301.
RegistryResult<void> RequireWriter(const Principal& caller);

// Admins pass; everyone else gets 40301 "... may not <what>".
RegistryResult<void> RequireAdmin(const Principal& caller, std::string_view what);

// May `caller` change subject `s`, whose stored owner is `owner` (empty:
// none)? Admins: yes. Writers: only when the owner is one of their teams (a
// subject without an owner: admins only). Readers: no.
RegistryResult<void> RequireSubjectOwner(const Principal& caller, const SubjectName& s,
                                         const std::string& owner);

// As RequireSubjectOwner, reading the owner from the store (admins read
// nothing). Store errors pass through.
RegistryResult<void> AuthoriseSubjectChange(Store& store, const Principal& caller,
                                            const SubjectName& s);

// Deleting (part of) subject `s`: as AuthoriseSubjectChange, forced or not
// (a forced permanent delete goes past consumer declarations, which any team
// may publish: the subject's owner must be able to override them).
RegistryResult<void> AuthoriseDelete(Store& store, const Principal& caller, const SubjectName& s,
                                     Force force);

// A config or mode change: of a subject, as AuthoriseSubjectChange; of the
// registry (`s` nullopt), admins only.
RegistryResult<void> AuthoriseScopeChange(Store& store, const Principal& caller,
                                          const std::optional<SubjectName>& s,
                                          std::string_view what);

// Register: may `caller` add a version to `s`? A subject that has no
// version record and no owner yet (`is_new`) may be created by any writer;
// otherwise as RequireSubjectOwner.
RegistryResult<void> AuthoriseRegister(const Principal& caller, const SubjectName& s, bool is_new,
                                       const std::string& owner);

// The subject metadata a registration leaves: `next` (from Confluent
// metadata.properties; nullopt: no change) checked and completed.
//  * A changed owner needs an admin, except that a writer may name one of
//    its own teams when the registration creates the subject (`is_new`).
//  * A new subject left without owner gets the caller's first team.
// Returns nullopt when the metadata stays `before`.
RegistryResult<std::optional<SubjectMetadata>> SettleOwner(const Principal& caller, bool is_new,
                                                           const SubjectMetadata& before,
                                                           std::optional<SubjectMetadata> next);

// Changing the owner member of a subject's metadata: admins only (a write
// that keeps the owner passes).
RegistryResult<void> RequireSameOwner(const Principal& caller, const SubjectName& s,
                                      const std::string& before, const std::string& after);

// A service declaration `service` listing `s` as produced, `s` having stored
// owner `owner` (empty: none) and `has_versions` (a version record, soft-
// deleted included). Admins pass; writers when `owner` is one of their teams,
// or when `s` has neither owner nor version record (unclaimed: the caller
// claims it). Else 40301 naming the subject and its owner.
RegistryResult<void> AuthoriseProduces(const Principal& caller, std::string_view service,
                                       const SubjectName& s, const std::string& owner,
                                       bool has_versions);

// Publishing (`declared` set) or deleting a service declaration: admins;
// writers when the declared owner and the stored one (if any) are among
// their teams.
RegistryResult<void> AuthoriseServiceChange(const Principal& caller, std::string_view name,
                                            const std::optional<std::string>& declared_owner,
                                            const std::optional<std::string>& stored_owner);

}  // namespace accord::registry::internal
