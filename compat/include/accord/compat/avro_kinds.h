// The Avro finding kinds (table: avro_kinds.def; meanings there and in
// docs/finding-kinds.md). See kind.h for how kinds are used.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "accord/compat/kind.h"

namespace accord::compat {

enum class AvroKind : std::uint16_t {
#define KIND(id, name, meaning, advice) id,
#include "accord/compat/avro_kinds.def"
#undef KIND
};

// The kind's row (found by argument-dependent lookup from Kind).
const KindInfo& DescribeKind(AvroKind k);
// Every row, in enum order.
std::span<const KindInfo> AvroKinds();
std::optional<AvroKind> AvroKindFromName(std::string_view name);  // exact

// A checker kind (the reader's words) in the author's words, for a finding
// of compatible(old -> new) (Backward) or of compatible(new -> old)
// (Forward): e.g. ENUM_NARROWED is ENUM_VALUE_REMOVED backward and
// ENUM_VALUE_ADDED forward. Kinds that already name a change map to
// themselves.
AvroKind BackwardChangeKind(AvroKind checked);
AvroKind ForwardChangeKind(AvroKind checked);

}  // namespace accord::compat
