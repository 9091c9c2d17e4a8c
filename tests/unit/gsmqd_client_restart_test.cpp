// gsmq://'s sources across gsmqd restarts on the same port: a following queue receiver
// (waiting in a long poll when the daemon goes) and an events-store subscriber must
// reconnect however the daemon stopped, and go on delivering. Every other restart is
// abrupt (Shutdown with a deadline of now, before the handlers were told: gRPC cancels
// the calls in flight, as after a missed shutdown deadline on a loaded machine); the
// others stop as gsmqd does (handlers told first, then Shutdown).
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <future>
#include <memory>
#include <thread>

#include "endpoint/gsmqd_client/connection.h"
#include "endpoint/gsmqd_client/sources.h"
#include "gsmq/v1/broker.grpc.pb.h"
#include "server/broker.h"
#include "server/broker_service.h"
#include "store/test_support.h"

namespace gsmq::endpoint::gsmqd_client {
namespace {

using namespace std::chrono_literals;

class GsmqdClientRestartTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::BrokerOptions o;
    o.data_dir = dir_.path() / "data";
    broker_ = std::make_unique<server::Broker>(o);
    start(0);
  }

  void TearDown() override {
    stop(false);
    broker_->stop();
  }

  void start(int port) {
    service_ = std::make_unique<server::BrokerService>(*broker_);
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    ASSERT_NE(port_, 0);
  }

  // abrupt: the calls in flight are cancelled by gRPC, as after a missed shutdown deadline.
  void stop(bool abrupt) {
    if (!server_) return;
    if (abrupt) {
      server_->Shutdown(std::chrono::system_clock::now());
      service_->shutdown();
    } else {
      service_->shutdown();
      server_->Shutdown(std::chrono::system_clock::now() + 5s);
    }
    server_->Wait();
    server_.reset();
    service_.reset();
  }

  void restart(bool abrupt) {
    const int port = port_;
    stop(abrupt);
    start(port);
  }

  Settings settings(const std::string& channel) const {
    Settings s;
    s.target = "127.0.0.1:" + std::to_string(port_);
    s.channel = channel;
    s.options.follow = true;
    return s;
  }

  std::unique_ptr<v1::Broker::Stub> stub() const {
    return v1::Broker::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port_), grpc::InsecureChannelCredentials()));
  }

  static void prepare(grpc::ClientContext& context) {
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    context.set_wait_for_ready(true);
  }

  template <typename Response>
  static void expect_stored(const grpc::Status& status, const Response& response) {
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results_size(), 1);
    ASSERT_EQ(response.results(0).error(), "");
  }

  void send(const std::string& channel, const std::string& body) {
    v1::SendRequest request;
    auto* m = request.add_messages();
    m->set_channel(channel);
    m->set_body(body);
    v1::SendResponse response;
    grpc::ClientContext context;
    prepare(context);
    expect_stored(stub()->Send(&context, request, &response), response);
  }

  void publish_stored(const std::string& channel, const std::string& body) {
    v1::PublishRequest request;
    request.set_kind(v1::EVENTS_STORE);
    auto* m = request.add_messages();
    m->set_channel(channel);
    m->set_body(body);
    v1::PublishResponse response;
    grpc::ClientContext context;
    prepare(context);
    expect_stored(stub()->Publish(&context, request, &response), response);
  }

  // The next message's body (acknowledged), or why there was none within 20 s.
  static std::string next_body(Source& source) {
    Delivery d;
    const auto status = source.next(d, Clock::now() + 20s);
    if (status != Source::Status::message) return "<no message: status " + std::to_string(static_cast<int>(status)) + ">";
    source.ack(d.tag);
    return d.message.body;
  }

  store::testing::TempDir dir_;
  std::unique_ptr<server::Broker> broker_;
  std::unique_ptr<server::BrokerService> service_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
};

constexpr int kRestarts = 6;

// What a daemon going away looks like to a call: UNAVAILABLE as a rule, and, on a loaded
// machine, UNKNOWN "Stream removed" (gRPC issues 15623 and 34076: a server shut down under
// load) or CANCELLED; these reconnect. Refusals and gsmqd's own failures do not.
TEST(GsmqdClientConnectionTest, WhatALostConnectionLooksLike) {
  using grpc::StatusCode;
  for (auto code : {StatusCode::UNAVAILABLE, StatusCode::UNKNOWN, StatusCode::CANCELLED})
    EXPECT_TRUE(is_connection_loss(grpc::Status(code, "x"))) << code;
  for (auto code : {StatusCode::OK, StatusCode::INVALID_ARGUMENT, StatusCode::PERMISSION_DENIED, StatusCode::UNAUTHENTICATED,
                    StatusCode::INTERNAL, StatusCode::RESOURCE_EXHAUSTED, StatusCode::DEADLINE_EXCEEDED})
    EXPECT_FALSE(is_connection_loss(grpc::Status(code, "x"))) << code;
}

TEST_F(GsmqdClientRestartTest, AFollowingQueueReceiverRidesOutRestartsHoweverTheyCome) {
  // The receiver waits in its next long poll while gsmqd restarts.
  auto source = open_queue_source(connect(settings("ride")));
  auto receive = [&] { return std::async(std::launch::async, [&] { return next_body(*source); }); };
  for (int i = 0; i < kRestarts; ++i) {
    const std::string body = "m" + std::to_string(i);
    auto got = receive();
    send("ride", body);
    ASSERT_EQ(got.get(), body) << "after restart " << i;  // the receiver did not end
    got = receive();
    std::this_thread::sleep_for(100ms);  // it is in its long poll now
    restart(i % 2 == 0);
    send("ride", body + "-after");
    ASSERT_EQ(got.get(), body + "-after") << "restart " << i;
  }
  source->close();
}

TEST_F(GsmqdClientRestartTest, AnEventsStoreSubscriberRidesOutRestartsHoweverTheyCome) {
  auto s = settings("st");
  s.options.kind = "store";
  s.options.from = "first";
  auto source = open_subscribe_source(connect(s));
  for (int i = 0; i < kRestarts; ++i) {
    const std::string body = "e" + std::to_string(i);
    publish_stored("st", body);
    ASSERT_EQ(next_body(*source), body) << "after restart " << i;
    std::this_thread::sleep_for(50ms);
    restart(i % 2 == 0);
  }
  publish_stored("st", "last");
  EXPECT_EQ(next_body(*source), "last");  // resumed after the last seq: no repeat, no gap
  source->close();
}

}  // namespace
}  // namespace gsmq::endpoint::gsmqd_client
