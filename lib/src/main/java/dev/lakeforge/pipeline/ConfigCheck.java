package dev.lakeforge.pipeline;

import dev.lakeforge.config.ConfigProblem;
import dev.lakeforge.config.ConfigurationException;
import dev.lakeforge.config.LakeforgeConfig;
import dev.lakeforge.docs.DocsSettings;
import dev.lakeforge.ingest.SourceCatalog;
import dev.lakeforge.ml.BusinessModel;
import dev.lakeforge.publish.PublishSettings;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything a pipeline run reads from its configuration, read and checked before Spark starts: the sources, every
 * business model file, and the publish and docs settings when their stages are in {@code lakeforge.pipeline.stages}
 * (the core settings were checked when the configuration was loaded). The pipeline validates with it, and
 * {@code lakeforge config --check} runs it alone, e.g. in the CI of the repository that holds a deployment's
 * configuration. The problems of all parts are reported together, each naming its key (and file), what was found and
 * what is expected.
 */
public final class ConfigCheck {
    private ConfigCheck() {
    }

    /** One part that was checked: its name and what it holds. */
    public record Checked(String part, List<String> items) {
    }

    /**
     * What was read: the parts, and the keys of the sources that nothing reads (probable typos, each with a suggestion).
     */
    public record Result(SourceCatalog sources, List<BusinessModel> models, Optional<PublishSettings> publish, Optional<DocsSettings> docs,
                         List<String> stages, List<String> warnings) {
        public List<Checked> parts() {
            List<Checked> out = new ArrayList<>();
            out.add(new Checked("sources", sources.inDependencyOrder().stream().map(s -> s.name()).toList()));
            out.add(new Checked("business models", models.stream().map(b -> b.spec().name()).toList()));
            publish.ifPresent(p -> out.add(new Checked("published tables", p.tables().stream().map(PublishSettings.PublishedTableSpec::name).toList())));
            out.add(new Checked("pipeline stages", stages));
            return out;
        }
    }

    /** Reads and checks every part; throws one {@link ConfigurationException} with the problems of all of them. */
    public static Result run(LakeforgeConfig config) {
        List<ConfigProblem> problems = new ArrayList<>();
        List<String> stages = config.models().pipelineStages();
        SourceCatalog sources = read(problems, "", () -> SourceCatalog.from(config));
        if (sources != null && sources.isEmpty()) {
            problems.add(SourceCatalog.NO_SOURCES);
        }
        List<BusinessModel> models = new ArrayList<>();
        for (String file : config.models().business()) {
            BusinessModel m = read(problems, file + ": ", () -> BusinessModel.read(Path.of(file)));
            if (m != null) {
                models.add(m);
            }
        }
        Optional<PublishSettings> publish = stages.contains("publish")
                ? Optional.ofNullable(read(problems, "", () -> PublishSettings.from(config))) : Optional.empty();
        Optional<DocsSettings> docs = stages.contains("docs")
                ? Optional.ofNullable(read(problems, "", () -> DocsSettings.from(config))) : Optional.empty();
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return new Result(sources, List.copyOf(models), publish, docs, stages, sources.warnings());
    }

    private static <T> T read(List<ConfigProblem> problems, String prefix, Supplier<T> part) {
        try {
            return part.get();
        } catch (ConfigurationException e) {
            if (e.problems().isEmpty()) { // not about one key: an unreadable or unparsable file, a value of the wrong type
                problems.add(new ConfigProblem(prefix.isEmpty() ? "configuration" : prefix.substring(0, prefix.length() - 2),
                        e.getMessage().replaceFirst("^Invalid configuration: ", ""), "a file that reads and parses"));
            } else {
                e.problems().forEach(p -> problems.add(new ConfigProblem(prefix + p.key(), p.found(), p.expected())));
            }
            return null;
        }
    }
}
