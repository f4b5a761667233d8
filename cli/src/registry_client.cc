// The registry client over cpp-httplib (see registry_client.h for contracts).
#include "registry_client.h"

#include <httplib.h>

#include <cstdlib>
#include <utility>

#include "accord/schemas/load.h"

namespace accord::cli {

namespace {

constexpr std::string_view kContentType = "application/vnd.schemaregistry.v1+json";
constexpr std::int32_t kLatest = 0;

// A base URL split into what httplib connects to and the path prefix.
struct ParsedUrl {
  std::string scheme_host_port;  // "http://host:port"
  std::string prefix;            // "" or "/prefix" (no trailing slash)
  bool https = false;
};

// Accepts "http(s)://host[:port][/prefix]"; nullopt otherwise.
std::optional<ParsedUrl> ParseBaseUrl(std::string_view url) {
  ParsedUrl out;
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
    out.https = true;
  } else {
    return std::nullopt;
  }
  const std::size_t slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  if (authority.empty() || authority.find_first_of(" @?#") != std::string_view::npos) {
    return std::nullopt;
  }
  // The port, when given, must be digits ("[::1]:8081" keeps its brackets).
  const std::size_t bracket = authority.rfind(']');
  const std::size_t colon = authority.rfind(':');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    const std::string_view port = authority.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos) {
      return std::nullopt;
    }
    if (colon == 0) return std::nullopt;
  }
  out.scheme_host_port =
      std::string(url.substr(0, url.size() - rest.size())) + std::string(authority);
  if (slash != std::string_view::npos) {
    std::string_view prefix = rest.substr(slash);
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    out.prefix = std::string(prefix);
  }
  return out;
}

std::string Base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) |
                       (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (i < in.size()) {
    unsigned v = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) v |= static_cast<unsigned char>(in[i + 1]) << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

// Words for a transport failure; httplib's own names ("Connection") say little.
std::string DescribeTransportError(httplib::Error error, const ClientOptions& options) {
  switch (error) {
    case httplib::Error::Connection:
      return "could not connect";
    case httplib::Error::ConnectionTimeout:
      return "no connection within " + std::to_string(options.timeout_ms) + " ms";
    case httplib::Error::Read:
      return "no complete reply (connection closed or read timed out after " +
             std::to_string(options.timeout_ms) + " ms)";
    case httplib::Error::Write:
      return "could not send the request";
    case httplib::Error::SSLConnection:
      return "TLS connection failed";
    case httplib::Error::SSLLoadingCerts:
      return options.ca_cert.empty() ? "could not load the system's CA certificates"
                                     : "could not load CA certificates from " + options.ca_cert;
    case httplib::Error::SSLServerVerification:
      return "the server's TLS certificate is not trusted";
    default:
      return "request failed (" + httplib::to_string(error) + ")";
  }
}

std::string StringField(const json::Value& o, std::string_view key) {
  const json::Value* v = o.Find(key);
  return v != nullptr && v->IsString() ? v->AsString() : std::string();
}

std::int64_t IntField(const json::Value& o, std::string_view key) {
  const json::Value* v = o.Find(key);
  return v != nullptr && v->IsNumber() && v->AsNumber().IsInt() ? v->AsNumber().AsInt() : 0;
}

json::Value SchemaBody(std::string_view schema_text, std::string_view schema_type,
                       const std::vector<SchemaReference>& references) {
  json::Value body{json::Object{}};
  body.Add("schema", std::string(schema_text));
  body.Add("schemaType", std::string(schema_type));
  if (!references.empty()) {
    json::Array refs;
    for (const SchemaReference& r : references) {
      json::Value ref{json::Object{}};
      ref.Add("name", r.name);
      ref.Add("subject", r.subject);
      ref.Add("version", static_cast<std::int64_t>(r.version));
      refs.push_back(std::move(ref));
    }
    body.Add("references", json::Value(std::move(refs)));
  }
  return body;
}

}  // namespace

std::string ClientError::ToString() const {
  std::string out = "registry " + registry + ": ";
  switch (kind) {
    case Kind::kUnreachable:
      return out + "unreachable: " + message;
    case Kind::kBadReply:
      return out + "bad reply: " + message;
    case Kind::kHttp:
      out += std::to_string(status);
      // Accord's own codes extend the status (40401 for 404); a bare status
      // repeated as the code (401 for 401) is said once.
      if (error_code != 0 && error_code != status) {
        out += " (" + std::to_string(error_code) + ")";
      }
      return message.empty() ? out : out + " " + message;
  }
  return out + message;
}

std::optional<std::string> ResolveRegistryUrl(std::string_view flag, std::string_view from_file) {
  if (!flag.empty()) return std::string(flag);
  if (const char* env = std::getenv("ACCORD_REGISTRY"); env != nullptr && *env != '\0') {
    return std::string(env);
  }
  if (!from_file.empty()) return std::string(from_file);
  return std::nullopt;
}

struct RegistryClient::Impl {
  std::optional<httplib::Client> http;  // empty when the URL cannot be used
  std::string setup_error;              // why `http` is empty
  std::string prefix;
  httplib::Headers headers;
};

