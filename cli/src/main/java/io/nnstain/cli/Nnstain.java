package io.nnstain.cli;

import io.nnstain.cli.commands.AnalyzeCommand;
import io.nnstain.cli.commands.DemoCommand;
import io.nnstain.cli.commands.DownCommand;
import io.nnstain.cli.commands.ExportCommand;
import io.nnstain.cli.commands.TraceCommand;
import io.nnstain.cli.commands.TrainCommand;
import io.nnstain.cli.commands.UpCommand;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The user's entry point: {@code bin/nnstain COMMAND}. Exit codes: 0 done, 1 failed, 2 bad input. */
@Command(name = "nnstain", mixinStandardHelpOptions = true, version = "nnstain 0.1.0",
        description = "Record a neural network's training from the inside: every neuron at every scanned epoch.",
        subcommands = {UpCommand.class, TrainCommand.class, DownCommand.class, TraceCommand.class, ExportCommand.class,
                AnalyzeCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
public final class Nnstain implements Runnable {

    @Option(names = "--home", description = "Folder for the local stack's state, logs, broker and trace data "
            + "(default: .nnstain in the checkout, or $NNSTAIN_HOME).")
    Path home;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public StackLauncher.Layout layout() {
        Path root = Path.of(System.getProperty("nnstain.root", ".")).toAbsolutePath().normalize();
        Path h = home != null ? home : System.getenv("NNSTAIN_HOME") != null ? Path.of(System.getenv("NNSTAIN_HOME"))
                : root.resolve(".nnstain");
        h = h.toAbsolutePath().normalize();
        return new StackLauncher.Layout(root, h, h.resolve("data"));
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    private static <T> T number(String text, java.util.function.Function<String, T> parse, String what) {
        if (!text.chars().allMatch(c -> c < 128)) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not " + what + " written in ASCII digits");
        }
        try {
            return parse.apply(text.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not " + what);
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new Nnstain());
        // numbers in ASCII only (Java's parsers also read other scripts' digits, "１６"), and refusals in plain words
        cli.registerConverter(Integer.class, s -> number(s, Integer::valueOf, "a whole number"));
        cli.registerConverter(Integer.TYPE, s -> number(s, Integer::valueOf, "a whole number"));
        cli.registerConverter(Long.class, s -> number(s, Long::valueOf, "a whole number"));
        cli.registerConverter(Long.TYPE, s -> number(s, Long::valueOf, "a whole number"));
        cli.registerConverter(Double.class, s -> number(s, Double::valueOf, "a number"));
        cli.registerConverter(Double.TYPE, s -> number(s, Double::valueOf, "a number"));
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("nnstain: " + e.getMessage());
            return e instanceof IllegalArgumentException ? 2 : 1;
        });
        return cli.execute(args);
    }
}
