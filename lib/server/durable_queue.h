// One durable queue channel of gsmqd: messages in a segmented log on disk, the small
// in-memory index (queue::QueueIndex) that decides who gets what, and a state log that
// makes acks, deliveries and receive counts survive a restart.
#pragma once

#include <array>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gsmq/v1/broker.pb.h"
#include "queue/queue_index.h"
#include "store/committer.h"
#include "store/segmented_log.h"
#include "util/duration.h"

namespace gsmq::server {

struct QueueOptions {
  Duration default_visibility = std::chrono::seconds(30);
  uint64_t max_depth = 0;        // waiting + in flight, 0 = unlimited
  uint64_t segment_bytes = 64ull << 20;
  // At max_depth: drop the oldest waiting messages of the lowest priority to make room
  // (counted as dropped), instead of refusing the send.
  bool drop_oldest = false;
  // A federation link's outbox: it holds messages for another daemon, where their delivery
  // policies (delay, TTL, max receives, dead-letter channel, late) apply; here none does,
  // but it forwards the earliest deadline first within a priority, as a queue hands out.
  bool outbox = false;
};

// Where a queue hands messages it must move to another channel (dead-letter, requeue).
// `committed` runs once they are durable there.
using ForwardFn = std::function<void(std::vector<v1::Message> messages, std::function<void(bool ok)> committed)>;

struct QueueFigures {
  uint64_t ready = 0, delayed = 0, in_flight = 0, bytes_on_disk = 0, last_seq = 0;
  uint64_t enqueued = 0, delivered = 0, acked = 0, expired = 0, dead_lettered = 0, dropped = 0;
  uint64_t on_time = 0, late = 0;        // hand-outs before their deadline; messages past it
  uint64_t late_delivered = 0;           // of the late ones, those handed out marked (deliver_late)
  std::array<uint64_t, 6> slack{};       // on-time hand-outs by slack (queue/queue_index.h)
  std::optional<int64_t> slack_p1_us, slack_p50_us, slack_p99_us;  // queue/slack_histogram.h
  uint32_t receivers = 0;
};

class DurableQueue {
 public:
  DurableQueue(std::string name, std::filesystem::path dir, store::Committer& committer, QueueOptions options,
               ForwardFn forward);
  ~DurableQueue();

  const std::string& name() const { return name_; }

  using SendDone = std::function<void(const std::string& error, const std::vector<uint64_t>& seqs)>;
  // Appends messages (their channel is this one); `done` runs once they are durable, or
  // with an error (disk full, channel full). Never blocks on I/O.
  void send(std::vector<v1::Message> messages, SendDone done);
  // Whether a send of `n` more would be taken now: there is room, or drop_oldest makes it.
  bool has_room(size_t n);

  struct ReceiveRequest {
    size_t max = 1;
    Clock::time_point deadline;          // long-poll until then for the first message
    Duration visibility{0};              // 0 = default
    bool peek = false;
    uint64_t from_seq = 0;               // peek only: messages with a seq >= this
    bool auto_ack = false;
    std::function<bool()> cancelled;     // the client went away
  };
  // Appends what it takes (or peeks) to *out, a response's field (no copies on the way).
  void receive(const ReceiveRequest& request, google::protobuf::RepeatedPtrField<v1::Message>* out);
  // The same, each message handed out as its gsmq.v1.Message encoding, written into the
  // string add() gives: the stored bytes as they are, then the fields set on the way out
  // (server/hand_out_wire.h). No Message is parsed or built: what gRPC's Receive sends.
  void receive_encoded(const ReceiveRequest& request, const std::function<std::string*()>& add);

  // One delivery of a message: what a receipt names. A receipt of an earlier delivery
  // (its lease ran out and the message went to someone else) settles nothing.
  struct DeliveryRef {
    uint64_t seq;
    uint16_t delivery;  // the receive count it was handed out with; 0 = whichever is in flight
  };
  // Settles one in-flight delivery; returns an error text, empty on success.
  std::string settle(DeliveryRef ref, v1::SettleAction action, Duration visibility, const std::string& requeue_channel);
  // Acks many in-flight deliveries under one lock with one state record; returns one error
  // text per delivery (empty on success), as settle would.
  std::vector<std::string> ack(const std::vector<DeliveryRef>& refs);

