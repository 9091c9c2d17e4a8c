// A descriptor that an adapter's I/O thread polls beside its socket, made readable by
// other threads to wake it (new work queued, closing): an eventfd.
#pragma once

namespace gsmq::endpoint {

class Waker {
 public:
  Waker();
  ~Waker();
  Waker(const Waker&) = delete;
  Waker& operator=(const Waker&) = delete;
  int fd() const { return fd_; }
  void wake();   // from any thread
  void clear();  // by the polling thread, before it looks for work

 private:
  int fd_ = -1;
};

}  // namespace gsmq::endpoint
