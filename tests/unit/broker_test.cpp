// A Broker opened on a scratch directory, used the way BrokerService uses it: queue
// messages are sent, received and settled, the Broker is destroyed and opened again on
// the same directory, and what a consumer would see afterwards is checked (acked messages
// stay gone, in-flight ones wait for their visibility, receive counts survive); and the
// events-store's start positions.
#include <gtest/gtest.h>

#include <algorithm>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <google/protobuf/util/message_differencer.h>

#include "envelope/message.h"
#include "server/broker.h"
#include "store/test_support.h"

namespace gsmq::server {
namespace {

using namespace std::chrono_literals;

v1::Message msg(const std::string& channel, const std::string& body, uint32_t priority = 0) {
  v1::Message m;
  m.set_channel(channel);
  m.set_body(body);
  m.set_priority(priority);
  return m;
}

class BrokerTest : public ::testing::Test {
 protected:
  void open() {
    BrokerOptions o;
    o.data_dir = dir_.path() / "data";
    o.fsync = store::FsyncPolicy::never;
    broker_ = std::make_unique<Broker>(o);
  }
  void restart() {
    broker_.reset();
    open();
  }

  std::vector<v1::SendResult> send(std::vector<v1::Message> messages, v1::EventKind kind = v1::EVENTS,
                                   bool queue = true) {
    std::promise<std::vector<v1::SendResult>> done;
    auto results = done.get_future();
    auto callback = [&done](std::vector<v1::SendResult> r) { done.set_value(std::move(r)); };
    if (queue) broker_->send(std::move(messages), callback);
    else broker_->publish(kind, std::move(messages), callback);
    return results.get();
  }

  // Takes up to `max` messages, long-polling up to `wait` for the first, as gRPC's
  // Receive does (each message handed out as its encoding; parsed here as a client would).
  std::vector<v1::Message> receive(const std::string& channel, size_t max, Duration visibility,
                                   Duration wait = 0us, bool peek = false) {
    DurableQueue::ReceiveRequest r;
    r.max = max;
    r.deadline = Clock::now() + wait;
    r.visibility = visibility;
    r.peek = peek;
    std::vector<std::string> encoded;
    broker_->queue(channel).receive_encoded(r, [&] { return &encoded.emplace_back(); });
    std::vector<v1::Message> got(encoded.size());
    for (size_t i = 0; i < encoded.size(); ++i) EXPECT_TRUE(got[i].ParseFromString(encoded[i]));
    return got;
  }

  std::string settle(const v1::Message& m, v1::SettleAction action) {
    v1::Settlement s;
    s.set_receipt(m.receipt());
    s.set_action(action);
    return broker_->settle(s);
  }

  static std::vector<std::string> bodies(const std::vector<v1::Message>& ms) {
    std::vector<std::string> out;
    for (const auto& m : ms) out.push_back(m.body());
    return out;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<Broker> broker_;
};

TEST_F(BrokerTest, SendReceiveAck) {
  open();
  const auto results = send({msg("jobs", "a"), msg("jobs", "b"), msg("other", "c")});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].seq(), 1u);
  EXPECT_EQ(results[1].seq(), 2u);
  EXPECT_EQ(results[2].seq(), 1u);  // per-channel sequence
  for (const auto& r : results) {
    EXPECT_EQ(r.error(), "");
    EXPECT_FALSE(r.id().empty());
  }

