// wmexec: run a command as another user and group, and/or as a session
// leader, in place of wmexec itself. Usage, exit codes and signals are in
// wmexec_cli.cpp (--help) and wmtools/README.md.

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "wmtools/identity.hpp"
#include "wmtools/wmexec_cli.hpp"
#include "wmtools/wmexec_steps.hpp"

namespace {

int fail(const std::string& message) {
  std::cerr << "wmexec: " << message << "\n";
  return wm::wmexec_exit::own_error;
}

std::string describe(const wm::user_group_spec& spec) {
  return "'" + spec.user + (spec.group.empty() ? "" : ":" + spec.group) + "'";
}

} // namespace

int main(int argc, char** argv) {
  auto cli = wm::parse_wmexec_command_line(argc, argv);
  std::cout << cli.out << std::flush;
  std::cerr << cli.err << std::flush;
  if (!cli.run)
    return cli.exit_code;
  const wm::wmexec_options& options = *cli.run;

  if (options.user) {
    auto resolved = wm::resolve_identity(options.user->user, options.user->group);
    if (!resolved)
      return fail("cannot run as " + describe(*options.user) + ": " + resolved.error
                  + "; check the name or give a numeric id");
    if (auto error = wm::wmexec::switch_identity(*resolved.value))
      return fail("cannot run as " + describe(*options.user) + ": " + *error);
    wm::wmexec::set_identity_environment(*resolved.value);
  }

  if (options.new_session && ::setsid() < 0) {
    // EPERM: we lead our process group (a service's main process does), so
    // only a child can start a session.
    if (errno != EPERM)
      return fail(std::string("cannot start a new session: ") + std::strerror(errno));
    return wm::wmexec::run_in_new_session(options.command);
  }

  std::fflush(nullptr);
  return wm::wmexec::exec_command(options.command);
}
