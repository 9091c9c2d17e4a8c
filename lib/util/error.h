// What went wrong, as the library says it: a kind and a one-line message. Only the tools
// turn a kind into an exit status (tool/exit_status.h); code that runs inside gsmqd (a
// federation link) retries on `unavailable` instead of ending a process.
#pragma once

#include <stdexcept>
#include <string>

namespace gsmq {

enum class ErrorKind {
  usage,        // a bad flag, URL or parameter: the caller asked for something impossible
  unavailable,  // cannot connect, or the peer went away for good
  refused,      // permission or authentication refused
  bad_input,    // data that is not what it should be
  internal,     // a bug or an unexpected failure
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

}  // namespace gsmq
