package dev.sluice.config;

/**
 * A configuration that cannot be used. The message names the file, the field and what is wrong;
 * {@code sluice serve} prints it and exits with code 2.
 */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