  auto got = receive("jobs", 10, 30s);
  ASSERT_EQ(bodies(got), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(got[0].id(), results[0].id());
  EXPECT_EQ(got[0].receive_count(), 1u);
  EXPECT_FALSE(got[0].receipt().empty());
  EXPECT_EQ(settle(got[0], v1::SETTLE_ACK), "");
  EXPECT_EQ(settle(got[1], v1::SETTLE_ACK), "");
  EXPECT_NE(settle(got[1], v1::SETTLE_ACK), "");  // twice: no longer in flight
  EXPECT_TRUE(receive("jobs", 10, 30s).empty());
  EXPECT_EQ(bodies(receive("other", 10, 30s)), std::vector<std::string>{"c"});
}

TEST_F(BrokerTest, ABatchOfSettlementsAcksPerChannelAndAnswersEachInOrder) {
  open();
  send({msg("a", "a1"), msg("a", "a2"), msg("a", "a3"), msg("b", "b1")});
  const auto a = receive("a", 10, 30s);
  const auto b = receive("b", 10, 30s);
  ASSERT_EQ(a.size(), 3u);
  ASSERT_EQ(b.size(), 1u);
  google::protobuf::RepeatedPtrField<v1::Settlement> batch;
  auto add = [&](const std::string& receipt, v1::SettleAction action) {
    auto* s = batch.Add();
    s->set_receipt(receipt);
    s->set_action(action);
  };
  add(a[0].receipt(), v1::SETTLE_ACK);
  add(b[0].receipt(), v1::SETTLE_ACK);
  add("nonsense", v1::SETTLE_ACK);
  add(a[1].receipt(), v1::SETTLE_REQUEUE);
  add(a[2].receipt(), v1::SETTLE_ACK);
  add(a[0].receipt(), v1::SETTLE_ACK);  // the same one twice in one batch
  add("1:1@nowhere", v1::SETTLE_ACK);
  add(b[0].receipt(), v1::SETTLE_REQUEUE);  // acked earlier in this batch: in order, too late
  const auto errors = broker_->settle(batch);
  ASSERT_EQ(errors.size(), 8u);
  EXPECT_EQ(errors[0], "");
  EXPECT_EQ(errors[1], "");
  EXPECT_NE(errors[2].find("malformed receipt"), std::string::npos);
  EXPECT_EQ(errors[3], "");
  EXPECT_EQ(errors[4], "");
  EXPECT_NE(errors[5].find("not in flight"), std::string::npos);
  EXPECT_NE(errors[6].find("unknown channel nowhere"), std::string::npos);
  EXPECT_NE(errors[7].find("not in flight"), std::string::npos);
  // The acks are on disk: after a restart only the requeued message is left.
  restart();
  EXPECT_EQ(bodies(receive("a", 10, 30s)), std::vector<std::string>{"a2"});
  EXPECT_TRUE(receive("b", 10, 30s).empty());
}

TEST_F(BrokerTest, MessagesWithoutAChannelOrWithAnUnstorableOneAreRefused) {
  open();
  const auto results = send({msg("", "x"), msg(std::string(300, 'c'), "y"), msg("fine", "z")});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_NE(results[0].error(), "");
  EXPECT_NE(results[1].error().find("too long"), std::string::npos);
  EXPECT_EQ(results[2].error(), "");
}

TEST_F(BrokerTest, AMessageTooLargeToStoreIsRefusedAloneNotItsBatch) {
  open();
  const auto results = send({msg("q", "small"), msg("q", std::string(65u << 20, 'x')), msg("q", "also small")});
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].error(), "");
  EXPECT_NE(results[1].error().find("too large"), std::string::npos);
  EXPECT_EQ(results[2].error(), "");
  EXPECT_EQ(bodies(receive("q", 10, 30s)), (std::vector<std::string>{"small", "also small"}));
  EXPECT_NE(send({msg("q", std::string(65u << 20, 'x'))}, v1::EVENTS_STORE, false)[0].error(), "");
}

