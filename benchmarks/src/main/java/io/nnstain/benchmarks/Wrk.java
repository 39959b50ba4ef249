package io.nnstain.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Debian's {@code wrk} against one base URL with a list of paths picked at random, its figures read back. */
final class Wrk {

    private Wrk() {
    }

    static LoadTest.Figures run(String target, String base, List<String> paths, int connections, int seconds)
            throws Exception {
        if (!base.startsWith("http://127.0.0.1:")) {
            throw new IllegalStateException("load goes to 127.0.0.1 only, not " + base);
        }
        Path script = Files.createTempFile("nnstain-load-", ".lua");
        StringBuilder lua = new StringBuilder("local paths = {\n");
        for (String p : paths) {
            lua.append("  \"").append(p).append("\",\n");
        }
        lua.append("}\nlocal n = 0\nfunction setup(thread) n = n + 1; thread:set(\"seed\", n) end\n")
                .append("function init(args) math.randomseed(seed) end\n")
                .append("function request() return wrk.format(\"GET\", paths[math.random(#paths)]) end\n");
        Files.writeString(script, lua);
        try {
            System.out.println("wrk: " + target + " ...");
            Process p = new ProcessBuilder("wrk", "-t", String.valueOf(Math.min(2, connections)), "-c", String.valueOf(connections), "-d", seconds + "s",
                    "--timeout", "10s", "--latency", "-s", script.toString(), base).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException("wrk failed (is Debian's wrk installed?):\n" + out);
            }
            System.out.println(out);
            long non2xx = longOf(out, "Non-2xx or 3xx responses:\\s+(\\d+)");
            long socket = 0;
            Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
            if (m.find()) {
                for (int g = 1; g <= 4; g++) {
                    socket += Long.parseLong(m.group(g));
                }
            }
            return new LoadTest.Figures(target, millis(out, "50%"), millis(out, "90%"), millis(out, "99%"),
                    Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)")), longOf(out, "(\\d+) requests in"),
                    non2xx + socket);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    /** A latency percentile line of wrk --latency, in milliseconds. */
    private static double millis(String out, String percentile) {
        Matcher m = Pattern.compile("\\s" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)\\b").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " latency in wrk's output");
        }
        double v = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> v / 1000;
            case "s" -> v * 1000;
            default -> v;
        };
    }

    private static long longOf(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String find(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("'" + regex + "' not in wrk's output");
        }
        return m.group(1);
    }
}
