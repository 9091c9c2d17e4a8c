// Message ids and stamps (envelope/message.h): every id a fresh UUIDv7, and stamp() fills
// in only what a message does not carry yet.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "envelope/message.h"

namespace gsmq {
namespace {

TEST(MessageTest, NewIdsAreUniqueUuidV7) {
  std::set<std::string> seen;
  for (int i = 0; i < 2000; ++i) {
    const std::string id = new_message_id();
    ASSERT_EQ(id.size(), 36u) << id;
    ASSERT_EQ(id[8], '-');
    ASSERT_EQ(id[13], '-');
    ASSERT_EQ(id[14], '7') << "version 7: " << id;
    ASSERT_NE(std::string("89ab").find(id[19]), std::string::npos) << "RFC 9562 variant: " << id;
    ASSERT_TRUE(seen.insert(id).second) << "duplicate id " << id;
  }
}

TEST(MessageTest, StampFillsOnlyWhatIsMissing) {
  Message fresh;
  stamp(fresh);
  EXPECT_FALSE(fresh.id.empty());
  EXPECT_GT(fresh.ts, 0);

  Message given;
  given.id = "mine";
  given.ts = 5;
  stamp(given);
  EXPECT_EQ(given.id, "mine");
  EXPECT_EQ(given.ts, 5);
}

}  // namespace
}  // namespace gsmq
