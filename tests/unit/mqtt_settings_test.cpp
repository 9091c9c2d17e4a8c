// MQTT URL settings: schemes, ports, the WebSocket path versus the topic, session,
// retry and TLS options, and every malformed option as a usage error (the parameters
// checked against the adapter's table first, as the registry does).
#include "endpoint/mqtt/settings.h"

#include "endpoint/mqtt/registration.h"

#include <gtest/gtest.h>

using namespace gsmq;
using namespace gsmq::endpoint;
using namespace gsmq::endpoint::mqtt;

namespace {

Settings parse(const std::string& text, Role role = Role::source, EndpointOptions options = {}) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return read_settings(*url, parse_params(kAdapter, *url, opened_as(kAdapter, *url, role)), role, options);
}

// The usage error's message, or "" when the URL was accepted.
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

TEST(MqttSettings, DefaultsForPlainMqtt) {
  const Settings s = parse("mqtt://broker/sensors/#");
  EXPECT_EQ(s.server_uri, "tcp://broker:1883");
  EXPECT_EQ(s.topic, "sensors/#");
  EXPECT_EQ(s.version, 4);
  EXPECT_EQ(s.qos, 1);
  EXPECT_FALSE(s.qos_given);
  EXPECT_TRUE(s.clean);
  EXPECT_EQ(s.client_id.rfind("gsmq-", 0), 0u);
  EXPECT_EQ(s.keepalive, std::chrono::seconds(30));
  EXPECT_FALSE(s.session_expiry_s);
  EXPECT_FALSE(s.retry_forever);
  EXPECT_FALSE(s.tls.enabled);
}

TEST(MqttSettings, SchemesPortsAndTransports) {
  EXPECT_EQ(parse("mqtts://b/t").server_uri, "ssl://b:8883");
  EXPECT_EQ(parse("mqtt://b:1999/t").server_uri, "tcp://b:1999");
  EXPECT_EQ(parse("mqtt://[::1]/t").server_uri, "tcp://[::1]:1883");
  EXPECT_TRUE(parse("mqtts://b/t").tls.enabled);
  EXPECT_TRUE(parse("wss://b/mqtt?topic=t").tls.enabled);
}

TEST(MqttSettings, WebSocketPathAndTopic) {
  Settings s = parse("ws://b:9001/mqtt?topic=sensors/%23");
  EXPECT_EQ(s.server_uri, "ws://b:9001/mqtt");
  EXPECT_EQ(s.topic, "sensors/#");
  s = parse("ws://b?topic=t");  // default path and port
  EXPECT_EQ(s.server_uri, "ws://b:80/mqtt");
  s = parse("wss://b/ws/deep?topic=t");
  EXPECT_EQ(s.server_uri, "wss://b:443/ws/deep");
  // the path is never the topic for ws://
  EXPECT_NE(usage_error("ws://b/sensors"), "");
  // a sink may leave the topic to each message's channel
  EXPECT_EQ(parse("ws://b/mqtt", Role::sink).topic, "");
}

TEST(MqttSettings, TopicFromQueryForMqtt) {
  EXPECT_EQ(parse("mqtt://b?topic=a/+").topic, "a/+");
  EXPECT_NE(usage_error("mqtt://b/a?topic=b").find("given twice"), std::string::npos);
}

TEST(MqttSettings, SessionOptions) {
  Settings s = parse("mqtt://b/t?clean=0&client_id=bridge-1&qos=2&keepalive=1m");
  EXPECT_FALSE(s.clean);
  EXPECT_TRUE(s.persistent());
  EXPECT_EQ(s.client_id, "bridge-1");
  EXPECT_EQ(s.qos, 2);
  EXPECT_TRUE(s.qos_given);
  EXPECT_EQ(s.keepalive, std::chrono::seconds(60));
  EXPECT_NE(usage_error("mqtt://b/t?clean=0").find("needs ?client_id"), std::string::npos);
}

