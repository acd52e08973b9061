// wmexec: dropping to another user and group (see wmexec_steps.hpp).

#include <grp.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "wmtools/wmexec_steps.hpp"

namespace wm::wmexec {

namespace {

std::string join_ids(const std::vector<gid_t>& ids) {
  std::string text;
  for (gid_t id : ids) {
    if (!text.empty())
      text += ',';
    text += std::to_string(id);
  }
  return text;
}

std::string step_failed(const std::string& step, int error) {
  std::string message = "cannot " + step + ": " + std::strerror(error);
  if (error == EPERM && ::geteuid() != 0)
    message += " (wmexec runs as uid " + std::to_string(::geteuid())
               + "; only root can switch users)";
  return message;
}

// After the switch every one of the real, effective and saved ids must be
// the target, and a way back to root must be closed: setuid(0) succeeding
// would mean capabilities survived the switch.
std::optional<std::string> verify_switch(const identity& id) {
  uid_t ruid = 0, euid = 0, suid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0;
  if (::getresuid(&ruid, &euid, &suid) < 0 || ::getresgid(&rgid, &egid, &sgid) < 0)
    return step_failed("read back the user and group ids", errno);
  if (ruid != id.uid || euid != id.uid || suid != id.uid)
    return "the user id is not " + std::to_string(id.uid) + " after switching to it";
  if (rgid != id.gid || egid != id.gid || sgid != id.gid)
    return "the group id is not " + std::to_string(id.gid) + " after switching to it";
  if (id.uid != 0 && (::setuid(0) == 0 || ::seteuid(0) == 0))
    return "root can still be regained after switching to uid " + std::to_string(id.uid)
           + "; refusing to run the command";
  if (id.uid != 0 && id.gid != 0 && (::setgid(0) == 0 || ::setegid(0) == 0))
    return "group 0 can still be regained after switching to gid " + std::to_string(id.gid)
           + "; refusing to run the command";
  return std::nullopt;
}

} // namespace

std::optional<std::string> switch_identity(const identity& id) {
  // Groups first, then the gid, then the uid: each step needs the privilege
  // that the next one gives up.
  if (::setgroups(id.groups.size(), id.groups.data()) < 0)
    return step_failed("set the supplementary groups to " + join_ids(id.groups), errno);
  if (::setresgid(id.gid, id.gid, id.gid) < 0)
    return step_failed("set the group id to " + std::to_string(id.gid), errno);
  if (::setresuid(id.uid, id.uid, id.uid) < 0)
    return step_failed("set the user id to " + std::to_string(id.uid), errno);
  return verify_switch(id);
}

void set_identity_environment(const identity& id) {
  if (!id.home.empty())
    ::setenv("HOME", id.home.c_str(), 1);
  if (!id.user_name.empty()) {
    ::setenv("USER", id.user_name.c_str(), 1);
    ::setenv("LOGNAME", id.user_name.c_str(), 1);
  }
}

} // namespace wm::wmexec