RegistryClient::RegistryClient(ClientOptions options)
    : options_(std::move(options)), impl_(std::make_unique<Impl>()) {
  while (options_.base_url.ends_with('/') && !options_.base_url.ends_with("//")) {
    options_.base_url.pop_back();
  }
  std::optional<ParsedUrl> url = ParseBaseUrl(options_.base_url);
  if (!url) {
    impl_->setup_error = "not a registry URL (expected http://host:port or https://host:port)";
    return;
  }
#ifndef CPPHTTPLIB_OPENSSL_SUPPORT
  if (url->https) {
    impl_->setup_error = "https is not supported: this accord was built without OpenSSL";
    return;
  }
#endif
  impl_->prefix = url->prefix;
  impl_->http.emplace(url->scheme_host_port);
  httplib::Client& http = *impl_->http;
  const int ms = options_.timeout_ms > 0 ? options_.timeout_ms : 10000;
  http.set_connection_timeout(ms / 1000, (ms % 1000) * 1000);
  http.set_read_timeout(ms / 1000, (ms % 1000) * 1000);
  http.set_write_timeout(ms / 1000, (ms % 1000) * 1000);
#ifdef CPPHTTPLIB_OPENSSL_SUPPORT
  if (url->https) {
    http.enable_server_certificate_verification(true);
    if (!options_.ca_cert.empty()) http.set_ca_cert_path(options_.ca_cert);
  }
#endif
  impl_->headers.emplace("Accept", std::string(kContentType) + ", application/json");
  if (!options_.principal.empty()) {
    impl_->headers.emplace("Authorization",
                           "Basic " + Base64(options_.principal + ":" + options_.key));
  } else if (!options_.key.empty()) {
    impl_->headers.emplace("Authorization", "Bearer " + options_.key);
  }
}

RegistryClient::~RegistryClient() = default;

std::string RegistryClient::Segment(std::string_view raw) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(raw.size());
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

ClientResult<json::Value> RegistryClient::Send(std::string_view method, const std::string& path,
                                               const json::Value* body) {
  auto fail = [&](ClientError::Kind kind, std::string message, int status = 0, int code = 0) {
    return std::unexpected(ClientError{kind, status, code, std::move(message), options_.base_url});
  };
  if (!impl_->http) return fail(ClientError::Kind::kUnreachable, impl_->setup_error);
  httplib::Client& http = *impl_->http;
  const std::string target = impl_->prefix + path;
  const std::string payload = body != nullptr ? json::ToJson(*body) : std::string();
  const std::string content_type(kContentType);
  httplib::Result res = method == "GET" ? http.Get(target, impl_->headers)
                        : method == "POST"
                            ? http.Post(target, impl_->headers, payload, content_type)
                        : method == "PUT" ? http.Put(target, impl_->headers, payload, content_type)
                                          : http.Delete(target, impl_->headers);
  if (!res) {
    return fail(ClientError::Kind::kUnreachable, DescribeTransportError(res.error(), options_));
  }
  const std::string where = std::string(method) + " " + target;
  std::optional<json::Value> reply;
  if (!res->body.empty()) {
    if (auto doc = ParseJson(res->body, "reply"); doc) reply = std::move(doc->root);
  }
  if (res->status >= 200 && res->status < 300) {
    if (res->body.empty()) return json::Value();
    if (!reply) {
      return fail(ClientError::Kind::kBadReply, "the reply to " + where + " is not JSON (HTTP " +
                                                    std::to_string(res->status) + ")");
    }
    return std::move(*reply);
  }
  // An error status: Confluent's {"error_code", "message"} when the body is one.
  if (reply && reply->IsObject()) {
    const json::Value* code = reply->Find("error_code");
    const json::Value* message = reply->Find("message");
    if (code != nullptr && code->IsInteger() && message != nullptr && message->IsString()) {
      return fail(ClientError::Kind::kHttp, message->AsString(), res->status,
                  static_cast<int>(code->AsNumber().AsInt()));
    }
  }
  std::string status_line = res->reason.empty() ? "HTTP error" : res->reason;
  return fail(ClientError::Kind::kHttp, status_line + " (" + where + ")", res->status);
}

ClientResult<json::Value> RegistryClient::Get(const std::string& path) {
  return Send("GET", path, nullptr);
}
ClientResult<json::Value> RegistryClient::Post(const std::string& path, const json::Value& body) {
  return Send("POST", path, &body);
}
ClientResult<json::Value> RegistryClient::Put(const std::string& path, const json::Value& body) {
  return Send("PUT", path, &body);
}
ClientResult<json::Value> RegistryClient::Delete(const std::string& path) {
  return Send("DELETE", path, nullptr);
}