  uint64_t purge();
  // Housekeeping: due delays, visibility timeouts, TTL, dead-lettering, segment deletion.
  void tick();
  QueueFigures figures();
  // When the ready message that arrived first arrived here (µs since the epoch), read from
  // its record's header (remembered until another message is the oldest); nullopt when
  // none is ready (or it cannot be read).
  std::optional<int64_t> oldest_ready_arrival_us();

 private:
  void recover();
  void append_state(uint8_t type, std::string payload, uint64_t max_seq);
  std::string not_in_flight(DeliveryRef ref) const;
  // Reads the message records of many entries at once (one read-ahead window), in order:
  // use(entry, payload) for each, which returns false when it cannot use it; a record that
  // cannot be read or used is logged and given to unreadable(entry).
  void read_records(const std::vector<queue::QueuedMessage>& entries,
                    const std::function<bool(const queue::QueuedMessage&, std::string_view)>& use,
                    const std::function<void(const queue::QueuedMessage&)>& unreadable);
  // Reads the bodies of many entries at once (one read-ahead window): fn(entry, message)
  // in order; message is nullptr for one that cannot be read (logged), else may be moved from.
  // receive's two halves around the reading: take (or peek) under the lock, waiting
  // until the deadline for a first message, and write the delivery state; then unpin and
  // drop what could not be read.
  std::vector<queue::QueuedMessage> take_for_receive(const ReceiveRequest& request, int64_t& now);
  void finish_receive(const ReceiveRequest& request, const std::vector<queue::QueuedMessage>& entries,
                      const std::vector<uint64_t>& unreadable);
  // How late (ms) a message handed out at `now` is, if it is past its deadline.
  std::optional<int64_t> late_mark(const queue::QueuedMessage& e, int64_t now) const;
  void read_messages(const std::vector<queue::QueuedMessage>& entries,
                     const std::function<void(const queue::QueuedMessage&, v1::Message*)>& fn);
  void record_removed(const std::vector<uint64_t>& seqs);
  // Moves entries (pinned by the caller) to their dead-letter channel or drops them; unpins them.
  void dead_letter(std::vector<queue::QueuedMessage> entries, const char* reason);
  void drop_expired(const std::vector<queue::QueuedMessage>& entries);
  bool read_message(const queue::QueuedMessage& entry, v1::Message& out);
  void drop_consumed_segments();  // caller holds mutex_
  // Messages removed from the index whose bodies are still to be read (dead-letter,
  // requeue, auto-ack) are pinned: the segments holding them are not dropped meanwhile.
  void pin(const std::vector<queue::QueuedMessage>& entries);           // caller holds mutex_
  void unpin_locked(const std::vector<queue::QueuedMessage>& entries);  // caller holds mutex_
  void unpin(const std::vector<queue::QueuedMessage>& entries);

  const std::string name_;
  const std::filesystem::path dir_;
  store::Committer& committer_;
  const QueueOptions options_;
  ForwardFn forward_;
  std::unique_ptr<store::SegmentedLog> data_;
  std::unique_ptr<store::SegmentedLog> state_;

  std::mutex mutex_;
  std::condition_variable arrived_;
  queue::QueueIndex index_;
  uint64_t next_seq_ = 1;
  uint64_t pending_ = 0;                          // sent, not yet committed
  std::deque<std::pair<uint32_t, uint64_t>> data_segment_first_seq_;  // segment id -> first seq
  std::map<uint32_t, uint64_t> state_segment_max_seq_;                // for state log cleanup
  std::multiset<uint64_t> pinned_;
  uint32_t receivers_ = 0;
  uint64_t dead_lettered_ = 0;
  uint64_t dropped_unwritten_ = 0;
  struct Arrival {
    uint64_t seq = 0;
    int64_t us = 0;
  } oldest_ready_;  // the last one oldest_ready_arrival_us() read  // drop_oldest: messages of a send dropped before they were written
};

}  // namespace gsmq::server
