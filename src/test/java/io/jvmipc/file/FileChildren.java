package io.jvmipc.file;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Child JVM programs for the file-layer tests. */
public final class FileChildren
{
    private FileChildren()
    {
    }

    /**
     * Args: object path, start file, token. Prints WAITING, waits for the start file, then opens or creates the
     * object (its initializer writing the token), attaches, adds one to the counter, prints the token it finds
     * and the marker, and closes.
     */
    public static final class RaceParticipant
    {
        private RaceParticipant()
        {
        }

        public static void main(final String[] args)
        {
            final Path path = Path.of(args[0]);
            final Path start = Path.of(args[1]);
            final long token = Long.parseLong(args[2]);
            System.out.println("WAITING");
            if (!TestObjects.awaitFile(start, TimeUnit.SECONDS.toNanos(30)))
            {
                System.out.println("NO START FILE");
                System.exit(2);
            }
            try (SharedFile file = TestObjects.openOrCreate(path, 64, token))
            {
                file.attach(entry -> { });
                TestObjects.increment(file);
                System.out.println("TOKEN " + TestObjects.read(file, TestObjects.TOKEN_OFFSET) + " MARKER " +
                    (TestObjects.read(file, TestObjects.MARKER_OFFSET) == TestObjects.MARKER));
            }
        }
    }

    /**
     * Args: object path, then "hold" (stay attached until killed) or "exit" (exit without closing). Opens the
     * object, attaches (printing RECOVERED n for each dead entry it recovers), prints ATTACHED n.
     */
    public static final class Attacher
    {
        private Attacher()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            final SharedFile file = TestObjects.open(Path.of(args[0]));
            final int entry = file.attach(dead -> System.out.println("RECOVERED " + dead));
            System.out.println("ATTACHED " + entry);
            System.out.flush();
            if (args[1].equals("exit"))
            {
                System.exit(0);
            }
            new CountDownLatch(1).await();
        }
    }

    /**
     * Args: object path, stop file. Until the stop file exists: opens or creates the object, lingers a little
     * between mapping and attaching (as a slow binder of views would), attaches, and checks that the path still
     * names the file it is attached to; closes. Prints STARTED after the first attach, then at the end
     * DONE opens=n orphaned=k failures=f.
     */
    public static final class NameChurner
    {
        private NameChurner()
        {
        }

        public static void main(final String[] args)
        {
            final Path path = Path.of(args[0]);
            final Path stop = Path.of(args[1]);
            long opens = 0;
            long orphaned = 0;
            long failures = 0;
            final java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
            while (!java.nio.file.Files.exists(stop))
            {
                try (SharedFile file = TestObjects.openOrCreate(path, 8, 1))
                {
                    final long until = System.nanoTime() + random.nextLong(200_000);
                    while (System.nanoTime() < until)
                    {
                        Thread.onSpinWait();
                    }
                    file.attach(entry -> { });
                    if (!file.isNamedByPath())
                    {
                        orphaned++;
                    }
                    if (opens++ == 0)
                    {
                        System.out.println("STARTED");
                        System.out.flush();
                    }
                }
                catch (final SharedObjectException e)
                {
                    failures++;
                    System.out.println("FAILURE " + e);
                }
            }
            System.out.println("DONE opens=" + opens + " orphaned=" + orphaned + " failures=" + failures);
        }
    }
}
