package io.jvmipc.codec;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Jackson is an optional dependency: the library, its other codecs included, works without it. */
class ObjectCodecWithoutJacksonTest
{
    @Test
    void shouldRunTheOtherCodecsAndExplainWhatIsMissingWhenJacksonIsAbsent() throws Exception
    {
        final URL library = Codecs.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader withoutJackson = new URLClassLoader(new URL[] {library},
            ClassLoader.getPlatformClassLoader()))
        {
            assertThrows(ClassNotFoundException.class, () ->
                withoutJackson.loadClass("com.fasterxml.jackson.dataformat.cbor.CBORFactory"));
            final Class<?> codecs = withoutJackson.loadClass(Codecs.class.getName());

            final Object utf8 = codecs.getMethod("utf8").invoke(null);
            final Method encode = utf8.getClass().getMethod("encode", Object.class, MemorySegment.class, long.class,
                int.class);
            encode.setAccessible(true);
            assertEquals(5, encode.invoke(utf8, "hello", MemorySegment.ofArray(new byte[8]), 0L, 8));

            final InvocationTargetException e = assertThrows(InvocationTargetException.class, () ->
                codecs.getMethod("objects", Class[].class).invoke(null, (Object)new Class<?>[0]));
            final IllegalStateException missing = assertInstanceOf(IllegalStateException.class, e.getCause());
            assertTrue(missing.getMessage().contains("jackson-dataformat-cbor"), missing.getMessage());
        }
    }
}
