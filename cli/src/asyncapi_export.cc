#include "asyncapi_export.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "accord/schemas/load.h"

namespace accord::cli {
namespace {

json::Value Object() { return json::Value(json::Object{}); }

json::Value Strings(const std::vector<std::string>& items) {
  json::Array out;
  for (const std::string& s : items) out.emplace_back(s);
  return json::Value(std::move(out));
}

json::Value Ref(const std::string& pointer) {
  json::Value r = Object();
  r.Add("$ref", pointer);
  return r;
}

// `name` with every character outside AsyncAPI's key syntax replaced by
// '_', made unique among `used` by a "_2", "_3", ... suffix.
std::string UniqueId(std::string_view name, std::set<std::string>& used) {
  std::string id;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
    id += ok ? c : '_';
  }
  if (id.empty()) id = "_";
  std::string candidate = id;
  for (int n = 2; !used.insert(candidate).second; ++n) candidate = id + "_" + std::to_string(n);
  return candidate;
}

// The schema text as the payload's `schema`: JSON Schema and Avro as the
// JSON value they are (so the document shows them as structure), Protobuf
// as its text. Text that does not parse (a registry never stores such) is
// kept as text, so nothing is lost.
json::Value SchemaValue(std::string_view schema_type, const std::string& text) {
  if (schema_type != "PROTOBUF") {
    if (auto doc = ParseJson(text)) return std::move(doc->root);
  }
  return json::Value(text);
}

json::Value Payload(std::string_view schema_type, const std::string& text) {
  json::Value p = Object();
  p.Add("schemaFormat", AsyncApiSchemaFormat(schema_type, text));
  p.Add("schema", SchemaValue(schema_type, text));
  return p;
}

std::string ContentType(std::string_view schema_type) {
  if (schema_type == "AVRO") return "application/vnd.apache.avro+binary";
  if (schema_type == "PROTOBUF") return "application/x-protobuf";
  return "application/json";
}

json::Value Info(const AsyncApiInput& input) {
  json::Value info = Object();
  std::string title = "Accord registry";
  std::string what = "every subject and service declaration";
  if (input.scope.kind == AsyncApiScope::Kind::kService) {
    title += ": service " + input.scope.name;
    what = "what service " + input.scope.name + " produces and consumes";
  } else if (input.scope.kind == AsyncApiScope::Kind::kTeam) {
    title += ": team " + input.scope.name;
    what = "the subjects and services of team " + input.scope.name +
           ", and the subjects those services use";
  }
  info.Add("title", title);
  info.Add("version", input.info_version);
  info.Add("description", "Exported by accord asyncapi export: " + what + ".");
  if (input.scope.kind == AsyncApiScope::Kind::kService) {
    info.Add("x-accord-service", input.scope.name);
    if (!input.scope_owner.empty()) info.Add("x-accord-owner", input.scope_owner);
  } else if (input.scope.kind == AsyncApiScope::Kind::kTeam) {
    info.Add("x-accord-team", input.scope.name);
  }
  return info;
}

// The version's message: its payload, the subject's catalog metadata and
// the version's lifecycle.
json::Value VersionMessage(const AsyncApiSubject& s, const AsyncApiVersion& v) {
  const RegistryClient::VersionInfo& info = v.info;
  json::Value m = Object();
  m.Add("name", s.subject);
  m.Add("title", s.subject + " v" + std::to_string(info.version));
  if (!s.description.empty()) m.Add("description", s.description);
  if (!s.tags.empty()) {
    json::Array tags;
    for (const std::string& t : s.tags) {
      json::Value tag = Object();
      tag.Add("name", t);
      tags.push_back(std::move(tag));
    }
    m.Add("tags", json::Value(std::move(tags)));
  }
  m.Add("contentType", ContentType(info.schema_type));
  const bool deprecated = info.state == "DEPRECATED" || info.state == "RETIRED";
  if (deprecated) m.Add("deprecated", true);
  m.Add("payload", Payload(info.schema_type, info.schema));
  m.Add("x-accord-subject", s.subject);
  m.Add("x-accord-version", info.version);
  m.Add("x-accord-schema-id", info.id);
  m.Add("x-accord-state", info.state.empty() ? std::string("ACTIVE") : info.state);
  if (!info.sunset.empty()) m.Add("x-accord-sunset", info.sunset);
  if (!info.reason.empty()) m.Add("x-accord-deprecation-reason", info.reason);
  if (info.replacement != 0) m.Add("x-accord-replacement", info.replacement);
  if (!s.compatibility.empty()) m.Add("x-accord-compatibility", s.compatibility);
  if (!s.owner.empty()) m.Add("x-accord-owner", s.owner);
  if (s.links.IsArray() && !s.links.AsArray().empty()) m.Add("x-accord-links", s.links);
  if (s.sla.IsObject() && !s.sla.AsObject().empty()) m.Add("x-accord-sla", s.sla);
  if (!v.pii_fields.empty()) m.Add("x-accord-pii-fields", Strings(v.pii_fields));
  if (!info.references.empty()) {
    json::Array refs;
    for (const SchemaReference& r : info.references) {
      json::Value ref = Object();
      ref.Add("name", r.name);
      ref.Add("subject", r.subject);
      ref.Add("version", r.version);
      refs.push_back(std::move(ref));
    }
    m.Add("x-accord-references", json::Value(std::move(refs)));
  }
  return m;
}

json::Value ReaderMessage(const PublishedReader& r) {
  json::Value m = Object();
  m.Add("name", r.subject);
  m.Add("title", r.subject + " as read by " + r.service);
  m.Add("contentType", ContentType(r.schema_type));
  m.Add("payload", Payload(r.schema_type, r.schema));
  m.Add("x-accord-subject", r.subject);
  m.Add("x-accord-reader-of", r.service);
  return m;
}

// Ids given out while building: channel of each subject, message of each
// (subject, version) and (subject, reader service).
struct Ids {
  std::set<std::string> channels;
  std::map<std::string, std::string> channel_of;  // subject -> channel id
  std::map<std::string, std::set<std::string>> messages_in;
  std::map<std::pair<std::string, std::int32_t>, std::string> version_message;
  std::map<std::pair<std::string, std::string>, std::string> reader_message;
  std::set<std::string> operations;
};

std::string ChannelPointer(const std::string& channel) { return "#/channels/" + channel; }

std::string MessagePointer(const std::string& channel, const std::string& message) {
  return ChannelPointer(channel) + "/messages/" + message;
}

json::Value Channels(const AsyncApiInput& input, Ids& ids) {
  // Every reader of each subject, by service name (services are sorted).
  std::map<std::string, std::vector<const PublishedReader*>> readers;
  for (const PublishedService& service : input.services) {
    for (const PublishedReader& r : service.consumes) readers[r.subject].push_back(&r);
  }
  json::Value channels = Object();
  for (const AsyncApiSubject& s : input.subjects) {
    const std::string id = UniqueId(s.subject, ids.channels);
    ids.channel_of[s.subject] = id;
    std::set<std::string>& used = ids.messages_in[id];
    json::Value messages = Object();
    for (const AsyncApiVersion& v : s.versions) {
      const std::string mid = UniqueId(id + ".v" + std::to_string(v.info.version), used);
      ids.version_message[{s.subject, v.info.version}] = mid;
      messages.Add(mid, VersionMessage(s, v));
    }
    for (const PublishedReader* r : readers[s.subject]) {
      const std::string mid = UniqueId(id + ".reader." + r->service, used);
      ids.reader_message[{s.subject, r->service}] = mid;
      messages.Add(mid, ReaderMessage(*r));
    }
    json::Value channel = Object();
    channel.Add("address", AsyncApiAddress(s.subject));
    channel.Add("messages", std::move(messages));
    channel.Add("x-accord-subject", s.subject);
    channels.Add(id, std::move(channel));
  }
  return channels;
}

json::Value Operation(std::string_view action, const PublishedService& service,
                      const std::string& channel, const std::string* message) {
  json::Value op = Object();
  op.Add("action", action);
  op.Add("channel", Ref(ChannelPointer(channel)));
  // Without a message (a produced subject with no version yet) the list is
  // empty: AsyncAPI reads an absent list as "every message of the channel".
  json::Array messages;
  if (message != nullptr) messages.push_back(Ref(MessagePointer(channel, *message)));
  op.Add("messages", json::Value(std::move(messages)));
  op.Add("x-accord-service", service.name);
  if (!service.owner.empty()) op.Add("x-accord-owner", service.owner);
  return op;
}

json::Value Operations(const AsyncApiInput& input, Ids& ids) {
  std::map<std::string, std::int32_t> payload_version;
  for (const AsyncApiSubject& s : input.subjects) payload_version[s.subject] = s.payload_version;
  json::Value operations = Object();
  for (const PublishedService& service : input.services) {
    std::vector<std::string> produces = service.produces;
    std::sort(produces.begin(), produces.end());
    for (const std::string& subject : produces) {
      auto channel = ids.channel_of.find(subject);
      if (channel == ids.channel_of.end()) continue;  // the caller fetched every named subject
      auto message = ids.version_message.find({subject, payload_version[subject]});
      const std::string id = UniqueId(service.name + ".send." + channel->second, ids.operations);
      operations.Add(id,
                     Operation("send", service, channel->second,
                               message == ids.version_message.end() ? nullptr : &message->second));
    }
    std::vector<const PublishedReader*> consumes;
    for (const PublishedReader& r : service.consumes) consumes.push_back(&r);
    std::sort(
        consumes.begin(), consumes.end(),
        [](const PublishedReader* a, const PublishedReader* b) { return a->subject < b->subject; });
    for (const PublishedReader* r : consumes) {
      auto channel = ids.channel_of.find(r->subject);
      if (channel == ids.channel_of.end()) continue;
      const std::string& message = ids.reader_message.at({r->subject, service.name});
      const std::string id = UniqueId(service.name + ".receive." + channel->second, ids.operations);
      json::Value op = Operation("receive", service, channel->second, &message);
      op.Add("x-accord-versions", r->versions.kind == VersionSelector::Kind::kAll
                                      ? json::Value("all")
                                      : r->versions.ToJson());
      operations.Add(id, std::move(op));
    }
  }
  return operations;
}

}  // namespace

