// libFuzzer target for the small hand-written text decoders of the adapters: CoAP
// (Content-Format names, paths, queries: lib/endpoint/coap/mapping.h), HTTP header
// names and values (lib/endpoint/http/header_codec.h) and MQTT topic names and filters
// (lib/endpoint/mqtt/topic.h). The input is split in two strings. Nothing may crash, and
// what is encoded must decode back.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "endpoint/coap/mapping.h"
#include "endpoint/http/header_codec.h"
#include "endpoint/mqtt/topic.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const std::string a = in.ConsumeRandomLengthString(512);
  const std::string b = in.ConsumeRemainingBytesAsString();
  namespace coap = gsmq::endpoint::coap;
  namespace http = gsmq::endpoint::http;
  namespace mqtt = gsmq::endpoint::mqtt;

  if (auto cf = coap::parse_content_format(a)) (void)coap::body_is_json(*cf, b);
  (void)coap::body_is_json(std::nullopt, b);
  for (const std::string& part : coap::split_path(a))
    if (part.empty() || part.find('/') != std::string::npos) fail("split_path gave an empty or slashed part", a);
  if (auto below = coap::path_below(a, b)) (void)coap::ingest_channel("", *below, a);
  (void)coap::query_value(a, b);
  (void)coap::sink_path(a, b);
  (void)coap::code_text(static_cast<uint8_t>(size));
  (void)coap::classify(static_cast<uint8_t>(size));

  if (http::decode_header_value(http::encode_header_value(a)) != a) fail("a header value does not round-trip", a);
  if (auto key = http::meta_key_of_header(http::meta_header_name(a)); !a.empty() && (!key || *key != a))
    fail("a meta header name does not round-trip", a);
  (void)http::meta_key_of_header(b);
  (void)http::decode_header_value(b);
  (void)http::encode_path(b);

  const bool name = mqtt::valid_topic_name(a), filter = mqtt::valid_topic_filter(a);
  if (name && !filter) fail("a valid topic name is not a valid filter", a);
  return 0;
}