TEST(MqttSettings, Version5SessionExpiry) {
  EXPECT_EQ(parse("mqtt://b/t?version=5").session_expiry_s, 0u);
  EXPECT_EQ(parse("mqtt://b/t?version=5&clean=0&client_id=x").session_expiry_s, 0xFFFFFFFFu);
  EXPECT_EQ(parse("mqtt://b/t?version=5&clean=0&client_id=x&session_expiry=1h").session_expiry_s, 3600u);
  EXPECT_EQ(parse("mqtt://b/t?version=5&session_expiry=never").session_expiry_s, 0xFFFFFFFFu);
  EXPECT_EQ(parse("mqtt://b/t?version=3.1.1").version, 4);
  EXPECT_NE(usage_error("mqtt://b/t?session_expiry=1h").find("needs ?version=5"), std::string::npos);
}

TEST(MqttSettings, RetryFollowsTheUrlOrFollow) {
  EXPECT_TRUE(parse("mqtt://b/t?retry").retry_forever);
  EXPECT_FALSE(parse("mqtt://b/t?retry=0").retry_forever);
  EndpointOptions follow;
  follow.follow = true;
  EXPECT_TRUE(parse("mqtt://b/t", Role::source, follow).retry_forever);
  EXPECT_FALSE(parse("mqtt://b/t", Role::sink, follow).retry_forever);
  EXPECT_EQ(parse("mqtt://b/t?retry_for=5s").retry_for, std::chrono::seconds(5));
}

TEST(MqttSettings, CredentialsAndTls) {
  Settings s = parse("mqtts://alice:p%40ss@b/t?ca=/etc/ca.pem&cert=c.pem&key=k.pem&insecure");
  EXPECT_EQ(s.user, "alice");
  EXPECT_EQ(s.password, "p@ss");
  EXPECT_EQ(s.tls.ca_file, "/etc/ca.pem");
  EXPECT_EQ(s.tls.cert_file, "c.pem");
  EXPECT_EQ(s.tls.key_file, "k.pem");
  EXPECT_TRUE(s.tls.insecure);
  EXPECT_FALSE(parse("mqtts://b/t?insecure=0").tls.insecure);
  EXPECT_NE(usage_error("mqtt://b/t?ca=x").find("needs a TLS scheme"), std::string::npos);
  EXPECT_NE(usage_error("mqtts://b/t?key=k.pem").find("?key needs ?cert"), std::string::npos);
  EXPECT_NE(usage_error("mqtts://b/t?sni=other").find("?sni"), std::string::npos);
}

TEST(MqttSettings, SinkOptions) {
  Settings s = parse("mqtt://b/out?retain=1&max_inflight=10&qos=0", Role::sink);
  EXPECT_EQ(s.retain, true);
  EXPECT_EQ(s.max_inflight, 10u);
  EXPECT_EQ(s.qos, 0);
  EXPECT_EQ(parse("mqtt://b/out?retain", Role::sink).retain, true);
  EXPECT_EQ(parse("mqtt://b/out?retain=false", Role::sink).retain, false);
  EXPECT_FALSE(parse("mqtt://b/out", Role::sink).retain);
  EXPECT_NE(usage_error("mqtt://b/out/#", Role::sink).find("not a topic to publish to"), std::string::npos);
  EXPECT_NE(usage_error("mqtt://b/t?retain=1").find("for a source"), std::string::npos);
}

TEST(MqttSettings, BadValuesAreUsageErrors) {
  for (const char* url : {"mqtt://b/t?qos=3", "mqtt://b/t?qos=", "mqtt://b/t?clean=maybe", "mqtt://b/t?version=4.5",
                          "mqtt://b/t?keepalive=soon", "mqtt://b/t?keepalive=100000s", "mqtt://b/t?max_inflight=0",
                          "mqtt://b/t?connect_timeout=10ms", "mqtt://b/t?client_id=", "mqtt://b/t?nope=1",
                          "mqtt://b/", "mqtt://b/a/#/b", "mqtt://*/t", "mqtt:///t", "mqtt://b/t?listen",
                          "mqtt://:pw@b/t"})
    EXPECT_NE(usage_error(url), "") << url;
}
