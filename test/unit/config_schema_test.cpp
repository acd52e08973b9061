// The schema of wingmate.json and wingmate.yaml: every key, every default
// and every error message. Most cases are written once as JSON and read by
// both readers (JSON is also YAML), which must then agree exactly; the cases
// where YAML's own syntax matters are written in block YAML.

#include <gtest/gtest.h>

#include <csignal>

#include "main/config_json.hpp"
#include "main/config_render.hpp"
#include "main/config_schema.hpp"
#include "main/config_yaml.hpp"

namespace wm {
namespace {

using namespace std::chrono_literals;

std::string as_if_json(std::string text) {
  for (std::size_t at; (at = text.find("wingmate.yaml")) != std::string::npos;)
    text.replace(at, 13, "wingmate.json");
  return text;
}

std::string rendered(const structured_entries& entries) {
  nlohmann::ordered_json out;
  for (const auto& spec : entries.services)
    out["service"][spec.name] = render_service(spec);
  for (const auto& job : entries.crons)
    out["cron"][job.name] = render_cron(job);
  return out.dump();
}

structured_entries read(const document_result& result) {
  EXPECT_TRUE(result.errors.empty()) << result.errors.front();
  if (!result.document)
    return {};
  return read_structured_config(*result.document);
}

// Reads `text` as wingmate.json and as wingmate.yaml; both must give the
// same specs, errors and warnings (up to the file name).
structured_entries read_both(const std::string& text) {
  auto from_json = read(parse_json_config(text, "wingmate.json"));
  auto from_yaml = read(parse_yaml_config(text, "wingmate.yaml"));
  EXPECT_EQ(as_if_json(rendered(from_yaml)), rendered(from_json));
  std::vector<std::string> yaml_errors, yaml_warnings;
  for (const auto& e : from_yaml.errors)
    yaml_errors.push_back(as_if_json(e));
  for (const auto& w : from_yaml.warnings)
    yaml_warnings.push_back(as_if_json(w));
  EXPECT_EQ(yaml_errors, from_json.errors);
  EXPECT_EQ(yaml_warnings, from_json.warnings);
  return from_json;
}

structured_entries read_yaml(const std::string& text) {
  return read(parse_yaml_config(text, "wingmate.yaml"));
}

// One service named web with these settings (a JSON object's inside).
structured_entries web(const std::string& settings) {
  return read_both(R"({"service": {"web": {)" + settings + "}}}");
}

// The only error of a web service with these settings.
std::string web_error(const std::string& settings) {
  auto entries = web(settings);
  EXPECT_EQ(entries.errors.size(), 1u) << settings;
  return entries.errors.empty() ? "" : entries.errors.front();
}

// The only error of a web service with these settings in wingmate.json: for
// the type errors that YAML does not have, since its plain scalars are text
// wherever a string is wanted.
std::string json_web_error(const std::string& settings) {
  auto entries = read(parse_json_config(R"({"service": {"web": {)" + settings + "}}}",
                                        "wingmate.json"));
  EXPECT_EQ(entries.errors.size(), 1u) << settings;
  return entries.errors.empty() ? "" : entries.errors.front();
}

service_spec web_spec(const std::string& settings) {
  auto entries = web(settings);
  EXPECT_TRUE(entries.errors.empty()) << entries.errors.front();
  EXPECT_EQ(entries.services.size(), 1u);
  return entries.services.empty() ? service_spec{} : entries.services.front();
}

cron_spec job_spec(const std::string& settings) {
  auto entries = read_both(R"({"cron": {"backup": {)" + settings + "}}}");
  EXPECT_TRUE(entries.errors.empty()) << entries.errors.front();
  EXPECT_EQ(entries.crons.size(), 1u);
  return entries.crons.empty() ? cron_spec{} : entries.crons.front();
}

std::string job_error(const std::string& settings) {
  auto entries = read_both(R"({"cron": {"backup": {)" + settings + "}}}");
  EXPECT_EQ(entries.errors.size(), 1u) << settings;
  return entries.errors.empty() ? "" : entries.errors.front();
}

constexpr const char* k_app = R"("command": ["/usr/bin/app"])";

std::string with_app(const std::string& more) {
  return std::string(k_app) + ", " + more;
}

// -- defaults -----------------------------------------------------------------

TEST(ConfigSchema, AServiceNeedsOnlyACommand) {
  const auto spec = web_spec(k_app);
  EXPECT_EQ(spec.name, "web");
  EXPECT_EQ(spec.source, "wingmate.json: service.web");
  EXPECT_EQ(spec.run.command, std::vector<std::string>{"/usr/bin/app"});
  EXPECT_TRUE(spec.run.environ.empty());
  EXPECT_EQ(spec.run.working_dir, "");
  EXPECT_EQ(spec.run.user, "");
  EXPECT_EQ(spec.run.group, "");
  EXPECT_FALSE(spec.run.run_as);
  EXPECT_FALSE(spec.run.setsid);
  EXPECT_EQ(spec.pidfile, "");
  EXPECT_EQ(spec.pidfile_timeout, 30s);
  EXPECT_TRUE(spec.autostart);
  EXPECT_EQ(spec.restart, restart_policy{});
  EXPECT_EQ(spec.restart.mode, restart_mode::always);
  EXPECT_EQ(spec.restart.startsecs, 1s);
  EXPECT_EQ(spec.restart.backoff, (backoff_settings{100ms, 30s, 2.0}));
  EXPECT_EQ(spec.restart.max_restarts, 0u);
  EXPECT_EQ(spec.restart.restart_window, 60s);
  EXPECT_EQ(spec.restart.on_fatal, fatal_action::ignore);
  EXPECT_EQ(spec.stop_signal, SIGTERM);
  EXPECT_EQ(spec.stop_timeout, 5s);
  EXPECT_FALSE(spec.main);
  EXPECT_EQ(spec.fatal_reason, "");
}

TEST(ConfigSchema, ACronJobNeedsACommandAndASchedule) {
  const auto job = job_spec(R"("command": ["backup"], "schedule": "*/5 * * * *")");
  EXPECT_EQ(job.name, "backup");
  EXPECT_EQ(job.source, "wingmate.json: cron.backup");
  EXPECT_EQ(job.run.command, std::vector<std::string>{"backup"});
  EXPECT_EQ(job.schedule_text, "*/5 * * * *");
  ASSERT_TRUE(job.when);
  EXPECT_EQ(job.when->text(), "*/5 * * * *");
  EXPECT_EQ(job.overlap, overlap_policy::skip);
  EXPECT_EQ(job.timeout, 0ms);
  EXPECT_EQ(job.stop_signal, SIGTERM);
  EXPECT_EQ(job.fatal_reason, "");
}

TEST(ConfigSchema, NoSectionsOrEmptySectionsConfigureNothing) {
  for (const char* text : {"{}", R"({"service": {}, "cron": {}})",
                           R"({"service": null, "cron": null})"}) {
    auto entries = read_both(text);
    EXPECT_TRUE(entries.services.empty() && entries.crons.empty()) << text;
    EXPECT_TRUE(entries.errors.empty()) << text;
  }
  EXPECT_TRUE(read_yaml("# nothing yet\n").errors.empty());
  EXPECT_TRUE(read_yaml("service:\ncron:\n").errors.empty());
}

TEST(ConfigSchema, EntriesKeepTheOrderOfTheFile) {
  auto entries = read_both(R"({"service": {"zeta": {"command": ["z"]},
                                           "alpha": {"command": ["a"]}}})");
  ASSERT_EQ(entries.services.size(), 2u);
  EXPECT_EQ(entries.services[0].name, "zeta");
  EXPECT_EQ(entries.services[1].name, "alpha");
}

