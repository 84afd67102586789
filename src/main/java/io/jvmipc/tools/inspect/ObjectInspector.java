package io.jvmipc.tools.inspect;

import io.jvmipc.counters.CountersDescriptor;
import io.jvmipc.codec.Codecs;
import io.jvmipc.counters.CounterInfo;
import io.jvmipc.counters.CountersReader;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.ReadOnlyFile;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.SlowPath;
import io.jvmipc.file.WrongKindException;
import io.jvmipc.pipe.End;
import io.jvmipc.pipe.PipeDescriptor;
import io.jvmipc.pipe.RingDescriptor;
import io.jvmipc.queue.JoinableQueueDescriptor;
import io.jvmipc.sync.BarrierDescriptor;
import io.jvmipc.sync.ConditionDescriptor;
import io.jvmipc.sync.EventDescriptor;
import io.jvmipc.sync.LockDescriptor;
import io.jvmipc.sync.SemaphoreDescriptor;
import io.jvmipc.queue.QueueDescriptor;
import io.jvmipc.value.ArrayDescriptor;
import io.jvmipc.value.ValueDescriptor;
import io.jvmipc.wait.SignalDescriptor;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Reads an object's file without attaching to it, for the {@code jvmipc} command line and for monitoring: through
 * a {@link ReadOnlyFile} (mapped read-only, liveness by {@code F_OFD_GETLK}), so inspecting never takes a
 * process-table entry or a lock, never runs a recovery and never changes a byte: the processes using the object
 * cannot tell that it is watched. A dead entry is reported as dead and left to the object's own processes to
 * recover.
 * <p>
 * The kind's state ({@link ObjectReport#state()}), per kind:
 * <ul>
 *   <li>QUEUE: {@code capacity}, {@code maxMessageSize}, {@code slotLength}, {@code codec}, {@code head},
 *       {@code tail} and {@code passHint} (hints), {@code size} (messages between head and tail), {@code slots}
 *       (of the window between head and tail: {@code ready}, {@code writing}, {@code reading}, {@code gaps}),
 *       {@code slotOwners} (entries writing or reading a slot, with the count);</li>
 *   <li>JOINABLE_QUEUE: {@code unfinished}, {@code queue} (the companion queue's name), and per entry
 *       {@code taken}/{@code putting} in {@code entries};</li>
 *   <li>PIPE: {@code capacity}, {@code duplex}, {@code maxMessage}, {@code codec}, {@code ends} (A and B: state,
 *       holder entry, holder generation, {@code holderAlive}) and {@code rings} (aToB, bToA: head, tail,
 *       depth bytes; the stored tail may lag the last record published by one record);</li>
 *   <li>VALUE: {@code type}, {@code value}; ARRAY: {@code type}, {@code length}, {@code first} (up to 16
 *       elements); SHARED_MEMORY: nothing beyond the body length;</li>
 *   <li>LOCK, REENTRANT_LOCK: {@code held}, {@code holderEntry}, {@code holderPid}, {@code holderAlive},
 *       {@code ownerDied}, and for the reentrant lock {@code ownerThread}, {@code holdCount};</li>
 *   <li>SEMAPHORE, BOUNDED_SEMAPHORE: {@code permits}, {@code initialPermits}, {@code heldByEntry};</li>
 *   <li>EVENT: {@code set}, {@code setCount}; CONDITION: {@code waiters}, {@code permits}, {@code lockKind};
 *       BARRIER: {@code parties}, {@code arrived}, {@code broken}, {@code generation};</li>
 *   <li>COUNTERS: {@code capacity}, {@code maxLabelLength}, {@code packed}, {@code reuseDelayMillis},
 *       {@code counters} (index, state, label, typeId, ownership, ownerEntry, value).</li>
 * </ul>
 * Every report also carries the file's slow-path counters ({@link ObjectReport#slowPaths()}, keyed by
 * {@link SlowPath#key()}: {@code waits}, {@code futexSleeps}, {@code futexWakes}, {@code timeouts}, {@code probes},
 * {@code recoveries}, {@code ownerDied}, {@code redeliveries}).
 * <p>
 * <b>Bad input</b>: see {@link ReadOnlyFile#open(Path)}; a queue slot or pipe position out of range is
 * {@link CorruptFileException}; a file truncated while read is {@link SharedObjectException} naming it.
 */
public final class ObjectInspector
{
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    private static final int ARRAY_PREVIEW = 16;

    private ObjectInspector()
    {
    }

    /**
     * Inspects object {@code name} of {@code directory}.
     *
     * @param directory the directory.
     * @param name      the object's name.
     * @return the report.
     * @throws io.jvmipc.file.NoSuchSharedObjectException if there is no such object.
     * @throws SharedObjectException                      if its file is not a valid object (foreign, corrupt...).
     */
    public static ObjectReport inspect(final SharedDirectory directory, final String name)
    {
        return inspect(directory.resolve(name));
    }

    /**
     * Inspects the object whose file is {@code path}.
     *
     * @param path the file.
     * @return the report.
     * @throws io.jvmipc.file.NoSuchSharedObjectException if there is no such file.
     * @throws SharedObjectException                      if it is not a valid object.
     */
    public static ObjectReport inspect(final Path path)
    {
        try (ReadOnlyFile file = ReadOnlyFile.open(path))
        {
            try
            {
                return report(file);
            }
            catch (final InternalError e)
            {
                throw file.faulted(e);
            }
            catch (final IndexOutOfBoundsException e)
            {
                // every offset is checked before use; this is the backstop for one that was not
                throw outOfBounds(file, e);
            }
        }
    }

    /**
     * The published messages of a queue in order, copied without taking them: each READY slot between the head
     * and the tail is copied and kept only if its state word is unchanged afterwards (a message taken meanwhile
     * is left out). For a joinable queue, its companion queue's messages.
     *
     * @param directory the directory.
     * @param name      the queue's name.
     * @param limit     at most this many, the newest ones.
     * @return the messages, oldest first.
     * @throws WrongKindException    if the object is not a queue.
     * @throws CorruptFileException  if a slot's length is out of range.
     * @throws SharedObjectException if the file is not a valid object.
     */
    public static List<QueueMessage> queueMessages(final SharedDirectory directory, final String name,
        final int limit)
    {
        try (ReadOnlyFile file = ReadOnlyFile.open(directory.resolve(name)))
        {
            if (file.kind() == ObjectKind.JOINABLE_QUEUE)
            {
                return queueMessages(directory, name + JoinableQueueDescriptor.QUEUE_SUFFIX, limit);
            }
            if (file.kind() != ObjectKind.QUEUE)
            {
                throw new WrongKindException(file.path(), "holds a " + file.kind() + ", not a QUEUE");
            }
            try
            {
                return readyMessages(file, limit);
            }
            catch (final InternalError e)
            {
                throw file.faulted(e);
            }
            catch (final IndexOutOfBoundsException e)
            {
                throw outOfBounds(file, e);
            }
        }
    }

    /**
     * The identity hash of the codec a queue or pipe was created with (kind parameter of its header).
     *
     * @param directory the directory.
     * @param name      the object's name.
     * @return the hash, or 0 if the object is neither a queue nor a pipe.
     * @throws SharedObjectException if the file is not a valid object.
     */
    public static long codecHash(final SharedDirectory directory, final String name)
    {
        try (ReadOnlyFile file = ReadOnlyFile.open(directory.resolve(name)))
        {
            return switch (file.kind())
            {
                case QUEUE -> file.parameter(QueueDescriptor.CODEC_PARAMETER);
                case PIPE -> file.parameter(PipeDescriptor.PARAM_CODEC);
                case JOINABLE_QUEUE -> codecHash(directory, name + JoinableQueueDescriptor.QUEUE_SUFFIX);
                default -> 0;
            };
        }
    }

    private static ObjectReport report(final ReadOnlyFile file)
    {
        final String[] signalNames = signalNames(file);
        final long[] signalOffsets = signalOffsets(file);
        final List<ProcessReport> processes = new ArrayList<>();
        final List<ReadOnlyFile.Entry> entries = new ArrayList<>();
        for (int i = 0; i < file.processTableCapacity(); i++)
        {
            final ReadOnlyFile.Entry entry = file.entry(i);
            if (!entry.used() && !entry.locked())
            {
                continue;
            }
            entries.add(entry);
            final Map<String, Integer> waiting = new LinkedHashMap<>();
            for (int s = 0; s < signalNames.length; s++)
            {
                waiting.put(signalNames[s], entry.waiting()[s]);
            }
            processes.add(new ProcessReport(i, entry.pid(), entry.generation(), entry.attachTime(),
                stateOf(entry), waiting));
        }
        final List<SignalReport> signals = new ArrayList<>();
        final MemorySegment segment = file.segment();
        for (int s = 0; s < signalNames.length; s++)
        {
            // acquire: counts and futex words live processes change; a diagnostic read
            signals.add(new SignalReport(s, signalNames[s],
                (int)INT.getAcquire(segment, signalOffsets[s] + SignalDescriptor.WAITERS_OFFSET),
                (int)INT.getAcquire(segment, signalOffsets[s] + SignalDescriptor.SEQUENCE_OFFSET),
                (int)INT.getAcquire(segment, signalOffsets[s] + SignalDescriptor.WAKE_WANTED_OFFSET)));
        }
        final Map<String, Object> state = new LinkedHashMap<>();
        final Long depth = kindState(file, entries, state);
        final List<Long> parameters = new ArrayList<>();
        for (int p = 0; p < io.jvmipc.file.HeaderDescriptor.PARAMETER_COUNT; p++)
        {
            parameters.add(file.parameter(p));
        }
        final Map<String, Long> slowPaths = new LinkedHashMap<>();
        for (int c = 0; c < file.counterCount(); c++)
        {
            slowPaths.put(SlowPath.keyOf(c), file.counter(c));
        }
        final Path name = file.path().getFileName();
        return new ObjectReport(name == null ? file.path().toString() : name.toString(), file.path(), file.kind(),
            file.kindVersion(), file.fileLength(), file.bodyLength(), file.processTableCapacity(),
            file.creatorPid(), file.creationTimeMillis(), List.copyOf(parameters), file.nameLockState(),
            List.copyOf(processes), List.copyOf(signals), state, depth, Collections.unmodifiableMap(slowPaths));
    }

    private static String stateOf(final ReadOnlyFile.Entry entry)
    {
        if (entry.state() == ProcessTableDescriptor.ATTACHED)
        {
            return entry.locked() ? "alive" : "dead";
        }
        return entry.locked() ? "attaching" : "free";
    }

    /** The names of the object's signals, by signal number. */
    private static String[] signalNames(final ReadOnlyFile file)
    {
        return switch (file.kind())
        {
            case QUEUE -> new String[] {"notEmpty", "notFull"};
            case PIPE -> new String[] {"aToB.data", "aToB.space", "bToA.data", "bToA.space"};
            case JOINABLE_QUEUE -> new String[] {"join"};
            case LOCK, REENTRANT_LOCK, SEMAPHORE, BOUNDED_SEMAPHORE, EVENT, CONDITION, BARRIER ->
                new String[] {"waiters"};
            case COUNTERS -> new String[] {"allocation"};
            default -> new String[0];
        };
    }

    /** Where each signal is in the file, by signal number; each checked to lie in the body. */
    private static long[] signalOffsets(final ReadOnlyFile file)
    {
        final long[] offsets = signalOffsetsUnchecked(file);
        for (final long offset : offsets)
        {
            // a header relabelled to another kind puts the kind's signals past a shorter body
            requireInBody(file, offset - file.bodyOffset() + SignalDescriptor.LENGTH);
        }
        return offsets;
    }

    private static long[] signalOffsetsUnchecked(final ReadOnlyFile file)
    {
        final long body = file.bodyOffset();
        return switch (file.kind())
        {
            case QUEUE -> new long[] {body + QueueDescriptor.NOT_EMPTY_SIGNAL_OFFSET,
                body + QueueDescriptor.NOT_FULL_SIGNAL_OFFSET};
            case PIPE ->
            {
                final int capacity = pipeCapacity(file);
                final long a = body + PipeDescriptor.ringOffset(End.A, capacity);
                final long b = body + PipeDescriptor.ringOffset(End.B, capacity);
                yield new long[] {a + RingDescriptor.DATA_SIGNAL_OFFSET, a + RingDescriptor.SPACE_SIGNAL_OFFSET,
                    b + RingDescriptor.DATA_SIGNAL_OFFSET, b + RingDescriptor.SPACE_SIGNAL_OFFSET};
            }
            case JOINABLE_QUEUE -> new long[] {body + JoinableQueueDescriptor.SIGNAL_OFFSET};
            case LOCK, REENTRANT_LOCK -> signalAt(file, LockDescriptor.SIGNAL_OFFSET);
            case SEMAPHORE, BOUNDED_SEMAPHORE -> signalAt(file, SemaphoreDescriptor.SIGNAL_OFFSET);
            case EVENT -> signalAt(file, EventDescriptor.SIGNAL_OFFSET);
            case CONDITION -> signalAt(file, ConditionDescriptor.SIGNAL_OFFSET);
            case BARRIER -> signalAt(file, BarrierDescriptor.SIGNAL_OFFSET);
            case COUNTERS -> signalAt(file, CountersDescriptor.ALLOCATION_SIGNAL_OFFSET);
            default -> new long[0];
        };
    }

    private static CorruptFileException outOfBounds(final ReadOnlyFile file, final IndexOutOfBoundsException e)
    {
        return new CorruptFileException(file.path(), "has a " + file.kind() + " layout that does not fit its " +
            file.segment().byteSize() + "-byte file (" + e.getMessage() + ")", e);
    }

    /** The one signal of a kind whose signal sits at {@code offset} of its body. */
    private static long[] signalAt(final ReadOnlyFile file, final long offset)
    {
        return new long[] {requireInBody(file, offset + SignalDescriptor.LENGTH) + file.bodyOffset() + offset};
    }

    /** Checks that the body holds {@code length} bytes; returns 0. */
    private static long requireInBody(final ReadOnlyFile file, final long length)
    {
        if (file.bodyLength() < length)
        {
            throw new CorruptFileException(file.path(), "has a " + file.kind() + " body of " + file.bodyLength() +
                " bytes, shorter than its layout's " + length);
        }
        return 0;
    }

    private static int pipeCapacity(final ReadOnlyFile file)
    {
        final long capacity = file.parameter(PipeDescriptor.PARAM_CAPACITY);
        if (capacity <= 0 || capacity > Integer.MAX_VALUE ||
            PipeDescriptor.bodyLength((int)capacity) != file.bodyLength())
        {
            throw new CorruptFileException(file.path(), "has a pipe ring capacity of " + capacity +
                " that does not match its body of " + file.bodyLength() + " bytes");
        }
        return (int)capacity;
    }

    /** Fills {@code state} with the kind's state; returns the depth, or null. */
    private static Long kindState(final ReadOnlyFile file, final List<ReadOnlyFile.Entry> entries,
        final Map<String, Object> state)
    {
        final MemorySegment segment = file.segment();
        final long body = file.bodyOffset();
        switch (file.kind())
        {
            case QUEUE:
                return queueState(file, state);
            case JOINABLE_QUEUE:
            {
                requireInBody(file, JoinableQueueDescriptor.LENGTH);
                final Path name = file.path().getFileName();
                // unfinished tasks = the messages the companion queue holds + what each entry owes (taken, not done)
                state.put("queue", (name == null ? "" : name.toString()) + JoinableQueueDescriptor.QUEUE_SUFFIX);
                long owed = 0;
                final List<Object> perEntry = new ArrayList<>();
                for (final ReadOnlyFile.Entry entry : entries)
                {
                    final Map<String, Object> words = new LinkedHashMap<>();
                    words.put("entry", entry.index());
                    words.put("owed", entry.kindWords()[JoinableQueueDescriptor.OWED_WORD]);
                    owed += entry.kindWords()[JoinableQueueDescriptor.OWED_WORD];
                    perEntry.add(words);
                }
                state.put("owed", owed);
                state.put("entries", perEntry);
                return null;
            }
            case PIPE:
                return pipeState(file, state);
            case VALUE:
            {
                requireInBody(file, ValueDescriptor.LENGTH);
                final long code = file.parameter(ValueDescriptor.ELEMENT_TYPE_PARAMETER);
                final String type = ValueDescriptor.elementTypeName(code);
                state.put("type", type);
                state.put("value", element(segment, body + ValueDescriptor.VALUE_OFFSET, type));
                return null;
            }
            case ARRAY:
            {
                final String type = ValueDescriptor.elementTypeName(
                    file.parameter(ArrayDescriptor.ELEMENT_TYPE_PARAMETER));
                final long length = file.parameter(ArrayDescriptor.LENGTH_PARAMETER);
                final int size = "int".equals(type) || "boolean".equals(type) ? Integer.BYTES : Long.BYTES;
                // divided, not multiplied: a huge length times the element size overflows a long
                if (length < 0 || length > (file.bodyLength() - ArrayDescriptor.ELEMENTS_OFFSET) / size)
                {
                    throw new CorruptFileException(file.path(), "has an array length of " + length +
                        " that does not fit its body of " + file.bodyLength() + " bytes");
                }
                state.put("type", type);
                state.put("length", length);
                final List<Object> first = new ArrayList<>();
                for (int i = 0; i < Math.min(length, ARRAY_PREVIEW); i++)
                {
                    first.add(element(segment, body + ArrayDescriptor.ELEMENTS_OFFSET + (long)i * size, type));
                }
                state.put("first", first);
                return null;
            }
            case LOCK:
            case REENTRANT_LOCK:
                lockState(file, state);
                return null;
            case SEMAPHORE:
            case BOUNDED_SEMAPHORE:
            {
                requireInBody(file, SemaphoreDescriptor.LENGTH);
                // acquire: the permit count live processes CAS
                final long count = (long)LONG.getAcquire(segment, body + SemaphoreDescriptor.COUNT_OFFSET);
                state.put("permits", count & SemaphoreDescriptor.MAX_PERMITS);
                // the entry whose recovery is half done (its permits are already counted), or -1
                state.put("recoveringEntry", SemaphoreDescriptor.recovering(count));
                state.put("initialPermits", file.parameter(SemaphoreDescriptor.INITIAL_PERMITS_PARAMETER));
                final Map<String, Object> held = new LinkedHashMap<>();
                for (final ReadOnlyFile.Entry entry : entries)
                {
                    held.put(Integer.toString(entry.index()), entry.kindWords()[SemaphoreDescriptor.HELD_KIND_WORD]);
                }
                state.put("heldByEntry", held);
                return null;
            }
            case EVENT:
            {
                requireInBody(file, EventDescriptor.LENGTH);
                // acquire: the flag and count live processes CAS
                final int word = (int)INT.getAcquire(segment, body + EventDescriptor.STATE_OFFSET);
                state.put("set", (word & EventDescriptor.SET_BIT) != 0);
                state.put("setCount", word / EventDescriptor.SET_COUNT_INCREMENT);
                return null;
            }
            case CONDITION:
            {
                requireInBody(file, ConditionDescriptor.LENGTH);
                // acquire: the counts live processes CAS
                final long word = (long)LONG.getAcquire(segment, body + ConditionDescriptor.STATE_OFFSET);
                state.put("waiters", word / ConditionDescriptor.ONE_WAITER);
                state.put("permits", word & ConditionDescriptor.PERMITS_MASK);
                final ObjectKind lockKind = ObjectKind.ofCode(
                    (int)file.parameter(ConditionDescriptor.LOCK_KIND_PARAMETER));
                state.put("lockKind", lockKind == null ? null : lockKind.name());
                return null;
            }
            case BARRIER:
            {
                requireInBody(file, BarrierDescriptor.LENGTH);
                // acquire: the state live processes CAS
                final long word = (long)LONG.getAcquire(segment, body + BarrierDescriptor.STATE_OFFSET);
                state.put("parties", file.parameter(BarrierDescriptor.PARTIES_PARAMETER));
                state.put("arrived", word & (BarrierDescriptor.BROKEN - 1));
                state.put("broken", (word & BarrierDescriptor.BROKEN) != 0);
                state.put("generation", word >>> BarrierDescriptor.GENERATION_SHIFT);
                return null;
            }
            case COUNTERS:
                countersState(file.path(), state);
                return null;
            default:
                return null;
        }
    }

    private static Object element(final MemorySegment segment, final long offset, final String type)
    {
        return switch (type)
        {
            // acquire: values live processes write; a diagnostic read
            case "int" -> (int)INT.getAcquire(segment, offset);
            case "boolean" -> (int)INT.getAcquire(segment, offset) != 0;
            case "long" -> (long)LONG.getAcquire(segment, offset);
            case "double" -> Double.longBitsToDouble((long)LONG.getAcquire(segment, offset));
            default -> null;
        };
    }

    private static Long queueState(final ReadOnlyFile file, final Map<String, Object> state)
    {
        final QueueView queue = QueueView.of(file);
        final MemorySegment segment = file.segment();
        state.put("capacity", queue.capacity);
        state.put("maxMessageSize", queue.maxMessageSize);
        state.put("slotLength", queue.slotLength);
        state.put("codec", Codecs.describeIdentity(file.parameter(QueueDescriptor.CODEC_PARAMETER)));
        final long mode = file.parameter(QueueDescriptor.MODE_PARAMETER);
        if ((mode & QueueDescriptor.SINGLE_PRODUCER) != 0)
        {
            // acquire: the role word, entry + 1 of its holder (0: free); a diagnostic read
            state.put("producerRoleEntry",
                (long)LONG.getAcquire(segment, file.bodyOffset() + QueueDescriptor.PRODUCER_ROLE_OFFSET) - 1);
        }
        if ((mode & QueueDescriptor.SINGLE_CONSUMER) != 0)
        {
            // acquire: as the producer's
            state.put("consumerRoleEntry",
                (long)LONG.getAcquire(segment, file.bodyOffset() + QueueDescriptor.CONSUMER_ROLE_OFFSET) - 1);
        }
        final long head = queue.head();
        final long end = queue.end(head);
        state.put("head", head);
        state.put("tail", queue.tail());
        state.put("passHint", queue.passHint());
        int ready = 0;
        int writing = 0;
        int reading = 0;
        int gaps = 0;
        final Map<String, Integer> owners = new LinkedHashMap<>();
        for (long position = head; position < end; position++)
        {
            // acquire: each slot's own state says what it holds
            final long word = (long)LONG.getAcquire(segment, queue.slotOffset(position));
            final int slotState = QueueDescriptor.state(word);
            if (!QueueDescriptor.holds(word, position))
            {
                gaps++;
                continue;
            }
            switch (slotState)
            {
                case QueueDescriptor.READY -> ready++;
                case QueueDescriptor.WRITING -> writing++;
                case QueueDescriptor.READING, QueueDescriptor.LEASED -> reading++;
                default -> gaps++;
            }
            if (slotState == QueueDescriptor.WRITING || slotState == QueueDescriptor.READING ||
                slotState == QueueDescriptor.LEASED)
            {
                owners.merge(Integer.toString(QueueDescriptor.owner(word)), 1, Integer::sum);
            }
        }
        state.put("size", ready + writing);
        final Map<String, Object> slots = new LinkedHashMap<>();
        slots.put("ready", ready);
        slots.put("writing", writing);
        slots.put("reading", reading);
        slots.put("gaps", gaps);
        state.put("slots", slots);
        state.put("slotOwners", owners);
        return (long)(ready + writing);
    }

    private static List<QueueMessage> readyMessages(final ReadOnlyFile file, final int limit)
    {
        final QueueView queue = QueueView.of(file);
        final MemorySegment segment = file.segment();
        final long head = queue.head();
        final long end = queue.end(head);
        final Deque<QueueMessage> messages = new ArrayDeque<>();
        for (long position = head; position < end && limit > 0; position++)
        {
            final long slot = queue.slotOffset(position);
            // acquire: a READY word makes the producer's length and bytes visible
            final long word = (long)LONG.getAcquire(segment, slot);
            if (!QueueDescriptor.holds(word, position) || QueueDescriptor.state(word) != QueueDescriptor.READY)
            {
                continue;
            }
            final int length = segment.get(JAVA_INT, slot + QueueDescriptor.LENGTH_OFFSET);
            final long again;
            final byte[] bytes;
            if (length < 0 || length > queue.maxMessageSize)
            {
                // a consumer may have taken it and a producer be writing the next lap: corrupt only if unchanged
                VarHandle.acquireFence();
                if ((long)LONG.getAcquire(segment, slot) == word)
                {
                    throw new CorruptFileException(file.path(), "has a message length of " + length +
                        " at position " + position + " (slot " + (slot - file.bodyOffset()) + " of the body), " +
                        "outside 0.." + queue.maxMessageSize);
                }
                continue;
            }
            bytes = segment.asSlice(slot + QueueDescriptor.MESSAGE_OFFSET, length).toArray(JAVA_BYTE);
            // acquire fence: the copy above is read before the state word is read again (a seqlock's check)
            VarHandle.acquireFence();
            again = (long)LONG.getAcquire(segment, slot);
            if (again != word)
            {
                continue;
            }
            messages.addLast(new QueueMessage(position, bytes));
            if (messages.size() > limit)
            {
                messages.removeFirst();
            }
        }
        return List.copyOf(messages);
    }

    private static Long pipeState(final ReadOnlyFile file, final Map<String, Object> state)
    {
        final MemorySegment segment = file.segment();
        final long body = file.bodyOffset();
        final int capacity = pipeCapacity(file);
        state.put("capacity", capacity);
        state.put("duplex", file.parameter(PipeDescriptor.PARAM_DUPLEX) != 0);
        state.put("maxMessage", file.parameter(PipeDescriptor.PARAM_MAX_MESSAGE));
        state.put("codec", Codecs.describeIdentity(file.parameter(PipeDescriptor.PARAM_CODEC)));
        final Map<String, Object> ends = new LinkedHashMap<>();
        for (final End end : End.values())
        {
            // acquire: the claim word its holder publishes by CAS
            final long word = (long)LONG.getAcquire(segment, body + PipeDescriptor.endOffset(end) +
                PipeDescriptor.CLAIM_FIELD);
            final int holder = PipeDescriptor.claimHolder(word);
            final Map<String, Object> json = new LinkedHashMap<>();
            final int endState = PipeDescriptor.claimState(word);
            json.put("state", endState == PipeDescriptor.OPEN ? "open" : endState == PipeDescriptor.CLOSED ?
                "closed" : endState == PipeDescriptor.DIED ? "died" : "unknown " + endState);
            json.put("holderEntry", holder);
            json.put("holderGeneration", PipeDescriptor.claimGeneration(word) & 0xFFFF_FFFFL);
            boolean alive = false;
            if (holder >= 0 && holder < file.processTableCapacity())
            {
                final ReadOnlyFile.Entry entry = file.entry(holder);
                alive = entry.locked() && (int)entry.generation() == PipeDescriptor.claimGeneration(word);
                json.put("holderPid", entry.pid());
            }
            json.put("holderAlive", alive);
            ends.put(end.name(), json);
        }
        state.put("ends", ends);
        final Map<String, Object> rings = new LinkedHashMap<>();
        long depth = 0;
        for (final End sender : End.values())
        {
            final long ring = body + PipeDescriptor.ringOffset(sender, capacity);
            // acquire: positions their producer and consumer publish with release
            final long tail = (long)LONG.getAcquire(segment, ring + RingDescriptor.TAIL_OFFSET);
            final long head = (long)LONG.getAcquire(segment, ring + RingDescriptor.HEAD_OFFSET);
            final long bytes = Math.max(0, Math.min(capacity, tail - head));
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("head", head);
            json.put("tail", tail);
            json.put("depthBytes", bytes);
            rings.put(sender == End.A ? "aToB" : "bToA", json);
            depth += bytes;
        }
        state.put("rings", rings);
        return depth;
    }

    private static void lockState(final ReadOnlyFile file, final Map<String, Object> state)
    {
        requireInBody(file, LockDescriptor.HOLD_COUNT_OFFSET + Long.BYTES);
        final MemorySegment segment = file.segment();
        final long body = file.bodyOffset();
        // acquire: the lock word live processes CAS
        final long word = (long)LONG.getAcquire(segment, body + LockDescriptor.WORD_OFFSET);
        final int holder = (int)(word & LockDescriptor.OWNER_MASK) - 1;
        state.put("held", holder >= 0);
        state.put("holderEntry", holder);
        if (holder >= 0 && holder < file.processTableCapacity())
        {
            final ReadOnlyFile.Entry entry = file.entry(holder);
            state.put("holderPid", entry.pid());
            state.put("holderAlive", entry.locked());
        }
        else
        {
            state.put("holderPid", null);
            state.put("holderAlive", false);
        }
        state.put("ownerDied", (word & LockDescriptor.OWNER_DIED) != 0);
        if (file.kind() == ObjectKind.REENTRANT_LOCK)
        {
            // acquire: written by the owning thread while it holds the lock; a diagnostic read
            state.put("ownerThread", (long)LONG.getAcquire(segment, body + LockDescriptor.OWNER_THREAD_OFFSET));
            state.put("holdCount", (long)LONG.getAcquire(segment, body + LockDescriptor.HOLD_COUNT_OFFSET));
        }
    }

    private static void countersState(final Path path, final Map<String, Object> state)
    {
        try (CountersReader reader = CountersReader.open(path))
        {
            state.put("capacity", reader.capacity());
            state.put("maxLabelLength", reader.maxLabelLength());
            state.put("packed", reader.isPacked());
            state.put("reuseDelayMillis", reader.reuseDelayMillis());
            final List<Object> counters = new ArrayList<>();
            for (final CounterInfo info : reader.counters())
            {
                counters.add(counterJson(info));
            }
            state.put("counters", counters);
        }
    }

    /**
     * A counter as the JSON object of {@code jvmipc counters --json}.
     *
     * @param info the counter.
     * @return its fields, in order.
     */
    public static Map<String, Object> counterJson(final CounterInfo info)
    {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("index", info.index());
        json.put("state", info.state().name());
        json.put("label", info.label());
        json.put("typeId", info.typeId());
        json.put("ownership", info.ownership().name());
        json.put("ownerEntry", info.ownerEntry());
        json.put("value", info.value());
        return json;
    }

    /** A queue's parameters, checked against its body, and its slot arithmetic. */
    private record QueueView(ReadOnlyFile file, int capacity, int maxMessageSize, int slotLength)
    {
        static QueueView of(final ReadOnlyFile file)
        {
            final long capacity = file.parameter(QueueDescriptor.CAPACITY_PARAMETER);
            final long maxMessageSize = file.parameter(QueueDescriptor.MAX_MESSAGE_SIZE_PARAMETER);
            final long slotLength = file.parameter(QueueDescriptor.SLOT_LENGTH_PARAMETER);
            if (capacity < 1 || capacity > QueueDescriptor.MAX_CAPACITY || maxMessageSize < 0 ||
                maxMessageSize > QueueDescriptor.MAX_MESSAGE_SIZE_LIMIT ||
                slotLength != QueueDescriptor.slotLength((int)maxMessageSize) ||
                QueueDescriptor.bodyLength((int)capacity, (int)slotLength) != file.bodyLength())
            {
                throw new CorruptFileException(file.path(), "has queue parameters (capacity " + capacity +
                    ", max message " + maxMessageSize + ", slot " + slotLength + ") that do not match its body " +
                    "of " + file.bodyLength() + " bytes");
            }
            return new QueueView(file, (int)capacity, (int)maxMessageSize, (int)slotLength);
        }

        long head()
        {
            // acquire: a hint; each slot's state decides
            return (long)LONG.getAcquire(file.segment(), file.bodyOffset() + QueueDescriptor.HEAD_OFFSET);
        }

        long tail()
        {
            // acquire: a hint; each slot's state decides
            return (long)LONG.getAcquire(file.segment(), file.bodyOffset() + QueueDescriptor.TAIL_OFFSET);
        }

        /** The pass hint: where a take that passes the oldest held slot goes on (see QueueRing). */
        long passHint()
        {
            // acquire: a hint; each slot's state decides
            return (long)LONG.getAcquire(file.segment(), file.bodyOffset() + QueueDescriptor.PASS_OFFSET);
        }

        /** The end of the window from {@code head}: the tail hint read after it, clamped to one lap. */
        long end(final long head)
        {
            return head + Math.max(0, Math.min(capacity, tail() - head));
        }

        long slotOffset(final long position)
        {
            return file.bodyOffset() + QueueDescriptor.SLOTS_OFFSET + Math.floorMod(position, (long)capacity) *
                slotLength;
        }
    }
}
