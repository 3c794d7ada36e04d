// SigV4 header signing against every header-signing case of the official test
// suite, plus the behaviours the suite does not pin down.

#include "aws/sigv4.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

#include "sigv4_vector.h"

namespace cw::aws {
namespace {

namespace vectors = test_vectors;
using vectors::VectorCase;

bool has_header(const std::vector<Header>& headers, std::string_view name) {
  return std::any_of(headers.begin(), headers.end(), [&](const Header& h) {
    return std::equal(h.name.begin(), h.name.end(), name.begin(), name.end(), [](char a, char b) {
      return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
    });
  });
}

class Sigv4Vector : public ::testing::TestWithParam<VectorCase> {};

TEST_P(Sigv4Vector, MatchesExpectedHeaderSigning) {
  const VectorCase& vector_case = GetParam();
  const vectors::VectorContext context = vectors::load_context(vector_case.dir / "context.json");
  const vectors::VectorRequest parsed =
      vectors::parse_request(vectors::read_file(vector_case.dir / "request.txt"));

  const std::string amz_date = vectors::amz_date_from_iso8601(context.timestamp);
  SignableRequest request{parsed.method, parsed.path, parsed.query, parsed.headers,
                          sha256_hex(parsed.body), context.normalize};
  // The signer signs exactly the headers it is given; the date, the session
  // token (unless the case adds it after signing) and the body hash (when the
  // case signs the body) are the caller's to add, as our HTTP client does.
  if (!has_header(request.headers, "x-amz-date")) request.headers.push_back({"X-Amz-Date", amz_date});
  if (!context.token.empty() && !context.omit_session_token &&
      !has_header(request.headers, "x-amz-security-token")) {
    request.headers.push_back({"X-Amz-Security-Token", context.token});
  }
  if (context.sign_body) {
    request.headers.push_back({"X-Amz-Content-Sha256", request.payload_sha256_hex});
  }

  Credentials credentials;
  credentials.access_key_id = context.access_key_id;
  credentials.secret_access_key = context.secret_access_key;
  credentials.session_token = context.token;  // must not leak into the signature by itself

  Signer signer;
  const SigningResult result =
      signer.sign(request, credentials, context.region, context.service, amz_date);

  EXPECT_EQ(result.canonical_request,
            vectors::read_expected(vector_case.dir / "header-canonical-request.txt"));
  EXPECT_EQ(result.string_to_sign,
            vectors::read_expected(vector_case.dir / "header-string-to-sign.txt"));
  EXPECT_EQ(result.signature, vectors::read_expected(vector_case.dir / "header-signature.txt"));
  const auto signed_request = vector_case.dir / "header-signed-request.txt";
  if (std::filesystem::exists(signed_request)) {
    EXPECT_EQ(result.authorization,
              vectors::authorization_from_signed_request(vectors::read_file(signed_request)));
  }
}

std::string case_test_name(const ::testing::TestParamInfo<VectorCase>& info) {
  std::string name = info.param.name;
  for (char& c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Official, Sigv4Vector, ::testing::ValuesIn(vectors::discover_cases()),
                         case_test_name);
// A missing suite is reported by SuiteIsPresent below, with a clearer message.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(Sigv4Vector);

TEST(Sigv4Vectors, SuiteIsPresent) {
  EXPECT_GE(vectors::discover_cases().size(), 30u)
      << "SigV4 test suite not found under " << vectors::suite_root();
}

// --- Behaviour outside the official suite -------------------------------------

Credentials example_credentials() {
  Credentials credentials;
  credentials.access_key_id = "AKIDEXAMPLE";
  credentials.secret_access_key = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  return credentials;
}

SignableRequest request_with(std::string path, std::string query) {
  return SignableRequest{"GET", std::move(path), std::move(query),
                         {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", "20150830T123600Z"}},
                         sha256_hex("")};
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string canonical_line(const SignableRequest& request, std::size_t index) {
  Signer signer;
  const SigningResult result =
      signer.sign(request, example_credentials(), "us-east-1", "service", "20150830T123600Z");
  return lines_of(result.canonical_request).at(index);
}

TEST(Sigv4CanonicalUri, EncodesTheWirePathAgain) {
  EXPECT_EQ(canonical_line(request_with("/foo%20bar/baz", ""), 1), "/foo%2520bar/baz");
}

TEST(Sigv4CanonicalUri, Normalises) {
  EXPECT_EQ(canonical_line(request_with("", ""), 1), "/");
  EXPECT_EQ(canonical_line(request_with("/a//b/./c/../d", ""), 1), "/a/b/d");
  EXPECT_EQ(canonical_line(request_with("/a/b/..", ""), 1), "/a/");
  EXPECT_EQ(canonical_line(request_with("/../../a", ""), 1), "/a");
}

TEST(Sigv4CanonicalQuery, SortsByKeyThenValueAndKeepsEmptyValues) {
  EXPECT_EQ(canonical_line(request_with("/", "b=2&a=x&a=1&c&d="), 2), "a=1&a=x&b=2&c=&d=");
}

TEST(Sigv4CanonicalQuery, EncodesEachByteOnce) {
  EXPECT_EQ(canonical_line(request_with("/", "k=a%2fb&sp=a b&pct=%zz&eq=a=b"), 2),
            "eq=a%3Db&k=a%2Fb&pct=%25zz&sp=a%20b");
}

TEST(Sigv4CanonicalHeaders, TrimsFoldsAndJoinsDuplicates) {
  SignableRequest request = request_with("/", "");
  request.headers.push_back({"X-Multi", " \tfirst  line\r\n\t second\t\tline "});
  request.headers.push_back({"x-multi", "again"});
  request.headers.push_back({"X-Empty", "   "});
  Signer signer;
  const SigningResult result =
      signer.sign(request, example_credentials(), "us-east-1", "service", "20150830T123600Z");
  const auto lines = lines_of(result.canonical_request);
  EXPECT_EQ(lines.at(3), "host:example.amazonaws.com");
  EXPECT_EQ(lines.at(4), "x-amz-date:20150830T123600Z");
  EXPECT_EQ(lines.at(5), "x-empty:");
  EXPECT_EQ(lines.at(6), "x-multi:first line second line,again");
  EXPECT_EQ(lines.at(8), "host;x-amz-date;x-empty;x-multi");
}

TEST(Sigv4Signer, SessionTokenIsOnlySignedWhenTheCallerAddsTheHeader) {
  Credentials with_token = example_credentials();
  with_token.session_token = "token";
  Signer signer;
  const SignableRequest request = request_with("/", "");
  const SigningResult a = signer.sign(request, with_token, "us-east-1", "service", "20150830T123600Z");
  const SigningResult b =
      signer.sign(request, example_credentials(), "us-east-1", "service", "20150830T123600Z");
  EXPECT_EQ(a.authorization, b.authorization);
  EXPECT_EQ(a.canonical_request.find("x-amz-security-token"), std::string::npos);
}

TEST(Sigv4Signer, CachedKeyFollowsSecretDateRegionAndService) {
  Credentials other = example_credentials();
  other.secret_access_key = "another-secret";
  struct Input {
    const Credentials* credentials;
    const char* region;
    const char* service;
    const char* date;
  };
  const Credentials base = example_credentials();
  const Input inputs[] = {
      {&base, "us-east-1", "service", "20150830T123600Z"},
      {&base, "us-east-1", "service", "20150831T000000Z"},
      {&base, "eu-west-1", "service", "20150831T000000Z"},
      {&base, "eu-west-1", "logs", "20150831T000000Z"},
      {&other, "eu-west-1", "logs", "20150831T000000Z"},
      {&base, "us-east-1", "service", "20150830T123600Z"},
  };
  Signer reused;
  std::vector<std::string> seen;
  for (const Input& in : inputs) {
    const SignableRequest request = request_with("/", "");
    Signer fresh;
    const std::string expected =
        fresh.sign(request, *in.credentials, in.region, in.service, in.date).signature;
    EXPECT_EQ(reused.sign(request, *in.credentials, in.region, in.service, in.date).signature,
              expected);
    seen.push_back(expected);
  }
  // Each change of input changed the signature; the last repeats the first.
  for (std::size_t i = 1; i + 1 < seen.size(); ++i) EXPECT_NE(seen[i], seen[i - 1]);
  EXPECT_EQ(seen.front(), seen.back());
}

TEST(Sigv4Signer, RejectsMalformedDate) {
  Signer signer;
  for (const char* bad : {"", "2015-08-30T12:36:00Z", "20150830123600Z", "20150830T123600",
                          "2015083OT123600Z"}) {
    EXPECT_THROW(signer.sign(request_with("/", ""), example_credentials(), "us-east-1", "service",
                             bad),
                 std::runtime_error)
        << bad;
  }
}

}  // namespace
}  // namespace cw::aws
