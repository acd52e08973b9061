#pragma once
// A user and group to run a program as: the ids a child drops to (after its
// supplementary groups), resolved once from the names or numbers given.

#include <sys/types.h>

#include <string>
#include <vector>

namespace wm {

struct identity {
  uid_t uid = 0;
  gid_t gid = 0;
  /// The complete supplementary group list the child gets (never root's).
  std::vector<gid_t> groups;
  /// The user's name and home directory when the passwd database knows them.
  std::string user_name;
  std::string home;

  friend bool operator==(const identity&, const identity&) = default;
};

} // namespace wm
