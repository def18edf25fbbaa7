package org.rlplay.examples.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.rlplay.gym.PythonRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rlplay venv}: prints the Python interpreter that runs the Gymnasium envs (setting up the
 * managed venv on first use, or checking {@code RLPLAY_PYTHON}); {@code rlplay venv install PKG...}
 * installs packages into it with pip, e.g. the Box2D dependencies of {@code LunarLander-v3}. Runs on
 * the calling thread.
 */
@Command(name = "venv", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the Python that runs Gymnasium envs (gym:<id>), or install packages into it.",
            "The managed venv lives in the cache directory (RLPLAY_CACHE, default ~/.cache/rlplay) unless"
                    + " RLPLAY_PYTHON names an interpreter of your own."},
        subcommands = VenvCommand.Install.class)
public final class VenvCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("python       " + PythonRuntime.python());
        out.println("requirements " + String.join(" ", PythonRuntime.requirements()));
        out.println("add packages with: rlplay venv install PKG...");
        out.flush();
        return 0;
    }

    /** {@code rlplay venv install PKG...}: {@code <python> -m pip install PKG...}. */
    @Command(name = "install", mixinStandardHelpOptions = true,
            description = "Install packages into the Python that runs Gymnasium envs, with pip"
                    + " (e.g. rlplay venv install swig \"gymnasium[box2d]\").")
    static final class Install implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(arity = "1..*", paramLabel = "PKG", description = "pip requirement specifiers.")
        List<String> packages;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            out.println("installing " + String.join(" ", packages) + " into " + PythonRuntime.python() + " with pip ...");
            out.flush();
            String log = PythonRuntime.install(packages);
            String[] lines = log.strip().split("\n");
            out.println(lines[lines.length - 1]);
            out.flush();
            return 0;
        }
    }
}
