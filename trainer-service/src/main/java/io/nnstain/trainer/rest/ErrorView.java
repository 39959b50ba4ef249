package io.nnstain.trainer.rest;

import java.util.List;

/** Every error answer: a message a person can act on, and the single problems behind it. */
public record ErrorView(String error, List<String> problems) {
}
