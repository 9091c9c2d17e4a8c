#include "endpoint/redis/connection.h"

#include <cstdio>

#include "endpoint/reconnect.h"
#include "util/program_name.h"

namespace gsmq::endpoint::redis {
namespace {

timeval to_timeval(Duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  return timeval{static_cast<time_t>(us / 1'000'000), static_cast<suseconds_t>(us % 1'000'000)};
}

std::vector<const char*> pointers(const std::vector<std::string>& args, std::vector<size_t>& lengths) {
  std::vector<const char*> out;
  lengths.clear();
  for (const std::string& a : args) {
    out.push_back(a.data());
    lengths.push_back(a.size());
  }
  return out;
}

bool auth_refused(const std::string& text) {
  return text.starts_with("WRONGPASS") || text.starts_with("NOAUTH") || text.starts_with("ERR invalid password") ||
         text.find("AUTH") != std::string::npos;
}

}  // namespace

std::string reply_text(const redisReply* r) {
  if (!r) return "no reply";
  if (r->type == REDIS_REPLY_ERROR || r->type == REDIS_REPLY_STATUS || r->type == REDIS_REPLY_STRING)
    return std::string(r->str, r->len);
  return "unexpected reply (type " + std::to_string(r->type) + ")";
}

Connection::Connection(Settings settings, Diagnostics* diagnostics)
    : settings_(std::move(settings)), diagnostics_(diagnostics) {
  ErrorKind kind = ErrorKind::unavailable;
  ReconnectSteps steps;
  steps.attempt = [&]() -> std::optional<std::string> { return open(kind); };
  steps.wait = [&](Duration d) { return kind == ErrorKind::refused || sleep_unless_stopped(d); };
  steps.failed = [&](uint64_t n, const std::string& why) {
    if (settings_.retry.forever && kind != ErrorKind::refused && (n & (n - 1)) == 0)
      warn(why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  if (auto failure = reconnect(RetryPolicy{settings_.retry.forever, Duration(0)}, Clock::now(), steps)) {
    if (ctx_) redisFree(ctx_);  // connected but refused: no destructor runs for a throwing constructor
    ctx_ = nullptr;
    throw Error(kind, *failure);
  }
}

Connection::~Connection() {
  if (ctx_) redisFree(ctx_);
}

std::optional<std::string> Connection::open(ErrorKind& kind) {
  kind = ErrorKind::unavailable;
  if (ctx_) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
  const std::string where = settings_.host + ":" + std::to_string(settings_.port);
  redisContext* c = redisConnectWithTimeout(settings_.host.c_str(), settings_.port, to_timeval(settings_.connect_timeout));
  if (!c) return "cannot connect to the Redis server at " + where + ": out of memory";
  if (c->err) {
    std::string why = "cannot connect to the Redis server at " + where + ": " + c->errstr;
    redisFree(c);
    return why;
  }
  redisSetTimeout(c, to_timeval(std::max<Duration>(settings_.connect_timeout, std::chrono::seconds(5))));
  ctx_ = c;
  std::string error;
  if (!settings_.password.empty()) {
    std::vector<std::string> args = {"AUTH"};
    if (!settings_.user.empty()) args.push_back(settings_.user);
    args.push_back(settings_.password);
    Reply r = command(args, error);
    if (!r || r->type == REDIS_REPLY_ERROR) {
      const std::string text = r ? reply_text(r.get()) : error;
      if (r && auth_refused(text)) kind = ErrorKind::refused;
      return "the Redis server at " + where + " refused the login: " + text;
    }
  }
  if (settings_.db) {
    Reply r = command({"SELECT", std::to_string(settings_.db)}, error);
    if (!r || r->type == REDIS_REPLY_ERROR) return "SELECT " + std::to_string(settings_.db) + ": " + (r ? reply_text(r.get()) : error);
  }
  Reply r = command({"PING"}, error);
  if (!r || r->type == REDIS_REPLY_ERROR) {
    const std::string text = r ? reply_text(r.get()) : error;
    if (r && text.starts_with("NOAUTH")) kind = ErrorKind::refused;
    return "the Redis server at " + where + " did not answer PING: " + text;
  }
  return std::nullopt;
}

Reply Connection::command(const std::vector<std::string>& args, std::string& error) {
  if (!append(args, error)) return nullptr;
  return read_reply(error);
}

bool Connection::append(const std::vector<std::string>& args, std::string& error) {
  if (!ctx_ || ctx_->err) {
    error = ctx_ ? ctx_->errstr : "not connected";
    return false;
  }
  std::vector<size_t> lengths;
  std::vector<const char*> argv = pointers(args, lengths);
  if (redisAppendCommandArgv(ctx_, static_cast<int>(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
    error = ctx_->errstr;
    return false;
  }
  return true;
}

Reply Connection::read_reply(std::string& error) {
  void* reply = nullptr;
  if (!ctx_ || redisGetReply(ctx_, &reply) != REDIS_OK || !reply) {
    error = ctx_ && ctx_->err ? ctx_->errstr : "no reply";
    if (reply) freeReplyObject(reply);
    return nullptr;
  }
  return Reply(static_cast<redisReply*>(reply));
}

bool Connection::write_appended(std::string& error) {
  int done = 0;
  while (!done)
    if (!ctx_ || redisBufferWrite(ctx_, &done) != REDIS_OK) {
      error = ctx_ ? ctx_->errstr : "not connected";
      return false;
    }
  return true;
}

bool Connection::read_arrived(std::string& error) {
  if (ctx_ && redisBufferRead(ctx_) == REDIS_OK) return true;
  error = ctx_ ? ctx_->errstr : "not connected";
  return false;
}

Reply Connection::take_reply() {
  void* reply = nullptr;
  if (!ctx_ || redisGetReplyFromReader(ctx_, &reply) != REDIS_OK) return nullptr;
  return Reply(static_cast<redisReply*>(reply));
}

void Connection::reconnect_or_throw() {
  const auto since = Clock::now();
  warn("connection lost; reconnecting");
  ErrorKind kind = ErrorKind::unavailable;
  ReconnectSteps steps;
  steps.attempt = [&]() -> std::optional<std::string> { return open(kind); };
  steps.failed = [&](uint64_t n, const std::string& why) {
    if ((n & (n - 1)) == 0) warn(why + "; retrying (attempt " + std::to_string(n) + ")");
  };
  if (auto failure = reconnect(settings_.retry, since, steps))
    throw Error(kind, "lost the connection to Redis at " + settings_.url_text + " and could not reconnect within " +
                          format_duration(settings_.retry.retry_for) + " (" + *failure + "; ?retry keeps trying)");
  warn("reconnected");
}

void Connection::warn(const std::string& what) const {
  if (diagnostics_) diagnostics_->warn(settings_.url_text + ": " + what);
  else std::fprintf(stderr, "%s: %s: %s\n", program_name().c_str(), settings_.url_text.c_str(), what.c_str());
}

}  // namespace gsmq::endpoint::redis
