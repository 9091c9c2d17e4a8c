#include "endpoint/nats/connection.h"

#include <arpa/inet.h>

#include <cstdio>
#include <mutex>
#include <vector>

#include "endpoint/backoff.h"
#include "endpoint/reconnect.h"
#include "util/intentional_leak.h"
#include "util/program_name.h"

namespace gsmq::endpoint::nats {

// Updated from nats.c's callback thread. nats.c may call the disconnected callback
// after natsConnection_Destroy returned (its callbacks run on a thread of their own), so
// a Watch is never freed: a few bytes per connection, for the life of the process.
struct Connection::Watch {
  mutable std::mutex mutex;
  bool connected = false;
  bool closed = false;
  bool stopping = false;
  Clock::time_point lost_since;
  std::string url_text;
  Diagnostics* diagnostics = nullptr;
  Backoff backoff{std::chrono::milliseconds(100), std::chrono::seconds(2)};
  uint64_t losses = 0;

  void warn(const std::string& what) const {
    if (diagnostics) diagnostics->warn(url_text + ": " + what);
    else std::fprintf(stderr, "%s: %s: %s\n", program_name().c_str(), url_text.c_str(), what.c_str());
  }
};

namespace {

void on_disconnected(natsConnection*, void* closure) {
  auto* w = static_cast<Connection::Watch*>(closure);
  {
    std::lock_guard lock(w->mutex);
    if (!w->connected || w->stopping) return;
    w->connected = false;
    w->lost_since = Clock::now();
    ++w->losses;
  }
  w->warn("connection lost; reconnecting");
}

void on_reconnected(natsConnection* nc, void* closure) {
  auto* w = static_cast<Connection::Watch*>(closure);
  char url[256] = "";
  natsConnection_GetConnectedUrl(nc, url, sizeof url);
  {
    std::lock_guard lock(w->mutex);
    w->connected = true;
    w->backoff.reset();
    if (w->stopping) return;
  }
  w->warn(std::string("reconnected to ") + url);
}

void on_closed(natsConnection*, void* closure) {
  auto* w = static_cast<Connection::Watch*>(closure);
  std::lock_guard lock(w->mutex);
  w->connected = false;
  w->closed = true;
}

// Between passes over the server list: the shared jittered back-off, up to 2 s.
int64_t reconnect_delay(natsConnection*, int, void* closure) {
  auto* w = static_cast<Connection::Watch*>(closure);
  std::lock_guard lock(w->mutex);
  return millis(w->backoff.next());
}

bool refused(natsStatus s) { return s == NATS_CONNECTION_AUTH_FAILED || s == NATS_NOT_PERMITTED; }

}  // namespace

std::string describe(natsStatus status) {
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  std::string out = natsStatus_GetText(status);
  if (text && *text && last == status && out.find(text) == std::string::npos) out += ": " + std::string(text);
  return out;
}

// nats+tls://: TLS to every server. nats.c checks a name (SetExpectedHostname) but has
// no check of an IP address: for an IP literal without ?sni only the chain is verified.
void Connection::set_tls(natsOptions* opts) {
  const TlsOptions& t = settings_.tls;
  auto fail = [&](natsStatus s, const std::string& what) {
    if (s == NATS_OK) return;
    natsOptions_Destroy(opts);
    throw Error(ErrorKind::usage, settings_.url_text + ": " + what + ": " + describe(s));
  };
  fail(natsOptions_SetSecure(opts, true), "TLS");
  if (!t.ca_file.empty()) fail(natsOptions_LoadCATrustedCertificates(opts, t.ca_file.c_str()), "?ca=" + t.ca_file);
  if (!t.cert_file.empty())
    fail(natsOptions_LoadCertificatesChain(opts, t.cert_file.c_str(), t.key_file.c_str()),
         "?cert=" + t.cert_file + " or ?key=" + t.key_file);
  if (t.insecure) {
    fail(natsOptions_SkipServerVerification(opts, true), "?insecure");
    return;
  }
  in6_addr ip{};
  const bool is_ip = ::inet_pton(AF_INET, t.server_name.c_str(), &ip) == 1 || ::inet_pton(AF_INET6, t.server_name.c_str(), &ip) == 1;
  if (!is_ip) fail(natsOptions_SetExpectedHostname(opts, t.server_name.c_str()), "?sni=" + t.server_name);
}

Connection::Connection(Settings settings, Diagnostics* diagnostics)
    : settings_(std::move(settings)), diagnostics_(diagnostics), watch_(new Watch) {
  intentionally_leak(watch_);
  watch_->url_text = settings_.url_text;
  watch_->diagnostics = diagnostics_;

  natsOptions* opts = nullptr;
  natsStatus s = natsOptions_Create(&opts);
  std::vector<const char*> servers;
  for (const std::string& server : settings_.servers) servers.push_back(server.c_str());
  if (s == NATS_OK) s = natsOptions_SetServers(opts, servers.data(), static_cast<int>(servers.size()));
  if (s == NATS_OK) s = natsOptions_SetNoRandomize(opts, true);  // the URL's server first
  if (s == NATS_OK) s = natsOptions_SetName(opts, settings_.client_name.c_str());
  if (s == NATS_OK) s = natsOptions_SetTimeout(opts, millis(settings_.connect_timeout));
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(opts, -1);  // the policy decides (gone())
  if (s == NATS_OK) s = natsOptions_SetCustomReconnectDelay(opts, reconnect_delay, watch_);
  if (s == NATS_OK) s = natsOptions_SetDisconnectedCB(opts, on_disconnected, watch_);
  if (s == NATS_OK) s = natsOptions_SetReconnectedCB(opts, on_reconnected, watch_);
  if (s == NATS_OK) s = natsOptions_SetClosedCB(opts, on_closed, watch_);
  if (s == NATS_OK) s = natsOptions_SetMaxPendingMsgs(opts, 65536);
  if (s == NATS_OK && !settings_.user.empty())
    s = natsOptions_SetUserInfo(opts, settings_.user.c_str(), settings_.password.c_str());
  if (s == NATS_OK && !settings_.token.empty()) s = natsOptions_SetToken(opts, settings_.token.c_str());
  if (s == NATS_OK && settings_.tls.enabled) set_tls(opts);
  if (s != NATS_OK) {
    natsOptions_Destroy(opts);
    throw Error(ErrorKind::internal, settings_.url_text + ": nats.c options: " + describe(s));
  }

  // The first connect: once, or (?retry) until it works; refused credentials are final.
  natsStatus last = NATS_OK;
  ReconnectSteps steps;
  steps.attempt = [&]() -> std::optional<std::string> {
    last = natsConnection_Connect(&nc_, opts);
    if (last == NATS_OK) return std::nullopt;
    nc_ = nullptr;
    return "cannot connect to the NATS server at " + settings_.servers.front().substr(7) +
           (settings_.servers.size() > 1 ? " or the other ?servers" : "") + ": " + describe(last);
  };
  steps.wait = [&](Duration d) { return refused(last) || sleep_unless_stopped(d); };
  steps.failed = [&](uint64_t n, const std::string& why) {
    if (settings_.retry.forever && !refused(last) && (n & (n - 1)) == 0)
      warn(why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  const auto failure = reconnect(RetryPolicy{settings_.retry.forever, Duration(0)}, Clock::now(), steps);
  natsOptions_Destroy(opts);
  if (failure) throw Error(refused(last) ? ErrorKind::refused : ErrorKind::unavailable, *failure);
  std::lock_guard lock(watch_->mutex);
  watch_->connected = true;
}

Connection::~Connection() {
  {
    std::lock_guard lock(watch_->mutex);
    watch_->stopping = true;
  }
  if (nc_) {
    natsConnection_FlushTimeout(nc_, 2000);  // what was published and acknowledged reaches the server
    natsConnection_Close(nc_);
    natsConnection_Destroy(nc_);
  }
}

bool Connection::connected() const {
  std::lock_guard lock(watch_->mutex);
  return watch_->connected;
}

std::optional<std::string> Connection::gone() const {
  std::lock_guard lock(watch_->mutex);
  if (watch_->closed) return settings_.url_text + ": the connection to NATS was closed";
  if (watch_->connected || settings_.retry.keeps_trying(watch_->lost_since)) return std::nullopt;
  return "lost the connection to NATS at " + settings_.url_text + " and could not reconnect within " +
         format_duration(settings_.retry.retry_for) + " (?retry keeps trying)";
}

void Connection::warn(const std::string& what) const { watch_->warn(what); }

}  // namespace gsmq::endpoint::nats
