/**
 * Chronicle Bytes adapter (Chronicle Bytes is an optional dependency: add {@code net.openhft:chronicle-bytes} to
 * use this package): {@link io.jvmipc.chronicle.BytesMarshallableCodec}, a {@link io.jvmipc.codec.Codec} that
 * writes and reads {@link net.openhft.chronicle.bytes.BytesMarshallable} objects in place in the shared slot. See
 * the codec for the JVM flags Chronicle Bytes wants on JDK 25. The rest of the library never loads this package
 * and needs neither Chronicle nor its flags.
 */
package io.jvmipc.chronicle;
