// Host names and ports to libcoap addresses, and back to text for messages.
#pragma once

#include <cstdint>
#include <string>

#include <coap3/coap.h>

namespace gsmq::endpoint::coap {

// Resolves `host` (empty: every IPv4 interface, for listening) and `port`;
// Error(unavailable) when the name does not resolve.
coap_address_t resolve_address(const std::string& host, uint16_t port);

// True when a UDP socket can bind `address` now. libcoap binds with SO_REUSEADDR, which
// on Linux lets a second server share a port silently; this check (without it) does not.
bool udp_address_free(const coap_address_t& address, std::string& error);

// "127.0.0.1:5683", "[::1]:5683".
std::string address_text(const coap_address_t& address);

}  // namespace gsmq::endpoint::coap
