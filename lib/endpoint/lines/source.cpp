#include "endpoint/lines/source.h"

#include <limits>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/blank_line.h"
#include "util/signals.h"

namespace gsmq::endpoint::lines {
namespace {
// Longest accepted line: a maximal body in its longest JSON form (a string of control
// characters, each escaped as \u00XX: 6 bytes per byte) plus room for the other fields.
size_t max_line_for(const CodecLimits& limits) {
  constexpr size_t kOtherFields = 1u << 20;
  if (limits.max_body_bytes > (std::numeric_limits<size_t>::max() - kOtherFields) / 6)
    return std::numeric_limits<size_t>::max();
  return limits.max_body_bytes * 6 + kOtherFields;
}

// A followed file that shrank was truncated (log rotation by copytruncate): start over.
void rewind_if_truncated(int fd) {
  struct stat st {};
  const off_t pos = ::lseek(fd, 0, SEEK_CUR);
  if (pos > 0 && ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size < pos) ::lseek(fd, 0, SEEK_SET);
}
}  // namespace

LinesSource::LinesSource(int fd, bool owns_fd, bool follow, const EndpointOptions& options)
    : fd_(fd), owns_fd_(owns_fd), follow_(follow), options_(options),
      reader_(fd, max_line_for(options.limits), /*final_eof=*/!follow) {
  if (!options_.diagnostics) options_.diagnostics = &fallback_diagnostics_;
}

LinesSource::~LinesSource() {
  if (owns_fd_) ::close(fd_);
}

Source::Status LinesSource::next(Delivery& out, Clock::time_point deadline) {
  for (;;) {
    switch (reader_.read_line(line_, deadline)) {
      case LineReader::Status::line: {
        out.tag = reader_.line_number();
        if (options_.raw) {
          if (line_.size() > options_.limits.max_body_bytes) {  // a bare line is the body
            options_.diagnostics->bad_input(reader_.line_number(),
                                            "body is " + std::to_string(line_.size()) +
                                                " bytes, more than the limit of " +
                                                std::to_string(options_.limits.max_body_bytes));
            continue;
          }
          out.message = message_from_raw_line(line_);
          return Status::message;
        }
        if (is_blank_line(line_)) continue;  // not a message, not bad input; still counted
        std::string error;
        if (parse_envelope(line_, out.message, error, options_.limits)) return Status::message;
        options_.diagnostics->bad_input(reader_.line_number(), error);
        continue;
      }
      case LineReader::Status::too_long:
        options_.diagnostics->bad_input(reader_.line_number(), "line longer than " +
                                                                   std::to_string(max_line_for(options_.limits)) +
                                                                   " bytes (see --max-body)");
        continue;
      case LineReader::Status::eof: {
        if (!follow_) return Status::end;
        // Wait a little for the file to grow, waking at once for a stop request.
        const auto now = Clock::now();
        if (now >= deadline) return Status::timeout;
        const auto wait = std::min<Clock::duration>(std::chrono::milliseconds(50), deadline - now);
        pollfd p{stop_fd(), POLLIN, 0};
        ::poll(&p, 1, static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(wait).count()) + 1);
        if (stop_requested()) return Status::stopped;
        rewind_if_truncated(fd_);
        continue;
      }
      case LineReader::Status::timeout:
        return Status::timeout;
      case LineReader::Status::stopped:
        return Status::stopped;
    }
  }
}

}  // namespace gsmq::endpoint::lines