// -- command settings -----------------------------------------------------------

TEST(ConfigSchema, CommandSettings) {
  const auto spec = web_spec(R"("command": ["/usr/bin/app", "--port", "80", ""],
                                "environ": ["A=1", "B=x=y", "EMPTY="],
                                "working_dir": "/srv/app", "user": "www-data",
                                "group": "staff", "setsid": true)");
  EXPECT_EQ(spec.run.command, (std::vector<std::string>{"/usr/bin/app", "--port", "80", ""}));
  EXPECT_EQ(spec.run.environ, (std::vector<std::string>{"A=1", "B=x=y", "EMPTY="}));
  EXPECT_EQ(spec.run.working_dir, "/srv/app");
  EXPECT_EQ(spec.run.user, "www-data");
  EXPECT_EQ(spec.run.group, "staff");
  EXPECT_FALSE(spec.run.run_as); // resolved later, by resolve_identities()
  EXPECT_TRUE(spec.run.setsid);
}

TEST(ConfigSchema, UserAndGroupMayBeNumbers) {
  const auto spec = web_spec(with_app(R"("user": 1200, "group": "1300")"));
  EXPECT_EQ(spec.run.user, "1200");
  EXPECT_EQ(spec.run.group, "1300");
}

TEST(ConfigSchema, ACommandStringWithoutShellSyntaxIsSplitAtSpaces) {
  EXPECT_EQ(web_spec(R"("command": "  /usr/sbin/nginx -g   daemon-off ")").run.command,
            (std::vector<std::string>{"/usr/sbin/nginx", "-g", "daemon-off"}));
  EXPECT_EQ(web_spec(R"("command": "app --level=debug a,b")").run.command,
            (std::vector<std::string>{"app", "--level=debug", "a,b"}));
}

