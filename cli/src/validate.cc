// accord validate: placeholder; the real command lands with the validator.
#include <iostream>

#include "commands.h"

namespace accord::cli {

void RegisterValidate(CLI::App& app, Commands& commands) {
  auto* sub = app.add_subcommand("validate", "Validate events against a JSON Schema");
  sub->callback([&commands]() {
    commands.run = []() {
      std::cerr << "accord validate: not built yet\n";
      return 2;
    };
  });
}

}  // namespace accord::cli
