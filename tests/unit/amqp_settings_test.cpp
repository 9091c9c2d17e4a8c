// amqp:// URL settings: brokers (the comma list), vhost, login, the path as the queue
// (source) or the routing key (sink), the stream offset forms, and every malformed option
// as a usage error (the parameters checked against the adapter's table first, as the
// registry does).
#include "endpoint/amqp/settings.h"

#include <gtest/gtest.h>

#include "endpoint/amqp/registration.h"

using namespace gsmq;
using namespace gsmq::endpoint;
using namespace gsmq::endpoint::amqp;

namespace {

Settings parse(const std::string& text, Role role = Role::source, EndpointOptions options = {}) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return read_settings(*url, parse_params(kAdapter, *url, opened_as(kAdapter, *url, role)), role, options);
}

std::string usage_error(const std::string& text, Role role = Role::source) {
  try {
    parse(text, role);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
    return e.what();
  }
  return "";
}

}  // namespace

TEST(AmqpSettings, SourceDefaults) {
  const Settings s = parse("amqp://broker/jobs");
  ASSERT_EQ(s.brokers.size(), 1u);
  EXPECT_EQ(s.brokers[0].text(), "broker:5672");
  EXPECT_EQ(s.queue, "jobs");
  EXPECT_EQ(s.vhost, "/");
  EXPECT_EQ(s.user, "guest");
  EXPECT_EQ(s.password, "guest");
  EXPECT_FALSE(s.declare);
  EXPECT_EQ(s.max_inflight, 100u);
  EXPECT_EQ(s.offset.kind, StreamOffset::Kind::none);
  EXPECT_FALSE(s.retry.forever);
}

TEST(AmqpSettings, SinkPathIsTheRoutingKey) {
  const Settings s = parse("amqps://u:p%40ss@broker/sensors.door?exchange=amq.topic&vhost=site1", Role::sink);
  EXPECT_EQ(s.brokers[0].text(), "broker:5671");
  EXPECT_TRUE(s.tls.enabled);
  EXPECT_EQ(s.routing_key, "sensors.door");
  EXPECT_EQ(s.exchange, "amq.topic");
  EXPECT_EQ(s.vhost, "site1");
  EXPECT_EQ(s.user, "u");
  EXPECT_EQ(s.password, "p@ss");
  EXPECT_TRUE(s.mandatory);
  EXPECT_TRUE(s.persistent);
}

TEST(AmqpSettings, BrokerListFailsOverInOrder) {
  const Settings s = parse("amqp://h1:5673,h2,h3:5680/q");
  ASSERT_EQ(s.brokers.size(), 3u);
  EXPECT_EQ(s.brokers[0].text(), "h1:5673");
  EXPECT_EQ(s.brokers[1].text(), "h2:5672");
  EXPECT_EQ(s.brokers[2].text(), "h3:5680");
  EXPECT_EQ(parse_brokers("a,b", std::nullopt, 5671)[1].port, 5671);
  EXPECT_TRUE(parse_brokers("a,,b", std::nullopt, 5672).empty());
  EXPECT_TRUE(parse_brokers("a:0,b", std::nullopt, 5672).empty());
  EXPECT_TRUE(parse_brokers("a:x,b", std::nullopt, 5672).empty());
  const Settings t = parse("amqp://h1:5673,h2/q");
  ASSERT_EQ(t.brokers.size(), 2u);
  EXPECT_EQ(t.brokers[1].text(), "h2:5672");
  std::string error;  // a bad port anywhere in the list: the URL itself is refused
  EXPECT_FALSE(parse_endpoint_url("amqp://a:99999,b/q", error));
  EXPECT_NE(error.find("bad port \"99999\""), std::string::npos);
  EXPECT_NE(usage_error("amqp://a,,b/q").find("broker list"), std::string::npos);
}

TEST(AmqpSettings, ASourceWithOnlyAnExchangeBindsAQueueOfItsOwn) {
  const Settings s = parse("amqp://b/?exchange=amq.topic");
  EXPECT_TRUE(s.exclusive_queue());
  EXPECT_EQ(s.routing_key, "#");
  EXPECT_EQ(parse("amqp://b/?exchange=logs&routing_key=kern.*").routing_key, "kern.*");
}

TEST(AmqpSettings, StreamOffsets) {
  using K = StreamOffset::Kind;
  EXPECT_EQ(parse_stream_offset("first"), (StreamOffset{K::first, 0}));
  EXPECT_EQ(parse_stream_offset("last"), (StreamOffset{K::last, 0}));
  EXPECT_EQ(parse_stream_offset("next"), (StreamOffset{K::next, 0}));
  EXPECT_EQ(parse_stream_offset("42"), (StreamOffset{K::offset, 42}));
  EXPECT_EQ(parse_stream_offset("2026-12-01T08:00:00Z"), (StreamOffset{K::time, 1796112000}));
  EXPECT_FALSE(parse_stream_offset(""));
  EXPECT_FALSE(parse_stream_offset("-1"));
  EXPECT_FALSE(parse_stream_offset("soon"));
  EXPECT_FALSE(parse_stream_offset("2026-12-01"));
  EXPECT_EQ(parse("amqp://b/s?offset=7").offset, (StreamOffset{K::offset, 7}));
}

TEST(AmqpSettings, FollowRetriesForever) {
  EndpointOptions follow;
  follow.follow = true;
  EXPECT_TRUE(parse("amqp://b/q", Role::source, follow).retry.forever);
  EXPECT_TRUE(parse("amqp://b/q?retry").retry.forever);
}

TEST(AmqpSettings, BadUrlsAreUsageErrors) {
  EXPECT_NE(usage_error("amqp:///q").find("does not run an AMQP broker"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/").find("no queue"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?queue=r").find("twice"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/k?routing_key=r", Role::sink).find("twice"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?routing_key=r").find("needs ?exchange"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?offset=soon").find("offset"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?queue_type=quorum").find("declare"), std::string::npos);
  EXPECT_NE(usage_error("amqp://:pw@b/q").find("password needs a user"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?heartbeat=500ms").find("heartbeat"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?queue_type=lazy&declare=1").find("queue_type"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?mandatory=0").find("mandatory"), std::string::npos);  // sink only
  EXPECT_NE(usage_error("amqp://b/q?offset=first", Role::sink).find("offset"), std::string::npos);  // source only
  EXPECT_NE(usage_error("amqp://b/q?ca=x.pem").find("ca"), std::string::npos);  // TLS schemes only
  EXPECT_NE(usage_error("amqps://b/q?cert=c.pem").find("?cert needs ?key"), std::string::npos);
  EXPECT_NE(usage_error("amqp://b/q?listen").find("listen"), std::string::npos);
}
