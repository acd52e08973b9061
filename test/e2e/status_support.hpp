#pragma once
// Reading wingmate's status document in end-to-end tests: ask for a dump
// with SIGUSR1 and wait for it, and find a service or a cron job in it.

#include <signal.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "e2e_support.hpp"

namespace wm::test {

using nlohmann::json;

/// The status file as JSON; a discarded value when it is missing or partial.
inline json read_json(const std::filesystem::path& path) {
  return json::parse(read_file(path), nullptr, false);
}

/// Signals wingmate and waits for the document with `sequence` (or later).
inline json dump(const namespaced_wingmate& wm, long long sequence,
                 milliseconds timeout = std::chrono::seconds(10)) {
  wm.signal(SIGUSR1);
  json doc;
  wait_until(
    [&] {
      doc = read_json(wm.status_file());
      return doc.is_object() && doc["wingmate"]["sequence"] >= sequence;
    },
    timeout);
  return doc;
}

/// The entry named `name` in the document's `section` ("services", "cron"),
/// or null.
inline const json& entry_named(const json& doc, const char* section, const std::string& name) {
  static const json none;
  for (const auto& entry : doc[section])
    if (entry["name"] == name)
      return entry;
  return none;
}

inline const json& service_named(const json& doc, const std::string& name) {
  return entry_named(doc, "services", name);
}

inline const json& cron_named(const json& doc, const std::string& name) {
  return entry_named(doc, "cron", name);
}

} // namespace wm::test
