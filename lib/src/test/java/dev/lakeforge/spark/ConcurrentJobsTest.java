package dev.lakeforge.spark;

import dev.lakeforge.testing.SparkExtension;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(SparkExtension.class)
class ConcurrentJobsTest {
    @Test
    void resultsComeBackInInputOrderFromSeveralThreads() {
        SparkSession spark = SparkExtension.spark();
        Set<String> threads = ConcurrentHashMap.newKeySet();
        List<Long> counts = ConcurrentJobs.map(spark, 3, "test", List.of(10, 20, 30, 40, 50), String::valueOf, n -> {
            threads.add(Thread.currentThread().getName());
            return spark.range(n).count();
        });
        assertThat(counts).containsExactly(10L, 20L, 30L, 40L, 50L);
        assertThat(threads).allSatisfy(t -> assertThat(t).startsWith("lakeforge-test-"));
    }

    @Test
    void theFirstFailureIsThrownAfterTheRunningTasksFinish() {
        SparkSession spark = SparkExtension.spark();
        Set<Integer> finished = ConcurrentHashMap.newKeySet();
        java.util.concurrent.CountDownLatch secondStarted = new java.util.concurrent.CountDownLatch(1);
        assertThatThrownBy(() -> ConcurrentJobs.map(spark, 2, "test", List.of(1, 2, 3), String::valueOf, n -> {
            if (n == 1) {
                try {
                    // fail only once the task beside it is running
                    secondStarted.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("source 1 is broken");
            }
            secondStarted.countDown();
            spark.range(100).count();
            finished.add(n);
            return n;
        })).isInstanceOf(IllegalStateException.class).hasMessage("source 1 is broken");
        // the task running beside the failed one was not abandoned half-way
        assertThat(finished).contains(2);
    }

    @Test
    void parallelismOneRunsInTheCallersThread() {
        String caller = Thread.currentThread().getName();
        List<String> names = ConcurrentJobs.map(SparkExtension.spark(), 1, "test", List.of("a", "b"), s -> s,
                s -> Thread.currentThread().getName());
        assertThat(names).containsOnly(caller);
    }
}
