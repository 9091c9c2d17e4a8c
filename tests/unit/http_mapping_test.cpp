// HTTP adapter logic without a network: URL options, message <-> request mapping,
// header encoding, and the ingest server's routing and answers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "endpoint/http/header_codec.h"
#include "endpoint/http/ingest_request.h"
#include "endpoint/http/outgoing_request.h"
#include "endpoint/http/registration.h"
#include "endpoint/http/sink_settings.h"
#include "envelope/codec.h"

namespace gsmq::endpoint::http {
namespace {

EndpointUrl url_of(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  EXPECT_TRUE(url) << error;
  return *url;
}

// The settings with the URL's parameters checked against the adapter's table for the
// role, as the registry does.
SinkSettings sink(const std::string& text, EndpointOptions options = {}) {
  const EndpointUrl url = url_of(text);
  return read_sink_settings(url, parse_params(kAdapter, url, opened_as(kAdapter, url, Role::sink)), options);
}
IngestSettings ingest(const std::string& text, EndpointOptions options = {}) {
  const EndpointUrl url = url_of(text);
  return read_ingest_settings(url, parse_params(kAdapter, url, opened_as(kAdapter, url, Role::source)), options);
}

std::string header(const Headers& headers, std::string_view name) { return find_header(headers, name).value_or("<none>"); }

Request post(std::string target, std::string body, Headers headers = {}) {
  return Request{"POST", std::move(target), std::move(headers), std::move(body)};
}

TEST(HttpHeaderCodec, MetaKeysBecomeHeaderNamesAndBack) {
  EXPECT_EQ(meta_header_name("mqtt.qos"), "X-Gsmq-Meta-mqtt.qos");
  EXPECT_EQ(meta_header_name("a b/c%"), "X-Gsmq-Meta-a%20b%2Fc%25");
  EXPECT_EQ(meta_key_of_header("X-Gsmq-Meta-a%20b%2Fc%25"), "a b/c%");
  EXPECT_EQ(meta_key_of_header("x-gsmq-meta-Key"), "Key");  // prefix in any case, key as written
  EXPECT_EQ(meta_key_of_header("X-Gsmq-Meta-"), std::nullopt);
  EXPECT_EQ(meta_key_of_header("X-Gsmq-Id"), std::nullopt);
}

TEST(HttpHeaderCodec, ValuesKeepPrintableAsciiAndEscapeTheRest) {
  EXPECT_EQ(encode_header_value("text/plain; charset=utf-8"), "text/plain; charset=utf-8");
  EXPECT_EQ(encode_header_value("50%"), "50%25");
  EXPECT_EQ(encode_header_value("a\r\nb"), "a%0D%0Ab");
  EXPECT_EQ(encode_header_value(" x "), "%20x%20");
  EXPECT_EQ(encode_header_value("caf\xc3\xa9"), "caf%C3%A9");
  for (std::string v : {"50%", "a\r\nb", " x ", "caf\xc3\xa9", "plain", ""})
    EXPECT_EQ(decode_header_value(encode_header_value(v)), v);
}

TEST(HttpSinkConfig, DefaultsAndOptions) {
  auto c = sink("http://gw.example:8080/fn/run");
  EXPECT_EQ(c.host, "gw.example");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.path, "fn/run");
  EXPECT_EQ(c.method, "POST");
  EXPECT_EQ(c.retries, 5u);
  EXPECT_EQ(c.concurrency, 1u);
  EXPECT_EQ(c.batch, 0u);
  EXPECT_FALSE(c.reply);
  EXPECT_FALSE(c.tls.enabled);
  EXPECT_EQ(c.describe(), "http://gw.example:8080/fn/run");

