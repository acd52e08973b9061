#include "main/run.hpp"

#include <unistd.h>

#include <caf/all.hpp>
#include <cstdlib>

#include "actors/io_bridge.hpp"
#include "actors/reaper.hpp"
#include "actors/signal_bridge.hpp"
#include "actors/supervisor.hpp"
#include "main/config.hpp"
#include "main/process_setup.hpp"
#include "main/status_location.hpp"
#include "main/test_clock.hpp"
#include "messages/messages.hpp"

namespace wm {

namespace {

// How long lines still in the children's pipes may take to be written out
// once every process has ended.
constexpr std::chrono::milliseconds k_output_drain{500};

// CAF's default scheduler polls; an init must sleep when idle. Two workers
// behind one queue wake only for work (see the CAF notes).
void configure_caf(caf::actor_system_config& cfg) {
  cfg.set("scheduler.policy", caf::atom("sharing"));
  cfg.set("scheduler.max-threads", 2);
  cfg.add_message_types<caf::id_block::wingmate>();
}

// Claims the place for the status file and writes the pid file there.
status_location claim_status_files(const log::logger& log) {
  const auto configured = configured_status_paths(std::getenv("WINGMATE_STATUS_FILE"));
  const auto fallback = fallback_status_paths(configured, std::getenv("TMPDIR"), ::geteuid());
  auto where = claim_status_location(configured, fallback, ::getpid());
  if (!where.note.empty())
    log.warning("{}", where.note);
  return where;
}

status_settings status_settings_for(const loaded_config& config, const status_location& where) {
  status_settings status;
  status.version = WINGMATE_VERSION;
  status.config_dir = config.dir.string();
  status.file = where.paths.status_file;
  if (status.file.empty())
    status.unusable = where.note;
  return status;
}

// "2 services", "3 cron jobs", "1 service and 2 cron jobs".
std::string what_runs(const loaded_config& config) {
  auto count = [](std::size_t n, const char* thing) {
    return std::to_string(n) + " " + thing + (n == 1 ? "" : "s");
  };
  std::string services = count(config.services.size(), "service");
  if (config.crons.empty())
    return services;
  const std::string crons = count(config.crons.size(), "cron job");
  return config.services.empty() ? crons : services + " and " + crons;
}

int supervise(const loaded_config& config, std::optional<rlimit> original_nofile,
              status_settings status, const log::logger& log) {
  io_bridge io;
  io.start();
  auto cron_clock = test_clock_from_environment(io, log); // null: the machine's clock
  caf::actor_system_config cfg;
  configure_caf(cfg);
  caf::actor_system system{cfg};
  int code = exit_code::internal_failure;
  {
    auto reaper = spawn_reaper(system, io, original_nofile);
    auto supervisor = spawn_supervisor(system,
                                       supervisor_config{.services = config.services,
                                                         .io = &io,
                                                         .original_nofile = original_nofile,
                                                         .crons = config.crons,
                                                         .clock = std::move(cron_clock),
                                                         .status = std::move(status)},
                                       reaper);
    signal_bridge signals{system, supervisor};
    signals.start();

    caf::scoped_actor self{system};
    self->request(supervisor, caf::infinite, run_atom_v)
      .receive([&](int result) { code = result; },
               [&](const caf::error& err) {
                 // Its actors were never told to stop, and the actor system
                 // would wait for them forever: end at once instead. As PID 1
                 // that also ends every process of the container.
                 log.error("internal failure: the supervisor ended ({}); wingmate exits at "
                           "once with code {}",
                           caf::to_string(err), exit_code::internal_failure);
                 std::_Exit(exit_code::internal_failure);
               });
    signals.stop();
    system.registry().erase(reaper_registry_name());
  }
  io.finish(k_output_drain);
  return code;
}

} // namespace

int run(const run_options& options) {
  // First of all, before anything is opened or written: a closed stdout or
  // stderr must not be taken by a file wingmate opens, and a pipe without
  // a reader must not end wingmate with SIGPIPE at its first log line (a
  // warning about the config, say): SIGPIPE is blocked with the others.
  ensure_standard_descriptors();
  block_signals();
  log::setup(options.log_format, options.level);
  log::logger log{"wingmate"};

  config_request request;
  request.dir = options.config_dir;
  request.dir_explicit = options.config_explicit;
  request.main_command = options.command;
  request.interactive = !options.command.empty() && ::isatty(STDIN_FILENO) == 1;
  auto config = load_config(request);
  for (const auto& warning : config.warnings)
    log.warning("{}", warning);
  if (!config.errors.empty()) {
    for (const auto& error : config.errors)
      log.error("{}", error);
    log.error("nothing was started; fix the configuration in {} and start again "
              "('wingmate check -c {}' lists every problem)",
              config.dir.string(), config.dir.string());
    return exit_code::config_error;
  }

  auto original_nofile = raise_descriptor_limit();
  const bool pid1 = ::getpid() == 1;
  if (!pid1 && !become_subreaper())
    log.warning("cannot become a child subreaper; orphans of the services will not be reaped");

  log.info("wingmate {} starting {} from {} as {}", WINGMATE_VERSION, what_runs(config),
           config.dir.string(),
           pid1 ? "PID 1" : "pid " + std::to_string(::getpid()) + " (subreaper)");
  const auto status_files = claim_status_files(log);
  int code = exit_code::internal_failure;
  try {
    code = supervise(config, original_nofile, status_settings_for(config, status_files), log);
  } catch (const std::exception& e) {
    log.error("internal failure: {}", e.what());
  }
  release_pid_file(status_files.paths.pid_file, ::getpid());
  return code;
}

} // namespace wm
