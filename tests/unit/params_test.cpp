// The one parser of endpoint parameters, on a made-up adapter: names, aliases, every
// type's values and defaults, roles, TLS-only parameters, parameters handed on to the
// peer, and the usage errors that name what is wrong.
#include "endpoint/params.h"

#include <gtest/gtest.h>

#include <array>

#include "endpoint/param_text.h"
#include "endpoint/shared_params.h"

namespace gsmq::endpoint {
namespace {

using namespace std::chrono_literals;

constexpr std::array<std::string_view, 2> kModes = {"fast", "Careful"};
constexpr std::array kTestParams = {
    ParamSpec{.name = "count", .type = ParamType::unsigned_number, .default_value = "3", .min = 1, .max = 10,
              .roles = kSource | kSink, .doc = "how many"},
    ParamSpec{.name = "wait", .type = ParamType::duration, .default_value = "2s", .min = us(1ms), .max = us(60s),
              .roles = kSink, .doc = "how long, when sending"},
    ParamSpec{.name = "wait", .type = ParamType::duration, .default_value = "30s", .roles = kListener,
              .doc = "how long, when listening"},
    ParamSpec{.name = "expiry", .type = ParamType::duration, .doc = "or never", .keyword = "never"},
    ParamSpec{.name = "buffer", .type = ParamType::size, .default_value = "64KiB", .max = 1u << 20, .doc = "bytes"},
    ParamSpec{.name = "mode", .type = ParamType::enumeration, .default_value = "fast", .choices = kModes,
              .doc = "how"},
    ParamSpec{.name = "max_things", .type = ParamType::unsigned_number, .max = 9, .roles = kListener,
              .doc = "at most", .alias = "max-things"},
    ParamSpec{.name = "file", .type = ParamType::path, .doc = "a file"},
    ParamSpec{.name = "label", .type = ParamType::string, .doc = "any text"},
    kListen,
    kCa,
    kInsecure,
};
constexpr std::array kTestSchemes = {Scheme{"test", "plain"}, Scheme{"tests", "over TLS", true}};
constexpr Adapter kTestAdapter{.kind = "test", .schemes = kTestSchemes, .roles = kAnyRole, .params = kTestParams};
constexpr Adapter kPassingAdapter{.kind = "test", .schemes = kTestSchemes, .roles = kAnyRole, .params = kTestParams,
                                  .passes_unknown = kSink};
constexpr std::array kConnectOnlySchemes = {Scheme{"co", "connects only"}};
constexpr std::array kConnectOnlyParams = {kTestParams[0]};
constexpr Adapter kConnectOnly{.kind = "co", .schemes = kConnectOnlySchemes, .params = kConnectOnlyParams,
                               .connect_only = "co:// only connects; give a host"};

EndpointUrl url_of(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return url.value_or(EndpointUrl{});
}

Params parse(const std::string& text, Roles role = kSource, const Adapter& adapter = kTestAdapter) {
  return parse_params(adapter, url_of(text), role);
}

// The usage error's message, or "" when the parameters were accepted.
std::string usage_error(const std::string& text, Roles role = kSource, const Adapter& adapter = kTestAdapter) {
  try {
    parse(text, role, adapter);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
    return e.what();
  }
  return "";
}

TEST(Params, DefaultsWhenNotGiven) {
  const Params p = parse("test://h/x");
  EXPECT_FALSE(p.given("count"));
  EXPECT_EQ(p.number("count"), 3u);
  EXPECT_EQ(p.number("buffer"), 64u << 10);
  EXPECT_EQ(p.text("mode"), "fast");
  EXPECT_EQ(p.text("label"), "");
  EXPECT_FALSE(p.flag("insecure"));
  EXPECT_EQ(p.duration("expiry"), Duration(0));
}

TEST(Params, TypedValues) {
  const Params p = parse("test://h/x?count=10&expiry=1h&buffer=1MiB&mode=careful&file=/etc/x&label=a%20b&listen=no",
                         kSource);
  EXPECT_TRUE(p.given("count"));
  EXPECT_EQ(p.number("count"), 10u);
  EXPECT_EQ(p.duration("expiry"), std::chrono::hours(1));
  EXPECT_EQ(p.number("buffer"), 1u << 20);
  EXPECT_EQ(p.text("mode"), "Careful");  // as declared, whatever the case given
  EXPECT_EQ(p.text("file"), "/etc/x");
  EXPECT_EQ(p.text("label"), "a b");
  EXPECT_FALSE(p.flag("listen"));
  EXPECT_EQ(parse("test://h/x?expiry=never").duration("expiry"), Duration::max());
}

TEST(Params, BooleansTakeTheWordsOfEveryTool) {
  for (const char* on : {"", "=", "=1", "=true", "=yes"}) EXPECT_TRUE(parse(std::string("test://:1/x?listen") + on).flag("listen")) << on;
  for (const char* off : {"=0", "=false", "=no"}) EXPECT_FALSE(parse(std::string("test://:1/x?listen") + off).flag("listen")) << off;
  EXPECT_EQ(usage_error("test://h/x?listen=maybe"), "test://h/x?listen=maybe: ?listen=maybe: expected 1 or 0 (true/false)");
}

TEST(Params, BadValuesNameTheParameterAndTheAcceptedForm) {
  EXPECT_EQ(usage_error("test://h/x?count=0"), "test://h/x?count=0: ?count=0: expected a whole number from 1 to 10");
  EXPECT_EQ(usage_error("test://h/x?count=lots"), "test://h/x?count=lots: ?count=lots: expected a whole number from 1 to 10");
  EXPECT_EQ(usage_error("test://h/x?count="), "test://h/x?count=: ?count=: expected a whole number from 1 to 10");
  EXPECT_EQ(usage_error("test://h/x?wait=90s", kSink),
            "test://h/x?wait=90s: ?wait=90s: expected a duration (e.g. 500ms, 5s, 2m) from 1ms to 60s");
  EXPECT_EQ(usage_error("test://h/x?expiry=soon"),
            "test://h/x?expiry=soon: ?expiry=soon: expected a duration (e.g. 500ms, 5s, 2m) or never");
  EXPECT_EQ(usage_error("test://h/x?buffer=2MiB"),
            "test://h/x?buffer=2MiB: ?buffer=2MiB: expected a size (e.g. 64MiB) from 0 to 1MiB");
  EXPECT_EQ(usage_error("test://h/x?mode=slow"), "test://h/x?mode=slow: ?mode=slow: expected fast or Careful");
  EXPECT_EQ(usage_error("test://h/x?file="), "test://h/x?file=: ?file=: expected a file path");
}

TEST(Params, UnknownNamesTheParameterTheSchemeAndTheValidOnes) {
  EXPECT_EQ(usage_error("test://h/x?bogus=1"),
            "test://h/x?bogus=1: unknown parameter ?bogus for test:// (valid for a source: count, expiry, buffer, mode, "
            "file, label, listen)");
  // the TLS parameters count on the TLS scheme only; a name declared for two roles once
  EXPECT_NE(usage_error("tests://h/x?bogus", kSink).find("(valid for a sink: count, wait, expiry, buffer, mode, file, "
                                                         "label, listen, ca, insecure)"),
            std::string::npos);
  EXPECT_NE(usage_error("test://h/x?bogus", kAnyRole).find("(valid: count, wait, expiry"), std::string::npos);
  EXPECT_NE(usage_error("test://h/x?Count=1").find("unknown parameter ?Count"), std::string::npos);  // names are exact
}

TEST(Params, AParameterOfAnotherRoleIsNamedAsSuch) {
  EXPECT_EQ(usage_error("test://h/x?wait=1s", kSource), "test://h/x?wait=1s: ?wait is for sending (a sink) or "
                                                        "listening (the listen form), not for a source");
  EXPECT_EQ(usage_error("test://h/x?max_things=1", kSink),
            "test://h/x?max_things=1: ?max_things is for listening (the listen form), not for a sink");
  EXPECT_EQ(usage_error("test://h/x?max_things=1", kAnyRole), "");  // names and values only
}

TEST(Params, OneNameMayMeanOneThingPerRole) {
  EXPECT_EQ(parse("test://h/x", kSink).duration("wait"), std::chrono::seconds(2));
  EXPECT_EQ(parse("test://:1/x", kListener).duration("wait"), std::chrono::seconds(30));
  EXPECT_EQ(parse("test://:1/x?wait=90s", kListener).duration("wait"), std::chrono::seconds(90));  // its own range
}

TEST(Params, AnOldSpellingIsAnAlias) {
  const Params p = parse("test://:1/x?max-things=4", kListener);
  EXPECT_TRUE(p.given("max_things"));
  EXPECT_EQ(p.number("max_things"), 4u);
  EXPECT_NE(usage_error("test://:1/x?max-things=40", kListener).find("?max-things=40: expected a whole number from 0 to 9"),
            std::string::npos);
}

TEST(Params, TlsParametersNeedATlsScheme) {
  EXPECT_EQ(usage_error("test://h/x?ca=ca.pem"), "test://h/x?ca=ca.pem: ?ca needs a TLS scheme (tests://)");
  EXPECT_EQ(parse("tests://h/x?ca=ca.pem&insecure").text("ca"), "ca.pem");
}

TEST(Params, TheSinkMayHandUnknownParametersOnToThePeer) {
  const Params p = parse("test://h/x?z=1&count=2&max_things=3&a", kSink, kPassingAdapter);
  EXPECT_EQ(p.number("count"), 2u);
  EXPECT_FALSE(p.given("max_things"));
  const std::vector<std::pair<std::string, std::string>> on = {{"a", ""}, {"max_things", "3"}, {"z", "1"}};
  EXPECT_EQ(p.passed_on(), on);
  EXPECT_NE(usage_error("test://h/x?z=1", kSource, kPassingAdapter), "");  // only in the roles that do
  EXPECT_NE(usage_error("test://h/x?z=1", kAnyRole, kPassingAdapter), "");
  EXPECT_NE(usage_error("tests://h/x?count=99", kSink, kPassingAdapter), "");  // a bad value of its own is still one
}

TEST(Params, ListenOnAKindThatOnlyConnectsSaysSo) {
  EXPECT_EQ(usage_error("co://h/x?listen", kSource, kConnectOnly), "co://h/x?listen: co:// only connects; give a host");
}

TEST(Params, AskingForAnUndeclaredNameOrTheWrongTypeIsAProgrammingError) {
  const Params p = parse("test://h/x");
  EXPECT_THROW(p.number("nope"), std::logic_error);
  EXPECT_THROW(p.text("count"), std::logic_error);
  EXPECT_THROW(p.flag("mode"), std::logic_error);
}

TEST(ParamText, RangesAndForms) {
  EXPECT_EQ(range_text(kTestParams[0]), "1-10");
  EXPECT_EQ(range_text(kTestParams[1]), "1ms-60s");
  EXPECT_EQ(range_text(kTestParams[3]), "never");
  EXPECT_EQ(range_text(kTestParams[5]), "fast|Careful");
  EXPECT_EQ(range_text(kRetry), "");
  EXPECT_EQ(join_words({"a", "b", "c"}, "or"), "a, b or c");
  EXPECT_EQ(join_words({"a"}, "or"), "a");
  EXPECT_EQ(join_words({"a", "b"}, ""), "a, b");
}

}  // namespace
}  // namespace gsmq::endpoint
