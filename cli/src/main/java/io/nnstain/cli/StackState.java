package io.nnstain.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * A running local stack as {@code .nnstain/stack.json} records it, so that {@code train}, {@code trace} and
 * {@code down} find what {@code up}, {@code train} or {@code demo} started.
 */
public record StackState(@JsonProperty("kafka") String kafkaBootstrapServers,
        @JsonProperty("trainer_url") String trainerUrl, @JsonProperty("collector_url") String collectorUrl,
        @JsonProperty("analyzer_url") String analyzerUrl, @JsonProperty("viz_url") String vizUrl,
        @JsonProperty("data_dir") String dataDir, @JsonProperty("pids") List<Long> pids,
        @JsonProperty("foreground") boolean foreground) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public static Path file(Path home) {
        return home.resolve("stack.json");
    }

    public static Optional<StackState> read(Path home) {
        Path file = file(home);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), StackState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("could not read " + file + "; delete it if no stack runs", e);
        }
    }

    public void write(Path home) {
        try {
            Files.createDirectories(home);
            Path tmp = home.resolve(".stack.json.tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file(home), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when every recorded process still runs. */
    public boolean alive() {
        return !pids.isEmpty() && pids.stream().allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }
}
