// coap:// as a sink: each message is one POST (or ?method=PUT) to the URL's path,
// confirmable unless ?type=non, its body sent block-wise (Block1) when it does not fit
// one datagram. A 2.xx response confirms it; 4.xx refuses it; no answer, RST or 5.xx is
// tried again with back-off, up to ?retries times.
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>

#include "endpoint/backoff.h"
#include "endpoint/coap/client_sink.h"
#include "endpoint/coap/loop.h"
#include "endpoint/coap/mapping.h"
#include "endpoint/coap/pdu_text.h"
#include "endpoint/coap/peer.h"

namespace gsmq::endpoint::coap {
namespace {

// Exchanges open at once. libcoap itself sends one confirmable request at a time
// (NSTART = 1) and queues the rest until each is ACKed; this bounds that queue.
constexpr size_t kWindow = 32;

void release_body(coap_session_t*, void* holder) { delete static_cast<std::shared_ptr<const std::string>*>(holder); }

class ClientSink : public Sink {
 public:
  ClientSink(const Settings& settings, const EndpointOptions& options)
      : settings_(settings), options_(with_diagnostics(options, fallback_diagnostics_)), loop_(std::make_unique<Loop>(options_.diagnostics)) {
    peer_ = std::make_unique<Peer>(
        *loop_, settings_,
        Peer::Callbacks{[this](const coap_pdu_t* sent, const coap_pdu_t* received) { on_response(sent, received); },
                        [this](const coap_pdu_t* sent, coap_nack_reason_t reason) { on_nack(sent, reason); }});
    peer_->check_reachable(*options_.diagnostics);
  }

  ~ClientSink() override {
    // Whatever is still unconfirmed fails now: every `done` runs exactly once.
    loop_->call([&](coap_context_t*) {
      waiting_.clear();
      while (!requests_.empty())
        finish(requests_.begin()->first, SendResult::failed(settings_.url + ": sink closed before a response"));
    });
    loop_.reset();
    peer_.reset();
  }

  void send(Message message, Done done) override {
    auto request = std::make_shared<Request>();
    request->path = split_path(sink_path(settings_.path, message.channel));
    request->content_format = settings_.content_format;
    if (const auto it = message.meta.find("coap.content-format"); it != message.meta.end()) {
      if (const auto cf = parse_content_format(it->second)) request->content_format = cf;
    }
    if (!request->content_format && message.body_is_json) request->content_format = 50;  // application/json
    if (settings_.envelope) {
      request->body = std::make_shared<const std::string>(format_envelope(message));
      request->content_format = 50;  // application/json
    } else {
      request->body = std::make_shared<const std::string>(std::move(message.body));
    }
    request->id = message.id;
    request->done = std::move(done);
    {
      std::lock_guard lock(mutex_);
      ++outstanding_;
    }
    loop_->post([this, request](coap_context_t*) {
      const uint64_t id = ++next_id_;
      requests_[id] = std::move(*request);
      waiting_.push_back(id);
      start_waiting();
    });
  }

  bool flush(Clock::time_point deadline) override {
    std::unique_lock lock(mutex_);
    return settled_.wait_until(lock, deadline, [&] { return outstanding_ == 0; });
  }

 private:
  enum class Heard { answer, nothing };  // did the peer say anything to the last attempt

  struct Request {
    std::vector<std::string> path;
    std::optional<uint16_t> content_format;
    std::shared_ptr<const std::string> body;
    std::string id;  // the message's, for --print
    Done done;
    unsigned attempt = 0;
    std::string token;  // of the current attempt
  };

  std::string target(const Request& r) const {
    std::string path;
    for (const auto& s : r.path) path += "/" + s;
    return (settings_.secure ? "coaps://" : "coap://") + peer_->address() + (path.empty() ? "/" : path);
  }

  // Loop thread: starts waiting requests while fewer than kWindow exchanges are open, so
  // that a request's timeout runs from when it is sent, not from when it was queued.
  void start_waiting() {
    while (!waiting_.empty() && open_exchanges_ < kWindow) {
      const uint64_t id = waiting_.front();
      waiting_.pop_front();
      if (!requests_.contains(id)) continue;
      ++open_exchanges_;
      transmit(id);
    }
  }