  c = sink("https://gw/x?method=put&retries=0&timeout=250ms&concurrency=4&batch=100&insecure&reply");
  EXPECT_EQ(c.port, 443);
  EXPECT_EQ(c.method, "PUT");
  EXPECT_EQ(c.retries, 0u);
  EXPECT_EQ(c.timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(c.concurrency, 4u);
  EXPECT_EQ(c.batch, 100u);
  EXPECT_TRUE(c.reply);
  EXPECT_TRUE(c.tls.enabled);
  EXPECT_TRUE(c.tls.insecure);
  EXPECT_EQ(c.tls.server_name, "gw");
  EXPECT_EQ(c.host_header(), "gw");
}

TEST(HttpSinkConfig, RequestKindMeansReply) {
  EndpointOptions o;
  o.kind = "request";
  EXPECT_TRUE(sink("http://h/x", o).reply);
}

TEST(HttpSinkConfig, BadValuesAreUsageErrors) {
  for (const char* bad : {"http://h/x?method=GET", "http://h/x?retries=-1", "http://h/x?retries=abc",
                          "http://h/x?concurrency=0", "http://h/x?batch=0", "http://h/x?timeout=soon",
                          "http://h/x?ca=/etc/ssl/ca.pem", "https://h/x?cert=c.pem"}) {
    try {
      sink(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << bad;
    }
  }
}

TEST(HttpSinkConfig, OtherQueryParametersGoToTheTarget) {
  auto c = sink("http://h/fn?code=a%20b&retries=2&flag");
  EXPECT_EQ(c.forward_query, "code=a%20b&flag");
  EXPECT_EQ(target_for(c, ""), "/fn?code=a%20b&flag");
}

TEST(HttpSinkConfig, JudgeStatus) {
  EXPECT_EQ(judge_status(200), StatusVerdict::delivered);
  EXPECT_EQ(judge_status(204), StatusVerdict::delivered);
  EXPECT_EQ(judge_status(500), StatusVerdict::retry);
  EXPECT_EQ(judge_status(503), StatusVerdict::retry);
  EXPECT_EQ(judge_status(429), StatusVerdict::retry);
  EXPECT_EQ(judge_status(408), StatusVerdict::retry);
  EXPECT_EQ(judge_status(400), StatusVerdict::fail);
  EXPECT_EQ(judge_status(404), StatusVerdict::fail);
  EXPECT_EQ(judge_status(301), StatusVerdict::fail);
}

TEST(HttpOutgoingRequest, OneMessage) {
  Message m;
  m.channel = "sensors/door";
  m.body = "open";
  m.id = "id-1";
  m.ts = 1764000000123456;
  m.priority = 3;
  m.meta = {{"mqtt.qos", "1"}, {"note", "50% done"}};
  const auto r = request_for_message(sink("http://127.0.0.1:9000/in"), m);
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.target, "/in");
  EXPECT_EQ(r.body, "open");
  EXPECT_EQ(header(r.headers, "host"), "127.0.0.1:9000");
  EXPECT_EQ(header(r.headers, "content-type"), "application/octet-stream");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Channel"), "sensors/door");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Id"), "id-1");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Ts"), "1764000000123456");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Priority"), "3");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Meta-mqtt.qos"), "1");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Meta-note"), "50%25 done");
  EXPECT_EQ(header(r.headers, "Authorization"), "<none>");
}

TEST(HttpOutgoingRequest, ContentTypeFromMetaOrJsonBody) {
  const auto c = sink("http://u:p@h/x");
  Message m;
  m.body = R"({"t":1})";
  m.body_is_json = true;
  EXPECT_EQ(header(request_for_message(c, m).headers, "Content-Type"), "application/json");
  m.meta["content-type"] = "text/plain";
  EXPECT_EQ(header(request_for_message(c, m).headers, "Content-Type"), "text/plain");
  m.meta["http.content-type"] = "application/cbor";
  const auto r = request_for_message(c, m);
  EXPECT_EQ(header(r.headers, "Content-Type"), "application/cbor");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Meta-http.content-type"), "<none>");  // it is the Content-Type
  EXPECT_EQ(header(r.headers, "X-Gsmq-Meta-content-type"), "text/plain");
  EXPECT_EQ(header(r.headers, "Authorization"), "Basic dTpw");
}

TEST(HttpOutgoingRequest, ChannelPlaceholderInThePath) {
  const auto c = sink("http://h/devices/{channel}/data?k=v");
  EXPECT_EQ(target_for(c, "door 1/state"), "/devices/door%201/state/data?k=v");
  Message m;
  m.channel = "a";
  EXPECT_EQ(request_for_message(c, m).target, "/devices/a/data?k=v");
}

