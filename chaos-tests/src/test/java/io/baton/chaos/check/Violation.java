package io.baton.chaos.check;

/** One broken invariant ({@code ../shared/DESIGN.md}, "Invariants the chaos suite proves"), with what proves it. */
public record Violation(Invariant invariant, String task, String detail) {

    public enum Invariant {
        LOST_RESUME(1, "no acknowledged resume is lost"),
        STUCK_TASK(2, "every started task reaches a terminal state"),
        DUPLICATED_EFFECT(3, "each step's side effect applies once"),
        CHECKPOINT_GAP(4, "checkpoints are in order, without gaps"),
        UNKNOWN_EFFECT(5, "no effect for an unknown task, token or step"),
        TWO_LIVE_ATTEMPTS(6, "never two live attempts of one task"),
        BAD_CALLBACK(7, "every outbound event is delivered with one stable webhook-id and a valid signature"),
        PLAINTEXT_TOKEN(8, "no plaintext token in the database");

        public final int number;
        public final String text;

        Invariant(int number, String text) {
            this.number = number;
            this.text = text;
        }
    }

    @Override
    public String toString() {
        return "invariant " + invariant.number + " (" + invariant.text + ") broken" + (task == null ? "" : " for task "
                + task) + ": " + detail;
    }
}
