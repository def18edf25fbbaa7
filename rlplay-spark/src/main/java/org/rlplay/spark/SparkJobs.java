package org.rlplay.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Where the jobs of this module get their {@link SparkSession}: the active one if there is one
 * (spark-submit, a notebook, a test's shared session), else a new one on the master the
 * configuration names ({@code spark.master}, which {@code spark-submit --master} sets), else an
 * embedded {@code local[*]}. So the same job runs embedded and unchanged on a cluster.
 *
 * <p>An embedded session is built without the web UI and with as many shuffle partitions as cores,
 * and Spark's and Hadoop's INFO logging is turned down to WARN (slf4j-simple, set before their
 * loggers exist). Spark on Java 17 needs the {@code --add-opens} flags of the root pom's
 * {@code spark.jvm.args} (the launcher, surefire and the harness pass them). Called on the driver.
 */
public final class SparkJobs {
    private SparkJobs() {
    }

    /** The active session, or a new one on {@code spark.master} or {@code local[*]}. */
    public static SparkSession session() {
        return session("local[*]");
    }

    /**
     * The active session, or a new one: on {@code spark.master} if the configuration (system
     * properties, spark-submit) sets it, else on {@code defaultMaster} (e.g. {@code local[2]}).
     */
    public static SparkSession session(String defaultMaster) {
        scala.Option<SparkSession> active = SparkSession.getActiveSession();
        if (active.isDefined()) {
            return active.get();
        }
        quietLogging();
        SparkConf conf = new SparkConf();
        boolean embedded = !conf.contains("spark.master");
        if (embedded) {
            conf.setMaster(defaultMaster);
            conf.setIfMissing("spark.ui.enabled", "false");
            conf.setIfMissing("spark.sql.shuffle.partitions",
                    Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors())));
        }
        conf.setIfMissing("spark.app.name", "rlplay");
        conf.setIfMissing("spark.sql.debug.maxToStringFields", "200");   // the step table has ~30 columns
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /**
     * Spark, Hadoop, Jetty and Netty log at WARN (the start-up notes about the host name and
     * Hadoop's native library at ERROR) unless the user set their levels.
     */
    private static void quietLogging() {
        String[][] levels = {{"org.apache.spark", "warn"}, {"org.apache.hadoop", "warn"}, {"org.sparkproject", "warn"},
                {"io.netty", "warn"}, {"org.apache.parquet", "warn"}, {"org.apache.spark.util.Utils", "error"},
                {"org.apache.hadoop.util.NativeCodeLoader", "error"}};
        for (String[] level : levels) {
            String key = "org.slf4j.simpleLogger.log." + level[0];
            if (System.getProperty(key) == null) {
                System.setProperty(key, level[1]);
            }
        }
    }
}