TEST(ConfigSchema, ACommandStringWithShellSyntaxIsRefused) {
  for (const char* command : {"echo $HOME", "a | b", "a && b", "a; b", "a > out", "ls *.log",
                              "say 'hi there'", "say \\\"hi\\\"", "cd ~", "a # note",
                              "`date`", "a\\\\ b", "run (x)"}) {
    const std::string error = web_error(std::string("\"command\": \"") + command + "\"");
    EXPECT_TRUE(error.starts_with("wingmate.json: service.web.command: \"")) << error;
    EXPECT_NE(error.find("needs a shell, and wingmate runs commands without one; give a "
                         "list, like [\"/usr/bin/app\", \"--port\", \"8080\"], or [\"sh\", "
                         "\"-c\", \"...\"] to use a shell"),
              std::string::npos)
      << error;
  }
}

TEST(ConfigSchema, CommandErrors) {
  EXPECT_EQ(web_error(R"("main": false)"),
            "wingmate.json: service.web: has no command; add command: [\"/usr/bin/app\", "
            "\"--port\", \"8080\"]");
  EXPECT_EQ(web_error(R"("command": [])"),
            "wingmate.json: service.web.command: is empty; give the program and its arguments, "
            "like [\"/usr/bin/app\", \"--port\", \"8080\"]");
  EXPECT_EQ(web_error(R"("command": "   ")"),
            "wingmate.json: service.web.command: is empty; give the program and its arguments, "
            "like [\"/usr/bin/app\", \"--port\", \"8080\"]");
  EXPECT_EQ(web_error(R"("command": ["", "x"])"),
            "wingmate.json: service.web.command[0]: is empty; give the program to run");
  EXPECT_EQ(web_error(R"("command": {"run": "x"})"),
            "wingmate.json: service.web.command: must be a list of strings, like "
            "[\"/usr/bin/app\", \"--port\", \"8080\"], not a map");
  EXPECT_EQ(web_error(R"("command": ["app", ["x"]])"),
            "wingmate.json: service.web.command[1]: must be a string, not a list");
  EXPECT_EQ(web_error(R"("command": ["app", null])"),
            "wingmate.json: service.web.command[1]: has no value; give a string or remove the "
            "key");
}

TEST(ConfigSchema, NumbersInACommandMustBeQuotedInJson) {
  auto from_json = read(parse_json_config(R"({"service": {"web": {"command": ["sleep", 5]}}})",
                                          "wingmate.json"));
  ASSERT_EQ(from_json.errors.size(), 1u);
  EXPECT_EQ(from_json.errors[0],
            "wingmate.json: service.web.command[1]: must be a string, not 5; put it in quotes");
}

TEST(ConfigSchema, PlainYamlScalarsAreTextWhereAStringIsWanted) {
  auto entries = read_yaml("service:\n  web:\n    command: [app]\n    working_dir: 2024\n"
                           "    user: 0755\n    restart: never\n");
  ASSERT_TRUE(entries.errors.empty()) << entries.errors.front();
  EXPECT_EQ(entries.services[0].run.working_dir, "2024");
  EXPECT_EQ(entries.services[0].run.user, "0755");
  auto quoted = read_yaml("service:\n  web:\n    command: [app]\n    restart: \"true\"\n");
  ASSERT_EQ(quoted.errors.size(), 1u);
  EXPECT_EQ(quoted.errors[0], "wingmate.yaml: service.web.restart: \"true\" is not one of "
                              "always, on-failure, never");
}

TEST(ConfigSchema, PlainYamlScalarsInACommandAreTakenAsWritten) {
  auto entries = read_yaml("service:\n  web:\n    command: [chmod, 0755, /srv, 1.50, true, 5]\n");
  ASSERT_TRUE(entries.errors.empty()) << entries.errors.front();
  EXPECT_EQ(entries.services[0].run.command,
            (std::vector<std::string>{"chmod", "0755", "/srv", "1.50", "true", "5"}));
}

