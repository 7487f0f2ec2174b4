package dev.walt.webhooks;

/** A webhook URL that walt will not call; the message says why, in words fit for the API client. */
public class InvalidWebhookUrlException extends RuntimeException {

  public InvalidWebhookUrlException(String message) {
    super(message, null, false, false);
  }
}
