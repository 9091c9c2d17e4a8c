// The one exit-status table shared by every gsmq tool (gsmq(7) "EXIT STATUS").
#pragma once

#include "util/error.h"

namespace gsmq {

enum ExitStatus : int {
  kExitOk = 0,              // success
  kExitDeliveryFailed = 1,  // some messages failed to deliver
  kExitUsage = 2,           // usage error: bad flag, bad URL
  kExitBadInput = 3,        // bad input data: a line that is not a valid envelope
  kExitUnavailable = 4,     // cannot connect / endpoint unavailable
  kExitTimeout = 5,         // timeout before the requested count
  kExitRefused = 6,         // permission / authentication refused
  kExitInternal = 7,        // internal error
};

// The exit status of a tool that ends with an error of this kind.
constexpr ExitStatus exit_status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return kExitUsage;
    case ErrorKind::unavailable: return kExitUnavailable;
    case ErrorKind::refused: return kExitRefused;
    case ErrorKind::bad_input: return kExitBadInput;
    case ErrorKind::internal: return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace gsmq
