package dev.lakeforge.jobs;

import picocli.CommandLine;

import java.util.List;

/** What the benchmark commands share. */
final class BenchCommands {
    private BenchCommands() {
    }

    /** The command line that reproduces this run, quoted for a shell: {@code LAKEFORGE_HEAP=4g bin/lakeforge <name> <args>}. */
    static String reproduce(CommandLine.Model.CommandSpec spec, String heap) {
        StringBuilder sb = new StringBuilder();
        sb.append("LAKEFORGE_HEAP=").append(heap == null || heap.isBlank() ? "4g" : heap).append(" bin/lakeforge ").append(spec.name());
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // the parse result of a subcommand holds the whole command line, the subcommand's name included
        int from = args.indexOf(spec.name()) + 1;
        for (String a : args.subList(from, args.size())) {
            sb.append(' ').append(a.matches("[A-Za-z0-9_./,=:@%+-]+") ? a : "'" + a.replace("'", "'\\''") + "'");
        }
        return sb.toString();
    }

    /** Stops with a usage error naming the option when a size is not one {@code generate --scale} takes. */
    static void checkSizes(CommandLine.Model.CommandSpec spec, String option, List<String> sizes) {
        for (String s : sizes) {
            try {
                dev.lakeforge.generate.EnterpriseDataGenerator.orderLinesForScale(s);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }
    }
}
