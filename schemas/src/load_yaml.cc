// YAML loading (yaml-cpp). Placeholder until the YAML loader lands: reports
// kUnsupported so callers fail loudly instead of misreading input.
#include "accord/schemas/load.h"

namespace accord {

Result<Document> ParseYaml(std::string_view text, std::string_view file,
                           const LoadOptions& options) {
  return std::unexpected(Error{ErrorCode::kUnsupported, "YAML loading is not built yet",
                               std::string(file), {}, {}});
}

}  // namespace accord
