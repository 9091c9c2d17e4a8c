#include "io/line_writer.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <unistd.h>

namespace gsmq {

LineWriter::Status LineWriter::write_line(std::string_view record) {
  scratch_.assign(record);
  scratch_.push_back('\n');
  return write_all(scratch_);
}

LineWriter::Status LineWriter::write_all(std::string_view text) {
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n >= 0) {
      done += static_cast<size_t>(n);
      continue;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (errno == EPIPE) return Status::closed;
    last_error_ = std::strerror(errno);
    return Status::error;
  }
  return Status::ok;
}

}  // namespace gsmq