std::string AsyncApiSchemaFormat(std::string_view schema_type, std::string_view schema_text) {
  if (schema_type == "AVRO") return "application/vnd.apache.avro+json;version=1.9.0";
  if (schema_type == "PROTOBUF") {
    // `syntax = "proto3";` (any spacing, either quote); a file without it
    // is proto2 by the language's rule.
    for (std::size_t at = schema_text.find("syntax"); at != std::string_view::npos;
         at = schema_text.find("syntax", at + 1)) {
      std::size_t i = at + 6;
      auto skip = [&] {
        while (i < schema_text.size() && std::isspace(static_cast<unsigned char>(schema_text[i]))) {
          ++i;
        }
      };
      skip();
      if (i >= schema_text.size() || schema_text[i] != '=') continue;
      ++i;
      skip();
      const std::string_view rest = schema_text.substr(i);
      if (rest.starts_with("\"proto3\"") || rest.starts_with("'proto3'")) {
        return "application/vnd.google.protobuf;version=3";
      }
    }
    return "application/vnd.google.protobuf;version=2";
  }
  return "application/schema+json;version=draft-07";
}

std::string AsyncApiAddress(std::string_view subject) {
  constexpr std::string_view kValue = "-value";
  if (subject.size() > kValue.size() && subject.ends_with(kValue)) {
    return std::string(subject.substr(0, subject.size() - kValue.size()));
  }
  return std::string(subject);
}

json::Value BuildAsyncApi(const AsyncApiInput& input) {
  Ids ids;
  json::Value doc = Object();
  doc.Add("asyncapi", "3.0.0");
  doc.Add("info", Info(input));
  json::Value channels = Channels(input, ids);
  json::Value operations = Operations(input, ids);
  doc.Add("channels", std::move(channels));
  doc.Add("operations", std::move(operations));
  return doc;
}

}  // namespace accord::cli
