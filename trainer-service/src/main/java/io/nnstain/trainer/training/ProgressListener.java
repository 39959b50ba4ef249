package io.nnstain.trainer.training;

/** Told after each epoch; the REST layer keeps a run's status with it. */
@FunctionalInterface
public interface ProgressListener {

    void epochDone(int epoch, int epochs, double trainLoss, double validationAccuracy);

    ProgressListener NONE = (epoch, epochs, loss, accuracy) -> {
    };
}
