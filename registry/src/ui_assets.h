// The catalog web page (registry/ui/): its static files, embedded into the
// binary at build time by scripts/embed-ui.cmake, and the replies that serve
// them under /ui/.
//
// Contracts:
//  * ServeUi answers GET requests for "/", "/ui" and "/ui/..." only (nullopt
//    for every other method or path: the API answers those). "/ui"
//    redirects (302) to "/ui/", and so does "/" when the client accepts
//    text/html (a browser; Confluent clients keep GET / -> {}); "/ui/" is
//    index.html; "/ui/<file>" is that
//    embedded file; any other path under /ui/ is index.html too, so the
//    page's own URLs (History API routes such as /ui/events/orders.placed)
//    work as deep links and after a reload.
//  * Every page reply carries a strong ETag (SHA-256 of the file),
//    Cache-Control: no-cache (revalidate; If-None-Match gives 304), a
//    Content-Security-Policy allowing only same-origin resources and no
//    inline script, X-Content-Type-Options: nosniff, Referrer-Policy and
//    X-Frame-Options.
//  * Nothing is read from disk at run time; lookups are by exact path.
//
// Thread safety: everything here is safe to call concurrently.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "accord/registry/http_api.h"

namespace accord::registry {

struct UiAsset {
  std::string_view path;  // relative to /ui/: "index.html", "app.js"
  std::string_view body;
  std::string_view content_type;  // from the file extension
  std::string_view etag;          // quoted: "\"0123abcd...\""
};

// The embedded file at `path` (relative to registry/ui/, no leading slash),
// or nullptr.
const UiAsset* FindUiAsset(std::string_view path);

struct UiRequest {
  std::string_view method;         // "GET" (HEAD is served as GET)
  std::string_view target;         // raw path and query
  std::string_view accept;         // Accept header (may be empty)
  std::string_view if_none_match;  // If-None-Match header (may be empty)
};

// The reply for a page request (see the contracts above), or nullopt when
// the request is not for the page.
std::optional<HttpResponse> ServeUi(const UiRequest& request);

namespace internal {
// The table scripts/embed-ui.cmake generates (ui_assets_data.cc).
struct EmbeddedUiFile {
  const char* path;
  const char* data;
  std::size_t size;
  const char* etag;
};
extern const EmbeddedUiFile kEmbeddedUiFiles[];
extern const std::size_t kEmbeddedUiFileCount;
}  // namespace internal

}  // namespace accord::registry
