#include "main/config_identity.hpp"

namespace wm {

namespace {

// Which setting an error from resolve_identity() is about.
const char* setting_of(const std::string& error, const command_spec& run) {
  const bool about_group = error.starts_with("unknown group") || error.starts_with("group id")
                           || error.starts_with("cannot look up group");
  return about_group || run.user.empty() ? "group" : "user";
}

std::string quoted(const std::string& text) {
  std::string out;
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

std::string who(const command_spec& run) {
  if (run.group.empty())
    return "user " + quoted(run.user);
  if (run.user.empty())
    return "group " + quoted(run.group);
  return "user " + quoted(run.user) + " and group " + quoted(run.group);
}

// The reason an entry cannot run as asked, or empty when it can (run_as is
// then set).
std::string resolve(const std::string& source, command_spec& run,
                    const account_database& accounts) {
  if (const uid_t self = accounts.current_user_id(); self != 0)
    return "wingmate runs as uid " + std::to_string(self) + ", not as root, so it cannot "
           "switch to " + who(run) + " (" + source + "); run wingmate as root, or remove "
           "user and group";
  auto resolved = resolve_identity(run.user, run.group, accounts);
  if (!resolved)
    return resolved.error + " (" + source + "." + setting_of(resolved.error, run)
           + "); add it to the image or change the setting";
  run.run_as = std::move(resolved.value);
  return {};
}

template <class Spec>
void resolve_all(std::vector<Spec>& specs, const account_database& accounts) {
  for (auto& spec : specs) {
    if (!spec.fatal_reason.empty() || (spec.run.user.empty() && spec.run.group.empty()))
      continue;
    spec.fatal_reason = resolve(spec.source, spec.run, accounts);
  }
}

} // namespace

void resolve_identities(loaded_config& config, const account_database& accounts) {
  resolve_all(config.services, accounts);
  resolve_all(config.crons, accounts);
}

} // namespace wm
