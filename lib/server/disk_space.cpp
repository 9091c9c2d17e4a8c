// DiskSpace: the free-space floor, asked of statvfs(3).
#include "server/disk_space.h"

#include <sys/statvfs.h>

#include <cerrno>

#include "util/log.h"
#include "util/size.h"

namespace gsmq::server {

std::string DiskSpace::refusal() {
  struct statvfs st {};
  if (::statvfs(dir_.c_str(), &st) != 0) return "";  // cannot tell: let the write find out
  const uint64_t free = static_cast<uint64_t>(st.f_bavail) * st.f_frsize;
  std::string why;
  if (free == 0)
    why = std::string(kDiskFull) + "the file system of the data directory " + dir_.string() + " is full";
  else if (free < min_free_)
    why = std::string(kDiskFull) + "the data directory " + dir_.string() + " has " + std::to_string(free) +
          " bytes free, less than --min-free-space " + format_size(min_free_);
  const bool refusing = !why.empty();
  if (refusing_.exchange(refusing) != refusing) {
    if (refusing) log::warn("refusing sends: too little disk space", {{"free_bytes", std::to_string(free)}});
    else log::info("taking sends again: disk space is back", {{"free_bytes", std::to_string(free)}});
  }
  return why;
}

std::string store_error_text(std::error_code ec) {
  if (ec == std::errc::no_space_on_device || (ec.category() == std::generic_category() && ec.value() == EDQUOT))
    return std::string(kDiskFull) + "cannot store message: " + ec.message();
  return "cannot store message: " + ec.message();
}

bool is_room_refusal(std::string_view error) {
  return error.starts_with(kDiskFull) || error.find("is full") != std::string_view::npos;
}

}  // namespace gsmq::server
