#include "actors/status_dump.hpp"

#include <caf/all.hpp>

#include "actors/guards.hpp"
#include "actors/logging.hpp"
#include "actors/os/atomic_file.hpp"
#include "messages/duration.hpp"
#include "messages/messages.hpp"
#include "messages/status_document.hpp"

namespace wm {

namespace {

struct status_dump_state {
  status_dump_request request;
  std::size_t awaited = 0;
  std::size_t unanswered_services = 0;
  steady_time began;
  log::logger log{"status"};

  static inline const char* name = "status-dump";
};

using status_dump_actor = caf::stateful_actor<status_dump_state>;

std::string why_no_answer(const caf::error& err, std::chrono::milliseconds deadline) {
  if (err == caf::sec::request_timeout)
    return "no reply in time (" + format_duration(deadline) + ")";
  if (err == caf::sec::request_receiver_down)
    return "no reply: its actor has ended";
  return "no reply: " + caf::to_string(err);
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "2.4 ms": dumps take milliseconds, below what format_duration() shows.
std::string in_milliseconds(std::chrono::steady_clock::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return fmt::format("{:.1f} ms", static_cast<double>(us) / 1000.0);
}

void write_document(status_dump_actor* self) {
  auto& st = self->state;
  auto& snapshot = st.request.snapshot;
  snapshot.taken_at = std::chrono::system_clock::now();
  const std::string text = status_text(snapshot);
  const std::string error = os::write_file_atomically(st.request.file, text);
  const std::string took = in_milliseconds(std::chrono::steady_clock::now() - st.began);
  const std::string what = "status #" + std::to_string(snapshot.wingmate.sequence) + " ("
                           + plural(snapshot.services.size(), "service") + ", "
                           + plural(snapshot.cron_jobs.size(), "cron job") + ")";
  if (!error.empty()) {
    st.log.error("{}; {} is not written. Set WINGMATE_STATUS_FILE to a file in a writable "
                 "directory",
                 error, what);
  } else if (st.unanswered_services > 0 || !snapshot.errors.empty()) {
    st.log.warning("wrote {} to {} in {}; {} did not answer and show as unknown",
                   what, st.request.file.string(), took,
                   plural(st.unanswered_services + snapshot.errors.size(), "actor"));
  } else {
    st.log.info("wrote {} to {} in {}", what, st.request.file.string(), took);
  }
}

void answered(status_dump_actor* self) {
  if (--self->state.awaited > 0)
    return;
  write_document(self);
  self->quit();
}

void ask_service(status_dump_actor* self, std::size_t index) {
  auto& st = self->state;
  const auto& actor = st.request.service_actors[index];
  if (!actor) {
    st.request.snapshot.services[index].error = "no actor supervises it right now";
    ++st.unanswered_services;
    return;
  }
  ++st.awaited;
  self->request(actor, st.request.deadline, status_atom_v)
    .then(
      [self, index](service_status& status) {
        self->state.request.snapshot.services[index] = std::move(status);
        answered(self);
      },
      [self, index](const caf::error& err) {
        auto& s = self->state;
        s.request.snapshot.services[index].error = why_no_answer(err, s.request.deadline);
        ++s.unanswered_services;
        answered(self);
      });
}

void ask_reaper(status_dump_actor* self) {
  auto& st = self->state;
  ++st.awaited;
  self->request(st.request.reaper, st.request.deadline, status_atom_v)
    .then(
      [self](std::uint64_t orphans) {
        self->state.request.snapshot.wingmate.orphans_reaped = orphans;
        answered(self);
      },
      [self](const caf::error& err) {
        auto& s = self->state;
        s.request.snapshot.errors.push_back("orphans_reaped unknown: the reaper gave "
                                            + why_no_answer(err, s.request.deadline));
        answered(self);
      });
}

void ask_cron_clock(status_dump_actor* self) {
  auto& st = self->state;
  ++st.awaited;
  self->request(st.request.cron_clock, st.request.deadline, status_atom_v)
    .then(
      [self](std::vector<cron_status>& jobs) {
        self->state.request.snapshot.cron_jobs = std::move(jobs);
        answered(self);
      },
      [self](const caf::error& err) {
        auto& s = self->state;
        s.request.snapshot.errors.push_back("cron jobs unknown: the cron clock gave "
                                            + why_no_answer(err, s.request.deadline));
        answered(self);
      });
}

caf::behavior status_dump_behavior(status_dump_actor* self, status_dump_request request) {
  auto& st = self->state;
  install_guards(self, st.log);
  st.began = std::chrono::steady_clock::now();
  st.request = std::move(request);
  // The reaper is asked first and always, so at least one answer is awaited
  // and the document is written from an answer's handler.
  ask_reaper(self);
  if (st.request.cron_clock)
    ask_cron_clock(self);
  for (std::size_t i = 0; i < st.request.snapshot.services.size(); ++i)
    ask_service(self, i);
  // No handlers of its own: it lives for the answers it awaits.
  return {};
}

} // namespace

caf::actor spawn_status_dump(caf::local_actor* supervisor, status_dump_request request) {
  return supervisor->spawn<caf::detached + caf::monitored>(status_dump_behavior,
                                                            std::move(request));
}

} // namespace wm
