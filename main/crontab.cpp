#include "main/crontab.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "main/config.hpp"

namespace wm {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t k_schedule_fields = 5;

bool is_blank(char c) {
  return c == ' ' || c == '\t';
}

// A '#' that opens the line or a word starts a comment; one inside a word
// (`page#top`) is part of it.
std::string_view without_comment(std::string_view line) {
  for (std::size_t i = 0; i < line.size(); ++i)
    if (line[i] == '#' && (i == 0 || is_blank(line[i - 1])))
      return line.substr(0, i);
  return line;
}

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && is_blank(text[i]))
      ++i;
    std::size_t start = i;
    while (i < text.size() && !is_blank(text[i]))
      ++i;
    if (i > start)
      words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

// "FOO=bar": Vixie cron's environment lines, which wingmate does not take.
bool is_assignment(const std::string& word) {
  auto equals = word.find('=');
  if (equals == std::string::npos || equals == 0)
    return false;
  for (std::size_t i = 0; i < equals; ++i) {
    char c = word[i];
    bool ok = c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
              || (i > 0 && c >= '0' && c <= '9');
    if (!ok)
      return false;
  }
  return true;
}

// The first character of the command that a shell would have treated
// specially, or nothing.
std::optional<char> shell_character(const std::vector<std::string>& command) {
  constexpr std::string_view special = "'\"`$|&;<>*";
  for (const auto& word : command) {
    if (word.starts_with("~"))
      return '~';
    if (auto at = word.find_first_of(special); at != std::string::npos)
      return word[at];
  }
  return std::nullopt;
}

std::string join(const std::vector<std::string>& words, std::size_t from, std::size_t to) {
  std::string out;
  for (std::size_t i = from; i < to; ++i) {
    if (i > from)
      out += ' ';
    out += words[i];
  }
  return out;
}

// Parses one line that holds something; on a bad line `problem` says why
// and nothing is returned.
std::optional<cron_spec> parse_line(const std::vector<std::string>& words, std::string& problem) {
  if (is_assignment(words[0])) {
    problem = "environment settings such as " + words[0]
              + " are not supported in a crontab; set them in a script the job runs, or "
                "with environ in a cron entry of wingmate.json";
    return std::nullopt;
  }
  const bool macro = words[0].starts_with("@");
  const std::size_t schedule_words = macro ? 1 : k_schedule_fields;
  if (words.size() <= schedule_words) {
    problem = words.size() < schedule_words
                ? "expected 5 schedule fields and a command, found only "
                    + std::to_string(words.size()) + " word" + (words.size() == 1 ? "" : "s")
                : "there is no command after the schedule";
    return std::nullopt;
  }
  cron_spec spec;
  spec.schedule_text = join(words, 0, schedule_words);
  auto parsed = schedule::parse(spec.schedule_text);
  if (!parsed.value) {
    problem = parsed.error;
    return std::nullopt;
  }
  spec.when = std::move(parsed.value);
  spec.run.command.assign(words.begin() + static_cast<std::ptrdiff_t>(schedule_words),
                          words.end());
  return spec;
}

// Warnings for a good line: it is kept, but probably not what was meant.
void check_line(const cron_spec& spec, const std::string& where,
                std::vector<std::string>& warnings) {
  if (!spec.when->ever_fires())
    warnings.push_back(where + ": schedule \"" + spec.schedule_text
                       + "\" matches no date, so this job never runs");
  if (auto c = shell_character(spec.run.command))
    warnings.push_back(where + ": the command runs without a shell, so '" + std::string(1, *c)
                       + "' reaches the program as a plain character; put shell syntax in "
                         "a script and run the script");
}

} // namespace

crontab_read parse_crontab(std::string_view text, const std::string& label) {
  crontab_read result;
  // A crontab is text: a NUL byte means a binary or corrupted file took its
  // place, whose "lines" must not be run, not even the few that parse.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    const auto line = std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(nul),
                                 '\n') + 1;
    result.error = label + " is not a text file (line " + std::to_string(line)
                   + " holds a NUL byte); the crontab must be text, one job per line";
    return result;
  }
  std::size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    auto newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);

    const auto words = split_words(without_comment(line));
    if (words.empty())
      continue;
    const std::string where = label + " line " + std::to_string(line_number);
    std::string problem;
    auto spec = parse_line(words, problem);
    if (!spec) {
      result.warnings.push_back(where + ": " + problem + "; the line is skipped");
      continue;
    }
    spec->name = "crontab:" + std::to_string(line_number);
    spec->source = "crontab line " + std::to_string(line_number);
    check_line(*spec, where, result.warnings);
    result.jobs.push_back(std::move(*spec));
  }
  return result;
}

crontab_read read_crontab(const fs::path& config_dir) {
  const fs::path path = config_dir / "crontab";
  struct stat info {};
  if (::stat(path.c_str(), &info) < 0) {
    if (errno == ENOENT)
      return {};
    return {{}, {}, "cannot read " + path.string() + ": " + std::strerror(errno)};
  }
  if (!S_ISREG(info.st_mode))
    return {{}, {}, path.string() + " is not a regular file; the crontab must be a file"};
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return {{}, {}, "cannot read " + path.string() + ": " + std::strerror(errno)};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_crontab(text.str(), path.string());
}

void load_crontab(loaded_config& config) {
  auto read = read_crontab(config.dir);
  if (!read.error.empty())
    config.errors.push_back(std::move(read.error));
  for (auto& warning : read.warnings)
    config.warnings.push_back(std::move(warning));
  for (auto& job : read.jobs)
    config.crons.push_back(std::move(job));
}

} // namespace wm
