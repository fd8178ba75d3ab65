#pragma once
// The one error type of the engine. Every failure the user can act on is an Error with a kind;
// the CLI maps kinds to exit codes, the Python bindings to exception types (README.md).
// Messages say what failed, which input, what was seen, what was expected and how to fix it.
#include <stdexcept>
#include <string>

namespace redline {

enum class ErrorKind {
    InvalidInput,  // bad data or bad usage: exit 2, ValueError
    Io,            // cannot read or write: exit 3, OSError
    Unsupported,   // valid but not handled: exit 4, NotImplementedError
    Internal,      // a bug: exit 1, RuntimeError
    Cancelled,     // interrupted by the user: exit 130, KeyboardInterrupt
};

class Error : public std::runtime_error {
  public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), m_kind(kind) {}
    ErrorKind kind() const { return m_kind; }

  private:
    ErrorKind m_kind;
};

// Exit code of the CLI for an error kind: 2 invalid input, 3 I/O, 4 unsupported, 1 internal,
// 130 cancelled.
int exit_code(ErrorKind kind);
const char* kind_name(ErrorKind kind);

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) {
    throw Error(kind, message);
}

}  // namespace redline
