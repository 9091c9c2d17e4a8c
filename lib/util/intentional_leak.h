// For an object that is deliberately never destroyed (it may be blocked inside a third-party
// library until the process exits): tells LeakSanitizer, in sanitizer builds, that it and
// what it reaches are not leaks. A no-op otherwise.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif

namespace gsmq {

inline void intentionally_leak(const void* object) {
#if defined(__SANITIZE_ADDRESS__)
  if (object) __lsan_ignore_object(object);
#else
  (void)object;
#endif
}

}  // namespace gsmq
