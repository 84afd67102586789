package io.jvmipc.pipe;

import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedFile;
import io.jvmipc.wait.Signal;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Who holds each end of a pipe (the claim words of {@link PipeDescriptor}), claiming an end, and recovery when a
 * holder's process dies.
 * <p>
 * An end is held by one attachment at a time. Claiming an end never attached takes it. An end whose holder is
 * alive cannot be claimed. An end whose holder closed it stays closed for good (as a Python connection does). An
 * end whose holder's process died without closing ({@link PipeDescriptor#DIED}) may be taken over by a new
 * attacher, which continues from the ring positions the dead holder published: messages the dead holder had
 * received but not finished reading are delivered again (the head moves after the copy), and a large message it
 * was part-way through sending is discarded by the receiver.
 * <p>
 * <b>The claim word</b> holds the state, the holder's process-table entry and that entry's generation when it
 * claimed the end, and changes only by a compare-and-set of the whole word. An entry is reused by later
 * processes; its generation (bumped by every attach) tells the holder from a later owner of the same entry, so
 * a dead holder's end can be taken over even after its entry went to another process, and of two processes
 * taking over the same dead end exactly one succeeds: each one's CAS expects the word it read, and the winner's
 * CAS changes it. Recovery of a dead entry marks DIED only an end whose word still names that entry with that
 * generation, so it can never mark a live holder's end.
 */
final class EndClaim
{
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final long STATE_MASK = 0xFF;
    private static final int HOLDER_SHIFT = 16;
    private static final long HOLDER_MASK = 0xFFFF;
    private static final int GENERATION_SHIFT = 32;

    private EndClaim()
    {
    }

    /**
     * The claim word of {@code state} held by {@code holder} (or -1 for none) at {@code generation}.
     *
     * @param state      {@link PipeDescriptor#OPEN}, {@link PipeDescriptor#CLOSED} or {@link PipeDescriptor#DIED}.
     * @param holder     the holder's entry, or -1.
     * @param generation the holder entry's generation (low 32 bits).
     * @return the word.
     */
    static long word(final int state, final int holder, final int generation)
    {
        return (state & STATE_MASK) | ((holder + 1L) & HOLDER_MASK) << HOLDER_SHIFT |
            (long)generation << GENERATION_SHIFT;
    }

    /**
     * The state in a claim word.
     *
     * @param word the claim word.
     * @return its state.
     */
    static int state(final long word)
    {
        return (int)(word & STATE_MASK);
    }

    /**
     * The holder's process-table entry in a claim word.
     *
     * @param word the claim word.
     * @return the entry, or -1 if the end was never claimed.
     */
    static int holder(final long word)
    {
        return (int)(word >>> HOLDER_SHIFT & HOLDER_MASK) - 1;
    }

    /**
     * The holder entry's generation in a claim word.
     *
     * @param word the claim word.
     * @return the generation's low 32 bits.
     */
    static int generation(final long word)
    {
        return (int)(word >>> GENERATION_SHIFT);
    }

    /**
     * The claim word of an end, with acquire: the state its holder published.
     *
     * @param segment     the mapping.
     * @param claimOffset the word's offset.
     * @return the word.
     */
    static long read(final MemorySegment segment, final long claimOffset)
    {
        // acquire: a CLOSED or DIED state is published after everything the end's holder sent
        return (long)LONG.getAcquire(segment, claimOffset);
    }

    /**
     * The generation (low 32 bits) of process-table entry {@code entry} now.
     *
     * @param segment the mapping.
     * @param entry   the entry.
     * @return its generation.
     */
    static int generationOf(final MemorySegment segment, final int entry)
    {
        // acquire: bumped by every attach to the entry, under the entry's lock
        return (int)(long)LONG.getAcquire(segment,
            ProcessTableDescriptor.entryOffset(entry) + ProcessTableDescriptor.GENERATION_OFFSET);
    }

