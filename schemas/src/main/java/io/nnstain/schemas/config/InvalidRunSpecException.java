package io.nnstain.schemas.config;

import java.util.List;

/** A run spec with one or more problems; the message lists them all, one a line. */
public final class InvalidRunSpecException extends IllegalArgumentException {

    private final List<String> problems;

    public InvalidRunSpecException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
