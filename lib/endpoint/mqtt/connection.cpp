#include "endpoint/mqtt/connection.h"

#include "util/intentional_leak.h"

#include <cstdio>

#include "endpoint/reconnect.h"
#include "util/signals.h"
#include "util/program_name.h"

namespace gsmq::endpoint::mqtt {
namespace {

::mqtt::connect_options build_connect_options(const Settings& s) {
  ::mqtt::connect_options_builder b;
  b.mqtt_version(s.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1);
  if (s.version == 5) {
    b.clean_start(s.clean);
    ::mqtt::properties props;
    props.add(::mqtt::property(::mqtt::property::SESSION_EXPIRY_INTERVAL,
                             static_cast<int32_t>(s.session_expiry_s.value_or(0))));
    b.properties(props);
  } else {
    b.clean_session(s.clean);
  }
  b.keep_alive_interval(std::chrono::duration_cast<std::chrono::seconds>(s.keepalive));
  b.connect_timeout(std::chrono::duration_cast<std::chrono::seconds>(s.connect_timeout));
  b.automatic_reconnect(false);  // Connection reconnects itself (endpoint/reconnect.h)
  b.max_inflight(static_cast<int>(s.max_inflight));
  if (!s.user.empty()) b.user_name(s.user);
  if (!s.password.empty()) b.password(s.password);
  if (s.tls.enabled) {
    ::mqtt::ssl_options_builder ssl;
    if (!s.tls.ca_file.empty()) ssl.trust_store(s.tls.ca_file);
    if (!s.tls.cert_file.empty()) ssl.key_store(s.tls.cert_file);
    if (!s.tls.key_file.empty()) ssl.private_key(s.tls.key_file);
    ssl.enable_server_cert_auth(!s.tls.insecure);
    ssl.verify(!s.tls.insecure);
    b.ssl(ssl.finalize());
  }
  return b.finalize();
}

// A refused CONNECT in words, with the exit status it maps to.
std::string refusal(int rc, int reason, ErrorKind& kind) {
  kind = ErrorKind::unavailable;
  const int code = reason > 0 ? reason : rc;
  switch (code) {
    case 1: case 0x84: return "the broker does not speak this MQTT version (try ?version=3 or ?version=5)";
    case 2: case 0x85: return "the broker rejected the client id";
    case 3: case 0x88: return "the broker is unavailable";
    case 0x89: return "the broker is busy";
    case 0x8A: kind = ErrorKind::refused; return "this client is banned by the broker";
    case 4: case 0x86: kind = ErrorKind::refused; return "bad user name or password";
    case 5: case 0x87: kind = ErrorKind::refused; return "not authorized";
    case 0x8C: kind = ErrorKind::refused; return "bad authentication method";
    default: return {};
  }
}

}  // namespace

Connection::Connection(Settings settings, Diagnostics* diagnostics)
    : settings_(std::move(settings)), diagnostics_(diagnostics) {
  // No paho persistence: what is not confirmed yet is held by the adapter, and sessions by the broker.
  client_ = std::make_unique<::mqtt::async_client>(
      settings_.server_uri, settings_.client_id,
      ::mqtt::create_options(settings_.version == 5 ? MQTTVERSION_5 : MQTTVERSION_3_1_1), nullptr);
  client_->set_connection_lost_handler([this](const std::string& cause) { on_lost(cause); });
  client_->set_disconnected_handler([this](const ::mqtt::properties&, ::mqtt::ReasonCode reason) {
    on_lost("the broker disconnected (reason " + std::to_string(static_cast<int>(reason)) + ")");
  });
}

Connection::~Connection() {
  if (client_) stop();
}

void Connection::warn(const std::string& what) const {
  if (diagnostics_) diagnostics_->warn(settings_.url_text + ": " + what);
  else std::fprintf(stderr, "%s: %s: %s\n", program_name().c_str(), settings_.url_text.c_str(), what.c_str());
}

Connection::Attempt Connection::attempt() {
  Attempt a;
  try {
    // Built afresh for each attempt: paho.mqtt.cpp 1.2's copies of connect options with
    // properties leave the C structure pointing into the original (seen crashing).
    auto token = client_->connect(build_connect_options(settings_));
    if (!token->wait_for(std::chrono::duration_cast<std::chrono::milliseconds>(settings_.connect_timeout) + std::chrono::seconds(2))) {
      a.why = "no answer within " + format_duration(settings_.connect_timeout);
      return a;
    }
    a.session_present = token->get_connect_response().is_session_present();
    a.ok = true;
  } catch (const ::mqtt::exception& e) {
    const int reason = settings_.version == 5 && e.get_reason_code() != 255 ? e.get_reason_code() : 0;
    a.why = refusal(e.get_return_code(), reason, a.kind);
    if (a.why.empty()) {
      a.why = e.get_message().empty() ? e.get_error_str() : e.get_message();
      if (a.why.empty()) a.why = e.what();
    }
  }
  return a;
}

void Connection::start(Hooks hooks) {
  hooks_ = std::move(hooks);
  client_->set_connected_handler([this](const std::string&) {
    if (hooks_.on_paho_thread_connected) hooks_.on_paho_thread_connected();
  });
  // The first connect: once, or (?retry) until it works; credentials refused are final.
  Attempt last;
  ReconnectSteps steps;
  steps.attempt = [&]() -> std::optional<std::string> {
    last = attempt();
    if (last.ok) return std::nullopt;
    return "cannot connect to the MQTT broker at " + settings_.server_uri + ": " + last.why;
  };
  steps.wait = [&](Duration d) {
    if (last.kind == ErrorKind::refused) return true;
    const auto until = Clock::now() + d;
    while (Clock::now() < until)
      if (stop_requested()) return true;
      else std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return false;
  };
  steps.failed = [&](uint64_t n, const std::string& why) {
    if (settings_.retry_forever && last.kind != ErrorKind::refused && (n & (n - 1)) == 0)
      warn(why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  if (const auto failure = reconnect(RetryPolicy{settings_.retry_forever, Duration(0)}, Clock::now(), steps))
    throw Error(last.kind, *failure);
  {
    std::lock_guard lock(mutex_);
    connected_ = true;
  }
  if (hooks_.connected) hooks_.connected(last.session_present, true);
  supervisor_ = std::thread([this] { supervise(); });
}

bool Connection::connected() const {
  std::lock_guard lock(mutex_);
  return connected_;
}

void Connection::on_lost(const std::string& cause) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || lost_) return;
    connected_ = false;
    lost_ = true;
    lost_since_ = Clock::now();
  }
  changed_.notify_all();
  warn("connection lost" + (cause.empty() ? std::string() : " (" + cause + ")") + "; reconnecting");
  if (hooks_.lost) hooks_.lost();
}

