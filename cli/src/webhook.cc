// accord webhook add URL --event E [--event E ...] [--secret S]
// accord webhook ls
// accord webhook rm ID
//
// An admin's webhooks (docs/catalog-api.md, "Webhooks") over
// /accord/v1/webhooks. Text output: add prints "added webhook ID: URL
// (EVENTS)" and "secret: S" (the only time the registry serves it); ls one
// "ID  URL  EVENTS" line per webhook (or "no webhooks"); rm "removed webhook
// ID". JSON output: the server's reply, pretty-printed.
// Exit 0 done; 1 refused by the registry (not an admin, a bad URL or event,
// unknown id); 2 usage; 3 registry unreachable.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "commands.h"
#include "owner_support.h"

namespace accord::cli {
namespace {

struct WebhookArgs {
  std::string url;
  std::vector<std::string> events;
  std::string secret;
  std::string id;
  OwnerOptions options;
};

std::string HookLine(const json::Value& hook) {
  return FieldText(hook, {"id"}) + "  " + FieldText(hook, {"url"}) + "  " +
         FieldText(hook, {"events"});
}

int RunAdd(const WebhookArgs& args) {
  auto client = OpenClient("webhook add", args.options);
  if (!client) return client.error();
  json::Value body{json::Object{}};
  body.Add("url", args.url);
  json::Array events;
  for (const std::string& e : args.events) events.emplace_back(e);
  body.Add("events", json::Value(std::move(events)));
  if (!args.secret.empty()) body.Add("secret", args.secret);
  auto reply = (*client)->Post("/accord/v1/webhooks", body);
  if (!reply) return ReportClientError("webhook add", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  std::printf("added webhook %s: %s (%s)\nsecret: %s\n", FieldText(*reply, {"id"}).c_str(),
              FieldText(*reply, {"url"}).c_str(), FieldText(*reply, {"events"}).c_str(),
              FieldText(*reply, {"secret"}).c_str());
  return kExitOk;
}

int RunLs(const WebhookArgs& args) {
  auto client = OpenClient("webhook ls", args.options);
  if (!client) return client.error();
  auto reply = (*client)->Get("/accord/v1/webhooks");
  if (!reply) return ReportClientError("webhook ls", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  if (!reply->IsArray() || reply->AsArray().empty()) {
    std::printf("no webhooks\n");
    return kExitOk;
  }
  for (const json::Value& hook : reply->AsArray()) std::printf("%s\n", HookLine(hook).c_str());
  return kExitOk;
}

int RunRm(const WebhookArgs& args) {
  auto client = OpenClient("webhook rm", args.options);
  if (!client) return client.error();
  auto reply = (*client)->Delete("/accord/v1/webhooks/" + RegistryClient::Segment(args.id));
  if (!reply) return ReportClientError("webhook rm", reply.error());
  if (args.options.Format() == OwnerFormat::kJson) {
    PrintJson(*reply);
    return kExitOk;
  }
  std::printf("removed webhook %s\n", FieldText(*reply, {"id"}).c_str());
  return kExitOk;
}

}  // namespace

void RegisterWebhook(CLI::App& app, Commands& commands) {
  auto* webhook = app.add_subcommand(
      "webhook",
      "Register, list and remove the registry's webhooks (admins).\n"
      "Exit 0 ok, 1 refused by the registry (not an admin, a bad URL or event, unknown id), "
      "2 usage, 3 registry unreachable");
  webhook->require_subcommand(1);
  auto args = std::make_shared<WebhookArgs>();

  auto* add = webhook->add_subcommand("add", "Register a URL for events");
  add->add_option("url", args->url, "http:// or https:// URL to POST each event to")->required();
  add->add_option("--event", args->events,
                  "An event to deliver (repeatable): version.created, version.deprecated, "
                  "version.retired, contract.published, deploy.check_failed")
      ->required();
  add->add_option("--secret", args->secret,
                  "HMAC-SHA256 key for X-Accord-Signature (16-256 characters; default: a new "
                  "random one, printed once)");
  AddOwnerOptions(*add, args->options);
  add->callback([&commands, args] { commands.run = [args] { return RunAdd(*args); }; });

  auto* ls = webhook->add_subcommand("ls", "List the webhooks (without their secrets)");
  AddOwnerOptions(*ls, args->options);
  ls->callback([&commands, args] { commands.run = [args] { return RunLs(*args); }; });

  auto* rm = webhook->add_subcommand("rm", "Remove a webhook");
  rm->add_option("id", args->id, "The webhook's id (accord webhook ls)")->required();
  AddOwnerOptions(*rm, args->options);
  rm->callback([&commands, args] { commands.run = [args] { return RunRm(*args); }; });
}

}  // namespace accord::cli
