// A power cut under a running Broker (store/simulated_power_cut.h: everything not fsynced
// is lost, the page cache and unsynced directory entries included). With --fsync always and
// batch, every message whose send was acknowledged, to a queue or an events-store channel
// created since the data directory itself, is there after the cut, and the Broker starts;
// an answered ack whose state record was not yet durable is not (gsmqd(8), STORAGE).
#include <gtest/gtest.h>

#include <condition_variable>
#include <filesystem>
#include <future>
#include <mutex>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "server/broker.h"
#include "store/simulated_power_cut.h"
#include "store/test_support.h"

namespace gsmq::server {
namespace {

using namespace std::chrono_literals;

// Declared after a test's sync observers: closes the broker (its I/O thread reports every
// sync to them) before they go, also when an assertion ends the test early.
struct BrokerClosedFirst {
  std::unique_ptr<Broker>& broker;
  ~BrokerClosedFirst() { broker.reset(); }
};

class BrokerPowerCutTest : public ::testing::TestWithParam<store::FsyncPolicy> {
 protected:
  void open() {
    BrokerOptions o;
    o.data_dir = dir_.path() / "data";
    o.fsync = GetParam();
    o.queue.segment_bytes = 4096;  // a few segment rolls too
    o.store.segment_bytes = 4096;
    broker_ = std::make_unique<Broker>(o);
  }

  // Sends a batch (to the queue, or to the events-store) and returns the ids acknowledged.
  std::vector<std::string> send(const std::string& channel, bool to_store, int batch) {
    std::vector<v1::Message> messages;
    for (int i = 0; i < 5; ++i) {
      v1::Message m;
      m.set_channel(channel);
      m.set_body(std::to_string(batch) + "." + std::to_string(i) + std::string(200, '.'));
      messages.push_back(std::move(m));
    }
    std::promise<std::vector<v1::SendResult>> done;
    auto results = done.get_future();
    auto callback = [&done](std::vector<v1::SendResult> r) { done.set_value(std::move(r)); };
    if (to_store) broker_->publish(v1::EVENTS_STORE, std::move(messages), callback);
    else broker_->send(std::move(messages), callback);
    std::vector<std::string> acked;
    for (const auto& r : results.get()) {
      EXPECT_EQ(r.error(), "");
      if (r.error().empty()) acked.push_back(r.id());
    }
    return acked;
  }

  std::set<std::string> queue_ids(const std::string& channel) {
    DurableQueue::ReceiveRequest r;
    r.max = 100000;
    r.deadline = Clock::now();
    r.peek = true;
    google::protobuf::RepeatedPtrField<v1::Message> got;
    broker_->queue(channel).receive(r, &got);
    std::set<std::string> ids;
    for (const auto& m : got) ids.insert(m.id());
    return ids;
  }

  std::set<std::string> store_ids(const std::string& channel) {
    auto& store = broker_->store(channel);
    v1::SubscribeRequest from_first;
    from_first.set_start(v1::START_FIRST);
    auto cursor = store.cursor("", store.start_seq(from_first));
    std::set<std::string> ids;
    for (const auto& m : store.read(*cursor, 100000, Clock::now())) ids.insert(m.id());
    return ids;
  }

  // How many of `acked` are not in `found`.
  static size_t missing(const std::set<std::string>& acked, const std::set<std::string>& found) {
    size_t n = 0;
    for (const auto& id : acked) n += found.contains(id) ? 0 : 1;
    return n;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<Broker> broker_;
};

TEST_P(BrokerPowerCutTest, EveryAcknowledgedMessageOfNewChannelsSurvives) {
  store::testing::SimulatedPowerCut power(dir_.path());  // before the data directory exists
  const BrokerClosedFirst closed_first{broker_};
  open();
  std::set<std::string> queued, stored;
  for (int batch = 0; batch < 30; ++batch) {
    for (const auto& id : send("jobs", false, batch)) queued.insert(id);
    for (const auto& id : send("history", true, batch)) stored.insert(id);
  }
  ASSERT_EQ(queued.size(), 150u);
  ASSERT_EQ(stored.size(), 150u);

  power.lose_power();
  broker_.reset();
  power.reboot();
  open();  // recovery starts
  EXPECT_EQ(missing(queued, queue_ids("jobs")), 0u) << "of " << queued.size() << " acknowledged queue messages";
  EXPECT_EQ(missing(stored, store_ids("history")), 0u) << "of " << stored.size() << " acknowledged stored messages";
}

// Holds the committer's I/O thread in the fdatasync of a queue's state log once armed, and
// passes every sync on to the observer it was installed over (the power cut).
class StateSyncGate : public store::FileEvents {
 public:
  StateSyncGate() : next_(store::set_file_events(this)) {}
  ~StateSyncGate() override { store::set_file_events(next_); }

