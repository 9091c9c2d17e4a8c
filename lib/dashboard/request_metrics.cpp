#include "dashboard/request_metrics.h"

#include <chrono>

namespace gsmq::dashboard {
namespace {

using Clock = std::chrono::steady_clock;

class CountingInterceptor : public grpc::experimental::Interceptor {
 public:
  CountingInterceptor(grpc::experimental::ServerRpcInfo* info, RequestMetrics* metrics)
      : metrics_(metrics), method_(info->method() ? info->method() : ""), start_(Clock::now()) {
    metrics_->call_started();
  }
  ~CountingInterceptor() override { metrics_->call_ended(); }

  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS)) {
      const auto seconds = std::chrono::duration<double>(Clock::now() - start_).count();
      metrics_->record(method_, status_code_name(methods->GetSendStatus().error_code()), seconds);
    }
    methods->Proceed();
  }

 private:
  RequestMetrics* metrics_;
  std::string method_;
  Clock::time_point start_;
};

class CountingFactory : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CountingFactory(RequestMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(grpc::experimental::ServerRpcInfo* info) override {
    return new CountingInterceptor(info, metrics_);
  }

 private:
  RequestMetrics* metrics_;
};

}  // namespace

void RequestMetrics::record(const std::string& method, const std::string& code, double seconds) {
  // "/gsmq.v1.Broker/Send" is counted as "Send"
  const auto slash = method.rfind('/');
  const std::string name = slash == std::string::npos ? method : method.substr(slash + 1);
  size_t bucket = 0;
  while (bucket < kBuckets.size() && seconds > kBuckets[bucket]) ++bucket;
  std::lock_guard lock(mutex_);
  Method& m = methods_[name];
  ++m.by_code[code];
  ++m.buckets[bucket];
  m.seconds += seconds;
  ++m.count;
}

std::map<std::string, RequestMetrics::Method> RequestMetrics::methods() const {
  std::lock_guard lock(mutex_);
  return methods_;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> RequestMetrics::interceptor_factory() {
  return std::make_unique<CountingFactory>(this);
}

std::string status_code_name(int code) {
  static constexpr const char* kNames[] = {"OK",
                                           "CANCELLED",
                                           "UNKNOWN",
                                           "INVALID_ARGUMENT",
                                           "DEADLINE_EXCEEDED",
                                           "NOT_FOUND",
                                           "ALREADY_EXISTS",
                                           "PERMISSION_DENIED",
                                           "RESOURCE_EXHAUSTED",
                                           "FAILED_PRECONDITION",
                                           "ABORTED",
                                           "OUT_OF_RANGE",
                                           "UNIMPLEMENTED",
                                           "INTERNAL",
                                           "UNAVAILABLE",
                                           "DATA_LOSS",
                                           "UNAUTHENTICATED"};
  if (code >= 0 && code < static_cast<int>(std::size(kNames))) return kNames[code];
  return "CODE_" + std::to_string(code);
}

}  // namespace gsmq::dashboard
