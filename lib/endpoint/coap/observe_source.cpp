// coap:// connecting, as a source: observes the URL's resource (RFC 7641); the first
// response and every notification are one message each. Notifications carry state, not a
// queue: libcoap acknowledges them on arrival. When notifications stop for longer than
// their Max-Age, the registration is lost or the server ends it (4.04 when it shuts down),
// it registers again with back-off.
#include <mutex>

#include "endpoint/backoff.h"
#include "endpoint/coap/observe_source.h"
#include "endpoint/coap/loop.h"
#include "endpoint/coap/mapping.h"
#include "endpoint/coap/pdu_text.h"
#include "endpoint/coap/peer.h"
#include "endpoint/inbox.h"
#include "util/signals.h"

namespace gsmq::endpoint::coap {
namespace {

constexpr auto kDefaultMaxAge = std::chrono::seconds(60);  // RFC 7252 Max-Age default
constexpr auto kMaxAgeGrace = std::chrono::seconds(5);

class ObserveSource : public Source {
 public:
  ObserveSource(const Settings& settings, const EndpointOptions& options)
      : settings_(settings), options_(with_diagnostics(options, fallback_diagnostics_)), loop_(std::make_unique<Loop>(options_.diagnostics)) {
    peer_ = std::make_unique<Peer>(
        *loop_, settings_,
        Peer::Callbacks{[this](const coap_pdu_t*, const coap_pdu_t* received) { on_response(received); },
                        [this](const coap_pdu_t* sent, coap_nack_reason_t reason) { on_nack(sent, reason); }});
    peer_->check_reachable(*options_.diagnostics);
    loop_->call([&](coap_context_t*) { subscribe(); });
  }

  ~ObserveSource() override { close(); }

  Status next(Delivery& out, Clock::time_point deadline) override {
    Message m;
    switch (ready_.take(m, deadline)) {
      case Inbox<Message>::Taken::item:
        out = Delivery{std::move(m), ++next_tag_};
        return Status::message;
      case Inbox<Message>::Taken::timeout: return Status::timeout;
      case Inbox<Message>::Taken::stopped: return Status::stopped;
      case Inbox<Message>::Taken::closed: break;
    }
    std::lock_guard lock(mutex_);
    if (!fatal_.empty()) throw Error(ErrorKind::unavailable, settings_.url + ": " + fatal_);
    return Status::end;
  }

  void close() override {
    if (closed_.exchange(true) || !loop_) return;
    // Deregister (RFC 7641 3.6), so the server stops notifying; bounded wait for the answer.
    loop_->call([&](coap_context_t*) {
      if (token_.empty()) return;
      coap_binary_t token{token_.size(), reinterpret_cast<uint8_t*>(token_.data())};
      coap_cancel_observe(peer_->session(), &token, COAP_MESSAGE_CON);
      token_.clear();
    });
    loop_->wait_until([](coap_context_t* ctx) { return coap_can_exit(ctx) != 0; }, Clock::now() + std::chrono::seconds(2));
  }

