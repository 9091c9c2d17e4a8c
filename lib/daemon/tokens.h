// gsmqd --tokens FILE: bearer tokens, stored hashed (docs/security.md). A client sends
// "IDENTITY:SECRET" (?token= or $GSMQ_TOKEN); the file holds one line per identity,
// "IDENTITY scrypt$N$r$p$SALT$HASH" (hex), made by `gsmqd token hash IDENTITY`. The
// secret is checked with scrypt (slow on purpose) and compared in constant time; a token
// that was accepted once is remembered (by its SHA-256) until the file is read again.
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace gsmq::daemon {

// The stored form of `secret` for `identity`: "IDENTITY scrypt$...", with a fresh salt.
std::string hash_token(const std::string& identity, const std::string& secret);

class Tokens {
 public:
  // Error text "FILE:LINE: reason" in `error` when the file cannot be read or is bad.
  static std::optional<Tokens> load(const std::string& path, std::string& error);

  Tokens() = default;
  Tokens(Tokens&& other) noexcept : hashes_(std::move(other.hashes_)) {}
  Tokens& operator=(Tokens&& other) noexcept {
    hashes_ = std::move(other.hashes_);
    std::lock_guard lock(mutex_);
    accepted_.clear();
    return *this;
  }

  // The identity a token proves, or nullopt (unknown identity, wrong secret, malformed).
  std::optional<std::string> verify(const std::string& token) const;
  size_t size() const { return hashes_.size(); }

 private:
  std::map<std::string, std::string> hashes_;  // identity -> stored form
  mutable std::mutex mutex_;
  mutable std::map<std::string, std::string> accepted_;  // SHA-256 of token -> identity
};

}  // namespace gsmq::daemon
