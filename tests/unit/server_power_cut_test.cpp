// A power cut under a running Broker (store/simulated_power_cut.h: everything not fsynced
// is lost, the page cache and unsynced directory entries included). With --fsync always and
// batch, every message whose send was acknowledged, to a queue or an events-store channel
// created since the data directory itself, is there after the cut, and the Broker starts.
#include <gtest/gtest.h>

#include <future>
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

class ServerPowerCut : public ::testing::TestWithParam<store::FsyncPolicy> {
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
    QueueChannel::ReceiveRequest r;
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

TEST_P(ServerPowerCut, EveryAcknowledgedMessageOfNewChannelsSurvives) {
  store::testing::SimulatedPowerCut power(dir_.path());  // before the data directory exists
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

INSTANTIATE_TEST_SUITE_P(Policies, ServerPowerCut,
                         ::testing::Values(store::FsyncPolicy::always, store::FsyncPolicy::batch),
                         [](const auto& policy) { return std::string(store::to_string(policy.param)); });

}  // namespace
}  // namespace gsmq::server
