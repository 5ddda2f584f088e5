package dev.kiln.node.agent;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body into memory, giving up as soon as it exceeds a limit, so that a node
 * answering with endless bytes cannot exhaust the caller's heap.
 */
final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The answer was larger than the caller accepts. */
  static final class TooLargeException extends IOException {
    TooLargeException(long limit) {
      super("an answer larger than " + limit + " bytes");
    }
  }

  private final long limit;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private final List<ByteBuffer> parts = new ArrayList<>();
  private Flow.Subscription subscription;
  private long size;

  BoundedBody(long limit) {
    this.limit = limit;
  }

  /** A body handler that refuses bodies over {@code limit} bytes. */
  static HttpResponse.BodyHandler<byte[]> handler(long limit) {
    return info -> new BoundedBody(limit);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer item : items) {
      size += item.remaining();
      if (size > limit) {
        parts.clear();
        subscription.cancel();
        result.completeExceptionally(new TooLargeException(limit));
        return;
      }
      parts.add(item);
    }
  }

  @Override
  public void onError(Throwable error) {
    result.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    byte[] body = new byte[(int) size];
    int at = 0;
    for (ByteBuffer part : parts) {
      int n = part.remaining();
      part.get(body, at, n);
      at += n;
    }
    parts.clear();
    result.complete(body);
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return result;
  }
}