TEST_F(BrokerTest, StateSurvivesARestart) {
  open();
  send({msg("q", "acked"), msg("q", "in-flight"), msg("q", "short-lease"), msg("q", "waiting"),
        msg("q", "urgent", 9)});
  auto first = receive("q", 1, 30s);  // priority first
  ASSERT_EQ(bodies(first), std::vector<std::string>{"urgent"});
  EXPECT_EQ(settle(first[0], v1::SETTLE_ACK), "");
  auto a = receive("q", 1, 30s);
  ASSERT_EQ(bodies(a), std::vector<std::string>{"acked"});
  EXPECT_EQ(settle(a[0], v1::SETTLE_ACK), "");
  ASSERT_EQ(bodies(receive("q", 1, 1h)), std::vector<std::string>{"in-flight"});
  ASSERT_EQ(bodies(receive("q", 1, 200ms)), std::vector<std::string>{"short-lease"});

  restart();

  // Acked messages stay gone; the one with an hour of visibility stays in flight; the
  // waiting one is there at once.
  auto now = receive("q", 10, 30s);
  ASSERT_EQ(bodies(now), std::vector<std::string>{"waiting"});
  EXPECT_EQ(now[0].receive_count(), 1u);
  EXPECT_EQ(now[0].seq(), 4u);
  // The short lease ends and the message comes back with its receive count kept.
  auto back = receive("q", 10, 30s, 10s);
  ASSERT_EQ(bodies(back), std::vector<std::string>{"short-lease"});
  EXPECT_EQ(back[0].receive_count(), 2u);
  EXPECT_EQ(settle(back[0], v1::SETTLE_ACK), "");
  EXPECT_EQ(settle(now[0], v1::SETTLE_ACK), "");

  const auto channels = broker_->list_channels();
  ASSERT_EQ(channels.size(), 1u);
  EXPECT_EQ(channels[0].name(), "q");
  EXPECT_EQ(channels[0].in_flight(), 1u);
  EXPECT_EQ(channels[0].depth(), 0u);
  EXPECT_EQ(channels[0].last_seq(), 5u);

  // New messages continue the sequence.
  EXPECT_EQ(send({msg("q", "later")})[0].seq(), 6u);
}

TEST_F(BrokerTest, RequeueAndExtendSurviveARestart) {
  open();
  send({msg("q", "requeued"), msg("q", "extended")});
  auto got = receive("q", 2, 30s);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(settle(got[0], v1::SETTLE_REQUEUE), "");
  v1::Settlement extend;
  extend.set_receipt(got[1].receipt());
  extend.set_action(v1::SETTLE_EXTEND);
  extend.set_visibility_ms(3600 * 1000);
  EXPECT_EQ(broker_->settle(extend), "");

  restart();
  auto again = receive("q", 10, 30s, 10s);
  ASSERT_EQ(bodies(again), std::vector<std::string>{"requeued"});
  EXPECT_EQ(again[0].receive_count(), 2u);
  EXPECT_TRUE(receive("q", 10, 30s).empty());  // "extended" is still in flight
}

TEST_F(BrokerTest, AStaleReceiptIsRefusedAndLeavesTheNewDeliveryAlone) {
  open();
  send({msg("q", "contested")});
  auto first = receive("q", 1, 100ms);
  ASSERT_EQ(first.size(), 1u);
  auto second = receive("q", 1, 30s, 5s);  // the first lease ran out: handed out again
  ASSERT_EQ(bodies(second), std::vector<std::string>{"contested"});
  EXPECT_EQ(second[0].receive_count(), 2u);
  for (auto action : {v1::SETTLE_ACK, v1::SETTLE_REJECT, v1::SETTLE_EXTEND, v1::SETTLE_REQUEUE, v1::SETTLE_UNRECEIVE}) {
    const std::string error = settle(first[0], action);
    EXPECT_NE(error.find("not in flight under this receipt"), std::string::npos) << action << ": " << error;
  }
  EXPECT_EQ(broker_->list_channels()[0].in_flight(), 1u);  // still the second receiver's
  EXPECT_EQ(settle(second[0], v1::SETTLE_ACK), "");
  EXPECT_EQ(broker_->list_channels()[0].in_flight(), 0u);
  EXPECT_EQ(broker_->list_channels()[0].depth(), 0u);
}

TEST_F(BrokerTest, MalformedReceiptsAreRefused) {
  open();
  for (const char* bad : {"", "1@q", "x:1@q", "1:x@q", "1:0@q", "1:70000@q", "99999999999999999999999:1@q", "1:1"}) {
    v1::Settlement s;
    s.set_receipt(bad);
    EXPECT_NE(broker_->settle(s), "") << bad;
  }
}

