#include "endpoint/lines_endpoint.h"

#include <limits>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/blank_line.h"
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

LinesSink::LinesSink(int fd, bool owns_fd, bool sync_each, const EndpointOptions& options)
    : owns_fd_(owns_fd), sync_each_(sync_each), options_(options), writer_(fd) {
  if (PipeReadConfirmer::applies_to(fd)) read_confirmer_ = std::make_unique<PipeReadConfirmer>(fd);
  if (!options.format.empty()) {
    std::string error;
    template_ = OutputTemplate::parse(options.format, error);
    if (!template_) throw ToolError(kExitUsage, "--format: " + error);
  }
}

LinesSink::~LinesSink() {
  read_confirmer_.reset();  // before the descriptor it polls is closed
  if (owns_fd_) ::close(writer_.fd());
}

bool LinesSink::closed() {
  // A pipe whose reader has gone reports POLLERR on the write end, before any write.
  pollfd p{writer_.fd(), 0, 0};
  if (::poll(&p, 1, 0) == 1 && (p.revents & POLLERR)) closed_ = true;
  if (read_confirmer_ && read_confirmer_->reader_gone()) closed_ = true;
  return closed_;
}

void LinesSink::send(Message message, Done done) {
  if (closed_) return done(SendResult::closed());
  const size_t held_bytes_before = held_text_.size();
  held_text_ += template_       ? template_->render(message)
                : options_.raw ? message.body
                               : format_envelope(message);
  held_text_ += '\n';
  held_sizes_.push_back(held_text_.size() - held_bytes_before);
  held_.push_back(std::move(done));
  // Held only while more follows at once, so that no line waits in a buffer while the
  // input is idle; a message is confirmed only after its line was written.
  constexpr size_t kMaxHeldLines = 256, kMaxHeldBytes = 64 << 10;
  const bool hold = more_follows_ && held_.size() < kMaxHeldLines && held_text_.size() < kMaxHeldBytes;
  more_follows_ = false;
  if (!hold) write_held();
}

bool LinesSink::flush(Clock::time_point deadline) {
  write_held();
  return !read_confirmer_ || read_confirmer_->wait_all_read(deadline);
}

void LinesSink::write_held() {
  if (held_.empty()) return;
  std::vector<Done> dones;
  dones.swap(held_);
  std::vector<size_t> sizes;
  sizes.swap(held_sizes_);
  std::string text;
  text.swap(held_text_);
  if (read_confirmer_) return write_to_reader(text, dones, sizes);
  const auto status = writer_.write_all(text);
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

void LinesSink::write_to_reader(std::string_view text, std::vector<Done>& dones, const std::vector<size_t>& sizes) {
  size_t next = 0;  // the first line not written yet
  while (next < dones.size()) {
    const size_t room = read_confirmer_->wait_for_room(Clock::now() + std::chrono::milliseconds(100));
    if (read_confirmer_->reader_gone()) closed_ = true;
    if (room == 0 && !closed_ && !stop_requested()) continue;  // the reader is busy: wait on
    if (room == 0) break;  // gone, or stopping while the reader is stuck: not written
    size_t bytes = 0;
    const size_t end = std::min(dones.size(), next + room);
    for (size_t i = next; i < end; ++i) bytes += sizes[i];
    const auto status = writer_.write_all(text.substr(0, bytes));
    if (status != LineWriter::Status::ok) {
      if (status == LineWriter::Status::closed) closed_ = true;
      const SendResult result = closed_ ? SendResult::closed() : SendResult::failed(writer_.last_error());
      for (size_t i = next; i < end; ++i) dones[i](result);
      next = end;
      break;
    }
    text.remove_prefix(bytes);
    for (size_t i = next; i < end; ++i)
      read_confirmer_->written(sizes[i], [done = std::move(dones[i])](bool read) {
        done(read ? SendResult::ok() : SendResult::closed());
      });
    next = end;
  }
  for (size_t i = next; i < dones.size(); ++i) dones[i](SendResult::closed());  // never written
}

}  // namespace gsmq
