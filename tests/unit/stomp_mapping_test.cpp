// The Message <-> STOMP frame mapping: channel and destination, id, ts and priority in
// headers, STOMP's own headers as stomp.* meta, others as meta of the same names, the
// round trip through the codec, and what cannot be sent; and the URL settings.
#include "endpoint/stomp/mapping.h"

#include <gtest/gtest.h>

#include "endpoint/stomp/registration.h"

using namespace gsmq;
using namespace gsmq::endpoint;
using namespace gsmq::endpoint::stomp;

namespace {

Settings parse(const std::string& text, Role role, EndpointOptions options = {}) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return read_settings(*url, parse_params(kAdapter, *url, opened_as(kAdapter, *url, role)), role, options);
}

std::string usage_error(const std::string& text, Role role) {
  try {
    parse(text, role);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::usage) << text;
    return e.what();
  }
  return "";
}

}  // namespace

TEST(StompMapping, MessageFrameBecomesMessage) {
  Frame f{"MESSAGE",
          {{"destination", "/queue/jobs"}, {"message-id", "T_1@@s@@1"}, {"subscription", "0"}, {"ack", "A1"},
           {"content-type", "text/plain"}, {"redelivered", "true"}, {"priority", "12"}, {"gsmq-id", "g-1"},
           {"gsmq-ts", "1764000000123456"}, {"site", "lab"}, {"site", "second"}},
          std::string("a\0b", 3)};
  const Message m = message_from_frame(f);
  EXPECT_EQ(m.channel, "queue/jobs");
  EXPECT_EQ(m.body, std::string("a\0b", 3));
  EXPECT_EQ(m.id, "g-1");
  EXPECT_EQ(m.ts, 1764000000123456);
  EXPECT_EQ(m.priority, 9);
  EXPECT_EQ(m.meta.at("stomp.content-type"), "text/plain");
  EXPECT_EQ(m.meta.at("stomp.message-id"), "T_1@@s@@1");
  EXPECT_EQ(m.meta.at("stomp.redelivered"), "true");
  EXPECT_EQ(m.meta.at("site"), "lab");  // the first of a repeated header
  EXPECT_EQ(m.meta.count("ack"), 0u);
  EXPECT_EQ(m.meta.count("subscription"), 0u);
  EXPECT_EQ(m.meta.count("destination"), 0u);
}

TEST(StompMapping, BareMessageIsStamped) {
  const Message m = message_from_frame(Frame{"MESSAGE", {{"destination", "/topic/t"}}, "x"});
  EXPECT_EQ(m.channel, "topic/t");
  EXPECT_FALSE(m.id.empty());
  EXPECT_GT(m.ts, 0);
  EXPECT_TRUE(m.meta.empty());
}

TEST(StompMapping, MessageBecomesSend) {
  Message m;
  m.channel = "queue/a";
  m.body = "b";
  m.id = "i-1";
  m.ts = 1764000000000001;
  m.priority = 5;
  m.meta = {{"stomp.content-type", "application/json"}, {"content-type", "ignored"}, {"stomp.message-id", "old"},
            {"stomp.redelivered", "true"}, {"site", "lab"}, {"destination", "/queue/evil"}, {"persistent", "false"}};
  const Send s = send_frame_for(m, parse("stomp://b", Role::sink));
  ASSERT_EQ(s.error, "");
  const Frame& f = s.frame;
  EXPECT_EQ(f.command, "SEND");
  EXPECT_EQ(f.header("destination"), "/queue/a");
  EXPECT_EQ(f.header("gsmq-id"), "i-1");
  EXPECT_EQ(f.header("gsmq-ts"), "1764000000000001");
  EXPECT_EQ(f.header("priority"), "5");
  EXPECT_EQ(f.header("persistent"), "true");
  EXPECT_EQ(f.header("content-type"), "application/json");
  EXPECT_EQ(f.header("site"), "lab");
  EXPECT_FALSE(f.header("message-id"));
  EXPECT_FALSE(f.header("redelivered"));
  size_t destinations = 0, persistents = 0;
  for (const auto& [k, v] : f.headers) {
    destinations += k == "destination";
    persistents += k == "persistent";
  }
  EXPECT_EQ(destinations, 1u);
  EXPECT_EQ(persistents, 1u);
  EXPECT_FALSE(send_frame_for(m, parse("stomp://b?persistent=0", Role::sink)).frame.header("persistent") == "true");
}

TEST(StompMapping, RoundTripThroughTheCodec) {
  Message m;
  m.channel = "queue/rt";
  m.body = std::string("\0\xff:\n", 4);
  m.id = "r-1";
  m.ts = 1764000000123456;
  m.priority = 2;
  m.meta = {{"k:ey", "v\nal"}, {"stomp.content-type", "x/y"}};
  Send s = send_frame_for(m, parse("stomp://b?persistent=0", Role::sink));
  FrameParser p;
  p.feed(encode(s.frame));
  Frame back;
  ASSERT_EQ(p.next(back), FrameParser::Result::frame);
  back.command = "MESSAGE";
  EXPECT_EQ(message_from_frame(back), m);
}

