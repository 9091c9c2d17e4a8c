// When the output is a pipe, a line counts as delivered once the reader has taken it out
// of the pipe, not when it was written into it: lines still in the pipe when the reader
// goes away (`gsmq-recv ... | head -1`, a consumer that was killed) are reported as not
// delivered, so that their source can give them back instead of losing them.
// The reader's progress is the pipe's unread byte count (FIONREAD on the write end),
// polled by a thread of its own while lines are waiting to be read.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "util/duration.h"

namespace gsmq {

class PipeReadConfirmer {
 public:
  // read == true: the reader took every byte up to this line's end; false: it went away first.
  using Confirm = std::function<void(bool read)>;

  // True when `fd` is a pipe (or FIFO) whose unread byte count can be asked for.
  static bool applies_to(int fd);

  explicit PipeReadConfirmer(int fd);
  ~PipeReadConfirmer();  // confirmations still waiting are dropped, not called
  PipeReadConfirmer(const PipeReadConfirmer&) = delete;
  PipeReadConfirmer& operator=(const PipeReadConfirmer&) = delete;

  // How many more lines the reader may be given now, waiting until `deadline` for room;
  // 0 when there is none by then or the reader went away. The window starts at one line
  // and grows by one for every line read (slow start), so a reader that exits after its
  // first line (`head -1`) was given that line alone and nothing was taken in vain; a
  // reader that keeps up soon has a window larger than the pipe.
  size_t wait_for_room(Clock::time_point deadline);
  // A line of `bytes` was written (call after the write: the poller then never counts
  // bytes as read that were not written yet); `confirm` runs on the poller's thread once
  // it was read, or the reader went away first.
  void written(uint64_t bytes, Confirm confirm);
  // Waits until everything written was read, the reader went away, or `deadline`;
  // true when nothing is left unconfirmed.
  bool wait_all_read(Clock::time_point deadline);
  // The reader went away (seen by the poller or by a write): true from then on.
  bool reader_gone() const;

 private:
  void poll_loop();

  const int fd_;
  mutable std::mutex mutex_;
  std::condition_variable work_, progress_;
  std::deque<std::pair<uint64_t, Confirm>> unread_;  // (end offset, confirmation), in order
  uint64_t written_ = 0;
  size_t window_ = 1;  // lines that may be unread at once
  bool gone_ = false;
  bool stopping_ = false;
  std::thread poller_;
};

}  // namespace gsmq
