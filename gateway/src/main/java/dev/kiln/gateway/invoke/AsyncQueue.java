package dev.kiln.gateway.invoke;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kiln.common.node.Invocation;
import dev.kiln.gateway.boot.KilnConfig;
import dev.kiln.gateway.problem.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The {@code invocations} table as a queue, through plain JDBC: each statement commits on its own,
 * so an invocation is stored before its 202 is sent. Workers claim rows with {@code FOR UPDATE SKIP
 * LOCKED} under a lease they renew while they run them; a row whose lease ran out (its process
 * died) is claimed again, so every invocation runs at least once.
 */
@ApplicationScoped
public class AsyncQueue {

  /** The request header naming a URL to POST the result to. */
  public static final String CALLBACK_HEADER = "X-Kiln-Callback";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, List<String>>> HEADERS = new TypeReference<>() {};

  private final DataSource db;
  private final int maxAttempts;

  AsyncQueue(DataSource db, KilnConfig config) {
    this.db = db;
    this.maxAttempts = config.async().maxAttempts();
  }

  /** Stores a new invocation as {@code queued}, committed when this returns. */
  public QueuedInvocation enqueue(
      String function, int version, Invocation invocation, String callbackUrl) {
    String callback = checkCallback(callbackUrl);
    UUID id = UUID.fromString(invocation.id());
    String sql =
        "INSERT INTO invocations (id, function, version, method, path, query, headers, body,"
            + " max_attempts, callback_url) VALUES (?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?)"
            + " RETURNING *";
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      s.setObject(1, id);
      s.setString(2, function);
      s.setInt(3, version);
      s.setString(4, invocation.method());
      s.setString(5, invocation.path());
      s.setString(6, invocation.query());
      s.setString(7, json(invocation.headers()));
      s.setBytes(8, invocation.body());
      s.setInt(9, maxAttempts);
      s.setString(10, callback);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return read(rs);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("could not queue the invocation: " + e.getMessage(), e);
    }
  }

  /**
   * Claims up to {@code limit} due invocations for {@code owner}: queued ones whose next attempt is
   * due, and running ones whose lease ran out. Each claim counts as an attempt.
   */
  public List<QueuedInvocation> claim(String owner, int limit, Duration lease) {
    String sql =
        "UPDATE invocations SET status = 'running', lease_owner = ?, lease_until = now() + ?"
            + " * interval '1 millisecond', attempts = attempts + 1, updated_at = now()"
            + " WHERE id IN (SELECT id FROM invocations"
            + " WHERE (status = 'queued' AND next_attempt_at <= now())"
            + " OR (status = 'running' AND lease_until < now())"
            + " ORDER BY created_at LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING *";
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      s.setString(1, owner);
      s.setLong(2, lease.toMillis());
      s.setInt(3, limit);
      List<QueuedInvocation> claimed = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          claimed.add(read(rs));
        }
      }
      return claimed;
    } catch (SQLException e) {
      throw new IllegalStateException("could not claim invocations: " + e.getMessage(), e);
    }
  }

  /** Extends the leases of every invocation {@code owner} runs. */
  public int renew(String owner, Duration lease) {
    return update(
        "UPDATE invocations SET lease_until = now() + ? * interval '1 millisecond'"
            + " WHERE lease_owner = ? AND status = 'running'",
        lease.toMillis(),
        owner);
  }

  /** Records a success; false when {@code owner} no longer holds the invocation. */
  public boolean succeed(
      UUID id, String owner, int status, Map<String, List<String>> headers, byte[] body) {
    return update(
            "UPDATE invocations SET status = 'succeeded', result_status = ?, result_headers ="
                + " ?::jsonb, result_body = ?, error = NULL, lease_owner = NULL, lease_until ="
                + " NULL, updated_at = now(), finished_at = now()"
                + " WHERE id = ? AND lease_owner = ? AND status = 'running'",
            status,
            json(headers),
            body,
            id,
            owner)
        == 1;
  }

  /** Schedules another attempt after {@code backoff}, keeping the error of this one. */
  public boolean retry(UUID id, String owner, String error, Duration backoff) {
    return update(
            "UPDATE invocations SET status = 'queued', error = ?, next_attempt_at = now() + ? *"
                + " interval '1 millisecond', lease_owner = NULL, lease_until = NULL, updated_at ="
                + " now() WHERE id = ? AND lease_owner = ? AND status = 'running'",
            error,
            backoff.toMillis(),
            id,
            owner)
        == 1;
  }

  /**
   * Marks the invocation failed for good, with its last error and (if any) the function's answer.
   */
  public boolean fail(
      UUID id,
      String owner,
      String error,
      Integer status,
      Map<String, List<String>> headers,
      byte[] body) {
    return update(
            "UPDATE invocations SET status = 'failed', error = ?, result_status = ?,"
                + " result_headers = ?::jsonb, result_body = ?, lease_owner = NULL, lease_until ="
                + " NULL, updated_at = now(), finished_at = now()"
                + " WHERE id = ? AND lease_owner = ? AND status = 'running'",
            error,
            status,
            headers == null ? null : json(headers),
            body,
            id,
            owner)
        == 1;
  }

  /** Records how delivering the result to the callback URL went. */
  public void callbackDone(UUID id, String outcome) {
    update(
        "UPDATE invocations SET callback_status = ?, updated_at = now() WHERE id = ?", outcome, id);
  }

  /** One invocation. */
  public Optional<QueuedInvocation> find(UUID id) {
    List<QueuedInvocation> found = select("SELECT * FROM invocations WHERE id = ?", id);
    return found.stream().findFirst();
  }

  /** Invocations, newest first, optionally of one status and function. */
  public List<QueuedInvocation> list(String status, String function, int limit) {
    StringBuilder sql = new StringBuilder("SELECT * FROM invocations WHERE true");
    List<Object> args = new ArrayList<>();
    if (status != null && !status.isBlank()) {
      if (!List.of("queued", "running", "succeeded", "failed").contains(status)) {
        throw ApiException.badRequest(
            "status must be queued, running, succeeded or failed, got '" + status + "'");
      }
      sql.append(" AND status = ?");
      args.add(status);
    }
    if (function != null && !function.isBlank()) {
      sql.append(" AND function = ?");
      args.add(function);
    }
    sql.append(" ORDER BY created_at DESC LIMIT ?");
    args.add(Math.max(1, Math.min(limit, 1000)));
    return select(sql.toString(), args.toArray());
  }

  /** Invocations not finished yet: queued or running. */
  public long pending() {
    try (Connection c = db.getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM invocations WHERE status IN ('queued', 'running')");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException("could not count invocations: " + e.getMessage(), e);
    }
  }

  private List<QueuedInvocation> select(String sql, Object... args) {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      bind(s, args);
      List<QueuedInvocation> out = new ArrayList<>();
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.add(read(rs));
        }
      }
      return out;
    } catch (SQLException e) {
      throw new IllegalStateException("could not read invocations: " + e.getMessage(), e);
    }
  }

  private int update(String sql, Object... args) {
    try (Connection c = db.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      c.setAutoCommit(true);
      bind(s, args);
      return s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException("could not update invocations: " + e.getMessage(), e);
    }
  }

  private static void bind(PreparedStatement s, Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a instanceof byte[] b) {
        s.setBytes(i + 1, b);
      } else if (a == null) {
        s.setObject(i + 1, null);
      } else {
        s.setObject(i + 1, a);
      }
    }
  }

  private static QueuedInvocation read(ResultSet rs) throws SQLException {
    return new QueuedInvocation(
        rs.getObject("id", UUID.class),
        rs.getString("function"),
        (Integer) rs.getObject("version"),
        rs.getString("method"),
        rs.getString("path"),
        rs.getString("query"),
        headers(rs.getString("headers")),
        rs.getBytes("body"),
        rs.getString("status"),
        rs.getInt("attempts"),
        rs.getInt("max_attempts"),
        instant(rs.getTimestamp("next_attempt_at")),
        (Integer) rs.getObject("result_status"),
        headers(rs.getString("result_headers")),
        rs.getBytes("result_body"),
        rs.getString("error"),
        rs.getString("callback_url"),
        rs.getString("callback_status"),
        instant(rs.getTimestamp("created_at")),
        instant(rs.getTimestamp("updated_at")),
        instant(rs.getTimestamp("finished_at")));
  }

  private static Instant instant(Timestamp t) {
    return t == null ? null : t.toInstant();
  }

  private static Map<String, List<String>> headers(String json) {
    if (json == null) {
      return null;
    }
    try {
      return JSON.readValue(json, HEADERS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("invocations: unreadable headers: " + e.getMessage(), e);
    }
  }

  private static String json(Map<String, List<String>> headers) {
    try {
      return JSON.writeValueAsString(headers == null ? Map.of() : headers);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String checkCallback(String url) {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      URI uri = URI.create(url.strip());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not an http(s) URL");
      }
      return uri.toString();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(
          CALLBACK_HEADER + " must be an absolute http or https URL, got '" + url + "'");
    }
  }
}
