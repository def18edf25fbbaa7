package org.rlplay.gym;

/**
 * The Gymnasium bridge failed as a whole: Python could not be found or set up, the child process
 * did not start or died, or Gymnasium refused to create the envs. Failures of one env while it is
 * reset or stepped are {@link org.rlplay.env.EnvException}s instead.
 *
 * <p>Messages say what failed and how to fix it; when the failure happened in Python they carry
 * the Python exception's message and traceback.
 */
public class GymBridgeException extends RuntimeException {

    public GymBridgeException(String message) {
        super(message);
    }

    public GymBridgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
