#include "daemon/tokens.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "util/error.h"

namespace gsmq::daemon {
namespace {

// scrypt with N = 2^15, r = 8, p = 1: 32 MiB and tens of milliseconds per check.
constexpr uint64_t kN = 1u << 15, kR = 8, kP = 1;
constexpr size_t kSaltBytes = 16, kHashBytes = 32;
constexpr uint64_t kMaxMem = 64u << 20;

std::string hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (size_t k = 0; k < n; ++k) {
    out += kDigits[data[k] >> 4];
    out += kDigits[data[k] & 15];
  }
  return out;
}

std::optional<std::vector<unsigned char>> unhex(const std::string& text) {
  if (text.size() % 2) return std::nullopt;
  std::vector<unsigned char> out;
  for (size_t k = 0; k < text.size(); k += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = nibble(text[k]), lo = nibble(text[k + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<unsigned char>(hi << 4 | lo));
  }
  return out;
}

bool scrypt(const std::string& secret, const std::vector<unsigned char>& salt, uint64_t n, uint64_t r, uint64_t p,
            unsigned char* out, size_t out_len) {
  return EVP_PBE_scrypt(secret.data(), secret.size(), salt.data(), salt.size(), n, r, p, kMaxMem, out, out_len) == 1;
}

struct Stored {
  uint64_t n = 0, r = 0, p = 0;
  std::vector<unsigned char> salt, hash;
};

std::optional<Stored> parse_stored(const std::string& text) {
  std::vector<std::string> parts;
  std::istringstream in(text);
  for (std::string part; std::getline(in, part, '$');) parts.push_back(part);
  if (parts.size() != 6 || parts[0] != "scrypt") return std::nullopt;
  Stored s;
  try {
    s.n = std::stoull(parts[1]);
    s.r = std::stoull(parts[2]);
    s.p = std::stoull(parts[3]);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  auto salt = unhex(parts[4]), hash = unhex(parts[5]);
  if (!salt || !hash || hash->empty() || s.n < 2 || (s.n & (s.n - 1)) || s.r == 0 || s.p == 0 ||
      128 * s.n * s.r * s.p > kMaxMem)
    return std::nullopt;
  s.salt = std::move(*salt);
  s.hash = std::move(*hash);
  return s;
}

std::string sha256(const std::string& text) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

bool valid_identity(const std::string& identity) {
  if (identity.empty()) return false;
  for (char c : identity)
    if (static_cast<unsigned char>(c) <= ' ' || c == ':' || c == '@' || c == ',') return false;
  return true;
}

}  // namespace

std::string hash_token(const std::string& identity, const std::string& secret) {
  if (!valid_identity(identity))
    throw Error(ErrorKind::usage, "\"" + identity + "\" is not an identity (no spaces, ':', '@' or ',')");
  std::vector<unsigned char> salt(kSaltBytes);
  unsigned char hash[kHashBytes];
  if (RAND_bytes(salt.data(), static_cast<int>(salt.size())) != 1 || !scrypt(secret, salt, kN, kR, kP, hash, kHashBytes))
    throw Error(ErrorKind::internal, "scrypt failed");
  return identity + " scrypt$" + std::to_string(kN) + "$" + std::to_string(kR) + "$" + std::to_string(kP) + "$" +
         hex(salt.data(), salt.size()) + "$" + hex(hash, kHashBytes);
}

std::optional<Tokens> Tokens::load(const std::string& path, std::string& error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = path + ": cannot read the tokens file (" + std::string(std::strerror(errno)) + ")";
    return std::nullopt;
  }
  Tokens tokens;
  size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (const auto hash = line.find('#'); hash != std::string::npos) line.erase(hash);
    std::istringstream words(line);
    std::string identity, stored, more;
    if (!(words >> identity)) continue;
    auto fail = [&](const std::string& why) {
      error = path + ":" + std::to_string(number) + ": " + why;
      return std::nullopt;
    };
    if (!(words >> stored) || (words >> more)) return fail("expected: IDENTITY scrypt$... (gsmqd token hash IDENTITY)");
    if (!valid_identity(identity)) return fail("\"" + identity + "\" is not an identity");
    if (!parse_stored(stored)) return fail("not a stored token of gsmqd token hash (scrypt$N$r$p$SALT$HASH)");
    if (!tokens.hashes_.emplace(identity, stored).second) return fail("\"" + identity + "\" has a token already");
  }
  return tokens;
}

std::optional<std::string> Tokens::verify(const std::string& token) const {
  const auto colon = token.find(':');
  if (colon == std::string::npos) return std::nullopt;
  const std::string identity = token.substr(0, colon), secret = token.substr(colon + 1);
  const auto found = hashes_.find(identity);
  if (found == hashes_.end()) return std::nullopt;
  const std::string key = sha256(token);
  {
    std::lock_guard lock(mutex_);
    if (auto a = accepted_.find(key); a != accepted_.end()) return a->second;
  }
  const auto stored = parse_stored(found->second);
  std::vector<unsigned char> hash(stored->hash.size());
  if (!scrypt(secret, stored->salt, stored->n, stored->r, stored->p, hash.data(), hash.size())) return std::nullopt;
  if (CRYPTO_memcmp(hash.data(), stored->hash.data(), hash.size()) != 0) return std::nullopt;
  std::lock_guard lock(mutex_);
  accepted_.emplace(key, identity);
  return identity;
}

}  // namespace gsmq::daemon
