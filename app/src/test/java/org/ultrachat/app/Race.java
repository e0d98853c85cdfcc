package org.ultrachat.app;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/** Runs tasks that start together, released by one latch, to force them to race. */
final class Race {
  private Race() {
  }

  /** @return the results of {@code n} tasks, in task order, once all are done */
  static <T> List<T> all(int n, IntFunction<T> task) {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<T>> running = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int index = i;
      // A thread each: the common pool has one worker on a 2-core machine and would run them in turn.
      running.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        return task.apply(index);
      }, runnable -> Thread.ofPlatform().daemon().name("race-" + index).start(runnable)));
    }
    go.countDown();
    List<T> results = new ArrayList<>();
    for (CompletableFuture<T> f : running) {
      try {
        // Bounded: a task that never ends fails the test instead of hanging the suite.
        results.add(f.get(2, TimeUnit.MINUTES));
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Error err) {
          throw err;
        }
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        throw new IllegalStateException(e.getCause());
      } catch (InterruptedException | TimeoutException e) {
        throw new IllegalStateException("a racing task did not finish", e);
      }
    }
    return results;
  }
}
