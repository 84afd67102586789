package io.jvmipc.tools;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import io.jvmipc.counters.CounterInfo;
import io.jvmipc.counters.CounterState;
import io.jvmipc.counters.CountersReader;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ForeignFileException;
import io.jvmipc.file.IncompatibleVersionException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ReadOnlyFile;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.tools.inspect.Json;
import io.jvmipc.tools.inspect.ObjectInspector;
import io.jvmipc.tools.inspect.ObjectReport;
import io.jvmipc.tools.inspect.ProcessReport;
import io.jvmipc.tools.inspect.QueueMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code jvmipc} command line ({@code scripts/jvmipc}): lists, inspects, watches and cleans the shared objects
 * of a directory. Every inspecting command is read-only (see {@link ObjectInspector}): it never attaches, takes a
 * lock or runs a recovery, so it cannot disturb the processes it watches. {@code clean} and {@code rm} remove a
 * name only when no live process holds the object, proven under the object's name lock as
 * {@link io.jvmipc.file.SharedFile#unlink()} does.
 * <p>
 * Commands: {@code ls}, {@code stat NAME}, {@code ps NAME}, {@code watch [NAME]}, {@code clean [--dry-run]},
 * {@code rm NAME}, {@code tail NAME}, {@code counters NAME}; options {@code --dir DIR} (default: the library's
 * default directory) and {@code --json} (one JSON document per line, fields as documented in the README) on every
 * command. Exit codes: {@link #OK} 0, {@link #NOT_FOUND} 1, {@link #USAGE} 2, {@link #REFUSED} 3 (a live process
 * holds it, or it is busy), {@link #CORRUPT} 4 (not a valid jvmipc object), {@link #FAILED} 5 (an I/O error).
 * <p>
 * Arguments are parsed with picocli, an optional dependency that only this package uses.
 */
// scope INHERIT: every command takes -h/--help (and -V), so "jvmipc ls --help" shows the command's own usage
@Command(name = "jvmipc", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, version = "jvmipc command line",
    description = "Lists, inspects, watches and cleans jvmipc shared objects (read-only unless removing).",
    subcommands = {Cli.Ls.class, Cli.Stat.class, Cli.Ps.class, Cli.Watch.class, Cli.Clean.class, Cli.Rm.class,
        Cli.Tail.class, Cli.Counters.class, HelpCommand.class},
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:ok", "1:not found", "2:usage", "3:refused (a live process holds it) or busy",
        "4:corrupt or not a jvmipc object", "5:I/O failure"})
public final class Cli implements Callable<Integer>
{
    /** Exit code: done. */
    public static final int OK = 0;
    /** Exit code: no such object. */
    public static final int NOT_FOUND = 1;
    /** Exit code: bad arguments, or a command that does not apply to the object's kind. */
    public static final int USAGE = 2;
    /** Exit code: refused because a live process holds the object, or busy (a process is attaching). */
    public static final int REFUSED = 3;
    /** Exit code: the file is not a valid jvmipc object (foreign, corrupt, truncated, other version). */
    public static final int CORRUPT = 4;
    /** Exit code: an I/O error (the directory cannot be read, a name cannot be removed). */
    public static final int FAILED = 5;

    @Option(names = "--dir", scope = ScopeType.INHERIT, paramLabel = "DIR",
        description = "the objects' directory (default: -Djvmipc.dir, $JVMIPC_DIR or /dev/shm/jvmipc-$USER)")
    Path dir;

    @Option(names = "--json", scope = ScopeType.INHERIT, description = "print JSON, one document per line")
    boolean json;

    @Spec
    CommandSpec spec;

    /** A command line with no options set yet; {@link #run(PrintWriter, PrintWriter, String...)} parses them. */
    public Cli()
    {
    }

    /**
     * Runs the command line and exits with its exit code.
     *
     * @param args the arguments.
     */
    public static void main(final String[] args)
    {
        final PrintWriter out = new PrintWriter(System.out, true);
        final PrintWriter err = new PrintWriter(System.err, true);
        System.exit(run(out, err, args));
    }

    /**
     * Runs the command line with the given output streams, without exiting (for tests and embedding).
     *
     * @param out  where results go.
     * @param err  where errors and usage go.
     * @param args the arguments.
     * @return the exit code.
     */
    public static int run(final PrintWriter out, final PrintWriter err, final String... args)
    {
        final CommandLine line = new CommandLine(new Cli());
        line.setOut(out);
        line.setErr(err);
        line.setExecutionExceptionHandler((e, commandLine, parsed) ->
        {
            commandLine.getErr().println("jvmipc: " + e.getMessage());
            commandLine.getErr().flush();
            return exitCode(e);
        });
        final int code = line.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    /** Without a command: the usage, exit code {@link #USAGE}. */
    @Override
    public Integer call()
    {
        spec.commandLine().usage(spec.commandLine().getErr());
        return USAGE;
    }

    static int exitCode(final Exception e)
    {
        if (e instanceof CliException cli)
        {
            return cli.code;
        }
        if (e instanceof NoSuchSharedObjectException)
        {
            return NOT_FOUND;
        }
        if (e instanceof CorruptFileException || e instanceof ForeignFileException ||
            e instanceof IncompatibleVersionException || e instanceof WrongKindException ||
            e instanceof SharedObjectException)
        {
            return CORRUPT;
        }
        if (e instanceof IllegalArgumentException)
        {
            return USAGE;
        }
        return FAILED;
    }

    SharedDirectory directory()
    {
        try
        {
            return dir == null ? SharedDirectory.defaultDirectory() : SharedDirectory.of(dir);
        }
        catch (final UncheckedIOException e)
        {
            throw new CliException(FAILED, e.getMessage());
        }
    }

    /**
     * Checks that object {@code name} is a valid object of one of {@code kinds}: another kind is a usage error
     * (exit {@link #USAGE}, the command does not apply to it), a file that is not a valid object (an unknown kind
     * code included) is the validation's {@link SharedObjectException} (exit {@link #CORRUPT}).
     */
    static void requireKind(final SharedDirectory directory, final String name, final String applies,
        final ObjectKind... kinds)
    {
        try (ReadOnlyFile file = ReadOnlyFile.open(directory.resolve(name)))
        {
            if (!List.of(kinds).contains(file.kind()))
            {
                throw new CliException(USAGE, file.path() + ": holds a " + file.kind() + ": " + applies);
            }
        }
    }

    PrintWriter out()
    {
        return spec.commandLine().getOut();
    }

    /** An error with its exit code. */
    static final class CliException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;
        final int code;

        CliException(final int code, final String message)
        {
            super(message);
            this.code = code;
        }
    }

    // ---------------------------------------------------------------------------------------------------------

    /** {@code ls}: every object, one line each. */
    @Command(name = "ls", description = "List every object: name, kind, size, live and dead processes, depth.")
    static final class Ls implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Option(names = {"-a", "--all"}, description = "also list, as INVALID, the other files with an object's " +
            "name: other programs' files, and jvmipc files whose magic number was overwritten or that cannot be read")
        boolean all;

        @Override
        public Integer call()
        {
            print(cli, cli.directory(), all);
            return OK;
        }

        static void print(final Cli cli, final SharedDirectory directory, final boolean all)
        {
            final List<Object> rows = new ArrayList<>();
            final PrintWriter out = cli.out();
            if (!cli.json)
            {
                out.printf("%-32s %-18s %12s %5s %5s %10s%n", "NAME", "KIND", "SIZE", "ALIVE", "DEAD", "DEPTH");
            }
            final List<String> names = new ArrayList<>(directory.list());
            if (all)
            {
                names.addAll(directory.otherFiles());
                Collections.sort(names);
            }
            for (final String name : names)
            {
                try
                {
                    final ObjectReport report = ObjectInspector.inspect(directory, name);
                    if (cli.json)
                    {
                        rows.add(report.summaryJson());
                    }
                    else
                    {
                        out.printf("%-32s %-18s %12d %5d %5d %10s%n", name, report.kind(), report.fileLength(),
                            report.aliveCount(), report.deadCount(),
                            report.depth() == null ? "-" : report.depth().toString());
                    }
                }
                catch (final NoSuchSharedObjectException e)
                {
                    // removed since listed
                }
                catch (final SharedObjectException | UncheckedIOException e)
                {
                    if (cli.json)
                    {
                        final Map<String, Object> row = new LinkedHashMap<>();
                        row.put("name", name);
                        row.put("path", directory.resolve(name).toString());
                        row.put("kind", null);
                        row.put("error", e.getMessage());
                        rows.add(row);
                    }
                    else
                    {
                        out.printf("%-32s %-18s %s%n", name, "INVALID", e.getMessage());
                    }
                }
            }
            if (cli.json)
            {
                final Map<String, Object> json = new LinkedHashMap<>();
                json.put("directory", directory.path().toString());
                json.put("objects", rows);
                out.println(Json.write(json));
            }
            out.flush();
        }
    }

    /** {@code stat NAME}: everything the inspector reads. */
    @Command(name = "stat", description = "Show an object's header, parameters, processes, signals and state.")
    static final class Stat implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "NAME", description = "the object's name")
        String name;

        @Override
        public Integer call()
        {
            print(cli, ObjectInspector.inspect(cli.directory(), name));
            return OK;
        }

        static void print(final Cli cli, final ObjectReport report)
        {
            final PrintWriter out = cli.out();
            if (cli.json)
            {
                out.println(Json.write(report.toJson()));
            }
            else
            {
                final Map<String, Object> fields = report.toJson();
                fields.put("creationTime", Instant.ofEpochMilli(report.creationTimeMillis()).toString());
                fields.remove("processes");
                printTree(out, fields, "");
                out.println("processes:");
                Ps.table(out, report.processes());
            }
            out.flush();
        }

        private static void printTree(final PrintWriter out, final Map<?, ?> map, final String indent)
        {
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                final Object value = entry.getValue();
                if (value instanceof Map<?, ?> nested && !nested.isEmpty())
                {
                    out.println(indent + entry.getKey() + ":");
                    printTree(out, nested, indent + "  ");
                }
                else if (value instanceof List<?> list && !list.isEmpty() && list.get(0) instanceof Map)
                {
                    out.println(indent + entry.getKey() + ":");
                    for (final Object item : list)
                    {
                        out.println(indent + "  - " + inline((Map<?, ?>)item));
                    }
                }
                else
                {
                    out.println(indent + entry.getKey() + ": " + (value instanceof Map<?, ?> m ? inline(m) : value));
                }
            }
        }

        private static String inline(final Map<?, ?> map)
        {
            final StringBuilder text = new StringBuilder();
            for (final Map.Entry<?, ?> entry : map.entrySet())
            {
                if (!text.isEmpty())
                {
                    text.append(' ');
                }
                text.append(entry.getKey()).append('=').append(entry.getValue() instanceof Map<?, ?> m ?
                    "{" + inline(m) + "}" : entry.getValue());
            }
            return text.toString();
        }
    }

    /** {@code ps NAME}: the process table. */
    @Command(name = "ps", description = "Show an object's process-table entries: pid, generation, attach time, " +
        "alive or dead (proven by the kernel's lock), waiting counts.")
    static final class Ps implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "NAME", description = "the object's name")
        String name;

        @Override
        public Integer call()
        {
            final ObjectReport report = ObjectInspector.inspect(cli.directory(), name);
            final PrintWriter out = cli.out();
            if (cli.json)
            {
                final Map<String, Object> json = new LinkedHashMap<>();
                json.put("name", report.name());
                json.put("kind", report.kind().name());
                json.put("processTableCapacity", report.processTableCapacity());
                json.put("processes", report.processes().stream().map(ProcessReport::toJson).toList());
                out.println(Json.write(json));
            }
            else
            {
                table(out, report.processes());
            }
            out.flush();
            return OK;
        }

        static void table(final PrintWriter out, final List<ProcessReport> processes)
        {
            out.printf("%-6s %-10s %-10s %-24s %-9s %s%n", "ENTRY", "PID", "GENERATION", "ATTACHED", "STATE",
                "WAITING");
            for (final ProcessReport process : processes)
            {
                final StringBuilder waiting = new StringBuilder();
                for (final Map.Entry<String, Integer> entry : process.waiting().entrySet())
                {
                    waiting.append(waiting.isEmpty() ? "" : " ").append(entry.getKey()).append('=')
                        .append(entry.getValue());
                }
                out.printf("%-6d %-10d %-10d %-24s %-9s %s%n", process.entry(), process.pid(),
                    process.generation(), Instant.ofEpochMilli(process.attachTimeMillis()), process.state(),
                    waiting);
            }
        }
    }

    /** {@code watch [NAME]}: {@code ls} or {@code stat NAME} again and again. */
    @Command(name = "watch", description = "Refresh ls (or stat NAME) every interval, like top.")
    static final class Watch implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "NAME", arity = "0..1", description = "an object to stat (default: ls)")
        String name;

        @Mixin
        Refresh refresh;

        @Override
        public Integer call()
        {
            final long nanos = refresh.nanos();
            final SharedDirectory directory = cli.directory();
            final boolean terminal = System.console() != null && !cli.json;
            return refresh(refresh.count, nanos, () ->
            {
                if (terminal)
                {
                    cli.out().print("\033[H\033[2J");
                }
                if (!cli.json)
                {
                    cli.out().println("jvmipc watch " + directory + "  " + Instant.now());
                }
                if (name == null)
                {
                    Ls.print(cli, directory, false);
                }
                else
                {
                    Stat.print(cli, ObjectInspector.inspect(directory, name));
                }
            });
        }
    }

    /** {@code clean [--dry-run]}: removes what no live process holds. */
    @Command(name = "clean", description = "Remove every object that no live process holds (proven by the " +
        "kernel's locks, under the object's name lock), and stale temporary files of dead creators.")
    static final class Clean implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Option(names = "--dry-run", description = "say what would be removed; remove nothing")
        boolean dryRun;

        @Override
        public Integer call()
        {
            final SharedDirectory directory = cli.directory();
            final PrintWriter out = cli.out();
            final List<Object> objects = new ArrayList<>();
            boolean busy = false;
            for (final String name : directory.list())
            {
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", name);
                String action;
                String reason;
                List<Long> live = List.of();
                try
                {
                    // read-only first: an object in use is left alone without taking its name lock
                    final ObjectReport report = ObjectInspector.inspect(directory, name);
                    live = report.processes().stream().filter(ProcessReport::alive).map(ProcessReport::pid)
                        .toList();
                    if (!live.isEmpty())
                    {
                        action = "kept";
                        reason = "in use by live process(es) " + live;
                    }
                    else if (dryRun)
                    {
                        action = "wouldRemove";
                        reason = report.deadCount() > 0 ? "only dead processes attached" : "no process attached";
                    }
                    else
                    {
                        final SharedDirectory.Removal removal = directory.removeIfUnused(name);
                        live = removal.livePids();
                        action = switch (removal.outcome())
                        {
                            case REMOVED -> "removed";
                            case ABSENT -> "absent";
                            default -> "kept";
                        };
                        reason = removal.detail();
                        busy |= removal.outcome() == SharedDirectory.Removal.Outcome.BUSY;
                    }
                }
                catch (final NoSuchSharedObjectException e)
                {
                    action = "absent";
                    reason = "removed by another process meanwhile";
                }
                catch (final SharedObjectException e)
                {
                    action = "kept";
                    reason = "not a valid jvmipc object: " + e.getMessage();
                }
                row.put("action", action);
                row.put("reason", reason);
                row.put("livePids", live);
                objects.add(row);
                if (!cli.json)
                {
                    out.printf("%-12s %-32s %s%n", action, name, reason);
                }
            }
            final List<Object> temporaries = new ArrayList<>();
            for (final SharedDirectory.TemporaryFile temporary : directory.temporaryFiles())
            {
                final String action;
                if (temporary.creatorAlive())
                {
                    action = "kept";
                }
                else if (dryRun)
                {
                    action = "wouldRemove";
                }
                else
                {
                    action = directory.removeStaleTemporary(temporary) ? "removed" : "kept";
                }
                final Map<String, Object> row = new LinkedHashMap<>();
                row.put("path", temporary.path().toString());
                row.put("object", temporary.objectName());
                row.put("creatorPid", temporary.creatorPid());
                row.put("creatorAlive", temporary.creatorAlive());
                row.put("action", action);
                temporaries.add(row);
                if (!cli.json)
                {
                    out.printf("%-12s %-32s temporary file of a creation by %s process %d%n", action,
                        temporary.path().getFileName(), temporary.creatorAlive() ? "live" : "dead",
                        temporary.creatorPid());
                }
            }
            if (cli.json)
            {
                final Map<String, Object> json = new LinkedHashMap<>();
                json.put("directory", directory.path().toString());
                json.put("dryRun", dryRun);
                json.put("objects", objects);
                json.put("temporaryFiles", temporaries);
                out.println(Json.write(json));
            }
            out.flush();
            return busy ? REFUSED : OK;
        }
    }

    /** {@code rm NAME}: removes one object unless a live process holds it. */
    @Command(name = "rm", description = "Remove an object; refused (exit 3) while a live process is attached.")
    static final class Rm implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "NAME", description = "the object's name")
        String name;

        @Override
        public Integer call()
        {
            final SharedDirectory.Removal removal = cli.directory().removeIfUnused(name);
            final PrintWriter out = cli.out();
            if (cli.json)
            {
                final Map<String, Object> json = new LinkedHashMap<>();
                json.put("name", name);
                json.put("outcome", removal.outcome().name());
                json.put("livePids", removal.livePids());
                json.put("detail", removal.detail());
                out.println(Json.write(json));
            }
            final int code = switch (removal.outcome())
            {
                case REMOVED -> OK;
                case ABSENT -> NOT_FOUND;
                case IN_USE, BUSY -> REFUSED;
                case INVALID -> CORRUPT;
            };
            if (!cli.json)
            {
                if (code == OK)
                {
                    out.println("removed " + name);
                }
                else
                {
                    cli.spec.commandLine().getErr().println("jvmipc: " + name + ": not removed: " +
                        removal.detail());
                    cli.spec.commandLine().getErr().flush();
                }
            }
            out.flush();
            return code;
        }
    }

    /** {@code tail NAME}: a queue's messages, not consumed. */
    @Command(name = "tail", description = "Print a queue's published messages without consuming them.")
    static final class Tail implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "NAME", description = "the queue's name")
        String name;

        @Option(names = "--codec", paramLabel = "CODEC",
            description = "utf8, bytes (hex), long or int (default: the queue's own codec if built in, else bytes)")
        String codec;

        @Option(names = "--count", paramLabel = "N", defaultValue = "10",
            description = "the newest N messages (default 10)")
        int count;

        @Override
        public Integer call()
        {
            if (count < 0)
            {
                throw new CliException(USAGE, "--count must not be negative: " + count);
            }
            final SharedDirectory directory = cli.directory();
            requireKind(directory, name, "tail reads queues only", ObjectKind.QUEUE, ObjectKind.JOINABLE_QUEUE);
            final String chosen = codec != null ? codec.toLowerCase(Locale.ROOT) :
                defaultCodec(ObjectInspector.codecHash(directory, name));
            final Codec<?> decoder = switch (chosen)
            {
                case "utf8" -> Codecs.utf8();
                case "long" -> Codecs.ofLong();
                case "int" -> Codecs.ofInt();
                case "bytes" -> null;
                default -> throw new CliException(USAGE, "unknown codec '" + chosen + "': use utf8, bytes, long " +
                    "or int");
            };
            final List<QueueMessage> messages = ObjectInspector.queueMessages(directory, name, count);
            final PrintWriter out = cli.out();
            final List<Object> rows = new ArrayList<>();
            for (final QueueMessage message : messages)
            {
                final Object value = decode(decoder, message.bytes());
                if (cli.json)
                {
                    final Map<String, Object> row = new LinkedHashMap<>();
                    row.put("position", message.position());
                    row.put("length", message.bytes().length);
                    row.put("value", value);
                    rows.add(row);
                }
                else
                {
                    out.println(message.position() + "\t" + value);
                }
            }
            if (cli.json)
            {
                final Map<String, Object> json = new LinkedHashMap<>();
                json.put("name", name);
                json.put("codec", chosen);
                json.put("messages", rows);
                out.println(Json.write(json));
            }
            out.flush();
            return OK;
        }

        private static String defaultCodec(final long hash)
        {
            if (hash == Codecs.identityHash(Codecs.utf8()))
            {
                return "utf8";
            }
            if (hash == Codecs.identityHash(Codecs.ofLong()))
            {
                return "long";
            }
            if (hash == Codecs.identityHash(Codecs.ofInt()))
            {
                return "int";
            }
            return "bytes";
        }

        private static Object decode(final Codec<?> decoder, final byte[] bytes)
        {
            if (decoder == null)
            {
                return HexFormat.of().formatHex(bytes);
            }
            try
            {
                return decoder.decode(MemorySegment.ofArray(bytes), 0, bytes.length);
            }
            catch (final RuntimeException e)
            {
                return "<cannot decode " + bytes.length + " bytes: " + e.getMessage() + "> " +
                    HexFormat.of().formatHex(bytes);
            }
        }
    }

    /** {@code counters NAME}: a counter region, like AeronStat. */
    @Command(name = "counters", description = "Show a counter region's counters (label, value), like AeronStat.")
    static final class Counters implements Callable<Integer>
    {
        @ParentCommand
        Cli cli;

        @Parameters(paramLabel = "NAME", description = "the counter region's name")
        String name;

        @Option(names = "--filter", paramLabel = "REGEX", description = "only labels matching (find) REGEX")
        String filter;

        @Option(names = "--watch", description = "refresh every interval")
        boolean watch;

        @Mixin
        Refresh refresh;

        @Override
        public Integer call()
        {
            final Pattern pattern;
            try
            {
                pattern = filter == null ? null : Pattern.compile(filter);
            }
            catch (final PatternSyntaxException e)
            {
                throw new CliException(USAGE, "bad --filter: " + e.getMessage());
            }
            final long nanos = refresh.nanos();
            final SharedDirectory directory = cli.directory();
            final PrintWriter out = cli.out();
            requireKind(directory, name, "counters reads counter regions only", ObjectKind.COUNTERS);
            try (CountersReader reader = CountersReader.open(directory, name))
            {
                return refresh(watch ? refresh.count : 1, nanos, () -> print(out, reader, pattern));
            }
        }

        private void print(final PrintWriter out, final CountersReader reader, final Pattern pattern)
        {
            final List<Object> rows = new ArrayList<>();
            if (!cli.json)
            {
                out.println(Instant.now() + " - " + name + " (" + reader.capacity() + " counters max)");
                out.println("=".repeat(80));
            }
            for (final CounterInfo info : reader.counters())
            {
                if (info.state() == CounterState.ALLOCATING ||
                    pattern != null && (info.label() == null || !pattern.matcher(info.label()).find()))
                {
                    continue;
                }
                if (cli.json)
                {
                    rows.add(ObjectInspector.counterJson(info));
                }
                else
                {
                    out.printf("%3d: %,20d - %s%s%n", info.index(), info.value(), info.label(),
                        info.state() == CounterState.ALLOCATED ? "" : " (" + info.state() + ")");
                }
            }
            if (cli.json)
            {
                final Map<String, Object> json = new LinkedHashMap<>();
                json.put("name", name);
                json.put("timeMillis", System.currentTimeMillis());
                json.put("counters", rows);
                out.println(Json.write(json));
            }
            out.flush();
        }
    }

    /** The options of the commands that refresh ({@code watch}, {@code counters --watch}). */
    static final class Refresh
    {
        @Option(names = "--interval", paramLabel = "D", defaultValue = "1s",
            description = "time between refreshes: 500ms, 2s, 1m or seconds (default 1s)")
        String interval;

        @Option(names = "--count", paramLabel = "N", defaultValue = "0",
            description = "stop after N refreshes (default: until interrupted)")
        int count;

        /** The interval, after checking both options: a negative count would otherwise refresh for ever. */
        long nanos()
        {
            if (count < 0)
            {
                throw new CliException(USAGE, "--count must not be negative: " + count + " (0, the default, " +
                    "refreshes until interrupted)");
            }
            return parseDuration(interval);
        }
    }

    /**
     * Runs {@code body} {@code times} times ({@code <= 0}: until interrupted), {@code nanos} apart: the refresh
     * loop of {@code watch} and {@code counters --watch}.
     */
    private static int refresh(final int times, final long nanos, final Runnable body)
    {
        for (int i = 0; times <= 0 || i < times; i++)
        {
            if (i > 0)
            {
                LockSupport.parkNanos(nanos);
                if (Thread.interrupted())
                {
                    return OK;
                }
            }
            body.run();
        }
        return OK;
    }

    /**
     * Parses a duration: {@code 250ms}, {@code 2s}, {@code 1.5s}, {@code 1m}, or a plain number of seconds.
     *
     * @param text the duration.
     * @return nanoseconds, at least one millisecond.
     * @throws CliException (exit {@link #USAGE}) if it cannot be parsed or is not positive.
     */
    static long parseDuration(final String text)
    {
        final String trimmed = text.trim().toLowerCase(Locale.ROOT);
        try
        {
            final double value;
            final long unit;
            if (trimmed.endsWith("ms"))
            {
                value = Double.parseDouble(trimmed.substring(0, trimmed.length() - 2));
                unit = TimeUnit.MILLISECONDS.toNanos(1);
            }
            else if (trimmed.endsWith("s"))
            {
                value = Double.parseDouble(trimmed.substring(0, trimmed.length() - 1));
                unit = TimeUnit.SECONDS.toNanos(1);
            }
            else if (trimmed.endsWith("m"))
            {
                value = Double.parseDouble(trimmed.substring(0, trimmed.length() - 1));
                unit = TimeUnit.MINUTES.toNanos(1);
            }
            else
            {
                value = Double.parseDouble(trimmed);
                unit = TimeUnit.SECONDS.toNanos(1);
            }
            if (!(value > 0) || value * unit > Long.MAX_VALUE / 2)
            {
                throw new CliException(USAGE, "interval must be positive and finite: " + text);
            }
            return Math.max(TimeUnit.MILLISECONDS.toNanos(1), (long)(value * unit));
        }
        catch (final NumberFormatException e)
        {
            throw new CliException(USAGE, "bad interval '" + text + "': use 500ms, 2s, 1m or seconds");
        }
    }
}
