#include "wmtools/args.hpp"

#include <string_view>

namespace wm {

split_args split_at_double_dash(int argc, const char* const* argv) {
  split_args out;
  int i = 0;
  for (; i < argc; ++i) {
    if (i > 0 && std::string_view(argv[i]) == "--") {
      out.had_separator = true;
      ++i;
      break;
    }
    out.options.emplace_back(argv[i]);
  }
  for (; i < argc; ++i)
    out.command.emplace_back(argv[i]);
  return out;
}

} // namespace wm
