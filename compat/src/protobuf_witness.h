// Private to compat/: witnesses of Protobuf findings (protobuf_compat.h,
// WITNESS): a writer message encoded with the writer's descriptor and
// decoded with the reader's.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "accord/compat/report.h"
#include "accord/schemas/json.h"
#include "accord/schemas/protobuf.h"

namespace accord::compat::internal {

// The witness for a finding about message `writer_message` of `writer`
// (full name) read as `reader_message` of `reader` ("" when the reader has
// no such message): the writer's message with fields `numbers` set to probe
// values (and every required field, so the writer's message is valid),
// built when first read. Keeps both schemas alive.
Witness ProtobufWitness(const protobuf::Schema& writer, const protobuf::Schema& reader,
                        std::string writer_message, std::string reader_message,
                        std::vector<int> numbers);

// The same, built now: nullopt when the decode shows no difference.
std::optional<json::Value> BuildProtobufWitness(const protobuf::Schema& writer,
                                                const protobuf::Schema& reader,
                                                const std::string& writer_message,
                                                const std::string& reader_message,
                                                const std::vector<int>& numbers);

}  // namespace accord::compat::internal