TEST(HttpOutgoingRequest, BatchIsJsonLines) {
  Message a, b;
  a.body = "one";
  a.channel = "c";
  b.body = "two";
  b.meta["k"] = "v";
  const auto r = request_for_batch(sink("http://h/x?batch=10"), {&a, &b});
  EXPECT_EQ(header(r.headers, "Content-Type"), "application/x-ndjson");
  EXPECT_EQ(r.body, format_envelope(a) + "\n" + format_envelope(b) + "\n");
}

TEST(HttpOutgoingRequest, ResponseAsReply) {
  Response res;
  res.status = 201;
  res.headers = {{"Content-Type", "application/json"}, {"X-Gsmq-Meta-k", "v"}};
  res.body = R"({"ok":true})";
  const Message m = message_from_response(res);
  EXPECT_EQ(m.body, res.body);
  EXPECT_TRUE(m.body_is_json);
  EXPECT_EQ(m.meta.at("http.status"), "201");
  EXPECT_EQ(m.meta.at("http.content-type"), "application/json");
  EXPECT_EQ(m.meta.at("k"), "v");
}

TEST(HttpIngestConfig, ListenForms) {
  auto c = ingest("http://:8080/ingest/");
  EXPECT_EQ(c.bind_host, "0.0.0.0");
  EXPECT_EQ(c.port, 8080);
  EXPECT_EQ(c.path, "ingest");
  EXPECT_EQ(c.max_connections, 64u);
  c = ingest("http://127.0.0.1:9000/in?listen&channel=dev&envelope&max-connections=5&headers=User-Agent,x-a&timeout=2s");
  EXPECT_EQ(c.bind_host, "127.0.0.1");
  EXPECT_EQ(c.channel, "dev");
  EXPECT_TRUE(c.envelope);
  EXPECT_EQ(c.max_connections, 5u);
  EXPECT_EQ(c.copy_headers, (std::vector<std::string>{"user-agent", "x-a"}));
  EXPECT_EQ(c.timeout, std::chrono::seconds(2));
  EndpointOptions o;
  o.limits.max_body_bytes = 1000;
  EXPECT_EQ(ingest("http://:1/", o).max_body_bytes, 1000u);
}

TEST(HttpIngestConfig, BadValuesAreUsageErrors) {
  for (const char* bad : {"http://:1/x?retries=3", "http://:1/x?max-connections=0", "https://:1/x",
                          "http://:1/x?cert=a.pem&key=b.pem", "http://:1/x?timeout=never"}) {
    try {
      ingest(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::usage) << bad;
    }
  }
}

TEST(HttpIngestRequest, OneBodyIsOneMessage) {
  const auto c = ingest("http://:1/ingest");
  auto d = decide_ingest(c, post("/ingest", "hello", {{"Content-Type", "text/plain"}, {"X-Gsmq-Meta-site", "a%20b"}}));
  ASSERT_FALSE(d.answer);
  ASSERT_EQ(d.messages.size(), 1u);
  const Message& m = d.messages[0];
  EXPECT_EQ(m.body, "hello");
  EXPECT_EQ(m.channel, "");
  EXPECT_EQ(m.meta.at("http.content-type"), "text/plain");
  EXPECT_EQ(m.meta.at("site"), "a b");
  EXPECT_FALSE(m.id.empty());  // stamped
  EXPECT_GT(m.ts, 0);
  EXPECT_FALSE(m.body_is_json);
}

