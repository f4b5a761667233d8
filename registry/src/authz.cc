// The authorisation rules (authz.h; documented in service.h). Messages name
// the principal and the missing right, never a key.
#include "authz.h"

#include <utility>

namespace accord::registry::internal {
namespace {

std::unexpected<RegistryError> Forbidden(const Principal& caller, const std::string& why) {
  return Fail(ErrorCode::kForbidden, "Forbidden: principal '" + caller.name + "' (" +
                                         std::string(RoleName(caller.role)) + ") " + why);
}

std::string Teams(const Principal& caller) {
  if (caller.teams.empty()) return "no team";
  std::string out = "team";
  if (caller.teams.size() > 1) out += "s";
  for (std::size_t i = 0; i < caller.teams.size(); ++i) {
    out += (i == 0 ? " " : ", ") + caller.teams[i];
  }
  return out;
}

}  // namespace

RegistryResult<void> RequireWriter(const Principal& caller) {
  if (caller.role == Role::kWriter || caller.IsAdmin()) return {};
  return Forbidden(caller, "may not change anything");
}

RegistryResult<void> RequireAdmin(const Principal& caller, std::string_view what) {
  if (caller.IsAdmin()) return {};
  return Forbidden(caller, "may not " + std::string(what) + " (admins only)");
}

RegistryResult<void> RequireSubjectOwner(const Principal& caller, const SubjectName& s,
                                         const std::string& owner) {
  if (auto w = RequireWriter(caller); !w) return w;
  if (caller.IsAdmin()) return {};
  if (owner.empty()) {
    return Forbidden(caller, "may not change subject '" + s.str() +
                                 "': it has no owner (only an admin may change it or set one)");
  }
  if (caller.InTeam(owner)) return {};
  return Forbidden(caller, "of " + Teams(caller) + " may not change subject '" + s.str() +
                               "' owned by " + owner);
}

RegistryResult<void> AuthoriseSubjectChange(Store& store, const Principal& caller,
                                            const SubjectName& s) {
  if (auto w = RequireWriter(caller); !w) return w;
  if (caller.IsAdmin()) return {};
  auto stored = store.GetSubjectMetadata(s);
  if (!stored) return std::unexpected(stored.error());
  return RequireSubjectOwner(caller, s, stored->value_or(SubjectMetadata{}).owner);
}

RegistryResult<void> AuthoriseDelete(Store& store, const Principal& caller, const SubjectName& s,
                                     Force /*force*/) {
  return AuthoriseSubjectChange(store, caller, s);
}

RegistryResult<void> AuthoriseScopeChange(Store& store, const Principal& caller,
                                          const std::optional<SubjectName>& s,
                                          std::string_view what) {
  if (s) return AuthoriseSubjectChange(store, caller, *s);
  if (auto w = RequireWriter(caller); !w) return w;
  return RequireAdmin(caller, "change the global " + std::string(what));
}

RegistryResult<void> AuthoriseRegister(const Principal& caller, const SubjectName& s, bool is_new,
                                       const std::string& owner) {
  if (auto w = RequireWriter(caller); !w) return w;
  if (is_new && owner.empty()) return {};
  return RequireSubjectOwner(caller, s, owner);
}

RegistryResult<std::optional<SubjectMetadata>> SettleOwner(const Principal& caller, bool is_new,
                                                           const SubjectMetadata& before,
                                                           std::optional<SubjectMetadata> next) {
  const std::string& after = next ? next->owner : before.owner;
  if (after != before.owner && !caller.IsAdmin()) {
    const bool claims_new = is_new && before.owner.empty() && caller.InTeam(after);
    if (!claims_new) {
      return Forbidden(caller, "may not set a subject's owner to '" + after +
                                   "' (only an admin may change an owner)");
    }
  }
  if (is_new && after.empty() && !caller.teams.empty()) {
    SubjectMetadata m = next.value_or(before);
    m.owner = caller.teams.front();
    next = std::move(m);
  }
  if (next && *next == before) return std::optional<SubjectMetadata>();
  return next;
}

RegistryResult<void> RequireSameOwner(const Principal& caller, const SubjectName& s,
                                      const std::string& before, const std::string& after) {
  if (before == after || caller.IsAdmin()) return {};
  return Forbidden(caller, "may not change the owner of subject '" + s.str() +
                               "' (only an admin may change an owner)");
}

RegistryResult<void> AuthoriseProduces(const Principal& caller, std::string_view service,
                                       const SubjectName& s, const std::string& owner,
                                       bool has_versions) {
  if (auto w = RequireWriter(caller); !w) return w;
  if (caller.IsAdmin()) return {};
  if (owner.empty() && !has_versions) return {};
  if (!owner.empty() && caller.InTeam(owner)) return {};
  return Forbidden(caller, "of " + Teams(caller) + " may not declare that service '" +
                               std::string(service) + "' produces subject '" + s.str() + "' " +
                               (owner.empty() ? std::string("(it has no owner: only an admin may)")
                                              : "owned by " + owner));
}

RegistryResult<void> AuthoriseServiceChange(const Principal& caller, std::string_view name,
                                            const std::optional<std::string>& declared_owner,
                                            const std::optional<std::string>& stored_owner) {
  if (auto w = RequireWriter(caller); !w) return w;
  if (caller.IsAdmin()) return {};
  for (const std::optional<std::string>& owner : {declared_owner, stored_owner}) {
    if (owner && !caller.InTeam(*owner)) {
      return Forbidden(
          caller,
          "of " + Teams(caller) + " may not change service '" + std::string(name) + "' " +
              (owner->empty() ? std::string("declared without an owner") : "owned by " + *owner));
    }
  }
  return {};
}

}  // namespace accord::registry::internal
