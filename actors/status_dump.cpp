#include "actors/status_dump.hpp"

#include <caf/all.hpp>

#include "actors/cron_status_of.hpp"
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

// Renders and writes one document, and logs how it went.
bool write_document(status_write_job& job, const log::logger& log) {
  auto& snapshot = job.snapshot;
  snapshot.taken_at = std::chrono::system_clock::now();
  const std::string text = status_text(snapshot);
  const std::string error = os::write_file_atomically(job.file, text);
  const std::string took = in_milliseconds(std::chrono::steady_clock::now() - job.began);
  const std::string what = "status #" + std::to_string(snapshot.wingmate.sequence) + " ("
                           + plural(snapshot.services.size(), "service") + ", "
                           + plural(snapshot.cron_jobs.size(), "cron job") + ")";
  if (!error.empty()) {
    log.error("cannot write {} to {}: {}; the file keeps the document written before it, and "
              "the next SIGUSR1 tries again. Free space or make the directory writable, or "
              "set WINGMATE_STATUS_FILE to a file elsewhere",
              what, job.file.string(), error);
    return false;
  }
  if (job.unanswered_services > 0 || !snapshot.errors.empty())
    log.warning("wrote {} to {} in {}; {} did not answer and show as unknown", what,
                job.file.string(), took,
                plural(job.unanswered_services + snapshot.errors.size(), "actor"));
  else
    log.info("wrote {} to {} in {}", what, job.file.string(), took);
  return true;
}

// Every answer is in: the writer takes the document, and the dump ends when
// it is written (or when the writer cannot take it).
void hand_over(status_dump_actor* self) {
  auto& st = self->state;
  status_write_job job{std::move(st.request.snapshot), st.request.file, st.began,
                       st.unanswered_services};
  if (!st.request.writer) {
    write_document(job, st.log);
    self->quit();
    return;
  }
  const auto sequence = job.snapshot.wingmate.sequence;
  // cppcheck-suppress accessMoved ; false: `job` is only moved here, and read nowhere after
  self->request(st.request.writer, caf::infinite, status_write_atom_v, std::move(job))
    .then([self](bool) { self->quit(); },
          [self, sequence](const caf::error& err) {
            self->state.log.error("cannot write status #{}: the status writer did not take "
                                  "it ({})",
                                  sequence, caf::to_string(err));
            self->quit();
          });
}

void answered(status_dump_actor* self) {
  if (--self->state.awaited > 0)
    return;
  hand_over(self);
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

void ask_cron_job(status_dump_actor* self, std::size_t index) {
  auto& st = self->state;
  const auto& actor = st.request.cron_actors[index];
  if (!actor) {
    st.request.snapshot.errors.push_back("cron job " + st.request.snapshot.cron_jobs[index].name
                                         + ": no actor runs it right now");
    return;
  }
  ++st.awaited;
  self->request(actor, st.request.deadline, cron_state_atom_v)
    .then(
      [self, index](const cron_job_state& state) {
        auto& s = self->state;
        auto& job = s.request.snapshot.cron_jobs[index];
        job = with_cron_state(std::move(job), state, s.request.snapshot.wingmate.stopping);
        answered(self);
      },
      [self, index](const caf::error& err) {
        auto& s = self->state;
        s.request.snapshot.errors.push_back("cron job " + s.request.snapshot.cron_jobs[index].name
                                            + " unknown: "
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
  for (std::size_t i = 0; i < st.request.snapshot.cron_jobs.size(); ++i)
    ask_cron_job(self, i);
  for (std::size_t i = 0; i < st.request.snapshot.services.size(); ++i)
    ask_service(self, i);
  // No handlers of its own: it lives for the answers it awaits.
  return {};
}

struct status_writer_state {
  log::logger log{"status"};

  static inline const char* name = "status-writer";
};

using status_writer_actor = caf::stateful_actor<status_writer_state>;

caf::behavior status_writer_behavior(status_writer_actor* self, const caf::actor& owner) {
  install_guards(self, self->state.log);
  if (owner) {
    self->monitor(owner);
    self->set_down_handler([self](caf::scheduled_actor*, const caf::down_msg&) { self->quit(); });
  }
  return {
    [self](status_write_atom, status_write_job& job) {
      // An exception must not end the one writer there is: no new thread
      // may be available to replace it.
      try {
        return write_document(job, self->state.log);
      } catch (const std::exception& e) {
        self->state.log.error("cannot write status #{}: {}", job.snapshot.wingmate.sequence,
                              e.what());
        return false;
      }
    },
  };
}

} // namespace

caf::actor spawn_status_dump(caf::local_actor* supervisor, status_dump_request request) {
  return supervisor->spawn<caf::monitored>(status_dump_behavior, std::move(request));
}

caf::actor spawn_status_writer(caf::actor_system& system, const caf::actor& owner) {
  return system.spawn<caf::detached>(status_writer_behavior, owner);
}

} // namespace wm
