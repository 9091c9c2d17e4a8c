#include "io/line_reader.h"

#include <cerrno>
#include <poll.h>
#include <system_error>
#include <unistd.h>

#include "util/signals.h"

namespace gsmq {

LineReader::LineReader(int fd, size_t max_line, bool final_eof)
    : fd_(fd), max_line_(max_line), final_eof_(final_eof) {}

bool LineReader::fill(Clock::time_point deadline, Status& status) {
  if (start_ > 0 && start_ * 2 >= buffer_.size()) {
    buffer_.erase(0, start_);
    start_ = 0;
  }
  for (;;) {
    if (stop_requested()) {
      status = Status::stopped;
      return false;
    }
    int timeout_ms = -1;
    if (deadline != Clock::time_point::max()) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) {
        status = Status::timeout;
        return false;
      }
      timeout_ms = static_cast<int>(std::min<int64_t>(left + 1, 1 << 30));
    }
    pollfd fds[2] = {{fd_, POLLIN, 0}, {stop_fd(), POLLIN, 0}};
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (n == 0) continue;  // deadline re-checked at the top
    if (fds[1].revents != 0) {
      status = Status::stopped;
      return false;
    }
    const size_t old = buffer_.size();
    buffer_.resize(old + 65536);
    const ssize_t got = ::read(fd_, buffer_.data() + old, 65536);
    if (got < 0) {
      buffer_.resize(old);
      if (errno == EINTR || errno == EAGAIN) continue;
      throw std::system_error(errno, std::generic_category(), "read");
    }
    buffer_.resize(old + static_cast<size_t>(got));
    if (got == 0) eof_ = true;
    return true;
  }
}

LineReader::Status LineReader::read_line(std::string& line, Clock::time_point deadline) {
  for (;;) {
    const auto nl = buffer_.find('\n', start_);
    if (nl != std::string::npos) {
      const size_t len = nl - start_;
      const bool was_skipping = skipping_;
      skipping_ = false;
      if (!was_skipping) line.assign(buffer_, start_, len);
      start_ = nl + 1;
      if (was_skipping) continue;  // the tail of a too-long line, already reported
      ++line_number_;
      if (len > max_line_) return Status::too_long;
      return Status::line;
    }
    const size_t pending = buffer_.size() - start_;
    if (pending > max_line_ && !skipping_) {
      // Report now and drop what we have; keep dropping until the line ends.
      ++line_number_;
      skipping_ = true;
      buffer_.clear();
      start_ = 0;
      return Status::too_long;
    }
    if (skipping_) {
      buffer_.clear();
      start_ = 0;
    }
    if (eof_) {
      if (final_eof_ && pending > 0 && !skipping_) {
        line.assign(buffer_, start_, pending);
        start_ = buffer_.size();
        ++line_number_;
        return Status::line;
      }
      eof_ = false;  // a followed file may grow: the caller decides whether to retry
      return Status::eof;
    }
    Status status;
    if (!fill(deadline, status)) return status;
  }
}

}  // namespace gsmq
