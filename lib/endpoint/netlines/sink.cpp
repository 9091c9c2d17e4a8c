#include "endpoint/netlines/sink.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "endpoint/netlines/mapping.h"
#include "endpoint/netlines/socket.h"

namespace gsmq::endpoint::netlines {
namespace {

class NetSink : public Sink {
 public:
  NetSink(Settings settings, const EndpointOptions&) : s_(std::move(settings)) {
    if (s_.udp) stream_.fd = connect_socket(s_);
    else stream_ = connect_stream(s_);
    fd_ = stream_.fd;
  }
  ~NetSink() override { stream_.close(); }

  void send(Message message, Done done) override {
    if (failure_) return done(SendResult::unavailable(*failure_));
    std::string line = line_for(message, s_.envelope);
    line.push_back('\n');
    if (s_.udp) {
      if (::send(fd_, line.data(), line.size(), MSG_NOSIGNAL) < 0)
        return done(SendResult::failed(s_.url_text + ": " + std::strerror(errno)));
      return done(SendResult::ok());
    }
    held_ += line;
    dones_.push_back(std::move(done));
    if (!more_follows_ || dones_.size() >= 1024) write_held();
  }

  void more_follows(bool more) override { more_follows_ = more; }
  void release() override { write_held(); }
  bool flush(Clock::time_point) override {
    write_held();
    return true;
  }
  bool closed() override { return failure_.has_value(); }

 private:
  void write_held() {
    size_t done_bytes = 0;
    while (done_bytes < held_.size() && !failure_) {
      const ssize_t n = ::send(fd_, held_.data() + done_bytes, held_.size() - done_bytes, MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) failure_ = s_.url_text + ": the peer is gone (" + std::strerror(errno) + ")";
      else done_bytes += static_cast<size_t>(n);
    }
    held_.clear();
    std::vector<Done> dones;
    dones.swap(dones_);
    for (Done& d : dones) d(failure_ ? SendResult::unavailable(*failure_) : SendResult::ok());
  }

  Settings s_;
  Stream stream_;
  int fd_ = -1;
  std::string held_;
  std::vector<Done> dones_;
  bool more_follows_ = false;
  std::optional<std::string> failure_;
};

}  // namespace

std::unique_ptr<Sink> open_sink(Settings settings, const EndpointOptions& options) {
  return std::make_unique<NetSink>(std::move(settings), options);
}

}  // namespace gsmq::endpoint::netlines
