package io.baton.agent;

/**
 * A wait's resume token and the URL to hand out. The token is a secret: put it where only its intended caller sees
 * it, never in logs or the task's state.
 */
public record ResumeLink(String token, String url) {
    @Override
    public String toString() {
        return "ResumeLink[****]";
    }
}
