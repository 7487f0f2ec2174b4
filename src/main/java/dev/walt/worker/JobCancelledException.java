package dev.walt.worker;

/** Thrown inside a generation when its job was cancelled; the worker records the job as cancelled. */
public class JobCancelledException extends Exception {

  public JobCancelledException() {
    super("the job was cancelled", null, false, false);
  }
}
