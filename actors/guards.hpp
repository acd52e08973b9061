#pragma once
// Makes an actor robust against what CAF would otherwise handle by printing
// to stdout (the container's log) or by killing the actor: unexpected
// messages, error replies, down messages nobody asked about, and exceptions.
// Every wingmate actor installs these first thing.

#include <caf/fwd.hpp>

#include "actors/logging.hpp"

namespace wm {

/// Unexpected messages and errors are logged as warnings and dropped; an
/// exception is logged as an error and ends the actor (its supervisor
/// notices and replaces it). Down messages are logged at debug level unless
/// the actor installs its own handler afterwards.
void install_guards(caf::scheduled_actor* self, const log::logger& log);

} // namespace wm
