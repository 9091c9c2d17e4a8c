// The JSON-lines envelope codec (envelope/codec.h; gsmq(7) THE ENVELOPE): lossless round trip
// of any message, and bad input rejected with an error that names the field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "envelope/base64.h"
#include "envelope/codec.h"
#include "envelope/json_writer.h"
#include "envelope/message.h"
#include "envelope/utf8.h"

namespace gsmq {
namespace {

using json = nlohmann::json;

// ---- random messages, for the round-trip property -------------------------------------

class Generator {
 public:
  explicit Generator(uint64_t seed) : rng_(seed) {}

  uint64_t below(uint64_t n) { return std::uniform_int_distribution<uint64_t>(0, n - 1)(rng_); }
  bool coin() { return below(2) == 0; }

  std::string bytes(size_t max_len) {
    std::string s(below(max_len + 1), '\0');
    for (auto& c : s) c = static_cast<char>(below(256));
    return s;
  }

  // Valid UTF-8 text from every encoding length, with the characters JSON must escape.
  std::string text(size_t max_chars) {
    static const char32_t kSpecial[] = {U'"', U'\\', U'\n', U'\r', U'\t', U'\0', U'\x1f', U'/', U'\x7f'};
    std::string s;
    const size_t n = below(max_chars + 1);
    for (size_t i = 0; i < n; ++i) {
      char32_t cp;
      switch (below(6)) {
        case 0: cp = kSpecial[below(std::size(kSpecial))]; break;
        case 1: cp = static_cast<char32_t>(0x80 + below(0x800 - 0x80)); break;
        case 2: {
          cp = static_cast<char32_t>(0x800 + below(0x10000 - 0x800));
          if (cp >= 0xD800 && cp <= 0xDFFF) cp = U'\uFFFD';  // surrogates are not characters
          break;
        }
        case 3: cp = static_cast<char32_t>(0x10000 + below(0x110000 - 0x10000)); break;
        default: cp = static_cast<char32_t>(0x20 + below(0x5f)); break;
      }
      append_utf8(s, cp);
    }
    return s;
  }

  // Any JSON value; `depth` bounds nesting.
  json value(int depth) {
    switch (below(depth > 0 ? 9 : 7)) {
      case 0: return nullptr;
      case 1: return coin();
      case 2: return static_cast<int64_t>(rng_());  // negative half the time
      case 3: return static_cast<uint64_t>(rng_());
      case 4: {
        double d;
        do {
          const uint64_t bits = rng_();
          std::memcpy(&d, &bits, sizeof d);
        } while (!std::isfinite(d));
        return d;
      }
      case 5: return below(10) - 5.0 + 0.25;
      case 6: return text(12);
      case 7: {
        json a = json::array();
        for (uint64_t i = below(4); i > 0; --i) a.push_back(value(depth - 1));
        return a;
      }
      default: {
        json o = json::object();
        for (uint64_t i = below(4); i > 0; --i) o[text(6)] = value(depth - 1);
        return o;
      }
    }
  }

  Message message() {
    Message m;
    if (coin()) m.channel = text(20);
    switch (below(5)) {
      case 0: m.body = bytes(200); break;  // usually not UTF-8: goes out as body_b64
      case 1: m.body = text(100); break;
      case 2: break;                       // empty body
      case 3: {                            // a JSON value other than a string
        json v;
        do v = value(3);
        while (v.is_string());
        m.body = v.dump();
        m.body_is_json = true;
        break;
      }
      default: m.body = bytes(8); break;
    }
    if (coin()) m.id = coin() ? new_message_id() : text(10);
    if (coin()) m.ts = static_cast<int64_t>(below(uint64_t(std::numeric_limits<int64_t>::max())) + 1);
    m.priority = static_cast<int>(below(10));
    for (uint64_t i = below(4); i > 0; --i) m.meta[text(8)] = text(16);
    if (coin()) m.seq = rng_();
    if (coin()) m.ttl_ms = static_cast<int64_t>(below(uint64_t(std::numeric_limits<int64_t>::max())));
    if (coin()) m.delay_ms = static_cast<int64_t>(below(1u << 31));
    if (coin()) m.max_receives = static_cast<uint32_t>(rng_());
    if (coin()) m.dead_letter = text(10);
    if (coin()) m.receive_count = static_cast<uint32_t>(rng_());
    if (coin()) {
      m.extra = json::object();
      for (uint64_t i = below(4) + 1; i > 0; --i) m.extra["x-" + text(6)] = value(2);
    }
    return m;
  }

