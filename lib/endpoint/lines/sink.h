// Messages written to a file descriptor as JSON lines (or --raw bodies, or --format
// text): the writing half of the JSON-lines core shared by the stdio ("-") and file:
// adapters.
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include "endpoint/endpoint.h"
#include "envelope/output_template.h"
#include "io/line_writer.h"
#include "io/pipe_read_confirmer.h"

namespace gsmq::endpoint::lines {

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

}  // namespace gsmq::endpoint::lines
