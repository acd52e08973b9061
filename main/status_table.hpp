#pragma once
// The table `wingmate status` prints from a status document: a line about
// wingmate, one row per service and cron job, then a line for each thing
// worth a closer look (why a service is fatal, who did not answer). Pure:
// every time and age comes from the document itself.
//
//   NAME   TYPE     STATE    PID  UPTIME   RESTARTS  LAST EXIT          NEXT RUN
//   crash  service  backoff  -    -        4         code 3, 0.2 s ago  in 1.6 s
//
// Anything missing from the document shows as "-", so a document from
// another version of wingmate still prints.

#include <string>

#include "main/status_fields.hpp"

namespace wm {

std::string render_status_table(const status_json& document);

} // namespace wm
