// Reads '\n'-terminated lines from a file descriptor, waking up for a stop request or a
// deadline, with a maximum line length so one endless line cannot exhaust memory.
#pragma once

#include <cstdint>
#include <string>

#include "util/duration.h"

namespace gsmq {

class LineReader {
 public:
  enum class Status { line, too_long, eof, timeout, stopped };

  // `final_eof`: at end of data a last line without '\n' is returned as a line (a pipe or
  // a file read once); otherwise it is kept until the rest arrives (a followed file).
  LineReader(int fd, size_t max_line, bool final_eof = true);

  // Next line without its '\n' (a trailing '\r' is kept: bytes are bytes). `too_long`
  // means the line passed max_line bytes; it has been skipped up to its end.
  Status read_line(std::string& line, Clock::time_point deadline);

  // Number of the line last returned (1-based), for LINE N messages.
  uint64_t line_number() const { return line_number_; }

 private:
  bool fill(Clock::time_point deadline, Status& status);

  int fd_;
  size_t max_line_;
  bool final_eof_;
  std::string buffer_;
  size_t start_ = 0;
  bool eof_ = false;
  bool skipping_ = false;
  uint64_t line_number_ = 0;
};

}  // namespace gsmq
