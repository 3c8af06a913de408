package io.etcetera;

import io.etcetera.config.ConfigException;
import io.etcetera.config.EtcdCommandLine;
import io.etcetera.config.LogConfig;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The process entry point: reads etcd's flags and {@code ETCD_*} variables before Quarkus starts,
 * so a bad command line is refused at once in etcd's words and with etcd's exit status (2 for a
 * flag that does not parse, 1 for flags that fail etcd's checks), and every port comes from etcd's
 * flags, never from Quarkus's configuration. Then it maps the logging flags onto Quarkus's logging
 * and runs {@link MainApplication}. {@code etcetera snapshot restore ...} runs the offline restore
 * instead ({@link MainSnapshotRestore}). Runs on the main thread, once.
 */
@QuarkusMain
public final class Main {

    private Main() {}

    public static void main(String... arguments) {
        if (arguments.length > 0 && arguments[0].equals("snapshot")) {
            List<String> rest = List.of(arguments).subList(1, arguments.length);
            System.exit(MainSnapshotRestore.run(rest, System.out, System.err));
            return;
        }
        EtcdCommandLine.Launch launch;
        try {
            launch = EtcdCommandLine.parse(List.of(arguments), System.getenv());
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            if (e.exitStatus() == ConfigException.EXIT_BAD_FLAG) {
                System.err.println("Run 'etcetera --help' for the flags.");
            }
            System.exit(e.exitStatus());
            return;
        }
        if (launch instanceof EtcdCommandLine.ShowText text) {
            System.out.print(text.text());
            return;
        }
        EtcdCommandLine.Start start = (EtcdCommandLine.Start) launch;
        List<String> warnings = new ArrayList<>(start.warnings());
        quarkusLogProperties(start.config().log(), warnings).forEach(System::setProperty);
        warnings.forEach(warning -> System.err.println("WARN etcetera: " + warning));
        Quarkus.run(MainApplication.class, arguments);
    }

    /**
     * Quarkus logging properties for etcd's {@code --log-level} and {@code --log-outputs}: {@code
     * default} and {@code stderr} log to standard error (as etcd does), {@code stdout} to standard
     * output, anything else to that file. Quarkus has one file handler, so a second file is dropped
     * with a warning.
     */
    static Map<String, String> quarkusLogProperties(LogConfig log, List<String> warnings) {
        Map<String, String> properties = new java.util.LinkedHashMap<>();
        properties.put(
                "quarkus.log.level",
                switch (log.level()) {
                    case DEBUG -> "DEBUG";
                    case INFO -> "INFO";
                    case WARN -> "WARN";
                    case ERROR -> "ERROR";
                    case PANIC, FATAL -> "FATAL";
                });
        boolean stderr = log.outputs().contains("default") || log.outputs().contains("stderr");
        boolean stdout = log.outputs().contains("stdout");
        properties.put("quarkus.log.console.enabled", Boolean.toString(stderr || stdout));
        properties.put("quarkus.log.console.stderr", Boolean.toString(stderr));
        List<String> files =
                log.outputs().stream()
                        .filter(output -> !List.of("default", "stderr", "stdout").contains(output))
                        .toList();
        if (!files.isEmpty()) {
            properties.put("quarkus.log.file.enabled", "true");
            properties.put("quarkus.log.file.path", files.get(0));
            files.stream()
                    .skip(1)
                    .forEach(
                            file ->
                                    warnings.add(
                                            "--log-outputs "
                                                    + file
                                                    + " is not written: etcetera logs to one file, "
                                                    + files.get(0)));
        }
        return properties;
    }
}