  void syncing(const std::filesystem::path& path) override {
    next_->syncing(path);
    std::unique_lock lock(mu_);
    if (!armed_ || !in_state_log(path)) return;
    held_ = true;
    changed_.notify_all();
    changed_.wait(lock, [this] { return released_; });
  }
  void synced(const std::filesystem::path& path) override {
    next_->synced(path);
    std::lock_guard lock(mu_);
    if (in_state_log(path)) ++state_syncs_;
    changed_.notify_all();
  }

  uint64_t state_syncs() {
    std::lock_guard lock(mu_);
    return state_syncs_;
  }
  void wait_for_state_syncs(uint64_t n) {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [&] { return state_syncs_ >= n; });
  }
  void arm() {
    std::lock_guard lock(mu_);
    armed_ = true;
  }
  void wait_until_held() {
    std::unique_lock lock(mu_);
    changed_.wait(lock, [this] { return held_; });
  }
  void release() {
    std::lock_guard lock(mu_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  static bool in_state_log(const std::filesystem::path& path) {
    return path.filename() == "state" || path.parent_path().filename() == "state";
  }

  store::FileEvents* next_;
  std::mutex mu_;
  std::condition_variable changed_;
  bool armed_ = false, held_ = false, released_ = false;
  uint64_t state_syncs_ = 0;
};

// What gsmqd(8) says under STORAGE: a Settle is answered before its state record is
// durable, so a power cut in between brings the acked message back (at least once).
TEST_P(BrokerPowerCutTest, AnAckAnsweredBeforeItsStateRecordIsDurableComesBackAfterACut) {
  store::testing::SimulatedPowerCut power(dir_.path());
  StateSyncGate gate;
  const BrokerClosedFirst closed_first{broker_};
  open();
  ASSERT_EQ(send("jobs", false, 0).size(), 5u);
  DurableQueue::ReceiveRequest r;
  r.max = 1;
  r.deadline = Clock::now();
  // long enough that the cut, the reopen and the checks below all fit in the lease, on a
  // loaded machine under ASan too (100 ms did not)
  r.visibility = 3s;
  google::protobuf::RepeatedPtrField<v1::Message> got;
  const uint64_t before = gate.state_syncs();
  broker_->queue("jobs").receive(r, &got);
  ASSERT_EQ(got.size(), 1);
  gate.wait_for_state_syncs(before + 1);  // its delivery is durable

  gate.arm();
  v1::Settlement ack;
  ack.set_receipt(got[0].receipt());
  ack.set_action(v1::SETTLE_ACK);
  EXPECT_EQ(broker_->settle(ack), "");  // answered ...
  gate.wait_until_held();                // ... while its record waits for its fdatasync
  power.lose_power();
  gate.release();
  broker_.reset();
  power.reboot();
  open();

  // In flight again, as if it had not been acked, and delivered again once its lease ends.
  const auto channels = broker_->list_channels();
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0].in_flight(), 1u);
  EXPECT_EQ(channels[0].depth(), 4u);
  r.max = 10;
  broker_->queue("jobs").receive(r, &got);  // the other four, at once
  ASSERT_EQ(got.size(), 5);
  r.max = 1;
  r.deadline = Clock::now() + 30s;  // long-polls until the lease ends
  google::protobuf::RepeatedPtrField<v1::Message> again;
  broker_->queue("jobs").receive(r, &again);
  ASSERT_EQ(again.size(), 1);
  EXPECT_EQ(again[0].id(), got[0].id());
  EXPECT_EQ(again[0].receive_count(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Policies, BrokerPowerCutTest,
                         ::testing::Values(store::FsyncPolicy::always, store::FsyncPolicy::batch),
                         [](const auto& policy) { return std::string(store::to_string(policy.param)); });

}  // namespace
}  // namespace gsmq::server
