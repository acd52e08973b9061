#pragma once
// The states a service goes through (see actors/service_machine.hpp for the
// transitions). A value type of its own so that status records and their
// rendering can name a state without depending on the machine.

#include <string_view>

namespace wm {

enum class service_state { stopped, starting, running, backoff, stopping, exited, fatal };

/// "stopped", "starting", ...: the words the logs and the status file use.
std::string_view to_string(service_state state);

} // namespace wm
