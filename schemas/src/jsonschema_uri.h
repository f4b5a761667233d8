// URI references for JSON Schema identifiers (RFC 3986), private to schemas/.
//
// Only what $id / $ref resolution needs: parsing into components, resolving
// a reference against a base (RFC 3986 section 5.2, with dot-segment
// removal), splitting off the fragment and percent-decoding it. Schemes are
// lower-cased; nothing else is normalised. Never touches the network.
#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace accord::jsonschema::internal {

struct UriParts {
  std::string scheme;  // lower-case, without ':'; empty when relative
  bool has_authority = false;
  std::string authority;
  std::string path;
  bool has_query = false;
  std::string query;
  bool has_fragment = false;
  std::string fragment;  // raw (still percent-encoded)
};

UriParts ParseUri(std::string_view text);
std::string FormatUri(const UriParts& parts);

// Resolves `ref` against the absolute (or at least scheme-bearing) `base`.
// An empty base leaves `ref` as it is (after parsing and re-formatting).
std::string ResolveUri(std::string_view base, std::string_view ref);

// Splits "a#frag" into {"a", "frag"}; a missing or empty fragment gives "".
std::pair<std::string, std::string> SplitFragment(std::string_view uri);

// Decodes %XX escapes; malformed escapes are kept literally.
std::string PercentDecode(std::string_view text);

}  // namespace accord::jsonschema::internal
