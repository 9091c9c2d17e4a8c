// libFuzzer target for endpoint URLs (lib/endpoint/url.h, gsmq(7) ENDPOINTS): any bytes as
// a URL. A refused URL must say why; an accepted one must be self-consistent: its text is
// the URL as given with ?token='s value hidden (and hiding it again changes nothing), its
// first server is its host and port, and every query value and the path were
// percent-decoded (decoding them again must not crash). percent_decode must never grow its
// input.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "endpoint/url.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (gsmq::percent_decode(text).size() > text.size()) fail("percent_decode grew its input", text);
  std::string error;
  const auto url = gsmq::parse_endpoint_url(text, error);
  if (!url) {
    if (error.empty()) fail("refused without a reason", text);
    return 0;
  }
  if (url->text != gsmq::redact_secrets(text)) fail("text is not the URL as given, token hidden", text);
  if (gsmq::redact_secrets(url->text) != url->text) fail("hiding the token twice changed the text", text);
  if (!url->servers.empty() && (url->servers.front().host != url->host || url->servers.front().port != url->port))
    fail("the first server is not host:port", text);
  for (const auto& [key, value] : url->query) {
    if (url->param(key, "\x01") != value) fail("param() differs from the query", text);
    (void)url->flag(key);
  }
  (void)url->listens();
  return 0;
}
