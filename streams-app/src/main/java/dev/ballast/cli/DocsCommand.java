package dev.ballast.cli;

import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Prints docs/cli.md: every command's help page, rendered from the same picocli model as {@code --help}, so that the
 * help and the docs cannot disagree ({@code CliHelpTest} fails when the committed file is stale).
 */
@Command(name = "docs", hidden = true, mixinStandardHelpOptions = true,
        description = {"Print the Markdown reference of every command (docs/cli.md).", ""},
        footer = {"", "Examples:", "  ballast docs > docs/cli.md"})
final class DocsCommand implements Runnable {

    @Override
    public void run() {
        System.out.print(markdown());
    }

    /** The help page of the top-level command and of every visible subcommand, in the order of the top-level list. */
    static String markdown() {
        CommandLine root = Ballast.commandLine();
        StringBuilder text = new StringBuilder("# The `ballast` command line\n\n")
                .append("Every command's `--help`, generated from the commands themselves by `./ballast docs > docs/cli.md`.\n\n")
                .append("```\n").append(root.getUsageMessage(CommandLine.Help.Ansi.OFF)).append("```\n");
        for (Map.Entry<String, CommandLine> command : root.getSubcommands().entrySet()) {
            if (command.getValue().getCommandSpec().usageMessage().hidden() || command.getKey().equals("help")) {
                continue;
            }
            text.append("\n## ballast ").append(command.getKey()).append("\n\n```\n")
                    .append(command.getValue().getUsageMessage(CommandLine.Help.Ansi.OFF)).append("```\n");
        }
        return text.toString();
    }
}
