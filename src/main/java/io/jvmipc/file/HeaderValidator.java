package io.jvmipc.file;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.zip.CRC32C;

import static io.jvmipc.file.HeaderDescriptor.BODY_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.BODY_OFFSET_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CHECKSUM_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.COUNTERS_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.COUNTER_COUNT_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CREATION_TIME_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.CREATOR_PID_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.FILE_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.HEADER_LENGTH_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.KIND_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.KIND_VERSION_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.LAYOUT_VERSION_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.MAGIC_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.PROCESS_TABLE_CAPACITY_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.PROCESS_TABLE_OFFSET_OFFSET;
import static io.jvmipc.file.HeaderDescriptor.READY_OFFSET;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Writes and checks the header laid out by {@link HeaderDescriptor}: the creator writes it with
 * {@link #write(MemorySegment, SharedFile.Spec, long)} and publishes it with {@link #publish(MemorySegment)};
 * an attacher trusts nothing in a file before {@link #validate(Path, MemorySegment, ObjectKind, int)} accepted
 * it.
 */
final class HeaderValidator
{
    /** How long an attacher waits for a file's ready word. */
    static final long READY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final VarHandle INT = JAVA_INT.varHandle();

    private HeaderValidator()
    {
    }

    /**
     * Writes every header field of a new object except the ready word (left zero), checksum included.
     *
     * @param file       the new file's whole mapping, zero-filled.
     * @param spec       what is created.
     * @param fileLength the file's length.
     * @param flags      the flags word ({@link HeaderDescriptor#FLAGS_OFFSET}).
     */
    static void write(final MemorySegment file, final SharedFile.Spec spec, final long fileLength, final int flags)
    {
        file.set(JAVA_LONG, MAGIC_OFFSET, HeaderDescriptor.MAGIC);
        file.set(JAVA_INT, LAYOUT_VERSION_OFFSET, HeaderDescriptor.LAYOUT_VERSION);
        file.set(JAVA_INT, KIND_OFFSET, spec.kind().code());
        file.set(JAVA_INT, HEADER_LENGTH_OFFSET, HeaderDescriptor.LENGTH);
        file.set(JAVA_LONG, FILE_LENGTH_OFFSET, fileLength);
        file.set(JAVA_LONG, CREATION_TIME_OFFSET, System.currentTimeMillis());
        file.set(JAVA_LONG, CREATOR_PID_OFFSET, ProcessHandle.current().pid());
        file.set(JAVA_INT, PROCESS_TABLE_OFFSET_OFFSET, HeaderDescriptor.LENGTH);
        file.set(JAVA_INT, PROCESS_TABLE_CAPACITY_OFFSET, spec.processTableCapacity());
        file.set(JAVA_LONG, BODY_OFFSET_OFFSET, HeaderDescriptor.bodyOffset(spec.processTableCapacity()));
        file.set(JAVA_LONG, BODY_LENGTH_OFFSET, spec.bodyLength());
        file.set(JAVA_INT, KIND_VERSION_OFFSET, spec.kindVersion());
        file.set(JAVA_INT, COUNTERS_OFFSET, (int)HeaderDescriptor.countersOffset(spec.processTableCapacity()));
        file.set(JAVA_INT, COUNTER_COUNT_OFFSET, SlowPath.COUNT);
        for (int i = 0; i < spec.parameters().length; i++)
        {
            file.set(JAVA_LONG, HeaderDescriptor.parameterOffset(i), spec.parameters()[i]);
        }
        file.set(JAVA_INT, HeaderDescriptor.FLAGS_OFFSET, flags);
        file.set(JAVA_INT, CHECKSUM_OFFSET, checksum(file));
    }

    /**
     * Marks a new object ready, after its header and body are written.
     *
     * @param file the new file's whole mapping.
     */
    static void publish(final MemorySegment file)
    {
        // release: the header and the body are visible before the ready word
        INT.setRelease(file, READY_OFFSET, HeaderDescriptor.READY);
    }

    /**
     * Checks, in this order, a file mapped whole: its length against the header's, its magic and layout
     * version, its ready word (waited for with a deadline), kind, kind version, checksum and every size against
     * the real file length. Reads nothing past {@code file}'s end.
     *
     * @param path        the file, for messages.
     * @param file        the whole file's mapping (may be shorter than a header).
     * @param kind        the kind expected.
     * @param kindVersion the kind's body layout version expected.
     * @throws ForeignFileException          if it is not a jvmipc object.
     * @throws IncompatibleVersionException  if its layout or kind version differs.
     * @throws WrongKindException            if it holds another kind.
     * @throws CorruptFileException          if it is truncated, inconsistent, fails its checksum or never became
     *                                       ready.
     */
    static void validate(final Path path, final MemorySegment file, final ObjectKind kind, final int kindVersion)
    {
        check(path, file, kind, kindVersion, true);
    }

    /**
     * The checks of {@link #validate(Path, MemorySegment, ObjectKind, int)} for a reader that expects no
     * particular kind and must not wait (an inspector): magic, layout version, ready word (not waited for: a
     * name is linked only to a ready file), checksum and lengths. The kind code must be one this library knows;
     * its kind version is not checked (the caller reports it). Reads only.
     *
     * @param path the file, for messages.
     * @param file the whole file's mapping, possibly read-only.
     * @return the object's kind.
     * @throws ForeignFileException         if it is not a jvmipc object.
     * @throws IncompatibleVersionException if its layout version differs.
     * @throws WrongKindException           if its kind code is unknown to this library.
     * @throws CorruptFileException         if it is truncated, inconsistent, fails its checksum or is not ready.
     */
    static ObjectKind validateAnyKind(final Path path, final MemorySegment file)
    {
        check(path, file, null, 0, false);
        return ObjectKind.ofCode(file.get(JAVA_INT, KIND_OFFSET));
    }

    private static void check(final Path path, final MemorySegment file, final ObjectKind kind,
        final int kindVersion, final boolean waitReady)
    {
        final long size = file.byteSize();
        if (size < HeaderDescriptor.LENGTH)
        {
            if (size >= Long.BYTES && file.get(JAVA_LONG, MAGIC_OFFSET) != HeaderDescriptor.MAGIC)
            {
                throw new ForeignFileException(path, "is not a jvmipc object (no jvmipc magic number)");
            }
            throw new CorruptFileException(path, "is truncated: " + size + " bytes, shorter than the " +
                HeaderDescriptor.LENGTH + "-byte header");
        }
        if (file.get(JAVA_LONG, MAGIC_OFFSET) != HeaderDescriptor.MAGIC)
        {
            throw new ForeignFileException(path, "is not a jvmipc object (no jvmipc magic number)");
        }
        final int layoutVersion = file.get(JAVA_INT, LAYOUT_VERSION_OFFSET);
        if (layoutVersion != HeaderDescriptor.LAYOUT_VERSION)
        {
            throw new IncompatibleVersionException(path, "has layout version " + layoutVersion +
                "; this library reads version " + HeaderDescriptor.LAYOUT_VERSION);
        }
        if (waitReady)
        {
            awaitReady(path, file);
        }
        // acquire: once ready reads as set, the creator's header and body writes are visible
        else if ((int)INT.getAcquire(file, READY_OFFSET) != HeaderDescriptor.READY)
        {
            throw new CorruptFileException(path, "is not ready (its creator died while building it, or another " +
                "program wrote it)");
        }
        final int kindCode = file.get(JAVA_INT, KIND_OFFSET);
        final ObjectKind actualKind = ObjectKind.ofCode(kindCode);
        if (kind == null ? actualKind == null : actualKind != kind)
        {
            throw new WrongKindException(path, "holds an object of kind " + (actualKind == null ? "code " +
                kindCode + " (unknown to this library)" : actualKind) + (kind == null ? "" : ", not of kind " + kind));
        }
        final int actualKindVersion = file.get(JAVA_INT, KIND_VERSION_OFFSET);
        if (kind != null && actualKindVersion != kindVersion)
        {
            throw new IncompatibleVersionException(path, "holds a " + kind + " of layout version " +
                actualKindVersion + "; this library reads version " + kindVersion);
        }
        if (file.get(JAVA_INT, CHECKSUM_OFFSET) != checksum(file))
        {
            throw new CorruptFileException(path, "header fails its checksum");
        }
        final long fileLength = file.get(JAVA_LONG, FILE_LENGTH_OFFSET);
        if (fileLength != size)
        {
            throw new CorruptFileException(path, (size < fileLength ? "is truncated: " : "has the wrong length: ") +
                size + " bytes, its header says " + fileLength);
        }
        final int headerLength = file.get(JAVA_INT, HEADER_LENGTH_OFFSET);
        final int tableOffset = file.get(JAVA_INT, PROCESS_TABLE_OFFSET_OFFSET);
        final int tableCapacity = file.get(JAVA_INT, PROCESS_TABLE_CAPACITY_OFFSET);
        final long bodyOffset = file.get(JAVA_LONG, BODY_OFFSET_OFFSET);
        final long bodyLength = file.get(JAVA_LONG, BODY_LENGTH_OFFSET);
        final int countersOffset = file.get(JAVA_INT, COUNTERS_OFFSET);
        final int counterCount = file.get(JAVA_INT, COUNTER_COUNT_OFFSET);
        if (headerLength != HeaderDescriptor.LENGTH || tableOffset != HeaderDescriptor.LENGTH ||
            tableCapacity < 1 || tableCapacity > ProcessTableDescriptor.MAX_CAPACITY ||
            countersOffset != HeaderDescriptor.countersOffset(tableCapacity) || counterCount < 0 ||
            counterCount > HeaderDescriptor.MAX_COUNTERS ||
            bodyOffset != HeaderDescriptor.bodyOffset(tableCapacity, counterCount) || bodyLength < 0 ||
            bodyOffset + bodyLength != fileLength)
        {
            throw new CorruptFileException(path, "has an inconsistent header: header length " + headerLength +
                ", process table at " + tableOffset + " x " + tableCapacity + ", " + counterCount +
                " counters at " + countersOffset + ", body at " + bodyOffset + " + " + bodyLength + ", file " +
                fileLength);
        }
    }

    private static void awaitReady(final Path path, final MemorySegment file)
    {
        final long deadline = System.nanoTime() + READY_TIMEOUT_NANOS;
        int spins = 0;
        // acquire: once ready reads as set, the creator's header and body writes are visible
        while ((int)INT.getAcquire(file, READY_OFFSET) != HeaderDescriptor.READY)
        {
            if (System.nanoTime() - deadline >= 0)
            {
                throw new CorruptFileException(path, "never became ready (its creator died while building it, " +
                    "or another program wrote it)");
            }
            if (++spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    /** CRC32C of the header with the ready word and the checksum taken as zero. */
    private static int checksum(final MemorySegment file)
    {
        final byte[] header = file.asSlice(0, HeaderDescriptor.LENGTH).toArray(JAVA_BYTE);
        for (int i = 0; i < Integer.BYTES; i++)
        {
            header[READY_OFFSET + i] = 0;
            header[CHECKSUM_OFFSET + i] = 0;
        }
        final CRC32C crc = new CRC32C();
        crc.update(header);
        return (int)crc.getValue();
    }
}