 private:
  static void append_utf8(std::string& s, char32_t cp) {
    if (cp < 0x80) {
      s.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      s.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      s.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      s.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      s.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  std::mt19937_64 rng_;
};

// Parses `line`, failing the test with the codec's error text when it is rejected.
Message parse_ok(const std::string& line, const CodecLimits& limits = {}) {
  Message m;
  std::string error;
  EXPECT_TRUE(parse_envelope(line, m, error, limits)) << error << "\n  line: " << line;
  return m;
}

// The error text for a line that must be rejected.
std::string parse_error(const std::string& line, const CodecLimits& limits = {}) {
  Message m;
  std::string error;
  EXPECT_FALSE(parse_envelope(line, m, error, limits)) << "accepted: " << line;
  return error;
}

// ---- round trip ----------------------------------------------------------------------

TEST(CodecTest, RoundTripOfRandomMessagesIsLossless) {
  for (const uint64_t seed : {1u, 2u, 3u, 42u, 20251124u}) {
    Generator gen(seed);
    for (int i = 0; i < 400; ++i) {
      const Message original = gen.message();
      const std::string line = format_envelope(original);
      SCOPED_TRACE("seed " + std::to_string(seed) + " message " + std::to_string(i) + ": " + line);
      ASSERT_EQ(line.find('\n'), std::string::npos) << "an envelope is one line";
      ASSERT_TRUE(is_valid_utf8(line)) << "an envelope is UTF-8";
      Message parsed;
      std::string error;
      ASSERT_TRUE(parse_envelope(line, parsed, error)) << error;
      ASSERT_EQ(parsed, original);
      ASSERT_EQ(format_envelope(parsed), line) << "formatting is stable";
    }
  }
}

// What format_envelope wrote when it built an nlohmann::ordered_json and dumped it: the
// text every field but a JSON body must still have, byte for byte.
std::string format_by_nlohmann(const Message& m) {
  nlohmann::ordered_json j;
  if (!m.channel.empty()) j["channel"] = m.channel;
  if (m.body_is_json) j["body"] = json::parse(m.body);
  else if (is_valid_utf8(m.body)) j["body"] = m.body;
  else j["body_b64"] = base64_encode(m.body);
  if (!m.id.empty()) j["id"] = m.id;
  if (m.ts != 0) j["ts"] = m.ts;
  if (m.priority != 0) j["priority"] = m.priority;
  if (!m.meta.empty()) j["meta"] = m.meta;
  if (m.seq) j["seq"] = *m.seq;
  if (m.ttl_ms) j["ttl_ms"] = *m.ttl_ms;
  if (m.delay_ms) j["delay_ms"] = *m.delay_ms;
  if (m.max_receives) j["max_receives"] = *m.max_receives;
  if (m.dead_letter) j["dead_letter"] = *m.dead_letter;
  if (m.receive_count) j["receive_count"] = *m.receive_count;
  if (m.extra.is_object())
    for (auto& [key, value] : m.extra.items()) j[key] = value;
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

TEST(CodecTest, FormattingIsTheTextNlohmannWrote) {
  for (const uint64_t seed : {5u, 6u, 7u}) {
    Generator gen(seed);
    for (int i = 0; i < 400; ++i) {
      Message m = gen.message();  // JSON bodies are nlohmann's compact dumps here
      if (gen.below(4) == 0) m.channel = gen.bytes(12);  // not always UTF-8: replaced by U+FFFD
      if (gen.below(4) == 0) m.meta[gen.bytes(4)] = gen.bytes(6);
      if (gen.below(4) == 0) m.dead_letter = gen.bytes(6);
      SCOPED_TRACE("seed " + std::to_string(seed) + " message " + std::to_string(i));
      ASSERT_EQ(format_envelope(m), format_by_nlohmann(m));
    }
  }
}

TEST(CodecTest, BinaryBodyGoesOutAsBase64AndTextBodyAsString) {
  Message binary;
  binary.body = std::string("\xff\x00\xfe", 3);
  EXPECT_EQ(format_envelope(binary), R"({"body_b64":"/wD+"})");
  EXPECT_EQ(parse_ok(R"({"body_b64":"/wD+"})"), binary);

  Message text;
  text.body = "caf\xc3\xa9 \xf0\x9f\x9a\xaa";  // "café 🚪"
  EXPECT_EQ(format_envelope(text), "{\"body\":\"caf\xc3\xa9 \xf0\x9f\x9a\xaa\"}");
  EXPECT_EQ(parse_ok(format_envelope(text)), text);

  // Valid UTF-8 given as base64 comes out as a string: same bytes, the readable form.
  EXPECT_EQ(format_envelope(parse_ok(R"({"body_b64":"b3Blbg=="})")), R"({"body":"open"})");
}

TEST(CodecTest, JsonValuedBodyIsItsTextAsWritten) {
  const Message m = parse_ok(R"({"body": {"door": "open", "n": [1, 2.50, null, true]} , "id":"i"})");
  EXPECT_TRUE(m.body_is_json);
  EXPECT_EQ(m.body, R"({"door": "open", "n": [1, 2.50, null, true]})") << "without the spaces around it";
  EXPECT_EQ(format_envelope(m), R"({"body":{"door": "open", "n": [1, 2.50, null, true]},"id":"i"})");
  EXPECT_EQ(parse_ok(R"({"body":42})").body, "42");
  EXPECT_EQ(parse_ok(R"({"body":null})").body, "null");
  EXPECT_FALSE(parse_ok(R"({"body":"42"})").body_is_json) << "a string body is its own bytes";
}

TEST(CodecTest, JsonBodyKeepsKeyOrderAndNumberSpellingThroughARoundTrip) {
  // A signature or hash over the body must still hold after a hop.
  for (const std::string_view body : {R"({"b":2,"a":12.50})", "1E+2", "-0", "1e-400", "100000000000000000000000",
                                 "[0.10, -1.5e3,\t{\"z\":[],\"y\":{}}]", R"({"\u00e9":"\ud83d\ude00","a\/b":1})"}) {
    SCOPED_TRACE(body);
    const std::string line = R"({"channel":"c","body":)" + std::string(body) + R"(,"id":"x"})";
    const Message m = parse_ok(line);
    EXPECT_TRUE(m.body_is_json);
    EXPECT_EQ(m.body, body);
    EXPECT_EQ(format_envelope(m), line);
    EXPECT_EQ(parse_ok(format_envelope(m)), m);
  }
}

TEST(CodecTest, TheBodyIsTheLastTopLevelMemberNamedBodyEscapesDecoded) {
  // As nlohmann resolves duplicates: the last one wins, whatever the earlier ones were.
  const char* cases[][2] = {
      {R"({"bo\u0064y":[1]})", "[1]"},
      {R"({"body":[1],"body":{"x":2}})", R"({"x":2})"},
      {R"({"body":"text","b\u006fdy" : [2] })", "[2]"},
      {R"({"x":{"body":[9]},"y":"\"body\":[8]","body":[1],"bodyx":[7]})", "[1]"},
      {"\xEF\xBB\xBF{\"body\":[3]}", "[3]"},  // after a byte order mark, which nlohmann skips
  };
  for (const auto& [line, body] : cases) {
    SCOPED_TRACE(line);
    const Message m = parse_ok(line);
    EXPECT_TRUE(m.body_is_json);
    EXPECT_EQ(m.body, body);
    EXPECT_EQ(json::parse(m.body), json::parse(line)["body"]) << "the value nlohmann sees";
  }
  EXPECT_FALSE(parse_ok(R"({"body":[1],"body":"last"})").body_is_json);
  EXPECT_EQ(parse_ok(R"({"body":[1],"body":"last"})").body, "last");
}

TEST(CodecTest, AJsonBodyThatCannotGoOutAsItIsGoesOutAsAStringOfTheSameBytes) {
  // Bodies flagged as JSON by other endpoints (HTTP, CoAP, gRPC clients).
  for (const std::string& body : {std::string("  [1]"), std::string("[1] "), std::string("{\"t\":1}\n"),
                                 std::string("[1,\r2]"), std::string("\"a string\""), std::string("\xEF\xBB\xBF[1]"),
                                 std::string("1e400"), std::string("[1,]"), std::string(R"(["\ud800"])"),
                                 std::string("{} {}"), std::string("")}) {
    SCOPED_TRACE(body);
    Message m;
    m.body = body;
    m.body_is_json = true;
    const std::string line = format_envelope(m);
    std::string expected = R"({"body":)";
    append_json_string(expected, body);
    EXPECT_EQ(line, expected + "}");
    const Message back = parse_ok(line);
    EXPECT_EQ(back.body, body) << "the same bytes";
    EXPECT_FALSE(back.body_is_json);
  }
  // A raw carriage return between tokens of a line is whitespace, so it is in the body's
  // bytes: such a body goes out as a string (a line holds no line break).
  const Message with_cr = parse_ok("{\"body\":[1,\r2]}");
  EXPECT_EQ(with_cr.body, "[1,\r2]");
  EXPECT_EQ(format_envelope(with_cr), R"({"body":"[1,\r2]"})");
}

TEST(CodecTest, TheConventionsExampleParses) {
  const Message m = parse_ok(
      R"({"channel":"sensors/door","body":"open","id":"5f1c","ts":1764000000123456,)"
      R"("priority":0,"meta":{"content-type":"text/plain","mqtt.qos":"1"},"seq":42})");
  EXPECT_EQ(m.channel, "sensors/door");
  EXPECT_EQ(m.body, "open");
  EXPECT_EQ(m.id, "5f1c");
  EXPECT_EQ(m.ts, 1764000000123456);
  EXPECT_EQ(m.priority, 0);
  EXPECT_EQ(m.meta.at("content-type"), "text/plain");
  EXPECT_EQ(m.meta.at("mqtt.qos"), "1");
  EXPECT_EQ(m.seq, 42u);
}

TEST(CodecTest, DefaultsAreLeftOutAndKnownFieldsComeFirst) {
  EXPECT_EQ(format_envelope(Message{}), R"({"body":""})");
  Message m = parse_ok(R"({"zzz":1,"body":"b","channel":"c","priority":3,"ttl_ms":0})");
  EXPECT_EQ(format_envelope(m), R"({"channel":"c","body":"b","priority":3,"ttl_ms":0,"zzz":1})");
}

TEST(CodecTest, UnknownFieldsOfEveryJsonTypeAreKept) {
  const std::string line =
      R"({"body":"x","a":null,"b":true,"c":-7,"d":18446744073709551615,"e":0.1,"f":"s","g":[1,{"h":[]}],"i":{}})";
  const Message m = parse_ok(line);
  ASSERT_TRUE(m.extra.is_object());
  EXPECT_EQ(m.extra.size(), 8u);
  EXPECT_EQ(json::parse(format_envelope(m)), json::parse(line));
}

TEST(CodecTest, IntegerFieldsAcceptTheirWholeRange) {
  const Message m = parse_ok(
      R"({"ts":9223372036854775807,"priority":9,"seq":18446744073709551615,"ttl_ms":0,)"
      R"("delay_ms":9223372036854775807,"max_receives":4294967295,"receive_count":0})");
  EXPECT_EQ(m.ts, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(m.priority, 9);
  EXPECT_EQ(m.seq, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(m.ttl_ms, 0);
  EXPECT_EQ(m.delay_ms, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(m.max_receives, std::numeric_limits<uint32_t>::max());
  EXPECT_EQ(m.receive_count, 0u);
  EXPECT_EQ(parse_ok(format_envelope(m)), m);
}

// ---- body size limit -----------------------------------------------------------------

TEST(CodecTest, BodyExactlyAtTheLimitIsAcceptedOneMoreByteIsNot) {
  const CodecLimits limits{1u << 20};
  Generator gen(7);
  for (const bool binary : {false, true}) {
    SCOPED_TRACE(binary ? "binary body (body_b64)" : "text body");
    Message at_limit;
    at_limit.channel = "big";
    if (binary) {
      while (at_limit.body.size() < limits.max_body_bytes) at_limit.body += static_cast<char>(gen.below(256));
      at_limit.body[0] = '\xff';  // never UTF-8
    } else {
      while (at_limit.body.size() < limits.max_body_bytes) at_limit.body += "\xc3\xa9";  // "é", 2 bytes
    }
    ASSERT_EQ(at_limit.body.size(), limits.max_body_bytes);
    const std::string line = format_envelope(at_limit);
    EXPECT_NE(line.find(binary ? "body_b64" : "\"body\""), std::string::npos);
    EXPECT_EQ(parse_ok(line, limits), at_limit);

    Message over = at_limit;
    over.body.push_back('!');
    const std::string error = parse_error(format_envelope(over), limits);
    EXPECT_NE(error.find("1048577 bytes"), std::string::npos) << error;
    EXPECT_NE(error.find("1048576"), std::string::npos) << error;
  }
}

TEST(CodecTest, JsonBodyCountsItsBytesAsWrittenAgainstTheLimit) {
  const std::string line = R"({"body": [1, 2,   3] })";  // the body is "[1, 2,   3]": 11 bytes
  EXPECT_EQ(parse_ok(line, CodecLimits{11}).body, "[1, 2,   3]");
  EXPECT_NE(parse_error(line, CodecLimits{10}).find("11 bytes"), std::string::npos);
}

// ---- nesting limit ---------------------------------------------------------------------

// `depth` nested arrays around 1: nested_array(2) is [[1]].
std::string nested_array(size_t depth) { return std::string(depth, '[') + "1" + std::string(depth, ']'); }

TEST(CodecTest, ALineNestsAtMost128LevelsTheEnvelopeCountingAsOne) {
  const std::string deepest_body = nested_array(kMaxLineDepth - 1);
  const Message m = parse_ok(R"({"body":)" + deepest_body + "}");
  EXPECT_TRUE(m.body_is_json);
  EXPECT_EQ(parse_ok(format_envelope(m)), m);
  EXPECT_TRUE(parse_ok(R"({"body":"x","extra":)" + deepest_body + "}").extra.is_object());

  const std::string limit_error = "nested deeper than the limit of 128 levels";
  EXPECT_EQ(parse_error(R"({"body":)" + nested_array(kMaxLineDepth) + "}"), limit_error);
  EXPECT_EQ(parse_error(R"({"body":"x","extra":)" + nested_array(kMaxLineDepth) + "}"), limit_error);
  EXPECT_EQ(parse_error(R"({"body":)" + nested_array(100000) + "}"), limit_error);
  EXPECT_EQ(parse_error(std::string(100000, '[')), limit_error);
  // Brackets in strings are text, not nesting.
  EXPECT_EQ(parse_ok(R"({"body":")" + std::string(1000, '[') + R"("})").body, std::string(1000, '['));
}

TEST(CodecTest, AJsonBodyTooDeepOrNotJsonIsWrittenAsAString) {
  Message deep;
  deep.body = nested_array(100000);  // e.g. from gsmqd: stored by another client
  deep.body_is_json = true;
  const std::string line = format_envelope(deep);  // must not recurse 100,000 levels
  EXPECT_EQ(line, R"({"body":")" + deep.body + R"("})");
  EXPECT_EQ(parse_ok(line).body, deep.body) << "the same bytes";

  Message one_too_deep;
  one_too_deep.body = nested_array(kMaxBodyDepth + 1);
  one_too_deep.body_is_json = true;
  EXPECT_EQ(format_envelope(one_too_deep), R"({"body":")" + one_too_deep.body + R"("})");
  Message deepest = one_too_deep;
  deepest.body = nested_array(kMaxBodyDepth);
  EXPECT_EQ(format_envelope(deepest), R"({"body":)" + deepest.body + "}");

  Message not_json;
  not_json.body = "{not json";
  not_json.body_is_json = true;
  EXPECT_EQ(format_envelope(not_json), R"({"body":"{not json"})");
  not_json.body = "[\xff";
  EXPECT_EQ(format_envelope(not_json), R"({"body_b64":"W/8="})");
}

TEST(CodecTest, AnUnknownFieldNeverOverridesAnEnvelopeField) {
  Message m;
  m.channel = "real";
  m.body = "real body";
  m.extra = json::parse(
      R"({"channel":"evil","body":"evil","body_b64":"ZXZpbA==","id":"evil","ts":1,"priority":9,)"
      R"("meta":{"k":"evil"},"seq":1,"ttl_ms":1,"delay_ms":1,"max_receives":1,"dead_letter":"evil",)"
      R"("receive_count":1,"receipt":"1:2@evil","x-kept":true})");
  EXPECT_EQ(format_envelope(m), R"({"channel":"real","body":"real body","x-kept":true})");
  for (const char* key : {"channel", "body", "body_b64", "id", "ts", "priority", "meta", "seq", "ttl_ms", "delay_ms",
                          "max_receives", "dead_letter", "receive_count", "receipt"})
    EXPECT_TRUE(is_envelope_field(key)) << key;
  EXPECT_FALSE(is_envelope_field("x-kept"));
  EXPECT_FALSE(is_envelope_field("Channel"));
}

TEST(CodecTest, AReceiptInALineIsNotKept) {
  // gsmqd's settle handle: meaningful only on the gRPC stream it came with.
  const Message m = parse_ok(R"({"body":"x","receipt":"1:2@jobs","other":1})");
  EXPECT_EQ(m.extra, json::parse(R"({"other":1})"));
}

// ---- bad input -------------------------------------------------------------------------

struct BadLine {
  const char* line;
  const char* error;  // expected at the start of the error text
};

TEST(CodecTest, NullInAKnownFieldMeansNotSet) {
  // jq writes null for a missing key: {priority: .priority} on a line without one.
  const Message m = parse_ok(R"({"channel":null,"body":"x","priority":null,"meta":null,"ttl_ms":null,"id":null})");
  EXPECT_EQ(m.channel, "");
  EXPECT_EQ(m.priority, 0);
  EXPECT_TRUE(m.meta.empty());
  EXPECT_FALSE(m.ttl_ms.has_value());
  EXPECT_EQ(m.id, "");
  EXPECT_TRUE(m.extra.is_null());  // not kept as unknown fields either
}

TEST(CodecTest, EveryFieldOfTheWrongTypeIsRejectedByName) {
  const BadLine cases[] = {
      {R"({"channel":1})", R"(field "channel": expected a string)"},
      {R"({"body_b64":7})", R"(field "body_b64": expected a string)"},
      {R"({"body_b64":"%%%%"})", R"(field "body_b64": not valid base64)"},
      {R"({"body_b64":"abc"})", R"(field "body_b64": not valid base64)"},
      {R"({"id":["x"]})", R"(field "id": expected a string)"},
      {R"({"ts":"1764000000123456"})", R"(field "ts": expected an integer)"},
      {R"({"ts":-1})", R"(field "ts": expected an integer)"},
      {R"({"ts":1.5})", R"(field "ts": expected an integer)"},
      {R"({"priority":10})", R"(field "priority": expected an integer 0-9)"},
      {R"({"priority":-1})", R"(field "priority": expected an integer 0-9)"},
      {R"({"priority":"1"})", R"(field "priority": expected an integer 0-9)"},
      {R"({"priority":true})", R"(field "priority": expected an integer 0-9)"},
      {R"({"priority":1.0})", R"(field "priority": expected an integer 0-9)"},
      {R"({"meta":[]})", R"(field "meta": expected an object of strings)"},
      {R"({"meta":"a=b"})", R"(field "meta": expected an object of strings)"},
      {R"({"meta":{"ok":"yes","x":1}})", R"(field "meta.x": expected a string)"},
      {R"({"meta":{"x":null}})", R"(field "meta.x": expected a string)"},
      {R"({"seq":-1})", R"(field "seq": expected a non-negative integer)"},
      {R"({"seq":"1"})", R"(field "seq": expected a non-negative integer)"},
      {R"({"ttl_ms":-5})", R"(field "ttl_ms": expected a non-negative integer)"},
      {R"({"delay_ms":"1s"})", R"(field "delay_ms": expected a non-negative integer)"},
      {R"({"max_receives":4294967296})", R"(field "max_receives": expected a non-negative integer)"},
      {R"({"receive_count":-1})", R"(field "receive_count": expected a non-negative integer)"},
      {R"({"dead_letter":5})", R"(field "dead_letter": expected a string)"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_EQ(parse_error(c.line).rfind(c.error, 0), 0u) << parse_error(c.line);
  }
}

TEST(CodecTest, LinesThatAreNotJsonObjectsAreRejected) {
  const BadLine cases[] = {
      {"[1,2]", "expected a JSON object, got array"},
      {R"("open")", "expected a JSON object, got string"},
      {"42", "expected a JSON object, got number"},
      {"null", "expected a JSON object, got null"},
      {"true", "expected a JSON object, got boolean"},
      {"", "invalid JSON"},
      {"{", "invalid JSON"},
      {R"({"body":})", "invalid JSON"},
      {R"({"body":"x"} {"body":"y"})", "invalid JSON"},
      {"{\"body\":\"\xff\"}", "invalid JSON"},  // a JSON string must be UTF-8
      {"open the door", "invalid JSON"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.line);
    EXPECT_EQ(parse_error(c.line).rfind(c.error, 0), 0u) << parse_error(c.line);
  }
}

TEST(CodecTest, ANumberTooLargeForADoubleIsBadInputNotAnException) {
  // nlohmann reports these as out_of_range 406, not as a parse_error.
  const std::string huge_integer = std::string(400, '9');
  for (const std::string& line : {std::string(R"({"body":1e400})"), std::string(R"({"body":[1,-1E+999]})"),
                                 std::string(R"({"body":"x","extra":1e400})"), std::string(R"({"ts":1e400})"),
                                 R"({"body":)" + huge_integer + "}"}) {
    SCOPED_TRACE(line);
    const std::string error = parse_error(line);
    EXPECT_EQ(error.rfind("invalid JSON: number overflow parsing '", 0), 0u) << error;
  }
  EXPECT_TRUE(parse_ok(R"({"body":1e-400})").body_is_json) << "underflow is a number (0) for nlohmann";
}

TEST(CodecTest, BodyAndBodyB64TogetherAreRejected) {
  const std::string error = parse_error(R"({"body":"a","body_b64":"YQ=="})");
  EXPECT_NE(error.find(R"("body")"), std::string::npos) << error;
  EXPECT_NE(error.find(R"("body_b64")"), std::string::npos) << error;
}

TEST(CodecTest, ARejectedLineLeavesTheMessageUntouched) {
  Message out;
  out.channel = "before";
  out.body = "kept";
  const Message before = out;
  std::string error;
  EXPECT_FALSE(parse_envelope(R"({"channel":"after","body":"new","priority":99})", out, error));
  EXPECT_EQ(out, before) << "never half-filled";
}

TEST(CodecTest, RawLineIsTheBody) {
  const Message m = message_from_raw_line("{\"not\":\"parsed\"}\r");
  EXPECT_EQ(m.body, "{\"not\":\"parsed\"}\r");
  EXPECT_FALSE(m.body_is_json);
  EXPECT_TRUE(m.channel.empty());
}

}  // namespace
}  // namespace gsmq
