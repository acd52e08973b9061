// Fuzzes the load of wingmate.yaml: yaml-cpp, the core schema's typing of
// plain scalars, duplicate keys, then the schema (config_load.hpp).

#include "fuzz/config_load.hpp"
#include "main/config_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  wm::fuzz::load_structured_text(
    wm::parse_yaml_config(wm::fuzz::text_of(data, size), "wingmate.yaml"));
  return 0;
}
