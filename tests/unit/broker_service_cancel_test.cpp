// gsmqd's streaming handlers against clients that vanish: a real gRPC server (BrokerService
// over a Broker with --fsync always, so batches are still committing when the client goes)
// and clients that cancel SendStream, PublishStream, Subscribe and Respond at random
// stages, a thousand times. Afterwards the daemon must still serve and shut down in time.
// Under AddressSanitizer (scripts/test.sh's second pass) this is where a commit callback
// writing into a handler that has returned shows up.
#include <gtest/gtest.h>

#include <grpcpp/grpcpp.h>

#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "gsmq/v1/broker.grpc.pb.h"
#include "server/broker.h"
#include "server/broker_service.h"
#include "store/test_support.h"

namespace gsmq::server {
namespace {

using namespace std::chrono_literals;

class BrokerServiceCancelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    BrokerOptions o;
    o.data_dir = dir_.path() / "data";
    o.fsync = store::FsyncPolicy::always;  // commits take a while: cancels land mid-commit
    broker_ = std::make_unique<Broker>(o);
    service_ = std::make_unique<BrokerService>(*broker_);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_);
    ASSERT_NE(port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
    stub_ = v1::Broker::NewStub(channel_);
  }

  void TearDown() override {
    // A handler stuck on a vanished client would make Shutdown wait out its deadline;
    // the test then fails on the time it took rather than hanging.
    const auto started = std::chrono::steady_clock::now();
    service_->shutdown();
    server_->Shutdown(std::chrono::system_clock::now() + 10s);
    server_->Wait();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 9s) << "a handler outlived its cancelled client";
    broker_->stop();
  }

  static v1::Message message(const std::string& channel, const std::string& body) {
    v1::Message m;
    m.set_channel(channel);
    m.set_body(body);
    return m;
  }

  // The daemon still answers and stores: one unary send, read back.
  void expect_serving(const std::string& channel) {
    v1::SendRequest request;
    *request.add_messages() = message(channel, "still here");
    v1::SendResponse response;
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    const auto status = stub_->Send(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(response.results_size(), 1);
    EXPECT_EQ(response.results(0).error(), "");
    EXPECT_GT(response.results(0).seq(), 0u);
  }

  store::testing::TempDir dir_;
  std::unique_ptr<Broker> broker_;
  std::unique_ptr<BrokerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Broker::Stub> stub_;
};

// Writes `batches` batches, reads `answers` of their answers, maybe half-closes, then
// cancels: every stage of a pipelined stream's life.
template <typename Request, typename Response, typename Open>
void cancel_at_random(std::mt19937& rng, int iterations, Open open, const std::string& channel) {
  for (int i = 0; i < iterations; ++i) {
    grpc::ClientContext context;
    auto stream = open(&context);
    const int batches = static_cast<int>(rng() % 6);
    for (int b = 0; b < batches; ++b) {
      Request request;
      request.set_batch_id(static_cast<uint64_t>(b + 1));
      if constexpr (requires { request.set_kind(v1::EVENTS); })
        request.set_kind(rng() % 2 ? v1::EVENTS_STORE : v1::EVENTS);  // stored, and real time
      for (int k = 0; k < 1 + static_cast<int>(rng() % 40); ++k) {
        auto* m = request.add_messages();
        m->set_channel(channel + std::to_string(rng() % 3));  // several channels: answers out of order
        m->set_body("m" + std::to_string(k));
      }
      if (!stream->Write(request)) break;
    }
    const int answers = batches == 0 ? 0 : static_cast<int>(rng() % (batches + 1));
    Response response;
    for (int a = 0; a < answers && stream->Read(&response); ++a) {
    }
    if (rng() % 2) stream->WritesDone();
    if (rng() % 4) std::this_thread::sleep_for(std::chrono::microseconds(rng() % 3000));
    context.TryCancel();
    (void)stream->Finish();
  }
}

TEST_F(BrokerServiceCancelTest, SendStreamsCancelledAtRandomStagesLeaveTheDaemonServing) {
  std::mt19937 rng(1);
  cancel_at_random<v1::SendRequest, v1::SendResponse>(
      rng, 1000, [&](grpc::ClientContext* c) { return stub_->SendStream(c); }, "q");
  expect_serving("q0");
}

TEST_F(BrokerServiceCancelTest, PublishStreamsCancelledAtRandomStagesLeaveTheDaemonServing) {
  std::mt19937 rng(2);
  cancel_at_random<v1::PublishRequest, v1::PublishResponse>(
      rng, 300, [&](grpc::ClientContext* c) { return stub_->PublishStream(c); }, "s");
  expect_serving("q0");
}

TEST_F(BrokerServiceCancelTest, SubscriptionsAndRespondersCancelledMidStreamLeaveTheDaemonServing) {
  std::mt19937 rng(3);
  // Something to stream: an events-store with messages.
  {
    grpc::ClientContext context;
    v1::PublishRequest request;
    request.set_kind(v1::EVENTS_STORE);
    for (int k = 0; k < 500; ++k) *request.add_messages() = message("store", std::string(100, 'x'));
    v1::PublishResponse response;
    ASSERT_TRUE(stub_->Publish(&context, request, &response).ok());
  }
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext context;
    v1::SubscribeRequest request;
    request.set_channel(i % 2 ? "store" : "live");
    request.set_kind(i % 2 ? v1::EVENTS_STORE : v1::EVENTS);
    request.set_start(v1::START_FIRST);
    auto reader = stub_->Subscribe(&context, request);
    v1::SubscribeResponse response;
    if (i % 2 && rng() % 2) reader->Read(&response);  // the store has messages to stream
    context.TryCancel();
    (void)reader->Finish();
  }
  for (int i = 0; i < 200; ++i) {
    grpc::ClientContext responder_context;
    auto responder = stub_->Respond(&responder_context);
    v1::RespondRequest subscribe;
    subscribe.mutable_subscribe()->set_channel("rpc");
    ASSERT_TRUE(responder->Write(subscribe));
    // A request in flight to this responder when it vanishes: asked again until the
    // responder is registered (or the responder went before it ever was).
    std::thread requester([&] {
      for (int attempt = 0; attempt < 200; ++attempt) {
        grpc::ClientContext context;
        context.set_deadline(std::chrono::system_clock::now() + 5s);
        v1::RequestMessage request;
        *request.mutable_message() = message("rpc", "ping");
        request.set_timeout_ms(50);
        v1::ReplyMessage reply;
        const auto status = stub_->Request(&context, request, &reply);
        if (!status.ok() || reply.error().rfind("no responder", 0) != 0) return;
        std::this_thread::sleep_for(1ms);
      }
    });
    v1::RespondResponse got;
    if (rng() % 2) responder->Read(&got);
    responder_context.TryCancel();
    (void)responder->Finish();
    requester.join();
  }
  expect_serving("q0");
}

}  // namespace
}  // namespace gsmq::server
