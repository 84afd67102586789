/**
 * Codecs: how queues and pipes turn values into the bytes of a message and back, straight in shared memory.
 * {@link io.jvmipc.codec.Codecs} holds the library's codecs (plain data, records and enums as CBOR, bytes, UTF-8,
 * {@code long}, {@code int}, and Java serialisation behind an allow-list); implement {@link io.jvmipc.codec.Codec}
 * for others. The object codec ({@link io.jvmipc.codec.Codecs#objects(Class[])}) is the only code of the library
 * that uses Jackson, the library's one optional dependency; its classes are loaded only when it is made.
 * <p>
 * <b>What a codec guarantees.</b> {@code encode} writes at most the length it is given and returns what it
 * wrote, or throws before the transport publishes anything: {@link io.jvmipc.MessageTooLargeException} if the
 * value does not fit, {@link io.jvmipc.codec.CodecException} if the codec refuses the value (the object and
 * serialisation codecs refuse at the sender every class and depth their receiver would refuse, naming the class), or
 * {@link IllegalArgumentException} if the value has no encoding. {@code decode} reads only the bytes of the
 * message, copies what it keeps, and throws {@code CodecException} (naming the cause, for the serialisation codec
 * the refused class or limit) for bytes that are not a valid encoding; the transport counts the message consumed
 * and the next one can be read. Codecs are thread-safe and stateless.
 * <p>
 * <b>Identity.</b> Every codec declares a stable {@linkplain io.jvmipc.codec.Codec#identity() identity}
 * ({@code name/version}, by default its class name). A queue or pipe records the identity's 64-bit hash
 * ({@link io.jvmipc.codec.Codecs#identityHash(io.jvmipc.codec.Codec)}) when it is created, and refuses, with
 * {@link io.jvmipc.file.IncompatibleParametersException} naming both codecs, to be opened with a codec of another
 * identity, so that no process decodes another encoding's bytes.
 * <p>
 * <b>Crashes and timeouts.</b> A codec neither blocks nor waits, and holds no shared state: a process killed
 * while encoding leaves an unpublished claim that its transport's crash rules recover (the message is not
 * sent); one killed while decoding loses at most that message, as the transport documents.
 */
package io.jvmipc.codec;
