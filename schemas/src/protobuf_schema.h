// Private to schemas/: what a protobuf::Schema holds (protobuf.h).
#pragma once

#include <google/protobuf/descriptor.h>

#include <memory>
#include <string>
#include <string_view>

#include "accord/schemas/protobuf.h"

namespace accord::protobuf::detail {

struct SchemaImpl {
  // Owns every file built for the schema; its underlay is the shared pool
  // of the built-in files the schema imports (protobuf_parse.cc,
  // UnderlayFor), over libprotobuf's generated pool (the well-known types).
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
  const google::protobuf::FileDescriptor* file = nullptr;

  static Schema Wrap(std::shared_ptr<const SchemaImpl> impl) {
    Schema s;
    s.impl_ = std::move(impl);
    return s;
  }
};

// Base64 (standard alphabet) of `bytes`, with padding.
std::string Base64Encode(std::string_view bytes);
// Decodes standard or URL-safe base64, padding optional; false on any other
// character or a bad length.
bool Base64Decode(std::string_view text, std::string& out);

}  // namespace accord::protobuf::detail
