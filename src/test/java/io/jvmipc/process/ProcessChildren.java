package io.jvmipc.process;

import java.util.concurrent.CountDownLatch;

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
}