TEST_F(BrokerTest, UnreceivedMessagesComeBackAtOnceUncountedAlsoAfterARestart) {
  open();
  v1::Message m = msg("q", "prefetched");
  m.set_max_receives(1);
  m.set_dead_letter("dlq");
  send({m});
  // A receiver that takes the message and stops before handing it on, twice: with
  // max_receives 1 it would be dead-lettered if those receives counted.
  for (int i = 0; i < 2; ++i) {
    auto got = receive("q", 1, 1h);
    ASSERT_EQ(bodies(got), std::vector<std::string>{"prefetched"});
    EXPECT_EQ(got[0].receive_count(), 1u);
    EXPECT_EQ(settle(got[0], v1::SETTLE_UNRECEIVE), "");
  }
  restart();
  auto got = receive("q", 1, 1h);  // at once: not in flight any more
  ASSERT_EQ(bodies(got), std::vector<std::string>{"prefetched"});
  EXPECT_EQ(got[0].receive_count(), 1u);
  EXPECT_EQ(settle(got[0], v1::SETTLE_ACK), "");
  EXPECT_TRUE(receive("dlq", 10, 30s).empty());
}

// A Forwarding that copies every message on channel "up/..." to the outbox "$out/x", and
// treats messages whose meta has "via" as arrivals over a link: "seen" ones as duplicates,
// "busy" ones as in flight.
class StubForwarding : public Forwarding {
 public:
  Arrival arrival(v1::Message& m, bool& to_store, std::string& key) override {
    to_store = false;
    const auto via = m.meta().find("via");
    if (via == m.meta().end()) return Arrival::local;
    if (via->second == "seen") return Arrival::duplicate;
    if (via->second == "busy") return Arrival::in_flight;
    key = m.channel() + "|" + m.id();
    return Arrival::fresh;
  }
  void arrived(std::vector<std::string> keys, bool ok, std::function<void()> done) override {
    for (auto& key : keys) (ok ? kept : lost).push_back(key);
    done();
  }
  void copies(const v1::Message& m, bool, std::vector<v1::Message>& out) override {
    if (m.channel().rfind("up/", 0) != 0) return;
    v1::Message c = m;
    c.set_channel("$out/x");
    out.push_back(c);
  }
  std::vector<std::string> kept, lost;
};

TEST_F(BrokerTest, AForwardedMessageIsStoredWithItsOutboxCopyAndArrivalsAreKeptOnce) {
  BrokerOptions o;
  o.data_dir = dir_.path() / "data";
  o.fsync = store::FsyncPolicy::never;
  o.outbox.max_depth = 2;
  broker_ = std::make_unique<Broker>(o);
  StubForwarding forwarding;
  broker_->set_forwarding(&forwarding);
  auto results = send({msg("up/a", "1"), msg("local", "2")});
  EXPECT_EQ(results[0].error(), "");
  EXPECT_EQ(bodies(receive("$out/x", 10, 30s)), std::vector<std::string>{"1"});
  EXPECT_EQ(bodies(receive("up/a", 10, 30s)), std::vector<std::string>{"1"});

  v1::Message seen = msg("in", "dup"), busy = msg("in", "busy"), fresh = msg("in", "new");
  (*seen.mutable_meta())["via"] = "seen";
  (*busy.mutable_meta())["via"] = "busy";
  (*fresh.mutable_meta())["via"] = "link";
  fresh.set_id("fresh-1");
  results = send({seen, busy, fresh});
  EXPECT_EQ(results[0].error(), "");
  EXPECT_TRUE(results[0].duplicate());
  EXPECT_NE(results[1].error().find("still being stored"), std::string::npos);
  EXPECT_EQ(results[2].error(), "");
  EXPECT_EQ(bodies(receive("in", 10, 30s)), std::vector<std::string>{"new"});  // the duplicate was not stored
  EXPECT_EQ(forwarding.kept, std::vector<std::string>{"in|fresh-1"});

  // The outbox holds two (it has one, in flight): a batch that would overflow it is
  // refused whole, nothing of it stored.
  results = send({msg("up/b", "3"), msg("up/b", "4")});
  EXPECT_EQ(results[0].error(), "");
  EXPECT_NE(results[1].error().find("the link's backlog $out/x is full"), std::string::npos);
  EXPECT_EQ(bodies(receive("up/b", 10, 30s)), std::vector<std::string>{"3"});
  broker_->set_forwarding(nullptr);
}

