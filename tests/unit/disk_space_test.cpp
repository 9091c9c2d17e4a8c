// DiskSpace: the free-space floor, and how a refusal for lack of room is told apart.
#include "server/disk_space.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>

namespace gsmq::server {
namespace {

TEST(DiskSpaceTest, RefusesBelowTheFloorOnly) {
  const auto dir = std::filesystem::temp_directory_path();
  EXPECT_EQ(DiskSpace(dir, 0).refusal(), "");
  EXPECT_EQ(DiskSpace(dir, 1).refusal(), "");
  const std::string why = DiskSpace(dir, uint64_t{1} << 62).refusal();  // 4 EiB: more than any disk has
  EXPECT_TRUE(why.starts_with(kDiskFull)) << why;
  EXPECT_NE(why.find("less than --min-free-space 4294967296GiB"), std::string::npos) << why;
  EXPECT_NE(why.find(dir.string()), std::string::npos) << why;
  EXPECT_TRUE(is_room_refusal(why));
}

TEST(DiskSpaceTest, AFullDiskOnWriteIsARefusalForRoom) {
  const std::string enospc = store_error_text(std::make_error_code(std::errc::no_space_on_device));
  EXPECT_EQ(enospc, "disk full: cannot store message: No space left on device");
  EXPECT_TRUE(is_room_refusal(enospc));
  EXPECT_TRUE(is_room_refusal(store_error_text(std::error_code(EDQUOT, std::generic_category()))));
  const std::string eio = store_error_text(std::make_error_code(std::errc::io_error));
  EXPECT_EQ(eio, "cannot store message: Input/output error");
  EXPECT_FALSE(is_room_refusal(eio));
  EXPECT_TRUE(is_room_refusal("channel small is full (2 messages)"));
  EXPECT_FALSE(is_room_refusal("message has no channel"));
}

}  // namespace
}  // namespace gsmq::server
