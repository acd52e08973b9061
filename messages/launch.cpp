#include "messages/launch.hpp"

#include <algorithm>

#include "messages/environment.hpp"

namespace wm {

namespace {

bool sets_key(const std::vector<std::string>& entries, const std::string& key) {
  const std::string prefix = key + "=";
  return std::any_of(entries.begin(), entries.end(),
                     [&](const std::string& e) { return e.starts_with(prefix); });
}

// A child that runs as another user must not find root's home and name in
// its environment: programs read HOME for their dot files.
std::vector<std::string> identity_environment(const identity& user,
                                              const std::vector<std::string>& environ) {
  std::vector<std::string> out;
  if (!user.home.empty() && !sets_key(environ, "HOME"))
    out.push_back("HOME=" + user.home);
  if (!user.user_name.empty()) {
    for (const char* key : {"USER", "LOGNAME"})
      if (!sets_key(environ, key))
        out.push_back(std::string(key) + "=" + user.user_name);
  }
  return out;
}

} // namespace

launch_spec make_launch_spec(const std::string& name, const command_spec& what,
                             std::vector<std::string> base_env) {
  launch_spec launch;
  launch.name = name;
  launch.argv = what.command;
  if (what.run_as)
    base_env = merge_environment(std::move(base_env),
                                 identity_environment(*what.run_as, what.environ));
  launch.env = merge_environment(std::move(base_env), what.environ);
  launch.working_dir = what.working_dir;
  launch.user = what.run_as;
  launch.new_session = what.setsid;
  return launch;
}

} // namespace wm