TEST(HttpIngestRequest, EnvelopeFieldsFromHeaders) {
  const auto c = ingest("http://:1/ingest?headers=user-agent");
  auto d = decide_ingest(c, post("/ingest", R"({"t":21.5})",
                                 {{"content-type", "application/json"},
                                  {"X-Gsmq-Id", "my-id"},
                                  {"X-Gsmq-Ts", "1764000000000001"},
                                  {"X-Gsmq-Priority", "7"},
                                  {"X-Gsmq-Channel", "from-header"},
                                  {"User-Agent", "curl/8"}}));
  ASSERT_EQ(d.messages.size(), 1u);
  const Message& m = d.messages[0];
  EXPECT_EQ(m.id, "my-id");
  EXPECT_EQ(m.ts, 1764000000000001);
  EXPECT_EQ(m.priority, 7);
  EXPECT_EQ(m.channel, "from-header");
  EXPECT_TRUE(m.body_is_json);
  EXPECT_EQ(m.meta.at("http.user-agent"), "curl/8");

  d = decide_ingest(c, post("/ingest", "x", {{"X-Gsmq-Priority", "12"}}));
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 400);
  EXPECT_NE(d.answer->body.find("X-Gsmq-Priority"), std::string::npos);
  d = decide_ingest(c, post("/ingest", "x", {{"X-Gsmq-Ts", "yesterday"}}));
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 400);
}

TEST(HttpIngestRequest, ChannelRule) {
  const auto c = ingest("http://:1/ingest?channel=default");
  auto channel_of = [&](const std::string& target, Headers h = {}) {
    auto d = decide_ingest(c, post(target, "x", std::move(h)));
    EXPECT_FALSE(d.answer) << target;
    return d.messages.empty() ? std::string("<none>") : d.messages[0].channel;
  };
  EXPECT_EQ(channel_of("/ingest"), "default");
  EXPECT_EQ(channel_of("/ingest/"), "default");
  EXPECT_EQ(channel_of("/ingest/sensors/door"), "sensors/door");
  EXPECT_EQ(channel_of("/ingest/sensors/door%201/"), "sensors/door 1");
  EXPECT_EQ(channel_of("/ingest", {{"X-Gsmq-Channel", "h"}}), "h");
  EXPECT_EQ(channel_of("/ingest/sub", {{"X-Gsmq-Channel", "h"}}), "sub");
  EXPECT_EQ(channel_of("/ingest/sub?channel=q%2Fr", {{"X-Gsmq-Channel", "h"}}), "q/r");
  // no path on the URL: the whole request path is the channel
  auto d = decide_ingest(ingest("http://:1"), post("/a/b", "x"));
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0].channel, "a/b");
}

TEST(HttpIngestRequest, RoutingAndMethods) {
  const auto c = ingest("http://:1/ingest");
  auto status_of = [&](const std::string& method, const std::string& target) {
    auto d = decide_ingest(c, Request{method, target, {}, "x"});
    return d.answer ? d.answer->status : 0;
  };
  EXPECT_EQ(status_of("POST", "/ingest"), 0);
  EXPECT_EQ(status_of("PUT", "/ingest/x"), 0);
  EXPECT_EQ(status_of("POST", "/ingestion"), 404);
  EXPECT_EQ(status_of("POST", "/"), 404);
  EXPECT_EQ(status_of("GET", "/ingest"), 200);
  EXPECT_EQ(status_of("HEAD", "/ingest"), 200);
  EXPECT_EQ(status_of("DELETE", "/ingest"), 405);
  auto d = decide_ingest(c, Request{"DELETE", "/ingest", {}, ""});
  EXPECT_EQ(header(d.answer->headers, "Allow"), "POST, PUT, GET, HEAD");
}

TEST(HttpIngestRequest, BasicAuthentication) {
  const auto c = ingest("http://dev:secret@:1/ingest");
  auto d = decide_ingest(c, post("/ingest", "x"));
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 401);
  EXPECT_EQ(header(d.answer->headers, "WWW-Authenticate"), "Basic realm=\"gsmq\"");
  d = decide_ingest(c, post("/ingest", "x", {{"Authorization", "Basic ZGV2OnNlY3JldA=="}}));
  EXPECT_FALSE(d.answer);
}

TEST(HttpIngestRequest, TooLargeBody) {
  EndpointOptions o;
  o.limits.max_body_bytes = 4;
  auto d = decide_ingest(ingest("http://:1/", o), post("/", "12345"));
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 413);
}

