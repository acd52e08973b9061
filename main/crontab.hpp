#pragma once
// Reading the `crontab` file of a config directory. Each line is five
// schedule fields (or a macro such as @daily) and a command:
//
//   */5 * * * *  /usr/local/bin/backup --quick   # a comment
//   @daily       /usr/local/bin/rotate-logs
//
// The command is split on spaces and tabs and run without a shell, so
// quotes, `$VAR`, `>`, `|` and globs mean nothing special (a warning says
// so). A `#` at the start of a line or of a word starts a comment; blank
// lines are skipped. The job from line N is named "crontab:N". A bad line
// is reported with its number and skipped; the other lines still run. A
// file holding a NUL byte is not a crontab at all (a binary put in its
// place): that is a structural error.

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "messages/cron_spec.hpp"

namespace wm {

struct loaded_config;

struct crontab_read {
  /// One per good line, in line order.
  std::vector<cron_spec> jobs;
  /// One per skipped or doubtful line, naming the line and saying why.
  std::vector<std::string> warnings;
  /// Set when the file exists but cannot be read, or is not text (a
  /// structural error).
  std::string error;
};

/// Parses the text of a crontab. `label` names the file in warnings
/// ("/etc/wingmate/crontab").
crontab_read parse_crontab(std::string_view text, const std::string& label);

/// Reads `config_dir`/crontab. A missing file is not an error: it gives no
/// jobs and no warnings.
crontab_read read_crontab(const std::filesystem::path& config_dir);

/// Appends the jobs, warnings and error of `config.dir`/crontab to
/// `config`.
void load_crontab(loaded_config& config);

} // namespace wm
