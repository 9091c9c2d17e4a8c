// ChunkedFifo: a sequence of trivially copyable values stored in 4 KiB chunks, growing at
// the back and shrinking at either end, so a long queue costs about sizeof(T) per value
// (std::deque's 512-byte nodes would hold only 12 of a 40-byte T and waste ~10%).
#pragma once

#include <array>
#include <cstddef>
#include <deque>
#include <memory>
#include <type_traits>

namespace gsmq::queue {

// kChunkBytes + malloc's 16-byte chunk header = one 4 KiB block.
template <class T, size_t kChunkBytes = 4080>
class ChunkedFifo {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  static constexpr size_t kPerChunk = kChunkBytes / sizeof(T);
  static_assert(kPerChunk > 0);

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

  T& operator[](size_t i) { return at(i); }
  const T& operator[](size_t i) const { return const_cast<ChunkedFifo*>(this)->at(i); }
  T& front() { return at(0); }
  const T& front() const { return (*this)[0]; }
  T& back() { return at(size_ - 1); }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(const T& value) {
    if (head_ + size_ == chunks_.size() * kPerChunk)
      chunks_.push_back(std::make_unique_for_overwrite<Chunk>());
    ++size_;
    back() = value;
  }
  void pop_front() {
    --size_;
    if (++head_ == kPerChunk) {
      chunks_.pop_front();
      head_ = 0;
    }
    if (size_ == 0) clear();
  }
  void pop_back() {
    --size_;
    if (size_ == 0) {
      clear();
    } else if ((head_ + size_) % kPerChunk == 0) {
      chunks_.pop_back();
    }
  }
  // Removes the values matching `pred`, keeping the others in order; returns how many went.
  template <class Pred>
  size_t remove_if(Pred pred) {
    size_t kept = 0;
    for (size_t i = 0; i < size_; ++i)
      if (!pred(at(i))) at(kept++) = at(i);
    const size_t removed = size_ - kept;
    while (size_ > kept) pop_back();
    return removed;
  }
  void clear() {
    chunks_.clear();
    head_ = 0;
    size_ = 0;
  }

 private:
  using Chunk = std::array<T, kPerChunk>;

  T& at(size_t i) {
    i += head_;
    return (*chunks_[i / kPerChunk])[i % kPerChunk];
  }

  std::deque<std::unique_ptr<Chunk>> chunks_;
  size_t head_ = 0;  // index of the front value inside chunks_.front()
  size_t size_ = 0;
};

}  // namespace gsmq::queue
