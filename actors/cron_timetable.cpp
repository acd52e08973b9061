#include "actors/cron_timetable.hpp"

#include <algorithm>

namespace wm {

std::size_t cron_timetable::add(schedule when) {
  jobs_.push_back(entry{std::move(when), std::nullopt, std::nullopt});
  return jobs_.size() - 1;
}

void cron_timetable::start(wall_instant now) {
  const std::time_t now_s = whole_seconds(now);
  for (auto& e : jobs_) {
    e.next = e.when.next_after(now_s);
    e.last_due.reset();
  }
}

cron_timetable::outcome cron_timetable::advance(wall_instant now) {
  outcome out;
  take_due(now, out);
  return out;
}

cron_timetable::outcome cron_timetable::clock_changed(wall_instant now) {
  outcome out;
  take_due(now, out);
  const std::time_t now_s = whole_seconds(now);
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    auto& e = jobs_[i];
    const auto next = next_after_reference(e, now_s);
    if (next == e.next)
      continue;
    e.next = next;
    if (std::find(out.rescheduled.begin(), out.rescheduled.end(), i) == out.rescheduled.end())
      out.rescheduled.push_back(i);
  }
  return out;
}

std::optional<std::time_t> cron_timetable::next_wake() const {
  std::optional<std::time_t> earliest;
  for (const auto& e : jobs_)
    if (e.next && (!earliest || *e.next < *earliest))
      earliest = e.next;
  return earliest;
}

std::optional<std::time_t> cron_timetable::next_run(std::size_t job) const {
  return job < jobs_.size() ? jobs_[job].next : std::nullopt;
}

// After the clock went back a little, the search starts at the last run so
// that the times in between do not run a second time.
std::optional<std::time_t> cron_timetable::next_after_reference(const entry& e,
                                                                std::time_t now) const {
  std::time_t reference = now;
  const auto guard = std::chrono::duration_cast<std::chrono::seconds>(k_cron_repeat_guard);
  if (e.last_due && *e.last_due > now && *e.last_due - now <= guard.count())
    reference = *e.last_due;
  return e.when.next_after(reference);
}

void cron_timetable::take_due(wall_instant now, outcome& out) {
  const std::time_t now_s = whole_seconds(now);
  const auto on_time = [now](std::time_t due) {
    return to_wall_instant(due) <= now && now - to_wall_instant(due) < k_cron_late_limit;
  };
  for (std::size_t i = 0; i < jobs_.size(); ++i) {
    auto& e = jobs_[i];
    if (!e.next || to_wall_instant(*e.next) > now)
      continue;
    std::optional<std::time_t> to_fire;
    if (on_time(*e.next)) {
      to_fire = e.next;
    } else {
      out.missed.push_back({i, *e.next});
      // A later fire time may still be within the limit (a job every
      // minute, noticed 90 s late): that one runs. Fire times are whole
      // minutes apart, so at most one lies within the limit.
      const auto latest = e.when.next_after(now_s - k_cron_late_limit.count());
      if (latest && on_time(*latest))
        to_fire = latest;
    }
    if (to_fire)
      out.fire.push_back({i, *to_fire});
    e.last_due = to_fire ? to_fire : e.next;
    // Strictly after the current second, which is at or past every run
    // just taken: a run is never taken twice.
    e.next = e.when.next_after(now_s);
    out.rescheduled.push_back(i);
  }
}

} // namespace wm
