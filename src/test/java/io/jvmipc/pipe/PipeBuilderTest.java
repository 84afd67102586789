package io.jvmipc.pipe;

import io.jvmipc.codec.Codecs;
import io.jvmipc.file.IncompatibleParametersException;
import io.jvmipc.file.SharedDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a pipe's builder checks when it takes an end: the codec's identity, and the name. */
@Timeout(30)
class PipeBuilderTest
{
    @TempDir
    Path tempDir;

    @Test
    void shouldRefuseAnEndOpenedWithAnotherCodecNamingBoth() throws Exception
    {
        final SharedDirectory dir = SharedDirectory.of(tempDir);
        try (Connection<String> a = Pipe.builder("p", Codecs.utf8()).directory(dir).connect(End.A))
        {
            final IncompatibleParametersException e = assertThrows(IncompatibleParametersException.class,
                () -> Pipe.attach(dir, "p", End.B));
            assertTrue(e.getMessage().contains("Codecs.utf8()") && e.getMessage().contains("jvmipc.utf8/1"),
                e.getMessage());
            assertTrue(e.getMessage().contains("Codecs.bytes()") && e.getMessage().contains("jvmipc.bytes/1"),
                e.getMessage());
            assertTrue(e.getMessage().contains(tempDir.resolve("p").toString()), e.getMessage());
            assertThrows(IncompatibleParametersException.class,
                () -> Pipe.builder("p", Codecs.ofInt()).directory(dir).connect(End.B));

            try (Connection<String> b = Pipe.builder("p", Codecs.utf8()).directory(dir).attach(End.B))
            {
                a.send("hello");
                assertEquals("hello", b.recv());
                b.sendBytes(new byte[] {4, 5});
                assertArrayEquals(new byte[] {4, 5}, a.recvBytes());
            }
        }
    }

    @Test
    void shouldThrowNullPointerExceptionForANullName()
    {
        assertThrows(NullPointerException.class, () -> Pipe.builder(null));
        assertThrows(NullPointerException.class, () -> Pipe.builder(null, Codecs.utf8()));
        assertThrows(NullPointerException.class, () -> Pipe.attach(SharedDirectory.of(tempDir), null, End.A));
    }
}
