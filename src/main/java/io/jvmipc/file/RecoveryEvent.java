package io.jvmipc.file;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JFR event: this process recovered a process-table entry whose owner died or detached without cleaning up (its
 * waiter registrations released, then the kind's own recovery: slots freed, permits given back, a lock marked
 * owner-died, leases redelivered), with the recovery's duration.
 */
@Name("io.jvmipc.Recovery")
@Label("jvmipc recovery of a dead process")
@Category({"jvmipc", "Crash recovery"})
@Description("The recovery of what a dead or detached process held in a shared object")
@StackTrace(false)
final class RecoveryEvent extends jdk.jfr.Event
{
    @Label("Object")
    @Description("The shared object's file")
    String path;

    @Label("Entry")
    @Description("The recovered process-table entry")
    int entry;

    @Label("Dead process")
    @Description("The PID the entry last recorded")
    long pid;

    @Label("At attach")
    @Description("Whether the recovery ran because this process attached to the dead entry")
    boolean atAttach;
}
