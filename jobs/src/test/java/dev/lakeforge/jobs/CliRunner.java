package dev.lakeforge.jobs;

import dev.lakeforge.testing.TestLakehouse;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Runs the CLI in-process (on the shared SparkSession) and captures what it prints. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private CliRunner() {
    }

    /** Runs {@code command args…} with the configuration pointed at the test lakehouse. */
    static Result run(TestLakehouse t, String command, String... args) {
        return runWithConf(t, "", command, args);
    }

    /** Like {@link #run} with a configuration file holding {@code hocon} (sources and the like). */
    static Result runWithConf(TestLakehouse t, String hocon, String command, String... args) {
        List<String> argv = new ArrayList<>(List.of(command));
        argv.addAll(List.of(args));
        var c = t.loaded().config();
        argv.addAll(List.of("--set", "lakehouse.root=" + c.lakehouse().root(),
                "--set", "lakehouse.landing=" + c.lakehouse().landing(),
                "--set", "metastore.derby-dir=" + c.metastore().derbyDir(),
                "--set", "metastore.warehouse-dir=" + c.metastore().warehouseDir(),
                "--set", "spark.shuffle-partitions=2",
                "--conf", t.root().resolve("empty.conf").toString()));
        try {
            java.nio.file.Files.writeString(t.root().resolve("empty.conf"), hocon);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return raw(cl -> { }, argv.toArray(String[]::new));
    }

    static Result raw(Consumer<CommandLine> customize, String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        StringWriter pOut = new StringWriter();
        StringWriter pErr = new StringWriter();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            CommandLine cl = LakeforgeCli.commandLine();
            cl.setOut(new PrintWriter(pOut, true));
            cl.setErr(new PrintWriter(pErr, true));
            customize.accept(cl);
            int code = cl.execute(args);
            return new Result(code, out.toString(StandardCharsets.UTF_8) + pOut, err.toString(StandardCharsets.UTF_8) + pErr);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
