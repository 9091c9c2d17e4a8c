// CRC-32C (Castagnoli), the checksum of every record and segment header on disk.
// Uses the SSE4.2 crc32 instruction when the CPU has it, a slice-by-8 table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>

namespace gsmq::store {

// Returns the CRC-32C of data[0, n) appended to a message whose CRC-32C is `crc`
// (so crc32c_extend(crc32c(a), b) == crc32c(a + b)).
uint32_t crc32c_extend(uint32_t crc, const void* data, size_t n);

inline uint32_t crc32c(const void* data, size_t n) { return crc32c_extend(0, data, n); }

// A CRC stored next to data is masked (as in leveldb), because computing the CRC of
// a string that contains embedded CRCs is weak. mask/unmask are each other's inverse.
inline constexpr uint32_t kCrc32cMaskDelta = 0xa282ead8u;

constexpr uint32_t crc32c_mask(uint32_t crc) {
  return ((crc >> 15) | (crc << 17)) + kCrc32cMaskDelta;
}

constexpr uint32_t crc32c_unmask(uint32_t masked) {
  const uint32_t rot = masked - kCrc32cMaskDelta;
  return (rot >> 17) | (rot << 15);
}

namespace detail {
// Both implementations, exposed so that tests can check they agree.
uint32_t crc32c_extend_portable(uint32_t crc, const void* data, size_t n);
bool crc32c_hardware_available();
// Only call when crc32c_hardware_available().
uint32_t crc32c_extend_hardware(uint32_t crc, const void* data, size_t n);
}  // namespace detail

}  // namespace gsmq::store
