// wingmate.json and wingmate.yaml read into the one tree the schema walks:
// syntax errors, keys given twice, and how YAML's plain scalars are typed.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "harness/process_harness.hpp"
#include "main/config_json.hpp"
#include "main/config_yaml.hpp"

namespace wm {
namespace {

config_tree tree_of_yaml(const std::string& text) {
  auto result = parse_yaml_config(text, "wingmate.yaml");
  EXPECT_TRUE(result.errors.empty()) << result.errors.front();
  return result.document ? result.document->tree : config_tree{};
}

std::vector<std::string> errors_of_yaml(const std::string& text) {
  return parse_yaml_config(text, "wingmate.yaml").errors;
}

std::vector<std::string> errors_of_json(const std::string& text) {
  return parse_json_config(text, "wingmate.json").errors;
}

TEST(ConfigJson, AllowsComments) {
  auto result = parse_json_config("// services\n{\"service\": {/* none yet */}}", "wingmate.json");
  ASSERT_TRUE(result.document);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_TRUE(result.document->tree["service"].is_object());
  EXPECT_TRUE(result.document->plain_text.empty());
}

TEST(ConfigJson, KeepsTheOrderOfTheFile) {
  auto result = parse_json_config(R"({"service": {"zeta": {}, "alpha": {}}})", "wingmate.json");
  ASSERT_TRUE(result.document);
  EXPECT_EQ(result.document->tree["service"].begin().key(), "zeta");
}

TEST(ConfigJson, ASyntaxErrorNamesTheFileAndThePlace) {
  auto errors = errors_of_json("{\n  \"service\": {\n    \"web\": {\"command\": [\"a\",]}\n}");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("wingmate.json: is not valid JSON: parse error at line 3"))
    << errors[0];
  EXPECT_NE(errors[0].find("fix the syntax (comments with // and /* */ are allowed)"),
            std::string::npos);
  EXPECT_EQ(errors[0].find("[json.exception"), std::string::npos) << errors[0];
}

TEST(ConfigJson, AnEmptyFileIsASyntaxError) {
  ASSERT_EQ(errors_of_json("").size(), 1u);
  EXPECT_NE(errors_of_json("")[0].find("is not valid JSON"), std::string::npos);
}

TEST(ConfigJson, AKeyGivenTwiceIsAnErrorWithItsPath) {
  auto result = parse_json_config(R"({"service": {"web": {"command": ["a"], "command": ["b"]},
                                      "db": {"environ": [{"x": 1, "x": 2}]}}})",
                                  "wingmate.json");
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_EQ(result.errors[0], "wingmate.json: service.web.command: given twice; keep one of "
                              "them (JSON would silently use the last)");
  EXPECT_TRUE(result.errors[1].starts_with("wingmate.json: service.db.environ[0].x: given twice"))
    << result.errors[1];
  EXPECT_TRUE(result.document); // the rest is still checked
}

TEST(ConfigJson, DuplicatesInSeparateObjectsAreFine) {
  EXPECT_TRUE(errors_of_json(R"({"service": {"a": {"main": true}, "b": {"main": false}}})")
                .empty());
}

TEST(ConfigYaml, PlainScalarsFollowTheCoreSchema) {
  auto tree = tree_of_yaml("a: true\nb: False\nc: 5\nd: -3\ne: 0.25\nf: 1e3\ng: ~\nh: null\n"
                           "i:\nj: text\nk: 0x1F\nl: 0o17\nm: yes\nn: 1.2.3\n");
  EXPECT_EQ(tree["a"], true);
  EXPECT_EQ(tree["b"], false);
  EXPECT_EQ(tree["c"], 5);
  EXPECT_TRUE(tree["c"].is_number_unsigned());
  EXPECT_EQ(tree["d"], -3);
  EXPECT_EQ(tree["e"], 0.25);
  EXPECT_EQ(tree["f"], 1000.0);
  EXPECT_TRUE(tree["g"].is_null());
  EXPECT_TRUE(tree["h"].is_null());
  EXPECT_TRUE(tree["i"].is_null());
  EXPECT_EQ(tree["j"], "text");
  EXPECT_EQ(tree["k"], 31);
  EXPECT_EQ(tree["l"], 15);
  EXPECT_EQ(tree["m"], "yes"); // YAML 1.1's booleans are plain strings in 1.2
  EXPECT_EQ(tree["n"], "1.2.3");
}

TEST(ConfigYaml, QuotedAndStrTaggedScalarsStayStrings) {
  auto tree = tree_of_yaml("a: \"5\"\nb: '5'\nc: !!str true\nd: \"null\"\n");
  EXPECT_EQ(tree["a"], "5");
  EXPECT_EQ(tree["b"], "5");
  EXPECT_EQ(tree["c"], "true");
  EXPECT_EQ(tree["d"], "null");
}

TEST(ConfigYaml, KeepsTheTextOfPlainScalarsReadAsNumbers) {
  auto result = parse_yaml_config("command: [chmod, 0755, /srv]\nuser: 1200\n", "wingmate.yaml");
  ASSERT_TRUE(result.document);
  const auto& plain = result.document->plain_text;
  EXPECT_EQ(plain.at(key_path{}.key("command").index(1)), "0755");
  EXPECT_EQ(plain.at(key_path{}.key("user")), "1200");
  EXPECT_FALSE(plain.contains(key_path{}.key("command").index(0)));
  EXPECT_EQ(result.document->tree["command"][1], 755);
}

