package org.rlplay.examples.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics that start later widen the header instead of being dropped; a resumed log drops the rows after its checkpoint. */
class MetricsLogTest {
    @TempDir
    Path tmp;

    private static Map<String, Double> row(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], ((Number) kv[i + 1]).doubleValue());
        }
        return m;
    }

    @Test
    void shouldKeepAMetricThatStartsLater() throws IOException {
        Path file = tmp.resolve("metrics.csv");
        try (MetricsLog log = new MetricsLog(file)) {
            log.write(row("env_steps", 10, "epsilon", 0.5));
            log.write(row("env_steps", 20, "epsilon", 0.25, "td_loss", 1.5, "q_value", 3));
            log.write(row("env_steps", 30, "td_loss", 0.75));
            assertEquals(3, log.rows());
        }
        assertEquals(List.of("env_steps,epsilon,td_loss,q_value", "10,0.500000,,", "20,0.250000,1.50000,3", "30,,0.750000,"),
                Files.readAllLines(file));
        double[][] loss = MetricsLog.read(file, "env_steps", "td_loss");
        assertArrayEquals(new double[] {20, 30}, loss[0]);
        assertArrayEquals(new double[] {1.5, 0.75}, loss[1]);
    }

    @Test
    void shouldResumeAfterTheCheckpointsRows() throws IOException {
        Path file = tmp.resolve("metrics.csv");
        try (MetricsLog log = new MetricsLog(file)) {
            for (int i = 1; i <= 4; i++) {
                log.write(row("env_steps", 10 * i, "loss", i));
            }
        }
        // the checkpoint had seen two rows; the two after it came from the run that died
        try (MetricsLog log = new MetricsLog(file, 2)) {
            assertEquals(2, log.rows());
            log.write(row("env_steps", 30, "loss", 9, "entropy", 0.5));
        }
        assertEquals(List.of("env_steps,loss,entropy", "10,1,", "20,2,", "30,9,0.500000"), Files.readAllLines(file));
    }
}