TEST(ConfigSchema, EnvironErrors) {
  EXPECT_EQ(web_error(with_app(R"("environ": ["A=1", "NOEQUALS"])")),
            "wingmate.json: service.web.environ[1]: \"NOEQUALS\" has no '='; write it as "
            "KEY=VALUE");
  EXPECT_EQ(web_error(with_app(R"("environ": ["=value"])")),
            "wingmate.json: service.web.environ[0]: \"=value\" has no name before '='; write "
            "it as KEY=VALUE");
  EXPECT_EQ(web_error(with_app(R"("environ": {"A": "1"})")),
            "wingmate.json: service.web.environ: must be a list of \"KEY=VALUE\" strings, like "
            "[\"LANG=C.UTF-8\"], not a map");
  EXPECT_EQ(json_web_error(with_app(R"("environ": [7])")),
            "wingmate.json: service.web.environ[0]: must be a \"KEY=VALUE\" string, not 7; put "
            "it in quotes");
}

TEST(ConfigSchema, EveryBadEnvironEntryIsReported) {
  auto entries = web(with_app(R"("environ": ["A", "B", "C=1"])"));
  EXPECT_EQ(entries.errors.size(), 2u);
}

TEST(ConfigSchema, StringSettingErrors) {
  EXPECT_EQ(web_error(with_app(R"("working_dir": "")")),
            "wingmate.json: service.web.working_dir: is empty; give a value or remove the key");
  EXPECT_EQ(web_error(with_app(R"("working_dir": ["/srv"])")),
            "wingmate.json: service.web.working_dir: must be a string, not a list");
  EXPECT_EQ(json_web_error(with_app(R"("working_dir": 5)")),
            "wingmate.json: service.web.working_dir: must be a string, not 5; put it in quotes");
  EXPECT_EQ(web_error(with_app(R"("pidfile": null)")),
            "wingmate.json: service.web.pidfile: has no value; give a string or remove the key");
}

TEST(ConfigSchema, UserAndGroupErrors) {
  EXPECT_EQ(web_error(with_app(R"("user": "")")),
            "wingmate.json: service.web.user: is empty; give a name or a numeric id, or remove "
            "the key");
  EXPECT_EQ(web_error(with_app(R"("group": ["a"])")),
            "wingmate.json: service.web.group: must be a name or a numeric id, not a list");
  EXPECT_EQ(web_error(with_app(R"("user": null)")),
            "wingmate.json: service.web.user: has no value; give a name or a numeric id or "
            "remove the key");
  EXPECT_EQ(json_web_error(with_app(R"("user": -1)")),
            "wingmate.json: service.web.user: must be a name or a numeric id, not -1; put it in "
            "quotes");
}

TEST(ConfigSchema, FlagErrors) {
  EXPECT_EQ(web_error(with_app(R"("setsid": "yes")")),
            "wingmate.json: service.web.setsid: must be true or false, not \"yes\"");
  EXPECT_EQ(web_error(with_app(R"("autostart": 1)")),
            "wingmate.json: service.web.autostart: must be true or false, not 1");
}

TEST(ConfigSchema, YamlOnesYesIsNotABoolean) {
  auto entries = read_yaml("service:\n  web:\n    command: [app]\n    setsid: yes\n");
  ASSERT_EQ(entries.errors.size(), 1u);
  EXPECT_EQ(entries.errors[0], "wingmate.yaml: service.web.setsid: must be true or false, not "
                               "\"yes\"");
}

// -- pidfile --------------------------------------------------------------------

TEST(ConfigSchema, Pidfile) {
  const auto spec = web_spec(with_app(R"("pidfile": "/run/app.pid", "pidfile_timeout": "2m")"));
  EXPECT_EQ(spec.pidfile, "/run/app.pid");
  EXPECT_EQ(spec.pidfile_timeout, 2min);
}

TEST(ConfigSchema, ARelativePidfileIsInTheWorkingDirectory) {
  EXPECT_EQ(web_spec(with_app(R"("pidfile": "run/app.pid", "working_dir": "/srv")")).pidfile,
            "/srv/run/app.pid");
  EXPECT_EQ(web_spec(with_app(R"("pidfile": "/run/a.pid", "working_dir": "/srv")")).pidfile,
            "/run/a.pid");
  EXPECT_EQ(web_spec(with_app(R"("pidfile": "app.pid")")).pidfile, "app.pid");
}

TEST(ConfigSchema, APidfileTimeoutWithoutPidfileIsAWarning) {
  auto entries = web(with_app(R"("pidfile_timeout": 5)"));
  EXPECT_TRUE(entries.errors.empty());
  ASSERT_EQ(entries.warnings.size(), 1u);
  EXPECT_EQ(entries.warnings[0], "wingmate.json: service.web.pidfile_timeout: has no effect "
                                 "without pidfile; remove it");
}

