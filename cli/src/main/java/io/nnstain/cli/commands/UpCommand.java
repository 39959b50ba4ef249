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
            System.out.println("\nstopping ...");
            launcher.stop();
            stopped.countDown();
        }));
        Urls.print(state, parent.layout(), System.out);
        System.out.println("Ctrl-C stops everything.");
        stopped.await();
        return 0;
    }
}