TEST(ConfigYaml, SequencesAndMapsBecomeArraysAndObjects) {
  auto tree = tree_of_yaml("service:\n  web:\n    command:\n      - nginx\n      - -g\n");
  EXPECT_EQ(tree["service"]["web"]["command"], (config_tree{"nginx", "-g"}));
}

TEST(ConfigYaml, AliasesAreResolved) {
  auto tree = tree_of_yaml("base: &env [\"A=1\"]\ncopy: *env\n");
  EXPECT_EQ(tree["copy"], (config_tree{"A=1"}));
}

TEST(ConfigYaml, AnEmptyFileConfiguresNothing) {
  for (const char* text : {"", "# all commented out\n", "---\n"}) {
    auto result = parse_yaml_config(text, "wingmate.yaml");
    ASSERT_TRUE(result.document) << text;
    EXPECT_TRUE(result.errors.empty()) << text;
    EXPECT_TRUE(result.document->tree.is_null()) << text;
  }
}

TEST(ConfigYaml, ASyntaxErrorNamesTheFileAndThePlace) {
  auto errors = errors_of_yaml("service:\n  web:\n    command: [a, b\n  db: x\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_TRUE(errors[0].starts_with("wingmate.yaml: is not valid YAML: ")) << errors[0];
  EXPECT_NE(errors[0].find(" at line "), std::string::npos) << errors[0];
  EXPECT_TRUE(errors[0].ends_with("; fix the syntax")) << errors[0];
}

TEST(ConfigYaml, AnUnquotedAtSignIsASyntaxError) {
  auto errors = errors_of_yaml("schedule: @daily\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("line 1, column 11"), std::string::npos) << errors[0];
}

TEST(ConfigYaml, AKeyGivenTwiceIsAnErrorWithItsPathAndLine) {
  auto result = parse_yaml_config("service:\n  web:\n    command: [a]\n  web:\n    main: true\n",
                                  "wingmate.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "wingmate.yaml: service.web: given twice (again at line 4, "
                              "column 3); keep one of them");
  ASSERT_TRUE(result.document);
  EXPECT_EQ(result.document->tree["service"]["web"]["command"], (config_tree{"a"}));
}

TEST(ConfigYaml, MoreThanOneDocumentIsAnError) {
  auto errors = errors_of_yaml("service: {}\n---\ncron: {}\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "wingmate.yaml: holds 2 YAML documents (separated by ---); put "
                       "everything in one");
}

TEST(ConfigYaml, AKeyThatIsAListIsAnError) {
  auto errors = errors_of_yaml("? [a, b]\n: 1\n");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("a key must be a plain name"), std::string::npos) << errors[0];
}

TEST(KeyPath, ReadsLikeTheFile) {
  key_path root;
  EXPECT_EQ(root.text(), "");
  EXPECT_EQ(root.key("service").key("web").key("command").index(2).text(),
            "service.web.command[2]");
  EXPECT_EQ(root.key("service").key("web.sh").key("main").text(), "service.\"web.sh\".main");
  EXPECT_EQ(root.key("service").key("my app").text(), "service.\"my app\"");
}

TEST(ConfigFiles, AnUnreadableFileIsAnErrorNamingIt) {
  auto json = read_json_config("/nonexistent/wingmate.json", "wingmate.json");
  ASSERT_EQ(json.errors.size(), 1u);
  EXPECT_TRUE(json.errors[0].starts_with("wingmate.json: cannot read /nonexistent/wingmate.json"))
    << json.errors[0];
  auto yaml = read_yaml_config("/nonexistent/wingmate.yaml", "wingmate.yaml");
  ASSERT_EQ(yaml.errors.size(), 1u);
  EXPECT_FALSE(yaml.document);
}

TEST(ConfigFiles, ADirectoryOrANamedPipeIsRefusedWithoutWaiting) {
  test::temp_dir dir;
  std::filesystem::create_directory(dir / "wingmate.json");
  ASSERT_EQ(::mkfifo((dir / "wingmate.yaml").c_str(), 0644), 0);
  // Opening a named pipe for reading would wait for a writer forever.
  auto json = read_json_config(dir / "wingmate.json", "wingmate.json");
  ASSERT_EQ(json.errors.size(), 1u);
  EXPECT_EQ(json.errors[0], "wingmate.json: " + (dir / "wingmate.json").string()
                              + " is a directory, not a file; replace it with the config file "
                                "or remove it");
  EXPECT_FALSE(json.document);
  auto yaml = read_yaml_config(dir / "wingmate.yaml", "wingmate.yaml");
  ASSERT_EQ(yaml.errors.size(), 1u);
  EXPECT_EQ(yaml.errors[0], "wingmate.yaml: " + (dir / "wingmate.yaml").string()
                              + " is a named pipe, not a file; replace it with the config file "
                                "or remove it");
  EXPECT_FALSE(yaml.document);
}

TEST(ConfigFiles, ARegularFileIsReadWhole) {
  test::temp_dir dir;
  std::string big = "{\"service\": {}, \"cron\": {}}";
  big.append(200 * 1024, ' '); // longer than one read
  dir.write("wingmate.json", big);
  auto json = read_json_config(dir / "wingmate.json", "wingmate.json");
  EXPECT_EQ(json.errors, std::vector<std::string>{});
  EXPECT_TRUE(json.document);
}

} // namespace
} // namespace wm
