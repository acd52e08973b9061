#pragma once
// Looking up the `user` and `group` of every service and cron job when the
// config is loaded, so a child never starts before wingmate knows whom it
// runs as. An entry whose user or group cannot be had (unknown, or wingmate
// is not root and so cannot switch) becomes fatal with the reason: it never
// runs, and in particular never as root, while everything else runs.

#include "main/config.hpp"
#include "wmtools/identity.hpp"

namespace wm {

/// Sets `run.run_as` of each entry with a user or group, or its
/// `fatal_reason`. Entries already fatal are left as they are.
void resolve_identities(loaded_config& config,
                        const account_database& accounts = system_accounts());

} // namespace wm
