// User and group resolution: names, numbers, missing entries, database
// errors (against a fake database), plus a few checks against the real one.

#include <gtest/gtest.h>

#include <cerrno>
#include <map>

#include "fake_accounts.hpp"
#include "wmtools/identity.hpp"

namespace wm {
namespace {

identity resolved(std::string_view user, std::string_view group, const fake_accounts& db) {
  auto result = resolve_identity(user, group, db);
  EXPECT_TRUE(result) << result.error;
  return result.value.value_or(identity{});
}

std::string error_of(std::string_view user, std::string_view group, const fake_accounts& db) {
  auto result = resolve_identity(user, group, db);
  EXPECT_FALSE(result);
  return result.error;
}

TEST(ResolveIdentity, UserNameGivesPrimaryGroupMembershipsAndHome) {
  fake_accounts db;
  identity id = resolved("alice", "", db);
  EXPECT_EQ(id.uid, 1000u);
  EXPECT_EQ(id.gid, 1000u);
  EXPECT_EQ(id.groups, (std::vector<gid_t>{1000, 50, 999}));
  EXPECT_EQ(id.user_name, "alice");
  EXPECT_EQ(id.home, "/home/alice");
}

TEST(ResolveIdentity, GroupNameReplacesThePrimaryGroup) {
  fake_accounts db;
  identity id = resolved("alice", "staff", db);
  EXPECT_EQ(id.uid, 1000u);
  EXPECT_EQ(id.gid, 50u);
  EXPECT_EQ(id.groups, (std::vector<gid_t>{50, 999}));
}

TEST(ResolveIdentity, NumericUserWithEntryIsLikeItsName) {
  fake_accounts db;
  EXPECT_EQ(resolved("1000", "", db), resolved("alice", "", db));
}

TEST(ResolveIdentity, NumericUserWithoutEntryUsesTheSameNumberAsGroup) {
  fake_accounts db;
  identity id = resolved("4242", "", db);
  EXPECT_EQ(id.uid, 4242u);
  EXPECT_EQ(id.gid, 4242u); // never a silent 0
  EXPECT_EQ(id.groups, (std::vector<gid_t>{4242}));
  EXPECT_TRUE(id.user_name.empty());
  EXPECT_TRUE(id.home.empty());
}

TEST(ResolveIdentity, NumericUserAndGroupWithoutEntries) {
  fake_accounts db;
  identity id = resolved("4242", "4343", db);
  EXPECT_EQ(id.uid, 4242u);
  EXPECT_EQ(id.gid, 4343u);
  EXPECT_EQ(id.groups, (std::vector<gid_t>{4343}));
}

TEST(ResolveIdentity, NumericUserWithNamedGroup) {
  fake_accounts db;
  identity id = resolved("4242", "staff", db);
  EXPECT_EQ(id.gid, 50u);
  EXPECT_EQ(id.groups, (std::vector<gid_t>{50}));
}

TEST(ResolveIdentity, ExplicitPrimaryGroupZeroIsKept) {
  // Group 0 from the passwd entry is what the administrator wrote down.
  fake_accounts db;
  identity id = resolved("svc", "", db);
  EXPECT_EQ(id.uid, 2000u);
  EXPECT_EQ(id.gid, 0u);
}

TEST(ResolveIdentity, RootKeepsNoOtherGroups) {
  fake_accounts db;
  identity id = resolved("root", "", db);
  EXPECT_EQ(id.uid, 0u);
  EXPECT_EQ(id.groups, (std::vector<gid_t>{0}));
}

TEST(ResolveIdentity, EmptyUserMeansTheCurrentUser) {
  fake_accounts db;
  db.current = 1000;
  identity id = resolved("", "staff", db);
  EXPECT_EQ(id.uid, 1000u);
  EXPECT_EQ(id.gid, 50u);
  EXPECT_EQ(id.user_name, "alice");
}

TEST(ResolveIdentity, NamesMissingEntries) {
  fake_accounts db;
  EXPECT_EQ(error_of("foo", "", db), "unknown user 'foo'");
  EXPECT_EQ(error_of("alice", "bar", db), "unknown group 'bar'");
  EXPECT_EQ(error_of("12abc", "", db), "unknown user '12abc'");
  EXPECT_EQ(error_of("-1", "", db), "unknown user '-1'");
}

TEST(ResolveIdentity, RefusesIdsOutOfRange) {
  fake_accounts db;
  // 4294967295 is (uid_t)-1, which set*id(2) reads as "leave unchanged".
  EXPECT_EQ(error_of("4294967295", "", db), "user id 4294967295 is out of range");
  EXPECT_EQ(error_of("99999999999999999999", "", db),
            "user id 99999999999999999999 is out of range");
  EXPECT_EQ(error_of("alice", "4294967295", db), "group id 4294967295 is out of range");
  EXPECT_EQ(resolved("4294967294", "", db).uid, 4294967294u);
}

TEST(ResolveIdentity, ReportsDatabaseFailures) {
  fake_accounts db;
  db.failure = EIO;
  EXPECT_EQ(error_of("alice", "", db).rfind("cannot look up user 'alice': ", 0), 0u);
  EXPECT_EQ(error_of("4242", "", db).rfind("cannot look up user '4242': ", 0), 0u);
}

TEST(ResolveIdentity, NeedsAUserOrAGroup) {
  fake_accounts db;
  EXPECT_FALSE(resolve_identity("", "", db));
}

TEST(ResolveIdentity, SystemDatabaseKnowsRootAndNobody) {
  auto root = resolve_identity("root", "");
  ASSERT_TRUE(root) << root.error;
  EXPECT_EQ(root.value->uid, 0u);
  EXPECT_EQ(root.value->gid, 0u);
  EXPECT_EQ(root.value->user_name, "root");
  EXPECT_FALSE(root.value->groups.empty());
  EXPECT_EQ(root.value->groups.front(), 0u);

  auto nobody = resolve_identity("nobody", "");
  ASSERT_TRUE(nobody) << nobody.error;
  EXPECT_EQ(nobody.value->uid, 65534u);
  EXPECT_NE(nobody.value->gid, 0u);
  EXPECT_EQ(nobody.value->groups.front(), nobody.value->gid);
}

TEST(ResolveIdentity, SystemDatabaseNamesUnknownEntries) {
  EXPECT_EQ(resolve_identity("wm-no-such-user-x", "").error, "unknown user 'wm-no-such-user-x'");
  EXPECT_EQ(resolve_identity("root", "wm-no-such-group-x").error,
            "unknown group 'wm-no-such-group-x'");
  auto numeric = resolve_identity("4242", "");
  ASSERT_TRUE(numeric);
  EXPECT_EQ(numeric.value->gid, 4242u);
  EXPECT_EQ(numeric.value->groups, (std::vector<gid_t>{4242}));
}

TEST(ParseUserGroup, SplitsAtTheColon) {
  std::string error;
  auto both = parse_user_group("www:staff", error);
  ASSERT_TRUE(both);
  EXPECT_EQ(both->user, "www");
  EXPECT_EQ(both->group, "staff");
  auto user_only = parse_user_group("1000", error);
  ASSERT_TRUE(user_only);
  EXPECT_EQ(user_only->user, "1000");
  EXPECT_EQ(user_only->group, "");
}

TEST(ParseUserGroup, RefusesMalformedSpecs) {
  for (const char* bad : {"", ":staff", "www:", "a:b:c"}) {
    std::string error;
    EXPECT_FALSE(parse_user_group(bad, error)) << bad;
    EXPECT_NE(error.find(std::string("'") + bad + "'"), std::string::npos) << error;
  }
}

} // namespace
} // namespace wm
