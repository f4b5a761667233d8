// Serves the embedded catalog page. The files themselves are generated into
// ui_assets_data.cc at build time (scripts/embed-ui.cmake).
#include "ui_assets.h"

#include <algorithm>
#include <array>
#include <string>
#include <utility>
#include <vector>

namespace accord::registry {
namespace {

constexpr std::string_view kPrefix = "/ui/";
constexpr std::string_view kIndex = "index.html";

// Same-origin only; no inline script or style (the page has none), no
// framing, no plugins.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

constexpr std::array<std::pair<std::string_view, std::string_view>, 8> kContentTypes{{
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".txt", "text/plain; charset=utf-8"},
}};

std::string_view ContentTypeOf(std::string_view path) {
  for (const auto& [ext, type] : kContentTypes) {
    if (path.ends_with(ext)) return type;
  }
  return "application/octet-stream";
}

const std::vector<UiAsset>& Assets() {
  static const std::vector<UiAsset> assets = [] {
    std::vector<UiAsset> out;
    for (std::size_t i = 0; i < internal::kEmbeddedUiFileCount; ++i) {
      const internal::EmbeddedUiFile& f = internal::kEmbeddedUiFiles[i];
      out.push_back(
          UiAsset{f.path, std::string_view(f.data, f.size), ContentTypeOf(f.path), f.etag});
    }
    return out;
  }();
  return assets;
}

HttpResponse Redirect(std::string location) {
  HttpResponse r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.body = "See " + location + "\n";
  r.headers.emplace_back("Location", std::move(location));
  r.route = "GET /ui";
  return r;
}

// True when the If-None-Match header lists `etag` (or is "*").
bool Matches(std::string_view if_none_match, std::string_view etag) {
  if (if_none_match.empty()) return false;
  if (if_none_match == "*") return true;
  // A comma-separated list of (possibly weak, W/"...") tags.
  std::size_t pos = 0;
  while (pos < if_none_match.size()) {
    std::size_t comma = if_none_match.find(',', pos);
    std::string_view tag = if_none_match.substr(pos, comma - pos);
    while (!tag.empty() && tag.front() == ' ') tag.remove_prefix(1);
    while (!tag.empty() && tag.back() == ' ') tag.remove_suffix(1);
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    if (tag == etag) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return false;
}

HttpResponse AssetResponse(const UiAsset& asset, std::string_view if_none_match) {
  HttpResponse r;
  r.route = "GET /ui/*";
  r.content_type = std::string(asset.content_type);
  r.headers = {
      {"ETag", std::string(asset.etag)},
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(kContentSecurityPolicy)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  };
  if (Matches(if_none_match, asset.etag)) {
    r.status = 304;
    return r;
  }
  r.body = std::string(asset.body);
  return r;
}

}  // namespace

const UiAsset* FindUiAsset(std::string_view path) {
  const std::vector<UiAsset>& assets = Assets();
  auto it =
      std::find_if(assets.begin(), assets.end(), [&](const UiAsset& a) { return a.path == path; });
  return it == assets.end() ? nullptr : &*it;
}

std::optional<HttpResponse> ServeUi(const UiRequest& request) {
  if (request.method != "GET") return std::nullopt;
  const std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  std::string_view query = path.size() < target.size() ? target.substr(path.size()) : "";
  if (path == "/") {
    if (request.accept.find("text/html") == std::string_view::npos) return std::nullopt;
    return Redirect(std::string(kPrefix));
  }
  if (path == "/ui") return Redirect(std::string(kPrefix) + std::string(query));
  if (!path.starts_with(kPrefix)) return std::nullopt;
  const UiAsset* asset = FindUiAsset(path.substr(kPrefix.size()));
  if (asset == nullptr) asset = FindUiAsset(kIndex);  // the page's own routes
  if (asset == nullptr) return std::nullopt;          // not built with a page
  return AssetResponse(*asset, request.if_none_match);
}

}  // namespace accord::registry
