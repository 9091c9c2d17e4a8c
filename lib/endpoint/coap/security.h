// DTLS for coaps:// (docs/endpoints/coap.md): a pre-shared key from the URL's
// IDENTITY:KEY@, or certificates from ?cert ?key ?ca ?insecure ?sni, for the listening
// server and for client sessions alike. Plain coap:// passes straight through.
#pragma once

#include <coap3/coap.h>

#include "endpoint/coap/settings.h"

namespace gsmq::endpoint::coap {

// Loop thread: sets up the server side; returns the protocol to listen with.
// `settings` must outlive the context (libcoap keeps pointers into it).
coap_proto_t setup_server_security(coap_context_t* ctx, const Settings& settings);

// Loop thread: a client session to `address` (plain UDP or DTLS); Error on bad
// TLS settings, nullptr if libcoap cannot create it.
coap_session_t* open_client_session(coap_context_t* ctx, const coap_address_t& address, const Settings& settings);

}  // namespace gsmq::endpoint::coap
