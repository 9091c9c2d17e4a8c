#include "federation/link.h"

#include <grpcpp/grpcpp.h>

#include "endpoint/backoff.h"
#include "endpoint/gsmqd_client/credentials.h"
#include "endpoint/gsmqd_client/registration.h"
#include "endpoint/gsmqd_client/settings.h"
#include "endpoint/params.h"
#include "federation/hops.h"
#include "federation/local_endpoints.h"
#include "gsmq/v1/broker.grpc.pb.h"
#include "pipeline/pump.h"
#include "util/error.h"
#include "util/log.h"

namespace gsmq::federation {
namespace {

// How long a pump waits for a neighbour that went away before it ends and is started
// again by the link (which then shows the link as down).
constexpr const char* kRetryWindow = "retry_for=5s";

// The neighbour's URL with another channel and `query` added; the URL's own parameters
// (TLS files, ?token) stay.
std::string with_channel(const std::string& base_url, const std::string& channel, const char* query) {
  std::string url = base_url, own_query;
  if (const auto q = url.find('?'); q != std::string::npos) {
    own_query = url.substr(q + 1);
    url.erase(q);
  }
  const auto scheme_end = url.find("://");
  const auto path = url.find('/', scheme_end == std::string::npos ? 0 : scheme_end + 3);
  if (path != std::string::npos) url.erase(path);
  return url + "/" + channel + "?" + (own_query.empty() ? "" : own_query + "&") + query;
}

EndpointUrl parse(const std::string& text) {
  std::string error;
  auto url = parse_endpoint_url(text, error);
  if (!url) throw std::runtime_error(error);
  return *url;
}

// The gsmq:// client, straight from its adapter (gsmqd links no other adapter).
std::unique_ptr<Sink> open_client_sink(const std::string& text, const EndpointOptions& o) {
  const auto& a = endpoint::gsmqd_client::kAdapter;
  const EndpointUrl url = parse(text);
  return a.open_sink(url, endpoint::parse_params(a, url, endpoint::opened_as(a, url, endpoint::Role::sink)), o);
}

std::unique_ptr<Source> open_client_source(const std::string& text, const EndpointOptions& o) {
  const auto& a = endpoint::gsmqd_client::kAdapter;
  const EndpointUrl url = parse(text);
  return a.open_source(url, endpoint::parse_params(a, url, endpoint::opened_as(a, url, endpoint::Role::source)), o);
}

// A source that also ends when the link stops (the pumps otherwise stop on a signal only).
class StopAwareSource : public Source {
 public:
  StopAwareSource(std::unique_ptr<Source> inner, const std::atomic<bool>& stop)
      : inner_(std::move(inner)), stop_(stop) {}
  Status next(Delivery& out, Clock::time_point deadline) override {
    for (;;) {
      if (stop_.load()) return Status::stopped;
      const auto slice = std::min(deadline, Clock::now() + std::chrono::milliseconds(200));
      const Status s = inner_->next(out, slice);
      if (s != Status::timeout || Clock::now() >= deadline) return s;
    }
  }
  bool ready() const override { return inner_->ready(); }
  void ack(uint64_t tag) override { inner_->ack(tag); }
  void reject(uint64_t tag) override { inner_->reject(tag); }
  void unreceive(uint64_t tag) override { inner_->unreceive(tag); }
  void close() override { inner_->close(); }

