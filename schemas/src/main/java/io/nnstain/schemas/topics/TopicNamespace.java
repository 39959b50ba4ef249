package io.nnstain.schemas.topics;

/**
 * Turns registry entries into concrete topic names. Production uses the prefix {@code nnstain.}; each test
 * uses a prefix of its own so that tests never read each other's records.
 */
public record TopicNamespace(String prefix) {

    public static final String DEFAULT_PREFIX = "nnstain.";

    public static TopicNamespace standard() {
        return new TopicNamespace(DEFAULT_PREFIX);
    }

    public TopicNamespace {
        if (prefix == null || !prefix.matches("[A-Za-z0-9._-]*")) {
            throw new IllegalArgumentException("topic prefix '" + prefix + "' may only hold letters, digits, '.', '_' and '-'");
        }
    }

    public String name(Topic topic) {
        return prefix + topic.suffix();
    }
}
