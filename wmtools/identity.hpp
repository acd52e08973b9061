#pragma once
// A user and group to run a program as: the ids a child drops to (after its
// supplementary groups), resolved once from the names or numbers given.
//
// resolve_identity() is the one place that turns `user:`/`group:` settings
// and `wmexec --user USER[:GROUP]` into ids. It only reads the account
// databases (through `account_database`, so tests can fake them); dropping
// to the identity is the caller's job (wingmate's post-fork code, wmexec).

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
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

// -- account databases --------------------------------------------------------

/// One passwd entry.
struct user_entry {
  uid_t uid = 0;
  gid_t gid = 0;
  std::string name;
  std::string home;
};

/// One group entry.
struct group_entry {
  gid_t gid = 0;
  std::string name;
};

/// The passwd and group databases. Each lookup returns the entry, or nothing
/// with `error` left 0 when there is no such entry, or nothing with `error`
/// set to an errno value when the database could not be read.
class account_database {
public:
  virtual ~account_database() = default;
  virtual std::optional<user_entry> user_by_name(const std::string& name, int& error) const = 0;
  virtual std::optional<user_entry> user_by_id(uid_t uid, int& error) const = 0;
  virtual std::optional<group_entry> group_by_name(const std::string& name, int& error) const = 0;
  /// `primary` followed by every group that lists `user` as a member.
  virtual std::vector<gid_t> groups_of(const std::string& user, gid_t primary,
                                       int& error) const = 0;
  /// The real user id of the calling process.
  virtual uid_t current_user_id() const = 0;
};

/// The system's databases through NSS (getpwnam_r, getgrnam_r,
/// getgrouplist); safe to use from several threads.
const account_database& system_accounts();

// -- resolution ---------------------------------------------------------------

/// An identity, or a message saying why there is none.
struct identity_result {
  std::optional<identity> value;
  /// Set when there is no value: "unknown user 'foo'", "unknown group 'bar'".
  std::string error;

  explicit operator bool() const { return value.has_value(); }
};

/// Resolves a user and a group, each a name or a number (all digits), into
/// the identity to run as:
/// - uid: the user's; an empty `user` means the calling process's real user.
/// - gid: `group` when given, else the user's primary group; for a numeric
///   uid with no passwd entry, the same number (never a silent 0).
/// - groups: the gid plus every group listing the user as a member
///   (getgrouplist); just the gid for a uid with no passwd entry.
/// - user_name, home: from the passwd entry when there is one.
/// Errors name what failed: "unknown user 'foo'", "unknown group 'bar'",
/// "user id 4294967295 is out of range", "cannot look up user 'x': ...".
identity_result resolve_identity(std::string_view user, std::string_view group,
                                 const account_database& accounts = system_accounts());

/// The two halves of "USER[:GROUP]" as given on a command line.
struct user_group_spec {
  std::string user;
  std::string group; ///< empty: the user's primary group
};

/// Splits "USER[:GROUP]". Returns nothing with `error` set for an empty user
/// (":staff"), an empty group after the colon ("www:") or a second colon.
std::optional<user_group_spec> parse_user_group(std::string_view text, std::string& error);

} // namespace wm
