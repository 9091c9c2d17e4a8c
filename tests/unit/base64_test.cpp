// Base64 for body_b64: RFC 4648 vectors, strict decoding, lossless round trip of any bytes.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "envelope/base64.h"

namespace gsmq {
namespace {

TEST(Base64Test, Rfc4648TestVectors) {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), std::string(plain)) << encoded;
  }
}

TEST(Base64Test, EveryByteValueSurvives) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const std::string encoded = base64_encode(all);
  EXPECT_EQ(encoded.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
            std::string::npos);
  EXPECT_EQ(base64_decode(encoded), all);
  EXPECT_EQ(base64_encode(std::string("\xfb\xff\xbf", 3)), "+/+/");
}

TEST(Base64Test, RoundTripOfRandomBytes) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    std::string bytes(rng() % 70, '\0');
    for (auto& c : bytes) c = static_cast<char>(rng());
    const std::string encoded = base64_encode(bytes);
    ASSERT_EQ(encoded.size(), (bytes.size() + 2) / 3 * 4);
    ASSERT_EQ(base64_decode(encoded), bytes);
  }
}

TEST(Base64Test, DecodingIsStrict) {
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm=v", "Zm9v\n", " Zm9v", "Zm9v YmFy",
                          "Zm9-", "Zm9_", "Zm9v!A==", "Zm\xc3\xa9"}) {
    EXPECT_EQ(base64_decode(bad), std::nullopt) << '"' << bad << '"';
  }
}

}  // namespace
}  // namespace gsmq
