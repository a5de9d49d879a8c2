package chorus.client;

import chorus.client.bot.BotCommand;
import chorus.client.load.LoadTestCommand;
import chorus.client.ui.ClientCommand;
import chorus.client.ui.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The client's command line: {@code chorus <subcommand>}. Exit codes: 0 done, 1 failed, 2 bad usage. */
@Command(name = "chorus",
        mixinStandardHelpOptions = true,
        version = "chorus 0.1.0",
        description = "Chorus conferencing client.",
        subcommands = {BotCommand.class, LoadTestCommand.class, ClientCommand.class, DemoCommand.class,
                CommandLine.HelpCommand.class})
public final class ClientMain implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line in this JVM and returns its exit code (tests call this). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    public static CommandLine commandLine() {
        return new CommandLine(new ClientMain());
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }
}
