package io.jvmipc.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The few libc entry points the library needs, bound once through the Foreign Function and Memory API:
 * {@code syscall} (for {@code futex}), {@code open}, {@code close} and {@code fcntl} (for open-file-description
 * locks). Linux only; x86_64 and aarch64.
 * <p>
 * Calls that report failure through {@code errno} capture it into a per-thread scratch segment, so no call
 * allocates after a thread's first.
 */
public final class LibC
{
    /** {@code EINTR}: interrupted by a signal. */
    public static final int EINTR = 4;
    /** {@code EAGAIN}: try again (futex value changed; lock held by another). */
    public static final int EAGAIN = 11;
    /** {@code EACCES}: permission denied (also a held lock on some systems). */
    public static final int EACCES = 13;
    /** {@code ETIMEDOUT}: the wait's timeout expired. */
    public static final int ETIMEDOUT = 110;

    /** {@code O_RDWR}. */
    public static final int O_RDWR = 2;
    /** {@code O_NOFOLLOW} (generic Linux value, x86_64 and aarch64 differ: resolved at class init). */
    public static final int O_NOFOLLOW;
    /** {@code O_CLOEXEC}. */
    public static final int O_CLOEXEC = 0x80000;

    /** {@code SYS_futex} for this architecture. */
    public static final long SYS_FUTEX;
    /** {@code SYS_futex_waitv} for this architecture (Linux 5.16+). */
    public static final long SYS_FUTEX_WAITV = 449;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    private static final MethodHandle SYSCALL_ERRNO = LINKER.downcallHandle(
        LIBC.find("syscall").orElseThrow(),
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
        LIBC.find("syscall").orElseThrow(),
        FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.firstVariadicArg(1));
    private static final MethodHandle OPEN = LINKER.downcallHandle(
        LIBC.find("open").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
        Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
        LIBC.find("close").orElseThrow(), FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FCNTL_PTR = LINKER.downcallHandle(
        LIBC.find("fcntl").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS),
        Linker.Option.firstVariadicArg(2), Linker.Option.captureCallState("errno"));

    /** Per-thread scratch: 64 bytes for call arguments (timespec, flock), and the errno capture state. */
    private static final long SCRATCH_ARGS = 64;
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static final class Scratch
    {
        final MemorySegment args;
        final MemorySegment capture;

        Scratch()
        {
            final MemorySegment all = Arena.ofAuto().allocate(SCRATCH_ARGS + CAPTURE_LAYOUT.byteSize(), 16);
            args = all.asSlice(0, SCRATCH_ARGS);
            capture = all.asSlice(SCRATCH_ARGS);
        }
    }

    static
    {
        final String arch = System.getProperty("os.arch");
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux"))
        {
            throw new ExceptionInInitializerError("jvmipc needs Linux (futex, fcntl OFD locks); this is " +
                System.getProperty("os.name"));
        }
        switch (arch)
        {
            case "amd64", "x86_64" ->
            {
                SYS_FUTEX = 202;
                O_NOFOLLOW = 0x20000;
            }
            case "aarch64" ->
            {
                SYS_FUTEX = 98;
                O_NOFOLLOW = 0x8000;
            }
            default -> throw new ExceptionInInitializerError("jvmipc supports x86_64 and aarch64, not " + arch);
        }
    }

    private LibC()
    {
    }

    /**
     * This thread's scratch segment for a call's arguments: 64 bytes, 16-byte aligned, reused by every call
     * this thread makes; valid until the thread's next call into this class.
     *
     * @return the scratch segment.
     */
    public static MemorySegment scratch()
    {
        return SCRATCH.get().args;
    }

    /**
     * {@code syscall(number, a1..a5)}, returning the raw result; on failure {@code -errno} is returned
     * instead of {@code -1}, so that no thread-local errno read is needed by the caller.
     *
     * @param number the system call number.
     * @param a1     first argument.
     * @param a2     second argument.
     * @param a3     third argument.
     * @param a4     fourth argument.
     * @param a5     fifth argument.
     * @return the result, or {@code -errno} on failure.
     */
    public static long syscall(final long number, final long a1, final long a2, final long a3, final long a4,
        final long a5)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try
        {
            final long result = (long)SYSCALL_ERRNO.invokeExact(capture, number, a1, a2, a3, a4, a5);
            return result == -1 ? -(int)ERRNO.get(capture, 0L) : result;
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code syscall(number, a1..a5)} for calls whose failure the caller does not need to tell apart (no errno
     * capture, no thread-local lookup): used to wake futex waiters on the hot path.
     *
     * @param number the system call number.
     * @param a1     first argument.
     * @param a2     second argument.
     * @param a3     third argument.
     * @param a4     fourth argument.
     * @param a5     fifth argument.
     * @return the raw result ({@code -1} on failure).
     */
    public static long syscallNoErrno(final long number, final long a1, final long a2, final long a3,
        final long a4, final long a5)
    {
        try
        {
            return (long)SYSCALL.invokeExact(number, a1, a2, a3, a4, a5);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code open(path, flags)} without {@code O_CREAT}.
     *
     * @param path  the file's path.
     * @param flags the open flags.
     * @return the file descriptor, or {@code -errno} on failure.
     */
    public static int open(final String path, final int flags)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment cPath = arena.allocateFrom(path);
            final int fd = (int)OPEN.invokeExact(capture, cPath, flags, 0);
            return fd < 0 ? -(int)ERRNO.get(capture, 0L) : fd;
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code close(fd)}.
     *
     * @param fd the file descriptor.
     * @return 0, or -1 on failure.
     */
    public static int close(final int fd)
    {
        try
        {
            return (int)CLOSE.invokeExact(fd);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code fcntl(fd, cmd, arg)} with a pointer argument.
     *
     * @param fd  the file descriptor.
     * @param cmd the command.
     * @param arg the pointer argument.
     * @return the result, or {@code -errno} on failure.
     */
    public static int fcntl(final int fd, final int cmd, final MemorySegment arg)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try
        {
            final int result = (int)FCNTL_PTR.invokeExact(capture, fd, cmd, arg);
            return result == -1 ? -(int)ERRNO.get(capture, 0L) : result;
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(final Throwable t)
    {
        if (t instanceof RuntimeException re)
        {
            return re;
        }
        if (t instanceof Error e)
        {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
