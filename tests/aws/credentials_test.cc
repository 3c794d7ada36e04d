// The credential chain without network: environment keys and Docker secrets,
// profiles (static keys, credential_process, role_arn mistakes), the chain's
// precedence, the one-line diagnostic, and the small parsers (STS XML, ISO
// 8601, container URI rule). No message may contain a secret.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <string>

#include "aws/credentials/chain.h"
#include "aws/credentials/env_secret.h"
#include "aws/iso8601.h"
#include "aws/credentials/container_provider.h"
#include "aws/credentials/sts_xml.h"

namespace cw::aws {
namespace {

constexpr const char* kSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr const char* kToken = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN+/=";

class TempFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    static std::atomic<int> counter{0};
    dir_ = ::testing::TempDir() + "/cred-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
    ::mkdir(dir_.c_str(), 0700);
    // A home with no ~/.aws and IMDS off: nothing of the machine leaks in.
    env_.set("HOME", dir_);
    env_.set("AWS_EC2_METADATA_DISABLED", "true");
  }
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  std::string error_of(const ProfileChoice& profile = {}) {
    try {
      make_credentials_provider(env_, profile);
    } catch (const CredentialsError& e) {
      const std::string message = e.what();
      EXPECT_EQ(message.find(kSecret), std::string::npos) << message;
      EXPECT_EQ(message.find(kToken), std::string::npos) << message;
      EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
      return message;
    }
    ADD_FAILURE() << "expected a CredentialsError";
    return {};
  }

  std::string dir_;
  Environment env_;
};

using EnvironmentSource = TempFiles;

TEST_F(EnvironmentSource, KeysAndSessionToken) {
  env_.set("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE123456");
  env_.set("AWS_SECRET_ACCESS_KEY", kSecret);
  env_.set("AWS_SESSION_TOKEN", kToken);
  auto provider = make_credentials_provider(env_, {});
  const Credentials c = provider->get();
  EXPECT_EQ(c.access_key_id, "AKIAENVEXAMPLE123456");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, kToken);
  EXPECT_EQ(c.source, "environment");
  EXPECT_FALSE(provider->expiration());
  EXPECT_EQ(c.describe().find(kSecret), std::string::npos);
}

TEST_F(EnvironmentSource, DockerSecretFiles) {
  env_.set("AWS_ACCESS_KEY_ID_FILE", write("id", "AKIAFILEEXAMPLE12345\n"));
  env_.set("AWS_SECRET_ACCESS_KEY_FILE", write("secret", std::string(kSecret) + "\n"));
  env_.set("AWS_SESSION_TOKEN_FILE", write("token", std::string(kToken) + "\r\n"));
  const Credentials c = make_credentials_provider(env_, {})->get();
  EXPECT_EQ(c.access_key_id, "AKIAFILEEXAMPLE12345");
  EXPECT_EQ(c.secret_access_key, kSecret);
  EXPECT_EQ(c.session_token, kToken);
}

TEST_F(EnvironmentSource, SecretFileMistakesAreOneLine) {
  env_.set("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE123456");
  env_.set("AWS_SECRET_ACCESS_KEY_FILE", dir_ + "/missing");
  {
    const std::string message = error_of();
    EXPECT_NE(message.find("AWS_SECRET_ACCESS_KEY_FILE " + dir_ + "/missing cannot be read"), std::string::npos)
        << message;
  }
  env_.set("AWS_SECRET_ACCESS_KEY", kSecret);
  env_.set("AWS_SECRET_ACCESS_KEY_FILE", write("secret", kSecret));
  EXPECT_NE(error_of().find("both AWS_SECRET_ACCESS_KEY and AWS_SECRET_ACCESS_KEY_FILE are set"), std::string::npos);
}

