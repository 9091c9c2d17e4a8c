// libFuzzer target for the envelope codec (gsmq(7) THE ENVELOPE): any bytes as a line.
// A line parse_envelope accepts must format to one UTF-8 line that parses back to the
// same message and formats to the same text; a refused line must say why. Crashes,
// sanitizer reports and escaping exceptions are findings too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "envelope/codec.h"
#include "envelope/utf8.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  gsmq::Message message;
  std::string error;
  if (!gsmq::parse_envelope(line, message, error)) {
    if (error.empty()) fail("refused without a reason", line);
    return 0;
  }
  const std::string formatted = gsmq::format_envelope(message);
  if (formatted.find_first_of("\r\n") != std::string::npos) fail("formatted envelope is not one line", formatted);
  if (!gsmq::is_valid_utf8(formatted)) fail("formatted envelope is not UTF-8", formatted);

  gsmq::Message back;
  if (!gsmq::parse_envelope(formatted, back, error)) fail(("formatted envelope refused: " + error).c_str(), formatted);
  // The one documented loss: a JSON body with a line break goes out as a string (same bytes).
  gsmq::Message expected = message;
  if (expected.body_is_json && expected.body.find_first_of("\r\n") != std::string::npos) expected.body_is_json = false;
  if (!(back == expected)) fail("round trip changed the message", formatted);
  if (gsmq::format_envelope(back) != formatted) fail("formatting is not stable", formatted);
  return 0;
}
