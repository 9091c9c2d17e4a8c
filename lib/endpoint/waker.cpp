#include "endpoint/waker.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace gsmq::endpoint {

Waker::Waker() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

Waker::~Waker() {
  if (fd_ >= 0) ::close(fd_);
}

void Waker::wake() {
  const uint64_t one = 1;
  [[maybe_unused]] auto n = ::write(fd_, &one, sizeof one);
}

void Waker::clear() {
  uint64_t v;
  [[maybe_unused]] auto n = ::read(fd_, &v, sizeof v);
}

}  // namespace gsmq::endpoint
