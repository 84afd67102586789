package io.jvmipc.pipe;

import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Who holds each end of a pipe (the end blocks of {@link PipeDescriptor}), claiming an end, and recovery when a
 * holder's process dies.
 * <p>
 * An end is held by one attachment at a time. Claiming an end never attached takes it. An end whose holder is
 * alive cannot be claimed. An end whose holder closed it stays closed for good (as a Python connection does). An
 * end whose holder's process died without closing ({@link PipeDescriptor#DIED}) may be taken over by a new
 * attacher, which continues from the ring positions the dead holder published: messages the dead holder had
 * received but not finished reading are delivered again (the head moves after the copy), and a large message it
 * was part-way through sending is discarded by the receiver.
 */
final class EndClaim
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    private EndClaim()
    {
    }

    /**
     * Claims {@code end} for this attachment, which must already be attached (has its entry).
     *
     * @param file the pipe's file.
     * @param end  the end to claim.
     * @throws IllegalStateException if the end is held by a live process or was closed.
     */
    static void claim(final SharedFile file, final End end)
    {
        final MemorySegment segment = file.segment();
        final long block = file.bodyOffset() + PipeDescriptor.endOffset(end);
        final long holderOffset = block + PipeDescriptor.HOLDER_FIELD;
        final long stateOffset = block + PipeDescriptor.STATE_FIELD;
        final int mine = file.entry() + 1;
        while (true)
        {
            // acquire: see the state its holder published
            final int holder = (int)INT.getAcquire(segment, holderOffset);
            final int state = (int)INT.getAcquire(segment, stateOffset);
            if (state == PipeDescriptor.CLOSED)
            {
                throw new IllegalStateException(file.path() + ": end " + end +
                    " was closed by its holder; a closed end cannot be attached again");
            }
            if (holder == 0)
            {
                // CAS: of two attachers of a fresh end, exactly one wins
                if (INT.compareAndSet(segment, holderOffset, 0, mine))
                {
                    break;
                }
                continue;
            }
            final boolean holderDead = holder == mine || !file.isAlive(holder - 1);
            if (!holderDead)
            {
                throw new IllegalStateException(file.path() + ": end " + end + " is held by live process " +
                    pidOf(segment, holder - 1) + "; an end has one holder at a time");
            }
            // the holder is dead: make sure its end reads DIED, then take it over
            file.recoverIfDead(holder - 1);
            if (state == PipeDescriptor.OPEN && (int)INT.getAcquire(segment, stateOffset) == PipeDescriptor.OPEN)
            {
                // CAS: mark the dead holder's end unless a recovery or a closer got there first
                INT.compareAndSet(segment, stateOffset, PipeDescriptor.OPEN, PipeDescriptor.DIED);
                continue;
            }
            // CAS: of two attachers taking over a dead holder's end, exactly one wins
            if (INT.compareAndSet(segment, holderOffset, holder, mine))
            {
                break;
            }
        }
        // plain store: only read by wakers of rings this end sleeps on, which it cannot do before returning
        segment.set(JAVA_INT, block + PipeDescriptor.FLAGS_FIELD,
            RemoteBarrier.AVAILABLE ? PipeDescriptor.FLAG_BARRIER : 0);
        // CAS: a taken-over end becomes OPEN again (release semantics: the flags are visible first)
        INT.compareAndSet(segment, stateOffset, PipeDescriptor.DIED, PipeDescriptor.OPEN);
        VarHandle.fullFence();
    }

    /**
     * The recovery a pipe's file runs for a dead (or detached) process-table entry: marks any end it held and had
     * not closed as {@link PipeDescriptor#DIED}, removes its waiter registrations, and wakes every sleeper so
     * that the survivor notices.
     *
     * @param segment  the mapping.
     * @param body     the body's offset.
     * @param capacity ring capacity.
     * @param entry    the dead entry.
     */
    static void recover(final MemorySegment segment, final long body, final int capacity, final int entry)
    {
        for (final End end : End.values())
        {
            final long block = body + PipeDescriptor.endOffset(end);
            // acquire: the holder word as last published
            if ((int)INT.getAcquire(segment, block + PipeDescriptor.HOLDER_FIELD) == entry + 1)
            {
                // CAS: only an end still open becomes DIED; a clean close stays CLOSED
                INT.compareAndSet(segment, block + PipeDescriptor.STATE_FIELD, PipeDescriptor.OPEN,
                    PipeDescriptor.DIED);
            }
        }
        for (final End sender : End.values())
        {
            final long ring = body + PipeDescriptor.ringOffset(sender, capacity);
            final long[] signals = {ring + RingDescriptor.DATA_SIGNAL_OFFSET, ring + RingDescriptor.SPACE_SIGNAL_OFFSET};
            for (int which = 0; which < 2; which++)
            {
                Signal.releaseWaitersOf(segment, signals[which],
                    ProcessTableDescriptor.waitingOffset(entry, PipeDescriptor.signalNumber(sender, which)));
                new Signal(segment, signals[which], -1).wakeAll();
            }
        }
    }

    /**
     * The process ID recorded for a process-table entry, for messages.
     *
     * @param segment the mapping.
     * @param entry   the entry.
     * @return its PID.
     */
    static long pidOf(final MemorySegment segment, final int entry)
    {
        return segment.get(JAVA_LONG, ProcessTableDescriptor.entryOffset(entry) + ProcessTableDescriptor.PID_OFFSET);
    }
}
