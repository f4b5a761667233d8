#include "contract_file.h"

#include <glob.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>

#include "accord/schemas/load.h"
#include "accord/schemas/pointer.h"
#include "asyncapi_import.h"

namespace accord::cli {

EntrySchema EntrySchema::File(std::string path) {
  EntrySchema s;
  s.display = path;
  s.file = std::move(path);
  return s;
}

namespace {

bool SameDocument(const std::shared_ptr<const Document>& a,
                  const std::shared_ptr<const Document>& b) {
  if (!a || !b) return !a && !b;
  return a->root == b->root;
}

}  // namespace

bool operator==(const EntrySchema& a, const EntrySchema& b) {
  return a.file == b.file && a.display == b.display && a.type == b.type && a.text == b.text &&
         SameDocument(a.document, b.document);
}

ExampleEvent ExampleEvent::File(std::string path) { return ExampleEvent{std::move(path), nullptr}; }

bool operator==(const ExampleEvent& a, const ExampleEvent& b) {
  return a.file == b.file && SameDocument(a.document, b.document);
}

bool VersionSelector::Accepts(int v) const {
  switch (kind) {
    case Kind::kAll:
      return true;
    case Kind::kList:
      return std::binary_search(list.begin(), list.end(), v);
    case Kind::kAtLeast:
      return v >= min;
  }
  return false;
}

std::string VersionSelector::ToString() const {
  switch (kind) {
    case Kind::kAll:
      return "all";
    case Kind::kAtLeast:
      return ">=" + std::to_string(min);
    case Kind::kList:
      break;
  }
  std::string out = "[";
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out += ", ";
    out += std::to_string(list[i]);
  }
  return out + "]";
}

json::Value VersionSelector::ToJson() const {
  if (kind != Kind::kList) return json::Value(ToString());
  json::Array a;
  for (int v : list) a.emplace_back(v);
  return json::Value(std::move(a));
}

namespace {

std::optional<int> PositiveInt(const json::Value& v) {
  if (!v.IsNumber() || !v.AsNumber().IsInt()) return std::nullopt;
  std::int64_t n = v.AsNumber().AsInt();
  if (n < 1 || n > 2147483647) return std::nullopt;
  return static_cast<int>(n);
}

}  // namespace

