package dev.kiln.gateway.builds;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The events of one running (or recently ended) build, kept in memory so that a client that
 * subscribes late still sees every step from the first. Thread-safe.
 */
public final class BuildProgress {

  private final UUID id;
  private final String function;
  private final List<BuildEvent> events = new ArrayList<>();
  private final List<Consumer<BuildEvent>> listeners = new ArrayList<>();
  private Instant endedAt;

  BuildProgress(UUID id, String function) {
    this.id = id;
    this.function = function;
  }

  /** The build's id. */
  public UUID id() {
    return id;
  }

  /** The function being built. */
  public String function() {
    return function;
  }

  /** Records an event and passes it to every subscriber. */
  public synchronized void emit(BuildEvent event) {
    if (endedAt != null) {
      return;
    }
    events.add(event);
    for (Consumer<BuildEvent> l : List.copyOf(listeners)) {
      l.accept(event);
    }
    if (event.isFinal()) {
      endedAt = Instant.now();
      listeners.clear();
    }
  }

  /**
   * Replays every event so far to {@code listener}, then passes it the new ones until the final
   * event. Returns a handle that unsubscribes.
   */
  public synchronized Runnable subscribe(Consumer<BuildEvent> listener) {
    events.forEach(listener);
    if (endedAt == null) {
      listeners.add(listener);
    }
    return () -> {
      synchronized (this) {
        listeners.remove(listener);
      }
    };
  }

  /** The progress lines so far, one per line, as stored in the build's log. */
  public synchronized String log() {
    StringBuilder sb = new StringBuilder();
    for (BuildEvent e : events) {
      if (e.line() != null) {
        sb.append(e.line()).append('\n');
      }
    }
    return sb.toString();
  }

  /** When the build ended, or null while it runs. */
  synchronized Instant endedAt() {
    return endedAt;
  }
}
