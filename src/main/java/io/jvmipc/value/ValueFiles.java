package io.jvmipc.value;

import io.jvmipc.file.CorruptFileException;
import io.jvmipc.file.ObjectKind;
import io.jvmipc.file.SharedFile;
import io.jvmipc.file.SharedFile.BodyInitializer;
import io.jvmipc.file.SharedFile.OpenMode;
import io.jvmipc.file.WrongKindException;

import java.nio.file.Path;

/**
 * Maps, validates and attaches the files of shared values and arrays, through the one open path ({@link SharedFile#open}). Values and arrays hold no per-process
 * state, so the dead-owner recovery has nothing to release; the process-table entry still makes
 * {@link SharedFile#unlink()} refuse while another live process is attached.
 */
final class ValueFiles
{
    private ValueFiles()
    {
    }

    static SharedFile openValue(final Path path, final ElementType type, final OpenMode mode, final int capacity,
        final BodyInitializer initializer)
    {
        final SharedFile.Spec spec = mode == OpenMode.OPEN ? null : new SharedFile.Spec(ObjectKind.VALUE,
            ValueDescriptor.VERSION, new long[] {type.code()}, ValueDescriptor.LENGTH, capacity, initializer);
        return SharedFile.open(path, ObjectKind.VALUE, ValueDescriptor.VERSION, mode, spec, file ->
        {
            requireType(file, type, ValueDescriptor.ELEMENT_TYPE_PARAMETER, "value");
            if (file.bodyLength() < ValueDescriptor.LENGTH)
            {
                throw new CorruptFileException(path, "value body of " + file.bodyLength() + " bytes, expected " +
                    ValueDescriptor.LENGTH);
            }
            return new SharedFile.Bound<>(file, ValueFiles::nothingToRecover);
        });
    }

    /**
     * @param length the length asked for, or -1 to take the file's.
     */
    static SharedFile openArray(final Path path, final ElementType type, final OpenMode mode, final int capacity,
        final int length, final BodyInitializer initializer)
    {
        final SharedFile.Spec spec = mode == OpenMode.OPEN ? null : new SharedFile.Spec(ObjectKind.ARRAY,
            ArrayDescriptor.VERSION, new long[] {type.code(), length}, ArrayDescriptor.bodyLength(type, length),
            capacity, initializer);
        return SharedFile.open(path, ObjectKind.ARRAY, ArrayDescriptor.VERSION, mode, spec, file ->
        {
            requireType(file, type, ArrayDescriptor.ELEMENT_TYPE_PARAMETER, "array");
            final long actualLength = file.parameter(ArrayDescriptor.LENGTH_PARAMETER);
            if (actualLength < 0 || actualLength > Integer.MAX_VALUE ||
                file.bodyLength() < ArrayDescriptor.bodyLength(type, (int)actualLength))
            {
                throw new CorruptFileException(path, "array of " + actualLength + " " + type + " elements with a " +
                    file.bodyLength() + "-byte body");
            }
            if (length >= 0)
            {
                file.requireParameter(ArrayDescriptor.LENGTH_PARAMETER, "length", length);
            }
            return new SharedFile.Bound<>(file, ValueFiles::nothingToRecover);
        });
    }

    static int arrayLength(final SharedFile file)
    {
        return (int)file.parameter(ArrayDescriptor.LENGTH_PARAMETER);
    }

    private static void requireType(final SharedFile file, final ElementType type, final int parameter,
        final String what)
    {
        final long code = file.parameter(parameter);
        if (code != type.code())
        {
            throw new WrongKindException(file.path(), "holds a shared " + what + " of " +
                ElementType.nameOfCode(code) + ", not of " + type);
        }
    }

    private static void nothingToRecover(final int entry)
    {
        // values and arrays keep no per-process state: a dead process holds nothing
    }
}
