// Small readers of libcoap PDUs shared by the coap:// adapters: options as numbers or
// text, the token as bytes, the payload (whole body under COAP_BLOCK_SINGLE_BODY).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <coap3/coap.h>

namespace gsmq::endpoint::coap {

std::optional<uint32_t> uint_option(const coap_pdu_t* pdu, uint16_t number);
std::string token_of(const coap_pdu_t* pdu);
std::string body_of(const coap_pdu_t* pdu);
std::string uri_path_of(const coap_pdu_t* pdu);
std::string uri_query_of(const coap_pdu_t* pdu);

}  // namespace gsmq::endpoint::coap
