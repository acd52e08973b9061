// Fuzzes what `wingmate status` does with the status file, which another
// process wrote: read the document, then print it as a table, as JSON
// (--json) and judge its health (--check).

#include "fuzz/fuzz_input.hpp"
#include "main/status_check.hpp"
#include "main/status_fields.hpp"
#include "main/status_table.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace wm;
  const auto document = parse_status_text(fuzz::text_of(data, size));
  if (!document)
    return 0;
  fuzz::require(!render_status_table(*document).empty(), "the table renders");
  fuzz::require(!document->dump(2).empty(), "the document prints as JSON");
  (void)health_problems(*document);
  return 0;
}
