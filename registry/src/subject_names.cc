// Look-alike subject names (subject_names.h). ICU's C API is used per code
// point: no UnicodeString, no allocation beyond the folded result.
#include "subject_names.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstdio>

#include "accord/registry/service.h"

namespace accord::registry::internal {
namespace {

std::unexpected<RegistryError> Refuse(const std::string& why) {
  return std::unexpected(RegistryError{ErrorCode::kInvalidSubject, "Subject name " + why});
}

std::string CodePoint(UChar32 c) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(c));
  return buf;
}

// Lists render these as nothing, as a space, or break the line on them.
bool Invisible(UChar32 c) {
  switch (u_charType(c)) {
    case U_CONTROL_CHAR:         // Cc
    case U_FORMAT_CHAR:          // Cf
    case U_LINE_SEPARATOR:       // Zl
    case U_PARAGRAPH_SEPARATOR:  // Zp
    case U_SURROGATE:            // Cs (not reachable from valid UTF-8)
    case U_UNASSIGNED:           // Cn
      return true;
    case U_SPACE_SEPARATOR:  // Zs: only the plain space is allowed
      return c != 0x20;
    default:
      return u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT) != 0;
  }
}

}  // namespace

RegistryResult<void> CheckLookAlikeRules(std::string_view name) {
  if (name.find_first_not_of('.') == std::string_view::npos) {
    return Refuse("'" + std::string(name) +
                  "' is made of dots only: '.' and '..' cannot be reached through a URL path");
  }
  if (name.back() == '.') {
    return Refuse("must not end with '.': it would read as the name without it");
  }
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(name.data());
  const auto length = static_cast<std::int32_t>(name.size());
  std::int32_t i = 0;
  UChar32 first = -1;
  UChar32 last = -1;
  while (i < length) {
    const std::int32_t at = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return Refuse("is not valid UTF-8");
    if (Invisible(c)) {
      return Refuse("contains the invisible or control character " + CodePoint(c) + " at byte " +
                    std::to_string(at));
    }
    if (first < 0) first = c;
    last = c;
  }
  if (u_isUWhiteSpace(first) || u_isUWhiteSpace(last)) {
    return Refuse("must not begin or end with whitespace");
  }
  return {};
}

std::string FoldSubjectName(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(name.data());
  const auto length = static_cast<std::int32_t>(name.size());
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;
    const UChar32 folded = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    std::uint8_t buf[U8_MAX_LENGTH];
    std::int32_t n = 0;
    U8_APPEND_UNSAFE(buf, n, folded);
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(n));
  }
  return out;
}

RegistryError CaseVariantRefusal(std::string_view subject, std::string_view other,
                                 std::string_view how) {
  return RegistryError{.code = ErrorCode::kInvalidSubject,
                       .message = "Subject name '" + std::string(subject) +
                                  "' differs only in letter case from " + std::string(how) +
                                  " subject '" + std::string(other) + "'" +
                                  ": lists and people cannot tell them apart (the server "
                                  "setting subject_case_variants=allow permits it)"};
}

}  // namespace accord::registry::internal

// --- contexts (service.h) ------------------------------------------------------

namespace accord::registry {

QualifiedSubject SplitQualifiedSubject(std::string_view subject) {
  if (subject.starts_with(kContextWildcard)) {
    return QualifiedSubject{.context = std::string(kDefaultContext),
                            .name = std::string(subject.substr(kContextWildcard.size())),
                            .wildcard = true};
  }
  if (!subject.starts_with(":.")) {
    return QualifiedSubject{.context = std::string(kDefaultContext), .name = std::string(subject)};
  }
  // The context runs from the '.' to the next ':' (or to the end).
  const std::size_t close = subject.find(':', 2);
  if (close == std::string_view::npos) {
    return QualifiedSubject{.context = std::string(subject.substr(1)), .name = {}};
  }
  return QualifiedSubject{.context = std::string(subject.substr(1, close - 1)),
                          .name = std::string(subject.substr(close + 1))};
}

std::string QualifySubject(std::string_view context, std::string_view name) {
  if (context == kDefaultContext) return std::string(name);
  std::string out;
  out.reserve(context.size() + name.size() + 2);
  out += ':';
  out += context;
  out += ':';
  out += name;
  return out;
}

RegistryResult<void> ValidateContextName(std::string_view context) {
  auto refuse = [&](const std::string& why) -> RegistryResult<void> {
    return std::unexpected(RegistryError{ErrorCode::kInvalidSubject,
                                         "Context name '" + std::string(context) + "' " + why});
  };
  if (context == kDefaultContext) return {};
  if (context.size() < 2 || context.front() != '.') {
    return refuse("must be '.' followed by a name (\":.team-a:orders\")");
  }
  if (context.size() > 101) return refuse("is longer than 100 characters after its '.'");
  for (char c : context.substr(1)) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) {
      return refuse("may hold only letters, digits, '-', '_' and '.' after its leading '.'");
    }
  }
  if (context == ".__GLOBAL") return refuse("is reserved");
  return {};
}

}  // namespace accord::registry
