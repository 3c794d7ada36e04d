// Known-answer tests: FIPS 180-2 examples for SHA-256, RFC 4231 for HMAC.

#include "aws/crypto.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cw::aws {
namespace {

TEST(Sha256, EmptyInput) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex(std::string_view()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(Sha256, Abc) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, OneMillionA) {
  EXPECT_EQ(sha256_hex(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, OneMebibyteOfA) {
  EXPECT_EQ(sha256_hex(std::string(1 << 20, 'a')),
            "9bc1b2a288b26af7257a36277ae3816a7d4f16e89c1e7e77d0a5c48bad62b360");
}

TEST(Sha256, DigestMatchesHex) {
  const Sha256Digest digest = sha256("abc");
  EXPECT_EQ(to_hex(digest), sha256_hex("abc"));
  EXPECT_EQ(digest[0], 0xba);
  EXPECT_EQ(digest[31], 0xad);
}

TEST(HmacSha256, Rfc4231Case1) {
  const std::vector<unsigned char> key(20, 0x0b);
  EXPECT_EQ(to_hex(hmac_sha256(key, "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231Case2) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string_view("Jefe"), "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231Case6KeyLongerThanBlock) {
  const std::vector<unsigned char> key(131, 0xaa);
  EXPECT_EQ(to_hex(hmac_sha256(key, "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, EmptyKeyAndData) {
  EXPECT_EQ(to_hex(hmac_sha256(std::string_view(), std::string_view())),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(HmacSha256, ByteAndStringKeysAgree) {
  const std::string key = "key";
  const std::vector<unsigned char> bytes(key.begin(), key.end());
  EXPECT_EQ(hmac_sha256(bytes, "data"), hmac_sha256(std::string_view(key), "data"));
}

TEST(ToHex, LowerCaseTwoDigitsPerByte) {
  const std::vector<unsigned char> bytes = {0x00, 0x0f, 0xa0, 0xff};
  EXPECT_EQ(to_hex(bytes), "000fa0ff");
  EXPECT_EQ(to_hex(std::span<const unsigned char>()), "");
}

}  // namespace
}  // namespace cw::aws