// A policy that copies what it sees to "up/copy" and drops what is on "up/drop".
class CopyingPolicy : public MessagePolicy {
 public:
  std::string apply(v1::Message& m, std::vector<v1::Message>& copies) override {
    v1::Message c = m;
    c.set_channel("up/copy");
    copies.push_back(std::move(c));
    return m.channel() == "up/drop" ? "drop-rule" : "";
  }
};

TEST_F(BrokerTest, ARulesCopyIsForwardedLikeTheMessageAndADroppedMessageIsNot) {
  BrokerOptions o;
  o.data_dir = dir_.path() / "data";
  o.fsync = store::FsyncPolicy::never;
  broker_ = std::make_unique<Broker>(o);
  StubForwarding forwarding;
  CopyingPolicy policy;
  broker_->set_forwarding(&forwarding);
  broker_->set_policy(&policy);
  auto kept = msg("up/a", "kept"), dropped = msg("up/drop", "dropped");
  kept.set_id("m-1");
  auto results = send({kept, dropped});
  EXPECT_EQ(results[0].error(), "");
  EXPECT_EQ(results[1].dropped_by(), "drop-rule");
  // the message and its copy (same id, another channel) both go over the link; of the
  // dropped one only its copy
  auto out = receive("$out/x", 10, 30s);
  ASSERT_EQ(bodies(out), (std::vector<std::string>{"kept", "kept", "dropped"}));
  EXPECT_EQ(out[0].id(), "m-1");
  EXPECT_EQ(out[1].id(), "m-1");
  EXPECT_TRUE(receive("up/drop", 10, 30s).empty());
  EXPECT_EQ(bodies(receive("up/copy", 10, 30s)), (std::vector<std::string>{"kept", "dropped"}));

  // arrivals over a link are recognised by channel and id: a copy is not a duplicate
  v1::Message arrival = msg("up/b", "arrived");
  arrival.set_id("m-2");
  (*arrival.mutable_meta())["via"] = "link";
  results = send({arrival});
  EXPECT_EQ(results[0].error(), "");
  EXPECT_EQ(forwarding.kept, std::vector<std::string>{"up/b|m-2"});
  broker_->set_policy(nullptr);
  broker_->set_forwarding(nullptr);
}

