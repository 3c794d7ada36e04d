#include "transform/top_level_fields.h"

#include <gtest/gtest.h>

namespace cw::transform {
namespace {

using Found = std::vector<std::optional<std::string>>;

Found read(TopLevelFields& fields, std::string_view line) {
  Found out;
  for (const auto& value : fields.read(line)) out.push_back(value ? std::optional<std::string>(*value) : std::nullopt);
  return out;
}

TEST(TopLevelFields, StringValuesOfTheNamedTopLevelFields) {
  TopLevelFields fields({"service", "level"});
  EXPECT_EQ(read(fields, R"({"level":"INFO","n":{"service":"inner"},"service":"api\u002d1"})"),
            (Found{"api-1", "INFO"}));
  EXPECT_EQ(read(fields, R"({"service":7,"level":"WARN"})"), (Found{std::nullopt, "WARN"}));  // not a string
  EXPECT_EQ(read(fields, R"({"service":"a","service":"b"})"), (Found{"b", std::nullopt}));  // the last one wins
  EXPECT_EQ(read(fields, R"({"service":"a","service":null})"), (Found{std::nullopt, std::nullopt}));
}

TEST(TopLevelFields, NothingFromWhatIsNotAnObject) {
  TopLevelFields fields({"service"});
  EXPECT_EQ(read(fields, "plain text"), (Found{std::nullopt}));
  EXPECT_EQ(read(fields, R"(["service","x"])"), (Found{std::nullopt}));
  EXPECT_EQ(read(fields, ""), (Found{std::nullopt}));
  EXPECT_EQ(read(fields, R"({"service":"api","msg":"cut)"), (Found{std::nullopt}));  // not JSON
}

}  // namespace
}  // namespace cw::transform
