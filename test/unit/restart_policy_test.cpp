#include "messages/restart_policy.hpp"

#include <gtest/gtest.h>

#include <csignal>

namespace wm {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DoublesFromTheInitialDelayUpToTheCap) {
  backoff_settings s;
  EXPECT_EQ(backoff_delay(s, 0), 0ms);
  EXPECT_EQ(backoff_delay(s, 1), 100ms);
  EXPECT_EQ(backoff_delay(s, 2), 200ms);
  EXPECT_EQ(backoff_delay(s, 3), 400ms);
  EXPECT_EQ(backoff_delay(s, 9), 25600ms);
  EXPECT_EQ(backoff_delay(s, 10), 30000ms);
  EXPECT_EQ(backoff_delay(s, 1000000), 30000ms);
}

TEST(Backoff, HonoursOtherSettings) {
  backoff_settings s{250ms, 2000ms, 3.0};
  EXPECT_EQ(backoff_delay(s, 1), 250ms);
  EXPECT_EQ(backoff_delay(s, 2), 750ms);
  EXPECT_EQ(backoff_delay(s, 3), 2000ms);
  backoff_settings flat{500ms, 10s, 1.0};
  EXPECT_EQ(backoff_delay(flat, 7), 500ms);
}

TEST(RestartMode, DecidesByExit) {
  EXPECT_TRUE(wants_restart(restart_mode::always, exit_status::exited(0)));
  EXPECT_FALSE(wants_restart(restart_mode::on_failure, exit_status::exited(0)));
  EXPECT_TRUE(wants_restart(restart_mode::on_failure, exit_status::exited(1)));
  EXPECT_TRUE(wants_restart(restart_mode::on_failure, exit_status::killed(SIGTERM)));
  EXPECT_FALSE(wants_restart(restart_mode::never, exit_status::exited(1)));
}

TEST(RestartMode, ParsesAndPrints) {
  EXPECT_EQ(parse_restart_mode("on-failure"), restart_mode::on_failure);
  EXPECT_EQ(parse_restart_mode("always"), restart_mode::always);
  EXPECT_EQ(parse_restart_mode("never"), restart_mode::never);
  EXPECT_FALSE(parse_restart_mode("sometimes"));
  EXPECT_EQ(to_string(restart_mode::on_failure), "on-failure");
  EXPECT_EQ(parse_fatal_action("shutdown"), fatal_action::shutdown);
  EXPECT_FALSE(parse_fatal_action("explode"));
}

TEST(RestartBudget, UnlimitedWhenZero) {
  restart_budget budget{0, 60s};
  auto t = std::chrono::steady_clock::time_point{};
  for (int i = 0; i < 1000; ++i)
    EXPECT_TRUE(budget.try_spend(t));
}

TEST(RestartBudget, RefusesTheOneTooManyWithinTheWindow) {
  restart_budget budget{3, 60s};
  auto t = std::chrono::steady_clock::time_point{} + 1000s;
  EXPECT_TRUE(budget.try_spend(t));
  EXPECT_TRUE(budget.try_spend(t + 10s));
  EXPECT_TRUE(budget.try_spend(t + 20s));
  EXPECT_FALSE(budget.try_spend(t + 30s));
  EXPECT_EQ(budget.spent(t + 30s), 3u);
  // The first restart leaves the window at t + 60 s.
  EXPECT_TRUE(budget.try_spend(t + 61s));
}

} // namespace
} // namespace wm
