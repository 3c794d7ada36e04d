#include "aws/sigv4.h"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <utility>
#include <vector>

#include "aws/iso8601.h"

namespace cw::aws {

namespace {

constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";
constexpr std::string_view kTerminator = "aws4_request";

bool is_unreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// RFC 3986 percent-encoding with upper-case hex, as SigV4 requires. '/' is kept
// only in paths, where it separates segments.
void append_uri_encoded(std::string& out, std::string_view text, bool keep_slash) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kDigits[c >> 4]);
      out.push_back(kDigits[c & 0x0f]);
    }
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX; a malformed escape is kept literally (and so re-encoded as %25).
std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && hex_value(text[i + 1]) >= 0 &&
        hex_value(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2])));
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Removes "." and ".." segments (RFC 3986 section 5.2.4) and empty segments
// from duplicate slashes, the way every service but S3 normalises the path.
std::string normalize_path(std::string_view path) {
  std::vector<std::string_view> segments;
  bool trailing_slash = false;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    const bool last = end == path.size();
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
      trailing_slash = last;
    } else if (segment == ".") {
      trailing_slash = last;
    } else if (!segment.empty()) {
      segments.push_back(segment);
      trailing_slash = false;
    } else if (last) {
      trailing_slash = true;
    }
    start = end + 1;
  }
  std::string out = "/";
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (trailing_slash && !segments.empty()) out.push_back('/');
  return out;
}

// The wire path is already percent-encoded once; encoding it again is what
// non-S3 services verify ("double encoding").
std::string canonical_uri(std::string_view path, bool normalize) {
  std::string out;
  append_uri_encoded(out, normalize ? normalize_path(path) : std::string(path), /*keep_slash=*/true);
  return out;
}

std::string canonical_query(std::string_view query) {
  if (query.empty()) return {};
  std::vector<std::pair<std::string, std::string>> params;
  std::size_t start = 0;
  while (start <= query.size()) {
    std::size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view pair = query.substr(start, end - start);
    if (!pair.empty()) {
      const std::size_t eq = pair.find('=');
      const std::string_view key = pair.substr(0, eq);
      const std::string_view value = eq == std::string_view::npos ? "" : pair.substr(eq + 1);
      // Decode first so that a parameter sent raw and one sent encoded end up
      // with the same single, canonical encoding.
      std::string encoded_key, encoded_value;
      append_uri_encoded(encoded_key, percent_decode(key), /*keep_slash=*/false);
      append_uri_encoded(encoded_value, percent_decode(value), /*keep_slash=*/false);
      params.emplace_back(std::move(encoded_key), std::move(encoded_value));
    }
    start = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [key, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(key).append("=").append(value);
  }
  return out;
}

// Trims and turns every run of whitespace (including the line breaks of a
// folded multi-line value) into one space.
void append_header_value(std::string& out, std::string_view value) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (is_space(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    any = true;
    out.push_back(c);
  }
}

std::string lower_trimmed(std::string_view name) {
  while (!name.empty() && is_space(name.front())) name.remove_prefix(1);
  while (!name.empty() && is_space(name.back())) name.remove_suffix(1);
  std::string out(name);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

struct CanonicalHeaders {
  std::string block;           // "name:value\n" per distinct name
  std::string signed_headers;  // "name;name"
};

CanonicalHeaders canonicalize_headers(const std::vector<Header>& headers) {
  std::vector<std::pair<std::string, const Header*>> sorted;
  sorted.reserve(headers.size());
  for (const Header& h : headers) sorted.emplace_back(lower_trimmed(h.name), &h);
  // Stable: repeated names keep the order they were given in, which is the
  // order their values are joined in.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  CanonicalHeaders out;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const bool repeat = i > 0 && sorted[i].first == sorted[i - 1].first;
    if (repeat) {
      out.block.back() = ',';  // replaces the previous value's '\n'
    } else {
      if (!out.signed_headers.empty()) out.signed_headers.push_back(';');
      out.signed_headers.append(sorted[i].first);
      out.block.append(sorted[i].first).push_back(':');
    }
    append_header_value(out.block, sorted[i].second->value);
    out.block.push_back('\n');
  }
  return out;
}

void check_amz_date(std::string_view amz_date) {
  bool ok = amz_date.size() == 16 && amz_date[8] == 'T' && amz_date[15] == 'Z';
  for (std::size_t i = 0; ok && i < 15; ++i) {
    if (i != 8 && std::isdigit(static_cast<unsigned char>(amz_date[i])) == 0) ok = false;
  }
  if (!ok) {
    throw std::runtime_error("SigV4: x-amz-date must look like YYYYMMDDTHHMMSSZ, got '" +
                             std::string(amz_date) + "'");
  }
}

}  // namespace

const Sha256Digest& Signer::signing_key(std::string_view secret, std::string_view date,
                                        std::string_view region, std::string_view service) {
  if (secret == key_secret_ && date == key_date_ && region == key_region_ &&
      service == key_service_) {
    return key_;
  }
  std::string seed = "AWS4";
  seed.append(secret);
  const Sha256Digest k_date = hmac_sha256(seed, date);
  const Sha256Digest k_region = hmac_sha256(k_date, region);
  const Sha256Digest k_service = hmac_sha256(k_region, service);
  key_ = hmac_sha256(k_service, kTerminator);
  key_secret_ = secret;
  key_date_ = date;
  key_region_ = region;
  key_service_ = service;
  return key_;
}

SigningResult Signer::sign(const SignableRequest& request, const Credentials& credentials,
                           std::string_view region, std::string_view service,
                           std::string_view amz_date) {
  check_amz_date(amz_date);
  const std::string_view date = amz_date.substr(0, 8);
  const CanonicalHeaders headers = canonicalize_headers(request.headers);

  SigningResult result;
  std::string& creq = result.canonical_request;
  creq.reserve(256 + headers.block.size() + request.path.size() + request.query.size());
  creq.append(request.method).push_back('\n');
  creq.append(canonical_uri(request.path, request.normalize_path)).push_back('\n');
  creq.append(canonical_query(request.query)).push_back('\n');
  creq.append(headers.block).push_back('\n');
  creq.append(headers.signed_headers).push_back('\n');
  creq.append(request.payload_sha256_hex);

  std::string scope;
  scope.append(date).append("/").append(region).append("/").append(service).append("/").append(
      kTerminator);

  std::string& sts = result.string_to_sign;
  sts.append(kAlgorithm).push_back('\n');
  sts.append(amz_date).push_back('\n');
  sts.append(scope).push_back('\n');
  sts.append(sha256_hex(creq));

  const Sha256Digest& key = signing_key(credentials.secret_access_key, date, region, service);
  result.signature = to_hex(hmac_sha256(key, sts));

  result.authorization.append(kAlgorithm)
      .append(" Credential=")
      .append(credentials.access_key_id)
      .append("/")
      .append(scope)
      .append(", SignedHeaders=")
      .append(headers.signed_headers)
      .append(", Signature=")
      .append(result.signature);
  return result;
}

std::string format_amz_date(std::chrono::system_clock::time_point time) {
  return format_utc(time, "%Y%m%dT%H%M%SZ");
}

}  // namespace cw::aws
