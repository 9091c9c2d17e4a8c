// nats:// URLs read into settings: servers, subject, core or JetStream, and the usage
// errors (exit 2) for what cannot work, before anything connects.
#include <gtest/gtest.h>

#include "endpoint/nats/registration.h"
#include "endpoint/nats/settings.h"
#include "tool/exit_status.h"

namespace gsmq::endpoint::nats {
namespace {

Settings settings_of(const std::string& text, Role role, EndpointOptions options = {}) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  const EndpointUrl u = url.value_or(EndpointUrl{});
  return read_settings(u, parse_params(kAdapter, u, opened_as(kAdapter, u, role)), role, options);
}

std::string usage_error_of(const std::string& text, Role role) {
  try {
    settings_of(text, role);
  } catch (const Error& e) {
    EXPECT_EQ(exit_status_of(e.kind()), 2) << text;
    return e.what();
  }
  return "no error";
}

TEST(NatsSettings, ServersSubjectAndCore) {
  const Settings s = settings_of("nats://127.0.0.1/orders.>?servers=h2:4223,nats://h3:4224", Role::source);
  EXPECT_EQ(s.servers, (std::vector<std::string>{"nats://127.0.0.1:4222", "nats://h2:4223", "nats://h3:4224"}));
  EXPECT_EQ(s.subject, "orders.>");
  EXPECT_FALSE(s.jetstream());
  EXPECT_EQ(s.max_inflight, 100u);
  EXPECT_FALSE(s.retry.forever);
}

TEST(NatsSettings, TlsScheme) {
  const Settings t = settings_of("nats+tls://h/a?ca=/ca.pem&cert=/c.pem&key=/k.pem&servers=h2:4223", Role::sink);
  EXPECT_TRUE(t.tls.enabled);
  EXPECT_EQ(t.tls.ca_file, "/ca.pem");
  EXPECT_EQ(t.tls.server_name, "h");
  EXPECT_EQ(t.servers, (std::vector<std::string>{"nats://h:4222", "nats://h2:4223"}));  // SetSecure: all of them
  EXPECT_EQ(settings_of("nats+tls://h/a?sni=n.example", Role::source).tls.server_name, "n.example");
  EXPECT_FALSE(settings_of("nats://h/a", Role::sink).tls.enabled);
  EXPECT_NE(usage_error_of("nats://h/a?ca=/ca.pem", Role::sink).find("ca"), std::string::npos);
  EXPECT_NE(usage_error_of("nats+tls://h/a?cert=/c.pem", Role::sink).find("?cert and ?key"), std::string::npos);
}

TEST(NatsSettings, CredentialsAndToken) {
  Settings s = settings_of("nats://u:p@h:1/a", Role::sink);
  EXPECT_EQ(s.user, "u");
  EXPECT_EQ(s.password, "p");
  EXPECT_EQ(s.token, "");
  s = settings_of("nats://s3cret@h:1/a", Role::sink);
  EXPECT_EQ(s.token, "s3cret");
  EXPECT_EQ(s.user, "");
}

TEST(NatsSettings, JetStreamSinkWithStreamCreation) {
  const Settings s = settings_of(
      "nats://h:1/orders.new?stream=ORD&create&replicas=3&duplicate_window=10m&storage=memory&ack_timeout=2s", Role::sink);
  EXPECT_TRUE(s.jetstream());
  EXPECT_TRUE(s.create);
  EXPECT_EQ(s.stream_subjects, (std::vector<std::string>{"orders.new"}));
  EXPECT_EQ(s.replicas, 3);
  EXPECT_EQ(s.duplicate_window, std::chrono::minutes(10));
  EXPECT_TRUE(s.memory_storage);
  EXPECT_EQ(s.ack_timeout, std::chrono::seconds(2));
  EXPECT_EQ(settings_of("nats://h:1?stream=S&create&subjects=a.>,b", Role::sink).stream_subjects,
            (std::vector<std::string>{"a.>", "b"}));
}

TEST(NatsSettings, JetStreamSourceNeedsADurable) {
  const Settings s = settings_of("nats://h:1/a.*?stream=S&durable=d1&deliver=new&ack_wait=5s&max_deliver=3", Role::source);
  EXPECT_EQ(s.durable, "d1");
  EXPECT_EQ(s.deliver, DeliverFrom::fresh);
  EXPECT_EQ(s.ack_wait, std::chrono::seconds(5));
  EXPECT_EQ(s.max_deliver, 3u);
  EXPECT_NE(usage_error_of("nats://h:1/a?stream=S", Role::source).find("?durable=NAME"), std::string::npos);
  // a JetStream source may read the whole stream
  EXPECT_EQ(settings_of("nats://h:1?stream=S&durable=d", Role::source).subject, "");
}

TEST(NatsSettings, FollowKeepsASourceReconnecting) {
  EndpointOptions o;
  o.follow = true;
  EXPECT_TRUE(settings_of("nats://h:1/a", Role::source, o).retry.forever);
}

TEST(NatsSettings, UsageErrors) {
  EXPECT_NE(usage_error_of("nats://h:1", Role::source).find("no subject"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a.>.b", Role::source).find("not a subject to subscribe to"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a.*", Role::sink).find("not a subject to publish to"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://:4222/a", Role::source).find("does not run a NATS server"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?servers=h2", Role::sink).find("\"h2\" is not HOST:PORT"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?servers=h2:99999", Role::sink).find("not HOST:PORT"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?durable=d", Role::source).find("?durable is for JetStream"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?create", Role::sink).find("?create is for JetStream"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1?stream=S&create", Role::sink).find("?create needs the stream's subjects"),
            std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?stream=a.b", Role::sink).find("a stream name"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?stream=S&durable=d&queue=q", Role::source).find("?queue is for core NATS"),
            std::string::npos);
  EXPECT_NE(usage_error_of("nats://:p@h:1/a", Role::sink).find("a password needs a user name"), std::string::npos);
  EXPECT_NE(usage_error_of("nats://h:1/a?replicas=0&stream=S", Role::sink), "no error");
}

}  // namespace
}  // namespace gsmq::endpoint::nats
