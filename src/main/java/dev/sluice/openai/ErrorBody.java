package dev.sluice.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sluice.error.SluiceException;

/** OpenAI's error object: {@code {"error":{"message","type","param","code"}}}. */
public final class ErrorBody {
  private ErrorBody() {}

  public static byte[] of(SluiceException e) {
    return of(e.getMessage(), e.type(), e.param(), e.code());
  }

  public static byte[] of(String message, String type, String param, String code) {
    ObjectNode root = Json.MAPPER.createObjectNode();
    ObjectNode error = root.putObject("error");
    error.put("message", message);
    error.put("type", type);
    error.put("param", param);
    error.put("code", code);
    try {
      return Json.MAPPER.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // A tree of strings always serialises.
    }
  }
}
