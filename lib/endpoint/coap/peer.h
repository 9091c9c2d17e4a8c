// A client session to the URL's host and port, on a Loop: opened (plain UDP or DTLS),
// given the URL's retransmission settings, checked reachable (a CoAP ping), and with
// libcoap's response and NACK callbacks routed to the adapter that owns it.
#pragma once

#include <functional>
#include <string>

#include "endpoint/coap/loop.h"
#include "endpoint/coap/settings.h"

namespace gsmq::endpoint::coap {

class Peer {
 public:
  struct Callbacks {
    std::function<void(const coap_pdu_t* sent, const coap_pdu_t* received)> response;
    std::function<void(const coap_pdu_t* sent, coap_nack_reason_t reason)> nack;
  };

  // Loop thread not required: opens the session through loop.call(). `settings` must
  // outlive the Peer. Error(unavailable) when the host does not resolve.
  Peer(Loop& loop, const Settings& settings, Callbacks callbacks);

  // Pings the peer until it answers. Without ?retry gives up after ?connect_timeout (or
  // at once when the port is refused) with Error(unavailable); with ?retry keeps
  // trying with back-off until a stop was requested.
  void check_reachable(Diagnostics& diagnostics);

  // Loop thread only.
  coap_session_t* session() const { return session_; }
  // "127.0.0.1:5683", for messages.
  const std::string& address() const { return address_text_; }

 private:
  enum class PingState { idle, waiting, answered, refused, failed };
  bool ping_once(Duration timeout, std::string& why);

  static coap_response_t on_response(coap_session_t*, const coap_pdu_t* sent, const coap_pdu_t* received, coap_mid_t);
  static void on_nack(coap_session_t*, const coap_pdu_t* sent, coap_nack_reason_t reason, coap_mid_t);
  static void on_pong(coap_session_t*, const coap_pdu_t*, coap_mid_t);
  static int on_event(coap_session_t*, coap_event_t event);

  Loop& loop_;
  const Settings& settings_;
  Callbacks callbacks_;
  coap_session_t* session_ = nullptr;
  std::string address_text_;
  PingState ping_ = PingState::idle;  // loop thread
  std::string dtls_error_;            // loop thread
};

}  // namespace gsmq::endpoint::coap
