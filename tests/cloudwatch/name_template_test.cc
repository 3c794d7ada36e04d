#include "cloudwatch/name_template.h"

#include <gtest/gtest.h>

#include <map>

namespace cw::cloudwatch {
namespace {

StartValues start_values() {
  StartValues values;
  values.prefix = "web";
  values.hostname = "node-1";
  values.env = [](std::string_view name) -> std::optional<std::string> {
    static const std::map<std::string, std::string, std::less<>> kEnv = {{"POD_NAME", "api-7d9f:x"}, {"EMPTY", ""}};
    const auto it = kEnv.find(name);
    return it == kEnv.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  values.ecs = [](std::string_view, std::string& why) -> std::optional<std::string> {
    why = "ECS_CONTAINER_METADATA_URI_V4 is not set";
    return std::nullopt;
  };
  return values;
}

NameTemplate resolved(std::string_view text, NameKind kind, std::vector<std::string>& fields) {
  NameTemplate t = NameTemplate::parse(text, kind, "SETTING", fields);
  t.resolve(start_values());
  return t;
}

std::string render(std::string_view text, NameKind kind = NameKind::kStream, std::string_view path = "app/api.log",
                   std::vector<std::optional<std::string_view>> field_values = {}) {
  std::vector<std::string> fields;
  const NameTemplate t = resolved(text, kind, fields);
  const FileNameParts parts = file_name_parts(path);
  return t.render(NameContext{parts.file, parts.file_stem, parts.dir, "20261207", field_values});
}

std::string error_of(std::string_view text, NameKind kind = NameKind::kStream) {
  try {
    render(text, kind);
  } catch (const NameTemplateError& e) {
    return e.what();
  }
  return "";
}

TEST(NameTemplate, TheSeedsNameIsPrefixAndDate) { EXPECT_EQ(render("{prefix}_{date}"), "web_20261207"); }

TEST(NameTemplate, FilePlaceholders) {
  EXPECT_EQ(render("{file}|{file_stem}|{dir}"), "api.log|api|app");
  EXPECT_EQ(render("{file}|{file_stem}|{dir}", NameKind::kStream, "a.b.log"), "a.b.log|a.b|.");
  EXPECT_EQ(render("{file_stem}", NameKind::kStream, ".hidden"), ".hidden");
  EXPECT_EQ(render("{dir}", NameKind::kStream, "x/y/z.log"), "x/y");
}

TEST(NameTemplate, EnvironmentAndDefaults) {
  EXPECT_EQ(render("{hostname}/{env:POD_NAME}"), "node-1/api-7d9f_x");  // ':' is not allowed in a stream
  EXPECT_EQ(render("{env:MISSING:-none}-{env:EMPTY:-e}"), "none-e");
  EXPECT_NE(error_of("{env:MISSING}").find("{env:MISSING}, which is not set"), std::string::npos);
}

TEST(NameTemplate, FieldsGetTheirIndexAndDefaults) {
  std::vector<std::string> fields{"already"};
  const NameTemplate t = resolved("{field:service:-none}.{field:level}.{field:service}", NameKind::kGroup, fields);
  EXPECT_EQ(fields, (std::vector<std::string>{"already", "service", "level"}));
  EXPECT_TRUE(t.uses_fields());
  const std::vector<std::optional<std::string_view>> values = {std::nullopt, "a b", std::nullopt};
  EXPECT_EQ(t.render(NameContext{"", "", ".", "", values}), "a_b..a_b");
  const std::vector<std::optional<std::string_view>> absent = {std::nullopt, "", std::nullopt};
  EXPECT_EQ(t.render(NameContext{"", "", ".", "", absent}), "none..");
}

TEST(NameTemplate, ValuesAreMadeValidForTheirKind) {
  EXPECT_EQ(render("g/{file}", NameKind::kGroup, "caf\u00e9 1.log"), "g/caf__1.log");
  EXPECT_EQ(render("s-{file}", NameKind::kStream, "caf\u00e9*\t.log"), "s-caf\u00e9__.log");
}

TEST(NameTemplate, NamesAreCutAt512BytesAndNeverEmpty) {
  const std::string long_name(600, 'x');
  EXPECT_EQ(render("{file}", NameKind::kStream, long_name).size(), 512u);
  // Not inside a UTF-8 sequence: 255 two-byte characters and a third byte.
  std::string utf8 = "a";
  for (int i = 0; i < 300; ++i) utf8 += "\u00e9";
  EXPECT_EQ(render("{file}", NameKind::kStream, utf8).size(), 511u);
  std::vector<std::string> fields;
  const NameTemplate t = resolved("{field:x}", NameKind::kStream, fields);
  EXPECT_EQ(t.render(NameContext{}), "_");
}

TEST(NameTemplate, WhatIsWrongAsWrittenIsAnError) {
  EXPECT_NE(error_of("{pod}").find("unknown placeholder {pod}"), std::string::npos);
  EXPECT_NE(error_of("a{date").find("not closed"), std::string::npos);
  EXPECT_NE(error_of("a{da{te}").find("not closed"), std::string::npos);
  EXPECT_NE(error_of("a}b").find("'}'"), std::string::npos);
  EXPECT_NE(error_of("{env:}").find("needs a variable name"), std::string::npos);
  EXPECT_NE(error_of("{env:1X}").find("needs a variable name"), std::string::npos);
  EXPECT_NE(error_of("{field:}").find("needs a field name"), std::string::npos);
  EXPECT_NE(error_of("a:b").find("':'"), std::string::npos);
  EXPECT_NE(error_of("{field:x:-a*b}").find("'*'"), std::string::npos);  // a default is literal
  EXPECT_NE(error_of("my group", NameKind::kGroup).find("letters, digits"), std::string::npos);
  EXPECT_NE(error_of("aws/x", NameKind::kGroup).find("aws/"), std::string::npos);
  EXPECT_NE(error_of("").find("must not be empty"), std::string::npos);
  EXPECT_NE(error_of(std::string(513, 'g'), NameKind::kGroup).find("too long"), std::string::npos);
  EXPECT_EQ(error_of("{date}/{hostname}", NameKind::kGroup), "");
}

TEST(NameTemplate, EcsPlaceholdersNeedTheTaskMetadata) {
  std::vector<std::string> fields;
  NameTemplate t = NameTemplate::parse("{ecs_family}/{ecs_task_id}", NameKind::kStream, "LOG_STREAM_NAME", fields);
  EXPECT_TRUE(t.uses_ecs());
  EXPECT_NE(error_of("{ecs_task_id}").find("ECS_CONTAINER_METADATA_URI_V4 is not set"), std::string::npos);
  StartValues values = start_values();
  values.ecs = [](std::string_view name, std::string&) -> std::optional<std::string> {
    if (name == "ecs_family") return "api";
    if (name == "ecs_task_id") return "0123abcd";
    return std::nullopt;
  };
  t.resolve(values);
  EXPECT_EQ(t.render(NameContext{}), "api/0123abcd");
}

}  // namespace
}  // namespace cw::cloudwatch
