// One federation link that this daemon dials (docs/federation.md, "Links"): to its
// upstream, or to a peer whose name sorts after its own. A link is two at-least-once
// pumps and a monitor, each on a thread of its own:
//  - push: this daemon's outbox for the neighbour (a durable queue, "$out/NAME") into the
//    neighbour's gsmqd; an outbox message is acked only once the neighbour stored it;
//  - pull: the neighbour's outbox for this daemon ("$out/SELF" over there) into this
//    daemon; acked over there only once stored here;
//  - monitor: a Ping every second, for the link's state, round trip and the neighbour's name.
// Either pump that ends (the neighbour went away for longer than its retry window) is
// started again after a jittered back-off; the outboxes wait meanwhile.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "gsmq/v1/broker.pb.h"
#include "server/broker.h"

namespace gsmq::federation {

struct LinkSpec {
  std::string name;       // the neighbour's name ("" for an upstream named by its Ping)
  std::string url;        // gsmq://HOST:PORT
  std::string direction;  // "up" or "peer"
  std::string outbox;     // this daemon's outbox for it
};

class Link {
 public:
  Link(server::Broker& broker, std::string self, LinkSpec spec);
  ~Link();  // stop()
  void start();
  void stop();
  v1::LinkInfo info() const;
  // The neighbour's name as known now (configured, or learned from its Ping).
  std::string neighbour() const;
  const LinkSpec& spec() const { return spec_; }

 private:
  void run_push();
  void run_pull();
  void run_monitor();
  void failed(const std::string& what);
  // Runs one pump until it ends; returns why it ended ("" when stopping).
  template <typename Run>
  void keep_running(const char* what, Run run);

  server::Broker& broker_;
  const std::string self_;
  const LinkSpec spec_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;
  std::string neighbour_;
  std::string state_ = "down";
  std::string last_error_;
  int64_t rtt_us_ = 0;
  std::atomic<uint64_t> forwarded_{0}, received_{0}, looped_{0};
  std::thread push_, pull_, monitor_;
};

}  // namespace gsmq::federation
