// What a polling source (tcp://, udp://, a Redis pub/sub channel) has received and not
// handed out yet, in arrival order: next() takes the first, stamped and tagged.
#pragma once

#include <cstdint>
#include <deque>

#include "endpoint/endpoint.h"

namespace gsmq::endpoint {

class ReadyMessages {
 public:
  void push(Message message) { items_.push_back(std::move(message)); }
  bool empty() const { return items_.empty(); }

  // Moves the first message into `out`, stamped (id, ts) and with the next tag; false
  // when there is none.
  bool take(Delivery& out) {
    if (items_.empty()) return false;
    out.message = std::move(items_.front());
    items_.pop_front();
    stamp(out.message);
    out.tag = ++taken_;
    return true;
  }

 private:
  std::deque<Message> items_;
  uint64_t taken_ = 0;
};

}  // namespace gsmq::endpoint
