// One hiredis connection to a Redis server: connect (AUTH, SELECT) within
// ?connect_timeout (exit 4, or 6 when the password is refused, unless ?retry), commands
// with binary-safe arguments, and reconnecting after a lost connection under the shared
// retry policy (?retry_for). hiredis 0.14 does not follow cluster redirections: a MOVED
// or ASK reply comes back as an error.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <hiredis/hiredis.h>

#include "endpoint/redis/settings.h"

namespace gsmq::endpoint::redis {

struct ReplyFree {
  void operator()(redisReply* r) const { freeReplyObject(r); }
};
using Reply = std::unique_ptr<redisReply, ReplyFree>;

class Connection {
 public:
  // Connects; Error(unavailable) or Error(refused).
  Connection(Settings settings, Diagnostics* diagnostics);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const Settings& settings() const { return settings_; }

  // Sends one command; nullptr when the connection failed (why in `error`). An error
  // reply is a reply (REDIS_REPLY_ERROR).
  Reply command(const std::vector<std::string>& args, std::string& error);

  // Pipelining: appends commands, then reads their replies in order.
  bool append(const std::vector<std::string>& args, std::string& error);
  Reply read_reply(std::string& error);

  // Pipelining from two threads (one writes, one reads, the caller serialises the
  // calls): the socket, writing what was appended, reading what has arrived (call only
  // when the socket is readable), and taking a complete reply (nullptr: none yet).
  int fd() const { return ctx_ ? ctx_->fd : -1; }
  bool write_appended(std::string& error);
  bool read_arrived(std::string& error);
  Reply take_reply();

  // After a failed command: reconnects under the policy (the loss began at the first
  // failure since the last success). Throws Error(unavailable) when it gives up.
  void reconnect_or_throw();

  void warn(const std::string& what) const;

 private:
  std::optional<std::string> open(ErrorKind& kind);
  Settings settings_;
  Diagnostics* diagnostics_;
  redisContext* ctx_ = nullptr;
};

// The text of an error reply ("WRONGTYPE ..."), or of an unexpected reply.
std::string reply_text(const redisReply* r);

}  // namespace gsmq::endpoint::redis
