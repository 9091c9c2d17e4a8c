// Room on the data directory's file system. Sends are refused while it has less free
// space than a floor (--min-free-space) or a write found it full, so that what writes
// little (receives, acks, settlements) keeps working; they are taken again as soon as
// there is room, without a restart.
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <system_error>

namespace gsmq::server {

class DiskSpace {
 public:
  DiskSpace(std::filesystem::path dir, uint64_t min_free) : dir_(std::move(dir)), min_free_(min_free) {}

  // "" when a send may be stored; otherwise why not, starting with kDiskFull. Asks the
  // file system (statvfs) on every call; logs when refusing starts and ends.
  std::string refusal();

 private:
  const std::filesystem::path dir_;
  const uint64_t min_free_;
  std::atomic<bool> refusing_{false};
};

// Every refusal for lack of disk space starts with this.
inline constexpr std::string_view kDiskFull = "disk full: ";

// What a sender is told when storing its messages failed with `ec`: ENOSPC and EDQUOT
// name the full disk (kDiskFull), anything else is "cannot store message: <error>".
std::string store_error_text(std::error_code ec);

// A refusal for lack of room (a full channel, link backlog or disk): a unary Send answers
// it with RESOURCE_EXHAUSTED.
bool is_room_refusal(std::string_view error);

}  // namespace gsmq::server