// -- restart policy ---------------------------------------------------------------

TEST(ConfigSchema, RestartPolicy) {
  const auto spec = web_spec(with_app(R"("restart": "on-failure", "startsecs": 3,
      "backoff": {"initial": "250ms", "max": "1m", "multiplier": 1.5},
      "max_restarts": 4, "restart_window": "10m", "on_fatal": "shutdown")"));
  EXPECT_EQ(spec.restart.mode, restart_mode::on_failure);
  EXPECT_EQ(spec.restart.startsecs, 3s);
  EXPECT_EQ(spec.restart.backoff, (backoff_settings{250ms, 1min, 1.5}));
  EXPECT_EQ(spec.restart.max_restarts, 4u);
  EXPECT_EQ(spec.restart.restart_window, 10min);
  EXPECT_EQ(spec.restart.on_fatal, fatal_action::shutdown);
}

TEST(ConfigSchema, EveryRestartMode) {
  EXPECT_EQ(web_spec(with_app(R"("restart": "always")")).restart.mode, restart_mode::always);
  EXPECT_EQ(web_spec(with_app(R"("restart": "never")")).restart.mode, restart_mode::never);
  EXPECT_EQ(web_spec(with_app(R"("on_fatal": "ignore")")).restart.on_fatal,
            fatal_action::ignore);
}

TEST(ConfigSchema, PartOfABackoffKeepsTheOtherDefaults) {
  const auto spec = web_spec(with_app(R"("backoff": {"max": 5})"));
  EXPECT_EQ(spec.restart.backoff, (backoff_settings{100ms, 5s, 2.0}));
}

TEST(ConfigSchema, AutorestartFalseMeansNever) {
  EXPECT_EQ(web_spec(with_app(R"("autorestart": false)")).restart.mode, restart_mode::never);
  EXPECT_EQ(web_spec(with_app(R"("autorestart": true)")).restart.mode, restart_mode::always);
  EXPECT_EQ(web_spec(with_app(R"("autorestart": true, "restart": "on-failure")")).restart.mode,
            restart_mode::on_failure);
  EXPECT_EQ(web_spec(with_app(R"("autorestart": false, "restart": "never")")).restart.mode,
            restart_mode::never);
}

TEST(ConfigSchema, AutorestartFalseWithARestartModeIsAContradiction) {
  EXPECT_EQ(web_error(with_app(R"("autorestart": false, "restart": "always")")),
            "wingmate.json: service.web.autorestart: is false but restart is always; remove "
            "autorestart or set restart: never");
}

TEST(ConfigSchema, RestartPolicyErrors) {
  EXPECT_EQ(web_error(with_app(R"("restart": "sometimes")")),
            "wingmate.json: service.web.restart: \"sometimes\" is not one of always, "
            "on-failure, never");
  EXPECT_EQ(json_web_error(with_app(R"("restart": true)")),
            "wingmate.json: service.web.restart: must be one of always, on-failure, never, not "
            "true");
  EXPECT_EQ(web_error(with_app(R"("on_fatal": "panic")")),
            "wingmate.json: service.web.on_fatal: \"panic\" is not one of ignore, shutdown");
  EXPECT_EQ(web_error(with_app(R"("max_restarts": -1)")),
            "wingmate.json: service.web.max_restarts: -1 is negative; give 0 or more");
  EXPECT_EQ(web_error(with_app(R"("max_restarts": 2.5)")),
            "wingmate.json: service.web.max_restarts: must be a whole number, not 2.5");
  EXPECT_EQ(web_error(with_app(R"("max_restarts": "3")")),
            "wingmate.json: service.web.max_restarts: must be a whole number, not \"3\"");
  EXPECT_EQ(web_error(with_app(R"("max_restarts": 99999999999)")),
            "wingmate.json: service.web.max_restarts: 99999999999 is too large");
  EXPECT_EQ(web_error(with_app(R"("restart_window": 0)")),
            "wingmate.json: service.web.restart_window: is 0; give the time within which "
            "max_restarts are counted, like 60");
}

TEST(ConfigSchema, BackoffErrors) {
  EXPECT_EQ(web_error(with_app(R"("backoff": {"multiplier": 0.5})")),
            "wingmate.json: service.web.backoff.multiplier: must be 1 or more (1: the same wait "
            "every time)");
  EXPECT_EQ(web_error(with_app(R"("backoff": {"multiplier": "2x"})")),
            "wingmate.json: service.web.backoff.multiplier: must be a number, not \"2x\"");
  EXPECT_EQ(web_error(with_app(R"("backoff": {"initial": 10, "max": 5})")),
            "wingmate.json: service.web.backoff.max: is shorter than initial (10 s); make max at "
            "least initial");
  EXPECT_EQ(web_error(with_app(R"("backoff": {"inital": 1})")),
            "wingmate.json: service.web.backoff.inital: unknown key; did you mean initial?");
  EXPECT_EQ(web_error(with_app(R"("backoff": 5)")),
            "wingmate.json: service.web.backoff: must be a map of settings, not 5");
}

// -- durations and signals ----------------------------------------------------------

TEST(ConfigSchema, DurationsAreSecondsOrStringsWithAUnit) {
  EXPECT_EQ(web_spec(with_app(R"("stop_timeout": 2)")).stop_timeout, 2s);
  EXPECT_EQ(web_spec(with_app(R"("stop_timeout": 0.25)")).stop_timeout, 250ms);
  EXPECT_EQ(web_spec(with_app(R"("stop_timeout": "250ms")")).stop_timeout, 250ms);
  EXPECT_EQ(web_spec(with_app(R"("stop_timeout": "3")")).stop_timeout, 3s);
  EXPECT_EQ(web_spec(with_app(R"("startsecs": 0)")).restart.startsecs, 0ms);
}

TEST(ConfigSchema, DurationErrors) {
  EXPECT_EQ(web_error(with_app(R"("stop_timeout": -1)")),
            "wingmate.json: service.web.stop_timeout: -1 is negative; durations are 0 or more");
  EXPECT_EQ(web_error(with_app(R"("stop_timeout": "5 sec")")),
            "wingmate.json: service.web.stop_timeout: \"5 sec\" is not a duration; write seconds "
            "as a number (5) or a number with a unit: \"250ms\", \"5s\", \"2m\", \"1h\"");
  EXPECT_EQ(web_error(with_app(R"("startsecs": true)")),
            "wingmate.json: service.web.startsecs: must be a duration, not true; write seconds "
            "as a number (5) or a string with a unit (\"250ms\", \"5s\", \"2m\", \"1h\")");
  EXPECT_EQ(web_error(with_app(R"("restart_window": "-2m")")),
            "wingmate.json: service.web.restart_window: \"-2m\" is negative; durations are 0 or "
            "more");
}

TEST(ConfigSchema, YamlDurationsWithAUnitNeedNoQuotes) {
  auto entries = read_yaml("service:\n  web:\n    command: [app]\n    stop_timeout: 1.5s\n"
                           "    startsecs: 2\n");
  ASSERT_TRUE(entries.errors.empty()) << entries.errors.front();
  EXPECT_EQ(entries.services[0].stop_timeout, 1500ms);
  EXPECT_EQ(entries.services[0].restart.startsecs, 2s);
}

TEST(ConfigSchema, StopSignalByNameOrNumber) {
  EXPECT_EQ(web_spec(with_app(R"("stop_signal": "SIGINT")")).stop_signal, SIGINT);
  EXPECT_EQ(web_spec(with_app(R"("stop_signal": "quit")")).stop_signal, SIGQUIT);
  EXPECT_EQ(web_spec(with_app(R"("stop_signal": 1)")).stop_signal, SIGHUP);
  EXPECT_EQ(web_spec(with_app(R"("stop_signal": "RTMIN+1")")).stop_signal, SIGRTMIN + 1);
}

TEST(ConfigSchema, SignalErrors) {
  EXPECT_EQ(web_error(with_app(R"("stop_signal": "SIGFOO")")),
            "wingmate.json: service.web.stop_signal: \"SIGFOO\" is not a signal; use a name such "
            "as SIGTERM or INT, or a number such as 15");
  EXPECT_EQ(web_error(with_app(R"("stop_signal": 99)")),
            "wingmate.json: service.web.stop_signal: 99 is not a signal; use a name such as "
            "SIGTERM or INT, or a number such as 15");
  EXPECT_EQ(web_error(with_app(R"("stop_signal": ["INT"])")),
            "wingmate.json: service.web.stop_signal: must be a signal name such as SIGTERM or "
            "INT, or a number, not a list");
}

TEST(ConfigSchema, ALongStopTimeoutWarnsAboutDocker) {
  EXPECT_TRUE(web(with_app(R"("stop_timeout": 8)")).warnings.empty());
  auto entries = web(with_app(R"("stop_timeout": 30)"));
  EXPECT_TRUE(entries.errors.empty());
  ASSERT_EQ(entries.warnings.size(), 1u);
  EXPECT_EQ(entries.warnings[0],
            "wingmate.json: service.web.stop_timeout: 30 s plus the final sweep is longer than "
            "the 10 s Docker waits before it kills the container; give docker stop -t (or "
            "stop_grace_period) at least 32 s");
}

// -- autostart and main ---------------------------------------------------------

TEST(ConfigSchema, AutostartFalse) {
  EXPECT_FALSE(web_spec(with_app(R"("autostart": false)")).autostart);
}

TEST(ConfigSchema, AMainServiceIsNeverRestarted) {
  const auto spec = web_spec(with_app(R"("main": true)"));
  EXPECT_TRUE(spec.main);
  EXPECT_EQ(spec.restart.mode, restart_mode::never);
  EXPECT_FALSE(spec.owns_terminal);
  EXPECT_TRUE(web_spec(with_app(R"("main": true, "restart": "never")")).main);
}

TEST(ConfigSchema, MainContradictions) {
  EXPECT_EQ(web_error(with_app(R"("main": true, "restart": "always")")),
            "wingmate.json: service.web.restart: a main service is never restarted (its exit "
            "ends wingmate); remove restart or main");
  EXPECT_EQ(web_error(with_app(R"("main": true, "autostart": false)")),
            "wingmate.json: service.web.autostart: is false, but a main service must start (its "
            "exit ends wingmate); remove autostart or main");
}

// -- cron jobs --------------------------------------------------------------------

TEST(ConfigSchema, CronSettings) {
  const auto job = job_spec(R"("command": ["pg_dump", "db"], "schedule": "@daily",
      "environ": ["PGHOST=db"], "working_dir": "/backups", "user": "postgres",
      "group": 70, "setsid": true, "overlap": "allow", "timeout": "1h",
      "stop_signal": "SIGINT")");
  EXPECT_EQ(job.run.command, (std::vector<std::string>{"pg_dump", "db"}));
  EXPECT_EQ(job.schedule_text, "@daily");
  EXPECT_TRUE(job.when);
  EXPECT_EQ(job.run.environ, std::vector<std::string>{"PGHOST=db"});
  EXPECT_EQ(job.run.working_dir, "/backups");
  EXPECT_EQ(job.run.user, "postgres");
  EXPECT_EQ(job.run.group, "70");
  EXPECT_TRUE(job.run.setsid);
  EXPECT_EQ(job.overlap, overlap_policy::allow);
  EXPECT_EQ(job.timeout, 1h);
  EXPECT_EQ(job.stop_signal, SIGINT);
}

TEST(ConfigSchema, ABadScheduleMakesOnlyThatJobFatal) {
  auto entries = read_both(R"({"cron": {"bad": {"command": ["x"], "schedule": "61 * * * *"},
                                        "good": {"command": ["y"], "schedule": "@hourly"}}})");
  EXPECT_TRUE(entries.errors.empty());
  ASSERT_EQ(entries.crons.size(), 2u);
  EXPECT_FALSE(entries.crons[0].when);
  EXPECT_EQ(entries.crons[0].fatal_reason,
            "bad schedule: minute field \"61\": 61 is out of range 0-59 (wingmate.json: "
            "cron.bad.schedule); fix it (wingmate cron-next tries a schedule out)");
  EXPECT_EQ(entries.crons[1].fatal_reason, "");
}

