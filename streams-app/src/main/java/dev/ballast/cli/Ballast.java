package dev.ballast.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code ballast} command. */
@Command(name = "ballast",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
            "Online multi-label learning under drifting class imbalance, on Kafka Streams.",
            "",
            "Labelled events stream in; Ballast keeps decayed label counts, turns them into per-label class weights, "
                + "takes SGD steps on weighted binary cross-entropy and publishes versioned models, metrics and alerts.",
            ""},
        footer = {"", "Run 'ballast COMMAND --help' for a command's options. Start with 'ballast demo'."},
        subcommands = {DemoCommand.class, EvaluateCommand.class, RunCommand.class, StackCommand.class, ProduceCommand.class,
            ModelsCommand.class, PredictionsCommand.class, MonitorCommand.class, DeadLettersCommand.class,
            BenchCommand.class, RegistryCommand.class, ConfigCommand.class, DocsCommand.class, CommandLine.HelpCommand.class})
public final class Ballast implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, also used by tests to run commands in-process. */
    public static CommandLine commandLine() {
        return new CommandLine(new Ballast())
                .setExecutionExceptionHandler(new ReadableErrors())
                .setCaseInsensitiveEnumValuesAllowed(true);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