TEST_F(BrokerTest, PeekTakesNothing) {
  open();
  send({msg("q", "a"), msg("q", "b")});
  EXPECT_EQ(bodies(receive("q", 10, 30s, 0us, true)), (std::vector<std::string>{"a", "b"}));
  auto got = receive("q", 10, 30s);
  EXPECT_EQ(bodies(got), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(got[0].receive_count(), 1u);
}

TEST_F(BrokerTest, EventsStoreStartPositions) {
  open();
  auto start = [&](v1::StartAt at, uint64_t seq = 0, int64_t time_us = 0, int64_t delta_ms = 0) {
    v1::SubscribeRequest r;
    r.set_channel("log");
    r.set_kind(v1::EVENTS_STORE);
    r.set_start(at);
    r.set_start_seq(seq);
    r.set_start_time_us(time_us);
    r.set_delta_ms(delta_ms);
    return broker_->store("log").start_seq(r);
  };
  auto read_from = [&](uint64_t seq) {
    auto cursor = broker_->store("log").cursor("", seq);
    return bodies(broker_->store("log").read(*cursor, 100, Clock::now()));
  };

  EXPECT_EQ(start(v1::START_FIRST), start(v1::START_NEW));  // empty
  EXPECT_TRUE(read_from(start(v1::START_LAST)).empty());

  const auto a = send({msg("log", "s1"), msg("log", "s2"), msg("log", "s3")}, v1::EVENTS_STORE, false);
  ASSERT_EQ(a[2].seq(), 3u);
  const int64_t between = now_micros();
  while (now_micros() == between) {
  }
  send({msg("log", "s4"), msg("log", "s5")}, v1::EVENTS_STORE, false);

  using V = std::vector<std::string>;
  EXPECT_EQ(read_from(start(v1::START_FIRST)), (V{"s1", "s2", "s3", "s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_LAST)), (V{"s5"}));
  EXPECT_EQ(read_from(start(v1::START_NEW)), V{});
  EXPECT_EQ(read_from(start(v1::START_SEQUENCE, 3)), (V{"s3", "s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_SEQUENCE, 0)), (V{"s1", "s2", "s3", "s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_SEQUENCE, 99)), V{});
  EXPECT_EQ(read_from(start(v1::START_TIME, 0, between)), (V{"s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_TIME, 0, 0)), (V{"s1", "s2", "s3", "s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_TIME_DELTA, 0, 0, 3600 * 1000)), (V{"s1", "s2", "s3", "s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_TIME_DELTA, 0, 0, 0)), V{});

  // A group shares one cursor: what one member read, the next does not get again.
  auto& log = broker_->store("log");
  auto c1 = log.cursor("g", start(v1::START_FIRST));
  auto c2 = log.cursor("g", start(v1::START_FIRST));
  EXPECT_EQ(bodies(log.read(*c1, 2, Clock::now())), (V{"s1", "s2"}));
  EXPECT_EQ(bodies(log.read(*c2, 10, Clock::now())), (V{"s3", "s4", "s5"}));

  // After a restart: the same messages, and the sequence goes on.
  restart();
  EXPECT_EQ(read_from(start(v1::START_FIRST)), (V{"s1", "s2", "s3", "s4", "s5"}));
  EXPECT_EQ(read_from(start(v1::START_TIME, 0, between)), (V{"s4", "s5"}));
  EXPECT_EQ(send({msg("log", "s6")}, v1::EVENTS_STORE, false)[0].seq(), 6u);
  EXPECT_EQ(read_from(start(v1::START_LAST)), (V{"s6"}));
}

TEST_F(BrokerTest, DeadLetteringAfterMaxReceivesMovesTheMessage) {
  open();
  v1::Message m = msg("work", "poison");
  m.set_max_receives(1);
  m.set_dead_letter("dlq");
  send({m});
  ASSERT_EQ(bodies(receive("work", 1, 100ms)), std::vector<std::string>{"poison"});
  // The lease ends; the receives are used up: it goes to dlq (long-poll there).
  auto dead = receive("dlq", 1, 100ms, 10s);
  ASSERT_EQ(bodies(dead), std::vector<std::string>{"poison"});
  EXPECT_EQ(dead[0].meta().at("gsmq.dead_letter.from"), "work");
  EXPECT_EQ(dead[0].meta().at("gsmq.dead_letter.reason"), "max_receives");
  EXPECT_TRUE(receive("work", 1, 30s).empty());
  restart();
  EXPECT_TRUE(receive("work", 1, 30s).empty());
  // Its lease in dlq ends after the restart too: it comes back there, received twice.
  auto again = receive("dlq", 1, 30s, 10s);
  ASSERT_EQ(bodies(again), std::vector<std::string>{"poison"});
  EXPECT_EQ(again[0].receive_count(), 2u);
}

TEST_F(BrokerTest, ASecondBrokerOnTheSameDirectoryIsRefused) {
  open();
  BrokerOptions o;
  o.data_dir = dir_.path() / "data";
  EXPECT_THROW(Broker{o}, std::runtime_error);
}

// The two forms of receive hand out the same messages: the encoded one (gRPC's Receive)
// and the parsed one (federation links), for taken, peeked and late messages.
TEST_F(BrokerTest, EncodedAndParsedReceiveHandOutTheSame) {
  open();
  std::vector<v1::Message> batch(3);
  for (size_t i = 0; i < batch.size(); ++i) {
    batch[i].set_channel("q");
    batch[i].set_body("m" + std::to_string(i));
    (*batch[i].mutable_meta())["k"] = "v";
  }
  batch[1].set_deadline_ms(1);  // late by the time it is handed out, and delivered marked
  batch[1].set_deliver_late(true);
  batch[2].set_receipt("what a sender put here");
  ASSERT_EQ(send(batch).size(), 3u);
  std::this_thread::sleep_for(5ms);
  auto parsed = [&](bool peek) {
    DurableQueue::ReceiveRequest r;
    r.max = 10;
    r.deadline = Clock::now();
    r.visibility = 1ms;
    r.peek = peek;
    google::protobuf::RepeatedPtrField<v1::Message> got;
    broker_->queue("q").receive(r, &got);
    return std::vector<v1::Message>(got.begin(), got.end());
  };
  const auto peeked_parsed = parsed(true);
  const auto peeked_encoded = receive("q", 10, 1ms, 0us, true);
  ASSERT_EQ(peeked_parsed.size(), 3u);
  ASSERT_EQ(peeked_encoded.size(), 3u);
  // How late a message is depends on when it is looked at: present in both, its value aside.
  auto without_late_value = [](v1::Message m) {
    if (m.meta().contains("gsmq.late_ms")) (*m.mutable_meta())["gsmq.late_ms"] = "";
    return m;
  };
  for (size_t i = 0; i < 3; ++i)
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(without_late_value(peeked_parsed[i]),
                                                                   without_late_value(peeked_encoded[i])))
        << peeked_parsed[i].DebugString() << "\nencoded:\n" << peeked_encoded[i].DebugString();
  auto by_body = [](std::vector<v1::Message> got) {
    std::sort(got.begin(), got.end(), [](const auto& a, const auto& b) { return a.body() < b.body(); });
    return got;
  };
  EXPECT_EQ(by_body(peeked_encoded)[2].receipt(), "what a sender put here");  // peek sets none
  const auto taken = by_body(receive("q", 10, 1ms));
  ASSERT_EQ(taken.size(), 3u);
  EXPECT_EQ(taken[0].receipt(), std::to_string(taken[0].seq()) + ":1@q");
  EXPECT_EQ(taken[0].receive_count(), 1u);
  EXPECT_TRUE(taken[1].meta().contains("gsmq.late_ms"));
  EXPECT_FALSE(taken[0].meta().contains("gsmq.late_ms"));
  std::this_thread::sleep_for(20ms);  // their 1 ms lease runs out: handed out again
  broker_->queue("q").tick();
  const auto again = by_body(parsed(false));
  ASSERT_EQ(again.size(), 3u);
  const auto encoded_again = [&] {
    std::this_thread::sleep_for(20ms);
    broker_->queue("q").tick();
    return by_body(receive("q", 10, 1ms));
  }();
  ASSERT_EQ(encoded_again.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(encoded_again[i].receive_count(), again[i].receive_count() + 1);
    EXPECT_EQ(encoded_again[i].body(), again[i].body());
    EXPECT_EQ(encoded_again[i].meta().size(), again[i].meta().size());
  }
}

// SendRequest.compact_results: a result names the id only when gsmqd assigned it, and the
// channel only when a rule moved the message; the seq is always there.
TEST_F(BrokerTest, CompactResultsLeaveOutWhatTheSenderKnows) {
  open();
  std::vector<v1::Message> batch = {msg("jobs", "a"), msg("jobs", "b")};
  batch[0].set_id("mine");
  std::promise<std::vector<v1::SendResult>> done;
  broker_->send(std::move(batch), [&done](std::vector<v1::SendResult> r) { done.set_value(std::move(r)); }, true);
  const auto results = done.get_future().get();
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].id(), "");       // the sender's own
  EXPECT_NE(results[1].id(), "");       // assigned here: the sender cannot know it
  EXPECT_EQ(results[0].channel(), "");  // not moved
  EXPECT_EQ(results[1].channel(), "");
  EXPECT_EQ(results[0].seq(), 1u);
  EXPECT_EQ(results[1].seq(), 2u);
  EXPECT_EQ(bodies(receive("jobs", 10, 30s)), (std::vector<std::string>{"a", "b"}));
  // without the flag, as before: both named
  const auto full = send({msg("jobs", "c")});
  ASSERT_EQ(full.size(), 1u);
  EXPECT_NE(full[0].id(), "");
  EXPECT_EQ(full[0].channel(), "jobs");
}

}  // namespace
}  // namespace gsmq::server
