// Writes records to a file descriptor, one write(2) per record so that every record is
// flushed as soon as it is written (pipes!) and O_APPEND writers never interleave.
#pragma once

#include <string>
#include <string_view>

namespace gsmq {

class LineWriter {
 public:
  enum class Status { ok, closed, error };
  explicit LineWriter(int fd) : fd_(fd) {}
  // Writes `record` followed by '\n'. `closed` on EPIPE (the reader went away);
  // `error` with errno's text in last_error() otherwise (e.g. ENOSPC).
  Status write_line(std::string_view record);
  // Writes `text` as it is (whole lines, each ending in '\n'), with as few writes as it takes.
  Status write_all(std::string_view text);
  const std::string& last_error() const { return last_error_; }
  int fd() const { return fd_; }

 private:
  int fd_;
  std::string scratch_;
  std::string last_error_;
};

}  // namespace gsmq
