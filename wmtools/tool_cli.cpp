// Shared command-line parsing for wmexec and wmpidproxy (see tool_cli.hpp).

#include "wmtools/tool_cli.hpp"

#include <CLI/CLI.hpp>

#include <vector>

namespace wm {

namespace {

// CLI11 never sees the command after "--", so its usage line would leave it
// out; this one adds it.
class command_usage_formatter : public CLI::Formatter {
public:
  std::string make_usage(const CLI::App* app, std::string name) const override {
    std::string usage = CLI::Formatter::make_usage(app, std::move(name));
    auto end = usage.find('\n');
    return usage.insert(end == std::string::npos ? usage.size() : end, " -- CMD ARGS...");
  }
};

// The extras in the order they were given (CLI11 reports them reversed).
std::vector<std::string> extras_in_order(const CLI::App& app, const split_args& split) {
  auto extras = app.remaining();
  std::vector<std::string> ordered;
  for (std::size_t i = 1; i < split.options.size(); ++i)
    for (const auto& extra : extras)
      if (split.options[i] == extra) {
        ordered.push_back(extra);
        break;
      }
  return ordered;
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const auto& word : words) {
    if (!text.empty())
      text += ' ';
    text += word;
  }
  return text;
}

} // namespace

std::optional<tool_exit> parse_tool_options(CLI::App& app, const split_args& split,
                                            std::string_view program, int usage_error) {
  const std::string name(program);
  app.formatter(std::make_shared<command_usage_formatter>());
  std::vector<const char*> args;
  for (const auto& arg : split.options)
    args.push_back(arg.c_str());

  try {
    app.parse(static_cast<int>(args.size()), args.data());
  } catch (const CLI::CallForHelp&) {
    return tool_exit{0, app.help(), {}};
  } catch (const CLI::CallForVersion& e) {
    return tool_exit{0, std::string(e.what()) + "\n", {}};
  } catch (const CLI::ExtrasError& e) {
    // CLI11 reports unknown options and stray words alike as extras.
    auto extras = extras_in_order(app, split);
    if (extras.empty() || extras.front().starts_with("-"))
      return tool_exit{usage_error, {},
                       name + ": unknown option " + (extras.empty() ? e.what() : extras.front())
                         + "\nRun '" + name + " --help' for usage.\n"};
    return tool_exit{usage_error, {},
                     name + ": unexpected " + joined(extras)
                       + " before --\nPut the command to run after --, for example: " + name
                       + " [OPTIONS] -- " + joined(extras) + "\n"};
  } catch (const CLI::ParseError& e) {
    return tool_exit{usage_error, {},
                     name + ": " + e.what() + "\nRun '" + name + " --help' for usage.\n"};
  }

  if (split.command.empty()) {
    std::string what = split.had_separator ? "nothing follows --" : "no command given";
    return tool_exit{usage_error, {},
                     name + ": " + what + "; give the command to run after --, for example: "
                       + name + " [OPTIONS] -- CMD ARGS...\n"};
  }
  return std::nullopt;
}

} // namespace wm
