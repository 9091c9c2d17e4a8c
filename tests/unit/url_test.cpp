// Endpoint URLs (gsmq(7) ENDPOINTS): the short forms, the authority form with user,
// password, IPv6 and ports, query decoding, and the one listen-versus-connect rule.
#include <gtest/gtest.h>

#include "endpoint/url.h"

namespace gsmq {
namespace {

EndpointUrl parse_ok(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url.has_value()) << text << ": " << error;
  return url.value_or(EndpointUrl{});
}

std::string parse_error(const std::string& text) {
  std::string error;
  EXPECT_FALSE(parse_endpoint_url(text, error).has_value()) << "accepted: " << text;
  return error;
}

TEST(Url, DashIsStdio) {
  const auto url = parse_ok("-");
  EXPECT_EQ(url.scheme, "-");
  EXPECT_EQ(url.text, "-");
  EXPECT_TRUE(url.path.empty());
}

TEST(Url, FileWithRelativeAndAbsolutePaths) {
  EXPECT_EQ(parse_ok("file:out.jsonl").path, "out.jsonl");
  EXPECT_EQ(parse_ok("file:dir/out.jsonl").path, "dir/out.jsonl");
  EXPECT_EQ(parse_ok("file:./a").path, "./a");
  EXPECT_EQ(parse_ok("file:/var/log/x.jsonl").path, "/var/log/x.jsonl");
  EXPECT_EQ(parse_ok("FILE:x").scheme, "file") << "schemes are case-insensitive";
}

TEST(Url, FileTripleSlashIsAnAbsolutePath) {
  EXPECT_EQ(parse_ok("file:///var/log/x.jsonl").path, "/var/log/x.jsonl");
  EXPECT_EQ(parse_ok("file://localhost/tmp/x").path, "/tmp/x");
  EXPECT_EQ(parse_ok("file:///tmp/a%20b?follow").path, "/tmp/a b");
  EXPECT_EQ(parse_error("file://otherhost/tmp/x"),
            R"("file://otherhost/tmp/x": file URLs name a local path (file:///PATH or file:PATH))");
  EXPECT_EQ(parse_error("file://"), R"("file://" has no path)");
}

TEST(Url, FileQueryOptions) {
  const auto url = parse_ok("file:events.jsonl?follow&fsync=1");
  EXPECT_EQ(url.path, "events.jsonl");
  EXPECT_TRUE(url.flag("follow"));
  EXPECT_TRUE(url.flag("fsync"));
  EXPECT_FALSE(url.flag("peek"));
  for (const char* off : {"0", "false", "no"}) EXPECT_FALSE(parse_ok(std::string("file:x?follow=") + off).flag("follow"));
}

TEST(Url, FileWithoutPathIsAnError) {
  EXPECT_NE(parse_error("file:").find("no path"), std::string::npos);
  EXPECT_NE(parse_error("file:?follow").find("no path"), std::string::npos);
}

TEST(Url, PercentEncodedPath) {
  EXPECT_EQ(parse_ok("file:my%20file%3Fv2.jsonl").path, "my file?v2.jsonl");
  EXPECT_EQ(percent_decode("a%2Fb%zz%4"), "a/b%zz%4") << "malformed escapes are kept as they are";
  EXPECT_EQ(percent_decode("%e2%82%ac"), "\xe2\x82\xac");
}

TEST(Url, FullAuthorityForm) {
  const auto url = parse_ok("mqtt://alice:s%40cret@broker.example:8883/sensors/door?qos=1&client-id=a%26b");
  EXPECT_EQ(url.scheme, "mqtt");
  EXPECT_EQ(url.user, "alice");
  EXPECT_EQ(url.password, "s@cret");
  EXPECT_EQ(url.host, "broker.example");
  EXPECT_EQ(url.port, 8883);
  EXPECT_EQ(url.path, "sensors/door");
  EXPECT_EQ(url.param("qos"), "1");
  EXPECT_EQ(url.param("client-id"), "a&b");
  EXPECT_EQ(url.param("missing", "dflt"), "dflt");
  EXPECT_FALSE(url.listens());
}

TEST(Url, UserWithoutPasswordAndAtSignInPassword) {
  auto url = parse_ok("amqp://guest@localhost/");
  EXPECT_EQ(url.user, "guest");
  EXPECT_EQ(url.password, "");
  EXPECT_EQ(url.host, "localhost");
  EXPECT_EQ(url.port, std::nullopt);
  url = parse_ok("stomp://u:p@ss@h:61613");
  EXPECT_EQ(url.user, "u");
  EXPECT_EQ(url.password, "p@ss") << "the last '@' ends the user info";
  EXPECT_EQ(url.host, "h");
}

TEST(Url, SchemesWithPlusAndDigits) {
  const auto url = parse_ok("zmq+tcp://127.0.0.1:5555");
  EXPECT_EQ(url.scheme, "zmq+tcp");
  EXPECT_EQ(url.host, "127.0.0.1");
  EXPECT_EQ(url.port, 5555);
  EXPECT_EQ(parse_ok("mqtts://h").scheme, "mqtts");
}

TEST(Url, Ipv6Hosts) {
  auto url = parse_ok("coap://[::1]:5683/temp");
  EXPECT_EQ(url.host, "::1");
  EXPECT_EQ(url.port, 5683);
  EXPECT_EQ(url.path, "temp");
  url = parse_ok("http://[2001:db8::7]/x");
  EXPECT_EQ(url.host, "2001:db8::7");
  EXPECT_EQ(url.port, std::nullopt);
  EXPECT_EQ(url.path, "x");
  EXPECT_NE(parse_error("http://[::1/x").find("unclosed"), std::string::npos);
  EXPECT_NE(parse_error("http://[::1]x:80").find("after ']'"), std::string::npos);
}

TEST(Url, BadPorts) {
  for (const char* bad : {"mqtt://h:0", "mqtt://h:65536", "mqtt://h:99999999999", "mqtt://h:x", "mqtt://h:-1",
                          "mqtt://h:12ab", "coap://[::1]:70000"}) {
    EXPECT_NE(parse_error(bad).find("bad port"), std::string::npos) << bad;
  }
  EXPECT_EQ(parse_ok("mqtt://h:65535").port, 65535);
  EXPECT_EQ(parse_ok("mqtt://h:1").port, 1);
}

TEST(Url, HostListsKeepTheirPorts) {
  // amqp:// fails over along a host list: each host keeps its own port
  const EndpointUrl a = parse_ok("amqp://h1:5673,h2/q");
  ASSERT_EQ(a.servers.size(), 2u);
  EXPECT_EQ(a.servers[0].host, "h1");
  EXPECT_EQ(a.servers[0].port, 5673);
  EXPECT_EQ(a.servers[1].host, "h2");
  EXPECT_FALSE(a.servers[1].port);
  const EndpointUrl b = parse_ok("amqp://u:p@h1,h2:5680/q");
  ASSERT_EQ(b.servers.size(), 2u);
  EXPECT_FALSE(b.servers[0].port);
  EXPECT_EQ(b.servers[1].port, 5680);
  EXPECT_EQ(b.user, "u");
}

TEST(Url, NotAUrl) {
  for (const char* bad : {"out.jsonl", "", ":x", "://h"}) {
    EXPECT_FALSE(parse_error(bad).empty()) << bad;
  }
  EXPECT_NE(parse_error("b@d://h").find("bad scheme"), std::string::npos);
  EXPECT_NE(parse_error("out.jsonl").find("not an endpoint URL"), std::string::npos);
}

TEST(Url, EmptyOrStarHostListensNamedHostConnects) {
  EXPECT_TRUE(parse_ok("coap://:5683/ingest").listens());
  EXPECT_TRUE(parse_ok("http://*:8080/in").listens());
  EXPECT_TRUE(parse_ok("zmq+tcp://*:5555").listens());
  EXPECT_FALSE(parse_ok("coap://10.0.0.5:5683/ingest").listens());
  EXPECT_FALSE(parse_ok("zmq+tcp://localhost:5555").listens());
  EXPECT_TRUE(parse_ok("zmq+tcp://127.0.0.1:5555?listen").listens()) << "?listen binds a named address";
  EXPECT_TRUE(parse_ok("http://[::1]:8080/in?listen=1").listens());
  EXPECT_FALSE(parse_ok("http://[::1]:8080/in?listen=0").listens());
  EXPECT_EQ(parse_ok("http://*:8080/in").host, "*");
}

TEST(Url, QueryDecoding) {
  const auto url = parse_ok("gsmq://h/c?a=1&b&c=x%3Dy&d=&e=sp%20ace&&f=a+b&a=2");
  EXPECT_EQ(url.param("a"), "2") << "the last of a repeated key wins";
  EXPECT_TRUE(url.query.count("b"));
  EXPECT_EQ(url.param("b", "unset"), "") << "a bare key maps to an empty value";
  EXPECT_TRUE(url.flag("b"));
  EXPECT_EQ(url.param("c"), "x=y");
  EXPECT_EQ(url.param("d"), "");
  EXPECT_EQ(url.param("e"), "sp ace");
  EXPECT_EQ(url.param("f"), "a+b") << "'+' is not a space in a URL query";
  EXPECT_EQ(url.path, "c");
  EXPECT_EQ(parse_ok("gsmq://h/a%2Fb").path, "a/b");
}

TEST(Url, SeveralServersInTheAuthority) {
  std::string error;
  const auto url = parse_endpoint_url("gsmq://a:7001,[::1]:7002,c/jobs?balance=hash", error);
  ASSERT_TRUE(url) << error;
  ASSERT_EQ(url->servers.size(), 3u);
  EXPECT_EQ(url->servers[0].host, "a");
  EXPECT_EQ(url->servers[0].port, 7001);
  EXPECT_EQ(url->servers[1].host, "::1");
  EXPECT_EQ(url->servers[1].port, 7002);
  EXPECT_EQ(url->servers[2].host, "c");
  EXPECT_EQ(url->servers[2].port, std::nullopt);
  EXPECT_EQ(url->host, "a");  // the first is the URL's host
  EXPECT_EQ(url->port, 7001);
  EXPECT_EQ(url->path, "jobs");
  EXPECT_FALSE(parse_endpoint_url("gsmq://a:1,/x", error));
  EXPECT_NE(error.find("empty server"), std::string::npos);
  EXPECT_FALSE(parse_endpoint_url("gsmq://a:1,b:99999/x", error));
  EXPECT_NE(error.find("bad port \"99999\""), std::string::npos);
}

TEST(Url, TheTokenIsHiddenInTheTextAndInErrors) {
  const auto url = parse_ok("gsmq://h:1/c?token=s3cret&x=1");
  EXPECT_EQ(url.text, "gsmq://h:1/c?token=***&x=1");
  EXPECT_EQ(url.param("token"), "s3cret");  // the adapter still gets it
  EXPECT_EQ(redact_secrets("gsmq://h/c?mytoken=a&token=b"), "gsmq://h/c?mytoken=a&token=***");
  EXPECT_EQ(redact_secrets("gsmq://h/c?token="), "gsmq://h/c?token=");  // nothing to hide
  EXPECT_EQ(parse_error("gsmq://h:0/c?token=s3cret").find("s3cret"), std::string::npos);
  // An empty token in a refused URL: the message is made once (this input once looped
  // forever, found by url_fuzz).
  const std::string error = parse_error("gsmq://h:0/c?token=");
  EXPECT_NE(error.find("bad port \"0\" in \"gsmq://h:0/c?token=\""), std::string::npos) << error;
  // A token before a shown text that contains the raw one (shown = raw + "***").
  const std::string hidden = parse_error("mqr@s:$s%A%A\xfe\xffJ::2]b?token=x");
  EXPECT_EQ(hidden.find("token=x"), std::string::npos) << hidden;
}

}  // namespace
}  // namespace gsmq
