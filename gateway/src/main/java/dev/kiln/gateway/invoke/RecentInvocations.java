package dev.kiln.gateway.invoke;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last {@value #PER_FUNCTION} invocations of each function, in memory: the sync path writes
 * nothing to the database, so this is where a person looks at what just happened.
 */
@ApplicationScoped
public class RecentInvocations {

  /** How many records are kept per function. */
  public static final int PER_FUNCTION = 100;

  private final Map<String, Deque<Record>> byFunction = new ConcurrentHashMap<>();

  /**
   * One invocation.
   *
   * @param id the invocation's id
   * @param version the function version that ran it (0 when it never reached a container)
   * @param mode {@code sync} or {@code async}
   * @param at when it started
   * @param durationMillis how long it took
   * @param start {@code warm}, or {@code stem-cell} / {@code fresh} for the first call of a
   *     container started that way (a cold call); null when no container ran it
   * @param outcome how it ended
   * @param status the HTTP status answered
   */
  public record Record(
      String id,
      int version,
      String mode,
      Instant at,
      long durationMillis,
      String start,
      String outcome,
      int status) {}

  void add(String function, Record record) {
    Deque<Record> ring = byFunction.computeIfAbsent(function, f -> new ArrayDeque<>());
    synchronized (ring) {
      ring.addFirst(record);
      while (ring.size() > PER_FUNCTION) {
        ring.removeLast();
      }
    }
  }

  /** The records of {@code function}, newest first. */
  public List<Record> of(String function) {
    Deque<Record> ring = byFunction.get(function);
    if (ring == null) {
      return List.of();
    }
    synchronized (ring) {
      return new ArrayList<>(ring);
    }
  }

  /** Forgets a deleted function. */
  void forget(String function) {
    byFunction.remove(function);
  }
}
