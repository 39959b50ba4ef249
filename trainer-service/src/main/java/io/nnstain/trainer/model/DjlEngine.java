package io.nnstain.trainer.model;

import ai.djl.engine.Engine;

/**
 * DJL's PyTorch engine, set up for offline, reproducible training. The settings are JVM system properties
 * read at the first {@link Engine} use; application.properties alone does not reach them.
 */
public final class DjlEngine {

    public static final String ENGINE = "PyTorch";

    private DjlEngine() {
    }

    /** Call before the first engine use. {@code threads} fixes intra-op parallelism so seeded runs repeat bit for bit. */
    public static Engine get(int threads) {
        // without it the engine probes a cloud metadata address at start
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_threads", String.valueOf(threads));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        return Engine.getEngine(ENGINE);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
