// Counts gsmqd's gRPC calls by method and status code, with a histogram of how long they
// took (a stream: from its start to its end): a server interceptor fills it in.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include <grpcpp/support/server_interceptor.h>

namespace gsmq::dashboard {

class RequestMetrics {
 public:
  // Upper bounds of the latency buckets, in seconds (the last bucket is +Inf).
  static constexpr std::array<double, 10> kBuckets = {0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30};

  struct Method {
    std::map<std::string, uint64_t> by_code;             // "OK", "UNAVAILABLE", ...
    std::array<uint64_t, kBuckets.size() + 1> buckets{};  // not cumulative
    double seconds = 0;
    uint64_t count = 0;
  };

  void record(const std::string& method, const std::string& code, double seconds);
  // Calls begun and not yet finished (open streams included): the clients at work now.
  void call_started() { ++in_progress_; }
  void call_ended() { --in_progress_; }
  int64_t in_progress() const { return in_progress_.load(); }
  // A copy, keyed by the method's short name ("Send", "Receive", ...).
  std::map<std::string, Method> methods() const;

  // Registers with a grpc::ServerBuilder (experimental().SetInterceptorCreators).
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> interceptor_factory();

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Method> methods_;
  std::atomic<int64_t> in_progress_{0};
};

// "UNAVAILABLE" for grpc::StatusCode::UNAVAILABLE, as gRPC's docs spell them.
std::string status_code_name(int code);

}  // namespace gsmq::dashboard
