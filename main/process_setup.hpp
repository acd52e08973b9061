#pragma once
// What wingmate does to its own process before any thread starts.

#include <sys/resource.h>

#include <optional>

namespace wm {

/// Opens /dev/null on any of descriptors 0, 1 and 2 that is closed, so that
/// no pipe or file wingmate opens later can take their place.
void ensure_standard_descriptors();

/// Raises the soft descriptor limit to the hard one so that a thousand
/// services fit; returns the limit wingmate was started with (children get
/// that one back), or nothing when it did not need to change.
std::optional<rlimit> raise_descriptor_limit();

/// When not PID 1: become a child subreaper, so orphans of the services are
/// re-parented to wingmate and reaped. Returns false if the kernel refused.
bool become_subreaper();

} // namespace wm
