// Helpers shared by the registry unit tests.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "accord/compat/jsonschema_kinds.h"
#include "accord/compat/report.h"
#include "accord/registry/http_api.h"
#include "accord/registry/service.h"
#include "accord/registry/store.h"
#include "accord/schemas/json.h"

namespace accord::registry::testing {

// An authenticated principal (as Authenticator::Authenticate returns one).
inline Principal Caller(std::string name, Role role, std::vector<std::string> teams = {}) {
  Principal p;
  p.name = std::move(name);
  p.role = role;
  p.teams = std::move(teams);
  p.authenticated = true;
  return p;
}
inline Principal Admin(std::string name) { return Caller(std::move(name), Role::kAdmin); }

// A request as a Confluent client sends it: the body (if any) as JSON.
inline HttpRequest JsonRequest(const std::string& method, const std::string& target,
                               const std::string& body = {}) {
  HttpRequest req;
  req.method = method;
  req.target = target;
  req.body = body;
  req.content_type = body.empty() ? std::string() : std::string(kContentTypeV1);
  return req;
}

// A fresh directory under the system temp dir, removed on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "accord-registry-XXXXXX").string();
    path_ = mkdtemp(tmpl.data()) ? tmpl : std::string();
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::unique_ptr<Store> OpenStoreOrDie(const std::string& path) {
  SqliteOptions options;
  options.path = path;
  auto s = OpenSqliteStore(options);
  if (!s) std::abort();
  return std::move(*s);
}

// A stand-in for the compatibility engine with an obvious rule, so the
// Service's own rules (which pairs, which direction) are tested in isolation:
// compatible(W -> R) iff every name in R's "required" is in W's "required".
inline compat::Report RequiredSubsetChecker(SchemaType, const json::Value& writer,
                                            const json::Value& reader, compat::Policy) {
  auto required = [](const json::Value& v) {
    std::set<std::string> out;
    if (const json::Value* r = v.IsObject() ? v.Find("required") : nullptr; r && r->IsArray()) {
      for (const json::Value& e : r->AsArray()) {
        if (e.IsString()) out.insert(e.AsString());
      }
    }
    return out;
  };
  compat::Report report;
  const auto w = required(writer);
  for (const std::string& name : required(reader)) {
    if (w.contains(name)) continue;
    compat::Finding f;
    f.kind = compat::JsonSchemaKind::kRequiredAdded;
    f.reader_path = "/required";
    f.message = "reader requires '" + name + "'";
    report.Add(std::move(f));
  }
  return report;
}

// A JSON Schema object whose "required" lists `required` (comma-separated
// quoted names, e.g. R("\"a\",\"b\"")).
inline std::string R(const std::string& required, const std::string& extra = "") {
  return "{\"type\":\"object\"" + extra + ",\"required\":[" + required + "]}";
}

inline SchemaInput Json(const std::string& text) {
  SchemaInput in;
  in.schema = text;
  in.type = SchemaType::kJson;
  return in;
}

}  // namespace accord::registry::testing
