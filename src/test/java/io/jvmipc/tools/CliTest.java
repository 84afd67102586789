package io.jvmipc.tools;

import io.jvmipc.Await;
import io.jvmipc.ChildJvms;
import io.jvmipc.codec.Codecs;
import io.jvmipc.counters.SharedCounters;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.process.JvmProcess;
import io.jvmipc.queue.SharedQueue;
import io.jvmipc.sync.SharedLock;
import io.jvmipc.value.SharedLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line end to end: child JVMs hold a queue with messages, a held lock, a counter region and a value;
 * the CLI's entry point runs in this JVM against them with {@code --dir} at a temporary directory.
 */
class CliTest
{
    @TempDir
    Path dir;

    /** What one run printed and returned. */
    record Run(int code, String out, String err)
    {
        Map<String, Object> json()
        {
            return JsonParser.object(out);
        }
    }

    private Run cli(final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final String[] all = new String[args.length + 2];
        all[0] = "--dir";
        all[1] = dir.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        final int code = Cli.run(new PrintWriter(out), new PrintWriter(err), all);
        return new Run(code, out.toString(), err.toString());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(final Object value)
    {
        return (List<Map<String, Object>>)value;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(final Object value)
    {
        return (Map<String, Object>)value;
    }

    private static Map<String, Object> row(final List<Map<String, Object>> rows, final String key,
        final Object value)
    {
        return rows.stream().filter(r -> value.equals(r.get(key))).findFirst()
            .orElseThrow(() -> new AssertionError("no row with " + key + "=" + value + " in " + rows));
    }

    private byte[] processTable(final String name) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir.resolve(name), StandardOpenOption.READ))
        {
            final ByteBuffer header = ByteBuffer.allocate(HeaderDescriptor.LENGTH)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
            channel.read(header, 0);
            final long bodyOffset = header.getLong(HeaderDescriptor.BODY_OFFSET_OFFSET);
            final ByteBuffer table = ByteBuffer.allocate((int)(bodyOffset - HeaderDescriptor.LENGTH));
            channel.read(table, HeaderDescriptor.LENGTH);
            return table.array();
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shouldReportLiveAndDeadProcessesAndCleanOnlyWhatNoLiveProcessHolds() throws Exception
    {
        final List<JvmProcess> children = new ArrayList<>();
        try
        {
            final JvmProcess holder = ChildJvms.start(ToolsChildren.class, "holdAll", "64m", dir, "orders", "guard",
                "metrics", "m0", "m1", "m2");
            children.add(holder);
            assertTrue(holder.awaitOutput("READY", 60, TimeUnit.SECONDS), holder.output());
            final JvmProcess reader = ChildJvms.start(ToolsChildren.class, "openQueue", "64m", dir, "orders");
            children.add(reader);
            final JvmProcess stale = ChildJvms.start(ToolsChildren.class, "holdValue", "64m", dir, "stale");
            children.add(stale);
            assertTrue(reader.awaitOutput("READY", 60, TimeUnit.SECONDS), reader.output());
            assertTrue(stale.awaitOutput("READY", 60, TimeUnit.SECONDS), stale.output());

            final byte[] ordersTable = processTable("orders");
            final byte[] guardTable = processTable("guard");

            // ls: text and JSON
            final Run ls = cli("ls");
            assertEquals(0, ls.code(), ls.err());
            assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("orders ") && l.contains("QUEUE")), ls.out());
            final List<Map<String, Object>> objects = list(cli("ls", "--json").json().get("objects"));
            assertEquals(List.of("guard", "metrics", "orders", "stale"),
                objects.stream().map(o -> o.get("name")).toList());
            final Map<String, Object> orders = row(objects, "name", "orders");
            assertEquals("QUEUE", orders.get("kind"));
            assertEquals(2L, orders.get("alive"));
            assertEquals(0L, orders.get("dead"));
            assertEquals(3L, orders.get("depth"));
            assertEquals(Files.size(dir.resolve("orders")), orders.get("fileLength"));
            assertEquals("LOCK", row(objects, "name", "guard").get("kind"));
            assertEquals("COUNTERS", row(objects, "name", "metrics").get("kind"));
            assertEquals(null, row(objects, "name", "guard").get("depth"));

            // stat: the queue's state and the lock's holder
            final Map<String, Object> stat = cli("stat", "orders", "--json").json();
            final Map<String, Object> queueState = map(stat.get("state"));
            assertEquals(3L, queueState.get("size"));
            assertEquals(16L, queueState.get("capacity"));
            assertEquals(3L, map(queueState.get("slots")).get("ready"));
            assertEquals(holder.pid(), stat.get("creatorPid"));
            assertEquals(List.of("notEmpty", "notFull"), list(stat.get("signals")).stream().map(s -> s.get("name"))
                .toList());
            final Run statText = cli("stat", "orders");
            assertEquals(0, statText.code(), statText.err());
            assertTrue(statText.out().contains("kind: QUEUE"), statText.out());
            final Map<String, Object> lock = map(cli("stat", "guard", "--json").json().get("state"));
            assertEquals(true, lock.get("held"));
            assertEquals(holder.pid(), lock.get("holderPid"));
            assertEquals(true, lock.get("holderAlive"));

            // ps: both queue processes alive, with their pids
            List<Map<String, Object>> processes = list(cli("ps", "orders", "--json").json().get("processes"));
            assertEquals("alive", row(processes, "pid", holder.pid()).get("state"));
            assertEquals("alive", row(processes, "pid", reader.pid()).get("state"));
            final Run psText = cli("ps", "orders");
            assertTrue(psText.out().contains(Long.toString(reader.pid())), psText.out());

            // tail: the messages, not consumed
            final Map<String, Object> tail = cli("tail", "orders", "--json").json();
            assertEquals("utf8", tail.get("codec"));
            assertEquals(List.of("m0", "m1", "m2"), list(tail.get("messages")).stream().map(m -> m.get("value"))
                .toList());
            final Run tailText = cli("tail", "orders", "--count", "2");
            assertEquals(List.of("1\tm1", "2\tm2"), tailText.out().lines().toList());
            assertEquals(3L, map(cli("stat", "orders", "--json").json().get("state")).get("size"));

            // counters
            final Run counters = cli("counters", "metrics");
            assertEquals(0, counters.code(), counters.err());
            assertTrue(counters.out().lines().anyMatch(l -> l.contains("42 - requests")), counters.out());
            assertTrue(counters.out().lines().anyMatch(l -> l.contains("7 - errors")), counters.out());
            final List<Map<String, Object>> filtered = list(cli("counters", "metrics", "--filter", "^err", "--json")
                .json().get("counters"));
            assertEquals(1, filtered.size());
            assertEquals("errors", filtered.get(0).get("label"));
            assertEquals(7L, filtered.get(0).get("value"));

            // watch, bounded
            final Run watch = cli("watch", "--count", "2", "--interval", "10ms");
            assertEquals(0, watch.code(), watch.err());
            assertEquals(2, watch.out().lines().filter(l -> l.startsWith("jvmipc watch ")).count(), watch.out());

            // inspecting attached to nothing: the process tables did not change by a byte
            assertArrayEquals(ordersTable, processTable("orders"));
            assertArrayEquals(guardTable, processTable("guard"));

            // kill -9 the reader and the value's holder: ps proves them dead; nothing recovers them
            reader.kill();
            stale.kill();
            Await.until("the reader is reported dead", () -> "dead".equals(row(list(cli("ps", "orders", "--json")
                .json().get("processes")), "pid", reader.pid()).get("state")), 30, TimeUnit.SECONDS);
            processes = list(cli("ps", "orders", "--json").json().get("processes"));
            assertEquals("alive", row(processes, "pid", holder.pid()).get("state"));
            assertEquals(1L, row(list(cli("ls", "--json").json().get("objects")), "name", "orders").get("dead"));
            // the inspector ran no recovery: still dead on a second look
            assertEquals("dead", row(list(cli("ps", "orders", "--json").json().get("processes")), "pid",
                reader.pid()).get("state"));

            // a temporary file left by a dead creator, and one of a live creator (this JVM)
            final Path deadTemp = dir.resolve(".half.creating." + stale.pid() + ".17");
            final Path liveTemp = dir.resolve(".other.creating." + ProcessHandle.current().pid() + ".18");
            Files.write(deadTemp, new byte[16]);
            Files.write(liveTemp, new byte[16]);

            // clean --dry-run: only the stale value would go; nothing is removed
            final Map<String, Object> dry = cli("clean", "--dry-run", "--json").json();
            final List<Map<String, Object>> dryRows = list(dry.get("objects"));
            assertEquals("wouldRemove", row(dryRows, "name", "stale").get("action"));
            assertEquals("kept", row(dryRows, "name", "orders").get("action"));
            assertEquals("kept", row(dryRows, "name", "guard").get("action"));
            assertEquals("kept", row(dryRows, "name", "metrics").get("action"));
            assertEquals("wouldRemove", row(list(dry.get("temporaryFiles")), "path", deadTemp.toString())
                .get("action"));
            assertTrue(Files.exists(dir.resolve("stale")));
            assertTrue(Files.exists(deadTemp));

            // rm refuses a live one
            final Run rm = cli("rm", "orders");
            assertEquals(Cli.REFUSED, rm.code(), rm.err());
            assertTrue(Files.exists(dir.resolve("orders")));

            // clean removes only what no live process holds; idempotent
            final Run clean = cli("clean");
            assertEquals(0, clean.code(), clean.err());
            assertFalse(Files.exists(dir.resolve("stale")), clean.out());
            assertFalse(Files.exists(deadTemp), clean.out());
            assertTrue(Files.exists(liveTemp));
            for (final String kept : List.of("orders", "guard", "metrics"))
            {
                assertTrue(Files.exists(dir.resolve(kept)), kept + ": " + clean.out());
            }
            final Map<String, Object> again = cli("clean", "--json").json();
            assertTrue(list(again.get("objects")).stream().noneMatch(o -> "removed".equals(o.get("action"))),
                again.toString());
            assertEquals(List.of("guard", "metrics", "orders"), list(cli("ls", "--json").json().get("objects"))
                .stream().map(o -> o.get("name")).toList());

            // the live holder's objects stay usable: its lock is still held by it, the queue still holds m0..m2
            final SharedDirectory directory = SharedDirectory.of(dir);
            try (SharedLock guard = SharedLock.builder("guard").directory(directory).open();
                SharedQueue<String> queue = SharedQueue.builder("orders", Codecs.utf8()).directory(directory).open())
            {
                assertFalse(guard.tryLock(), "the inspector must not have freed or taken the live holder's lock");
                assertEquals(3, queue.size());
                assertEquals("m0", queue.poll());
            }

            // once the holder dies too, rm removes
            holder.kill();
            Await.until("the holder is reported dead", () -> "dead".equals(row(list(cli("ps", "guard", "--json")
                .json().get("processes")), "pid", holder.pid()).get("state")), 30, TimeUnit.SECONDS);
            final Run rmDead = cli("rm", "guard");
            assertEquals(0, rmDead.code(), rmDead.err());
            assertFalse(Files.exists(dir.resolve("guard")));
            assertEquals(Cli.NOT_FOUND, cli("rm", "guard").code());
        }
        finally
        {
            for (final JvmProcess child : children)
            {
                child.kill();
                child.close();
            }
        }
    }

    @Test
    void shouldGiveExitCodesForMissingCorruptAndBadArguments() throws IOException
    {
        assertEquals(Cli.NOT_FOUND, cli("stat", "missing").code());
        assertEquals(Cli.NOT_FOUND, cli("ps", "missing", "--json").code());
        assertEquals(Cli.USAGE, cli("stat").code());
        assertEquals(Cli.USAGE, cli("nonsense").code());
        assertEquals(Cli.USAGE, cli("stat", "../escape").code());
        assertEquals(Cli.USAGE, cli("watch", "--interval", "soon", "--count", "1").code());
        Files.writeString(dir.resolve("junk"), "not a jvmipc object at all");
        final Run junk = cli("stat", "junk");
        assertEquals(Cli.CORRUPT, junk.code());
        assertTrue(junk.err().contains("junk"), junk.err());
        assertEquals(Cli.CORRUPT, cli("rm", "junk").code());
        assertTrue(Files.exists(dir.resolve("junk")), "rm must not remove a foreign file");
        // a foreign file is not an object: ls leaves it out and clean keeps it
        assertEquals(List.of(), list(cli("ls", "--json").json().get("objects")));
        assertEquals(0, cli("clean").code());
        assertTrue(Files.exists(dir.resolve("junk")));
    }

    @Test
    void shouldShowEachCommandsOwnUsageWithHelp()
    {
        final Run ls = cli("ls", "--help");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().contains("jvmipc ls") && ls.out().contains("--all"), ls.out());
        final Run help = cli("help", "stat");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("jvmipc stat"), help.out());
        final Run top = cli("--help");
        assertEquals(0, top.code(), top.err());
        assertTrue(top.out().contains("counters") && top.out().contains("Exit codes"), top.out());
    }

    @Test
    void shouldListFilesWithoutTheMagicNumberOnlyWithAll() throws IOException
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedLong value = SharedLong.builder("answer").directory(directory).create();
            SharedLong damaged = SharedLong.builder("damaged").directory(directory).create())
        {
            value.set(42);
            damaged.set(7);
        }
        // the damaged object's magic number overwritten: list() no longer sees it as an object
        try (FileChannel channel = FileChannel.open(dir.resolve("damaged"), StandardOpenOption.WRITE))
        {
            channel.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}), 0);
        }
        Files.writeString(dir.resolve("junk"), "x");
        Files.createDirectory(dir.resolve("folder"));

        assertEquals(List.of("answer"), list(cli("ls", "--json").json().get("objects")).stream()
            .map(o -> o.get("name")).toList());
        final Run all = cli("ls", "--all", "--json");
        assertEquals(0, all.code(), all.err());
        final List<Map<String, Object>> rows = list(all.json().get("objects"));
        assertEquals(List.of("answer", "damaged", "junk"), rows.stream().map(o -> o.get("name")).toList());
        assertEquals("VALUE", row(rows, "name", "answer").get("kind"));
        final Map<String, Object> damaged = row(rows, "name", "damaged");
        assertEquals(null, damaged.get("kind"));
        assertTrue(String.valueOf(damaged.get("error")).contains("damaged"), String.valueOf(damaged));
        assertTrue(String.valueOf(row(rows, "name", "junk").get("error")).contains("junk"), String.valueOf(rows));
        final Run text = cli("ls", "-a");
        assertTrue(text.out().lines().anyMatch(l -> l.startsWith("damaged ") && l.contains("INVALID")), text.out());
    }

    @Test
    void shouldShowAValueAndRefuseTailOnAnotherKind()
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedLong value = SharedLong.builder("answer").directory(directory).create())
        {
            value.set(42);
            final Map<String, Object> stat = cli("stat", "answer", "--json").json();
            assertEquals("VALUE", stat.get("kind"));
            assertEquals("long", map(stat.get("state")).get("type"));
            assertEquals(42L, map(stat.get("state")).get("value"));
            assertEquals(Cli.USAGE, cli("tail", "answer").code());
            // held by this process (through its own open): rm refuses, clean keeps
            assertEquals(Cli.REFUSED, cli("rm", "answer").code());
            assertEquals(0, cli("clean").code());
            assertTrue(Files.exists(dir.resolve("answer")));
            assertEquals(42L, value.get());
        }
        assertEquals(0, cli("clean").code());
        assertFalse(Files.exists(dir.resolve("answer")));
    }

    @Test
    void shouldPrintQueueMessagesWithEachCodec()
    {
        final SharedDirectory directory = SharedDirectory.of(dir);
        try (SharedQueue<Long> longs = SharedQueue.builder("longs", Codecs.ofLong()).directory(directory)
            .capacity(4).create();
            SharedQueue<byte[]> bytes = SharedQueue.builder("raw", Codecs.bytes()).directory(directory)
                .capacity(4).create())
        {
            longs.offer(7L);
            longs.offer(-1L);
            bytes.offer(new byte[] {1, (byte)0xAB});
            assertEquals(List.of("0\t7", "1\t-1"), cli("tail", "longs").out().lines().toList());
            assertEquals(List.of("0\t01ab"), cli("tail", "raw").out().lines().toList());
            assertEquals(List.of("0\t01ab"), cli("tail", "raw", "--codec", "bytes").out().lines().toList());
            assertEquals(Cli.USAGE, cli("tail", "raw", "--codec", "nope").code());
            assertEquals(2, longs.size());
            assertEquals(7L, longs.poll());
            assertEquals(List.of("1\t-1"), cli("tail", "longs").out().lines().toList());
            assertTrue(Arrays.equals(new byte[] {1, (byte)0xAB}, bytes.poll()));
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void shouldRefuseANegativeRefreshCountInsteadOfRefreshingForEver()
    {
        final Run watch = cli("watch", "--count", "-1", "--interval", "1ms");
        assertEquals(Cli.USAGE, watch.code(), watch.err());
        assertTrue(watch.err().contains("--count"), watch.err());
        try (SharedCounters counters = SharedCounters.builder("metrics").capacity(2).directory(SharedDirectory.of(dir))
            .create())
        {
            counters.counter("requests").set(1);
            assertEquals(Cli.USAGE, cli("counters", "metrics", "--watch", "--count", "-1", "--interval", "1ms").code());
        }
    }

    @Test
    void shouldGiveUsageForACommandOfAnotherKindAndCorruptForAnUnknownKind() throws Exception
    {
        try (SharedLong value = SharedLong.builder("answer").directory(SharedDirectory.of(dir)).create())
        {
            value.set(42);
        }
        final Run counters = cli("counters", "answer");
        assertEquals(Cli.USAGE, counters.code(), counters.err());
        assertTrue(counters.err().contains("VALUE"), counters.err());
        assertEquals(Cli.USAGE, cli("tail", "answer", "--codec", "utf8").code());
        // a kind code no library version has: the file is not a valid object, not a usage error
        InspectorTest.rewriteHeader(dir.resolve("answer"), HeaderDescriptor.KIND_OFFSET, Integer.BYTES, 999);
        for (final String[] args : List.of(new String[] {"tail", "answer"},
            new String[] {"tail", "answer", "--codec", "utf8"}, new String[] {"counters", "answer"},
            new String[] {"stat", "answer"}))
        {
            final Run run = cli(args);
            assertEquals(Cli.CORRUPT, run.code(), String.join(" ", args) + ": " + run.err());
            assertTrue(run.err().contains(dir.resolve("answer").toString()), run.err());
        }
    }
}
