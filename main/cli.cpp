#include "main/cli.hpp"

#include <CLI/CLI.hpp>
#include <ostream>

#include "actors/supervisor.hpp"
#include "main/subcommands.hpp"
#include "wmtools/args.hpp"

namespace wm {

namespace {

constexpr const char* k_description =
  "wingmate " WINGMATE_VERSION " - init and process supervisor for containers.\n\n"
  "Runs every executable in DIR/service/ and every service of DIR/wingmate.yaml or\n"
  "wingmate.json, restarts what exits, reaps every zombie and stops everything\n"
  "cleanly on SIGTERM, SIGINT or SIGQUIT. 'wingmate check' validates the config.\n"
  "A command after -- runs as the main service: its exit ends wingmate with its code.\n"
  "The subcommands below do one job and exit; 'wingmate SUBCOMMAND --help' tells more.";

constexpr const char* k_footer =
  "\nExit codes: 0 after a requested stop; the main command's code (128+N for signal N,\n"
  "127 not found, 126 not executable); 1 when a service with on_fatal: shutdown gave up;\n"
  "2 for a configuration or usage error; 3 for an internal failure of wingmate.\n\n"
  "Signals: TERM, INT, QUIT stop everything; HUP and USR2 are passed to every running\n"
  "service; USR1 writes the status document that 'wingmate status' shows.\n\n"
  "Examples:\n"
  "  wingmate -c /etc/wingmate\n"
  "  wingmate --log-format json -- /usr/local/bin/app --port 8080";

} // namespace

cli_outcome parse_command_line(int argc, const char* const* argv, std::ostream& out,
                               std::ostream& err) {
  auto split = split_at_double_dash(argc, argv);
  cli_outcome outcome;
  outcome.main_command = split.command;
  run_options options;
  options.command = split.command;

  CLI::App app{k_description, "wingmate"};
  app.footer(k_footer);
  app.set_version_flag("--version", "wingmate " WINGMATE_VERSION);
  auto* config = app.add_option("-c,--config", options.config_dir,
                                "Config directory (service/, wingmate.yaml, wingmate.json)")
                   ->envname("WINGMATE_CONFIG_PATH")
                   ->capture_default_str()
                   ->type_name("DIR");
  std::string format = "text";
  app.add_option("--log-format", format, "Format of every log line")
    ->envname("WINGMATE_LOG_FORMAT")
    ->check(CLI::IsMember({"text", "json"}))
    ->capture_default_str();
  std::string level = "info";
  app.add_option("--log-level", level, "Least severe level that is logged")
    ->envname("WINGMATE_LOG_LEVEL")
    ->check(CLI::IsMember({"debug", "info", "warning", "error"}))
    ->capture_default_str();
  add_cron_next_command(app, outcome);
  add_check_command(app, outcome);
  add_status_command(app, outcome);

  std::vector<const char*> args;
  for (const auto& arg : split.options)
    args.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp&) {
    out << app.help();
    return outcome;
  } catch (const CLI::CallForVersion&) {
    out << "wingmate " WINGMATE_VERSION "\n";
    return outcome;
  } catch (const CLI::ParseError& e) {
    const auto chosen = app.get_subcommands();
    const std::string help_for = chosen.empty() ? "" : chosen.front()->get_name() + " ";
    const auto extras = app.remaining();
    if (chosen.empty() && !extras.empty() && !extras.front().starts_with("-")) {
      std::string command;
      for (const auto& word : extras)
        command += " " + word;
      err << "wingmate: unknown subcommand '" << extras.front()
                << "'; to run a command as the main service, put it after --: wingmate --"
                << command << "\n";
    } else {
      err << "wingmate: " << e.what() << "\n"
                << "Run 'wingmate " << help_for << "--help' for usage.\n";
    }
    outcome.subcommand = nullptr;
    outcome.exit_code = exit_code::config_error;
    return outcome;
  }

  if (outcome.subcommand) {
    if (split.had_separator && !outcome.subcommand_takes_command) {
      err << "wingmate: this subcommand takes no command after --\n";
      outcome.subcommand = nullptr;
      outcome.exit_code = exit_code::config_error;
    } else if (split.had_separator && split.command.empty()) {
      err << "wingmate: nothing follows --; give the command to check after it\n";
      outcome.subcommand = nullptr;
      outcome.exit_code = exit_code::config_error;
    }
    return outcome;
  }
  if (split.had_separator && split.command.empty()) {
    err << "wingmate: nothing follows --; give the command to run after it\n";
    outcome.exit_code = exit_code::config_error;
    return outcome;
  }
  options.config_explicit = config->count() > 0;
  options.log_format = format == "json" ? log::format::json : log::format::text;
  options.level = parse_log_level(level).value_or(log_level::info);
  outcome.run = std::move(options);
  return outcome;
}

} // namespace wm
