// JSON-lines (or --raw lines) over a file descriptor: the shared core of the stdio
// ("-") and file: adapters.
#pragma once

#include <memory>

#include "endpoint/endpoint.h"
#include "envelope/output_template.h"
#include "io/line_reader.h"
#include "io/line_writer.h"
#include "io/pipe_read_confirmer.h"

namespace gsmq {

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

class LinesSink : public Sink {
 public:
  // `sync_each`: fdatasync after every record (file:PATH?fsync).
  LinesSink(int fd, bool owns_fd, bool sync_each, const EndpointOptions& options);
  ~LinesSink() override;
  void send(Message message, Done done) override;
  bool closed() override;
  bool flush(Clock::time_point deadline) override;
  void more_follows(bool more) override { more_follows_ = more; }
  void release() override { write_held(); }

 private:
  void write_held();  // one write for the held lines, then their confirmations
  // Into a pipe: as many lines at a time as the reader's window allows; each line is
  // confirmed once read, or reported closed if the reader went away first.
  void write_to_reader(std::string_view text, std::vector<Done>& dones, const std::vector<size_t>& sizes);

  bool owns_fd_;
  bool sync_each_;
  EndpointOptions options_;
  LineWriter writer_;
  std::optional<OutputTemplate> template_;  // --format
  bool closed_ = false;
  bool more_follows_ = false;  // the hint for the next send()
  std::string held_text_;      // lines written together once nothing more follows at once
  std::vector<Done> held_;
  std::vector<size_t> held_sizes_;  // each held line's bytes, newline included
  // Output into a pipe: a line is confirmed once the reader took it out of the pipe.
  std::unique_ptr<PipeReadConfirmer> read_confirmer_;
};

}  // namespace gsmq
