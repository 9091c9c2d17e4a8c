// is_json_body: which protocol payloads the HTTP and CoAP adapters flag as JSON bodies.
#include <gtest/gtest.h>

#include <string>

#include "envelope/codec.h"
#include "envelope/json_body.h"

namespace gsmq {
namespace {

std::string nested_array(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(JsonBodyTest, AnyJsonValueButAString) {
  for (const char* yes : {R"({"t":21.5})", "[1,2]", "42", "-0.5e3", "true", "false", "null", " {} "})
    EXPECT_TRUE(is_json_body(yes)) << yes;
  for (const char* no : {R"("a string")", "", "   ", "{broken", "[1,]", "1e400", "open the door", "{} {}"})
    EXPECT_FALSE(is_json_body(no)) << no;
}

TEST(JsonBodyTest, NestedAtMostAsDeepAsABodyInALine) {
  EXPECT_TRUE(is_json_body(nested_array(kMaxBodyDepth)));
  EXPECT_FALSE(is_json_body(nested_array(kMaxBodyDepth + 1)));
  EXPECT_FALSE(is_json_body(nested_array(100000)));
}

}  // namespace
}  // namespace gsmq
