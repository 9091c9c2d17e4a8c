// is_blank_line: the envelope input lines that are skipped rather than reported.
#include <gtest/gtest.h>

#include "io/blank_line.h"

namespace gsmq {
namespace {

TEST(BlankLineTest, OnlySpacesAndTabsBeforeAnOptionalCarriageReturn) {
  for (const char* blank : {"", " ", "\t", "\r", "  \t \r", " \t\t "}) EXPECT_TRUE(is_blank_line(blank)) << '"' << blank << '"';
  for (const char* not_blank : {"{}", " x ", "\r\r", "\r ", "\f", "\v", "\xc2\xa0"})
    EXPECT_FALSE(is_blank_line(not_blank)) << '"' << not_blank << '"';
}

}  // namespace
}  // namespace gsmq
