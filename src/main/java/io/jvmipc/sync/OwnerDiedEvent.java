package io.jvmipc.sync;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event: a lock whose previous holder died was handed to this thread, which is about to get
 * {@link OwnerDiedException}.
 */
@Name("io.jvmipc.OwnerDied")
@Label("jvmipc owner-died hand-over")
@Category({"jvmipc", "Crash recovery"})
@Description("A lock whose holder died was handed over with OwnerDiedException")
@StackTrace(true)
final class OwnerDiedEvent extends jdk.jfr.Event
{
    @Label("Lock")
    @Description("The lock's file")
    String path;
}
