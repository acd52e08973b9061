#pragma once
// Builds the status record of a service (messages/service_status.hpp) from
// its spec and its state machine. Pure: the caller passes both clocks'
// readings, so the steady times the machine keeps become wall-clock times
// in the record without a clock being read here.

#include "actors/service_machine.hpp"
#include "messages/service_spec.hpp"
#include "messages/service_status.hpp"

namespace wm {

/// What the spec alone says: name, source and policies, with no state (the
/// record of a service whose actor did not answer).
service_status status_from_spec(const service_spec& spec);

/// The whole record, as the service's actor answers a status query.
service_status status_of(const service_spec& spec, const service_machine& machine,
                         steady_time steady_now, system_time system_now);

} // namespace wm
