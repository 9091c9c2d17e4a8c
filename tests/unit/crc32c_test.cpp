// CRC-32C: published check values, incremental use, masking, and hardware == portable.
#include "store/crc32c.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "store/test_support.h"

namespace gsmq::store {
namespace {

TEST(Crc32cTest, KnownVectors) {
  EXPECT_EQ(crc32c("", 0), 0u);
  EXPECT_EQ(crc32c("123456789", 9), 0xe3069283u);
  const std::string zeros(32, '\0');
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8a9136aau);
  const std::string ones(32, '\xff');
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62a8ab43u);
  std::string ascending(32, '\0');
  for (size_t i = 0; i < ascending.size(); ++i) ascending[i] = static_cast<char>(i);
  EXPECT_EQ(crc32c(ascending.data(), ascending.size()), 0x46dd794eu);
}

TEST(Crc32cTest, ExtendEqualsWhole) {
  std::mt19937_64 rng(1);
  const std::string data = testing::random_bytes(rng, 1000);
  const uint32_t whole = crc32c(data.data(), data.size());
  for (size_t split : {0, 1, 7, 8, 9, 500, 999, 1000}) {
    const uint32_t first = crc32c(data.data(), split);
    EXPECT_EQ(crc32c_extend(first, data.data() + split, data.size() - split), whole) << split;
  }
}

TEST(Crc32cTest, MaskIsInvertibleAndChangesTheValue) {
  const uint32_t crc = crc32c("foo", 3);
  EXPECT_NE(crc32c_mask(crc), crc);
  EXPECT_NE(crc32c_mask(crc32c_mask(crc)), crc);
  EXPECT_EQ(crc32c_unmask(crc32c_mask(crc)), crc);
  EXPECT_EQ(crc32c_unmask(crc32c_unmask(crc32c_mask(crc32c_mask(crc)))), crc);
}

TEST(Crc32cTest, HardwareAndPortableAgree) {
  if (!detail::crc32c_hardware_available()) GTEST_SKIP() << "CPU has no SSE4.2";
  std::mt19937_64 rng(2);
  for (int i = 0; i < 500; ++i) {
    const std::string data = testing::random_bytes(rng, rng() % 4096);
    const size_t start = data.empty() ? 0 : rng() % data.size();  // unaligned starts too
    const auto seed = static_cast<uint32_t>(rng());
    EXPECT_EQ(detail::crc32c_extend_hardware(seed, data.data() + start, data.size() - start),
              detail::crc32c_extend_portable(seed, data.data() + start, data.size() - start));
  }
}

}  // namespace
}  // namespace gsmq::store
