#pragma once
// Running wingmate: load the config, prepare the process, start the threads
// and actors, wait for the end, and return the exit code.

#include "main/cli.hpp"

namespace wm {

int run(const run_options& options);

} // namespace wm
