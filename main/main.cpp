// wingmate: init and process supervisor for containers.

#include <iostream>

#include "main/cli.hpp"
#include "main/run.hpp"

int main(int argc, char** argv) {
  auto outcome = wm::parse_command_line(argc, argv, std::cout, std::cerr);
  if (outcome.subcommand)
    return outcome.subcommand();
  if (!outcome.run)
    return outcome.exit_code;
  return wm::run(*outcome.run);
}
