package io.jvmipc.counters;

import io.jvmipc.counters.CountersDescriptor.Layout;
import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ForeignFileException;
import io.jvmipc.file.HeaderDescriptor;
import io.jvmipc.file.IncompatibleVersionException;
import io.jvmipc.file.NoSuchSharedObjectException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.ProcessTableDescriptor;
import io.jvmipc.file.SharedDirectory;
import io.jvmipc.file.SharedObjectException;
import io.jvmipc.file.WrongKindException;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32C;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A read-only view of a {@link SharedCounters} region, for monitoring tools (Aeron's {@code CountersReader} /
 * {@code AeronStat}): it opens the file read-only ({@code O_RDONLY}) and maps it shared and read-only, so it can
 * never change the region, takes no process-table entry (it does not count as attached, never blocks
 * {@link SharedCounters#unlink()}, and runs no recovery), and validates the header and every label length before
 * use.
 * <p>
 * What it shows is what the region holds now: a dead process's {@link Ownership#OWNED} counters stay
 * {@link CounterState#ALLOCATED} until an attached process recovers the dead entry, and a dead allocator's slot
 * stays {@link CounterState#ALLOCATING} until then. Reads are volatile; each counter is read consistently (a
 * counter that changes state while read is read again or skipped), the region as a whole is not a snapshot.
 * <p>
 * <b>Bad input</b>: a missing file is {@link NoSuchSharedObjectException}; a file of another program, kind or
 * version, a truncated or corrupt header, or parameters out of range get the specific
 * {@link SharedObjectException}; a label length out of bounds is {@link CorruptFileException} naming the slot; a
 * file truncated while mapped is {@link SharedObjectException} naming it; use after {@link #close()} is
 * {@link IllegalStateException}. Thread-safe.
 */
public final class CountersReader implements AutoCloseable
{
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final Path path;
    private final Arena arena;
    private final CounterSlots slots;
    private volatile boolean closed;

    private CountersReader(final Path path, final Arena arena, final CounterSlots slots)
    {
        this.path = path;
        this.arena = arena;
        this.slots = slots;
    }

    /**
     * Opens the region {@code name} of {@code directory} read-only.
     *
     * @param directory the directory.
     * @param name      the region's name.
     * @return the reader.
     * @throws NoSuchSharedObjectException if there is no such file.
     * @throws SharedObjectException       if the file is not a readable counter region.
     */
    public static CountersReader open(final SharedDirectory directory, final String name)
    {
        return open(directory.resolve(name));
    }

    /**
     * Opens the region at {@code path} read-only.
     *
     * @param path the region's file.
     * @return the reader.
     * @throws NoSuchSharedObjectException if there is no such file.
     * @throws SharedObjectException       if the file is not a readable counter region (a symbolic link, not a
     *                                     regular file, foreign, of another kind or version, truncated, corrupt).
     */
    public static CountersReader open(final Path path)
    {
        Objects.requireNonNull(path, "path");
        if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS))
        {
            if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS))
            {
                throw new NoSuchSharedObjectException(path, "no such object");
            }
            throw new SharedObjectException(path, "is not a regular file (a symbolic link, directory or device)");
        }
        final Arena arena = Arena.ofShared();
        boolean ok = false;
        try
        {
            final MemorySegment file;
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))
            {
                final long size = channel.size();
                if (size < HeaderDescriptor.LENGTH)
                {
                    throw new CorruptFileException(path, "is truncated: " + size + " bytes, shorter than the " +
                        HeaderDescriptor.LENGTH + "-byte header");
                }
                file = channel.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            }
            final CountersReader reader = new CountersReader(path, arena, validate(path, file));
            ok = true;
            return reader;
        }
        catch (final NoSuchFileException e)
        {
            throw new NoSuchSharedObjectException(path, "no such object");
        }
        catch (final IOException e)
        {
            throw new SharedObjectException(path, "cannot be opened for reading: " + e, e);
        }
        catch (final InternalError e)
        {
            throw new SharedObjectException(path, "was truncated while being opened", e);
        }
        finally
        {
            if (!ok)
            {
                arena.close();
            }
        }
    }

    /**
     * Every slot that is not free, with its state, label, type, ownership and value.
     *
     * @return the slots in index order.
     * @throws IllegalStateException if closed.
     * @throws SharedObjectException if the file is corrupt or was truncated.
     */
    public List<CounterInfo> counters()
    {
        ensureOpen();
        try
        {
            return slots.infos();
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    /**
     * Calls {@code consumer} for every allocated counter, as {@link SharedCounters#forEach(CounterConsumer)} does,
     * allocating nothing per counter.
     *
     * @param consumer receives each counter; its label argument is valid only during the call.
     * @throws IllegalStateException if closed.
     * @throws SharedObjectException if the file is corrupt or was truncated.
     */
    public void forEach(final CounterConsumer consumer)
    {
        Objects.requireNonNull(consumer, "consumer");
        ensureOpen();
        try
        {
            slots.forEach(consumer);
        }
        catch (final InternalError e)
        {
            throw faulted(e);
        }
    }

    /**
     * The region's capacity.
     *
     * @return the most counters it holds.
     */
    public int capacity()
    {
        return slots.layout.capacity();
    }

    /**
     * The region's label limit.
     *
     * @return the longest label in UTF-8 bytes.
     */
    public int maxLabelLength()
    {
        return slots.layout.maxLabelLength();
    }

    /**
     * Whether the region's values are packed.
     *
     * @return {@code true} for 8-byte strides, {@code false} for one value per cache-line pair.
     */
    public boolean isPacked()
    {
        return slots.layout.valueStride() == CountersDescriptor.PACKED_STRIDE;
    }

    /**
     * The region's reuse delay.
     *
     * @return milliseconds a freed slot stays unused.
     */
    public long reuseDelayMillis()
    {
        return slots.layout.reuseDelayMillis();
    }

    /**
     * The region's file.
     *
     * @return its path.
     */
    public Path path()
    {
        return path;
    }

    /** Unmaps the file. Idempotent. */
    @Override
    public synchronized void close()
    {
        if (!closed)
        {
            closed = true;
            arena.close();
        }
    }

    @Override
    public String toString()
    {
        return "CountersReader " + path;
    }

    private void ensureOpen()
    {
        if (closed)
        {
            throw new IllegalStateException(path + " is closed in this reader");
        }
    }

    private SharedObjectException faulted(final InternalError e)
    {
        long now;
        try
        {
            now = Files.size(path);
        }
        catch (final IOException | RuntimeException ignored)
        {
            now = -1;
        }
        return new SharedObjectException(path, "cannot be read any more (" + (now < 0 ? "the file is gone" :
            "the file is now " + now + " bytes") + ", mapped as " + slots.segment.byteSize() +
            " bytes): another program truncated or replaced it", e);
    }

    /** The header checks {@link io.jvmipc.file.SharedFile} makes on attach, done on a read-only mapping. */
    private static CounterSlots validate(final Path path, final MemorySegment file)
    {
        final long size = file.byteSize();
        if (file.get(JAVA_LONG, HeaderDescriptor.MAGIC_OFFSET) != HeaderDescriptor.MAGIC)
        {
            throw new ForeignFileException(path, "is not a jvmipc object (no jvmipc magic number)");
        }
        final int layoutVersion = file.get(JAVA_INT, HeaderDescriptor.LAYOUT_VERSION_OFFSET);
        if (layoutVersion != HeaderDescriptor.LAYOUT_VERSION)
        {
            throw new IncompatibleVersionException(path, "has layout version " + layoutVersion +
                "; this library reads version " + HeaderDescriptor.LAYOUT_VERSION);
        }
        // acquire: once ready reads as set, the creator's header and body writes are visible; a name is linked
        // only to a ready file, so a file that is not ready was written by someone else
        if ((int)INT.getAcquire(file, HeaderDescriptor.READY_OFFSET) != HeaderDescriptor.READY)
        {
            throw new CorruptFileException(path, "is not ready (not made by a jvmipc creator)");
        }
        final int kindCode = file.get(JAVA_INT, HeaderDescriptor.KIND_OFFSET);
        final ObjectKind kind = ObjectKind.ofCode(kindCode);
        if (kind != ObjectKind.COUNTERS)
        {
            throw new WrongKindException(path, "holds a " + (kind == null ? "kind " + kindCode : kind) + ", not a " +
                ObjectKind.COUNTERS);
        }
        final int kindVersion = file.get(JAVA_INT, HeaderDescriptor.KIND_VERSION_OFFSET);
        if (kindVersion != CountersDescriptor.VERSION)
        {
            throw new IncompatibleVersionException(path, "holds a " + kind + " of layout version " + kindVersion +
                "; this library reads version " + CountersDescriptor.VERSION);
        }
        if (file.get(JAVA_INT, HeaderDescriptor.CHECKSUM_OFFSET) != headerChecksum(file))
        {
            throw new CorruptFileException(path, "header fails its checksum");
        }
        final long fileLength = file.get(JAVA_LONG, HeaderDescriptor.FILE_LENGTH_OFFSET);
        final int tableCapacity = file.get(JAVA_INT, HeaderDescriptor.PROCESS_TABLE_CAPACITY_OFFSET);
        final long bodyOffset = file.get(JAVA_LONG, HeaderDescriptor.BODY_OFFSET_OFFSET);
        final long bodyLength = file.get(JAVA_LONG, HeaderDescriptor.BODY_LENGTH_OFFSET);
        if (fileLength != size)
        {
            throw new CorruptFileException(path, (size < fileLength ? "is truncated: " : "has the wrong length: ") +
                size + " bytes, its header says " + fileLength);
        }
        if (tableCapacity < 1 || tableCapacity > ProcessTableDescriptor.MAX_CAPACITY ||
            bodyOffset != HeaderDescriptor.bodyOffset(tableCapacity) || bodyLength < 0 ||
            bodyOffset + bodyLength != fileLength)
        {
            throw new CorruptFileException(path, "has an inconsistent header: process table of " + tableCapacity +
                ", body at " + bodyOffset + " + " + bodyLength + ", file " + fileLength);
        }
        final Layout layout = CountersDescriptor.validate(path,
            file.get(JAVA_LONG, HeaderDescriptor.parameterOffset(CountersDescriptor.CAPACITY_PARAMETER)),
            file.get(JAVA_LONG, HeaderDescriptor.parameterOffset(CountersDescriptor.MAX_LABEL_LENGTH_PARAMETER)),
            file.get(JAVA_LONG, HeaderDescriptor.parameterOffset(CountersDescriptor.VALUE_STRIDE_PARAMETER)),
            file.get(JAVA_LONG, HeaderDescriptor.parameterOffset(CountersDescriptor.REUSE_DELAY_PARAMETER)),
            bodyLength);
        return new CounterSlots(path, file, bodyOffset, layout);
    }

    private static int headerChecksum(final MemorySegment file)
    {
        final byte[] header = file.asSlice(0, HeaderDescriptor.LENGTH).toArray(JAVA_BYTE);
        for (int i = 0; i < Integer.BYTES; i++)
        {
            header[HeaderDescriptor.READY_OFFSET + i] = 0;
            header[HeaderDescriptor.CHECKSUM_OFFSET + i] = 0;
        }
        final CRC32C crc = new CRC32C();
        crc.update(header);
        return (int)crc.getValue();
    }
}
