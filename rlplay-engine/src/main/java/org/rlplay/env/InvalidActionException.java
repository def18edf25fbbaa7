package org.rlplay.env;

/** An action outside its env's action space, detected before the env was stepped. */
public final class InvalidActionException extends IllegalArgumentException {
    private final int envIndex;

    public InvalidActionException(String message, int envIndex) {
        super(message);
        this.envIndex = envIndex;
    }

    /** Index of the offending env within its batch. */
    public int envIndex() {
        return envIndex;
    }
}