TEST_F(EnvironmentSource, HalfAKeyPairStopsTheChain) {
  env_.set("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE123456");
  write("credentials", std::string("[default]\naws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = ") +
                           kSecret + "\n");
  env_.set("AWS_SHARED_CREDENTIALS_FILE", dir_ + "/credentials");
  EXPECT_NE(error_of().find("environment: AWS_SECRET_ACCESS_KEY (or its _FILE variant) is not set"),
            std::string::npos);
}

using ProfileSource = TempFiles;

TEST_F(ProfileSource, StaticKeysFromTheCredentialsFile) {
  env_.set("AWS_SHARED_CREDENTIALS_FILE",
           write("credentials", std::string("[dev]\naws_access_key_id = AKIAPROFILE000000000\naws_secret_access_key = ") +
                                    kSecret + "\n"));
  env_.set("AWS_PROFILE", "dev");
  const Credentials c = make_credentials_provider(env_, {})->get();
  EXPECT_EQ(c.access_key_id, "AKIAPROFILE000000000");
  EXPECT_EQ(c.source, "profile dev");
}

TEST_F(ProfileSource, CredentialProcessWithExpiration) {
  const std::string script = write("creds.sh",
                                   std::string("#!/bin/sh\ncat <<'JSON'\n{\"Version\": 1, \"AccessKeyId\": "
                                               "\"ASIAPROCESS000000000\", \"SecretAccessKey\": \"") +
                                       kSecret + "\", \"SessionToken\": \"" + kToken +
                                       "\", \"Expiration\": \"2099-01-02T03:04:05Z\"}\nJSON\n",
                                   0700);
  env_.set("AWS_CONFIG_FILE", write("config", "[profile proc]\ncredential_process = " + script + " --flag\n"));
  const auto provider = make_credentials_provider(env_, {"proc", true});
  const Credentials c = provider->get();
  EXPECT_EQ(c.access_key_id, "ASIAPROCESS000000000");
  EXPECT_EQ(c.session_token, kToken);
  ASSERT_TRUE(provider->expiration());
  EXPECT_EQ(format_iso8601(*provider->expiration()), "2099-01-02T03:04:05Z");
}

TEST_F(ProfileSource, CredentialProcessFailuresNameTheProgramOnly) {
  const std::string bad_json = write("bad.sh", std::string("#!/bin/sh\necho '{\"Version\": 1, \"SecretAccessKey\": \"") +
                                                   kSecret + "\"'\n", 0700);
  env_.set("AWS_CONFIG_FILE", write("config", "[profile p]\ncredential_process = " + bad_json + " " + kToken + "\n"));
  std::string message = error_of({"p", true});
  EXPECT_NE(message.find("credential_process " + bad_json + " of profile p: the answer is not a JSON object"),
            std::string::npos)
      << message;
  env_.set("AWS_CONFIG_FILE", write("config", "[profile p]\ncredential_process = /bin/false\n"));
  message = error_of({"p", true});
  EXPECT_NE(message.find("exited with status 1"), std::string::npos) << message;
}

TEST_F(ProfileSource, RoleMistakesAreExplained) {
  env_.set("AWS_CONFIG_FILE", write("config",
                                    "[profile a]\nrole_arn = arn:aws:iam::123456789012:role/a\nsource_profile = b\n"
                                    "[profile b]\nrole_arn = arn:aws:iam::123456789012:role/b\nsource_profile = a\n"
                                    "[profile m]\nrole_arn = arn:aws:iam::123456789012:role/m\nmfa_serial = x\n"
                                    "[profile n]\nrole_arn = arn:aws:iam::123456789012:role/n\n"
                                    "[profile s]\nsso_session = corp\n"));
  EXPECT_NE(error_of({"a", true}).find("chain loops back"), std::string::npos);
  EXPECT_NE(error_of({"m", true}).find("mfa_serial"), std::string::npos);
  EXPECT_NE(error_of({"n", true}).find("role_arn needs source_profile"), std::string::npos);
  EXPECT_NE(error_of({"s", true}).find("SSO profiles are not supported"), std::string::npos);
  EXPECT_NE(error_of({"nope", true}).find("profile 'nope'"), std::string::npos);
}

