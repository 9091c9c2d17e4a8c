// PayloadTemplate (gen/payload_template.h): body templates with placeholders, the
// named profiles, and filler bodies of a given size.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "gen/payload_template.h"

using namespace gsmq::gen;

TEST(PayloadTemplateTest, PlaceholdersRender) {
  std::string error;
  auto t = PayloadTemplate::parse("c{{client}} s{{seq}} t{{ts}} r{{rand 3 3}} f{{rand 1.5 1.5}} w{{choice x}}", error);
  ASSERT_TRUE(t) << error;
  std::mt19937_64 rng(1);
  EXPECT_EQ(t->render({7, 2, 1234}, rng), "c2 s7 t1234 r3 f1.50 wx");
  auto u = PayloadTemplate::parse("{{uuid}}", error);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->render({}, rng).size(), 36u);
}

TEST(PayloadTemplateTest, RandomValuesStayInRange) {
  std::string error;
  auto t = PayloadTemplate::parse("{{rand -5 5}}", error);
  ASSERT_TRUE(t);
  std::mt19937_64 rng(3);
  for (int i = 0; i < 1000; ++i) {
    const int v = std::stoi(t->render({}, rng));
    EXPECT_GE(v, -5);
    EXPECT_LE(v, 5);
  }
}

TEST(PayloadTemplateTest, BadTemplatesAreRejected) {
  std::string error;
  EXPECT_FALSE(PayloadTemplate::parse("{{nope}}", error));
  EXPECT_NE(error.find("unknown placeholder {{nope}}"), std::string::npos);
  EXPECT_FALSE(PayloadTemplate::parse("{{rand 5 1}}", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{rand a b}}", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{choice}}", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{seq", error));
  EXPECT_FALSE(PayloadTemplate::parse("{{seq 1}}", error));
}

TEST(PayloadTemplateTest, ProfilesRenderValidJson) {
  std::mt19937_64 rng(9);
  for (const auto& name : profile_names()) {
    std::string error;
    auto t = PayloadTemplate::parse(*profile_template(name), error);
    ASSERT_TRUE(t) << name << ": " << error;
    for (int i = 0; i < 50; ++i) {
      const auto text = t->render({static_cast<uint64_t>(i), 3, 1700000000000000}, rng);
      EXPECT_FALSE(nlohmann::json::parse(text, nullptr, false).is_discarded()) << name << ": " << text;
    }
  }
  EXPECT_FALSE(profile_template("toaster"));
}

TEST(PayloadTemplateTest, FillerHasTheRequestedSize) {
  EXPECT_EQ(filler_body(0).size(), 0u);
  EXPECT_EQ(filler_body(4096).size(), 4096u);
}
