package io.nnstain.trainer.probe;

import ai.djl.ndarray.NDArray;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Copies engine arrays into Java arrays through a direct view of their memory: one copy and no garbage,
 * where {@code toFloatArray()} copies twice through a fresh byte array.
 */
final class HostCopy {

    private HostCopy() {
    }

    /** A read-only view of a contiguous float32 array's memory; valid only while the array lives. */
    static FloatBuffer view(NDArray array) {
        return array.toByteBuffer(true).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    static float[] copy(NDArray array) {
        FloatBuffer view = view(array);
        float[] out = new float[view.remaining()];
        view.get(out);
        return out;
    }
}
