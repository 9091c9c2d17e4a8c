#include "policy/rate_limit.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "policy/glob.h"
#include "util/log.h"

namespace gsmq::policy {
namespace {

// A positive finite number, the whole of `text`.
std::optional<double> positive_number(std::string_view text) {
  if (text.empty() || text.size() > 32) return std::nullopt;
  const std::string s(text);
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || !std::isfinite(v) || v <= 0) return std::nullopt;
  return v;
}

bool valid_who(std::string_view who) {
  if (who.empty()) return false;
  for (char c : who)
    if (static_cast<unsigned char>(c) <= ' ' || c == '@' || c == ',' || c == '=') return false;
  return true;
}

}  // namespace

std::optional<RateLimit> parse_rate_limit(std::string_view text, std::string& error) {
  const auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    error = "expected WHO=RATE[/s|/m][:BURST] (alice=10/s:20, '*=100')";
    return std::nullopt;
  }
  RateLimit limit;
  limit.text = std::string(text);
  limit.who = std::string(text.substr(0, eq));
  if (!valid_who(limit.who)) {
    error = "WHO \"" + limit.who + "\" is not an identity or a glob of identities";
    return std::nullopt;
  }
  std::string_view rest = text.substr(eq + 1);
  std::string_view burst_text;
  if (const auto colon = rest.find(':'); colon != std::string_view::npos) {
    burst_text = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
  }
  double unit = 1;
  if (rest.size() >= 2 && rest.substr(rest.size() - 2) == "/s") {
    rest.remove_suffix(2);
  } else if (rest.size() >= 2 && rest.substr(rest.size() - 2) == "/m") {
    rest.remove_suffix(2);
    unit = 60;
  }
  const auto rate = positive_number(rest);
  if (!rate) {
    error = "RATE \"" + std::string(rest) + "\" is not a positive number of messages (per second, or per minute with /m)";
    return std::nullopt;
  }
  limit.per_second = *rate / unit;
  if (burst_text.empty() && text.back() == ':') {
    error = "BURST is empty";
    return std::nullopt;
  }
  if (!burst_text.empty()) {
    const auto burst = positive_number(burst_text);
    if (!burst || *burst < 1 || std::floor(*burst) != *burst) {
      error = "BURST \"" + std::string(burst_text) + "\" is not a whole number of messages, at least 1";
      return std::nullopt;
    }
    limit.burst = *burst;
  } else {
    limit.burst = std::max(1.0, std::ceil(limit.per_second));
  }
  return limit;
}

TokenBucket::TokenBucket(double per_second, double burst, Clock::time_point now)
    : per_second_(per_second), burst_(burst), tokens_(burst), last_(now) {}

void TokenBucket::refill(Clock::time_point now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * per_second_);
  last_ = now;
}

bool TokenBucket::take(double n, Clock::time_point now) {
  refill(now);
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

size_t TokenBucket::take_up_to(size_t n, Clock::time_point now) {
  refill(now);
  const size_t got = std::min(n, static_cast<size_t>(std::floor(tokens_)));
  tokens_ -= static_cast<double>(got);
  return got;
}

double TokenBucket::tokens(Clock::time_point now) {
  refill(now);
  return tokens_;
}

const RateLimit* RateLimits::limit_of(std::string_view identity) const {
  for (const auto& l : limits_)
    if (glob_match(l.who, identity)) return &l;
  return nullptr;
}

size_t RateLimits::admit(const std::string& identity, size_t n, bool whole, const RateLimit*& limit,
                         Clock::time_point now) {
  limit = limit_of(identity);
  if (!limit || n == 0) return n;
  std::lock_guard lock(mutex_);
  auto it = identities_.find(identity);
  if (it == identities_.end())
    it = identities_.emplace(identity, Identity{TokenBucket(limit->per_second, limit->burst, now)}).first;
  Identity& who = it->second;
  const size_t granted = whole ? (who.bucket.take(static_cast<double>(n), now) ? n : 0) : who.bucket.take_up_to(n, now);
  who.refused += n - granted;
  if (who.refused > 0 && (who.logged == Clock::time_point{} || now - who.logged >= std::chrono::seconds(10))) {
    log::warn("rate limit: refusing messages",
              {{"identity", identity}, {"limit", limit->text}, {"refused", std::to_string(who.refused)}});
    who.refused = 0;
    who.logged = now;
  }
  return granted;
}

std::string rate_limit_refusal(std::string_view identity, const RateLimit& limit) {
  char rate[64];
  std::snprintf(rate, sizeof rate, "%g messages/s, burst %g", limit.per_second, limit.burst);
  return "rate limit: \"" + std::string(identity) + "\" may send " + rate + " (gsmqd --rate-limit " + limit.text + ")";
}

}  // namespace gsmq::policy
