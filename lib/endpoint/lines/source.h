// JSON lines (or --raw lines) read from a file descriptor as a Source: the reading half
// of the JSON-lines core shared by the stdio ("-") and file: adapters.
#pragma once

#include "endpoint/endpoint.h"
#include "io/line_reader.h"

namespace gsmq::endpoint::lines {

class LinesSource : public Source {
 public:
  // `follow`: at the end of the data wait for more (tail -f) instead of ending.
  LinesSource(int fd, bool owns_fd, bool follow, const EndpointOptions& options);
  ~LinesSource() override;
  Status next(Delivery& out, Clock::time_point deadline) override;

 private:
  int fd_;
  bool owns_fd_;
  bool follow_;
  EndpointOptions options_;
  Diagnostics fallback_diagnostics_;
  LineReader reader_;
  std::string line_;
};

}  // namespace gsmq::endpoint::lines
