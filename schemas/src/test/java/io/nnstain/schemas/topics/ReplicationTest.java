package io.nnstain.schemas.topics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ReplicationTest {

    @Test
    void shouldFollowTheClusterSizeUpToThreeCopiesWithTwoInSync() {
        assertEquals(new Replication((short) 1, 1), Replication.forBrokers(1));
        assertEquals(new Replication((short) 2, 1), Replication.forBrokers(2));
        assertEquals(new Replication((short) 3, 2), Replication.forBrokers(3));
        assertEquals(new Replication((short) 3, 2), Replication.forBrokers(9));
    }

    @Test
    void shouldRefuseAClusterWithoutBrokers() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Replication.forBrokers(0));
        assertTrue(e.getMessage().contains("at least one broker"), e.getMessage());
    }
}