 private:
  // Loop thread: a new registration (GET with Observe: 0) with a new token.
  void subscribe() {
    if (closed_) return;
    coap_session_t* session = peer_->session();
    coap_pdu_t* pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, session);
    if (!pdu) return retry_later("cannot build the observe request");
    uint8_t token[8];
    size_t length = 0;
    coap_session_new_token(session, &length, token);
    coap_add_token(pdu, length, token);
    token_.assign(reinterpret_cast<const char*>(token), length);
    coap_optlist_t* options = nullptr;
    uint8_t observe[4];
    coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_OBSERVE, coap_encode_var_safe(observe, sizeof observe, COAP_OBSERVE_ESTABLISH), observe));
    for (const auto& segment : split_path(settings_.path))
      coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_URI_PATH, segment.size(),
                                                     reinterpret_cast<const uint8_t*>(segment.data())));
    coap_add_optlist_pdu(pdu, &options);
    coap_delete_optlist(options);
    fresh_registration_ = true;
    if (coap_send(session, pdu) == COAP_INVALID_MID) return retry_later("cannot send the observe request");
    arm_watchdog(settings_.timeout);
  }

  // Loop thread: re-register unless a notification arrives within `within`.
  void arm_watchdog(Duration within) {
    const uint64_t generation = ++watchdog_generation_;
    loop_->post_at(Clock::now() + within, [this, generation](coap_context_t*) {
      if (generation != watchdog_generation_ || closed_) return;
      options_.diagnostics->warn("coap: no notification from " + settings_.url + " in time; registering again");
      subscribe();
    });
  }

  void retry_later(const std::string& why) {
    ++watchdog_generation_;  // the pending watchdog is void
    token_.clear();
    const auto wait = backoff_.next();
    options_.diagnostics->warn("coap: observing " + settings_.url + ": " + why + "; registering again in " + format_duration(wait));
    loop_->post_at(Clock::now() + wait, [this](coap_context_t*) { subscribe(); });
  }

  void fail(const std::string& why) {
    ++watchdog_generation_;
    token_.clear();
    {
      std::lock_guard lock(mutex_);
      fatal_ = why;
    }
    ready_.end();
  }

  void on_response(const coap_pdu_t* received) {
    if (token_.empty() || token_of(received) != token_) return;
    const uint8_t code = static_cast<uint8_t>(coap_pdu_get_code(received));
    if (classify(code) != Outcome::confirmed) {
      // Refused at the start (no such resource, say) is an error; later, a 4.04 is how a
      // server going away (or deleting the resource) ends observations: it may come back.
      const std::string why = code_text(code) + (body_of(received).empty() ? "" : " (" + body_of(received) + ")");
      if (classify(code) == Outcome::refused && !delivered_any_ && !settings_.retry) return fail(why);
      return retry_later(why);
    }
    backoff_.reset();
    const auto observe = uint_option(received, COAP_OPTION_OBSERVE);
    Message m;
    m.channel = options_from_path();
    m.body = body_of(received);
    const auto cf = uint_option(received, COAP_OPTION_CONTENT_FORMAT);
    if (cf) m.meta["coap.content-format"] = std::to_string(*cf);
    m.body_is_json = body_is_json(cf, m.body);
    if (observe) m.meta["coap.observe"] = std::to_string(*observe);
    m.meta["coap.code"] = code_text(code);
    // The first answer to a new registration repeats the state already delivered.
    const bool repeat = fresh_registration_ && delivered_any_ && m.body == last_body_ &&
                        m.meta["coap.content-format"] == last_format_;
    fresh_registration_ = false;
    if (!repeat) {
      last_body_ = m.body;
      last_format_ = m.meta["coap.content-format"];
      delivered_any_ = true;
      if (m.meta["coap.content-format"].empty()) m.meta.erase("coap.content-format");
      stamp(m);
      ready_.push(std::move(m));
    }
    if (!observe) {
      // Not observable: its current state is all there is.
      options_.diagnostics->warn("coap: " + settings_.url + " is not observable; delivered its current state only");
      ++watchdog_generation_;
      token_.clear();
      ready_.end();
    } else {
      const auto max_age = uint_option(received, COAP_OPTION_MAXAGE);
      arm_watchdog((max_age ? std::chrono::duration_cast<Duration>(std::chrono::seconds(*max_age)) : Duration(kDefaultMaxAge)) +
                   kMaxAgeGrace);
    }
  }

  void on_nack(const coap_pdu_t* sent, coap_nack_reason_t reason) {
    if (token_.empty() || !sent || token_of(sent) != token_) return;
    if (reason == COAP_NACK_ICMP_ISSUE) return;  // libcoap keeps retransmitting
    std::string why = reason == COAP_NACK_RST ? "the server reset the registration (RST)" : "no answer to the registration";
    if (const auto icmp = loop_->take_icmp_error(); !icmp.empty()) why += " (" + icmp + ")";
    retry_later(why);
  }

  std::string options_from_path() const {
    std::string out;
    for (const auto& s : split_path(settings_.path)) out += (out.empty() ? "" : "/") + s;
    return out;
  }

  Diagnostics fallback_diagnostics_;
  Settings settings_;
  EndpointOptions options_;
  std::atomic<bool> closed_{false};
  // Loop thread only.
  std::string token_;  // of the current registration; empty when there is none
  uint64_t watchdog_generation_ = 0;
  bool fresh_registration_ = false, delivered_any_ = false;
  std::string last_body_, last_format_;
  Backoff backoff_;
  // Shared with the pump thread.
  Inbox<Message> ready_;
  std::mutex mutex_;
  std::string fatal_;  // why observing ended for good (ready_ ended), "" when it did not
  uint64_t next_tag_ = 0;  // pump thread only
  std::unique_ptr<Peer> peer_;
  std::unique_ptr<Loop> loop_;  // declared last: its thread stops first
};

}  // namespace

std::unique_ptr<Source> open_observe_source(const Settings& settings, const EndpointOptions& options) {
  return std::make_unique<ObserveSource>(settings, options);
}

}  // namespace gsmq::endpoint::coap
