// coap:// pure logic: URL parameters, Content-Format names, the ingest channel rule, the
// sink's path rule and response-code classes (docs/endpoints/coap.md).
#include <gtest/gtest.h>

#include "endpoint/coap/mapping.h"
#include "endpoint/coap/registration.h"
#include "endpoint/coap/settings.h"
#include "tool/exit_status.h"

namespace gsmq::endpoint::coap {
namespace {

EndpointUrl url_of(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return url.value_or(EndpointUrl{});
}

// The settings of `url` with its parameters checked against the adapter's table, as the
// registry does; for names and values only (any role), since one URL here may carry the
// parameters of the ingest server and of the sink together.
Settings parse_settings(const EndpointUrl& url) { return read_settings(url, parse_params(kAdapter, url, kAnyRole)); }

int usage_error(const std::string& text) {
  try {
    parse_settings(url_of(text));
  } catch (const Error& e) {
    return exit_status_of(e.kind());
  }
  return -1;
}

TEST(CoapSettings, Defaults) {
  const auto s = parse_settings(url_of("coap://127.0.0.1/sensors/door"));
  EXPECT_FALSE(s.listen);
  EXPECT_FALSE(s.secure);
  EXPECT_EQ(s.host, "127.0.0.1");
  EXPECT_EQ(s.port, 5683);
  EXPECT_EQ(s.path, "sensors/door");
  EXPECT_FALSE(s.put);
  EXPECT_TRUE(s.confirmable);
  EXPECT_FALSE(s.content_format);
  EXPECT_EQ(s.retries, 3u);
  EXPECT_FALSE(s.envelope);
}

TEST(CoapSettings, ListenRuleIsTheCommonOne) {
  EXPECT_TRUE(parse_settings(url_of("coap://:5683/sensors")).listen);
  EXPECT_TRUE(parse_settings(url_of("coap://*:5683/sensors")).listen);
  EXPECT_EQ(parse_settings(url_of("coap://*:5683/sensors")).host, "");
  const auto named = parse_settings(url_of("coap://127.0.0.1:5700/sensors?listen"));
  EXPECT_TRUE(named.listen);
  EXPECT_EQ(named.host, "127.0.0.1");
  EXPECT_EQ(named.port, 5700);
}

TEST(CoapSettings, SecureSchemeHasItsOwnPortAndPskFromUserinfo) {
  const auto s = parse_settings(url_of("coaps://dev1:s3cret@gw/x?sni=gw.example"));
  EXPECT_TRUE(s.secure);
  EXPECT_EQ(s.port, 5684);
  EXPECT_EQ(s.psk_identity, "dev1");
  EXPECT_EQ(s.psk_key, "s3cret");
  EXPECT_EQ(s.tls.server_name, "gw.example");
}

TEST(CoapSettings, Parameters) {
  const auto s = parse_settings(url_of(
      "coap://h/x?method=PUT&type=non&content_format=application/json&retries=0&timeout=2s&ack_timeout=250ms"
      "&max_retransmit=1&envelope&max_pending=8&retry&channel=c1"));
  EXPECT_TRUE(s.put);
  EXPECT_FALSE(s.confirmable);
  EXPECT_EQ(s.content_format, 50);
  EXPECT_EQ(s.retries, 0u);
  EXPECT_EQ(s.timeout, std::chrono::seconds(2));
  EXPECT_EQ(s.ack_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(s.max_retransmit, 1u);
  EXPECT_TRUE(s.envelope);
  EXPECT_EQ(s.max_pending, 8u);
  EXPECT_TRUE(s.retry);
  EXPECT_EQ(s.channel, "c1");
}

TEST(CoapSettings, BadParametersAreUsageErrors) {
  EXPECT_EQ(usage_error("coap://h/x?method=GET"), kExitUsage);
  EXPECT_EQ(usage_error("coap://h/x?type=ack"), kExitUsage);
  EXPECT_EQ(usage_error("coap://h/x?content_format=text/nonsense"), kExitUsage);
  EXPECT_EQ(usage_error("coap://h/x?retries=many"), kExitUsage);
  EXPECT_EQ(usage_error("coap://h/x?timeout=soon"), kExitUsage);
  EXPECT_EQ(usage_error("coap://h/x?max_pending=0"), kExitUsage);
  EXPECT_EQ(usage_error("coap://h/x?colour=blue"), kExitUsage);
  EXPECT_EQ(usage_error("coap://user:pw@h/x"), kExitUsage);  // a PSK needs coaps://
}

TEST(CoapMapping, ContentFormats) {
  EXPECT_EQ(parse_content_format("0"), 0);
  EXPECT_EQ(parse_content_format("50"), 50);
  EXPECT_EQ(parse_content_format("65535"), 65535);
  EXPECT_EQ(parse_content_format("application/json"), 50);
  EXPECT_EQ(parse_content_format("Application/CBOR"), 60);
  EXPECT_EQ(parse_content_format("text/plain; charset=utf-8"), 0);
  EXPECT_FALSE(parse_content_format("65536"));
  EXPECT_FALSE(parse_content_format(""));
  EXPECT_FALSE(parse_content_format("-1"));
  EXPECT_FALSE(parse_content_format("image/png"));
}

TEST(CoapMapping, JsonBodies) {
  EXPECT_TRUE(body_is_json(50, R"({"t":21.5})"));
  EXPECT_TRUE(body_is_json(110, "[1,2]"));
  EXPECT_FALSE(body_is_json(50, R"("a string")"));
  EXPECT_FALSE(body_is_json(50, "not json"));
  EXPECT_FALSE(body_is_json(0, R"({"t":21.5})"));
  EXPECT_FALSE(body_is_json(std::nullopt, R"({"t":21.5})"));
  // Deeper than a body in a line may be: bytes, so no consumer recurses on it.
  EXPECT_FALSE(body_is_json(50, std::string(100000, '[') + std::string(100000, ']')));
}

TEST(CoapMapping, PathBelowTheIngestPath) {
  EXPECT_EQ(path_below("sensors", "sensors"), "");
  EXPECT_EQ(path_below("sensors", "sensors/door"), "door");
  EXPECT_EQ(path_below("sensors", "sensors/door/1"), "door/1");
  EXPECT_EQ(path_below("/sensors/", "sensors//door"), "door");
  EXPECT_FALSE(path_below("sensors", "sensorsX"));
  EXPECT_FALSE(path_below("sensors", "other/sensors"));
  EXPECT_FALSE(path_below("sensors/door", "sensors"));
  EXPECT_EQ(path_below("", "anything/at/all"), "anything/at/all");
  EXPECT_EQ(path_below("", ""), "");
}

TEST(CoapMapping, IngestChannelRule) {
  EXPECT_EQ(ingest_channel("q", "door", "u"), "q");
  EXPECT_EQ(ingest_channel("", "door", "u"), "door");
  EXPECT_EQ(ingest_channel("", "", "u"), "u");
  EXPECT_EQ(ingest_channel("", "", ""), "");
}

TEST(CoapMapping, QueryValue) {
  EXPECT_EQ(query_value("a=1&channel=x%2Fy&b", "channel"), "x/y");
  EXPECT_EQ(query_value("channel", "channel"), "");
  EXPECT_EQ(query_value("a=1", "channel"), "");
  EXPECT_EQ(query_value("", "channel"), "");
}

TEST(CoapMapping, SinkPath) {
  EXPECT_EQ(sink_path("ingest", "sensors/door"), "ingest");
  EXPECT_EQ(sink_path("", "sensors/door"), "sensors/door");
  EXPECT_EQ(sink_path("/", "sensors/door"), "sensors/door");
  EXPECT_EQ(sink_path("site1/{channel}", "sensors/door"), "site1/sensors/door");
  EXPECT_EQ(sink_path("{channel}/raw", ""), "raw");
}

TEST(CoapMapping, CodesAndOutcomes) {
  EXPECT_EQ(code_text(0x41), "2.01 Created");
  EXPECT_EQ(code_text(0x44), "2.04 Changed");
  EXPECT_EQ(code_text(0x84), "4.04 Not Found");
  EXPECT_EQ(code_text(0xa3), "5.03 Service Unavailable");
  EXPECT_EQ(code_text(0x9f), "4.31");
  EXPECT_EQ(classify(0x44), Outcome::confirmed);
  EXPECT_EQ(classify(0x85), Outcome::refused);
  EXPECT_EQ(classify(0xa3), Outcome::retry);
}

}  // namespace
}  // namespace gsmq::endpoint::coap
