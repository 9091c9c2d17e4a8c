// gsmq:// URL settings: the daemon's address, the default port, and the URL's parameters
// over the tools' flags of the same meaning; bad values and roles as usage errors.
#include "endpoint/gsmqd_client/settings.h"

#include <gtest/gtest.h>

#include "endpoint/gsmqd_client/registration.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

Settings settings_of(const std::string& text, Roles role = kSource, const EndpointOptions& options = {}) {
  std::string error;
  const auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return read_settings(*url, parse_params(kAdapter, *url, role), options);
}

std::string usage_error(const std::string& text, Roles role = kSource) {
  try {
    settings_of(text, role);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
    return e.what();
  }
  return "";
}

TEST(GsmqdClientSettings, AddressAndDefaults) {
  Settings s = settings_of("gsmq://10.0.0.2/jobs");
  EXPECT_EQ(s.target, "10.0.0.2:7878");
  EXPECT_EQ(s.channel, "jobs");
  EXPECT_EQ(s.options.kind, "queue");
  EXPECT_EQ(s.options.prefetch, 1024u);
  EXPECT_EQ(s.connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(s.retry_for, std::chrono::seconds(30));
  EXPECT_FALSE(s.retry_forever);
  EXPECT_EQ(settings_of("gsmq://:9000/x").target, "127.0.0.1:9000");
  EXPECT_EQ(settings_of("gsmq://*/x").target, "127.0.0.1:7878");
  EXPECT_EQ(settings_of("gsmq://[::1]:1/x").target, "[::1]:1");
}

TEST(GsmqdClientSettings, TheUrlWinsOverTheFlags) {
  EndpointOptions flags;
  flags.kind = "events";
  flags.group = "g1";
  flags.prefetch = 7;
  Settings s = settings_of("gsmq://h/x", kSource, flags);
  EXPECT_EQ(s.options.kind, "events");
  EXPECT_EQ(s.options.group, "g1");
  EXPECT_EQ(s.options.prefetch, 7u);
  s = settings_of("gsmq://h/x?kind=store&group=g2&from=first&prefetch=3&visibility=2s&retry&retry_for=1m"
                  "&connect_timeout=250ms",
                  kSource, flags);
  EXPECT_EQ(s.options.kind, "store");
  EXPECT_EQ(s.options.group, "g2");
  EXPECT_EQ(s.options.from, "first");
  EXPECT_EQ(s.options.prefetch, 3u);
  EXPECT_EQ(s.options.visibility, std::chrono::seconds(2));
  EXPECT_TRUE(s.retry_forever);
  EXPECT_EQ(s.retry_for, std::chrono::minutes(1));
  EXPECT_EQ(s.connect_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(settings_of("gsmq://h/x?kind=request&timeout=2s", kSink).options.request_timeout, std::chrono::seconds(2));
}

TEST(GsmqdClientSettings, BadParametersAreUsageErrors) {
  EXPECT_EQ(usage_error("gsmq://h/x?prefetch=lots"),
            "gsmq://h/x?prefetch=lots: ?prefetch=lots: expected a whole number from 1 to 65536");
  EXPECT_NE(usage_error("gsmq://h/x?kind=stream").find("expected queue, events, store, request or respond"),
            std::string::npos);
  EXPECT_NE(usage_error("gsmq://h/x?visibility=soon").find("?visibility=soon: expected a duration"), std::string::npos);
  EXPECT_NE(usage_error("gsmq://h/x?bogus=1").find("unknown parameter ?bogus for gsmq://"), std::string::npos);
  EXPECT_NE(usage_error("gsmq://h/x?timeout=1s").find("?timeout is for sending (a sink), not for a source"),
            std::string::npos);
  EXPECT_NE(usage_error("gsmq://h/x?prefetch=1", kSink).find("not for a sink"), std::string::npos);
  EXPECT_NE(usage_error("gsmq://h/x?listen").find("gsmqd --listen"), std::string::npos);
  EXPECT_NE(usage_error("gsmq://h/x?ca=ca.pem").find("?ca needs a TLS scheme (gsmqs://)"), std::string::npos);
  EXPECT_NE(usage_error("gsmqs://h/x?key=k.pem").find("?cert and ?key go together"), std::string::npos);
}

}  // namespace
}  // namespace gsmq::endpoint::gsmqd_client
