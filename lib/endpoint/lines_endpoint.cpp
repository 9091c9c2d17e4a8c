#include "endpoint/lines_endpoint.h"

#include <limits>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/signals.h"

namespace gsmq {
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

LinesSink::LinesSink(int fd, bool owns_fd, bool sync_each, const EndpointOptions& options)
    : owns_fd_(owns_fd), sync_each_(sync_each), options_(options), writer_(fd) {
  if (!options.format.empty()) {
    std::string error;
    template_ = OutputTemplate::parse(options.format, error);
    if (!template_) throw ToolError(kExitUsage, "--format: " + error);
  }
}

LinesSink::~LinesSink() {
  if (owns_fd_) ::close(writer_.fd());
}

bool LinesSink::closed() {
  // A pipe whose reader has gone reports POLLERR on the write end, before any write.
  pollfd p{writer_.fd(), 0, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLERR)) closed_ = true;
  return closed_;
}

void LinesSink::send(Message message, Done done) {
  if (closed_) return done(SendResult::closed());
  held_text_ += template_       ? template_->render(message)
                : options_.raw ? message.body
                               : format_envelope(message);
  held_text_ += '\n';
  held_.push_back(std::move(done));
  // Held only while more follows at once, so that no line waits in a buffer while the
  // input is idle; a message is confirmed only after its line was written.
  constexpr size_t kMaxHeldLines = 256, kMaxHeldBytes = 64 << 10;
  const bool hold = more_follows_ && held_.size() < kMaxHeldLines && held_text_.size() < kMaxHeldBytes;
  more_follows_ = false;
  if (!hold) write_held();
}

bool LinesSink::flush(Clock::time_point) {
  write_held();
  return true;
}

void LinesSink::write_held() {
  if (held_.empty()) return;
  std::vector<Done> dones;
  dones.swap(held_);
  const auto status = writer_.write_all(held_text_);
  held_text_.clear();
  SendResult result = SendResult::ok();
  if (status == LineWriter::Status::closed) {
    closed_ = true;
    result = SendResult::closed();
  } else if (status == LineWriter::Status::error) {
    result = SendResult::failed(writer_.last_error());
  } else if (sync_each_ && ::fdatasync(writer_.fd()) != 0) {
    result = SendResult::failed("fdatasync failed");
  }
  for (auto& d : dones) d(result);
}

}  // namespace gsmq
