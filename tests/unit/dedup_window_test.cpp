// The durable window of ids that arrived over links (federation/dedup_window.h).
#include "federation/dedup_window.h"

#include <gtest/gtest.h>

#include <future>

#include "store/test_support.h"

namespace gsmq::federation {
namespace {

using Verdict = DedupWindow::Verdict;

bool commit(DedupWindow& w, const std::vector<std::string_view>& ids, bool ok = true) {
  std::promise<bool> done;
  w.committed(ids, ok, [&](bool written) { done.set_value(written); });
  return done.get_future().get();
}

TEST(DedupWindowTest, AnIdIsTakenOnceAndARetryWhileInFlightWaits) {
  store::testing::TempDir dir;
  store::Committer committer;
  DedupWindow w(dir.path() / "dedup", committer, 100);
  EXPECT_EQ(w.check("a"), Verdict::fresh);
  EXPECT_EQ(w.check("a"), Verdict::in_flight);  // not durable yet: the sender retries later
  ASSERT_TRUE(commit(w, {"a"}));
  EXPECT_EQ(w.check("a"), Verdict::duplicate);
  EXPECT_EQ(w.duplicates(), 1u);
  EXPECT_EQ(w.check("b"), Verdict::fresh);
}

TEST(DedupWindowTest, AnArrivalThatWasNotStoredIsTakenAgain) {
  store::testing::TempDir dir;
  store::Committer committer;
  DedupWindow w(dir.path() / "dedup", committer, 100);
  EXPECT_EQ(w.check("a"), Verdict::fresh);
  EXPECT_FALSE(commit(w, {"a"}, /*ok=*/false));
  EXPECT_EQ(w.check("a"), Verdict::fresh);
}

TEST(DedupWindowTest, TheWindowSurvivesARestartAndKeepsTheNewestIds) {
  store::testing::TempDir dir;
  std::vector<std::string> ids;
  for (int i = 0; i < 50; ++i) ids.push_back("id-" + std::to_string(i));
  {
    store::Committer committer;
    DedupWindow w(dir.path() / "dedup", committer, 20);
    for (const auto& id : ids) {
      ASSERT_EQ(w.check(id), Verdict::fresh);
      ASSERT_TRUE(commit(w, {id}));
    }
    EXPECT_EQ(w.size(), 20u);
  }
  store::Committer committer;
  DedupWindow w(dir.path() / "dedup", committer, 20);
  EXPECT_EQ(w.size(), 20u);
  for (int i = 30; i < 50; ++i) EXPECT_EQ(w.check(ids[i]), Verdict::duplicate) << ids[i];
  EXPECT_EQ(w.check(ids[0]), Verdict::fresh);  // aged out of the window
}

}  // namespace
}  // namespace gsmq::federation
