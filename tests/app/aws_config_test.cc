// The AWS conventions the app relies on: endpoint resolution, the shared
// config files, and the credential chain.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "../source/temp_dir.h"
#include "aws/credentials/chain.h"
#include "aws/endpoint.h"
#include "aws/environment.h"
#include "aws/shared_config.h"

namespace cw::aws {
namespace {

using cw::testing::TempDir;
using cw::testing::write_file;

// ---- endpoint -----------------------------------------------------------------------

TEST(ResolveLogsEndpoint, PublicEndpointOfTheRegion) {
  Endpoint e = resolve_logs_endpoint("us-east-1", "");
  EXPECT_EQ(e.url, "https://logs.us-east-1.amazonaws.com/");
  EXPECT_EQ(e.host, "logs.us-east-1.amazonaws.com");
  EXPECT_EQ(e.region, "us-east-1");

  e = resolve_logs_endpoint("cn-north-1", "");
  EXPECT_EQ(e.url, "https://logs.cn-north-1.amazonaws.com.cn/");
  EXPECT_EQ(e.host, "logs.cn-north-1.amazonaws.com.cn");
  EXPECT_EQ(resolve_logs_endpoint("cn-northwest-1", "").host, "logs.cn-northwest-1.amazonaws.com.cn");
}

TEST(ResolveLogsEndpoint, LocalEmulator) {
  const Endpoint e = resolve_logs_endpoint("us-east-1", "http://127.0.0.1:5000");
  EXPECT_EQ(e.url, "http://127.0.0.1:5000/");
  EXPECT_EQ(e.host, "127.0.0.1:5000");
  EXPECT_EQ(e.region, "us-east-1");
}

TEST(ResolveLogsEndpoint, DefaultPortsLeaveTheHostHeader) {
  Endpoint e = resolve_logs_endpoint("eu-west-1", "https://logs.example.com:443");
  EXPECT_EQ(e.host, "logs.example.com");
  EXPECT_EQ(e.url, "https://logs.example.com/");
  EXPECT_EQ(resolve_logs_endpoint("eu-west-1", "http://proxy.local:80/").host, "proxy.local");
  EXPECT_EQ(resolve_logs_endpoint("eu-west-1", "https://h:8443").host, "h:8443");
  EXPECT_EQ(resolve_logs_endpoint("eu-west-1", "https://h:4430").host, "h:4430");
  EXPECT_EQ(resolve_logs_endpoint("eu-west-1", "http://h:443").host, "h:443");  // not http's default
}

TEST(ResolveLogsEndpoint, PathIsKept) {
  const Endpoint e = resolve_logs_endpoint("us-west-2", "https://gateway.example.com:443/cloudwatch/logs");
  EXPECT_EQ(e.url, "https://gateway.example.com/cloudwatch/logs");
  EXPECT_EQ(e.host, "gateway.example.com");
}

TEST(ResolveLogsEndpoint, MalformedUrlsThrow) {
  for (const char* bad : {"127.0.0.1:5000", "localhost", "ftp://example.com", "http://", "https:///path",
                          "://host"}) {
    EXPECT_THROW(resolve_logs_endpoint("us-east-1", bad), std::invalid_argument) << bad;
  }
  try {
    resolve_logs_endpoint("us-east-1", "ftp://example.com");
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("ftp://example.com"), std::string::npos);
  }
}

// ---- shared files -------------------------------------------------------------------

TEST(ParseIni, SectionsKeysAndComments) {
  const IniSections s = parse_ini(
      "ignored = before any section\n"
      "# comment\n; comment\n"
      "[default]\r\n"
      "aws_access_key_id = AKIDDEFAULT\r\n"
      "region=eu-west-1\n"
      "\n"
      "[ profile dev ]\n"
      "region = us-west-2\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "\tsignature_version = s3v4\n"
      "output = json # not a comment here\n"
      "[empty]\n");
  ASSERT_EQ(s.size(), 3u);
  EXPECT_EQ(s.at("default").at("aws_access_key_id"), "AKIDDEFAULT");
  EXPECT_EQ(s.at("default").at("region"), "eu-west-1");
  EXPECT_EQ(s.at("default").size(), 2u);
  const auto& dev = s.at("profile dev");
  EXPECT_EQ(dev.at("region"), "us-west-2");
  EXPECT_EQ(dev.count("max_concurrent_requests"), 0u);  // nested settings are skipped
  EXPECT_EQ(dev.count("signature_version"), 0u);
  EXPECT_EQ(dev.at("s3"), "");
  EXPECT_TRUE(s.at("empty").empty());
}

class SharedFilesTest : public ::testing::Test {
 protected:
  SharedFilesTest() {
    env_.set("HOME", dir_.path());  // no real ~/.aws
    env_.set("AWS_SHARED_CREDENTIALS_FILE", credentials_);
    env_.set("AWS_CONFIG_FILE", config_);
    env_.set("AWS_EC2_METADATA_DISABLED", "true");  // never reach for a network endpoint
  }

