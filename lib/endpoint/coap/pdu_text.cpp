#include "endpoint/coap/pdu_text.h"

namespace gsmq::endpoint::coap {

std::optional<uint32_t> uint_option(const coap_pdu_t* pdu, uint16_t number) {
  coap_opt_iterator_t iterator;
  const coap_opt_t* option = coap_check_option(pdu, number, &iterator);
  if (!option) return std::nullopt;
  return coap_decode_var_bytes(coap_opt_value(option), coap_opt_length(option));
}

std::string token_of(const coap_pdu_t* pdu) {
  const coap_bin_const_t token = coap_pdu_get_token(pdu);
  return std::string(reinterpret_cast<const char*>(token.s), token.length);
}

std::string body_of(const coap_pdu_t* pdu) {
  size_t size = 0, offset = 0, total = 0;
  const uint8_t* data = nullptr;
  if (!coap_get_data_large(pdu, &size, &data, &offset, &total) || !data) return {};
  return std::string(reinterpret_cast<const char*>(data), size);
}

std::string uri_path_of(const coap_pdu_t* pdu) {
  coap_string_t* path = coap_get_uri_path(pdu);
  if (!path) return {};
  std::string out(reinterpret_cast<const char*>(path->s), path->length);
  coap_delete_string(path);
  return out;
}

std::string uri_query_of(const coap_pdu_t* pdu) {
  coap_string_t* query = coap_get_query(pdu);
  if (!query) return {};
  std::string out(reinterpret_cast<const char*>(query->s), query->length);
  coap_delete_string(query);
  return out;
}

}  // namespace gsmq::endpoint::coap
