// STOMP 1.2 frames (stomp.github.io/stomp-specification-1.2.html) as bytes, both ways,
// with no I/O: a command line, header lines (escaped \\ \n \r \c, except in CONNECT and
// CONNECTED frames), a blank line, the body and a NUL. A body is read by its
// content-length header when there is one (binary, NULs included), else up to the first
// NUL. End-of-lines may be LF or CRLF; EOLs between frames are heart-beats.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gsmq::endpoint::stomp {

struct Frame {
  std::string command;
  std::vector<std::pair<std::string, std::string>> headers;  // in order; repeats kept
  std::string body;

  // The first value of header `name` (STOMP 1.2: the first of repeated headers wins).
  std::optional<std::string> header(std::string_view name) const;
  Frame& add(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  bool operator==(const Frame&) const = default;
};

// Header escaping (STOMP 1.2 "Value Encoding").
std::string escape_header(std::string_view text);
// nullopt for an undefined escape sequence (a "\t", a trailing "\"), which 1.2 makes fatal.
std::optional<std::string> unescape_header(std::string_view text);

// The frame as bytes, with a content-length header added for the body (unless the frame
// has one already, or has no body and is not SEND, MESSAGE or ERROR).
std::string encode(const Frame& frame);

struct FrameLimits {
  size_t max_headers = 1000;
  size_t max_header_bytes = 64 * 1024;    // command line and headers together
  size_t max_body_bytes = 64 * 1024 * 1024;
};

// Reads frames out of a byte stream: feed() what arrived, then next() until it says
// need_more. Heart-beat EOLs are counted, not returned. After an error the stream is
// not STOMP any more: the parser stays in error.
class FrameParser {
 public:
  explicit FrameParser(FrameLimits limits = {}) : limits_(limits) {}
  void feed(std::string_view bytes) { buffer_.append(bytes); }
  enum class Result { frame, need_more, error };
  Result next(Frame& out);
  const std::string& error() const { return error_; }
  uint64_t heartbeats() const { return heartbeats_; }
  size_t buffered() const { return buffer_.size() - pos_; }

 private:
  Result fail(std::string why);
  FrameLimits limits_;
  std::string buffer_;
  size_t pos_ = 0;  // start of the unread bytes
  std::string error_;
  uint64_t heartbeats_ = 0;
};

}  // namespace gsmq::endpoint::stomp
