package io.nnstain.trainer.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.nnstain.schemas.config.RunSpec;
import java.util.List;

/** A run as {@code GET /runs/{id}} shows it; state QUEUED, RUNNING, COMPLETED, DIVERGED or FAILED. */
public record RunStatusView(@JsonProperty("run_id") String runId, String state, RunSpec spec,
        @JsonProperty("epochs_done") int epochsDone, int epochs, double progress,
        @JsonProperty("scanned_epochs") List<Integer> scannedEpochs,
        @JsonProperty("train_loss") Double trainLoss,
        @JsonProperty("validation_accuracy") Double validationAccuracy,
        @JsonProperty("queue_position") Integer queuePosition, String error,
        @JsonProperty("submitted_at_ms") long submittedAtMs, DivergenceView divergence) {

    /** Where a DIVERGED run went non-finite: the epoch, the first layer affected (null: only the loss), what. */
    public record DivergenceView(int epoch, String layer, String what) {
    }
}
