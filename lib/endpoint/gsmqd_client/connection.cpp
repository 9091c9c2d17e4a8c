#include "endpoint/gsmqd_client/connection.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "endpoint/gsmqd_client/credentials.h"
#include "endpoint/reconnect.h"
#include "util/signals.h"
#include "util/program_name.h"

namespace gsmq::endpoint::gsmqd_client {

std::shared_ptr<Connection> connect(const Settings& settings) {
  auto c = std::make_shared<Connection>();
  c->target = settings.target;
  c->channel = settings.channel;
  c->options = settings.options;
  c->retry_for = settings.retry_for;
  c->retry_forever = settings.retry_forever;

  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(256 << 20);
  args.SetMaxSendMessageSize(256 << 20);
  // gRPC's own reconnect back-off grows to two minutes: a daemon that came back would be
  // noticed that late. Ours (wait_for_daemon) decides how long to keep trying.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 1000);
  // Despite its name, gRPC takes this as the time one connection attempt (TCP and HTTP/2
  // handshake) may take. At 100 ms a busy daemon or a slow link failed the attempt
  // ("timed out before receiving SETTINGS frame") and the tools exited 4.
  const auto attempt_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings.connect_timeout).count();
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, static_cast<int>(std::clamp<int64_t>(attempt_ms, 1000, 60000)));
  c->grpc_channel = open_channel(settings, args);
  c->stub = v1::Broker::NewStub(c->grpc_channel);
  const grpc::Status answer = ping(*c, settings.connect_timeout);
  if (error_kind_of(answer) == ErrorKind::refused) throw Error(ErrorKind::refused, describe(*c, answer));
  if (!answer.ok() && !(c->retry_forever && wait_for_daemon(*c, Clock::now())))
    throw Error(ErrorKind::unavailable,
                    "cannot connect to gsmqd at " + c->target + ": " + connect_failure(answer, settings.connect_timeout));
  return c;
}

grpc::Status ping(Connection& c, Duration timeout) {
  // A Ping that is not wait-for-ready fails as soon as the connection attempt does
  // (refused, no route, unknown host), so a missing daemon is reported at once, with the
  // reason; only a peer that does not answer at all takes the whole timeout.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       std::chrono::duration_cast<std::chrono::system_clock::duration>(timeout));
  v1::PingRequest request;
  v1::PingResponse response;
  return c.stub->Ping(&context, request, &response);
}

std::string connect_failure(const grpc::Status& status, Duration timeout) {
  if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) return "no answer within " + format_duration(timeout);
  // gRPC says "failed to connect to all addresses; last error: UNKNOWN: ipv4:127.0.0.1:1:
  // Failed to connect to remote host: Connection refused": the last part is the reason.
  const std::string& text = status.error_message();
  const auto last = text.rfind(": ");
  return last == std::string::npos ? text : text.substr(last + 2);
}

bool wait_for_daemon(Connection& c, Clock::time_point since, const std::function<bool()>& give_up) {
  ReconnectSteps steps;
  steps.attempt = [&]() -> std::optional<std::string> {
    if (c.grpc_channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(1))) return std::nullopt;
    return "gsmqd at " + c.target + " does not answer";
  };
  steps.wait = [&](Duration d) {
    const auto until = Clock::now() + d;
    for (;;) {
      if (stop_requested() || (give_up && give_up())) return true;
      if (Clock::now() >= until) return false;
      std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - Clock::now()));
    }
  };
  if (stop_requested() || (give_up && give_up())) return false;
  return !reconnect(RetryPolicy{c.retry_forever, c.retry_for}, since, steps);
}

bool is_connection_loss(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::UNKNOWN: return true;
    default: return false;
  }
}

bool reconnect_after(Connection& c, const grpc::Status& status, Clock::time_point since,
                     const std::function<bool()>& give_up) {
  if (!is_connection_loss(status) || stop_requested()) return false;
  std::fprintf(stderr, "%s: %s; reconnecting\n", program_name().c_str(), describe(c, status).c_str());
  // A daemon that is still connected but ended the call (one stopping) would be "connected"
  // at once: a short pause first keeps that from becoming a busy loop of calls.
  if (status.error_code() != grpc::StatusCode::UNAVAILABLE && sleep_unless_stopped(std::chrono::milliseconds(100)))
    return false;
  return wait_for_daemon(c, since, give_up);
}

std::string describe(const Connection& c, const grpc::Status& status) {
  return "gsmqd at " + c.target + ": " + status.error_message() + " (" + std::to_string(status.error_code()) + ")";
}

ErrorKind error_kind_of(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::INVALID_ARGUMENT: return ErrorKind::usage;
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNAUTHENTICATED: return ErrorKind::refused;
    default: return ErrorKind::unavailable;
  }
}

}  // namespace gsmq::endpoint::gsmqd_client
