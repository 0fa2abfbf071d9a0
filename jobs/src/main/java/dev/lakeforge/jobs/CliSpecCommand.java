package dev.lakeforge.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Prints every command with its options as JSON, for tools that build Lakeforge command lines (the Airflow DAG tests
 * check each task's arguments against it, so a renamed option breaks them).
 */
@Command(name = "cli-spec", mixinStandardHelpOptions = true,
        description = "Print every command, its options (names, whether they take a value, required, choices) and its positional"
                + " parameters as JSON: a machine-readable description of this command line.")
final class CliSpecCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        System.out.println(json(spec.root()));
        return 0;
    }

    static String json(CommandSpec root) {
        List<String> commands = new ArrayList<>();
        for (Map.Entry<String, CommandLine> e : root.subcommands().entrySet()) {
            CommandSpec c = e.getValue().getCommandSpec();
            if (c.name().equals("help")) {
                continue;
            }
            List<String> options = new ArrayList<>();
            for (OptionSpec o : c.options()) {
                List<String> choices = new ArrayList<>();
                if (o.completionCandidates() != null && o.type().isEnum()) {
                    o.completionCandidates().forEach(choices::add);
                }
                options.add("{\"names\": " + strings(List.of(o.names())) + ", \"takes_value\": " + (o.arity().max() > 0)
                        + ", \"required\": " + o.required() + ", \"repeatable\": " + (o.isMultiValue()) + ", \"choices\": " + strings(choices)
                        + "}");
            }
            int required = 0;
            int max = 0;
            for (PositionalParamSpec p : c.positionalParameters()) {
                required += p.arity().min();
                max = p.arity().max() == Integer.MAX_VALUE ? Integer.MAX_VALUE : max + p.arity().max();
            }
            commands.add("\"" + c.name() + "\": {\"options\": [" + String.join(", ", options) + "], \"positional\": {\"min\": " + required
                    + ", \"max\": " + (max == Integer.MAX_VALUE ? -1 : max) + "}}");
        }
        return "{\"commands\": {" + String.join(",\n ", commands) + "}}";
    }

    private static String strings(List<String> values) {
        List<String> quoted = new ArrayList<>();
        for (String v : values) {
            quoted.add("\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
        return "[" + String.join(", ", quoted) + "]";
    }
}