 private:
  std::unique_ptr<Source> inner_;
  const std::atomic<bool>& stop_;
};

}  // namespace

Link::Link(server::Broker& broker, std::string self, LinkSpec spec)
    : broker_(broker), self_(std::move(self)), spec_(std::move(spec)), neighbour_(spec_.name) {}

Link::~Link() { stop(); }

void Link::start() {
  push_ = std::thread([this] { run_push(); });
  pull_ = std::thread([this] { run_pull(); });
  monitor_ = std::thread([this] { run_monitor(); });
}

void Link::stop() {
  if (stopping_.exchange(true)) return;
  for (auto* t : {&push_, &pull_, &monitor_})
    if (t->joinable()) t->join();
}

std::string Link::neighbour() const {
  std::lock_guard lock(mutex_);
  return neighbour_;
}

void Link::failed(const std::string& what) {
  std::lock_guard lock(mutex_);
  if (what != last_error_)
    log::warn("federation link", {{"link", spec_.direction + ":" + (neighbour_.empty() ? redact_secrets(spec_.url) : neighbour_)},
                                  {"error", what}});
  last_error_ = what;
}

template <typename Run>
void Link::keep_running(const char* what, Run run) {
  Backoff backoff(std::chrono::milliseconds(200), std::chrono::seconds(5));
  while (!stopping_.load()) {
    try {
      run();
    } catch (const Error& e) {
      failed(std::string(what) + ": " + e.what());
      // The neighbour is away or refuses for now: try again. A usage error (a bad URL)
      // will not mend itself: this pump stops, the link says why.
      if (e.kind() == ErrorKind::usage) return;
    } catch (const std::exception& e) {
      failed(std::string(what) + ": " + e.what());
    }
    if (stopping_.load()) return;
    const auto until = Clock::now() + backoff.next();
    while (!stopping_.load() && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void Link::run_push() {
  keep_running("push", [this] {
    EndpointOptions o;
    o.kind = "queue";
    // No channel in the URL: each message goes to its own (rewritten by its rule).
    auto sink = open_client_sink(with_channel(spec_.url, "", kRetryWindow), o);
    LocalQueueSource outbox(broker_, spec_.outbox, stopping_);
    PumpOptions p;
    p.max_in_flight = 4096;
    p.drain_timeout = std::chrono::seconds(10);
    // No echo: what the neighbour passed on already does not go back to it.
    p.transform = [this](Message& m) {
      restore_forwarded_channel(m.channel, m.meta);
      const std::string to = neighbour();
      if (to.empty()) return true;
      for (const auto& hop : hops_of(m.meta))
        if (hop == to) {
          ++looped_;
          return false;
        }
      return true;
    };
    p.on_result = [this](const SendResult& r) {
      if (r.status == SendResult::Status::ok) ++forwarded_;
      else if (!r.error.empty()) failed("push: " + r.error);
    };
    run_pump(outbox, *sink, p);
  });
}

void Link::run_pull() {
  keep_running("pull", [this] {
    EndpointOptions o;
    o.kind = "queue";
    o.follow = true;
    o.prefetch = 1024;
    StopAwareSource source(
        open_client_source(with_channel(spec_.url, "$out/" + self_, kRetryWindow), o),
        stopping_);
    LocalSink local(broker_);
    PumpOptions p;
    p.max_in_flight = 4096;
    p.drain_timeout = std::chrono::seconds(10);
    p.on_result = [this](const SendResult& r) {
      if (r.status == SendResult::Status::ok) ++received_;
      else if (!r.error.empty()) failed("pull: " + r.error);
    };
    run_pump(source, local, p);
  });
}

void Link::run_monitor() {
  // The neighbour's URL as the pumps use it: TLS and the token apply to the Ping too.
  std::shared_ptr<grpc::Channel> channel;
  try {
    const auto& a = endpoint::gsmqd_client::kAdapter;
    const EndpointUrl url = parse(spec_.url);
    const auto settings = endpoint::gsmqd_client::read_settings(
        url, endpoint::parse_params(a, url, endpoint::opened_as(a, url, endpoint::Role::sink)), EndpointOptions{});
    grpc::ChannelArguments args;
    channel = endpoint::gsmqd_client::open_channel(settings, args);
  } catch (const std::exception& e) {
    std::lock_guard lock(mutex_);
    last_error_ = e.what();
    return;
  }
  auto stub = v1::Broker::NewStub(channel);
  while (!stopping_.load()) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(2));
    v1::PingResponse pong;
    const auto sent = Clock::now();
    const grpc::Status status = stub->Ping(&context, v1::PingRequest(), &pong);
    {
      std::lock_guard lock(mutex_);
      if (status.ok()) {
        if (state_ != "up") last_error_.clear();  // back: what went wrong before is over
        state_ = "up";
        rtt_us_ = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - sent).count();
        if (neighbour_.empty()) neighbour_ = pong.name();
      } else {
        state_ = "down";
        rtt_us_ = 0;
      }
    }
    if (!status.ok()) failed("ping: " + status.error_message());
    for (int i = 0; i < 50 && !stopping_.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

v1::LinkInfo Link::info() const {
  v1::LinkInfo i;
  {
    std::lock_guard lock(mutex_);
    i.set_name(neighbour_);
    i.set_state(state_);
    i.set_last_error(last_error_);
    i.set_rtt_us(rtt_us_);
  }
  i.set_url(redact_secrets(spec_.url));
  i.set_direction(spec_.direction);
  i.set_forwarded(forwarded_.load());
  i.set_received(received_.load());
  i.set_looped(looped_.load());
  return i;
}

}  // namespace gsmq::federation
