package dev.kiln.scheduler.api;

/** The function is not deployed on the scheduler (or was undeployed while a call waited). 404. */
public final class UnknownFunctionException extends SchedulerException {

  /** No deployment of {@code function}. */
  public UnknownFunctionException(String function, String message) {
    super(404, function, message);
  }
}
