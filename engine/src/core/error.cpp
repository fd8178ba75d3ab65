#include "redline/core/error.hpp"

namespace redline {

int exit_code(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::InvalidInput:
            return 2;
        case ErrorKind::Io:
            return 3;
        case ErrorKind::Unsupported:
            return 4;
        case ErrorKind::Cancelled:
            return 130;
        case ErrorKind::Internal:
            break;
    }
    return 1;
}

const char* kind_name(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::InvalidInput:
            return "invalid input";
        case ErrorKind::Io:
            return "I/O error";
        case ErrorKind::Unsupported:
            return "unsupported";
        case ErrorKind::Cancelled:
            return "cancelled";
        case ErrorKind::Internal:
            break;
    }
    return "internal error";
}

}  // namespace redline
