// The libprotobuf descriptors behind a protobuf::Schema, for the layers that
// compare or encode messages (compat/: the compatibility checker and its
// witnesses). Only forward declarations here; include libprotobuf's headers
// in the .cc that uses them.
//
// Lifetimes: the pool and every descriptor in it live as long as some copy
// of the Schema. Thread safety: descriptors are immutable and may be read
// from several threads; the pool's lookups (FindMessageTypeByName, ...) are
// safe to call concurrently.
#pragma once

#include "accord/schemas/protobuf.h"

namespace google::protobuf {
class DescriptorPool;
class FileDescriptor;
}  // namespace google::protobuf

namespace accord::protobuf {

// The main file of the schema (never null).
const google::protobuf::FileDescriptor* FileOf(const Schema& schema);
// The pool holding it, its imports, and (through its underlay) the
// well-known types.
const google::protobuf::DescriptorPool* PoolOf(const Schema& schema);

}  // namespace accord::protobuf
