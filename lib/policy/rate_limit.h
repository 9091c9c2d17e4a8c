// Per-identity message-rate limits (gsmqd --rate-limit, docs/security.md): a token bucket
// per identity over the messages it sends or publishes. A limit is written
// WHO=RATE[/s|/m][:BURST]: WHO an identity or a glob of identities ('*' for everyone,
// each with a bucket of its own), RATE messages per second (or per minute with /m),
// BURST the most taken at once after a quiet spell (default: one second's worth, at least 1).
// The first limit whose WHO matches an identity is its limit; an identity no limit
// matches is not limited.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gsmq::policy {

struct RateLimit {
  std::string who;        // identity or identity glob
  double per_second = 0;  // refill rate
  double burst = 0;       // bucket size
  std::string text;       // as written, for messages
};

// Parses one WHO=RATE[/s|/m][:BURST]; nullopt with `error` naming the part that is wrong.
std::optional<RateLimit> parse_rate_limit(std::string_view text, std::string& error);

// A token bucket: `burst` tokens at most, refilled at `per_second`; starts full.
class TokenBucket {
 public:
  using Clock = std::chrono::steady_clock;
  TokenBucket(double per_second, double burst, Clock::time_point now);
  // Takes `n` tokens when there are that many (true), else none (false).
  bool take(double n, Clock::time_point now);
  // Takes as many whole tokens as there are, up to `n`; returns how many.
  size_t take_up_to(size_t n, Clock::time_point now);
  double tokens(Clock::time_point now);

 private:
  void refill(Clock::time_point now);
  double per_second_, burst_, tokens_;
  Clock::time_point last_;
};

// The limits in force and a bucket per limited identity. Thread-safe.
class RateLimits {
 public:
  using Clock = TokenBucket::Clock;
  explicit RateLimits(std::vector<RateLimit> limits) : limits_(std::move(limits)) {}

  // The limit of `identity`, or nullptr when none matches.
  const RateLimit* limit_of(std::string_view identity) const;
  // Lets `n` messages of `identity` through: all of them (whole = true) or none, or as
  // many as its bucket holds (whole = false). Returns how many may go; `limit` is set to
  // the identity's limit (nullptr: not limited, all go). Refusals are logged, at most
  // one line per identity every 10 seconds with the count since the last.
  size_t admit(const std::string& identity, size_t n, bool whole, const RateLimit*& limit,
               Clock::time_point now = Clock::now());
  bool empty() const { return limits_.empty(); }

 private:
  struct Identity {
    TokenBucket bucket;
    uint64_t refused = 0;                // since the last log line
    Clock::time_point logged{};          // the last log line about it
  };
  const std::vector<RateLimit> limits_;
  std::mutex mutex_;
  std::map<std::string, Identity, std::less<>> identities_;
};

// What a sender over its limit is told: RESOURCE_EXHAUSTED's message and SendResult.error.
std::string rate_limit_refusal(std::string_view identity, const RateLimit& limit);

}  // namespace gsmq::policy