TEST(ConfigSchema, AScheduleThatNeverFiresMakesTheJobFatal) {
  const auto job = job_spec(R"("command": ["x"], "schedule": "0 0 30 2 *")");
  EXPECT_FALSE(job.when);
  EXPECT_EQ(job.fatal_reason,
            "schedule \"0 0 30 2 *\" never fires: no date matches its day-of-month, month and "
            "day-of-week fields together (wingmate.json: cron.backup.schedule)");
}

TEST(ConfigSchema, CronErrors) {
  EXPECT_EQ(job_error(R"("command": ["x"])"),
            "wingmate.json: cron.backup: has no schedule; add schedule: \"m h dom mon dow\" "
            "(like \"*/5 * * * *\") or a macro such as \"@daily\"");
  EXPECT_EQ(job_error(R"("schedule": "@daily")"),
            "wingmate.json: cron.backup: has no command; add command: [\"/usr/bin/app\", "
            "\"--port\", \"8080\"]");
  EXPECT_EQ(job_error(R"("command": ["x"], "schedule": "@daily", "overlap": "queue")"),
            "wingmate.json: cron.backup.overlap: \"queue\" is not one of skip, allow");
  EXPECT_EQ(job_error(R"("command": ["x"], "schedule": "@daily", "timeout": "soon")"),
            "wingmate.json: cron.backup.timeout: \"soon\" is not a duration; write seconds as a "
            "number (5) or a number with a unit: \"250ms\", \"5s\", \"2m\", \"1h\"");
  EXPECT_EQ(job_error(R"("command": ["x"], "schedule": "@daily", "restart": "always")"),
            "wingmate.json: cron.backup.restart: unknown key; the keys of cron.backup are "
            "command, environ, working_dir, user, group, setsid, schedule, overlap, timeout, "
            "stop_signal");
}

