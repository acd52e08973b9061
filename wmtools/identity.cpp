// Resolving user and group names or numbers into an identity, and the
// system's account databases behind it (see identity.hpp for the contract).

#include "wmtools/identity.hpp"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>

namespace wm {

namespace {

// -- the system databases -----------------------------------------------------

constexpr std::size_t k_initial_buffer = 1024;
constexpr std::size_t k_max_buffer = 1 << 20;

// getpw*_r and getgr*_r report "no such entry" either as 0 or as one of these
// (see getpwnam_r(3)); only other codes are real read failures.
bool means_not_found(int rc) {
  return rc == 0 || rc == ENOENT || rc == ESRCH || rc == EBADF || rc == EPERM;
}

// Calls a reentrant lookup with a buffer that grows while it is too small.
template <class Entry, class Lookup>
bool reentrant_lookup(Lookup lookup, Entry& entry, std::string& buffer, int& error) {
  buffer.resize(k_initial_buffer);
  for (;;) {
    Entry* result = nullptr;
    int rc = lookup(&entry, buffer.data(), buffer.size(), &result);
    if (rc == ERANGE && buffer.size() < k_max_buffer) {
      buffer.resize(buffer.size() * 2);
      continue;
    }
    if (result)
      return true;
    error = means_not_found(rc) ? 0 : rc;
    return false;
  }
}

user_entry to_user_entry(const passwd& pw) {
  return user_entry{pw.pw_uid, pw.pw_gid, pw.pw_name ? pw.pw_name : "",
                    pw.pw_dir ? pw.pw_dir : ""};
}

class system_account_database final : public account_database {
public:
  std::optional<user_entry> user_by_name(const std::string& name, int& error) const override {
    error = 0;
    passwd pw{};
    std::string buffer;
    auto lookup = [&](passwd* out, char* buf, std::size_t size, passwd** result) {
      return ::getpwnam_r(name.c_str(), out, buf, size, result);
    };
    if (!reentrant_lookup(lookup, pw, buffer, error))
      return std::nullopt;
    return to_user_entry(pw);
  }

  std::optional<user_entry> user_by_id(uid_t uid, int& error) const override {
    error = 0;
    passwd pw{};
    std::string buffer;
    auto lookup = [&](passwd* out, char* buf, std::size_t size, passwd** result) {
      return ::getpwuid_r(uid, out, buf, size, result);
    };
    if (!reentrant_lookup(lookup, pw, buffer, error))
      return std::nullopt;
    return to_user_entry(pw);
  }

  std::optional<group_entry> group_by_name(const std::string& name, int& error) const override {
    error = 0;
    group gr{};
    std::string buffer;
    auto lookup = [&](group* out, char* buf, std::size_t size, group** result) {
      return ::getgrnam_r(name.c_str(), out, buf, size, result);
    };
    if (!reentrant_lookup(lookup, gr, buffer, error))
      return std::nullopt;
    return group_entry{gr.gr_gid, gr.gr_name ? gr.gr_name : ""};
  }

  std::vector<gid_t> groups_of(const std::string& user, gid_t primary, int& error) const override {
    error = 0;
    std::vector<gid_t> groups(32);
    for (;;) {
      int count = static_cast<int>(groups.size());
      if (::getgrouplist(user.c_str(), primary, groups.data(), &count) >= 0) {
        groups.resize(static_cast<std::size_t>(count));
        return groups;
      }
      // -1 means the array was too small and `count` now holds the size needed.
      if (static_cast<std::size_t>(count) <= groups.size()) {
        error = errno != 0 ? errno : EIO;
        return {};
      }
      groups.resize(static_cast<std::size_t>(count));
    }
  }

