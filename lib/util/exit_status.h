// The one exit-status table shared by every gsmq tool (gsmq(7) "EXIT STATUS").
#pragma once

#include <stdexcept>
#include <string>

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

// An error that ends a tool with a given exit status and a one-line message.
class ToolError : public std::runtime_error {
 public:
  ToolError(ExitStatus status, const std::string& what) : std::runtime_error(what), status_(status) {}
  ExitStatus status() const { return status_; }

 private:
  ExitStatus status_;
};

}  // namespace gsmq
