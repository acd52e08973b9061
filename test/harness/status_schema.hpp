#pragma once
// Checks a status document against the schema the README ("Status") documents:
// every required key is present with its type (or null where the schema
// allows it), states come from the documented sets, times are ISO 8601 with
// milliseconds and offset. Returns one line per problem; empty when valid.

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace wm::test {

class status_schema_check {
public:
  explicit status_schema_check(const nlohmann::json& doc) { document(doc); }
  const std::vector<std::string>& problems() const { return problems_; }

private:
  enum kind { string, integer, number, boolean, object, array, iso };

  bool is(const nlohmann::json& value, kind k) const {
    switch (k) {
      case string:
        return value.is_string();
      case integer:
        return value.is_number_integer();
      case number:
        return value.is_number();
      case boolean:
        return value.is_boolean();
      case object:
        return value.is_object();
      case array:
        return value.is_array();
      case iso: {
        static const std::regex pattern{
          R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d(:\d\d)?)"};
        return value.is_string() && std::regex_match(value.get<std::string>(), pattern);
      }
    }
    return false;
  }

  // Checks `key` of `parent` (named `where`); true when it has kind `k`.
  bool need(const nlohmann::json& parent, const std::string& where, const char* key, kind k,
            bool nullable = false) {
    if (!parent.is_object() || !parent.contains(key)) {
      problems_.push_back(where + "." + key + " is missing");
      return false;
    }
    const auto& value = parent[key];
    if (nullable && value.is_null())
      return false;
    if (!is(value, k)) {
      problems_.push_back(where + "." + key + " has the wrong type: " + value.dump());
      return false;
    }
    return true;
  }

  void one_of(const nlohmann::json& parent, const std::string& where, const char* key,
              const std::set<std::string>& allowed) {
    if (need(parent, where, key, string) && !allowed.contains(parent[key].get<std::string>()))
      problems_.push_back(where + "." + key + " is not one of the documented values: "
                          + parent[key].dump());
  }

  void document(const nlohmann::json& doc) {
    if (!doc.is_object()) {
      problems_.push_back("the document is not a JSON object");
      return;
    }
    if (need(doc, "", "schema_version", integer) && doc["schema_version"] != 1)
      problems_.push_back("schema_version is not 1");
    if (need(doc, "", "wingmate", object))
      wingmate(doc["wingmate"]);
    if (need(doc, "", "services", array))
      for (std::size_t i = 0; i < doc["services"].size(); ++i)
        service(doc["services"][i], "services[" + std::to_string(i) + "]");
    if (need(doc, "", "cron", array))
      for (std::size_t i = 0; i < doc["cron"].size(); ++i)
        cron_job(doc["cron"][i], "cron[" + std::to_string(i) + "]");
    if (need(doc, "", "errors", array))
      for (const auto& error : doc["errors"])
        if (!error.is_string())
          problems_.push_back("errors holds a non-string: " + error.dump());
  }

  void wingmate(const nlohmann::json& w) {
    const std::string at = "wingmate";
    need(w, at, "version", string);
    need(w, at, "pid", integer);
    need(w, at, "pid1", boolean);
    need(w, at, "started_at", iso);
    need(w, at, "uptime", number);
    one_of(w, at, "state", {"running", "stopping"});
    need(w, at, "config", string);
    need(w, at, "orphans_reaped", integer, true);
    need(w, at, "sequence", integer);
    need(w, at, "dumped_at", iso);
    need(w, at, "status_file", string);
  }

  void exit_result(const nlohmann::json& e, const std::string& at) {
    need(e, at, "code", integer, true);
    need(e, at, "signal", string, true);
  }

  void service(const nlohmann::json& s, const std::string& at) {
    need(s, at, "name", string);
    need(s, at, "source", string);
    one_of(s, at, "state",
           {"starting", "running", "backoff", "stopping", "stopped", "exited", "fatal",
            "unknown"});
    need(s, at, "error", string, true);
    need(s, at, "pid", integer, true);
    need(s, at, "pgid", integer, true);
    need(s, at, "started_at", iso, true);
    need(s, at, "uptime", number, true);
    need(s, at, "restarts", integer, true);
    if (need(s, at, "last_exit", object, true)) {
      exit_result(s["last_exit"], at + ".last_exit");
      need(s["last_exit"], at + ".last_exit", "at", iso);
    }
    need(s, at, "next_restart_at", iso, true);
    need(s, at, "next_restart_in", number, true);
    need(s, at, "fatal_reason", string, true);
    need(s, at, "main", boolean);
    need(s, at, "autostart", boolean);
    need(s, at, "optional", boolean);
    need(s, at, "pidfile", string, true);
    need(s, at, "watched_pid", integer, true);
    if (need(s, at, "policy", object)) {
      const auto& p = s["policy"];
      const std::string in = at + ".policy";
      one_of(p, in, "restart", {"always", "on-failure", "never"});
      need(p, in, "startsecs", number);
      if (need(p, in, "backoff", object)) {
        need(p["backoff"], in + ".backoff", "initial", number);
        need(p["backoff"], in + ".backoff", "max", number);
        need(p["backoff"], in + ".backoff", "multiplier", number);
      }
      need(p, in, "max_restarts", integer);
      need(p, in, "restart_window", number);
      one_of(p, in, "on_fatal", {"ignore", "shutdown"});
      need(p, in, "stop_signal", string);
      need(p, in, "stop_timeout", number);
    }
  }

  void cron_job(const nlohmann::json& j, const std::string& at) {
    need(j, at, "name", string);
    need(j, at, "source", string);
    need(j, at, "schedule", string);
    one_of(j, at, "state", {"waiting", "running", "stopped", "fatal"});
    need(j, at, "next_run", iso, true);
    need(j, at, "pid", integer, true);
    need(j, at, "running_for", number, true);
    need(j, at, "runs", integer);
    need(j, at, "skipped_runs", integer);
    if (need(j, at, "last_run", object, true)) {
      const auto& r = j["last_run"];
      need(r, at + ".last_run", "started_at", iso);
      need(r, at + ".last_run", "ended_at", iso, true);
      need(r, at + ".last_run", "duration", number, true);
      exit_result(r, at + ".last_run");
      need(r, at + ".last_run", "timed_out", boolean);
      need(r, at + ".last_run", "error", string, true);
    }
    need(j, at, "fatal_reason", string, true);
    if (need(j, at, "policy", object)) {
      one_of(j["policy"], at + ".policy", "overlap", {"skip", "allow"});
      need(j["policy"], at + ".policy", "timeout", number);
      need(j["policy"], at + ".policy", "stop_signal", string);
    }
  }

  std::vector<std::string> problems_;
};

/// The problems with `doc`; empty when it follows the schema.
inline std::vector<std::string> status_schema_problems(const nlohmann::json& doc) {
  return status_schema_check(doc).problems();
}

} // namespace wm::test
