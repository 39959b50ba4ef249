package io.nnstain.cli.commands;

import io.nnstain.cli.Nnstain;
import io.nnstain.cli.StackLauncher;
import io.nnstain.cli.StackState;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start Kafka (single-node KRaft) and the services on 127.0.0.1, wait until they are healthy, "
                + "print their URLs, and keep them running until Ctrl-C.")
public final class UpCommand implements Callable<Integer> {

    private volatile boolean stopping;

    static final int MAX_RESTARTS = 5;
    static final Duration RESTART_WINDOW = Duration.ofMinutes(10);

    @ParentCommand
    Nnstain parent;

    @Option(names = "--kafka-port", defaultValue = "19092", description = "Kafka's port (default ${DEFAULT-VALUE}; 0: any free port).")
    int kafkaPort;

    @Option(names = "--trainer-port", defaultValue = "8081", description = "trainer-service's port (default ${DEFAULT-VALUE}).")
    int trainerPort;

    @Option(names = "--collector-port", defaultValue = "8082", description = "trace-collector's port (default ${DEFAULT-VALUE}).")
    int collectorPort;

    @Option(names = "--viz-port", defaultValue = "8080", description = "viz-service's port: the web UI (default ${DEFAULT-VALUE}).")
    int vizPort;

    @Option(names = "--analyzer-port", defaultValue = "8083", description = "analyzer-service's port (default ${DEFAULT-VALUE}).")
    int analyzerPort;

    @Override
    public Integer call() throws InterruptedException {
        StackLauncher launcher = new StackLauncher(parent.layout(), System.out);
        if (launcher.running().isPresent()) {
            System.err.println("nnstain: a stack is already running (" + StackState.file(parent.layout().home())
                    + "); 'nnstain down' stops it");
            return 1;
        }
        StackState state = launcher.start(new StackLauncher.Ports(kafkaPort, trainerPort, collectorPort, analyzerPort, vizPort, true), false,
                Duration.ofSeconds(120));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stopping = true;
            System.out.println("\nstopping ...");
            launcher.stop();
            stopped.countDown();
        }));
        Urls.print(state, parent.layout(), System.out);
        System.out.println("Ctrl-C stops everything.");
        return supervise(launcher, state, stopped);
    }

    /**
     * Watches the stack until Ctrl-C: a service that exits (a crash, or one that met an error it cannot survive)
     * is started again, at most {@link #MAX_RESTARTS} times in {@link #RESTART_WINDOW}; when the stack is stopped
     * from elsewhere ('nnstain down' removed or replaced its state), this command has nothing left to do and ends.
     */
    private int supervise(StackLauncher launcher, StackState state, CountDownLatch stopped) throws InterruptedException {
        java.util.Deque<Long> restarts = new java.util.ArrayDeque<>();
        while (!stopped.await(1, java.util.concurrent.TimeUnit.SECONDS)) {
            if (stoppedElsewhere(state)) {
                System.out.println("the stack was stopped ('nnstain down'); exiting");
                return 0;
            }
            var exitedServices = launcher.exitedServices();
            if (!exitedServices.isEmpty()) {
                // 'nnstain down' removes the state before it stops the processes: look again before restarting
                stopped.await(1, java.util.concurrent.TimeUnit.SECONDS);
                if (stopping || stoppedElsewhere(state)) {
                    continue;
                }
            }
            for (var exited : exitedServices.entrySet()) {
                long now = System.currentTimeMillis();
                restarts.addLast(now);
                while (!restarts.isEmpty() && restarts.peekFirst() < now - RESTART_WINDOW.toMillis()) {
                    restarts.removeFirst();
                }
                if (restarts.size() > MAX_RESTARTS) {
                    System.err.println("nnstain: " + exited.getKey() + " exited with code " + exited.getValue() + "; more than "
                            + MAX_RESTARTS + " restarts in " + RESTART_WINDOW.toMinutes() + " minutes, giving up; see "
                            + parent.layout().logs().resolve(exited.getKey() + ".log"));
                    launcher.stop();
                    return 1;
                }
                System.out.println(exited.getKey() + " exited with code " + exited.getValue() + "; starting it again (see "
                        + parent.layout().logs().resolve(exited.getKey() + ".log") + ")");
                try {
                    launcher.restart(exited.getKey(), Duration.ofSeconds(120));
                    System.out.println(exited.getKey() + " is ready again");
                } catch (RuntimeException e) {
                    System.err.println("nnstain: could not start " + exited.getKey() + " again: " + e.getMessage());
                }
            }
        }
        return 0;
    }

    private boolean stoppedElsewhere(StackState ours) {
        java.util.Optional<StackState> recorded = StackState.read(parent.layout().home());
        return recorded.isEmpty() || !recorded.get().kafkaBootstrapServers().equals(ours.kafkaBootstrapServers());
    }
}
