package dev.ballast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Every help page renders cleanly, reads as whole sentences, has examples that copy-paste, and matches docs/cli.md. */
class CliHelpTest {

    private static final Path DOCS = Path.of("..", "docs", "cli.md");

    private static List<CommandLine> commands() {
        List<CommandLine> commands = new ArrayList<>();
        for (Map.Entry<String, CommandLine> command : Ballast.commandLine().getSubcommands().entrySet()) {
            if (!command.getKey().equals("help")) {
                commands.add(command.getValue());
            }
        }
        return commands;
    }

    /** The usage text, failing on anything picocli writes to stderr while rendering it (e.g. "[picocli WARN]"). */
    private static String render(CommandLine command) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        String usage;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            usage = command.getUsageMessage(CommandLine.Help.Ansi.OFF);
        } finally {
            System.setErr(original);
        }
        assertEquals("", err.toString(StandardCharsets.UTF_8), command.getCommandName() + " --help wrote to stderr");
        assertFalse(usage.contains("picocli"), usage);
        return usage;
    }

    @Test
    void shouldRenderEveryHelpPageWithoutAPicocliWarning() {
        render(Ballast.commandLine());
        commands().forEach(CliHelpTest::render);
    }

    @Test
    void shouldListEveryCommandWithAWholeSentence() {
        String top = render(Ballast.commandLine()).replaceAll("\\s+", " ");
        for (CommandLine command : commands()) {
            String[] description = command.getCommandSpec().usageMessage().description();
            String summary = description[0];
            assertTrue(summary.endsWith("."), command.getCommandName() + "'s first description line is not a sentence: " + summary);
            if (!command.getCommandSpec().usageMessage().hidden()) {
                assertTrue(top.contains(command.getCommandName() + " " + summary), "the list shows all of: " + summary);
            }
        }
    }

    @Test
    void shouldGiveEveryCommandExamplesThatAreNotWrapped() {
        for (CommandLine command : commands()) {
            String[] footer = command.getCommandSpec().usageMessage().footer();
            List<String> examples = List.of(footer).stream().filter(line -> line.startsWith("  ")).toList();
            assertTrue(List.of(footer).contains("Examples:") && !examples.isEmpty(), command.getCommandName() + " has no examples");
            List<String> lines = render(command).lines().toList();
            for (String example : examples) {
                assertTrue(example.length() <= command.getUsageHelpWidth(), "too wide to stay on one line: " + example);
                assertTrue(lines.contains(example), command.getCommandName() + " --help splits: " + example);
            }
        }
    }

    @Test
    void shouldKeepDocsCliMdGeneratedFromTheCommands() throws Exception {
        assertEquals(DocsCommand.markdown(), Files.readString(DOCS), "docs/cli.md is stale: ./ballast docs > docs/cli.md");
    }
}