  Credentials resolve(ProfileChoice choice = {}) { return make_credentials_provider(env_, choice)->get(); }

  std::string failure(ProfileChoice choice = {}) {
    try {
      make_credentials_provider(env_, choice);
    } catch (const CredentialsError& e) {
      return e.what();
    }
    ADD_FAILURE() << "credentials were found";
    return "";
  }

  TempDir dir_;
  std::string credentials_ = dir_ / "credentials";
  std::string config_ = dir_ / "config";
  Environment env_;
};

TEST_F(SharedFilesTest, SharedConfigReadsBothFilesCredentialsFirst) {
  write_file(credentials_, "[default]\nregion = from-credentials\n[dev]\naws_access_key_id = AKIDDEV\n");
  write_file(config_,
             "[default]\nregion = from-config\noutput = json\n"
             "[profile dev]\nregion = us-west-2\n"
             "[sso-session corp]\nregion = nope\n"
             "[services x]\nregion = nope\n");
  const SharedConfig shared = SharedConfig::load(env_);
  EXPECT_EQ(shared.credentials_path(), credentials_);
  EXPECT_EQ(shared.config_path(), config_);
  EXPECT_EQ(shared.get("default", "region"), "from-credentials");
  EXPECT_EQ(shared.get("default", "output"), "json");
  EXPECT_EQ(shared.get("dev", "region"), "us-west-2");
  EXPECT_EQ(shared.get("dev", "aws_access_key_id"), "AKIDDEV");
  EXPECT_TRUE(shared.has_profile("dev"));
  EXPECT_FALSE(shared.has_profile("corp"));
  EXPECT_FALSE(shared.has_profile("sso-session corp"));
  EXPECT_FALSE(shared.get("missing", "region").has_value());
}

TEST_F(SharedFilesTest, DefaultPathsAreUnderHome) {
  Environment env;
  env.set("HOME", "/home/someone");
  const SharedConfig shared = SharedConfig::load(env);
  EXPECT_EQ(shared.credentials_path(), "/home/someone/.aws/credentials");
  EXPECT_EQ(shared.config_path(), "/home/someone/.aws/config");
}

// ---- credential chain ---------------------------------------------------------------

TEST_F(SharedFilesTest, EnvironmentKeysComeFirst) {
  write_file(credentials_, "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\n");
  env_.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env_.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  env_.set("AWS_SESSION_TOKEN", "env-token");
  const Credentials c = resolve();
  EXPECT_EQ(c.access_key_id, "AKIDENV");
  EXPECT_EQ(c.secret_access_key, "env-secret");
  EXPECT_EQ(c.session_token, "env-token");
  EXPECT_EQ(c.source, "environment");
  // A profile named by AWS_PROFILE (not explicit) still comes after them.
  EXPECT_EQ(resolve(ProfileChoice{"default", false}).access_key_id, "AKIDENV");
}

TEST_F(SharedFilesTest, ProfileFromTheSharedCredentialsFile) {
  write_file(credentials_,
             "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = default-secret\n"
             "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = dev-secret\naws_session_token = dev-tok\n");
  Credentials c = resolve();
  EXPECT_EQ(c.access_key_id, "AKIDDEFAULT");
  EXPECT_EQ(c.session_token, "");
  EXPECT_EQ(c.source, "profile default");

  env_.set("AWS_PROFILE", "dev");
  c = resolve();
  EXPECT_EQ(c.access_key_id, "AKIDDEV");
  EXPECT_EQ(c.secret_access_key, "dev-secret");
  EXPECT_EQ(c.session_token, "dev-tok");
  EXPECT_EQ(c.source, "profile dev");
}

TEST_F(SharedFilesTest, StaticKeysInTheConfigFile) {
  write_file(config_, "[profile cfg]\naws_access_key_id = AKIDCFG\naws_secret_access_key = cfg-secret\n");
  EXPECT_EQ(resolve(ProfileChoice{"cfg", true}).access_key_id, "AKIDCFG");
}

TEST_F(SharedFilesTest, AnExplicitProfileIgnoresTheEnvironmentKeys) {
  write_file(credentials_, "[seed]\naws_access_key_id = AKIDSEED\naws_secret_access_key = seed-secret\n");
  env_.set("AWS_ACCESS_KEY_ID", "AKIDENV");
  env_.set("AWS_SECRET_ACCESS_KEY", "env-secret");
  const Credentials c = resolve(ProfileChoice{"seed", true});
  EXPECT_EQ(c.access_key_id, "AKIDSEED");
  EXPECT_EQ(c.source, "profile seed");

  // And a missing explicit profile fails instead of falling back to them.
  const std::string why = failure(ProfileChoice{"absent", true});
  EXPECT_NE(why.find("'absent'"), std::string::npos) << why;
  EXPECT_EQ(why.find("env-secret"), std::string::npos) << why;
}

TEST_F(SharedFilesTest, NothingFoundNamesBothSources) {
  const std::string why = failure();
  EXPECT_NE(why.find("environment"), std::string::npos) << why;
  EXPECT_NE(why.find("AWS_ACCESS_KEY_ID"), std::string::npos) << why;
  EXPECT_NE(why.find("profile"), std::string::npos) << why;
  EXPECT_NE(why.find("'default'"), std::string::npos) << why;
  EXPECT_NE(why.find(credentials_), std::string::npos) << why;
  EXPECT_NE(why.find(config_), std::string::npos) << why;
}

TEST_F(SharedFilesTest, HalfConfiguredSourcesNeverShowTheSecret) {
  env_.set("AWS_SECRET_ACCESS_KEY", "EnvSecretValue123");
  std::string why = failure();
  EXPECT_NE(why.find("AWS_ACCESS_KEY_ID"), std::string::npos) << why;
  EXPECT_EQ(why.find("EnvSecretValue123"), std::string::npos) << why;

  Environment no_env_keys = env_;
  no_env_keys.set("AWS_SECRET_ACCESS_KEY", "");
  env_ = no_env_keys;
  write_file(credentials_, "[default]\naws_secret_access_key = FileSecretValue456\naws_session_token = TokenValue789\n");
  why = failure();
  EXPECT_NE(why.find("'default'"), std::string::npos) << why;
  EXPECT_EQ(why.find("FileSecretValue456"), std::string::npos) << why;
  EXPECT_EQ(why.find("TokenValue789"), std::string::npos) << why;
}

TEST_F(SharedFilesTest, DescribeNeverShowsTheSecret) {
  env_.set("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
  env_.set("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  env_.set("AWS_SESSION_TOKEN", "FwoGZXIvYXdzEXAMPLETOKEN");
  const std::string text = resolve().describe();
  EXPECT_EQ(text.find("wJalrXUtnFEMI"), std::string::npos) << text;
  EXPECT_EQ(text.find("FwoGZXIvYXdz"), std::string::npos) << text;
  EXPECT_NE(text.find("environment"), std::string::npos) << text;
}

}  // namespace
}  // namespace cw::aws
