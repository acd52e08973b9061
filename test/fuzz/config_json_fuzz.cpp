// Fuzzes the load of wingmate.json: JSON with comments, duplicate keys,
// then the schema (config_load.hpp).

#include "fuzz/config_load.hpp"
#include "main/config_json.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wm::fuzz::load_structured_text(
    wm::parse_json_config(wm::fuzz::text_of(data, size), "wingmate.json"));
  return 0;
}
