// Private to registry/src: the look-alike rules for new subject names and
// the case folding of the case-variant rule (both documented in service.h,
// RULES, "Subject names"). ICU answers the Unicode questions (general
// category, White_Space, Default_Ignorable_Code_Point, simple case folding),
// so the tables follow the ICU release Debian ships (Unicode 15 for ICU 72).
#pragma once

#include <string>
#include <string_view>

#include "accord/registry/error.h"

namespace accord::registry::internal {

// The look-alike rules, for a name that already passes ValidateSubjectName
// (non-empty, UTF-8, <= 255 bytes). 42208 naming the rule (and the code
// point and its byte offset) when the name
//  * is made of dots only ("." and ".." cannot be reached through a URL
//    path) or ends with a dot ("orders.placed." reads as "orders.placed");
//  * begins or ends with White_Space (U+0020, U+00A0, U+3000, ...);
//  * holds anywhere a code point of general category Cc (controls, C1
//    included), Cf (format: U+200B, U+200E, U+FEFF, ...), Zl, Zp, Cs, Cn
//    (unassigned, noncharacters), a space separator Zs other than U+0020, or
//    a Default_Ignorable_Code_Point (U+034F, U+115F, U+3164, variation
//    selectors, ...): characters that lists show as nothing or as a space.
// Plain spaces inside a name stay allowed.
RegistryResult<void> CheckLookAlikeRules(std::string_view name);

// `name` with every code point replaced by its simple case folding
// (Unicode CaseFolding.txt, statuses C and S: one code point for one, so
// "Orders" and "ORDERS" fold to "orders", "Straße" keeps its "ß"). Input
// must be valid UTF-8; the result is too. Linear in the name's length.
std::string FoldSubjectName(std::string_view name);

// The 42208 refusal of `subject`, which differs only in letter case from
// `other`; `how` is "the existing" or "the" (a subject being created).
RegistryError CaseVariantRefusal(std::string_view subject, std::string_view other,
                                 std::string_view how);

}  // namespace accord::registry::internal
