#include "endpoint/lines/sink.h"

#include <poll.h>
#include <unistd.h>

#include "util/signals.h"

namespace gsmq::endpoint::lines {

LinesSink::LinesSink(int fd, bool owns_fd, bool sync_each, const EndpointOptions& options)
    : owns_fd_(owns_fd), sync_each_(sync_each), options_(options), writer_(fd) {
  if (PipeReadConfirmer::applies_to(fd)) read_confirmer_ = std::make_unique<PipeReadConfirmer>(fd);
  if (!options.format.empty()) {
    std::string error;
    template_ = OutputTemplate::parse(options.format, error);
    if (!template_) throw Error(ErrorKind::usage, "--format: " + error);
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

}  // namespace gsmq::endpoint::lines