using Chain = TempFiles;

TEST_F(Chain, EnvironmentComesBeforeTheProfileUnlessTheProfileIsExplicit) {
  env_.set("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE123456");
  env_.set("AWS_SECRET_ACCESS_KEY", kSecret);
  env_.set("AWS_SHARED_CREDENTIALS_FILE",
           write("credentials", std::string("[default]\naws_access_key_id = AKIAPROFILE000000000\n"
                                            "aws_secret_access_key = ") + kSecret + "\n"));
  EXPECT_EQ(make_credentials_provider(env_, {})->get().source, "environment");
  EXPECT_EQ(make_credentials_provider(env_, {"default", true})->get().source, "profile default");
}

TEST_F(Chain, WebIdentityComesBeforeTheProfileAndItsFailureStopsTheChain) {
  env_.set("AWS_SHARED_CREDENTIALS_FILE",
           write("credentials", std::string("[default]\naws_access_key_id = AKIAPROFILE000000000\n"
                                            "aws_secret_access_key = ") + kSecret + "\n"));
  env_.set("AWS_WEB_IDENTITY_TOKEN_FILE", write("token", kToken));
  env_.set("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/web");
  env_.set("AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9");  // discard port: nothing listens
  const std::string message = error_of();
  EXPECT_NE(message.find("web identity: STS AssumeRoleWithWebIdentity for arn:aws:iam::123456789012:role/web"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find("profile"), std::string::npos) << "later sources are not tried: " << message;
}

TEST_F(Chain, ProfileComesBeforeTheContainer) {
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds");
  env_.set("AWS_SHARED_CREDENTIALS_FILE",
           write("credentials", std::string("[default]\naws_access_key_id = AKIAPROFILE000000000\n"
                                            "aws_secret_access_key = ") + kSecret + "\n"));
  EXPECT_EQ(make_credentials_provider(env_, {})->get().source, "profile default");
}

TEST_F(Chain, ContainerFullUriMustBeSafe) {
  env_.set("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://example.com/creds");
  EXPECT_NE(error_of().find("container: AWS_CONTAINER_CREDENTIALS_FULL_URI http://example.com/creds must be https"),
            std::string::npos);
}

TEST_F(Chain, OneLineNamesEverySourceWhenNothingWorks) {
  const std::string message = error_of();
  EXPECT_EQ(message,
            "no AWS credentials found: environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or their _FILE "
            "variants) not set; web identity: AWS_WEB_IDENTITY_TOKEN_FILE not set; profile 'default' not found in " +
                dir_ + "/.aws/credentials or " + dir_ +
                "/.aws/config; container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI not set; IMDS: "
                "disabled by AWS_EC2_METADATA_DISABLED");
}

TEST_F(Chain, ImdsUnreachableIsNamed) {
  env_.set("AWS_EC2_METADATA_DISABLED", "false");
  env_.set("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9");
  const std::string message = error_of();
  EXPECT_NE(message.find("; IMDS: token request to http://127.0.0.1:9/latest/api/token failed"), std::string::npos)
      << message;
}

TEST(ContainerUri, OnlyHttpsLoopbackAndTheAgentHosts) {
  EXPECT_TRUE(container_uri_allowed("https://creds.example.com/x"));
  EXPECT_TRUE(container_uri_allowed("http://127.0.0.1:8080/creds"));
  EXPECT_TRUE(container_uri_allowed("http://127.9.8.7/creds"));
  EXPECT_TRUE(container_uri_allowed("http://localhost/creds"));
  EXPECT_TRUE(container_uri_allowed("http://[::1]:80/creds"));
  EXPECT_TRUE(container_uri_allowed("http://169.254.170.2/v2/credentials"));
  EXPECT_TRUE(container_uri_allowed("http://169.254.170.23/v1/credentials"));
  EXPECT_TRUE(container_uri_allowed("http://[fd00:ec2::23]/v1/credentials"));
  EXPECT_FALSE(container_uri_allowed("http://169.254.169.254/latest"));
  EXPECT_FALSE(container_uri_allowed("http://example.com/creds"));
  EXPECT_FALSE(container_uri_allowed("http://127.0.0.1.evil.com/creds"));
  EXPECT_FALSE(container_uri_allowed("ftp://127.0.0.1/creds"));
}

TEST(StsXml, ExtractsAndDecodes) {
  const std::string xml =
      "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>"
      "<Credentials><AccessKeyId>ASIAEXAMPLE</AccessKeyId><SecretAccessKey>a/b+c</SecretAccessKey>"
      "<SessionToken>x&amp;y&#43;z&#x2F;</SessionToken><Expiration>2026-01-01T00:00:00Z</Expiration>"
      "</Credentials><AssumedRoleUser><Arn>arn</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>";
  EXPECT_EQ(xml_element_text(xml, "AccessKeyId"), "ASIAEXAMPLE");
  EXPECT_EQ(xml_element_text(xml, "SecretAccessKey"), "a/b+c");
  EXPECT_EQ(xml_element_text(xml, "SessionToken"), "x&y+z/");
  EXPECT_EQ(xml_element_text(xml, "Arn"), "arn");
  EXPECT_FALSE(xml_element_text(xml, "Access"));
  EXPECT_FALSE(xml_element_text(xml, "Missing"));
}

TEST(StsXml, ReadsCdataCommentsAndPrefixesAsXmlSays) {
  const std::string xml =
      "<?xml version=\"1.0\"?><!-- <Code>not this</Code> -->"
      "<sts:ErrorResponse xmlns:sts=\"https://sts.amazonaws.com/doc/2011-06-15/\"><sts:Error>"
      "<sts:Code>AccessDenied</sts:Code><Message><![CDATA[a <b> & c]]> &lt;d&gt;</Message>"
      "<Message>second</Message><Empty/></sts:Error></sts:ErrorResponse>";
  EXPECT_EQ(xml_element_text(xml, "Code"), "AccessDenied");
  EXPECT_EQ(xml_element_text(xml, "Message"), "a <b> & c <d>");  // the first one
  EXPECT_EQ(xml_element_text(xml, "Empty"), "");
  EXPECT_FALSE(xml_element_text("<Code>unclosed", "Code"));
  EXPECT_FALSE(xml_element_text("not xml at all", "Code"));
  EXPECT_FALSE(xml_element_text("", "Code"));
}

TEST(Iso8601, FormsCredentialSourcesUse) {
  const auto base = parse_iso8601("2026-01-02T03:04:05Z");
  ASSERT_TRUE(base);
  EXPECT_EQ(format_iso8601(*base), "2026-01-02T03:04:05Z");
  EXPECT_EQ(parse_iso8601("2026-01-02T03:04:05.500Z"), *base + std::chrono::milliseconds(500));
  EXPECT_EQ(parse_iso8601("2026-01-02T05:04:05+02:00"), *base);
  EXPECT_EQ(parse_iso8601("2026-01-02T03:04:05+0000"), *base);
  EXPECT_FALSE(parse_iso8601("2026-01-02T03:04:05"));
  EXPECT_FALSE(parse_iso8601("2026-02-30T03:04:05Z"));
  EXPECT_FALSE(parse_iso8601("soon"));
  // Found by fuzz/credentials_json_fuzz.cc: a year the clock cannot hold overflowed.
  EXPECT_EQ(parse_iso8601("9999-12-31T23:59:59Z"), std::chrono::system_clock::time_point::max());
  EXPECT_FALSE(parse_iso8601("1000-01-01T00:00:00Z"));
  EXPECT_TRUE(parse_iso8601("2261-12-31T23:59:59Z"));
}

}  // namespace
}  // namespace cw::aws