// -- structure ----------------------------------------------------------------------

TEST(ConfigSchema, UnknownKeysAreErrorsWithASuggestion) {
  EXPECT_EQ(web_error(with_app(R"("stop_timout": 3)")),
            "wingmate.json: service.web.stop_timout: unknown key; did you mean stop_timeout?");
  EXPECT_EQ(web_error(with_app(R"("enviorn": ["A=1"])")),
            "wingmate.json: service.web.enviorn: unknown key; did you mean environ?");
  EXPECT_EQ(read_both(R"({"services": {}})").errors,
            std::vector<std::string>{
              "wingmate.json: services: unknown key; did you mean service?"});
}

TEST(ConfigSchema, UnknownKeysWithoutALikelyMeaningListTheKnownOnes) {
  EXPECT_EQ(web_error(with_app(R"("replicas": 3)")),
            "wingmate.json: service.web.replicas: unknown key; the keys of service.web are "
            "command, environ, working_dir, user, group, setsid, pidfile, pidfile_timeout, "
            "autostart, startsecs, autorestart, restart, backoff, max_restarts, restart_window, "
            "on_fatal, stop_signal, stop_timeout, main");
  EXPECT_EQ(read_both(R"({"programs": {}})").errors,
            std::vector<std::string>{
              "wingmate.json: programs: unknown key; the keys at the top are service, cron"});
}

