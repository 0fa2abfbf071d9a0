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

    @Test
    void anItemStartsOnceItsPrerequisitesFinishAndNoLater() throws Exception {
        SparkSession spark = SparkExtension.spark();
        List<String> log = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        java.util.concurrent.CountDownLatch slowMayEnd = new java.util.concurrent.CountDownLatch(1);
        // "lines" needs "orders"; "slow" is unrelated and still running when "orders" ends: "lines" must not wait for it
        java.util.Map<String, List<String>> needs = java.util.Map.of("lines", List.of("orders"));
        List<String> out = ConcurrentJobs.mapAfter(spark, 2, "test", List.of("lines", "slow", "orders"), s -> s,
                s -> needs.getOrDefault(s, List.of()), s -> {
                    log.add("start " + s);
                    if (s.equals("slow")) {
                        try {
                            assertThat(slowMayEnd.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("lines started while slow ran").isTrue();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (s.equals("lines")) {
                        slowMayEnd.countDown();
                    }
                    log.add("end " + s);
                    return s.toUpperCase(java.util.Locale.ROOT);
                });
        assertThat(out).containsExactly("LINES", "SLOW", "ORDERS");
        assertThat(log.indexOf("start lines")).isGreaterThan(log.indexOf("end orders")).isLessThan(log.indexOf("end slow"));
        // one at a time: in priority order, each after its prerequisites
        List<String> order = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        ConcurrentJobs.mapAfter(spark, 1, "test", List.of("lines", "slow", "orders"), s -> s, s -> needs.getOrDefault(s, List.of()),
                s -> order.add(s));
        assertThat(order).containsExactly("slow", "orders", "lines");
    }

    @Test
    void aCycleIsRefusedBeforeAnythingRunsAndAFailureStopsWhatWaitsForIt() {
        SparkSession spark = SparkExtension.spark();
        java.util.Map<String, List<String>> cycle = java.util.Map.of("a", List.of("b"), "b", List.of("a"));
        Set<String> ran = ConcurrentHashMap.newKeySet();
        assertThatThrownBy(() -> ConcurrentJobs.mapAfter(spark, 2, "test", List.of("a", "b", "c"), s -> s,
                s -> cycle.getOrDefault(s, List.of()), ran::add)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cycle").hasMessageContaining("[a, b]");
        assertThat(ran).isEmpty();
        java.util.Map<String, List<String>> needs = java.util.Map.of("lines", List.of("orders"));
        assertThatThrownBy(() -> ConcurrentJobs.mapAfter(spark, 2, "test", List.of("orders", "lines"), s -> s,
                s -> needs.getOrDefault(s, List.of()), s -> {
                    ran.add(s);
                    if (s.equals("orders")) {
                        throw new IllegalStateException("orders is broken");
                    }
                    return s;
                })).hasMessage("orders is broken");
        assertThat(ran).containsExactly("orders");
    }
}
