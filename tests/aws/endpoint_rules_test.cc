// Endpoint resolution against the rule sets: a hand-checked table, and every
// (region, FIPS, dual-stack) combination of a region list cross-checked with
// botocore's rule-set evaluator (endpoint_oracle.py) reading the same JSON.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aws/endpoint.h"
#include "aws/endpoint_rules.h"

namespace cw::aws {
namespace {

std::string resolve_or_error(std::string_view service, const std::string& region, bool fips, bool dual) {
  try {
    return resolve_rule_endpoint(service, region, {fips, dual}).url;
  } catch (const EndpointRuleError& e) {
    return std::string("ERROR ") + e.what();
  }
}

TEST(EndpointRules, HandCheckedTable) {
  struct Row {
    const char* service;
    const char* region;
    bool fips, dual;
    const char* url;
  };
  const Row rows[] = {
      {"logs", "eu-west-1", false, false, "https://logs.eu-west-1.amazonaws.com"},
      {"logs", "us-east-1", true, false, "https://logs-fips.us-east-1.amazonaws.com"},
      {"logs", "us-east-1", false, true, "https://logs.us-east-1.api.aws"},
      {"logs", "us-east-1", true, true, "https://logs-fips.us-east-1.api.aws"},
      {"logs", "cn-north-1", false, false, "https://logs.cn-north-1.amazonaws.com.cn"},
      {"logs", "cn-northwest-1", false, true, "https://logs.cn-northwest-1.api.amazonwebservices.com.cn"},
      {"logs", "us-gov-west-1", false, false, "https://logs.us-gov-west-1.amazonaws.com"},
      {"logs", "us-gov-west-1", true, false, "https://logs.us-gov-west-1.amazonaws.com"},
      {"logs", "us-gov-east-1", true, true, "https://logs-fips.us-gov-east-1.api.aws"},
      {"logs", "us-iso-east-1", false, false, "https://logs.us-iso-east-1.c2s.ic.gov"},
      {"logs", "us-isob-east-1", true, false, "https://logs-fips.us-isob-east-1.sc2s.sgov.gov"},
      {"logs", "mars-north-1", false, false, "https://logs.mars-north-1.amazonaws.com"},  // aws fallback
      {"sts", "eu-central-1", false, false, "https://sts.eu-central-1.amazonaws.com"},
      {"sts", "aws-global", false, false, "https://sts.amazonaws.com"},
      {"sts", "us-gov-west-1", true, false, "https://sts.us-gov-west-1.amazonaws.com"},
      {"sts", "us-east-2", true, false, "https://sts-fips.us-east-2.amazonaws.com"},
      {"sts", "cn-north-1", false, false, "https://sts.cn-north-1.amazonaws.com.cn"},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(resolve_or_error(row.service, row.region, row.fips, row.dual), row.url)
        << row.service << " " << row.region << " fips=" << row.fips << " dual=" << row.dual;
  }
  EXPECT_EQ(resolve_rule_endpoint("sts", "aws-global", {}).signing_region, "us-east-1");
}

TEST(EndpointRules, RefusesWhatTheRuleSetRefuses) {
  EXPECT_THROW(resolve_rule_endpoint("logs", "", {}), EndpointRuleError);
  EXPECT_THROW(resolve_rule_endpoint("logs", "eu-west-1.evil.com/", {}), EndpointRuleError);
  EXPECT_THROW(resolve_logs_endpoint("us-east-1", "http://127.0.0.1:5000", {true, false}), EndpointRuleError);
  EXPECT_THROW(resolve_logs_endpoint("us-east-1", "http://127.0.0.1:5000", {false, true}), EndpointRuleError);
  const Endpoint local = resolve_logs_endpoint("us-east-1", "http://127.0.0.1:5000");
  EXPECT_EQ(local.url, "http://127.0.0.1:5000/");
  EXPECT_EQ(local.host, "127.0.0.1:5000");
  const Endpoint fips = resolve_logs_endpoint("ca-central-1", "", {true, false});
  EXPECT_EQ(fips.url, "https://logs-fips.ca-central-1.amazonaws.com/");
  EXPECT_EQ(fips.host, "logs-fips.ca-central-1.amazonaws.com");
  EXPECT_EQ(fips.region, "ca-central-1");
}

TEST(EndpointRules, PartitionsByNameAndPattern) {
  EXPECT_EQ(partition_of("aws-global").name, "aws");
  EXPECT_EQ(partition_of("aws-cn-global").name, "aws-cn");
  EXPECT_EQ(partition_of("us-gov-east-1").name, "aws-us-gov");
  EXPECT_EQ(partition_of("us-isof-south-1").name, "aws-iso-f");
  EXPECT_EQ(partition_of("eu-isoe-west-1").name, "aws-iso-e");
  EXPECT_EQ(partition_of("eusc-de-east-1").name, "aws-eusc");
  EXPECT_EQ(partition_of("us-east-1").name, "aws");
}

// Every combination, compared with botocore evaluating the rule set JSON.
TEST(EndpointRules, AgreesWithBotocoreOnTheRuleSets) {
  const std::vector<std::string> regions = {
      "us-east-1",     "us-east-2",      "us-west-2",      "eu-west-1",      "eu-central-2",   "ap-southeast-5",
      "ca-west-1",     "il-central-1",   "mx-central-1",   "cn-north-1",     "cn-northwest-1", "us-gov-east-1",
      "us-gov-west-1", "us-iso-east-1",  "us-isob-east-1", "eu-isoe-west-1", "us-isof-south-1", "eusc-de-east-1",
      "aws-global",    "mars-north-1"};
  std::string input;
  std::vector<std::string> expected_keys;
  for (const char* service : {"logs", "sts"}) {
    for (const auto& region : regions) {
      for (int flags = 0; flags < 4; ++flags) {
        const bool fips = flags & 1, dual = flags & 2;
        input += std::string(service) + " " + region + " " + (fips ? "1" : "0") + " " + (dual ? "1" : "0") + "\n";
        expected_keys.push_back(resolve_or_error(service, region, fips, dual));
      }
    }
  }
  const std::string in_path = ::testing::TempDir() + "/endpoint_oracle_in.txt";
  std::ofstream(in_path) << input;
  const std::string command = std::string("CW_SHARED_DIR='") + CW_SHARED_DIR + "' " + CW_PYTHON + " " +
                              CW_ENDPOINT_ORACLE + " < " + in_path;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, n);
  ASSERT_EQ(::pclose(pipe), 0) << "oracle failed: " << output;
  std::istringstream lines(output);
  std::string line;
  std::size_t i = 0;
  for (; std::getline(lines, line); ++i) {
    ASSERT_LT(i, expected_keys.size());
    if (line.starts_with("ERROR")) {
      EXPECT_TRUE(expected_keys[i].starts_with("ERROR")) << "case " << i << ": botocore refuses, we gave "
                                                         << expected_keys[i];
    } else {
      EXPECT_EQ(expected_keys[i], line) << "case " << i;
    }
  }
  EXPECT_EQ(i, expected_keys.size());
}

}  // namespace
}  // namespace cw::aws
