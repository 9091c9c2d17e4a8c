// libFuzzer target for the STOMP 1.2 frame codec (lib/endpoint/stomp/frame.h): any bytes as
// a stream from a broker, fed in pieces whose sizes come from the input. The parser must
// not crash, must give the same frames however the stream is cut, must stop for good after
// an error, and every frame it gives must encode to bytes that parse back to it.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "endpoint/stomp/frame.h"
#include "fuzz_check.h"

using gsmq::fuzz::fail;

namespace {

using gsmq::endpoint::stomp::encode;
using gsmq::endpoint::stomp::Frame;
using gsmq::endpoint::stomp::FrameLimits;
using gsmq::endpoint::stomp::FrameParser;

struct Parsed {
  std::vector<Frame> frames;
  bool error = false;
};

// Feeds `stream` in pieces of the given sizes (then the rest) and takes every frame.
Parsed parse(const std::string& stream, const std::vector<size_t>& pieces, const FrameLimits& limits) {
  FrameParser parser(limits);
  Parsed out;
  size_t at = 0;
  auto drain = [&] {
    for (;;) {
      Frame f;
      const auto r = parser.next(f);
      if (r == FrameParser::Result::frame) out.frames.push_back(std::move(f));
      else if (r == FrameParser::Result::error) {
        if (parser.error().empty()) fail("an error without a reason");
        out.error = true;
        return;
      } else return;
    }
  };
  for (size_t piece : pieces) {
    if (out.error || at >= stream.size()) break;
    const size_t n = std::min(piece, stream.size() - at);
    parser.feed(std::string_view(stream).substr(at, n));
    at += n;
    drain();
  }
  if (!out.error && at < stream.size()) {
    parser.feed(std::string_view(stream).substr(at));
    drain();
  }
  if (out.error) {  // stays in error
    Frame f;
    parser.feed("SEND\n\n\0");
    if (parser.next(f) != FrameParser::Result::error) fail("the parser left its error state");
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  FrameLimits limits;
  limits.max_headers = in.ConsumeIntegralInRange<size_t>(1, 64);
  limits.max_header_bytes = in.ConsumeIntegralInRange<size_t>(16, 4096);
  limits.max_body_bytes = in.ConsumeIntegralInRange<size_t>(0, 4096);
  std::vector<size_t> pieces(in.ConsumeIntegralInRange<size_t>(0, 16));
  for (auto& p : pieces) p = in.ConsumeIntegralInRange<size_t>(1, 64);
  const std::string stream = in.ConsumeRemainingBytesAsString();

  const Parsed whole = parse(stream, {stream.size() + 1}, limits);
  const Parsed cut = parse(stream, pieces, limits);
  if (whole.error != cut.error || whole.frames != cut.frames) fail("the frames depend on how the stream was cut");
  for (const Frame& f : whole.frames) {
    const Parsed back = parse(encode(f), {}, FrameLimits{});
    if (back.error || back.frames.size() != 1) fail("an encoded frame does not parse back as one frame");
    Frame expected = f;
    if (!expected.header("content-length") && back.frames[0].header("content-length"))
      expected.add("content-length", std::to_string(f.body.size()));
    if (back.frames[0] != expected) fail("an encoded frame parses back different");
  }
  return 0;
}
