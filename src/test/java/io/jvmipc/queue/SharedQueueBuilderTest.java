package io.jvmipc.queue;

import io.jvmipc.codec.Codec;
import io.jvmipc.codec.Codecs;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a queue's builder checks at open: the codec's identity, and the name. */
class SharedQueueBuilderTest
{
    @TempDir
    Path tempDir;
    private SharedDirectory dir;

    @BeforeEach
    void setUp()
    {
        dir = SharedDirectory.of(tempDir);
    }

    @Test
    void shouldRefuseToOpenWithAnotherCodecNamingBoth()
    {
        try (SharedQueue<String> created = SharedQueue.builder("q", Codecs.utf8()).directory(dir).create())
        {
            assertTrue(created.offer("kept"));
            final IncompatibleParametersException open = assertThrows(IncompatibleParametersException.class,
                () -> SharedQueue.builder("q", Codecs.bytes()).directory(dir).open());
            final String message = open.getMessage();
            assertTrue(message.contains("Codecs.utf8()") && message.contains("jvmipc.utf8/1"), message);
            assertTrue(message.contains("Codecs.bytes()") && message.contains("jvmipc.bytes/1"), message);
            assertTrue(message.contains(tempDir.resolve("q").toString()), message);
            assertThrows(IncompatibleParametersException.class,
                () -> SharedQueue.builder("q", Codecs.ofLong()).directory(dir).openOrCreate());

            try (SharedQueue<String> same = SharedQueue.builder("q", Codecs.utf8()).directory(dir).open())
            {
                assertEquals("kept", same.poll());
                assertEquals(2, created.processes().stream().filter(p -> p.alive()).count(),
                    "the refused openers left no attachment behind");
            }
        }
    }

    @Test
    void shouldTellSerialisationCodecsWithOtherAllowListsApart()
    {
        final Codec<Object> numbers = Codecs.serializable(java.math.BigInteger.class, java.math.BigDecimal.class);
        try (SharedQueue<Object> created = SharedQueue.builder("ser", numbers).directory(dir).create())
        {
            final IncompatibleParametersException e = assertThrows(IncompatibleParametersException.class,
                () -> SharedQueue.builder("ser", Codecs.serializable(java.math.BigInteger.class)).directory(dir)
                    .open());
            assertTrue(e.getMessage().contains("java.math.BigInteger"), e.getMessage());
            final Codec<Object> reordered = Codecs.serializable(java.math.BigDecimal.class,
                java.math.BigInteger.class);
            try (SharedQueue<Object> same = SharedQueue.builder("ser", reordered).directory(dir).open())
            {
                assertTrue(created.offer(java.math.BigInteger.TEN));
                assertEquals(java.math.BigInteger.TEN, same.poll());
            }
        }
    }

    @Test
    void shouldUseTheClassNameAsDefaultIdentityAndAnOverriddenOneAsDeclared()
    {
        assertEquals(Latin1.class.getName(), new Latin1().identity());
        try (SharedQueue<String> created = SharedQueue.builder("user", new Latin1()).directory(dir).create())
        {
            final IncompatibleParametersException e = assertThrows(IncompatibleParametersException.class,
                () -> SharedQueue.builder("user", Codecs.utf8()).directory(dir).open());
            assertTrue(e.getMessage().contains("not one of the library's"), e.getMessage());
            assertTrue(e.getMessage().contains(String.format("%016x", Codecs.identityHash(new Latin1()))),
                e.getMessage());
            assertTrue(created.isEmpty());
        }
        try (SharedQueue<String> created = SharedQueue.builder("renamed", new Latin1Renamed()).directory(dir)
            .create();
            SharedQueue<String> opened = SharedQueue.builder("renamed", new Latin1RenamedAgain()).directory(dir)
                .open())
        {
            assertTrue(created.offer("caf\u00e9"));
            assertEquals("caf\u00e9", opened.poll());
        }
    }

    @Test
    void shouldLeaveTheBytePathsOfAQueueOpenedWithItsOwnCodecUnchanged()
    {
        try (SharedQueue<String> created = SharedQueue.builder("bytes", Codecs.utf8()).directory(dir).create();
            SharedQueue<String> opened = SharedQueue.builder("bytes", Codecs.utf8()).directory(dir).open())
        {
            assertTrue(created.offerBytes(new byte[] {1, 2, 3}, 0, 3));
            final byte[] received = new byte[8];
            assertEquals(3, opened.pollBytes(received, 0));
            assertArrayEquals(new byte[] {1, 2, 3}, java.util.Arrays.copyOf(received, 3));
        }
    }

    @Test
    void shouldThrowNullPointerExceptionForANullName()
    {
        assertThrows(NullPointerException.class, () -> SharedQueue.builder(null, Codecs.utf8()));
        assertThrows(NullPointerException.class, () -> SharedQueue.builder("q", null));
    }

    /** A user codec with the default identity. */
    static class Latin1 implements Codec<String>
    {
        @Override
        public int encode(final String value, final MemorySegment destination, final long offset,
            final int maxLength)
        {
            final byte[] bytes = value.getBytes(StandardCharsets.ISO_8859_1);
            MemorySegment.copy(MemorySegment.ofArray(bytes), 0, destination, offset, bytes.length);
            return bytes.length;
        }

        @Override
        public String decode(final MemorySegment source, final long offset, final int length)
        {
            return new String(source.asSlice(offset, length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                StandardCharsets.ISO_8859_1);
        }
    }

    /** The same encoding under a declared identity. */
    static final class Latin1Renamed extends Latin1
    {
        @Override
        public String identity()
        {
            return "example.latin1/1";
        }
    }

    /** Another class declaring that identity: it may open the queue. */
    static final class Latin1RenamedAgain extends Latin1
    {
        @Override
        public String identity()
        {
            return "example.latin1/1";
        }
    }
}