TEST(StompMapping, TheUrlDestinationWinsAndCanTemplateTheChannel) {
  Message m;
  m.channel = "door";
  EXPECT_EQ(send_frame_for(m, parse("stomp://b/topic/fixed", Role::sink)).frame.header("destination"), "/topic/fixed");
  EXPECT_EQ(send_frame_for(m, parse("stomp://b/exchange/amq.topic/{channel}", Role::sink)).frame.header("destination"),
            "/exchange/amq.topic/door");
  EXPECT_EQ(send_frame_for(m, parse("stomp://b", Role::sink)).frame.header("destination"), "/door");
  m.channel = "";
  EXPECT_NE(send_frame_for(m, parse("stomp://b", Role::sink)).error.find("no destination"), std::string::npos);
}

TEST(StompSettings, UrlsAndUsageErrors) {
  const Settings s = parse("stomp://u:p@broker/queue/jobs?vhost=site&heartbeat=0", Role::source);
  EXPECT_EQ(s.host, "broker");
  EXPECT_EQ(s.port, 61613);
  EXPECT_EQ(s.login, "u");
  EXPECT_EQ(s.passcode, "p");
  EXPECT_EQ(s.vhost, "site");
  EXPECT_EQ(s.destination, "/queue/jobs");
  EXPECT_EQ(s.heartbeat.count(), 0);
  EXPECT_EQ(parse("stomp://b:1234?destination=/topic/t", Role::source).destination, "/topic/t");
  EXPECT_EQ(parse("stomp://b/queue/q", Role::source).vhost, "/");
  EndpointOptions follow;
  follow.follow = true;
  EXPECT_TRUE(parse("stomp://b/queue/q", Role::source, follow).retry.forever);
  EXPECT_NE(usage_error("stomp://b", Role::source).find("no destination"), std::string::npos);
  EXPECT_NE(usage_error("stomp:///queue/q", Role::sink).find("does not run a STOMP broker"), std::string::npos);
  EXPECT_NE(usage_error("stomp://b/queue/q?destination=/queue/r", Role::sink).find("twice"), std::string::npos);
  EXPECT_NE(usage_error("stomp://:pw@b/queue/q", Role::sink).find("password needs a user"), std::string::npos);
  EXPECT_NE(usage_error("stomp://b/queue/q?persistent=1", Role::source).find("persistent"), std::string::npos);
  EXPECT_NE(usage_error("stomp://b/queue/q?qos=1", Role::sink).find("qos"), std::string::npos);
  // TLS: stomps:// only
  const Settings t = parse("stomps://b/queue/q?ca=/ca.pem&sni=broker.example", Role::source);
  EXPECT_TRUE(t.tls.enabled);
  EXPECT_EQ(t.port, 61614);
  EXPECT_EQ(t.tls.ca_file, "/ca.pem");
  EXPECT_EQ(t.tls.server_name, "broker.example");
  EXPECT_FALSE(parse("stomp://b/queue/q", Role::source).tls.enabled);
  EXPECT_NE(usage_error("stomp://b/queue/q?ca=/ca.pem", Role::source).find("ca"), std::string::npos);
  EXPECT_NE(usage_error("stomps://b/queue/q?key=/k.pem", Role::source).find("?key needs ?cert"), std::string::npos);
}

TEST(StompSettings, WebSocketSchemes) {
  const Settings w = parse("stomp+ws://b/queue/q", Role::source);
  EXPECT_TRUE(w.websocket);
  EXPECT_FALSE(w.tls.enabled);
  EXPECT_EQ(w.port, 15674);
  EXPECT_EQ(w.ws_path, "/ws");
  EXPECT_EQ(w.destination, "/queue/q");
  const Settings t = parse("stomp+wss://b:9/queue/q?path=/stomp&ca=/ca.pem", Role::sink);
  EXPECT_TRUE(t.websocket);
  EXPECT_TRUE(t.tls.enabled);
  EXPECT_EQ(t.port, 9);
  EXPECT_EQ(t.ws_path, "/stomp");
  EXPECT_EQ(t.tls.ca_file, "/ca.pem");
  EXPECT_EQ(parse("stomp+wss://b/queue/q", Role::sink).port, 15673);
  EXPECT_FALSE(parse("stomp://b/queue/q", Role::source).websocket);
  EXPECT_NE(usage_error("stomp://b/queue/q?path=/ws", Role::source).find("stomp+ws://"), std::string::npos);
  EXPECT_NE(usage_error("stomp+ws://b/queue/q?path=ws", Role::source).find("start with /"), std::string::npos);
  EXPECT_NE(usage_error("stomp+ws://b/queue/q?ca=/ca.pem", Role::source).find("ca"), std::string::npos);
}