  uid_t current_user_id() const override { return ::getuid(); }
};

// -- resolution -----------------------------------------------------------------

// A user or group id written as digits only. The all-ones value is refused:
// set*id(2) reads it as "leave unchanged".
template <class Id>
std::optional<Id> parse_id(std::string_view text, bool& out_of_range) {
  out_of_range = false;
  if (text.empty() || text.find_first_not_of("0123456789") != std::string_view::npos)
    return std::nullopt;
  unsigned long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()
      || value >= std::numeric_limits<Id>::max()) {
    out_of_range = true;
    return std::nullopt;
  }
  return static_cast<Id>(value);
}

// Built by appending: g++ 12 warns falsely (-Wrestrict, GCC bug 105329)
// about "'" + std::string(...).
std::string quoted(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

std::string lookup_failure(const char* what, std::string_view name, int error) {
  return std::string("cannot look up ") + what + " " + quoted(name) + ": "
         + std::strerror(error);
}

identity_result failed(std::string message) {
  identity_result result;
  result.error = std::move(message);
  return result;
}

// The user part: an entry when the passwd database has one; else, for a
// number, just the id.
struct resolved_user {
  uid_t uid = 0;
  std::optional<user_entry> entry;
  std::string error;
};

resolved_user resolve_user(std::string_view user, const account_database& accounts) {
  resolved_user out;
  int error = 0;
  bool out_of_range = false;
  if (user.empty()) {
    out.uid = accounts.current_user_id();
    out.entry = accounts.user_by_id(out.uid, error);
  } else if (auto uid = parse_id<uid_t>(user, out_of_range)) {
    out.uid = *uid;
    out.entry = accounts.user_by_id(*uid, error);
  } else if (out_of_range) {
    out.error = "user id " + std::string(user) + " is out of range";
    return out;
  } else {
    out.entry = accounts.user_by_name(std::string(user), error);
    if (!out.entry && error == 0)
      out.error = "unknown user " + quoted(user);
    if (out.entry)
      out.uid = out.entry->uid;
  }
  if (error != 0)
    out.error = lookup_failure("user", user.empty() ? std::to_string(out.uid) : user, error);
  return out;
}

std::optional<gid_t> resolve_group(std::string_view group, const account_database& accounts,
                                   std::string& message) {
  bool out_of_range = false;
  if (auto gid = parse_id<gid_t>(group, out_of_range))
    return gid;
  if (out_of_range) {
    message = "group id " + std::string(group) + " is out of range";
    return std::nullopt;
  }
  int error = 0;
  auto entry = accounts.group_by_name(std::string(group), error);
  if (entry)
    return entry->gid;
  message = error != 0 ? lookup_failure("group", group, error) : "unknown group " + quoted(group);
  return std::nullopt;
}

} // namespace

const account_database& system_accounts() {
  static const system_account_database accounts;
  return accounts;
}

identity_result resolve_identity(std::string_view user, std::string_view group,
                                 const account_database& accounts) {
  if (user.empty() && group.empty())
    return failed("no user or group given to switch to");

  resolved_user who = resolve_user(user, accounts);
  if (!who.error.empty())
    return failed(who.error);

  identity id;
  id.uid = who.uid;
  if (!group.empty()) {
    std::string message;
    auto gid = resolve_group(group, accounts, message);
    if (!gid)
      return failed(message);
    id.gid = *gid;
  } else {
    // Without a passwd entry the uid doubles as the gid, so a numeric user
    // never ends up in group 0 by accident.
    id.gid = who.entry ? who.entry->gid : static_cast<gid_t>(who.uid);
  }

  if (who.entry) {
    id.user_name = who.entry->name;
    id.home = who.entry->home;
    int error = 0;
    id.groups = accounts.groups_of(id.user_name, id.gid, error);
    if (error != 0)
      return failed(lookup_failure("the groups of user", id.user_name, error));
  }
  if (id.groups.empty())
    id.groups.push_back(id.gid);
  return identity_result{std::move(id), {}};
}

std::optional<user_group_spec> parse_user_group(std::string_view text, std::string& error) {
  user_group_spec spec;
  auto colon = text.find(':');
  spec.user = std::string(text.substr(0, colon));
  if (colon != std::string_view::npos) {
    spec.group = std::string(text.substr(colon + 1));
    if (spec.group.empty()) {
      error = quoted(text) + " has a colon but no group after it";
      return std::nullopt;
    }
    if (spec.group.find(':') != std::string::npos) {
      error = quoted(text) + " has more than one colon; use USER or USER:GROUP";
      return std::nullopt;
    }
  }
  if (spec.user.empty()) {
    error = quoted(text) + " names no user; use USER or USER:GROUP";
    return std::nullopt;
  }
  return spec;
}

} // namespace wm
