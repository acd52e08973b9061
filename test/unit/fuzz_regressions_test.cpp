// Inputs the fuzz targets (test/fuzz) found that crashed wingmate, hung it
// or broke a promise of a parser, each kept as a test of the fixed
// behaviour. The same inputs seed the fuzzers (test/fuzz/corpus/NAME/
// regression-*), so a fuzz run starts by replaying them too.

#include <gtest/gtest.h>

#include <csignal>
#include <string>

#include "main/config_json.hpp"
#include "main/config_yaml.hpp"
#include "messages/local_time.hpp"
#include "messages/signal_names.hpp"
#include "test/unit/zone_helpers.hpp"

namespace wm {
namespace {

bool has_error_containing(const document_result& result, const std::string& part) {
  for (const auto& error : result.errors)
    if (error.find(part) != std::string::npos)
      return true;
  return false;
}

// config_json: nlohmann/json throws out_of_range, not parse_error, for a
// number beyond a double, and nothing caught it: wingmate died on start.
TEST(FuzzRegressions, JsonNumberBeyondADoubleIsAnError) {
  const auto result =
    parse_json_config(R"({"service": {"web": {"stop_timeout": 1e400}}})", "wingmate.json");
  EXPECT_FALSE(result.document);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "wingmate.json: is not valid JSON: number overflow parsing "
                              "'1e400'; fix the syntax (comments with // and /* */ are "
                              "allowed)");
}

// config_yaml: an alias inside the node it names is a cycle in yaml-cpp's
// tree; converting it overflowed the stack.
TEST(FuzzRegressions, YamlAliasInsideItsOwnNodeIsAnError) {
  const auto result = parse_yaml_config("defaults: &defaults\n  b:\n    <<: *defaults\n",
                                        "wingmate.yaml");
  EXPECT_TRUE(has_error_containing(result, "nested more than 64 levels deep (an alias inside "
                                           "the node it names?)"))
    << (result.errors.empty() ? "no error" : result.errors.front());
}

// config_yaml: the same expansion without a cycle, a few aliases deep, makes
// a million values from a few hundred bytes.
TEST(FuzzRegressions, YamlAliasesThatExpandTooFarAreAnError) {
  // a0: &a0 [x, ...], a1: &a1 [*a0, ...], ... (appended piece by piece:
  // "literal" + std::string trips a false -Wrestrict in g++ 12).
  std::string text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int level = 1; level < 6; ++level) {
    const std::string name = std::to_string(level);
    const std::string below = std::to_string(level - 1);
    text.append("a").append(name).append(": &a").append(name).append(" [");
    for (int i = 0; i < 10; ++i)
      text.append(i ? ", *a" : "*a").append(below);
    text += "]\n";
  }
  const auto result = parse_yaml_config(text, "wingmate.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "wingmate.yaml: holds more than 100000 values once its aliases "
                              "are expanded; write the settings out with fewer aliases");
}

// config_yaml: yaml-cpp 0.7's LoadAll() never returns for a ',' outside a
// flow collection (it yields empty documents forever), so wingmate hung
// at start, filling memory.
TEST(FuzzRegressions, YamlStrayCommaIsASyntaxError) {
  const std::pair<std::string, const char*> cases[] = {
    {",", "line 1, column 1"},
    {"[a],", "line 1, column 4"},
    {"- a\n,", "line 2, column 1"},
    {std::string(",\0\x0e", 3), "line 1, column 1"}, // as the fuzzer found it
  };
  for (const auto& [text, where] : cases) {
    const auto result = parse_yaml_config(text, "wingmate.yaml");
    EXPECT_FALSE(result.document) << text;
    ASSERT_EQ(result.errors.size(), 1u) << text;
    EXPECT_EQ(result.errors[0], std::string("wingmate.yaml: is not valid YAML: unexpected ',' "
                                            "at ") + where + "; fix the syntax");
  }
}

TEST(FuzzRegressions, YamlDocumentsAreStillCounted) {
  const auto result = parse_yaml_config("a: 1\n---\nb: 2\n---\nc: 3\n", "wingmate.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "wingmate.yaml: holds 3 or more YAML documents (separated by "
                              "---); put everything in one");
}

// signal: 32 and 33 were accepted (stop_signal: 33) but printed as
// "signal 33", which `wingmate check` shows and no config reads back.
TEST(FuzzRegressions, EveryParsedSignalsNameReadsBack) {
  EXPECT_FALSE(parse_signal("32"));
  EXPECT_FALSE(parse_signal("33"));
  for (int signo = 1; signo <= SIGRTMAX; ++signo) {
    if (const auto parsed = parse_signal(std::to_string(signo))) {
      EXPECT_EQ(parse_signal(signal_name(*parsed)), parsed) << signal_name(*parsed);
    }
  }
}

// local_time: format_local_iso() writes a local mean time's offset with
// seconds, which parse_local_iso() did not read back (cron-next START).
TEST(FuzzRegressions, OffsetsWithSecondsReadBack) {
  {
    test::scoped_tz tz("Africa/Monrovia");
    EXPECT_EQ(parse_local_iso("1970-01-01T11:15:30-00:44:30"), test::utc(1970, 1, 1, 12, 0));
  }
  test::scoped_tz tz("Australia/Lord_Howe");
  const auto instant = parse_local_iso("1026-03-29T02:30");
  ASSERT_TRUE(instant);
  EXPECT_EQ(format_local_iso(*instant), "1026-03-29T02:30:00+10:36:20");
  EXPECT_EQ(parse_local_iso(format_local_iso(*instant)), instant);
  EXPECT_FALSE(parse_local_iso("1026-03-29T02:30:00+10:36:60"));
  EXPECT_FALSE(parse_local_iso("1026-03-29T02:30:00+10:36:2"));
}

} // namespace
} // namespace wm
