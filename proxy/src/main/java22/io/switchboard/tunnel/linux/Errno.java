package io.switchboard.tunnel.linux;

/** Names for the errno values a socket call is likely to fail with (Linux numbering). */
final class Errno {
    private Errno() {
    }

    /** e.g. "Connection refused (ECONNREFUSED)", or "errno 77" for one not listed. */
    static String describe(int errno) {
        return switch (errno) {
            case 1 -> "Operation not permitted (EPERM)";
            case 4 -> "Interrupted system call (EINTR)";
            case 9 -> "Bad file descriptor (EBADF)";
            case 11 -> "Resource temporarily unavailable (EAGAIN)";
            case 12 -> "Cannot allocate memory (ENOMEM)";
            case 13 -> "Permission denied (EACCES)";
            case 22 -> "Invalid argument (EINVAL)";
            case 23 -> "Too many open files in system (ENFILE)";
            case 24 -> "Too many open files (EMFILE)";
            case 32 -> "Broken pipe (EPIPE)";
            case 97 -> "Address family not supported by protocol (EAFNOSUPPORT)";
            case 98 -> "Address already in use (EADDRINUSE)";
            case 99 -> "Cannot assign requested address (EADDRNOTAVAIL)";
            case 101 -> "Network is unreachable (ENETUNREACH)";
            case 103 -> "Software caused connection abort (ECONNABORTED)";
            case 104 -> "Connection reset by peer (ECONNRESET)";
            case 105 -> "No buffer space available (ENOBUFS)";
            case 107 -> "Transport endpoint is not connected (ENOTCONN)";
            case 110 -> "Connection timed out (ETIMEDOUT)";
            case 111 -> "Connection refused (ECONNREFUSED)";
            case 113 -> "No route to host (EHOSTUNREACH)";
            default -> "errno " + errno;
        };
    }
}
