// zmq+tcp:// and zmq+ipc:// pure logic: URL to libzmq address, bind or connect, pattern
// defaults per role, and the framing rules both ways (docs/endpoints/zmq.md).
#include <gtest/gtest.h>

#include "endpoint/zmq/mapping.h"
#include "endpoint/zmq/registration.h"
#include "endpoint/zmq/settings.h"
#include "tool/exit_status.h"

namespace gsmq::endpoint::zmq {
namespace {

Settings settings_of(const std::string& text, Role role) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  const EndpointUrl u = url.value_or(EndpointUrl{});
  return read_settings(u, parse_params(kAdapter, u, opened_as(kAdapter, u, role)), role);
}

int usage_error(const std::string& text, Role role) {
  try {
    settings_of(text, role);
  } catch (const Error& e) {
    return exit_status_of(e.kind());
  }
  return -1;
}

TEST(ZmqSettings, TcpBindOrConnectByTheCommonRule) {
  auto s = settings_of("zmq+tcp://127.0.0.1:5555/sensors", Role::sink);
  EXPECT_FALSE(s.bind);
  EXPECT_EQ(s.address, "tcp://127.0.0.1:5555");
  EXPECT_EQ(s.pattern, Pattern::push);
  EXPECT_EQ(s.channel, "sensors");
  s = settings_of("zmq+tcp://:5555", Role::source);
  EXPECT_TRUE(s.bind);
  EXPECT_EQ(s.address, "tcp://*:5555");
  EXPECT_EQ(s.pattern, Pattern::pull);
  s = settings_of("zmq+tcp://*:5555", Role::source);
  EXPECT_EQ(s.address, "tcp://*:5555");
  s = settings_of("zmq+tcp://127.0.0.1:5555?listen", Role::source);
  EXPECT_TRUE(s.bind);
  EXPECT_EQ(s.address, "tcp://127.0.0.1:5555");
  s = settings_of("zmq+tcp://[::1]:5555", Role::sink);
  EXPECT_EQ(s.address, "tcp://[::1]:5555");
  EXPECT_TRUE(s.ipv6);
}

TEST(ZmqSettings, IpcBindsWithoutHostAndConnectsToLocalhost) {
  auto s = settings_of("zmq+ipc:///tmp/feed.sock", Role::source);
  EXPECT_TRUE(s.bind);
  EXPECT_EQ(s.address, "ipc:///tmp/feed.sock");
  EXPECT_EQ(s.channel, "");
  s = settings_of("zmq+ipc://localhost/tmp/feed.sock?channel=c", Role::sink);
  EXPECT_FALSE(s.bind);
  EXPECT_EQ(s.address, "ipc:///tmp/feed.sock");
  EXPECT_EQ(s.channel, "c");
}

TEST(ZmqSettings, Parameters) {
  const auto s = settings_of("zmq+tcp://h:1/x?pattern=sub&topic=sensors/&channel=c&hwm=10&linger=1s&retry", Role::source);
  EXPECT_EQ(s.pattern, Pattern::sub);
  EXPECT_EQ(s.topic, "sensors/");
  EXPECT_EQ(s.channel, "c");
  EXPECT_EQ(s.hwm, 10);
  EXPECT_EQ(s.linger, std::chrono::seconds(1));
  EXPECT_TRUE(s.retry);
  const auto t = settings_of("zmq+tcp://h:1?pattern=pub&frames=1&timeout=2s", Role::sink);
  EXPECT_EQ(t.pattern, Pattern::pub);
  EXPECT_EQ(t.frames, 1);
  EXPECT_EQ(t.timeout, std::chrono::seconds(2));
}

TEST(ZmqSettings, UsageErrors) {
  EXPECT_EQ(usage_error("zmq+tcp://h/x", Role::sink), kExitUsage);                    // no port
  EXPECT_EQ(usage_error("zmq+tcp://h:1?pattern=pull", Role::sink), kExitUsage);       // receives
  EXPECT_EQ(usage_error("zmq+tcp://h:1?pattern=pub", Role::source), kExitUsage);      // sends
  EXPECT_EQ(usage_error("zmq+tcp://h:1?pattern=req", Role::source), kExitUsage);
  EXPECT_EQ(usage_error("zmq+tcp://h:1?topic=a", Role::source), kExitUsage);          // not sub
  EXPECT_EQ(usage_error("zmq+tcp://h:1?frames=3", Role::sink), kExitUsage);
  EXPECT_EQ(usage_error("zmq+tcp://h:1?envelope&frames=2", Role::sink), kExitUsage);
  EXPECT_EQ(usage_error("zmq+tcp://h:1?colour=red", Role::sink), kExitUsage);
  EXPECT_EQ(usage_error("zmq+ipc://otherhost/tmp/x", Role::sink), kExitUsage);
  EXPECT_EQ(usage_error("zmq+ipc:///", Role::sink), kExitUsage);
  EXPECT_EQ(usage_error("zmq+tcp://u:p@h:1", Role::sink), kExitUsage);
}

TEST(ZmqFrames, SinkFraming) {
  auto s = settings_of("zmq+tcp://h:1/dflt", Role::sink);
  Message m;
  m.body = "b";
  EXPECT_EQ(to_frames(m, s), (std::vector<std::string>{"dflt", "b"}));
  m.channel = "c";
  EXPECT_EQ(to_frames(m, s), (std::vector<std::string>{"dflt", "b"}));  // the URL's channel wins
  EXPECT_EQ(to_frames(m, settings_of("zmq+tcp://h:1/a/{channel}", Role::sink)), (std::vector<std::string>{"a/c", "b"}));
  EXPECT_EQ(to_frames(m, settings_of("zmq+tcp://h:1", Role::sink)), (std::vector<std::string>{"c", "b"}));
  s.frames = 1;
  EXPECT_EQ(to_frames(m, s), (std::vector<std::string>{"b"}));
  s = settings_of("zmq+tcp://h:1/dflt?envelope", Role::sink);
  m.channel.clear();
  m.id = "i1";
  const auto frames = to_frames(m, s);
  ASSERT_EQ(frames.size(), 1u);
  Message back;
  std::string error;
  ASSERT_TRUE(parse_envelope(frames[0], back, error)) << error;
  EXPECT_EQ(back.channel, "dflt");
  EXPECT_EQ(back.id, "i1");
}

TEST(ZmqFrames, SourceFraming) {
  const auto s = settings_of("zmq+tcp://:1/dflt", Role::source);
  Message m;
  std::string error;
  ASSERT_TRUE(from_frames({"c", std::string("\0\xff", 2)}, s, {}, m, error));
  EXPECT_EQ(m.channel, "c");
  EXPECT_EQ(m.body, std::string("\0\xff", 2));
  ASSERT_TRUE(from_frames({"only"}, s, {}, m, error));
  EXPECT_EQ(m.channel, "dflt");
  EXPECT_EQ(m.body, "only");
  ASSERT_TRUE(from_frames({"", "b"}, s, {}, m, error));
  EXPECT_EQ(m.channel, "dflt");
  EXPECT_FALSE(from_frames({"a", "b", "c"}, s, {}, m, error));
  EXPECT_NE(error.find("got 3"), std::string::npos);
  EXPECT_FALSE(from_frames({}, s, {}, m, error));
  CodecLimits small;
  small.max_body_bytes = 3;
  EXPECT_FALSE(from_frames({"c", "four"}, s, small, m, error));
}

TEST(ZmqFrames, SourceEnvelopes) {
  const auto s = settings_of("zmq+tcp://:1/dflt?envelope", Role::source);
  Message m;
  std::string error;
  ASSERT_TRUE(from_frames({R"({"body":"x","id":"i","meta":{"k":"v"}})"}, s, {}, m, error)) << error;
  EXPECT_EQ(m.channel, "dflt");
  EXPECT_EQ(m.id, "i");
  EXPECT_EQ(m.meta.at("k"), "v");
  EXPECT_FALSE(from_frames({"not json"}, s, {}, m, error));
  EXPECT_NE(error.find("not a JSON envelope"), std::string::npos);
  EXPECT_FALSE(from_frames({"c", R"({"body":"x"})"}, s, {}, m, error));
  // A number too large for a double is a malformed message, not an exception that ends the source.
  EXPECT_FALSE(from_frames({R"({"body":1e400})"}, s, {}, m, error));
  EXPECT_NE(error.find("number overflow"), std::string::npos) << error;
}

}  // namespace
}  // namespace gsmq::endpoint::zmq
