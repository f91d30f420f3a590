package dev.sluice.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * The {@code calculator} tool: evaluates an arithmetic expression, such as {@code 2+3*4}, and
 * returns the number as text ({@code 14}). See {@link Calculator} for the grammar and the number
 * type: doubles, shown with at most 15 significant digits. Stateless and thread-safe.
 */
public final class CalculatorTool implements Tool {
  public static final String NAME = "calculator";

  private static final ObjectNode SCHEMA =
      Args.schema(
          """
          {
            "type": "object",
            "properties": {
              "expression": {
                "type": "string",
                "description": "The expression, e.g. \\"(2.5 + 3) * 4^2 / sqrt(2)\\" or \\"round(100 * 0.07, 2)\\""
              }
            },
            "required": ["expression"],
            "additionalProperties": false
          }
          """);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "Evaluates an arithmetic expression exactly as written and returns the number. "
        + "Operators: + - * / % (remainder) ^ (power, right-associative), parentheses, "
        + "unary minus; "
        + "numbers like 42, 0.5, 1.5e3. Functions: sqrt, abs, ln, log10, sin, cos, tan (radians), "
        + "min, max (any number of arguments), round (x or x, digits), floor, ceil. "
        + "Constants: pi, e. Results have up to 15 significant digits.";
  }

  @Override
  public JsonNode parameters() {
    return SCHEMA.deepCopy(); // callers may not change the shared one
  }

  @Override
  public String call(JsonNode arguments) throws ToolException {
    ObjectNode args = Args.object(arguments, NAME, List.of("expression"));
    String expression = Args.requiredString(args, "expression", "2+3*4");
    return MathFunctions.format(Calculator.evaluate(expression));
  }
}