    /**
     * Claims {@code end} for this attachment, which must already be attached (has its entry).
     *
     * @param file the pipe's file.
     * @param end  the end to claim.
     * @return the claim word this attachment now holds.
     * @throws IllegalStateException if the end is held by a live process or was closed.
     */
    static long claim(final SharedFile file, final End end)
    {
        final MemorySegment segment = file.segment();
        final long block = file.bodyOffset() + PipeDescriptor.endOffset(end);
        final long claimOffset = block + PipeDescriptor.CLAIM_FIELD;
        final int mine = file.entry();
        final long claimed = word(PipeDescriptor.OPEN, mine, generationOf(segment, mine));
        long recoveredFor = claimed;
        while (true)
        {
            final long seen = read(segment, claimOffset);
            final int state = state(seen);
            if (state == PipeDescriptor.CLOSED)
            {
                throw new IllegalStateException(file.path() + ": end " + end +
                    " was closed by its holder; a closed end cannot be attached again");
            }
            final int holder = holder(seen);
            if (state == PipeDescriptor.OPEN && holder >= 0)
            {
                if (holderAlive(file, seen))
                {
                    throw new IllegalStateException(file.path() + ": end " + end + " is held by live process " +
                        pidOf(segment, holder) + "; an end has one holder at a time");
                }
                // the holder is gone: run its recovery (which marks the end DIED) if its entry has not been reused
                // and nobody else runs it now, then look again, once per word seen; otherwise the CAS below takes
                // the end as it is
                if (holder != mine && holder < file.processTableCapacity() && recoveredFor != seen &&
                    generationOf(segment, holder) == generation(seen) && file.recoverIfDead(holder))
                {
                    recoveredFor = seen;
                    continue;
                }
            }
            // CAS of the whole word: of two attachers taking over (or first claiming) the end, exactly one wins,
            // since the winner changes the word the other expects
            if (LONG.compareAndSet(segment, claimOffset, seen, claimed))
            {
                break;
            }
        }
        return claimed;
    }

    /**
     * Whether the holder named by an OPEN claim word is a live process: its entry still has the generation the
     * word records (else the entry went to another process since, so the holder is gone) and the entry's lock
     * is held. A process that is taking the entry over right now may be taken for the holder: the claim then
     * fails as for a live holder, and succeeds once that process has bumped the generation.
     */
    private static boolean holderAlive(final SharedFile file, final long word)
    {
        final int holder = holder(word);
        if (holder == file.entry() || holder >= file.processTableCapacity())
        {
            // this attachment's own entry was the holder's before this attach bumped its generation; an entry
            // outside the table names nobody
            return false;
        }
        final MemorySegment segment = file.segment();
        return generationOf(segment, holder) == generation(word) && file.isAlive(holder) &&
            generationOf(segment, holder) == generation(word);
    }

    /**
     * Closes an end this attachment holds: one CAS from its OPEN claim word to the same word with state CLOSED.
     *
     * @param segment     the mapping.
     * @param claimOffset the end's claim word.
     * @param claimed     the word {@link #claim} returned.
     */
    static void close(final MemorySegment segment, final long claimOffset, final long claimed)
    {
        // read first: on a file truncated under us the read raises the JVM's InternalError, where an interpreted
        // CAS would crash the JVM with SIGBUS (the VM's CAS entry is not guarded as unsafe gets and puts are)
        if (read(segment, claimOffset) == claimed)
        {
            // CAS, release: every message this end published is visible before the peer can see it closed; it
            // fails only if the word is no longer ours, which nothing does to a live holder
            LONG.compareAndSet(segment, claimOffset, claimed,
                word(PipeDescriptor.CLOSED, holder(claimed), generation(claimed)));
        }
    }

    /**
     * The recovery a pipe's file runs for a dead (or detached) process-table entry, while holding the entry and
     * before the entry can be reused: marks any end it held and had not closed as {@link PipeDescriptor#DIED}
     * (keeping holder and generation, for messages), and wakes every sleeper so that the survivor notices. The
     * file has already removed the entry's waiter registrations. Restartable: a second run finds nothing OPEN.
     *
     * @param segment  the mapping.
     * @param body     the body's offset.
     * @param capacity ring capacity.
     * @param entry    the dead entry.
     */
    static void recover(final MemorySegment segment, final long body, final int capacity, final int entry)
    {
        final int generation = generationOf(segment, entry);
        final long held = word(PipeDescriptor.OPEN, entry, generation);
        for (final End end : End.values())
        {
            final long claimOffset = body + PipeDescriptor.endOffset(end) + PipeDescriptor.CLAIM_FIELD;
            // read first (see close); CAS: only the dead holder's own OPEN word becomes DIED; a clean close stays
            // CLOSED, and an end a later process claimed names another entry or generation
            if (read(segment, claimOffset) == held)
            {
                LONG.compareAndSet(segment, claimOffset, held, word(PipeDescriptor.DIED, entry, generation));
            }
        }
        for (final End sender : End.values())
        {
            final long ring = body + PipeDescriptor.ringOffset(sender, capacity);
            new Signal(segment, ring + RingDescriptor.DATA_SIGNAL_OFFSET, -1).wakeAll();
            new Signal(segment, ring + RingDescriptor.SPACE_SIGNAL_OFFSET, -1).wakeAll();
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
