#include "endpoint/coap/peer.h"

#include "endpoint/backoff.h"
#include "endpoint/coap/address.h"
#include "endpoint/coap/security.h"
#include "util/signals.h"

namespace gsmq::endpoint::coap {
namespace {

Peer* peer_of(coap_session_t* session) {
  return static_cast<Peer*>(coap_get_app_data(coap_session_get_context(session)));
}

coap_fixed_point_t fixed_point(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return coap_fixed_point_t{static_cast<uint16_t>(ms / 1000), static_cast<uint16_t>(ms % 1000)};
}

}  // namespace

Peer::Peer(Loop& loop, const Settings& settings, Callbacks callbacks)
    : loop_(loop), settings_(settings), callbacks_(std::move(callbacks)) {
  const coap_address_t address = resolve_address(settings.host, settings.port);
  address_text_ = address_text(address);
  loop_.call([&](coap_context_t* ctx) {
    coap_set_app_data(ctx, this);
    coap_register_response_handler(ctx, on_response);
    coap_register_nack_handler(ctx, on_nack);
    coap_register_pong_handler(ctx, on_pong);
    coap_register_event_handler(ctx, on_event);
    session_ = open_client_session(ctx, address, settings_);
    if (!session_) throw Error(ErrorKind::unavailable, settings_.url + ": cannot open a CoAP session to " + address_text_);
    coap_session_set_ack_timeout(session_, fixed_point(settings_.ack_timeout));
    coap_session_set_max_retransmit(session_, settings_.max_retransmit);
  });
}

bool Peer::ping_once(Duration timeout, std::string& why) {
  const auto deadline = Clock::now() + timeout;
  loop_.take_icmp_error();
  std::string icmp;
  loop_.call([&](coap_context_t*) {
    ping_ = PingState::waiting;
    dtls_error_.clear();
  });
  bool sent = false;
  const bool done = loop_.wait_until(
      [&](coap_context_t*) {
        if (!sent && coap_session_get_state(session_) == COAP_SESSION_STATE_ESTABLISHED) {
          // DTLS sessions are pinged once the handshake is through.
          if (coap_session_send_ping(session_) == COAP_INVALID_MID) ping_ = PingState::failed;
          sent = true;
        }
        if (!dtls_error_.empty()) ping_ = PingState::failed;
        if (std::string e = loop_.take_icmp_error(); !e.empty()) {
          icmp = e;
          ping_ = PingState::refused;
        }
        return ping_ != PingState::waiting;
      },
      deadline);
  const PingState state = loop_.call([&](coap_context_t*) { return std::exchange(ping_, PingState::idle); });
  if (done && state == PingState::answered) return true;
  if (state == PingState::refused || !icmp.empty())
    why = "nothing listens at " + address_text_ + " (" + (icmp.empty() ? "refused" : icmp) + ")";
  else if (!dtls_error_.empty())
    why = "DTLS handshake with " + address_text_ + " failed (" + dtls_error_ + ")";
  else if (settings_.secure && !sent)
    why = "no DTLS session with " + address_text_ + " within " + format_duration(timeout) +
          " (wrong key or certificate, or no DTLS server there)";
  else
    why = "no CoAP answer from " + address_text_ + " within " + format_duration(timeout);
  return false;
}

void Peer::check_reachable(Diagnostics& diagnostics) {
  Backoff backoff;
  for (;;) {
    std::string why;
    if (ping_once(settings_.connect_timeout, why)) return;
    if (!settings_.retry) throw Error(ErrorKind::unavailable, settings_.url + ": " + why);
    if (stop_requested()) throw Error(ErrorKind::unavailable, settings_.url + ": " + why + "; stopped");
    const auto wait = backoff.next();
    diagnostics.warn("coap: " + why + "; trying again in " + format_duration(wait));
    const auto until = Clock::now() + wait;
    while (Clock::now() < until && !stop_requested()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

coap_response_t Peer::on_response(coap_session_t* session, const coap_pdu_t* sent, const coap_pdu_t* received, coap_mid_t) {
  Peer* self = peer_of(session);
  if (self->callbacks_.response) self->callbacks_.response(sent, received);
  return COAP_RESPONSE_OK;
}

void Peer::on_nack(coap_session_t* session, const coap_pdu_t* sent, coap_nack_reason_t reason, coap_mid_t) {
  Peer* self = peer_of(session);
  const bool is_ping = sent && coap_pdu_get_code(sent) == COAP_EMPTY_CODE;
  if (is_ping || self->ping_ == PingState::waiting) {
    if (is_ping && reason == COAP_NACK_RST) self->ping_ = PingState::answered;  // RST is how a ping is answered
    else if (reason == COAP_NACK_ICMP_ISSUE || reason == COAP_NACK_NOT_DELIVERABLE) self->ping_ = PingState::refused;
    else if (reason == COAP_NACK_TLS_FAILED) {
      self->dtls_error_ = "TLS failed";
      self->ping_ = PingState::failed;
    } else if (is_ping) {
      self->ping_ = PingState::failed;
    }
    if (is_ping) return;
  }
  if (self->callbacks_.nack) self->callbacks_.nack(sent, reason);
}

void Peer::on_pong(coap_session_t* session, const coap_pdu_t*, coap_mid_t) {
  Peer* self = peer_of(session);
  if (self->ping_ == PingState::waiting) self->ping_ = PingState::answered;
}

int Peer::on_event(coap_session_t* session, coap_event_t event) {
  Peer* self = peer_of(session);
  if (event == COAP_EVENT_DTLS_ERROR) self->dtls_error_ = "DTLS error: wrong key or certificate?";
  else if (event == COAP_EVENT_DTLS_CLOSED && self->ping_ == PingState::waiting) self->dtls_error_ = "closed by the peer";
  return 0;
}

}  // namespace gsmq::endpoint::coap
