// A connection to gsmqd for the gsmq:// adapters: the gRPC channel and stub, the URL's
// default channel, and the options after the URL's parameters were applied.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "endpoint/gsmqd_client/settings.h"
#include "gsmq/v1/broker.grpc.pb.h"

namespace gsmq::endpoint::gsmqd_client {

struct Connection {
  std::string target;                      // host:port
  std::string channel;                     // the URL's path: default channel
  EndpointOptions options;                 // with ?kind=, ?group=, ?from=, ... applied
  // After a lost connection: keep trying to reconnect for this long (?retry_for=, default
  // 30s), or for ever (?retry). The first connect honours ?retry too.
  Duration retry_for = std::chrono::seconds(30);
  bool retry_forever = false;
  std::shared_ptr<grpc::Channel> grpc_channel;
  std::unique_ptr<v1::Broker::Stub> stub;
};

// Connects (waiting up to ?connect_timeout); Error(unavailable) if gsmqd cannot
// be reached.
std::shared_ptr<Connection> connect(const Settings& settings);

// One Ping within `timeout`: OK when gsmqd answers; fails fast when it cannot be reached.
grpc::Status ping(Connection& c, Duration timeout);
// Why a connection attempt failed, in a few words ("Connection refused", "no answer within 5s").
std::string connect_failure(const grpc::Status& status, Duration timeout);

// Waits, with back-off, until the daemon answers again or the retry window (from
// `since`) ran out; false then, or when a stop was requested or `give_up` says so.
bool wait_for_daemon(Connection& c, Clock::time_point since, const std::function<bool()>& give_up = {});

// Whether a failed call means the connection to gsmqd was lost (a daemon stopping,
// restarting or gone) rather than refused: UNAVAILABLE, and what gRPC reports for a call
// the server ended without answering: CANCELLED (calls still in flight when a stopping
// daemon's shutdown deadline passed; sources never cancel their own calls but on close)
// and UNKNOWN ("Stream removed", a connection torn down mid-call).
bool is_connection_loss(const grpc::Status& status);

// After a failed call of a source: when the connection was lost (is_connection_loss, and
// no stop was requested) says so on stderr and waits for gsmqd as wait_for_daemon does,
// for a loss that began at `since` (the caller keeps it over consecutive failed calls, so
// that a daemon that answers but keeps failing them is given up after ?retry_for). True
// when the call should be made again; false to fail with `status`.
bool reconnect_after(Connection& c, const grpc::Status& status, Clock::time_point since,
                     const std::function<bool()>& give_up = {});

// When the current loss of a streaming source's connection began, for reconnect_after:
// a stream that lasted (over a second) ended any earlier loss; one that failed at once (a
// daemon that answers but ends streams) continues it, so ?retry_for bounds it.
class StreamLoss {
 public:
  void stream_opened() { opened_ = Clock::now(); }
  // The stream just ended: when the loss it belongs to began.
  Clock::time_point since_end() {
    const auto now = Clock::now();
    if (!since_ || now - opened_ > std::chrono::seconds(1)) since_ = now;
    return *since_;
  }

 private:
  Clock::time_point opened_{};
  std::optional<Clock::time_point> since_;
};

// The error text for a failed call, naming the daemon.
std::string describe(const Connection& c, const grpc::Status& status);

// What a failed call says: a request gsmqd refused as invalid (a bad channel name in the
// URL) is a usage error, a refused permission refused, anything else unavailable.
ErrorKind error_kind_of(const grpc::Status& status);

}  // namespace gsmq::endpoint::gsmqd_client
