#include "app/config.h"
#include "app/descriptor_limit.h"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "../source/temp_dir.h"

namespace cw::app {
namespace {

using cw::testing::read_file;
using cw::testing::TempDir;
using cw::testing::write_file;

// Runs every test inside a fresh temporary working directory (the default
// dotenv file env/<ENVIRONMENT>/.env and LOG_PATH are relative to it), with
// HOME pointing there too so no real ~/.aws file is read.
class ConfigTest : public ::testing::Test {
 protected:
  ConfigTest() {
    char buffer[4096];
    old_cwd_ = ::getcwd(buffer, sizeof buffer) ? buffer : "/";
    EXPECT_EQ(::chdir(dir_.path().c_str()), 0);
    cwd_ = std::filesystem::current_path().string();  // resolved, as getcwd reports it
    env_ = bare_env();
    env_.set("AWS_REGION", "us-east-1");
  }

  // No region, no real ~/.aws, and never the EC2 instance metadata endpoint.
  aws::Environment bare_env() const {
    aws::Environment env;
    env.set("HOME", dir_.path());
    env.set("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }
  ~ConfigTest() override { EXPECT_EQ(::chdir(old_cwd_.c_str()), 0); }

  Config parse(std::vector<std::string> args) { return parse_with(std::move(args), env_); }

  static Config parse_with(std::vector<std::string> args, const aws::Environment& env) {
    std::vector<const char*> argv{"cw-sidecar"};
    for (const auto& a : args) argv.push_back(a.c_str());
    Config config;
    EXPECT_EQ(parse_command_line(static_cast<int>(argv.size()), argv.data(), env, config), Command::kRun);
    return config;
  }

  // The ConfigError message, or "" when none was thrown.
  std::string error_of(std::vector<std::string> args) {
    try {
      parse(std::move(args));
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "";
  }

  std::string dotenv(std::string_view content, std::string_view name = "test.env") {
    const std::string path = dir_ / name;
    write_file(path, content);
    return path;
  }

  TempDir dir_;
  std::string old_cwd_;
  std::string cwd_;
  aws::Environment env_;
};

TEST_F(ConfigTest, Defaults) {
  const Config c = parse({});
  EXPECT_EQ(c.log_path, cwd_);
  EXPECT_EQ(c.log_extension, "log");
  EXPECT_EQ(c.sources[0].log_group, "python_logs_example");
  EXPECT_EQ(c.log_stream_prefix, "default");
  EXPECT_EQ(c.region, "us-east-1");
  EXPECT_EQ(c.endpoint_url, "");
  EXPECT_EQ(c.profile, "");
  EXPECT_FALSE(c.profile_explicit);
  EXPECT_EQ(c.state_dir, cwd_ + "/.cw-sidecar");
  EXPECT_EQ(c.sources[0].exclude_fields, (std::vector<std::string>{"@timestamp", "logger"}));
  EXPECT_EQ(c.sources[0].timestamp_field, "@timestamp");
  EXPECT_EQ(c.environment, "local");
  EXPECT_EQ(c.env_file, "env/local/.env");
  EXPECT_FALSE(c.once);
  EXPECT_EQ(c.poll_interval.count(), 500);
  EXPECT_EQ(c.sources[0].max_message_bytes, 1'048'550u);
  EXPECT_EQ(c.log_level, LogLevel::kInfo);
  EXPECT_EQ(c.connect_timeout.count(), 3000);
  EXPECT_EQ(c.request_timeout.count(), 30000);
  EXPECT_EQ(c.checkpoint_sync.count(), 1000);
}

TEST_F(ConfigTest, CheckpointSyncIntervalZeroMeansEveryBatch) {
  EXPECT_EQ(parse({"--checkpoint-sync-ms=0"}).checkpoint_sync.count(), 0);
  EXPECT_EQ(parse({"--checkpoint-sync-ms", "250"}).checkpoint_sync.count(), 250);
  env_.set("CHECKPOINT_SYNC_MS", "0");
  EXPECT_EQ(parse({}).checkpoint_sync.count(), 0);
  for (const char* bad : {"abc", "-1", "1s", "1.5"}) {
    EXPECT_NE(error_of({"--checkpoint-sync-ms", bad}).find("CHECKPOINT_SYNC_MS"), std::string::npos) << bad;
  }
}

TEST_F(ConfigTest, StateLockWaitIsForEverUnlessBounded) {
  EXPECT_FALSE(parse({}).state_lock_wait.has_value());
  EXPECT_FALSE(parse({"--state-lock-wait-s=forever"}).state_lock_wait.has_value());
  EXPECT_EQ(parse({"--state-lock-wait-s=0"}).state_lock_wait, std::chrono::seconds(0));
  env_.set("STATE_LOCK_WAIT_S", "90");
  EXPECT_EQ(parse({}).state_lock_wait, std::chrono::seconds(90));
  for (const char* bad : {"abc", "-1", "1s", "never"}) {
    EXPECT_NE(error_of({"--state-lock-wait-s", bad}).find("STATE_LOCK_WAIT_S"), std::string::npos) << bad;
  }
}

TEST_F(ConfigTest, TheFileBudgetComesFromTheLimitUnlessSetAndInactiveFilesCloseAfterFiveMinutes) {
  const Config defaults = parse({});
  EXPECT_FALSE(defaults.max_open_files.has_value());
  EXPECT_EQ(defaults.close_inactive, std::chrono::seconds(300));
  env_.set("MAX_OPEN_FILES", "200");
  env_.set("CLOSE_INACTIVE_S", "0");
  const Config set = parse({});
  EXPECT_EQ(set.max_open_files, 200u);
  EXPECT_EQ(set.close_inactive, std::chrono::seconds(0));
  for (const char* bad : {"0", "-5", "many"}) {
    EXPECT_NE(error_of({"--max-open-files", bad}).find("MAX_OPEN_FILES"), std::string::npos) << bad;
  }
  EXPECT_NE(error_of({"--close-inactive-s", "5m"}).find("CLOSE_INACTIVE_S"), std::string::npos);
}

TEST(DescriptorLimit, TheBudgetKeepsAReserveForConnectionsAndStateFiles) {
  EXPECT_EQ(default_max_open_files(1024, 1), 1024u - descriptor_reserve(1));
  EXPECT_GT(descriptor_reserve(8), descriptor_reserve(1));  // each sender holds sockets
  EXPECT_EQ(default_max_open_files(10, 1), 1u);             // a tiny limit still follows one file
  const DescriptorLimit raised = raise_descriptor_limit();
  rlimit now{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &now), 0);
  EXPECT_EQ(now.rlim_cur, now.rlim_max);
  EXPECT_EQ(raised.now, now.rlim_cur);
  EXPECT_LE(raised.before, raised.now);
}

TEST_F(ConfigTest, PrecedenceFlagOverEnvironmentOverDotenvOverDefault) {
  const std::string file = dotenv("LOG_GROUP=from_dotenv\nLOG_STREAM_PREFIX=dotenv_prefix\nPOLL_INTERVAL_MS=300\n");
  const std::string env_file = "--env-file=" + file;

  EXPECT_EQ(parse({}).sources[0].log_group, "python_logs_example");
  Config c = parse({env_file});
  EXPECT_EQ(c.sources[0].log_group, "from_dotenv");
  EXPECT_EQ(c.log_stream_prefix, "dotenv_prefix");
  EXPECT_EQ(c.poll_interval.count(), 300);

  env_.set("LOG_GROUP", "from_env");
  env_.set("POLL_INTERVAL_MS", "200");
  c = parse({env_file});
  EXPECT_EQ(c.sources[0].log_group, "from_env");
  EXPECT_EQ(c.log_stream_prefix, "dotenv_prefix");
  EXPECT_EQ(c.poll_interval.count(), 200);

  c = parse({env_file, "--log-group=from_flag", "--poll-interval-ms", "100"});
  EXPECT_EQ(c.sources[0].log_group, "from_flag");
  EXPECT_EQ(c.poll_interval.count(), 100);
  EXPECT_EQ(c.env_file, file);
}

TEST_F(ConfigTest, AnEmptyEnvironmentVariableCountsAsUnset) {
  env_.set("LOG_GROUP", "");
  env_.set("POLL_INTERVAL_MS", "");
  const Config c = parse({});
  EXPECT_EQ(c.sources[0].log_group, "python_logs_example");
  EXPECT_EQ(c.poll_interval.count(), 500);
}

TEST_F(ConfigTest, DotenvValuesReachTheEnvironmentForCredentials) {
  const std::string file = dotenv("AWS_ACCESS_KEY_ID=AKIDDOTENV\nAWS_SECRET_ACCESS_KEY=dotenv-secret\n");
  env_.set("AWS_ACCESS_KEY_ID", "AKIDPROCESS");
  const Config c = parse({"--env-file=" + file});
  EXPECT_EQ(c.env.get("AWS_ACCESS_KEY_ID"), "AKIDPROCESS");
  EXPECT_EQ(c.env.get("AWS_SECRET_ACCESS_KEY"), "dotenv-secret");
}

TEST_F(ConfigTest, RegionFromEitherVariableAndTheFlag) {
  aws::Environment env = bare_env();
  env.set("AWS_DEFAULT_REGION", "eu-west-1");
  EXPECT_EQ(parse_with({}, env).region, "eu-west-1");
  env.set("AWS_REGION", "eu-central-1");
  EXPECT_EQ(parse_with({}, env).region, "eu-central-1");
  EXPECT_EQ(parse_with({"--region", "ap-south-1"}, env).region, "ap-south-1");
}

TEST_F(ConfigTest, EnvironmentSelectsTheDotenvFileUnderTheWorkingDirectory) {
  std::filesystem::create_directories(dir_ / "env/staging");
  write_file(dir_ / "env/staging/.env", "LOG_GROUP=staging_group\n");
  std::filesystem::create_directories(dir_ / "env/local");
  write_file(dir_ / "env/local/.env", "LOG_GROUP=local_group\n");

  EXPECT_EQ(parse({}).sources[0].log_group, "local_group");
  env_.set("ENVIRONMENT", "staging");
  Config c = parse({});
  EXPECT_EQ(c.environment, "staging");
  EXPECT_EQ(c.env_file, "env/staging/.env");
  EXPECT_EQ(c.sources[0].log_group, "staging_group");
  EXPECT_EQ(parse({"--environment=local"}).sources[0].log_group, "local_group");
}

TEST_F(ConfigTest, AMissingDefaultDotenvIsFineANamedOneIsNot) {
  env_.set("ENVIRONMENT", "nothere");
  EXPECT_EQ(parse({}).sources[0].log_group, "python_logs_example");

  EXPECT_NE(error_of({"--env-file", dir_ / "missing.env"}).find(dir_ / "missing.env"), std::string::npos);
  env_.set("ENV_FILE", dir_ / "also-missing.env");
  EXPECT_NE(error_of({}).find("also-missing.env"), std::string::npos);
}

TEST_F(ConfigTest, NoRegionIsAnErrorNamingAwsRegion) {
  aws::Environment env = bare_env();
  try {
    parse_with({}, env);
    FAIL() << "no ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_REGION"), std::string::npos) << e.what();
  }
}

TEST_F(ConfigTest, RegionFromTheProfileInTheConfigFile) {
  const std::string config = dir_ / "aws-config";
  write_file(config, "[default]\nregion = eu-north-1\n\n[profile dev]\nregion = ap-southeast-2\n");
  aws::Environment env = bare_env();
  env.set("AWS_CONFIG_FILE", config);
  EXPECT_EQ(parse_with({}, env).region, "eu-north-1");
  env.set("AWS_PROFILE", "dev");
  EXPECT_EQ(parse_with({}, env).region, "ap-southeast-2");
  EXPECT_EQ(parse_with({"--region=us-west-2"}, env).region, "us-west-2");
}

TEST_F(ConfigTest, LogGroupValidation) {
  EXPECT_EQ(parse({"--log-group=My.Group-1_/a#b"}).sources[0].log_group, "My.Group-1_/a#b");
  EXPECT_EQ(parse({"--log-group", std::string(512, 'g')}).sources[0].log_group.size(), 512u);
  for (const std::string bad : {"has space", "colon:x", "star*", "caf\u00e9", "tab\there"}) {
    EXPECT_NE(error_of({"--log-group", bad}).find("LOG_GROUP"), std::string::npos) << bad;
  }
  EXPECT_NE(error_of({"--log-group", std::string(513, 'g')}).find("LOG_GROUP"), std::string::npos);
  EXPECT_NE(error_of({"--log-group="}).find("LOG_GROUP"), std::string::npos);
  EXPECT_NE(error_of({"--log-group=aws/lambda/x"}).find("aws/"), std::string::npos);
  EXPECT_EQ(parse({"--log-group=my/aws/x"}).sources[0].log_group, "my/aws/x");
}

TEST_F(ConfigTest, StreamPrefixValidation) {
  EXPECT_EQ(parse({"--log-stream-prefix=web-1.a"}).log_stream_prefix, "web-1.a");
  EXPECT_NE(error_of({"--log-stream-prefix=a:b"}).find("LOG_STREAM_PREFIX"), std::string::npos);
  EXPECT_NE(error_of({"--log-stream-prefix=a*"}).find("LOG_STREAM_PREFIX"), std::string::npos);
  EXPECT_EQ(parse({"--log-stream-prefix", std::string(503, 'p')}).log_stream_prefix.size(), 503u);
  EXPECT_NE(error_of({"--log-stream-prefix", std::string(504, 'p')}), "");  // + "_YYYYMMDD" > 512
}

TEST_F(ConfigTest, LogPathMustBeADirectory) {
  write_file(dir_ / "a-file", "x");
  EXPECT_NE(error_of({"--log-path", dir_ / "a-file"}).find("LOG_PATH"), std::string::npos);
  std::filesystem::create_directory(dir_ / "logs");
  const Config c = parse({"--log-path", dir_ / "logs/"});
  EXPECT_EQ(c.log_path, dir_ / "logs");
  EXPECT_EQ(c.state_dir, dir_ / "logs/.cw-sidecar");
  EXPECT_EQ(parse({"--log-path", dir_ / "not-yet"}).log_path, dir_ / "not-yet");  // may appear later
  EXPECT_NE(error_of({"--state-dir", dir_ / "a-file"}).find("STATE_DIR"), std::string::npos);
}

TEST_F(ConfigTest, ExtensionIsNormalised) {
  EXPECT_EQ(parse({"--log-extension=.json"}).log_extension, "json");
  EXPECT_NE(error_of({"--log-extension=."}).find("LOG_EXTENSION"), std::string::npos);
  EXPECT_NE(error_of({"--log-extension=a/b"}).find("LOG_EXTENSION"), std::string::npos);
}

TEST_F(ConfigTest, BadNumbersAreRejected) {
  for (const char* bad : {"abc", "0", "-1", "10ms", "1.5", " 5", "99999999999999999999"}) {
    EXPECT_NE(error_of({"--poll-interval-ms", bad}).find("POLL_INTERVAL_MS"), std::string::npos) << bad;
    EXPECT_NE(error_of({"--connect-timeout-ms", bad}).find("CONNECT_TIMEOUT_MS"), std::string::npos) << bad;
    EXPECT_NE(error_of({"--request-timeout-ms", bad}).find("REQUEST_TIMEOUT_MS"), std::string::npos) << bad;
    EXPECT_NE(error_of({"--max-message-bytes", bad}).find("MAX_MESSAGE_BYTES"), std::string::npos) << bad;
  }
  EXPECT_EQ(parse({"--max-message-bytes=64"}).sources[0].max_message_bytes, 64u);
  EXPECT_EQ(parse({"--max-message-bytes=262118"}).sources[0].max_message_bytes, 262'118u);
  EXPECT_EQ(parse({"--max-message-bytes=1048550"}).sources[0].max_message_bytes, 1'048'550u);
  EXPECT_NE(error_of({"--max-message-bytes=63"}).find("MAX_MESSAGE_BYTES"), std::string::npos);
  EXPECT_NE(error_of({"--max-message-bytes=1048551"}).find("MAX_MESSAGE_BYTES"), std::string::npos);
  env_.set("POLL_INTERVAL_MS", "soon");
  EXPECT_NE(error_of({}).find("'soon'"), std::string::npos);
}

TEST_F(ConfigTest, LogLevel) {
  EXPECT_EQ(parse({"--log-level=debug"}).log_level, LogLevel::kDebug);
  EXPECT_EQ(parse({"--log-level=error"}).log_level, LogLevel::kError);
  EXPECT_NE(error_of({"--log-level=loud"}).find("LOG_LEVEL"), std::string::npos);
}

TEST_F(ConfigTest, FlagForms) {
  EXPECT_EQ(parse({"--log-group=eq_form"}).sources[0].log_group, "eq_form");
  EXPECT_EQ(parse({"--log-group", "space_form"}).sources[0].log_group, "space_form");
  EXPECT_EQ(parse({"--exclude-fields=a, b ,,c"}).sources[0].exclude_fields, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(parse({"--timestamp-field", "time=x"}).sources[0].timestamp_field, "time=x");  // '=' only splits the flag
  EXPECT_EQ(parse({"--log-group=a", "--log-group=b"}).sources[0].log_group, "b");           // the last one wins
}

TEST_F(ConfigTest, UnknownFlagsAndStrayArgumentsAreErrors) {
  EXPECT_NE(error_of({"--log-grup=x"}).find("--log-grup"), std::string::npos);
  EXPECT_NE(error_of({"--bogus"}).find("unknown flag"), std::string::npos);
  EXPECT_NE(error_of({"stray"}).find("stray"), std::string::npos);
  EXPECT_NE(error_of({"-x"}).find("-x"), std::string::npos);
  EXPECT_NE(error_of({"--log-group"}).find("needs a value"), std::string::npos);
}

TEST_F(ConfigTest, OnceIsASwitchOrABoolean) {
  EXPECT_TRUE(parse({"--once"}).once);
  EXPECT_TRUE(parse({"--once", "--log-group=g"}).once);
  EXPECT_EQ(parse({"--once", "--log-group=g"}).sources[0].log_group, "g");  // a switch takes no value
  EXPECT_FALSE(parse({"--once=false"}).once);
  EXPECT_TRUE(parse({"--once=1"}).once);
  env_.set("ONCE", "true");
  EXPECT_TRUE(parse({}).once);
  EXPECT_FALSE(parse({"--once=no"}).once);
  env_.set("ONCE", "maybe");
  EXPECT_NE(error_of({}).find("ONCE"), std::string::npos);
}

TEST_F(ConfigTest, ProfileNamedByAwsProfileNameOrTheFlagIsExplicit) {
  Config c = parse({});
  EXPECT_FALSE(c.profile_explicit);

  env_.set("AWS_PROFILE", "shared");
  c = parse({});
  EXPECT_EQ(c.profile, "shared");
  EXPECT_FALSE(c.profile_explicit);

  env_.set("AWS_PROFILE_NAME", "seed");
  c = parse({});
  EXPECT_EQ(c.profile, "seed");
  EXPECT_TRUE(c.profile_explicit);

  aws::Environment env = bare_env();
  env.set("AWS_REGION", "us-east-1");
  c = parse_with({"--profile", "flagged"}, env);
  EXPECT_EQ(c.profile, "flagged");
  EXPECT_TRUE(c.profile_explicit);
}

TEST_F(ConfigTest, HelpAndVersionCommands) {
  Config c;
  const char* help[] = {"cw-sidecar", "--log-group=x", "--help"};
  EXPECT_EQ(parse_command_line(3, help, env_, c), Command::kHelp);
  const char* short_help[] = {"cw-sidecar", "-h"};
  EXPECT_EQ(parse_command_line(2, short_help, env_, c), Command::kHelp);
  const char* version[] = {"cw-sidecar", "--version"};
  EXPECT_EQ(parse_command_line(2, version, env_, c), Command::kVersion);
}

TEST_F(ConfigTest, HelpTextMentionsEveryVariableOfTheSettingsTable) {
  const std::string source = read_file(std::string(CW_SOURCE_DIR) + "/src/app/config.cc");
  const auto begin = source.find("kSettings = {");
  ASSERT_NE(begin, std::string::npos) << "settings table not found in config.cc";
  const auto end = source.find("\n};", begin);
  const std::string table = source.substr(begin, end - begin);
  // Each entry: Setting{"flag", {"VAR", "VAR2"}, ...
  const std::regex entry(R"re(Setting\{"([a-z0-9-]+)",\s*\{"([A-Z0-9_]+)",\s*"([A-Z0-9_]*)"\})re");
  std::set<std::string> names;
  std::size_t entries = 0;
  for (auto it = std::sregex_iterator(table.begin(), table.end(), entry); it != std::sregex_iterator(); ++it) {
    ++entries;
    names.insert("--" + (*it)[1].str());
    names.insert((*it)[2].str());
    if ((*it)[3].length() > 0) names.insert((*it)[3].str());
  }
  EXPECT_GE(entries, 19u);
  const std::string help = help_text();
  for (const auto& name : names) EXPECT_NE(help.find(name), std::string::npos) << name;
  for (const char* name : {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                           "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace cw::app

namespace cw::app {
namespace {

class ConfigFileTest : public ConfigTest {
 protected:
  std::string file(std::string_view yaml) { return dotenv(yaml, "sources.yaml"); }
};

TEST_F(ConfigFileTest, WithoutAFileTheEnvironmentIsTheOneSource) {
  const Config c = parse({"--log-group=g", "--include=a/*.log", "--multiline-start=^\\S"});
  ASSERT_EQ(c.sources.size(), 1u);
  EXPECT_EQ(c.sources[0].name, "default");
  EXPECT_EQ(c.sources[0].include, (std::vector<std::string>{"a/*.log"}));
  EXPECT_EQ(c.sources[0].multiline_start, "^\\S");
  EXPECT_EQ(c.multiline_flush, std::chrono::milliseconds(1000));
}

TEST_F(ConfigFileTest, SourcesTakeTheEnvironmentForWhatTheyLeaveOut) {
  env_.set("SVC", "shop");
  const std::string path = file(R"(sources:
  - name: access
    include: [access/*.log, "web/**/*.log"]
    exclude: access/debug.log
    log_group: /app/${SVC}/access
    log_stream_name: "{hostname}-{file_stem}"
    retention_days: 7
    log_group_class: INFREQUENT_ACCESS
    log_group_tags: {team: web, env: "${STAGE:-dev}"}
    exclude_fields: [ts, logger]
    timestamp_field: ts
    out_of_window: set-aside
    max_message_bytes: 262118
    filters:
      - drop: {field: level, values: "DEBUG,TRACE"}
      - sample: {every: 10, field: level, values: [INFO]}
      - keep_only: {regex: "."}
      - redact: {builtin: [email, card_number], mask: "<x>"}
  - include: "*.log"
)");
  const Config c = parse({"--config-file", path, "--log-group=env_group", "--retention-days=30"});
  ASSERT_EQ(c.sources.size(), 2u);
  const SourceConfig& a = c.sources[0];
  EXPECT_EQ(a.name, "access");
  EXPECT_EQ(a.line, 2);
  EXPECT_EQ(a.include, (std::vector<std::string>{"access/*.log", "web/**/*.log"}));
  EXPECT_EQ(a.exclude, (std::vector<std::string>{"access/debug.log"}));
  EXPECT_EQ(a.log_group, "/app/shop/access");
  EXPECT_EQ(a.stream_template, "{hostname}-{file_stem}");
  EXPECT_EQ(a.retention_days, 7);
  EXPECT_EQ(a.group_class, "INFREQUENT_ACCESS");
  EXPECT_EQ(a.group_tags, (std::vector<std::pair<std::string, std::string>>{{"team", "web"}, {"env", "dev"}}));
  EXPECT_EQ(a.exclude_fields, (std::vector<std::string>{"ts", "logger"}));
  EXPECT_EQ(a.timestamp_field, "ts");
  EXPECT_EQ(a.window_policy, transform::WindowPolicy::kSetAside);
  EXPECT_EQ(a.max_message_bytes, 262'118u);
  ASSERT_EQ(a.filters.size(), 4u);
  EXPECT_EQ(a.filters[0].values, (std::vector<std::string>{"DEBUG", "TRACE"}));
  EXPECT_EQ(a.filters[1].every, 10u);
  EXPECT_EQ(a.filters[3].mask, "<x>");
  const SourceConfig& b = c.sources[1];
  EXPECT_EQ(b.name, "source2");
  EXPECT_EQ(b.log_group, "env_group");  // from the flag
  EXPECT_EQ(b.retention_days, 30);
  EXPECT_EQ(b.timestamp_field, "@timestamp");
}

TEST_F(ConfigFileTest, MistakesNameTheLine) {
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - include: a\n    retention: 7\n")})
                .find("line 3: unknown key 'retention'"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("source:\n  - include: a\n")}).find("line 1: unknown key 'source'"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - include: a\n    filters:\n      - drop: {regex: 'a('}\n")})
                .find("bad regex 'a('"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - include: a\n    filters:\n      - drop: {feld: x}\n")})
                .find("line 4: unknown key 'feld' in drop"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - include: a\n    log_group: 'x{pod}'\n")})
                .find("unknown placeholder {pod}"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - include: a\n    retention_days: 8\n")})
                .find("RETENTION_DAYS 8"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - name: x\n")}).find("needs include"), std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources:\n  - {name: a, include: x}\n  - {name: a, include: y}\n")})
                .find("a second source named 'a'"),
            std::string::npos);
  EXPECT_NE(error_of({"--config-file", file("sources: [\n")}).find("CONFIG_FILE"), std::string::npos);
  EXPECT_NE(error_of({"--config-file", dir_.path() + "/missing.yaml"}).find("cannot read CONFIG_FILE"),
            std::string::npos);
  EXPECT_NE(error_of({"--multiline-start=("}).find("MULTILINE_START"), std::string::npos);
}

}  // namespace
}  // namespace cw::app
