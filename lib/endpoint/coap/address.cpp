#include "endpoint/coap/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/error.h"

namespace gsmq::endpoint::coap {

coap_address_t resolve_address(const std::string& host, uint16_t port) {
  coap_address_t out;
  coap_address_init(&out);
  addrinfo hints{};
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_family = AF_UNSPEC;
  hints.ai_flags = host.empty() ? AI_PASSIVE : 0;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = getaddrinfo(host.empty() ? "0.0.0.0" : host.c_str(), service.c_str(), &hints, &found);
  if (rc != 0 || !found)
    throw Error(ErrorKind::unavailable, "cannot resolve \"" + host + "\": " + gai_strerror(rc));
  out.size = found->ai_addrlen;
  std::memcpy(&out.addr, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return out;
}

bool udp_address_free(const coap_address_t& address, std::string& error) {
  const int fd = ::socket(address.addr.sa.sa_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    error = std::strerror(errno);
    return false;
  }
  const bool ok = ::bind(fd, &address.addr.sa, address.size) == 0;
  if (!ok) error = std::strerror(errno);
  ::close(fd);
  return ok;
}

std::string address_text(const coap_address_t& address) {
  char host[INET6_ADDRSTRLEN] = "?";
  if (address.addr.sa.sa_family == AF_INET) {
    inet_ntop(AF_INET, &address.addr.sin.sin_addr, host, sizeof host);
    return std::string(host) + ":" + std::to_string(ntohs(address.addr.sin.sin_port));
  }
  if (address.addr.sa.sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &address.addr.sin6.sin6_addr, host, sizeof host);
    return "[" + std::string(host) + "]:" + std::to_string(ntohs(address.addr.sin6.sin6_port));
  }
  return host;
}

}  // namespace gsmq::endpoint::coap
