// The store's file layer: create_durable_directories makes each new directory's entry
// durable (its parent is fsynced) and reports every failure, the fsyncs' included.
#include "store/posix_file.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "store/test_support.h"

namespace gsmq::store {
namespace {

namespace fs = std::filesystem;
using Paths = std::vector<fs::path>;

TEST(PosixFileTest, CreateDurableDirectoriesSyncsTheParentOfEachNewDirectory) {
  testing::TempDir dir;
  testing::SyncRecorder syncs;
  const fs::path root = dir.path();
  create_durable_directories(root / "a" / "b" / "c");
  EXPECT_TRUE(fs::is_directory(root / "a" / "b" / "c"));
  EXPECT_EQ(syncs.take(), (Paths{root, root / "a", root / "a" / "b"}));

  create_durable_directories(root / "a" / "b" / "d" / "");  // a trailing slash changes nothing
  EXPECT_TRUE(fs::is_directory(root / "a" / "b" / "d"));
  EXPECT_EQ(syncs.take(), (Paths{root / "a" / "b"}));

  create_durable_directories(root / "a" / "b" / "c");  // there already: nothing to do
  EXPECT_TRUE(syncs.take().empty());
}

TEST(PosixFileTest, CreateDurableDirectoriesReportsFailures) {
  testing::TempDir dir;
  testing::SyncRecorder syncs;
  const fs::path root = dir.path();

  syncs.fail(root / "a");  // the fsync that makes "a/b" durable
  try {
    create_durable_directories(root / "a" / "b");
    FAIL() << "a failed directory fsync was not reported";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EIO);
  }
  syncs.fail({});
  // What it made is gone again, so the retry makes it anew and syncs it.
  EXPECT_FALSE(fs::exists(root / "a"));
  syncs.take();
  create_durable_directories(root / "a" / "b");
  EXPECT_EQ(syncs.take(), (Paths{root, root / "a"}));

  std::ofstream(root / "file") << "x";
  EXPECT_THROW(create_durable_directories(root / "file"), std::system_error);
  EXPECT_THROW(create_durable_directories(root / "file" / "below"), std::system_error);
}

}  // namespace
}  // namespace gsmq::store