TEST(HttpIngestRequest, JsonLinesAreEnvelopes) {
  const auto c = ingest("http://:1/ingest?channel=dflt");
  const std::string body = "{\"body\":\"a\",\"channel\":\"c1\",\"id\":\"x1\"}\r\n\n{\"body\":{\"n\":2},\"meta\":{\"k\":\"v\"}}\n";
  auto d = decide_ingest(c, post("/ingest", body, {{"Content-Type", "application/x-ndjson"}, {"X-Gsmq-Meta-k", "h"}, {"X-Gsmq-Meta-o", "h"}}));
  ASSERT_FALSE(d.answer);
  ASSERT_EQ(d.messages.size(), 2u);
  EXPECT_EQ(d.messages[0].channel, "c1");
  EXPECT_EQ(d.messages[0].id, "x1");
  EXPECT_EQ(d.messages[1].channel, "dflt");
  EXPECT_EQ(d.messages[1].body, R"({"n":2})");
  EXPECT_TRUE(d.messages[1].body_is_json);
  EXPECT_EQ(d.messages[1].meta.at("k"), "v");  // the line wins over the header
  EXPECT_EQ(d.messages[1].meta.at("o"), "h");
  EXPECT_EQ(d.messages[1].meta.count("http.content-type"), 0u);
  EXPECT_FALSE(d.messages[1].id.empty());

  // ?envelope on the request does the same for any Content-Type
  d = decide_ingest(c, post("/ingest?envelope", "{\"body\":\"z\"}"));
  ASSERT_EQ(d.messages.size(), 1u);
  EXPECT_EQ(d.messages[0].body, "z");
}

TEST(HttpIngestRequest, BadLineRefusesTheWholeRequest) {
  const auto c = ingest("http://:1/ingest?envelope");
  auto d = decide_ingest(c, post("/ingest", "{\"body\":\"a\"}\n{\"body\":\"b\",\"priority\":42}\n{\"body\":\"c\"}\n"));
  ASSERT_TRUE(d.answer);
  EXPECT_TRUE(d.messages.empty());
  EXPECT_EQ(d.answer->status, 400);
  const auto error = nlohmann::json::parse(d.answer->body).at("error").get<std::string>();
  EXPECT_EQ(error.rfind("line 2: field \"priority\"", 0), 0u) << error;

  d = decide_ingest(c, post("/ingest", "not json\n"));
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 400);

  d = decide_ingest(c, post("/ingest", "\n\n"));
  ASSERT_TRUE(d.answer);
  EXPECT_EQ(d.answer->status, 200);
  EXPECT_EQ(d.answer->body, R"({"ids":[]})");
}

TEST(HttpIngestRequest, Answers) {
  EXPECT_EQ(answer_taken({"a", "b"}).body, R"({"ids":["a","b"]})");
  const auto busy = answer_error(503, "down");
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(header(busy.headers, "Retry-After"), "1");
  EXPECT_EQ(busy.body, R"({"error":"down"})");
  Message reply;
  reply.body = "pong";
  reply.meta["content-type"] = "text/plain";
  reply.id = "r1";
  const auto r = answer_reply(reply);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "pong");
  EXPECT_EQ(header(r.headers, "Content-Type"), "text/plain");
  EXPECT_EQ(header(r.headers, "X-Gsmq-Id"), "r1");
}

TEST(HttpRequestResponse, MediaTypes) {
  EXPECT_EQ(media_type("Application/JSON; charset=utf-8"), "application/json");
  EXPECT_TRUE(is_json_media_type("application/vnd.api+json"));
  EXPECT_FALSE(is_json_media_type("text/plain"));
  EXPECT_TRUE(body_is_json("application/json", "[1,2]"));
  EXPECT_FALSE(body_is_json("application/json", "\"a string\""));
  EXPECT_FALSE(body_is_json("application/json", "{broken"));
  EXPECT_FALSE(body_is_json("text/plain", "{}"));
  // Deeper than a body in a line may be: bytes, so no consumer recurses on it.
  EXPECT_FALSE(body_is_json("application/json", std::string(100000, '[') + std::string(100000, ']')));
}

}  // namespace
}  // namespace gsmq::endpoint::http