TEST(ConfigSchema, SectionAndEntryShapes) {
  EXPECT_EQ(read_both(R"([1, 2])").errors,
            std::vector<std::string>{"wingmate.json: must hold a map with the sections service "
                                     "and/or cron at the top"});
  EXPECT_EQ(read_both(R"({"service": ["web"]})").errors,
            std::vector<std::string>{"wingmate.json: service: must be a map from names to their "
                                     "settings, not a list"});
  EXPECT_EQ(read_both(R"({"service": {"web": null}})").errors,
            std::vector<std::string>{
              "wingmate.json: service.web: has no settings; give at least command"});
  EXPECT_EQ(read_both(R"({"service": {"web": "nginx"}})").errors,
            std::vector<std::string>{
              "wingmate.json: service.web: must be a map of settings, not \"nginx\""});
}

TEST(ConfigSchema, NamesMustBeUsable) {
  auto entries = read_both(R"({"service": {"my app": {"command": ["a"]},
                                           "a/b": {"command": ["a"]},
                                           "": {"command": ["a"]},
                                           "web.sh": {"command": ["a"]}}})");
  ASSERT_EQ(entries.errors.size(), 3u);
  EXPECT_EQ(entries.errors[0],
            "wingmate.json: service.\"my app\": \"my app\" cannot be a name: names must not be "
            "empty or hold spaces, control characters or '/'; rename it");
  ASSERT_EQ(entries.services.size(), 1u);
  EXPECT_EQ(entries.services[0].name, "web.sh");
  EXPECT_EQ(entries.services[0].source, "wingmate.json: service.\"web.sh\"");
}

TEST(ConfigSchema, EveryMistakeIsReportedNotJustTheFirst) {
  auto entries = read_both(R"({
    "service": {
      "web": {"command": [], "stop_timeout": -1, "stop_signal": "SIGNOPE", "restrat": "never"},
      "db": {"environ": ["X"], "restart": "sometimes"}
    },
    "cron": {"backup": {"command": ["b"], "overlap": "queue"}},
    "extra": true
  })");
  EXPECT_EQ(entries.errors.size(), 10u);
  for (const char* where : {"service.web.command:", "service.web.stop_timeout:",
                            "service.web.stop_signal:", "service.web.restrat:",
                            "service.db: has no command", "service.db.environ[0]:",
                            "service.db.restart:", "cron.backup: has no schedule",
                            "cron.backup.overlap:", "extra:"}) {
    bool found = false;
    for (const auto& error : entries.errors)
      found = found || error.find(std::string("wingmate.json: ") + where) == 0;
    EXPECT_TRUE(found) << where;
  }
}

} // namespace
} // namespace wm
