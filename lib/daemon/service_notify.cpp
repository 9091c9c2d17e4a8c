#include "daemon/service_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <string>

#include "util/log.h"

namespace gsmq::daemon {

bool notify_service_manager(std::string_view state) {
  const char* socket_name = std::getenv("NOTIFY_SOCKET");
  if (!socket_name || !*socket_name) return false;
  const std::string name = socket_name;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if ((name[0] != '/' && name[0] != '@') || name.size() >= sizeof address.sun_path) {
    log::warn("NOTIFY_SOCKET is not a socket path or @name; not telling the service manager",
              {{"notify_socket", name}});
    return false;
  }
  std::memcpy(address.sun_path, name.data(), name.size());
  if (name[0] == '@') address.sun_path[0] = '\0';  // an abstract socket
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
  const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL,
                                reinterpret_cast<const sockaddr*>(&address), length);
  const int error = errno;
  ::close(fd);
  if (sent != static_cast<ssize_t>(state.size())) {
    log::warn("cannot notify the service manager",
              {{"notify_socket", name}, {"error", std::strerror(error)}});
    return false;
  }
  return true;
}

}  // namespace gsmq::daemon