ClientResult<RegistryClient::Registered> RegistryClient::Register(
    std::string_view subject, std::string_view schema_text, std::string_view schema_type,
    const json::Value& metadata, const std::vector<SchemaReference>& references,
    std::string_view owner) {
  json::Value body = SchemaBody(schema_text, schema_type, references);
  if (!metadata.IsNull()) body.Add("metadata", metadata);
  std::string path = "/subjects/" + Segment(subject) + "/versions";
  if (!owner.empty()) path += "?owner=" + Segment(owner);
  auto reply = Post(path, body);
  if (!reply) return std::unexpected(reply.error());
  if (!reply->IsObject() || IntField(*reply, "id") <= 0) {
    return std::unexpected(ClientError{ClientError::Kind::kBadReply, 0, 0,
                                       "the reply to a registration has no schema id",
                                       options_.base_url});
  }
  Registered out;
  out.id = IntField(*reply, "id");
  out.version = static_cast<std::int32_t>(IntField(*reply, "version"));
  return out;
}

namespace {

// A version as the catalog API or Confluent's Schema object gives it. The
// deprecation fields are read flat or from a "deprecation" object.
RegistryClient::VersionInfo ToVersionInfo(const json::Value& o) {
  RegistryClient::VersionInfo v;
  v.subject = StringField(o, "subject");
  v.version = static_cast<std::int32_t>(IntField(o, "version"));
  v.id = IntField(o, "id");
  v.schema_type = StringField(o, "schemaType");
  if (v.schema_type.empty()) v.schema_type = "AVRO";  // Confluent leaves the default out
  v.schema = StringField(o, "schema");
  v.state = StringField(o, "state");
  const json::Value* dep = o.Find("deprecation");
  const json::Value& d = dep != nullptr && dep->IsObject() ? *dep : o;
  v.sunset = StringField(d, "sunset");
  v.reason = StringField(d, "reason");
  v.replacement = static_cast<std::int32_t>(IntField(d, "replacement"));
  if (const json::Value* refs = o.Find("references"); refs != nullptr && refs->IsArray()) {
    for (const json::Value& r : refs->AsArray()) {
      if (!r.IsObject()) continue;
      v.references.push_back(SchemaReference{StringField(r, "name"), StringField(r, "subject"),
                                             static_cast<std::int32_t>(IntField(r, "version"))});
    }
  }
  return v;
}

}  // namespace

ClientResult<RegistryClient::VersionInfo> RegistryClient::GetVersion(std::string_view subject,
                                                                     std::int32_t version) {
  const std::string v = version == kLatest ? "latest" : std::to_string(version);
  auto reply = Get("/accord/v1/subjects/" + Segment(subject) + "/versions/" + v);
  if (!reply) return std::unexpected(reply.error());
  if (!reply->IsObject()) {
    return std::unexpected(ClientError{ClientError::Kind::kBadReply, 0, 0,
                                       "a version reply is not a JSON object", options_.base_url});
  }
  return ToVersionInfo(*reply);
}

ClientResult<std::optional<RegistryClient::VersionInfo>> RegistryClient::Lookup(
    std::string_view subject, std::string_view schema_text, std::string_view schema_type,
    const std::vector<SchemaReference>& references) {
  auto reply =
      Post("/subjects/" + Segment(subject), SchemaBody(schema_text, schema_type, references));
  if (!reply) {
    if (reply.error().Is(40401) || reply.error().Is(40403)) {
      return std::optional<VersionInfo>();
    }
    return std::unexpected(reply.error());
  }
  if (!reply->IsObject()) {
    return std::unexpected(ClientError{ClientError::Kind::kBadReply, 0, 0,
                                       "a lookup reply is not a JSON object", options_.base_url});
  }
  return std::optional<VersionInfo>(ToVersionInfo(*reply));
}

ClientResult<std::vector<std::int32_t>> RegistryClient::ListVersions(std::string_view subject) {
  auto reply = Get("/subjects/" + Segment(subject) + "/versions");
  if (!reply) {
    if (reply.error().Is(40401)) return std::vector<std::int32_t>();
    return std::unexpected(reply.error());
  }
  std::vector<std::int32_t> out;
  if (reply->IsArray()) {
    for (const json::Value& v : reply->AsArray()) {
      if (v.IsNumber() && v.AsNumber().IsInt())
        out.push_back(static_cast<std::int32_t>(v.AsNumber().AsInt()));
    }
  } else {
    return std::unexpected(ClientError{ClientError::Kind::kBadReply, 0, 0,
                                       "a version list is not a JSON array", options_.base_url});
  }
  return out;
}

ClientResult<json::Value> RegistryClient::GetSubject(std::string_view subject) {
  return Get("/accord/v1/subjects/" + Segment(subject));
}

ClientResult<RegistryClient::SubjectConfig> RegistryClient::GetConfig(std::string_view subject) {
  auto reply = Get("/config/" + Segment(subject) + "?defaultToGlobal=true");
  if (!reply) return std::unexpected(reply.error());
  SubjectConfig out;
  if (reply->IsObject()) {
    out.level = StringField(*reply, "compatibilityLevel");
    out.policy = StringField(*reply, "compatibilityPolicy");
  }
  if (out.policy.empty()) out.policy = "STRICT";
  return out;
}

}  // namespace accord::cli
