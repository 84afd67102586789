package io.jvmipc.process;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.io.Serializable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Child JVM programs for {@link JvmProcessTest}. */
public final class ProcessChildren
{
    private ProcessChildren()
    {
    }

    /** Prints its arguments, one per line with an index, then exits with the status in its first argument. */
    public static final class EchoAndExit
    {
        private EchoAndExit()
        {
        }

        public static void main(final String[] args)
        {
            for (int i = 0; i < args.length; i++)
            {
                System.out.println("arg" + i + "=" + args[i]);
            }
            System.err.println("to stderr");
            System.out.flush();
            System.exit(Integer.parseInt(args[0]));
        }

        public static void shout(final String[] args)
        {
            System.out.println("shout:" + String.join(",", args).toUpperCase(java.util.Locale.ROOT));
        }

        public static void quiet(final String[] args)
        {
            if (args.length != 0)
            {
                System.exit(Integer.parseInt(args[0]));
            }
        }

        public static void fail(final String[] args)
        {
            throw new IllegalStateException("failed on purpose " + args.length);
        }
    }

    /** Prints READY then blocks until killed. */
    public static final class BlockForever
    {
        private BlockForever()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            if (args.length > 0)
            {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println("SHUTDOWN-HOOK")));
            }
            System.out.println("READY");
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }

    /** Prints the system property named by its argument. */
    public static final class PrintProperty
    {
        private PrintProperty()
        {
        }

        public static void main(final String[] args)
        {
            System.out.println("property " + args[0] + "=" + System.getProperty(args[0]));
            System.out.println("env JVMIPC_TEST_ENV=" + System.getenv("JVMIPC_TEST_ENV"));
            System.out.println("cwd=" + System.getProperty("user.dir"));
        }
    }

    /** Seed scenario 1: a global that each process changes in its own copy. */
    public static final class GlobalNumber
    {
        static int gNum = 100;

        private GlobalNumber()
        {
        }

        /** Adds its argument to the global and prints it. */
        public static void change(final String[] args)
        {
            gNum += Integer.parseInt(args[0]);
            System.out.println("g_num=" + gNum);
        }
    }

    /** A lambda target's body: prints its arguments and this process's name. */
    public static void greet(final String who, final int times)
    {
        System.out.println("hello " + who + " x" + times + " from " + JvmProcess.current().name());
    }

    /** A method-reference target: prints what {@link JvmProcess#current()} says. */
    public static void printCurrent()
    {
        final CurrentProcess current = JvmProcess.current();
        System.out.println("current name=" + current.name() + " pid=" + current.pid() + " daemon=" +
            current.daemon());
    }

    /** Blocks until killed; a lambda target. */
    public static void blockForever()
    {
        System.out.println("READY");
        try
        {
            new CountDownLatch(1).await();
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }

    /** A value a lambda cannot capture for a child. */
    public static final class NotSerializableValue
    {
        @Override
        public String toString()
        {
            return "not serializable";
        }
    }

    /** A value whose deserialisation fails in a child JVM (one that a JvmProcess named). */
    public static final class FailsInChild implements Serializable
    {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private void readObject(final ObjectInputStream in) throws IOException, ClassNotFoundException
        {
            in.defaultReadObject();
            if (!CurrentProcess.MAIN_PROCESS.equals(JvmProcess.current().name()))
            {
                throw new IOException("refusing to be deserialised in " + JvmProcess.current().name());
            }
        }
    }

    /**
     * Starts a grandchild (argument 0: {@code daemon} or {@code plain}; argument 1, optional: {@code thread} to
     * start it from a thread that then ends), prints {@code GRANDCHILD <pid>}, then blocks until killed. With
     * {@code thread}, it first checks that the grandchild outlives the thread that started it and prints
     * {@code SURVIVED} (or {@code DIED}).
     */
    public static final class GrandParent
    {
        private GrandParent()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            final boolean daemon = "daemon".equals(args[0]);
            final JvmProcess[] grandchild = new JvmProcess[1];
            if (args.length > 1 && "thread".equals(args[1]))
            {
                final Thread starter = new Thread(() -> grandchild[0] = JvmProcess.builder(BlockForever.class)
                    .daemon(daemon).start());
                starter.start();
                starter.join();
                // the kernel sends the parent-death signal as the starting thread exits: within this bound, a
                // grandchild tied to that thread is gone
                System.out.println(grandchild[0].join(3, TimeUnit.SECONDS) ? "DIED" : "SURVIVED");
            }
            else
            {
                grandchild[0] = JvmProcess.builder(BlockForever.class).daemon(daemon).start();
            }
            System.out.println("GRANDCHILD " + grandchild[0].pid());
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }

    /** Starts a child with the default output (this JVM's stdout) that prints a line, and waits for it. */
    public static final class InheritingParent
    {
        private InheritingParent()
        {
        }

        public static void main(final String[] args) throws InterruptedException
        {
            final String text = args[0];
            try (JvmProcess child = JvmProcess.start(() -> System.out.println("grandchild says " + text)))
            {
                System.out.println("joined " + child.join(30, TimeUnit.SECONDS) + " exit " + child.exitValue());
                try
                {
                    child.awaitOutput("x", 0, TimeUnit.SECONDS);
                }
                catch (final IllegalStateException e)
                {
                    System.out.println("awaitOutput refused: " + e.getMessage());
                }
            }
            try (JvmProcess child = JvmProcess.start(ProcessChildren::printCurrent))
            {
                child.join();
            }
        }
    }
}
