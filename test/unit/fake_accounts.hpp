#pragma once
// A small passwd and group database in memory, for tests of everything that
// resolves users and groups (identity, config loading).

#include <map>
#include <string>
#include <vector>

#include "wmtools/identity.hpp"

namespace wm {

// A small passwd/group database in memory.
class fake_accounts : public account_database {
public:
  std::map<std::string, user_entry> users;
  std::map<std::string, group_entry> groups;
  /// user name -> groups that list the user as a member
  std::map<std::string, std::vector<gid_t>> memberships;
  uid_t current = 0;
  int failure = 0; // errno every lookup reports when set

  fake_accounts() {
    users["root"] = {0, 0, "root", "/root"};
    users["alice"] = {1000, 1000, "alice", "/home/alice"};
    users["svc"] = {2000, 0, "svc", "/srv"}; // primary group 0, on purpose
    groups["root"] = {0, "root"};
    groups["alice"] = {1000, "alice"};
    groups["staff"] = {50, "staff"};
    groups["docker"] = {999, "docker"};
    memberships["alice"] = {50, 999};
  }

  std::optional<user_entry> user_by_name(const std::string& name, int& error) const override {
    error = failure;
    auto it = users.find(name);
    if (failure || it == users.end())
      return std::nullopt;
    return it->second;
  }
  std::optional<user_entry> user_by_id(uid_t uid, int& error) const override {
    error = failure;
    for (const auto& [name, entry] : users)
      if (!failure && entry.uid == uid)
        return entry;
    return std::nullopt;
  }
  std::optional<group_entry> group_by_name(const std::string& name, int& error) const override {
    error = failure;
    auto it = groups.find(name);
    if (failure || it == groups.end())
      return std::nullopt;
    return it->second;
  }
  std::vector<gid_t> groups_of(const std::string& user, gid_t primary, int& error) const override {
    error = failure;
    std::vector<gid_t> list{primary};
    if (auto it = memberships.find(user); it != memberships.end())
      for (gid_t gid : it->second)
        if (gid != primary)
          list.push_back(gid);
    return list;
  }
  uid_t current_user_id() const override { return current; }
};

} // namespace wm
