// The data directory's format file (lib/server/data_dir_format.h): written at the first
// start, accepted when it says this format, refused (naming the file and the versions)
// when it says a newer one or is not a format line; a directory from before format
// versions is accepted and marked. Also through the Broker, which checks it at start.
#include "server/data_dir_format.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "server/broker.h"
#include "store/test_support.h"
#include "util/error.h"

namespace gsmq::server {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_file(const std::filesystem::path& p, const std::string& text) { std::ofstream(p) << text; }

// The message of the gsmq::Error (bad_input) that checking `dir` throws; fails without one.
std::string refusal(const std::filesystem::path& dir) {
  try {
    check_data_dir_format(dir);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::bad_input);
    return e.what();
  }
  ADD_FAILURE() << "accepted " << dir;
  return "";
}

TEST(DataDirFormatTest, ANewDirectoryIsMarkedWithThisFormat) {
  store::testing::TempDir dir;
  EXPECT_EQ(check_data_dir_format(dir.path()), 0);
  EXPECT_EQ(read_file(dir.path() / "format"), "gsmq data directory format 1\n");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "format.tmp"));
  EXPECT_EQ(check_data_dir_format(dir.path()), 1);  // and then read back
}

TEST(DataDirFormatTest, ADirectoryFromBeforeFormatVersionsIsAcceptedAndMarked) {
  store::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "queues" / "jobs");
  EXPECT_EQ(check_data_dir_format(dir.path()), 0);
  EXPECT_EQ(read_file(dir.path() / "format"), "gsmq data directory format 1\n");
}

TEST(DataDirFormatTest, ANewerFormatIsRefusedNamingTheFileAndBothVersions) {
  store::testing::TempDir dir;
  write_file(dir.path() / "format", "gsmq data directory format 2\n");
  const std::string what = refusal(dir.path());
  EXPECT_NE(what.find((dir.path() / "format").string() + ": data directory format 2, written by a newer gsmq"),
            std::string::npos)
      << what;
  EXPECT_NE(what.find("reads format 1 at most"), std::string::npos) << what;
  EXPECT_EQ(read_file(dir.path() / "format"), "gsmq data directory format 2\n");  // left as it was
}

TEST(DataDirFormatTest, AFileThatIsNotAFormatLineIsRefused) {
  for (const char* text : {"", "1\n", "gsmq data directory format 0\n", "gsmq data directory format x\n",
                           "gsmq data directory format 1\nmore\n", "gsmq data directory format 99999999999\n"}) {
    store::testing::TempDir dir;
    write_file(dir.path() / "format", text);
    EXPECT_NE(refusal(dir.path()).find("not a gsmq data directory format line"), std::string::npos) << text;
  }
}

TEST(DataDirFormatTest, TheBrokerRefusesANewerDirectoryAndLetsGoOfItsLock) {
  store::testing::TempDir dir;
  write_file(dir.path() / "format", "gsmq data directory format 7\n");
  BrokerOptions options;
  options.data_dir = dir.path();
  EXPECT_THROW(Broker{options}, Error);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "queues"));  // nothing read or made
  // Once the file says this format, the same directory opens: the lock was let go.
  write_file(dir.path() / "format", "gsmq data directory format 1\n");
  Broker broker(options);
  broker.stop();
}

}  // namespace
}  // namespace gsmq::server
