// Channel names on disk (server/broker.h): any name becomes one safe directory name and
// comes back unchanged; directories gsmqd did not name are not mistaken for channels;
// names too long for the file system are refused up front.
#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>
#include <vector>

#include "server/broker.h"

namespace gsmq::server {
namespace {

const std::vector<std::string> kOddNames = {
    "jobs",         "sensors/door/1", "/leading/slash", "trailing/",  "100%",       "%41",
    "%",            "%%",             "temp/ünïcødé",   "温度/센서",  ".hidden",    ".",
    "..",           "../../etc",      "a.b",            "a..b",       "-dash",      "_under",
    "with space",   "tab\there",      "new\nline",      "quote\"'",   "back\\slash", "colon:star*?",
    std::string("nul\0byte", 8),      "\x01\x7f\xff",   "",           "A",          "a",
};

TEST(ChannelDirNameTest, EveryNameRoundTrips) {
  for (const auto& name : kOddNames) {
    const std::string dir = channel_dir_name(name);
    const auto back = channel_from_dir_name(dir);
    ASSERT_TRUE(back.has_value()) << dir;
    EXPECT_EQ(*back, name) << dir;
  }
}

TEST(ChannelDirNameTest, DirectoryNamesAreSafeAndDistinct) {
  const std::regex safe("[A-Za-z0-9_.%-]+");
  std::set<std::string> seen;
  for (const auto& name : kOddNames) {
    const std::string dir = channel_dir_name(name);
    EXPECT_TRUE(std::regex_match(dir, safe)) << dir;
    EXPECT_NE(dir.front(), '.') << dir;  // never hidden, never "." or ".."
    EXPECT_TRUE(seen.insert(dir).second) << "two names share " << dir;
  }
  EXPECT_EQ(channel_dir_name(""), "%");
  EXPECT_EQ(channel_dir_name("a/b"), "a%2Fb");
  EXPECT_EQ(channel_dir_name(".x.y"), "%2Ex.y");
}

TEST(ChannelDirNameTest, DirectoriesGsmqdDidNotNameAreRefused) {
  for (const std::string dir : {"%zz", "%4", "a%", "%41", "%2f", "a/b", ".x", "..", "."}) {
    EXPECT_FALSE(channel_from_dir_name(dir).has_value()) << dir;
  }
}

TEST(ChannelDirNameTest, NamesTooLongForTheFileSystemAreRefused) {
  EXPECT_NE(channel_name_error(""), "");
  EXPECT_EQ(channel_name_error(std::string(255, 'x')), "");
  EXPECT_NE(channel_name_error(std::string(256, 'x')), "");
  EXPECT_EQ(channel_name_error(std::string(85, '/')), "");  // 3 bytes each on disk
  EXPECT_NE(channel_name_error(std::string(86, '/')), "");
  EXPECT_NE(channel_name_error(std::string(86, '/')).find("too long"), std::string::npos);
}

}  // namespace
}  // namespace gsmq::server