void Connection::supervise() {
  std::unique_lock lock(mutex_);
  for (;;) {
    changed_.wait(lock, [&] { return stopping_ || lost_; });
    if (stopping_) return;
    const auto since = lost_since_;
    lock.unlock();
    Attempt won;
    ReconnectSteps steps;
    steps.attempt = [&]() -> std::optional<std::string> {
      won = attempt();
      if (won.ok) return std::nullopt;
      return won.why;
    };
    steps.wait = [&](Duration d) {  // a signal does not end this: the source decides then
      std::unique_lock l(mutex_);
      return changed_.wait_for(l, d, [&] { return stopping_; });
    };
    steps.failed = [&](uint64_t n, const std::string& why) {
      if ((n & (n - 1)) == 0)
        warn("cannot reconnect to " + settings_.server_uri + ": " + why + "; retrying (attempt " + std::to_string(n) + ")");
    };
    const auto failure = reconnect(RetryPolicy{settings_.retry_forever, settings_.retry_for}, since, steps);
    lock.lock();
    if (stopping_) return;
    if (!failure) {
      lost_ = false;
      connected_ = true;
      lock.unlock();
      warn("reconnected");
      if (hooks_.connected) {
        try {
          hooks_.connected(won.session_present, false);
        } catch (const std::exception& e) {
          warn(e.what());
        }
      }
      lock.lock();
      continue;
    }
    lock.unlock();
    const std::string reason = "lost the connection to the MQTT broker at " + settings_.server_uri +
                               " and could not reconnect within " + format_duration(settings_.retry_for) + " (" +
                               *failure + "; ?retry keeps trying)";
    warn(reason);
    if (hooks_.gave_up) hooks_.gave_up(reason);
    return;
  }
}

bool Connection::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  // Only paho calls that do not wait for its global lock here: a message callback that
  // arrives now and must not return would hold that lock for good (see source.cpp).
  bool finished = true;
  if (connected()) {
    try {
      finished = client_->disconnect(::mqtt::disconnect_options(1000))->wait_for(std::chrono::seconds(3));
    } catch (const ::mqtt::exception&) {
      // already disconnected
    }
  }
  if (!finished) {
    abandon();
    return false;
  }
  if (supervisor_.joinable()) supervisor_.join();
  client_.reset();
  return true;
}

void Connection::abandon() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  // Deliberately never destroyed, and the reconnect thread left alone: both may wait for
  // paho's global lock, which a message callback that must not return (it would
  // acknowledge its message) holds until the process exits. The owner leaks this object.
  if (supervisor_.joinable()) supervisor_.detach();
  intentionally_leak(client_.release());
}

}  // namespace gsmq::endpoint::mqtt
