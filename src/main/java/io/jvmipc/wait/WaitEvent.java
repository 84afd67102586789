package io.jvmipc.wait;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Threshold;

/**
 * JFR event: a blocking call of a jvmipc primitive that had to wait (its first attempt failed and its timeout was
 * positive), recorded by {@link WaitLoop} with the wait's duration. Only waits longer than the threshold are kept
 * (20 ms unless the recording's settings say otherwise); a disabled event costs a check, no allocation once compiled.
 */
@Name("io.jvmipc.Wait")
@Label("jvmipc wait")
@Category({"jvmipc", "Waiting"})
@Description("A blocking call that waited for another process or thread")
@Threshold("20 ms")
@StackTrace(true)
final class WaitEvent extends jdk.jfr.Event
{
    @Label("Object")
    @Description("The shared object's file")
    String path;

    @Label("Suspect entry")
    @Description("The process-table entry last blamed for the wait, or -1 for none")
    int suspect;

    @Label("Timed out")
    boolean timedOut;
}
