#include "endpoint/file/registration.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>

#include "endpoint/lines/sink.h"
#include "endpoint/lines/source.h"
#include "endpoint/params.h"

namespace gsmq::endpoint::file {
namespace {
int open_or_throw(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd >= 0) return fd;
  const int err = errno;
  const ErrorKind kind = (err == EACCES || err == EPERM) ? ErrorKind::refused : ErrorKind::unavailable;
  throw Error(kind, "cannot open " + path + ": " + std::strerror(err));
}

std::unique_ptr<Source> open_source(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  const int fd = open_or_throw(url.path, O_RDONLY);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {  // open(2) allows it, read(2) would not
    ::close(fd);
    throw Error(ErrorKind::unavailable, "cannot open " + url.path + ": " + std::strerror(EISDIR));
  }
  return std::make_unique<lines::LinesSource>(fd, true, options.follow || params.flag("follow"), options);
}

std::unique_ptr<Sink> open_sink(const EndpointUrl& url, const Params& params, const EndpointOptions& options) {
  const int fd = open_or_throw(url.path, O_WRONLY | O_CREAT | O_APPEND);
  return std::make_unique<lines::LinesSink>(fd, true, params.flag("fsync"), options);
}

constexpr std::array kSchemes = {Scheme{.name = "file", .doc = "a file of JSON lines: read (or followed), or appended to"}};

constexpr std::array kParams = {
    ParamSpec{.name = "follow", .type = ParamType::boolean, .default_value = "0", .roles = kSource,
              .doc = "at the end of the file, wait for more (like --follow, tail -f)"},
    ParamSpec{.name = "fsync", .type = ParamType::boolean, .default_value = "0", .roles = kSink,
              .doc = "flush each record to disk (fdatasync) before it counts as delivered"},
};

}  // namespace

constexpr Adapter kAdapter{.kind = "file", .schemes = kSchemes, .params = kParams,
                           .open_source = open_source, .open_sink = open_sink};

}  // namespace gsmq::endpoint::file
