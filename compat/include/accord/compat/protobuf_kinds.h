// The Protobuf finding kinds (table: protobuf_kinds.def; meanings there and
// in docs/finding-kinds.md). See kind.h for how kinds are used.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "accord/compat/kind.h"

namespace accord::compat {

enum class ProtobufKind : std::uint16_t {
#define KIND(id, name, meaning, advice) id,
#include "accord/compat/protobuf_kinds.def"
#undef KIND
};

// The kind's row (found by argument-dependent lookup from Kind).
const KindInfo& DescribeKind(ProtobufKind k);
// Every row, in enum order.
std::span<const KindInfo> ProtobufKinds();
std::optional<ProtobufKind> ProtobufKindFromName(std::string_view name);  // exact

// Whether Confluent's checker counts the kind as incompatible (the
// "breaking" rows of the table, and the two reserved-field kinds).
bool ProtobufKindIsBreaking(ProtobufKind k);

// A kind of compare(writer, reader) in the author's words, for a finding
// of compatible(old -> new) (Backward: the writer is the old file, so the
// kind already names the change) or of compatible(new -> old) (Forward: the
// comparison ran from the new file to the old, so additions and removals
// swap: FIELD_ADDED there is a field the new version removed).
ProtobufKind BackwardChangeKind(ProtobufKind checked);
ProtobufKind ForwardChangeKind(ProtobufKind checked);

}  // namespace accord::compat
