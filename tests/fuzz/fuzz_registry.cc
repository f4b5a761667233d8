// Fuzz target for the registry's REST layer: a sequence of requests driven
// through registry::Api::Handle in-process, against a fresh Service over an
// in-memory SQLite store (one per input, so every input replays alike).
//
// Input layout (text, so seeds are easy to write by hand): up to 24 requests
// separated by a line "%%" ("\n%%\n"). In each request the first line is
//   METHOD SP TARGET [SP CONTENT-TYPE [SP ACCEPT]]
// and everything after that line's '\n' is the body. Example:
//   POST /subjects/orders/versions application/json
//   {"schemaType":"JSON","schema":"{\"type\":\"object\"}"}
//   %%
//   GET /schemas/ids/1
//
// Besides "never crash, hang, leak or trip a sanitizer", it checks what
// http_api.h and the Confluent contract promise for every reply:
// - the status is 2xx/4xx, never 5xx (an in-memory store does not fail, so a
//   5xx is an internal error leaking out);
// - every JSON reply (anything but GET /metrics and raw /schema texts) parses;
// - an error reply (status >= 400) is {"error_code": int, "message": string}
//   whose code is the one recorded in HttpResponse::error_code, with a
//   non-empty message and the status its code implies (HttpStatusOf: a
//   three-digit code is the status itself, 40401 is 404);
// - a successful registration ({"id": N}) is readable at once through
//   GET /schemas/ids/N.
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "accord/registry/store.h"
#include "accord/schemas/json.h"
#include "accord/schemas/load.h"

namespace {

using accord::registry::HttpRequest;
using accord::registry::HttpResponse;

constexpr std::size_t kMaxRequests = 24;
constexpr std::string_view kSeparator = "\n%%\n";

[[noreturn]] void Fail(const char* what, const HttpRequest& req, const HttpResponse& resp) {
  std::fprintf(stderr, "fuzz_registry: invariant broken: %s\nrequest: %s %s\nstatus: %d\n", what,
               req.method.c_str(), req.target.substr(0, 300).c_str(), resp.status);
  std::fwrite(resp.body.data(), 1, resp.body.size() > 2000 ? 2000 : resp.body.size(), stderr);
  std::fputc('\n', stderr);
  std::abort();
}

void Check(bool ok, const char* what, const HttpRequest& req, const HttpResponse& resp) {
  if (!ok) Fail(what, req, resp);
}

// Splits off the text up to the next space (or the end) from `line`.
std::string_view NextWord(std::string_view& line) {
  std::size_t sp = line.find(' ');
  std::string_view word = line.substr(0, sp);
  line = sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1);
  return word;
}

HttpRequest ParseRequest(std::string_view block) {
  std::size_t nl = block.find('\n');
  std::string_view line = block.substr(0, nl);
  HttpRequest req;
  req.method = std::string(NextWord(line));
  req.target = std::string(NextWord(line));
  req.content_type = std::string(NextWord(line));
  req.accept = std::string(line);
  if (nl != std::string_view::npos) req.body = std::string(block.substr(nl + 1));
  return req;
}

bool IsJsonReply(const HttpResponse& resp) {
  if (resp.status >= 400) return true;
  if (resp.status == 204) return false;  // No Content (DELETE /contexts/{ctx}): checked below
  if (resp.route == "GET /metrics") return false;
  // The raw schema text of an id or a version is whatever was registered.
  return resp.route != "GET /schemas/ids/{id}/schema" &&
         resp.route != "GET /subjects/{s}/versions/{v}/schema";
}

// The status an error code implies, computed here independently of
// HttpStatusOf: 40401 -> 404, a three-digit code (415) is the status itself.
int StatusOfCode(std::int64_t code) {
  if (code < 1000) return static_cast<int>(code);
  return static_cast<int>(code / 100);
}

void CheckReply(const HttpRequest& req, const HttpResponse& resp) {
  Check(resp.status >= 200 && resp.status < 500, "status is not 2xx-4xx", req, resp);
  if (resp.status == 204) Check(resp.body.empty(), "a 204 reply has a body", req, resp);
  if (!IsJsonReply(resp)) return;
  auto doc = accord::ParseJson(resp.body, "reply");
  Check(doc.has_value(), "reply is not JSON", req, resp);
  if (resp.status < 400) return;
  const accord::json::Value* code = doc->root.Find("error_code");
  const accord::json::Value* message = doc->root.Find("message");
  Check(code != nullptr && code->IsNumber(), "error reply without a numeric error_code", req, resp);
  Check(message != nullptr && message->IsString() && !message->AsString().empty(),
        "error reply without a message", req, resp);
  Check(code->AsNumber().AsInt() == resp.error_code, "error_code differs from the recorded one",
        req, resp);
  Check(StatusOfCode(resp.error_code) == resp.status, "status does not match the error code", req,
        resp);
}

// After a successful registration, the id it answered must be readable.
void CheckRegistered(const accord::registry::Api& api, const HttpRequest& req,
                     const HttpResponse& resp) {
  if (resp.route != "POST /subjects/{s}/versions" || resp.status != 200) return;
  auto doc = accord::ParseJson(resp.body, "reply");
  const accord::json::Value* id = doc ? doc->root.Find("id") : nullptr;
  Check(id != nullptr && id->IsNumber(), "registration reply without an id", req, resp);
  // Ids are per context (issue #18): read it in the subject's context, as
  // a client does, with ?subject= (and under the same base context path,
  // /contexts/{ctx}/, when the registration used one).
  const std::string path = req.target.substr(0, req.target.find('?'));
  const std::size_t end = path.rfind("/versions");
  const std::size_t at = end == std::string::npos ? end : path.rfind("/subjects/", end);
  Check(at != std::string::npos, "registration route without a subject", req, resp);
  std::string subject;  // the raw path segment, made safe for the query
  for (char c : path.substr(at + 10, end - at - 10)) {
    const bool keep = std::isalnum(static_cast<unsigned char>(c)) || c == '%' || c == '-' ||
                      c == '.' || c == '_' || c == '~' || c == ':';
    if (keep) {
      subject += c;
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      subject += buf;
    }
  }
  HttpRequest get;
  get.method = "GET";
  get.target = path.substr(0, at) + "/schemas/ids/" + std::to_string(id->AsNumber().AsInt()) +
               "?subject=" + subject;
  HttpResponse got = api.Handle(get);
  Check(got.status == 200, "a registered id is not readable", get, got);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  accord::registry::SqliteOptions options;
  options.path = ":memory:";
  auto store = accord::registry::OpenSqliteStore(options);
  if (!store) {
    std::fprintf(stderr, "fuzz_registry: cannot open an in-memory store: %s\n",
                 store.error().message.c_str());
    std::abort();
  }
  accord::registry::Service service(std::move(*store));
  accord::registry::Api api(service);

  std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::size_t n = 0; n < kMaxRequests && !input.empty(); ++n) {
    std::size_t end = input.find(kSeparator);
    HttpRequest req = ParseRequest(input.substr(0, end));
    input =
        end == std::string_view::npos ? std::string_view() : input.substr(end + kSeparator.size());
    HttpResponse resp = api.Handle(req);
    CheckReply(req, resp);
    CheckRegistered(api, req, resp);
  }
  return 0;
}
