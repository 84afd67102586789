package io.jvmipc.file;

import io.jvmipc.internal.LibC;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Open-file-description byte-range locks ({@code F_OFD_SETLK}, Linux 3.15+). Unlike classic POSIX record
 * locks they belong to one open of the file, not to the whole process: two attachments in one JVM conflict
 * with each other as two processes would, closing another descriptor of the same file drops nothing, and the
 * kernel releases them when the last descriptor of that open is closed, which includes process death.
 */
final class OfdLocks
{
    private static final int F_OFD_GETLK = 36;
    private static final int F_OFD_SETLK = 37;
    private static final short F_RDLCK = 0;
    private static final short F_WRLCK = 1;
    private static final short F_UNLCK = 2;
    private static final short SEEK_SET = 0;

    // struct flock on Linux (x86_64, aarch64): short l_type; short l_whence; off_t l_start; off_t l_len; pid_t l_pid
    private static final long L_TYPE = 0;
    private static final long L_WHENCE = 2;
    private static final long L_START = 8;
    private static final long L_LEN = 16;
    private static final long L_PID = 24;

    /** {@link #lockState(int, long)}: no other open holds the byte. */
    static final int UNLOCKED = 0;
    /** {@link #lockState(int, long)}: another open holds the byte shared (it may not be the only one). */
    static final int SHARED = 1;
    /** {@link #lockState(int, long)}: another open holds the byte exclusively. */
    static final int EXCLUSIVE = 2;

    private OfdLocks()
    {
    }

    /**
     * Tries to take an exclusive lock on one byte without blocking.
     *
     * @param fd     a descriptor of the file, from its own {@code open}.
     * @param offset the byte.
     * @return {@code true} if taken (or already held through this descriptor), {@code false} if another open
     *         of the file holds it.
     */
    static boolean tryLock(final int fd, final long offset)
    {
        return trySet(fd, offset, F_WRLCK);
    }

    /**
     * Tries to take a shared lock on one byte without blocking: any number of opens may hold it shared at once,
     * and none while one holds it exclusively. Through a descriptor that holds it exclusively, turns that lock
     * into a shared one.
     *
     * @param fd     a descriptor of the file, from its own {@code open}.
     * @param offset the byte.
     * @return {@code true} if taken, {@code false} if another open of the file holds it exclusively.
     */
    static boolean tryLockShared(final int fd, final long offset)
    {
        return trySet(fd, offset, F_RDLCK);
    }

    private static boolean trySet(final int fd, final long offset, final short type)
    {
        final int result = LibC.fcntl(fd, F_OFD_SETLK, flock(type, offset));
        if (result == 0)
        {
            return true;
        }
        if (result == -LibC.EAGAIN || result == -LibC.EACCES)
        {
            return false;
        }
        throw new IllegalStateException("fcntl(F_OFD_SETLK) failed: errno " + -result);
    }

    /**
     * Releases a lock taken by {@link #tryLock(int, long)} or {@link #tryLockShared(int, long)} through the same
     * descriptor.
     *
     * @param fd     the descriptor.
     * @param offset the byte.
     */
    static void unlock(final int fd, final long offset)
    {
        final int result = LibC.fcntl(fd, F_OFD_SETLK, flock(F_UNLCK, offset));
        if (result != 0)
        {
            throw new IllegalStateException("fcntl(F_OFD_SETLK, F_UNLCK) failed: errno " + -result);
        }
    }

    /**
     * Whether another open of the file holds a lock on one byte, asked with {@code F_OFD_GETLK}: nothing is
     * taken, so a watcher never disturbs the process it tests (unlike a try-lock and unlock, which a process
     * attaching at that instant would see as a held entry). Works on a descriptor opened read-only. A lock held
     * through {@code fd} itself is not reported.
     *
     * @param fd     a descriptor of the file, from its own {@code open}.
     * @param offset the byte.
     * @return {@link #UNLOCKED}, {@link #SHARED} or {@link #EXCLUSIVE}.
     */
    static int lockState(final int fd, final long offset)
    {
        final MemorySegment flock = flock(F_WRLCK, offset);
        final int result = LibC.fcntl(fd, F_OFD_GETLK, flock);
        if (result != 0)
        {
            throw new IllegalStateException("fcntl(F_OFD_GETLK) failed: errno " + -result);
        }
        final short type = flock.get(JAVA_SHORT, L_TYPE);
        return type == F_UNLCK ? UNLOCKED : type == F_RDLCK ? SHARED : EXCLUSIVE;
    }

    /**
     * Whether another open of the file holds any lock on one byte ({@link #lockState(int, long)} not
     * {@link #UNLOCKED}).
     *
     * @param fd     a descriptor of the file.
     * @param offset the byte.
     * @return {@code true} if locked by another open.
     */
    static boolean isLocked(final int fd, final long offset)
    {
        return lockState(fd, offset) != UNLOCKED;
    }

    private static MemorySegment flock(final short type, final long offset)
    {
        final MemorySegment flock = LibC.scratch();
        flock.fill((byte)0);
        flock.set(JAVA_SHORT, L_TYPE, type);
        flock.set(JAVA_SHORT, L_WHENCE, SEEK_SET);
        flock.set(JAVA_LONG, L_START, offset);
        flock.set(JAVA_LONG, L_LEN, 1L);
        flock.set(JAVA_INT, L_PID, 0);
        return flock;
    }
}
