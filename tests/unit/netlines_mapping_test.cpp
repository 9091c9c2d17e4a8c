// tcp:// and udp:// pure logic: a line as a message (bare or envelope, channel, peer)
// and a message as a line; URLs that cannot be are usage errors.
#include <gtest/gtest.h>

#include "endpoint/netlines/mapping.h"
#include "endpoint/netlines/registration.h"
#include "endpoint/netlines/settings.h"
#include "tool/exit_status.h"

namespace gsmq::endpoint::netlines {
namespace {

TEST(NetlinesMapping, BareLinesAreBodies) {
  std::string error;
  auto m = message_from_line("door open\r", false, "logs", "tcp.peer", "127.0.0.1:9", {}, error);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->body, "door open");
  EXPECT_EQ(m->channel, "logs");
  EXPECT_EQ(m->meta.at("tcp.peer"), "127.0.0.1:9");
  EXPECT_FALSE(message_from_line(" \t", false, "logs", "tcp.peer", "p", {}, error));
  EXPECT_EQ(error, "");
}

TEST(NetlinesMapping, EnvelopeLinesKeepTheirChannelOrGetTheEndpoints) {
  std::string error;
  auto m = message_from_line(R"({"body":"x","channel":"c","id":"i"})", true, "logs", "udp.peer", "p", {}, error);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->channel, "c");
  EXPECT_EQ(m->id, "i");
  m = message_from_line(R"({"body":"x"})", true, "logs", "udp.peer", "p", {}, error);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->channel, "logs");
  EXPECT_FALSE(message_from_line("not json", true, "logs", "udp.peer", "p", {}, error));
  EXPECT_NE(error, "");
}

TEST(NetlinesMapping, LinesForASink) {
  Message m;
  m.body = "b";
  m.id = "i";
  EXPECT_EQ(line_for(m, false), "b");
  EXPECT_EQ(line_for(m, true), R"({"body":"b","id":"i"})");
}

int status_of(const std::string& text, Role role) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  try {
    read_settings(*url, parse_params(kAdapter, *url, opened_as(kAdapter, *url, role)), role);
  } catch (const Error& e) {
    return exit_status_of(e.kind());
  }
  return 0;
}

TEST(NetlinesSettings, FormsAndUsageErrors) {
  EXPECT_EQ(status_of("tcp://127.0.0.1:9/c", Role::sink), 0);
  EXPECT_EQ(status_of("tcp://:9", Role::source), 0);
  EXPECT_EQ(status_of("udp://:9", Role::source), 0);
  EXPECT_EQ(status_of("udp://127.0.0.1:9", Role::sink), 0);
  EXPECT_EQ(status_of("udp://127.0.0.1:9", Role::source), 2);  // a udp source listens
  EXPECT_EQ(status_of("tcp://:9", Role::sink), 2);             // a sink connects
  EXPECT_EQ(status_of("tcp://127.0.0.1", Role::sink), 2);      // no port
  EXPECT_EQ(status_of("tcp://127.0.0.1:9/c?channel=d", Role::source), 2);
}

Settings settings_of(const std::string& text, Role role) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return read_settings(*url, parse_params(kAdapter, *url, opened_as(kAdapter, *url, role)), role);
}

TEST(NetlinesSettings, WebSocketForms) {
  const Settings c = settings_of("lines+ws://h/feed", Role::sink);
  EXPECT_TRUE(c.websocket);
  EXPECT_EQ(c.port, 80);
  EXPECT_EQ(c.ws_path, "/feed");
  EXPECT_EQ(settings_of("lines+ws://h", Role::source).ws_path, "/");
  EXPECT_EQ(settings_of("lines+ws://h/x?channel=c", Role::source).channel, "c");  // the path is not the channel
  const Settings t = settings_of("lines+wss://h?ca=/ca.pem", Role::sink);
  EXPECT_TRUE(t.tls.enabled);
  EXPECT_EQ(t.port, 443);
  const Settings l = settings_of("lines+ws://:9", Role::source);
  EXPECT_TRUE(l.listen);
  EXPECT_EQ(l.ws_path, "");  // any path
  EXPECT_EQ(status_of("lines+wss://:9?cert=/c.pem&key=/k.pem", Role::source), 0);
  EXPECT_EQ(status_of("lines+wss://:9", Role::source), 2);              // a TLS listener needs its certificate
  EXPECT_EQ(status_of("lines+ws://:9", Role::source), 0);
  EXPECT_EQ(status_of("lines+ws://:9", Role::sink), 2);                 // a sink connects
  EXPECT_EQ(status_of("lines+ws://", Role::source), 2);                 // no port to listen on
  EXPECT_EQ(status_of("lines+ws://h?ca=/ca.pem", Role::sink), 2);       // TLS options on a plain scheme
  EXPECT_EQ(status_of("lines+wss://h?cert=/c.pem", Role::sink), 2);     // cert without key
  EXPECT_EQ(status_of("tcp://h:9?ca=/ca.pem", Role::sink), 2);
}

}  // namespace
}  // namespace gsmq::endpoint::netlines
