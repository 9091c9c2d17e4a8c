// Messages given on the command line (gsmq-send -m TEXT ...), as a Source.
#pragma once

#include <string>
#include <vector>

#include "endpoint/endpoint.h"

namespace gsmq {

class ListSource : public Source {
 public:
  explicit ListSource(std::vector<Message> messages) : messages_(std::move(messages)) {}
  Status next(Delivery& out, Clock::time_point) override {
    if (next_ >= messages_.size()) return Status::end;
    out.message = messages_[next_];
    out.tag = ++next_;
    return Status::message;
  }

 private:
  std::vector<Message> messages_;
  size_t next_ = 0;
};

}  // namespace gsmq
