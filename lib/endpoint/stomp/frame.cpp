#include "endpoint/stomp/frame.h"

#include <charconv>

namespace gsmq::endpoint::stomp {
namespace {

// CONNECT and CONNECTED headers are not escaped (1.2, for 1.0 compatibility).
bool escapes(std::string_view command) { return command != "CONNECT" && command != "CONNECTED"; }

bool carries_body(std::string_view command) { return command == "SEND" || command == "MESSAGE" || command == "ERROR"; }

}  // namespace

std::optional<std::string> Frame::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (k == name) return v;
  return std::nullopt;
}

std::string escape_header(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case ':': out += "\\c"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::optional<std::string> unescape_header(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (++i == text.size()) return std::nullopt;
    switch (text[i]) {
      case '\\': out.push_back('\\'); break;
      case 'n': out.push_back('\n'); break;
      case 'r': out.push_back('\r'); break;
      case 'c': out.push_back(':'); break;
      default: return std::nullopt;
    }
  }
  return out;
}

std::string encode(const Frame& f) {
  const bool esc = escapes(f.command);
  std::string out = f.command;
  out.push_back('\n');
  for (const auto& [k, v] : f.headers) {
    out += esc ? escape_header(k) : k;
    out.push_back(':');
    out += esc ? escape_header(v) : v;
    out.push_back('\n');
  }
  if ((!f.body.empty() || carries_body(f.command)) && !f.header("content-length"))
    out += "content-length:" + std::to_string(f.body.size()) + "\n";
  out.push_back('\n');
  out += f.body;
  out.push_back('\0');
  return out;
}

FrameParser::Result FrameParser::fail(std::string why) {
  error_ = std::move(why);
  return Result::error;
}

FrameParser::Result FrameParser::next(Frame& out) {
  if (!error_.empty()) return Result::error;
  // Heart-beats: EOLs before a frame.
  for (;;) {
    if (pos_ < buffer_.size() && buffer_[pos_] == '\n') {
      ++pos_;
      ++heartbeats_;
    } else if (pos_ + 1 < buffer_.size() && buffer_[pos_] == '\r' && buffer_[pos_ + 1] == '\n') {
      pos_ += 2;
      ++heartbeats_;
    } else if (pos_ + 1 == buffer_.size() && buffer_[pos_] == '\r') {
      return Result::need_more;
    } else {
      break;
    }
  }
  if (pos_ > 0 && pos_ >= buffer_.size() / 2) {  // keep the buffer from growing
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
  if (pos_ == buffer_.size()) return Result::need_more;
  // The head: up to the blank line.
  const std::string_view data(buffer_);
  size_t head_end = std::string_view::npos, body_start = 0;
  for (size_t i = pos_; i < data.size(); ++i) {
    if (data[i] != '\n') continue;
    // a line ending here; is the next line empty?
    if (i + 1 < data.size() && data[i + 1] == '\n') {
      head_end = i;
      body_start = i + 2;
      break;
    }
    if (i + 2 < data.size() && data[i + 1] == '\r' && data[i + 2] == '\n') {
      head_end = i;
      body_start = i + 3;
      break;
    }
    if (i + 1 - pos_ > limits_.max_header_bytes) break;
  }
  // The limit holds however the stream was cut: a head that came whole is measured as one
  // still arriving is, which may hold two bytes of the blank line that ends it.
  const auto too_long = [&] {
    return fail("frame headers longer than " + std::to_string(limits_.max_header_bytes) + " bytes");
  };
  if (head_end == std::string_view::npos) {
    if (data.size() - pos_ > limits_.max_header_bytes + 2) return too_long();
    return Result::need_more;
  }
  if (head_end - pos_ > limits_.max_header_bytes) return too_long();
  // Lines of the head.
  Frame f;
  std::string_view head = data.substr(pos_, head_end - pos_);
  bool first = true;
  size_t count = 0;
  while (true) {
    const size_t nl = head.find('\n');
    std::string_view line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      if (line.empty()) return fail("an empty command line");
      for (char c : line)
        if (c < 'A' || c > 'Z') return fail("\"" + std::string(line.substr(0, 40)) + "\" is not a STOMP command");
      f.command = std::string(line);
      first = false;
    } else {
      if (++count > limits_.max_headers) return fail("more than " + std::to_string(limits_.max_headers) + " headers");
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos)
        return fail("header line \"" + std::string(line.substr(0, 40)) + "\" has no ':'");
      const bool esc = escapes(f.command);
      auto name = esc ? unescape_header(line.substr(0, colon)) : std::string(line.substr(0, colon));
      auto value = esc ? unescape_header(line.substr(colon + 1)) : std::string(line.substr(colon + 1));
      if (!name || !value) return fail("header line \"" + std::string(line.substr(0, 40)) + "\" has a bad escape");
      f.headers.emplace_back(std::move(*name), std::move(*value));
    }
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  // The body: content-length bytes and a NUL, or up to the first NUL.
  size_t body_end = 0, frame_end = 0;
  if (auto length = f.header("content-length")) {
    size_t n = 0;
    auto [p, ec] = std::from_chars(length->data(), length->data() + length->size(), n);
    if (ec != std::errc{} || p != length->data() + length->size()) return fail("content-length \"" + *length + "\" is not a number");
    if (n > limits_.max_body_bytes)
      return fail("a body of " + std::to_string(n) + " bytes, over the limit of " + std::to_string(limits_.max_body_bytes));
    if (data.size() < body_start + n + 1) return Result::need_more;
    if (data[body_start + n] != '\0') return fail("no NUL after the content-length bytes of the body");
    body_end = body_start + n;
    frame_end = body_end + 1;
  } else {
    // The limit holds however the stream was cut: for a body whose NUL is here already
    // as for one still arriving.
    const size_t nul = data.find('\0', body_start);
    if ((nul == std::string_view::npos ? data.size() : nul) - body_start > limits_.max_body_bytes)
      return fail("a body over the limit of " + std::to_string(limits_.max_body_bytes) + " bytes");
    if (nul == std::string_view::npos) return Result::need_more;
    body_end = nul;
    frame_end = nul + 1;
  }
  f.body.assign(data.substr(body_start, body_end - body_start));
  pos_ = frame_end;
  out = std::move(f);
  return Result::frame;
}

}  // namespace gsmq::endpoint::stomp
