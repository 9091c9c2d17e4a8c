// libFuzzer target for the netlines framing (lib/endpoint/netlines/mapping.h): any bytes as
// one line from a TCP peer, bare or as an envelope. A line gives a message, nothing (blank),
// or an error with a reason; a message's line_for() must give it back.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "endpoint/netlines/mapping.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gsmq::endpoint::netlines;
  if (size == 0) return 0;
  const bool envelope = data[0] & 1;
  const std::string_view line(reinterpret_cast<const char*>(data) + 1, size - 1);
  gsmq::CodecLimits limits;
  limits.max_body_bytes = 4096;
  std::string error;
  const auto message = message_from_line(line, envelope, "lines", "netlines.peer", "127.0.0.1:9", limits, error);
  if (!message) {
    if (!envelope && !error.empty()) fail("a bare line refused", line);
    return 0;
  }
  if (!error.empty()) fail("a message and an error", line);
  const std::string out = line_for(*message, envelope);
  std::string again_error;
  const auto again = message_from_line(out, envelope, "lines", "netlines.peer", "127.0.0.1:9", limits, again_error);
  // A bare line loses a body's last CR (taken for a CRLF line end).
  if (!envelope && !message->body.empty() && message->body.back() == '\r') return 0;
  // A body of only blanks (spaces, tabs, CRs) goes out as a blank line, which is no message.
  if (!again && again_error.empty() && out.find_first_not_of(" \t\r") == std::string::npos) return 0;
  if (!again || again->body != message->body || again->channel != message->channel)
    fail("line_for() does not read back", out);
  return 0;
}
