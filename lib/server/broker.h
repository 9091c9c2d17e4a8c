// The heart of gsmqd: owns the data directory, the group committer, every queue and
// events-store channel, real-time event fan-out and request routing, and the
// housekeeping thread (delays, visibility timeouts, TTL, retention, rates).
#pragma once

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gsmq/v1/broker.pb.h"
#include "server/disk_space.h"
#include "server/durable_queue.h"
#include "server/event_store.h"
#include "server/forwarding.h"
#include "server/message_policy.h"
#include "server/request_router.h"
#include "server/subscriber_groups.h"
#include "store/committer.h"
#include "util/mailbox.h"

namespace gsmq::server {

struct BrokerOptions {
  std::filesystem::path data_dir;
  store::FsyncPolicy fsync = store::FsyncPolicy::batch;
  Duration commit_window{0};
  QueueOptions queue;
  // The queues whose names begin with kOutboxPrefix: federation links' outboxes, with the
  // links' backlog limit and overflow policy (outbox is set for them).
  QueueOptions outbox;
  StoreOptions store;
  size_t subscriber_buffer = 100000;  // real-time events waiting for a slow subscriber
  // Sends (queue, events-store, arrivals over links) are refused while the data
  // directory's file system has less free space than this (server/disk_space.h).
  uint64_t min_free_space = 16ull << 20;
};

// A real-time events subscriber's mailbox; full means events for it are dropped.
using EventSubscriber = Mailbox<v1::Message>;

class Broker {
 public:
  explicit Broker(BrokerOptions options);
  ~Broker();

  const BrokerOptions& options() const { return options_; }

  // Queues. `done` gets one result per message, in order. `compact` (SendRequest's
  // compact_results): a result's id is set only when gsmqd assigned it, and its channel
  // only when a rule moved the message; the sender knows the rest.
  void send(std::vector<v1::Message> messages, std::function<void(std::vector<v1::SendResult>)> done,
            bool compact = false);
  DurableQueue& queue(const std::string& channel);
  std::string settle(const v1::Settlement& settlement);
  // One error text per settlement (empty on success), in order.
  std::vector<std::string> settle(const google::protobuf::RepeatedPtrField<v1::Settlement>& settlements);

  // Events and events-store.
  void publish(v1::EventKind kind, std::vector<v1::Message> messages,
               std::function<void(std::vector<v1::SendResult>)> done, bool compact = false);
  std::shared_ptr<EventSubscriber> subscribe_events(const std::string& channel, const std::string& group);
  void unsubscribe_events(const std::string& channel, const std::string& group, const EventSubscriber* s);
  EventStore& store(const std::string& channel);

  RequestRouter& requests() { return requests_; }

  // Federation's part in accepting messages (server/forwarding.h); nullptr: none. Set
  // before serving; the Forwarding must outlive the Broker's use of it.
  void set_forwarding(Forwarding* forwarding) { forwarding_ = forwarding; }
  // The rules applied to every message accepted from a client or a link
  // (server/message_policy.h); nullptr: none. Set before serving; must outlive the Broker's use.
  void set_policy(MessagePolicy* policy) { policy_ = policy; }
  store::Committer& committer() { return committer_; }

  std::vector<v1::ChannelInfo> list_channels();
  void stop();

 private:
  void open_existing_channels();
  DurableQueue* existing_queue(const std::string& channel);  // nullptr when not open
  void housekeeping();
  void forward(std::vector<v1::Message> messages, std::function<void(bool)> committed);
  // The one path by which messages are stored (queue sends, events-store publishes,
  // arrivals over links): see broker.cpp. `moved`: messages the daemon moves itself
  // (dead-lettering, requeues), which the policy does not see again.
  void accept(std::vector<v1::Message> messages, bool to_store, std::function<void(std::vector<v1::SendResult>)> done,
              bool moved = false, bool compact = false);

  BrokerOptions options_;
  int lock_fd_ = -1;
  DiskSpace disk_space_;
  store::Committer committer_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<DurableQueue>> queues_;
  std::map<std::string, std::unique_ptr<EventStore>> stores_;
  SubscriberGroups<EventSubscriber> event_subscribers_;
  std::map<std::string, uint64_t> events_published_, events_dropped_;
  RequestRouter requests_;

  struct Rate {
    uint64_t last_in = 0, last_out = 0;
    double in = 0, out = 0;
  };
  std::map<std::string, Rate> rates_;

  Forwarding* forwarding_ = nullptr;
  MessagePolicy* policy_ = nullptr;
  std::atomic<bool> stopping_{false};
  std::thread housekeeper_;
};

// Channel names may hold any characters; on disk each becomes one safe directory name
// (letters, digits, '-', '_' and '.' as they are, except a leading '.'; every other byte
// as %XX; the empty name as "%").
std::string channel_dir_name(const std::string& channel);
// The inverse; nullopt for a directory name that channel_dir_name does not make.
std::optional<std::string> channel_from_dir_name(const std::string& dir);

// Why `channel` cannot name a stored channel (a queue or an events-store), or "" when it
// can: it needs a name, and its directory name must fit the file system (255 bytes).
std::string channel_name_error(const std::string& channel);

}  // namespace gsmq::server
