// accord: the command-line entry point. Each subcommand lives in its own file
// and registers itself here.
#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "contract_file.h"

namespace {

// The subcommand names, in registration order.
std::vector<std::string_view> SubcommandNames(const CLI::App& app) {
  std::vector<std::string_view> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

// The subcommand called `name`, or nullptr.
const CLI::App* FindSubcommand(const CLI::App& app, std::string_view name) {
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    if (sub->get_name() == name) return sub;
  }
  return nullptr;
}

// argv[1] when it names no subcommand (nullptr otherwise). CLI11 reports a
// word it does not know as "A subcommand is required", which names neither
// the word nor the commands: we say both, and the nearest command when it is
// close (accord::cli::ClosestWord: distance <= 2).
int UnknownCommand(const CLI::App& app, std::string_view word) {
  std::vector<std::string_view> names = SubcommandNames(app);
  std::string message = "accord: error: unknown command '" + std::string(word) + "'";
  if (auto close = accord::cli::ClosestWord(word, names)) {
    message += " (did you mean '" + std::string(*close) + "'?)";
  }
  message += "\ncommands:";
  for (std::string_view n : names) message += " " + std::string(n);
  message += "\nrun 'accord --help' for what each does\n";
  std::fputs(message.c_str(), stderr);
  return 2;
}

// The subcommand argv names, nested ones included ("key new"): argv[1], then
// each following word naming a subcommand of the one before; `*next` is the
// index after the last. nullptr when argv[1] names none.
const CLI::App* NamedSubcommand(const CLI::App& app, int argc, char** argv, int* next) {
  const CLI::App* sub = argc >= 2 ? FindSubcommand(app, argv[1]) : nullptr;
  int i = 2;
  while (sub != nullptr && i < argc) {
    const CLI::App* nested = FindSubcommand(*sub, argv[i]);
    if (nested == nullptr) break;
    sub = nested;
    ++i;
  }
  *next = i;
  return sub;
}

// After a parse error in subcommand `sub` (its arguments from argv[first]):
// the first --long option that `sub` does not have, with the nearest one it
// has. Empty when every option is known (the error was about something else).
std::string UnknownOption(const CLI::App& sub, int first, int argc, char** argv) {
  std::vector<std::string> longs;
  for (const CLI::Option* o : sub.get_options()) {
    for (const std::string& l : o->get_lnames()) longs.push_back("--" + l);
  }
  if (std::find(longs.begin(), longs.end(), "--help") == longs.end()) longs.push_back("--help");
  for (int i = first; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") break;
    if (!arg.starts_with("--")) continue;
    std::string_view name = arg.substr(0, arg.find('='));
    bool known = false;
    for (const std::string& l : longs) known = known || l == name;
    if (known) continue;
    std::vector<std::string_view> candidates(longs.begin(), longs.end());
    std::string message = "unknown option '" + std::string(name) + "'";
    if (auto close = accord::cli::ClosestWord(name, candidates)) {
      message += " (did you mean '" + std::string(*close) + "'?)";
    } else {
      message += "; options:";
      for (std::string_view c : candidates) message += " " + std::string(c);
    }
    return message;
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  // Named, so that help says "accord", not the path it was started by.
  CLI::App app{"accord: event schema registry and contract testing", "accord"};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("accord ") + ACCORD_VERSION);
  app.footer(accord::cli::kExitCodesHelp);
  accord::cli::Commands commands;
  accord::cli::RegisterValidate(app, commands);
  accord::cli::RegisterServe(app, commands);
  accord::cli::RegisterCheck(app, commands);
  accord::cli::RegisterDiff(app, commands);
  accord::cli::RegisterRegister(app, commands);
  accord::cli::RegisterDeprecate(app, commands);
  accord::cli::RegisterLs(app, commands);
  accord::cli::RegisterShow(app, commands);
  accord::cli::RegisterDescribe(app, commands);
  accord::cli::RegisterConfig(app, commands);
  accord::cli::RegisterInit(app, commands);
  accord::cli::RegisterTest(app, commands);
  accord::cli::RegisterPublish(app, commands);
  accord::cli::RegisterCanIDeploy(app, commands);
  accord::cli::RegisterDeployments(app, commands);
  accord::cli::RegisterKey(app, commands);
  accord::cli::RegisterStore(app, commands);
  accord::cli::RegisterExport(app, commands);
  accord::cli::RegisterImport(app, commands);
  accord::cli::RegisterWebhook(app, commands);
  accord::cli::RegisterLint(app, commands);
  accord::cli::RegisterAsyncApi(app, commands);
  accord::cli::RegisterCompletion(app, commands);
  if (argc == 1) {  // CLI11 would say only "A subcommand is required"
    std::string message = "accord: error: no command given\ncommands:";
    for (std::string_view n : SubcommandNames(app)) message += " " + std::string(n);
    message += "\nrun 'accord --help' for what each does\n";
    std::fputs(message.c_str(), stderr);
    return 2;
  }
  if (argc >= 2 && argv[1][0] != '-' && FindSubcommand(app, argv[1]) == nullptr) {
    return UnknownCommand(app, argv[1]);
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0 && argc >= 2) {
      int first = 0;
      if (const CLI::App* sub = NamedSubcommand(app, argc, argv, &first); sub != nullptr) {
        if (std::string unknown = UnknownOption(*sub, first, argc, argv); !unknown.empty()) {
          std::string name;  // "key new"
          for (int i = 1; i < first; ++i) name += (i == 1 ? "" : " ") + std::string(argv[i]);
          std::fprintf(stderr, "accord %s: error: %s\nrun 'accord %s --help' for its options\n",
                       name.c_str(), unknown.c_str(), name.c_str());
          return 2;
        }
      }
    }
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;  // usage errors exit 2
  }
  return commands.run ? commands.run() : 2;
}
