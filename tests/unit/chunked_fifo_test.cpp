// ChunkedFifo (queue/chunked_fifo.h): a FIFO in fixed-size chunks, against std::deque.
#include <gtest/gtest.h>

#include <cstdint>
#include <deque>
#include <random>

#include "queue/chunked_fifo.h"

namespace gsmq::queue {
namespace {

TEST(ChunkedFifoTest, BehavesLikeADequeAcrossChunkBoundaries) {
  ChunkedFifo<uint64_t, 64> fifo;  // 8 values per chunk
  std::deque<uint64_t> model;
  std::mt19937 rng(7);
  uint64_t next = 0;
  for (int step = 0; step < 20000; ++step) {
    const unsigned op = rng() % 10;
    if (op < 5 || model.empty()) {
      fifo.push_back(next);
      model.push_back(next++);
    } else if (op < 8) {
      fifo.pop_front();
      model.pop_front();
    } else if (op < 9) {
      fifo.pop_back();
      model.pop_back();
    } else {
      const uint64_t mod = rng() % 3 + 2;
      EXPECT_EQ(fifo.remove_if([mod](uint64_t v) { return v % mod == 0; }),
                std::erase_if(model, [mod](uint64_t v) { return v % mod == 0; }));
    }
    ASSERT_EQ(fifo.size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(fifo.front(), model.front());
      ASSERT_EQ(fifo.back(), model.back());
      const size_t i = rng() % model.size();
      ASSERT_EQ(fifo[i], model[i]);
    }
  }
}

}  // namespace
}  // namespace gsmq::queue
