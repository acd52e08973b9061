#pragma once
// The whole load of one structured config file, as load_config() does it
// for a file it finds and `wingmate check` then prints it, but from text:
// parse, schema, the checks across entries, users and groups (from a fake
// database, so no NSS lookup runs), and the effective config as JSON.

#include "fuzz/fuzz_input.hpp"
#include "main/config.hpp"
#include "main/config_render.hpp"
#include "unit/fake_accounts.hpp"

namespace wm::fuzz {

inline void load_structured_text(document_result parsed) {
  static const fake_accounts accounts;
  const bool parsed_ok = parsed.document.has_value();
  loaded_config config;
  config.dir = "/etc/wingmate";
  add_structured_file(config, std::move(parsed));
  check_loaded_config(config, accounts);
  require(parsed_ok || !config.errors.empty(), "a file that does not parse is an error");
  // What `wingmate check` prints when there is no structural error (text
  // that is not UTF-8 shows as U+FFFD, as there).
  if (config.errors.empty())
    require(!render_config(config)
               .dump(2, ' ', false, nlohmann::json::error_handler_t::replace)
               .empty(),
            "the effective config renders");
}

} // namespace wm::fuzz