std::optional<VersionSelector> ParseVersionSelector(const json::Value& value) {
  VersionSelector s;
  if (value.IsString()) {
    std::string_view text = value.AsString();
    if (text == "all") return s;
    if (!text.starts_with(">=")) return std::nullopt;
    text.remove_prefix(2);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    int n = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n < 1) return std::nullopt;
    s.kind = VersionSelector::Kind::kAtLeast;
    s.min = n;
    return s;
  }
  if (!value.IsArray() || value.AsArray().empty()) return std::nullopt;
  s.kind = VersionSelector::Kind::kList;
  for (const json::Value& item : value.AsArray()) {
    std::optional<int> n = PositiveInt(item);
    if (!n) return std::nullopt;
    s.list.push_back(*n);
  }
  std::sort(s.list.begin(), s.list.end());
  if (std::adjacent_find(s.list.begin(), s.list.end()) != s.list.end()) return std::nullopt;
  return s;
}

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::optional<std::string_view> ClosestWord(std::string_view word,
                                            const std::vector<std::string_view>& candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;
  for (std::string_view c : candidates) {
    std::size_t d = EditDistance(word, c);
    if (d < best_distance && d < word.size()) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

namespace {

// Walks the loaded document, turning every problem into an Error at the
// position of the key or value concerned.
class Parser {
 public:
  Parser(const Document& doc, std::string dir) : doc_(doc), dir_(std::move(dir)) {}

  Result<ContractFile> Parse() {
    ContractFile out;
    out.file = doc_.file;
    const json::Value& root = doc_.root;
    if (!root.IsObject()) return Fail("", "(file)", "must be a mapping with at least 'service'");
    if (auto e = CheckKeys(root, "", "(file)",
                           {"service", "owner", "registry", "dialect", "proto_path", "produces",
                            "consumes", "asyncapi"});
        !e) {
      return std::unexpected(e.error());
    }
    // With AsyncAPI documents the service may come from them (below).
    auto service = root.Find("asyncapi") != nullptr ? OptionalString(root, "", "", "service")
                                                    : RequiredString(root, "", "", "service");
    if (!service) return std::unexpected(service.error());
    out.service = *service;
    auto owner = OptionalString(root, "", "", "owner");
    if (!owner) return std::unexpected(owner.error());
    out.owner = *owner;
    auto registry = OptionalString(root, "", "", "registry");
    if (!registry) return std::unexpected(registry.error());
    out.registry = *registry;
    if (!out.registry.empty() && !out.registry.starts_with("http://") &&
        !out.registry.starts_with("https://")) {
      return Fail("/registry", "registry",
                  "must be an http:// or https:// URL, not '" + out.registry + "'");
    }
    auto dialect = OptionalString(root, "", "", "dialect");
    if (!dialect) return std::unexpected(dialect.error());
    if (!dialect->empty()) {
      out.dialect = jsonschema::DialectFromString(*dialect);
      if (!out.dialect) {
        std::string allowed;
        for (std::string_view name : jsonschema::kDialectNames) {
          allowed += (allowed.empty() ? "" : ", ") + std::string(name);
        }
        return Fail("/dialect", "dialect", "unknown dialect '" + *dialect + "' (" + allowed + ")");
      }
    }
    auto proto_path = Folders(root, "proto_path");
    if (!proto_path) return std::unexpected(proto_path.error());
    out.proto_path = std::move(*proto_path);
    if (auto e = ParseList(root, "produces",
                           [&](const json::Value& v, const std::string& ptr,
                               const std::string& path) -> Result<void> {
                             auto p = ParseProduced(v, ptr, path);
                             if (!p) return std::unexpected(p.error());
                             out.produces.push_back(std::move(*p));
                             return {};
                           });
        !e) {
      return std::unexpected(e.error());
    }
    if (auto e = ParseList(root, "consumes",
                           [&](const json::Value& v, const std::string& ptr,
                               const std::string& path) -> Result<void> {
                             auto c = ParseConsumed(v, ptr, path);
                             if (!c) return std::unexpected(c.error());
                             out.consumes.push_back(std::move(*c));
                             return {};
                           });
        !e) {
      return std::unexpected(e.error());
    }
    if (auto e = AsyncApi(root, out); !e) return std::unexpected(e.error());
    if (auto e = UniqueSubjects(out.produces, "produces"); !e) return std::unexpected(e.error());
    if (auto e = UniqueSubjects(out.consumes, "consumes"); !e) return std::unexpected(e.error());
    return out;
  }

 private:
  std::unexpected<Error> Fail(const std::string& pointer, const std::string& path,
                              std::string message) const {
    Error e;
    e.code = ErrorCode::kInvalidSchema;
    e.file = doc_.file;
    e.position = doc_.PositionOf(pointer);
    e.message = path + ": " + std::move(message);
    return std::unexpected(std::move(e));
  }

  static std::string Child(const std::string& pointer, std::string_view key) {
    return pointer + "/" + json::EscapeToken(key);
  }
  static std::string ChildPath(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  Result<void> CheckKeys(const json::Value& obj, const std::string& pointer,
                         const std::string& path, std::vector<std::string_view> known) const {
    for (const json::Member& m : obj.AsObject()) {
      if (std::find(known.begin(), known.end(), m.key) != known.end()) continue;
      std::string message = "unknown key '" + m.key + "'";
      if (auto close = ClosestWord(m.key, known)) {
        message += " (did you mean '" + std::string(*close) + "'?)";
      } else {
        message += " (known keys:";
        for (std::string_view k : known) message += " " + std::string(k);
        message += ")";
      }
      return Fail(Child(pointer, m.key), path, std::move(message));
    }
    return {};
  }

  Result<std::string> OptionalString(const json::Value& obj, const std::string& pointer,
                                     const std::string& path, std::string_view key) const {
    const json::Value* v = obj.Find(key);
    if (v == nullptr) return std::string();
    if (!v->IsString()) {
      return Fail(Child(pointer, key), ChildPath(path, key),
                  std::string("must be a string, not ") + std::string(json::KindName(v->kind())));
    }
    return v->AsString();
  }

  Result<std::string> RequiredString(const json::Value& obj, const std::string& pointer,
                                     const std::string& path, std::string_view key) const {
    if (obj.Find(key) == nullptr) {
      return Fail(pointer, ChildPath(path, key), "is required");
    }
    auto s = OptionalString(obj, pointer, path, key);
    if (s && s->empty()) return Fail(Child(pointer, key), ChildPath(path, key), "is empty");
    return s;
  }

  std::string Join(const std::string& relative) const {
    if (dir_.empty() || relative.starts_with('/')) return relative;
    return (std::filesystem::path(dir_) / relative).lexically_normal().string();
  }

  // A required path to an existing regular file.
  Result<std::string> RequiredFile(const json::Value& obj, const std::string& pointer,
                                   const std::string& path, std::string_view key) const {
    auto rel = RequiredString(obj, pointer, path, key);
    if (!rel) return rel;
    std::string joined = Join(*rel);
    std::error_code ec;
    if (!std::filesystem::is_regular_file(joined, ec)) {
      return Fail(Child(pointer, key), ChildPath(path, key), "no such file: " + joined);
    }
    return joined;
  }

  // An optional folder or list of folders, each an existing directory,
  // joined to the file's directory.
  Result<std::vector<std::string>> Folders(const json::Value& obj, std::string_view key) const {
    std::vector<std::string> out;
    const json::Value* v = obj.Find(key);
    if (v == nullptr || v->IsNull()) return out;
    const std::string pointer = Child("", key);
    std::vector<std::pair<std::string, std::string>> given;  // (folder, pointer)
    if (v->IsString()) {
      given.emplace_back(v->AsString(), pointer);
    } else if (v->IsArray()) {
      for (std::size_t i = 0; i < v->AsArray().size(); ++i) {
        const json::Value& f = v->AsArray()[i];
        if (!f.IsString() || f.AsString().empty()) {
          return Fail(pointer + "/" + std::to_string(i), std::string(key),
                      "folders are non-empty strings");
        }
        given.emplace_back(f.AsString(), pointer + "/" + std::to_string(i));
      }
    } else {
      return Fail(pointer, std::string(key), "must be a folder or a list of folders");
    }
    for (const auto& [folder, at] : given) {
      std::string joined = Join(folder);
      std::error_code ec;
      if (!std::filesystem::is_directory(joined, ec)) {
        return Fail(at, std::string(key), "no such folder: " + joined);
      }
      out.push_back(std::move(joined));
    }
    return out;
  }

  template <typename Fn>
  Result<void> ParseList(const json::Value& root, std::string_view key, Fn&& each) const {
    const json::Value* list = root.Find(key);
    if (list == nullptr || list->IsNull()) return {};
    const std::string pointer = Child("", key);
    if (!list->IsArray()) {
      return Fail(pointer, std::string(key), "must be a list of entries (\"- subject: ...\")");
    }
    for (std::size_t i = 0; i < list->AsArray().size(); ++i) {
      const std::string item_pointer = pointer + "/" + std::to_string(i);
      const std::string item_path = std::string(key) + "[" + std::to_string(i) + "]";
      const json::Value& item = list->AsArray()[i];
      if (!item.IsObject()) return Fail(item_pointer, item_path, "must be a mapping");
      if (auto e = each(item, item_pointer, item_path); !e) return e;
    }
    return {};
  }

  Result<std::vector<std::string>> Globs(const json::Value& item, const std::string& pointer,
                                         const std::string& path) const {
    std::vector<std::string> files;
    const json::Value* v = item.Find("examples");
    if (v == nullptr) return files;
    const std::string ptr = Child(pointer, "examples");
    const std::string key_path = ChildPath(path, "examples");
    std::vector<std::pair<std::string, std::string>> patterns;  // (pattern, pointer)
    if (v->IsString()) {
      patterns.emplace_back(v->AsString(), ptr);
    } else if (v->IsArray()) {
      for (std::size_t i = 0; i < v->AsArray().size(); ++i) {
        const json::Value& p = v->AsArray()[i];
        if (!p.IsString())
          return Fail(ptr + "/" + std::to_string(i), key_path, "globs are strings");
        patterns.emplace_back(p.AsString(), ptr + "/" + std::to_string(i));
      }
    } else {
      return Fail(ptr, key_path, "must be a glob or a list of globs");
    }
    std::set<std::string> seen;
    for (const auto& [pattern, at] : patterns) {
      const std::string joined = Join(pattern);
      glob_t g{};
      int rc = ::glob(joined.c_str(), 0, nullptr, &g);
      std::size_t before = files.size();
      if (rc == 0) {
        for (std::size_t i = 0; i < g.gl_pathc; ++i) {
          std::string f = g.gl_pathv[i];
          std::error_code ec;
          if (std::filesystem::is_regular_file(f, ec) && seen.insert(f).second) files.push_back(f);
        }
      }
      ::globfree(&g);
      if (files.size() == before && rc != 0) {
        return Fail(at, key_path, "'" + pattern + "' matches no file (looked for " + joined + ")");
      }
    }
    return files;
  }

  Result<std::vector<std::string>> Tags(const json::Value& item, const std::string& pointer,
                                        const std::string& path) const {
    std::vector<std::string> tags;
    const json::Value* v = item.Find("tags");
    if (v == nullptr) return tags;
    if (!v->IsArray())
      return Fail(Child(pointer, "tags"), ChildPath(path, "tags"), "must be a list");
    for (const json::Value& t : v->AsArray()) {
      if (!t.IsString() || t.AsString().empty()) {
        return Fail(Child(pointer, "tags"), ChildPath(path, "tags"), "tags are non-empty strings");
      }
      tags.push_back(t.AsString());
    }
    return tags;
  }

  // An entry's `references:`: a list of {name, subject, version} (a
  // registered version; version a number or latest) or {name, file} (a
  // local schema), names unique.
  Result<std::vector<NamedRef>> References(const json::Value& item, const std::string& pointer,
                                           const std::string& path) const {
    std::vector<NamedRef> out;
    const json::Value* v = item.Find("references");
    if (v == nullptr || v->IsNull()) return out;
    const std::string ptr = Child(pointer, "references");
    const std::string key_path = ChildPath(path, "references");
    const std::string shape = "{name, subject, version} (a registered version) or {name, file}";
    if (!v->IsArray()) return Fail(ptr, key_path, "must be a list of " + shape);
    std::set<std::string> names;
    for (std::size_t i = 0; i < v->AsArray().size(); ++i) {
      const json::Value& r = v->AsArray()[i];
      const std::string rp = ptr + "/" + std::to_string(i);
      const std::string rpath = key_path + "[" + std::to_string(i) + "]";
      if (!r.IsObject()) return Fail(rp, rpath, "must be a mapping: " + shape);
      if (auto e = CheckKeys(r, rp, rpath, {"name", "subject", "version", "file"}); !e) {
        return std::unexpected(e.error());
      }
      NamedRef ref;
      auto name = RequiredString(r, rp, rpath, "name");
      if (!name) return std::unexpected(name.error());
      ref.name = *name;
      if (!names.insert(ref.name).second) {
        return Fail(Child(rp, "name"), ChildPath(rpath, "name"),
                    "'" + ref.name + "' is named by an earlier reference already");
      }
      const bool has_file = r.Find("file") != nullptr;
      if (has_file == (r.Find("subject") != nullptr)) {
        return Fail(rp, rpath, "needs either subject and version, or file");
      }
      if (has_file) {
        if (r.Find("version") != nullptr) {
          return Fail(Child(rp, "version"), ChildPath(rpath, "version"),
                      "applies to a subject, not to a file");
        }
        auto file = RequiredFile(r, rp, rpath, "file");
        if (!file) return std::unexpected(file.error());
        ref.file = *file;
        out.push_back(std::move(ref));
        continue;
      }
      auto subject = RequiredString(r, rp, rpath, "subject");
      if (!subject) return std::unexpected(subject.error());
      ref.subject = *subject;
      const json::Value* version = r.Find("version");
      if (version == nullptr) {
        return Fail(rp, ChildPath(rpath, "version"),
                    "is required with subject (a number or latest)");
      }
      if (version->IsString() && version->AsString() == "latest") {
        ref.version = 0;
      } else if (version->IsInteger() && version->AsNumber().IsInt() &&
                 version->AsNumber().AsInt() >= 1 && version->AsNumber().AsInt() <= 2147483647) {
        ref.version = static_cast<std::int32_t>(version->AsNumber().AsInt());
      } else {
        return Fail(Child(rp, "version"), ChildPath(rpath, "version"),
                    "must be a version number (1 or more) or latest");
      }
      out.push_back(std::move(ref));
    }
    return out;
  }

  Result<ProducedEvent> ParseProduced(const json::Value& item, const std::string& pointer,
                                      const std::string& path) const {
    if (auto e = CheckKeys(item, pointer, path,
                           {"subject", "schema", "message", "examples", "compatibility",
                            "description", "tags", "references"});
        !e) {
      return std::unexpected(e.error());
    }
    ProducedEvent p;
    p.file = doc_.file;
    p.line = doc_.PositionOf(pointer).line;
    p.origin = path;
    auto subject = RequiredString(item, pointer, path, "subject");
    if (!subject) return std::unexpected(subject.error());
    p.subject = *subject;
    auto schema = RequiredFile(item, pointer, path, "schema");
    if (!schema) return std::unexpected(schema.error());
    p.schema = EntrySchema::File(*schema);
    auto message = OptionalString(item, pointer, path, "message");
    if (!message) return std::unexpected(message.error());
    p.message = *message;
    auto examples = Globs(item, pointer, path);
    if (!examples) return std::unexpected(examples.error());
    for (std::string& f : *examples) p.examples.push_back(ExampleEvent::File(std::move(f)));
    auto level = OptionalString(item, pointer, path, "compatibility");
    if (!level) return std::unexpected(level.error());
    if (!level->empty()) {
      p.compatibility = compat::LevelFromString(*level);
      if (!p.compatibility) {
        return Fail(Child(pointer, "compatibility"), ChildPath(path, "compatibility"),
                    "unknown level '" + *level +
                        "' (NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, "
                        "FULL, FULL_TRANSITIVE)");
      }
    }
    auto description = OptionalString(item, pointer, path, "description");
    if (!description) return std::unexpected(description.error());
    p.description = *description;
    auto tags = Tags(item, pointer, path);
    if (!tags) return std::unexpected(tags.error());
    p.tags = std::move(*tags);
    auto references = References(item, pointer, path);
    if (!references) return std::unexpected(references.error());
    p.references = std::move(*references);
    return p;
  }

  Result<ConsumedEvent> ParseConsumed(const json::Value& item, const std::string& pointer,
                                      const std::string& path) const {
    if (auto e = CheckKeys(item, pointer, path,
                           {"subject", "reader", "message", "versions", "references"});
        !e) {
      return std::unexpected(e.error());
    }
    ConsumedEvent c;
    c.file = doc_.file;
    c.line = doc_.PositionOf(pointer).line;
    c.origin = path;
    auto subject = RequiredString(item, pointer, path, "subject");
    if (!subject) return std::unexpected(subject.error());
    c.subject = *subject;
    auto reader = RequiredFile(item, pointer, path, "reader");
    if (!reader) return std::unexpected(reader.error());
    c.reader = EntrySchema::File(*reader);
    auto message = OptionalString(item, pointer, path, "message");
    if (!message) return std::unexpected(message.error());
    c.message = *message;
    if (const json::Value* v = item.Find("versions"); v != nullptr) {
      auto selector = ParseVersionSelector(*v);
      if (!selector) {
        return Fail(Child(pointer, "versions"), ChildPath(path, "versions"),
                    "must be all, a list of version numbers such as [2, 3], or \">=N\"");
      }
      c.versions = std::move(*selector);
    }
    auto references = References(item, pointer, path);
    if (!references) return std::unexpected(references.error());
    c.references = std::move(*references);
    return c;
  }

  // The `asyncapi:` documents (a path or a list), each inside the file's
  // directory, read and their entries appended to `out`; the service name
  // from their info.x-accord-service when the file gives none.
  Result<void> AsyncApi(const json::Value& root, ContractFile& out) const {
    const json::Value* v = root.Find("asyncapi");
    if (v == nullptr) return {};
    std::vector<std::pair<std::string, std::string>> given;  // (path, pointer)
    if (v->IsString() && !v->AsString().empty()) {
      given.emplace_back(v->AsString(), "/asyncapi");
    } else if (v->IsArray() && !v->AsArray().empty()) {
      for (std::size_t i = 0; i < v->AsArray().size(); ++i) {
        const json::Value& f = v->AsArray()[i];
        const std::string at = "/asyncapi/" + std::to_string(i);
        if (!f.IsString() || f.AsString().empty()) {
          return Fail(at, "asyncapi", "documents are named by non-empty paths");
        }
        given.emplace_back(f.AsString(), at);
      }
    } else {
      return Fail("/asyncapi", "asyncapi", "must be a path or a list of paths");
    }
    // $ref'd files, like the documents, stay inside the contract's folder.
    const std::string folder = dir_.empty() ? "." : dir_;
    std::string service_from;  // the document that named the service
    std::string owner_from;    // the document that named the owner
    // A document's service or owner is taken when the file has none, and
    // must agree with the file's (or an earlier document's) otherwise.
    const auto adopt = [&](std::string& field, std::string& from, const std::string& given,
                           const std::string& joined, const std::string& at, std::string_view says,
                           std::string_view key) -> Result<void> {
      if (given.empty()) return {};
      if (field.empty()) {
        field = given;
        from = joined;
      } else if (field != given) {
        return Fail(at, "asyncapi",
                    joined + " " + std::string(says) + " '" + given + "', not '" + field + "' (" +
                        (from.empty() ? std::string(key) + ":" : from) + ")");
      }
      return {};
    };
    for (const auto& [path, at] : given) {
      const std::filesystem::path relative(path);
      const std::string joined = Join(path);
      if (relative.is_absolute() || relative.lexically_normal().string().starts_with("..")) {
        return Fail(at, "asyncapi", "'" + path + "' is outside the contract's folder " + folder);
      }
      std::error_code ec;
      if (!std::filesystem::is_regular_file(joined, ec)) {
        return Fail(at, "asyncapi", "no such file: " + joined);
      }
      auto imported = ImportAsyncApi(joined, folder);
      if (!imported) return std::unexpected(imported.error());
      out.asyncapi.push_back(joined);
      // (accord asyncapi export writes both for --service.)
      if (auto ok = adopt(out.service, service_from, imported->service, joined, at,
                          "describes service", "service");
          !ok) {
        return std::unexpected(ok.error());
      }
      if (auto ok =
              adopt(out.owner, owner_from, imported->owner, joined, at, "names owner", "owner");
          !ok) {
        return std::unexpected(ok.error());
      }
      for (ProducedEvent& p : imported->produces) out.produces.push_back(std::move(p));
      for (ConsumedEvent& c : imported->consumes) out.consumes.push_back(std::move(c));
    }
    if (out.service.empty()) {
      return Fail("", "service", "is required (or info.x-accord-service in the AsyncAPI document)");
    }
    return {};
  }

  // Subjects are unique in each list. A repeat in the contract file is
  // reported at its `subject:`; one from an AsyncAPI document at its
  // operation, naming the entry it repeats.
  template <typename Entry>
  Result<void> UniqueSubjects(const std::vector<Entry>& entries, std::string_view key) const {
    std::map<std::string, std::size_t> seen;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      const Entry& entry = entries[i];
      auto [first, added] = seen.emplace(entry.subject, i);
      if (added) continue;
      if (entry.file == doc_.file &&
          entry.origin == std::string(key) + "[" + std::to_string(i) + "]") {
        const std::string pointer = "/" + std::string(key) + "/" + std::to_string(i) + "/subject";
        return Fail(pointer, std::string(key) + "[" + std::to_string(i) + "].subject",
                    "subject '" + entry.subject + "' is listed twice");
      }
      const Entry& other = entries[first->second];
      Error e;
      e.code = ErrorCode::kInvalidSchema;
      e.file = entry.file;
      e.position = Position{entry.line, 0};
      e.message = entry.origin + ": subject '" + entry.subject + "' is " +
                  std::string(key == "produces" ? "produced" : "consumed") + " by " + other.origin +
                  " too (" + other.file + ":" + std::to_string(other.line) +
                  "); a subject holds one schema: give each message its own x-accord-subject";
      return std::unexpected(std::move(e));
    }
    return {};
  }

  const Document& doc_;
  std::string dir_;
};

}  // namespace

Result<ContractFile> ParseContractFile(std::string_view text, const std::string& file) {
  LoadOptions options;
  options.record_positions = true;
  options.max_bytes = 4u * 1024u * 1024u;
  auto doc = ParseYaml(text, file, options);
  if (!doc) return std::unexpected(doc.error());
  std::string dir = std::filesystem::path(file).parent_path().string();
  return Parser(*doc, std::move(dir)).Parse();
}

Result<ContractFile> LoadContractFile(const std::string& path) {
  auto text = ReadFile(path, 4u * 1024u * 1024u);
  if (!text) {
    Error e = text.error();
    if (e.file.empty()) e.file = path;
    return std::unexpected(std::move(e));
  }
  return ParseContractFile(*text, path);
}

std::string StarterContractFile(std::string_view service, std::string_view owner) {
  std::string out;
  out += "# accord.yaml: the events this service produces and consumes.\n";
  out += "# Format: docs/accord.schema.json in the Accord repository.\n";
  out += "# `accord test` checks it in CI, `accord publish` publishes it after merge.\n";
  out += "service: " + std::string(service) + "\n";
  out += "owner: " + std::string(owner) + "\n";
  out += "# registry: http://127.0.0.1:8081   # or --registry / $ACCORD_REGISTRY\n";
  out += "# dialect: draft-07   # of JSON Schemas without $schema (default draft-07)\n";
  out += "# proto_path: [protos]   # folders Protobuf imports are found in (as -I)\n";
  out += "# asyncapi: docs/asyncapi.yaml   # AsyncAPI document(s) whose operations are contracts\n";
  out += "produces: []\n";
  out += "#  - subject: " + std::string(service) + ".something-happened\n";
  out +=
      "#    schema: schemas/something-happened.json   # JSON Schema (JSON or YAML), .avsc or "
      ".proto\n";
  out += "#    message: SomethingHappened                # .proto: the event's message\n";
  out += "#    examples: [examples/something-happened/*.json]\n";
  out += "#    compatibility: BACKWARD                    # else the subject's level\n";
  out += "#    description: Something happened\n";
  out += "#    tags: [example]\n";
  out += "#    references:                                # schemas it refers to by name\n";
  out += "#      - {name: common.json, subject: common, version: latest}\n";
  out += "consumes: []\n";
  out += "#  - subject: other.event-name\n";
  out += "#    reader: contracts/event-name.reader.json  # only the fields this service reads\n";
  out += "#    versions: all                              # all | [2, 3] | \">=2\"\n";
  return out;
}

}  // namespace accord::cli
