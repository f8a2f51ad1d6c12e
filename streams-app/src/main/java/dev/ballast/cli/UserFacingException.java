package dev.ballast.cli;

/** A failure whose message alone tells the user what to do; printed without a stack trace. */
final class UserFacingException extends RuntimeException {
    UserFacingException(String message) {
        super(message);
    }

    UserFacingException(String message, Throwable cause) {
        super(message, cause);
    }
}
