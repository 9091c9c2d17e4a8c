#include "io/pipe_read_confirmer.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include <vector>

namespace gsmq {
namespace {

constexpr size_t kMaxWindow = 1u << 16;  // lines; the pipe's own buffer bounds it sooner

// Bytes written into the pipe that its reader has not taken yet; -1 when unknown.
long unread_in_pipe(int fd) {
  int n = 0;
  return ::ioctl(fd, FIONREAD, &n) == 0 ? n : -1;
}

// A pipe whose every reader has gone reports POLLERR on the write end.
bool pipe_reader_gone(int fd) {
  pollfd p{fd, 0, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLNVAL));
}

}  // namespace

bool PipeReadConfirmer::applies_to(int fd) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode) && unread_in_pipe(fd) >= 0;
}

PipeReadConfirmer::PipeReadConfirmer(int fd) : fd_(fd) { poller_ = std::thread([this] { poll_loop(); }); }

PipeReadConfirmer::~PipeReadConfirmer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_.notify_all();
  poller_.join();
}

void PipeReadConfirmer::written(uint64_t bytes, Confirm confirm) {
  bool gone;
  {
    std::lock_guard lock(mutex_);
    written_ += bytes;
    gone = gone_;
    if (!gone) unread_.emplace_back(written_, std::move(confirm));
  }
  if (gone) return confirm(false);
  work_.notify_one();
}

size_t PipeReadConfirmer::wait_for_room(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  progress_.wait_until(lock, deadline, [&] { return gone_ || unread_.size() < window_; });
  return gone_ || unread_.size() >= window_ ? 0 : window_ - unread_.size();
}

bool PipeReadConfirmer::wait_all_read(Clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  progress_.wait_until(lock, deadline, [&] { return unread_.empty(); });
  return unread_.empty();
}

bool PipeReadConfirmer::reader_gone() const {
  std::lock_guard lock(mutex_);
  return gone_;
}

void PipeReadConfirmer::poll_loop() {
  // Polls often while lines are waiting (a fast reader gets its confirmations within a
  // fraction of a millisecond), less often while a slow reader makes no progress.
  constexpr Duration kFastest = std::chrono::microseconds(100), kSlowest = std::chrono::milliseconds(5);
  Duration interval = kFastest;
  std::vector<std::pair<Confirm, bool>> done;  // (confirmation, read)
  std::unique_lock lock(mutex_);
  for (;;) {
    work_.wait(lock, [&] { return stopping_ || !unread_.empty(); });
    if (stopping_) return;
    const uint64_t written = written_;
    lock.unlock();
    // Gone first: what the reader took before it went is still counted as read below.
    const bool gone = pipe_reader_gone(fd_);
    const long unread = unread_in_pipe(fd_);
    lock.lock();
    bool progress = false;
    // `written` was read before the pipe's count: a write that completed in between makes
    // `consumed` an underestimate, never an overestimate.
    if (unread >= 0 && static_cast<uint64_t>(unread) <= written) {
      const uint64_t consumed = written - static_cast<uint64_t>(unread);
      while (!unread_.empty() && unread_.front().first <= consumed) {
        done.emplace_back(std::move(unread_.front().second), true);
        unread_.pop_front();
        progress = true;
        if (window_ < kMaxWindow) ++window_;
      }
    }
    if (gone || unread < 0) {
      gone_ = true;
      for (auto& [end, confirm] : unread_) done.emplace_back(std::move(confirm), false);
      unread_.clear();
    }
    lock.unlock();
    for (auto& [confirm, read] : done) confirm(read);
    done.clear();
    progress_.notify_all();
    interval = progress ? Duration(kFastest) : std::min<Duration>(interval * 2, kSlowest);
    lock.lock();
    if (!unread_.empty() && !stopping_) work_.wait_for(lock, interval, [&] { return stopping_; });
  }
}

}  // namespace gsmq
