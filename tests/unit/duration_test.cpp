// Durations on the command line and in URLs (--wait 250ms).
#include <gtest/gtest.h>

#include "util/duration.h"

namespace gsmq {
namespace {

using std::chrono::microseconds;

TEST(DurationTest, ParsesEveryUnit) {
  EXPECT_EQ(parse_duration("250ms"), microseconds(250'000));
  EXPECT_EQ(parse_duration("1.5s"), microseconds(1'500'000));
  EXPECT_EQ(parse_duration("5"), microseconds(5'000'000)) << "a bare number is seconds";
  EXPECT_EQ(parse_duration("0.25"), microseconds(250'000));
  EXPECT_EQ(parse_duration("30us"), microseconds(30));
  EXPECT_EQ(parse_duration("30\xc2\xb5s"), microseconds(30));  // µs
  EXPECT_EQ(parse_duration("2m"), microseconds(120'000'000));
  EXPECT_EQ(parse_duration("1h"), microseconds(3'600'000'000));
  EXPECT_EQ(parse_duration("0"), microseconds(0));
  EXPECT_EQ(parse_duration("0.0015ms"), microseconds(2)) << "rounded to the microsecond";
}

TEST(DurationTest, RejectsWhatIsNotADuration) {
  for (const char* bad : {"", "ms", "abc", "-1s", "-5", "5 s", " 5s", "5sec", "5S", "1d", "inf", "nan", "1e300h",
                          "5s5", "0x10"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << '"' << bad << '"';
  }
}

TEST(DurationTest, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(format_duration(microseconds(2'000'000)), "2s");
  EXPECT_EQ(format_duration(microseconds(250'000)), "250ms");
  EXPECT_EQ(format_duration(microseconds(1'500'000)), "1500ms");
  EXPECT_EQ(format_duration(microseconds(30)), "30us");
  EXPECT_EQ(format_duration(microseconds(0)), "0s");
  for (const char* text : {"2s", "250ms", "30us", "1500ms"}) EXPECT_EQ(format_duration(*parse_duration(text)), text);
}

}  // namespace
}  // namespace gsmq
