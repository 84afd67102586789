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
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * The few libc entry points the library needs, bound once through the Foreign Function and Memory API:
 * {@code syscall} (for {@code futex} and {@code statx}), {@code open}, {@code close}, {@code fcntl} (for
 * open-file-description locks), {@code fallocate}, {@code mmap}/{@code munmap} and {@code geteuid}. Linux only;
 * x86_64 and aarch64.
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
    /** {@code EFAULT}: an address the call was given is not mapped (a page of a truncated file). */
    public static final int EFAULT = 14;
    /** {@code EACCES}: permission denied (also a held lock on some systems). */
    public static final int EACCES = 13;
    /** {@code ETIMEDOUT}: the wait's timeout expired. */
    public static final int ETIMEDOUT = 110;
    /** {@code ENOENT}: no such file or directory. */
    public static final int ENOENT = 2;
    /** {@code EISDIR}: is a directory. */
    public static final int EISDIR = 21;
    /** {@code ENOSPC}: no space left on device. */
    public static final int ENOSPC = 28;
    /** {@code ELOOP}: a symbolic link where {@code O_NOFOLLOW} forbids one. */
    public static final int ELOOP = 40;
    /** {@code EOPNOTSUPP}: the file system does not support the operation. */
    public static final int EOPNOTSUPP = 95;
    /** {@code EDQUOT}: disk quota exceeded. */
    public static final int EDQUOT = 122;
    /** {@code prctl} option: the signal this process gets when the thread that created it exits. */
    public static final int PR_SET_PDEATHSIG = 1;
    /** {@code SIGKILL}. */
    public static final int SIGKILL = 9;

    /** {@code O_RDONLY}. */
    public static final int O_RDONLY = 0;
    /** {@code O_RDWR}. */
    public static final int O_RDWR = 2;
    /** {@code O_NOFOLLOW} (generic Linux value, x86_64 and aarch64 differ: resolved at class init). */
    public static final int O_NOFOLLOW;
    /** {@code O_CLOEXEC}. */
    public static final int O_CLOEXEC = 0x80000;
    /** {@code O_CREAT}. */
    public static final int O_CREAT = 0x40;
    /** {@code O_EXCL}. */
    public static final int O_EXCL = 0x80;
    /** {@code O_NONBLOCK}: never block in {@code open} (a FIFO in place of a file). */
    public static final int O_NONBLOCK = 0x800;

    /** {@code S_IFMT}: the file-type bits of a mode. */
    public static final int S_IFMT = 0xF000;
    /** {@code S_IFREG}: a regular file. */
    public static final int S_IFREG = 0x8000;
    /** {@code S_IFDIR}: a directory. */
    public static final int S_IFDIR = 0x4000;
    /** {@code S_IFIFO}: a FIFO. */
    public static final int S_IFIFO = 0x1000;
    /** {@code S_IFLNK}: a symbolic link. */
    public static final int S_IFLNK = 0xA000;
    /** {@code S_IFSOCK}: a socket. */
    public static final int S_IFSOCK = 0xC000;
    /** {@code S_IFCHR}: a character device. */
    public static final int S_IFCHR = 0x2000;
    /** {@code S_IFBLK}: a block device. */
    public static final int S_IFBLK = 0x6000;

    /** {@code SYS_statx} for this architecture (Linux 4.11+). */
    public static final long SYS_STATX;

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

    private static final MethodHandle FALLOCATE = LINKER.downcallHandle(
        LIBC.find("fallocate").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
        Linker.Option.captureCallState("errno"));
    private static final MethodHandle POSIX_FALLOCATE = LINKER.downcallHandle(
        LIBC.find("posix_fallocate").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MMAP = LINKER.downcallHandle(
        LIBC.find("mmap").orElseThrow(),
        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG),
        Linker.Option.captureCallState("errno"));
    private static final MethodHandle MUNMAP = LINKER.downcallHandle(
        LIBC.find("munmap").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GETEUID = LINKER.downcallHandle(
        LIBC.find("geteuid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle GETPPID = LINKER.downcallHandle(
        LIBC.find("getppid").orElseThrow(), FunctionDescriptor.of(JAVA_INT));
    private static final MethodHandle PRCTL = LINKER.downcallHandle(
        LIBC.find("prctl").orElseThrow(),
        FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
        Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    private static final int PROT_READ_WRITE = 0x3;
    private static final int PROT_READ = 0x1;
    private static final int MAP_SHARED = 0x1;
    private static final int AT_FDCWD = -100;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    private static final int STATX_BASIC_STATS = 0x7FF;
    private static final long STATX_LENGTH = 256;

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
                SYS_STATX = 332;
                O_NOFOLLOW = 0x20000;
            }
            case "aarch64" ->
            {
                SYS_FUTEX = 98;
                SYS_STATX = 291;
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

    /**
     * {@code open(path, flags, mode)}, with {@code O_CREAT} allowed.
     *
     * @param path  the file's path.
     * @param flags the open flags.
     * @param mode  the permission bits of a file it creates.
     * @return the file descriptor, or {@code -errno} on failure.
     */
    public static int open(final String path, final int flags, final int mode)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment cPath = arena.allocateFrom(path);
            final int fd = (int)OPEN.invokeExact(capture, cPath, flags, mode);
            return fd < 0 ? -(int)ERRNO.get(capture, 0L) : fd;
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * Reserves the blocks of bytes {@code [0, length)} of a file and extends it to {@code length}:
     * {@code fallocate(fd, 0, 0, length)}, or {@code posix_fallocate} (which writes the blocks) where the file
     * system does not support {@code fallocate}. After it succeeds, no store into a mapping of that range can
     * fail for want of space.
     *
     * @param fd     the file descriptor, open for writing.
     * @param length the length to reserve.
     * @return 0, or {@code -errno} on failure ({@code -ENOSPC} when the file system has not that much room).
     */
    public static int allocate(final int fd, final long length)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try
        {
            final int result = (int)FALLOCATE.invokeExact(capture, fd, 0, 0L, length);
            if (result == 0)
            {
                return 0;
            }
            final int errno = (int)ERRNO.get(capture, 0L);
            if (errno != EOPNOTSUPP)
            {
                return -errno;
            }
            // posix_fallocate returns the error number itself and leaves errno alone
            return -(int)POSIX_FALLOCATE.invokeExact(fd, 0L, length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)}: maps a file without a
     * {@link java.nio.channels.FileChannel}, so that nothing about it depends on the calling thread's interrupt
     * status.
     *
     * @param fd     the file descriptor, open for reading and writing.
     * @param length the length to map, at least 1.
     * @return the mapping's address, or {@code -errno} on failure.
     */
    public static long mmap(final int fd, final long length)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try
        {
            final MemorySegment address = (MemorySegment)MMAP.invokeExact(capture, MemorySegment.NULL, length,
                PROT_READ_WRITE, MAP_SHARED, fd, 0L);
            return address.address() == -1L ? -(int)ERRNO.get(capture, 0L) : address.address();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code mmap(NULL, length, PROT_READ, MAP_SHARED, fd, 0)}: a read-only shared mapping, for inspectors that
     * must never write to what they watch.
     *
     * @param fd     the file descriptor, open for reading.
     * @param length the length to map, at least 1.
     * @return the mapping's address, or {@code -errno} on failure.
     */
    public static long mmapReadOnly(final int fd, final long length)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try
        {
            final MemorySegment address = (MemorySegment)MMAP.invokeExact(capture, MemorySegment.NULL, length,
                PROT_READ, MAP_SHARED, fd, 0L);
            return address.address() == -1L ? -(int)ERRNO.get(capture, 0L) : address.address();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code munmap(address, length)}.
     *
     * @param address the mapping's address, from {@link #mmap(int, long)}.
     * @param length  its length.
     * @return 0, or -1 on failure.
     */
    public static int munmap(final long address, final long length)
    {
        try
        {
            return (int)MUNMAP.invokeExact(MemorySegment.ofAddress(address), length);
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code geteuid()}.
     *
     * @return this process's effective user id.
     */
    public static int geteuid()
    {
        try
        {
            return (int)GETEUID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code getppid()}: the process id of this process's parent (after the parent's death, the process it was
     * handed to, such as init or a subreaper).
     *
     * @return the parent's process id.
     */
    public static int getppid()
    {
        try
        {
            return (int)GETPPID.invokeExact();
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * {@code prctl(option, arg2, 0, 0, 0)}.
     *
     * @param option the operation, such as {@link #PR_SET_PDEATHSIG}.
     * @param arg2   its argument.
     * @return the result, or {@code -errno} on failure.
     */
    public static int prctl(final int option, final long arg2)
    {
        final MemorySegment capture = SCRATCH.get().capture;
        try
        {
            final int result = (int)PRCTL.invokeExact(capture, option, arg2, 0L, 0L, 0L);
            return result == -1 ? -(int)ERRNO.get(capture, 0L) : result;
        }
        catch (final Throwable t)
        {
            throw rethrow(t);
        }
    }

    /**
     * What {@code statx} says about a file.
     *
     * @param mode  type and permission bits ({@link #S_IFMT} for the type).
     * @param uid   the owner's user id.
     * @param links the number of names the file has (0 once unlinked).
     * @param dev   the device it lives on (major in the high 32 bits, minor in the low).
     * @param inode its inode number.
     * @param size  its length in bytes.
     */
    public record FileStatus(int mode, int uid, int links, long dev, long inode, long size)
    {
        /**
         * Whether this is the same file as {@code other} (same device and inode).
         *
         * @param other another status.
         * @return {@code true} if both name one file.
         */
        public boolean sameFile(final FileStatus other)
        {
            return dev == other.dev && inode == other.inode;
        }

        /**
         * The file's type, for messages: "a regular file", "a directory", "a FIFO", ...
         *
         * @return the description.
         */
        public String typeName()
        {
            return switch (mode & S_IFMT)
            {
                case S_IFREG -> "a regular file";
                case S_IFDIR -> "a directory";
                case S_IFIFO -> "a FIFO";
                case S_IFLNK -> "a symbolic link";
                case S_IFSOCK -> "a socket";
                case S_IFCHR -> "a character device";
                case S_IFBLK -> "a block device";
                default -> "a file of type " + Integer.toOctalString(mode & S_IFMT);
            };
        }

        /**
         * Whether this is a regular file.
         *
         * @return {@code true} for a regular file.
         */
        public boolean isRegularFile()
        {
            return (mode & S_IFMT) == S_IFREG;
        }
    }

    /**
     * {@code statx} of an open file ({@code fstat}).
     *
     * @param fd the file descriptor.
     * @return the status, or {@code null} on failure.
     */
    public static FileStatus fstat(final int fd)
    {
        return statx(fd, "", AT_EMPTY_PATH);
    }

    /**
     * {@code statx} of a path, not following a symbolic link in its last component ({@code lstat}).
     *
     * @param path the path.
     * @return the status, or {@code null} if there is no such file (or it cannot be examined).
     */
    public static FileStatus lstat(final String path)
    {
        return statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW);
    }

    private static FileStatus statx(final int dirFd, final String path, final int flags)
    {
        try (Arena arena = Arena.ofConfined())
        {
            final MemorySegment cPath = arena.allocateFrom(path);
            final MemorySegment buffer = arena.allocate(STATX_LENGTH, 8);
            final long result = syscall(SYS_STATX, dirFd, cPath.address(), flags, STATX_BASIC_STATS,
                buffer.address());
            if (result != 0)
            {
                return null;
            }
            // struct statx: stx_nlink @16, stx_uid @20, stx_mode (u16) @28, stx_ino @32, stx_size @40,
            // stx_dev_major @136, stx_dev_minor @140
            final int mode = Short.toUnsignedInt(buffer.get(JAVA_SHORT, 28));
            final long dev = ((long)buffer.get(JAVA_INT, 136) << 32) | Integer.toUnsignedLong(buffer.get(JAVA_INT, 140));
            return new FileStatus(mode, buffer.get(JAVA_INT, 20), buffer.get(JAVA_INT, 16), dev,
                buffer.get(JAVA_LONG, 32), buffer.get(JAVA_LONG, 40));
        }
    }

    /**
     * A short description of an error number, for messages ("no space left on device (ENOSPC)").
     *
     * @param errno the error number (positive).
     * @return the description.
     */
    public static String describe(final int errno)
    {
        return switch (errno)
        {
            case ENOENT -> "no such file or directory (ENOENT)";
            case EACCES -> "permission denied (EACCES)";
            case EISDIR -> "is a directory (EISDIR)";
            case ENOSPC -> "no space left on device (ENOSPC)";
            case EDQUOT -> "disk quota exceeded (EDQUOT)";
            case ELOOP -> "is a symbolic link (ELOOP)";
            case 1 -> "operation not permitted (EPERM)";
            case 6 -> "no such device or address (ENXIO)";
            case 12 -> "out of memory (ENOMEM)";
            case 17 -> "exists (EEXIST)";
            case 24 -> "too many open files (EMFILE)";
            case 27 -> "file too large (EFBIG)";
            case 30 -> "read-only file system (EROFS)";
            default -> "errno " + errno;
        };
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