  // Loop thread: sends the current attempt of request `id`.
  void transmit(uint64_t id) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    Request& r = it->second;
    coap_session_t* session = peer_->session();
    coap_pdu_t* pdu = coap_new_pdu(settings_.confirmable ? COAP_MESSAGE_CON : COAP_MESSAGE_NON,
                                   settings_.put ? COAP_REQUEST_CODE_PUT : COAP_REQUEST_CODE_POST, session);
    if (!pdu) return attempt_failed(id, "cannot build a CoAP request", false);
    uint8_t token[8];
    size_t token_length = 0;
    coap_session_new_token(session, &token_length, token);
    coap_add_token(pdu, token_length, token);
    r.token.assign(reinterpret_cast<const char*>(token), token_length);
    coap_optlist_t* options = nullptr;
    for (const auto& segment : r.path)
      coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_URI_PATH, segment.size(),
                                                     reinterpret_cast<const uint8_t*>(segment.data())));
    if (r.content_format) {
      uint8_t buffer[4];
      const unsigned n = coap_encode_var_safe(buffer, sizeof buffer, *r.content_format);
      coap_insert_optlist(&options, coap_new_optlist(COAP_OPTION_CONTENT_FORMAT, n, buffer));
    }
    const bool options_ok = !options || coap_add_optlist_pdu(pdu, &options);
    coap_delete_optlist(options);
    if (!options_ok) {
      coap_delete_pdu(pdu);
      return attempt_failed(id, "the path or options do not fit a CoAP request", false);
    }
    if (!r.body->empty()) {
      auto* holder = new std::shared_ptr<const std::string>(r.body);
      if (!coap_add_data_large_request(session, pdu, r.body->size(), reinterpret_cast<const uint8_t*>(r.body->data()),
                                       release_body, holder)) {
        coap_delete_pdu(pdu);
        return attempt_failed(id, "cannot attach the body to a CoAP request", false);
      }
    }
    by_token_[r.token] = id;
    if (coap_send(session, pdu) == COAP_INVALID_MID) {
      by_token_.erase(r.token);
      return attempt_failed(id, "libcoap could not send the request", true, Heard::nothing);
    }
    const unsigned attempt = r.attempt;
    loop_->post_at(Clock::now() + settings_.timeout, [this, id, attempt](coap_context_t*) {
      const auto it2 = requests_.find(id);
      if (it2 != requests_.end() && it2->second.attempt == attempt)
        attempt_failed(id, "no response within " + format_duration(settings_.timeout), true, Heard::nothing);
    });
  }

  void on_response(const coap_pdu_t*, const coap_pdu_t* received) {
    const auto t = by_token_.find(token_of(received));
    if (t == by_token_.end()) return;  // late answer to an attempt already given up
    const uint64_t id = t->second;
    const uint8_t code = static_cast<uint8_t>(coap_pdu_get_code(received));
    std::string text = code_text(code);
    if (const std::string diagnostic = body_of(received);
        !diagnostic.empty() && classify(code) != Outcome::confirmed && text.find(diagnostic) == std::string::npos)
      text += " (" + diagnostic.substr(0, 200) + ")";
    switch (classify(code)) {
      case Outcome::confirmed: {
        backoff_.reset();
        SendResult ok;
        ok.channel = options_from_path(requests_.at(id).path);
        ok.retries = requests_.at(id).attempt;
        ok.id = requests_.at(id).id;
        return finish(id, ok);
      }
      case Outcome::refused: return attempt_failed(id, text, false);
      case Outcome::retry: return attempt_failed(id, text, true);
    }
  }

  static std::string options_from_path(const std::vector<std::string>& path) {
    std::string out;
    for (const auto& s : path) out += (out.empty() ? "" : "/") + s;
    return out;
  }

  void on_nack(const coap_pdu_t* sent, coap_nack_reason_t reason) {
    if (!sent) return;
    const auto t = by_token_.find(token_of(sent));
    if (t == by_token_.end()) return;
    switch (reason) {
      case COAP_NACK_ICMP_ISSUE: return;  // libcoap keeps retransmitting; the peer may come back
      case COAP_NACK_RST: return attempt_failed(t->second, "the peer reset the request (RST)", true);
      case COAP_NACK_TLS_FAILED: return attempt_failed(t->second, "DTLS failed", true, Heard::nothing);
      default: {
        std::string why = "no answer after " + std::to_string(settings_.max_retransmit) + " retransmissions";
        if (const auto icmp = loop_->take_icmp_error(); !icmp.empty()) why += " (" + icmp + ")";
        return attempt_failed(t->second, why, true, Heard::nothing);
      }
    }
  }

  // Loop thread: this attempt failed; try again after a back-off, or give up. A message
  // given up on without a word from the peer means the peer is gone: the run stops
  // (SendResult::unavailable, exit 4) instead of waiting the same out for every message.
  void attempt_failed(uint64_t id, const std::string& why, bool retryable, Heard heard = Heard::answer) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    Request& r = it->second;
    by_token_.erase(r.token);
    if (retryable && r.attempt < settings_.retries) {
      ++r.attempt;
      const auto wait = backoff_.next();
      options_.diagnostics->warn("coap: " + target(r) + ": " + why + "; trying again in " + format_duration(wait));
      loop_->post_at(Clock::now() + wait, [this, id](coap_context_t*) { transmit(id); });
      return;
    }
    std::string text = target(r) + ": " + why;
    if (r.attempt > 0) text += " (after " + std::to_string(r.attempt + 1) + " attempts)";
    SendResult result = heard == Heard::nothing ? SendResult::unavailable(text) : SendResult::failed(text);
    result.retries = r.attempt;
    finish(id, result);
  }

  void finish(uint64_t id, const SendResult& result) {
    auto it = requests_.find(id);
    if (it == requests_.end()) return;
    by_token_.erase(it->second.token);
    Done done = std::move(it->second.done);
    requests_.erase(it);
    --open_exchanges_;
    start_waiting();
    done(result);
    {
      std::lock_guard lock(mutex_);
      --outstanding_;
    }
    settled_.notify_all();
  }

  Diagnostics fallback_diagnostics_;
  Settings settings_;
  EndpointOptions options_;
  // Loop thread only.
  std::map<uint64_t, Request> requests_;
  std::map<std::string, uint64_t> by_token_;
  std::deque<uint64_t> waiting_;  // not sent yet
  size_t open_exchanges_ = 0;     // sent (or between retries), not finished
  uint64_t next_id_ = 0;
  Backoff backoff_;
  // Shared.
  std::mutex mutex_;
  std::condition_variable settled_;
  size_t outstanding_ = 0;
  std::unique_ptr<Peer> peer_;
  std::unique_ptr<Loop> loop_;  // declared last: its thread stops first
};

}  // namespace

std::unique_ptr<Sink> open_client_sink(const Settings& settings, const EndpointOptions& options) {
  return std::make_unique<ClientSink>(settings, options);
}

}  // namespace gsmq::endpoint::coap
