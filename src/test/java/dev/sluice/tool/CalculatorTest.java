package dev.sluice.tool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sluice.openai.Json;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The calculator tool's values, formatting, precedence, associativity and error messages. */
class CalculatorTest {
  private final CalculatorTool tool = new CalculatorTool();

  private String calc(String expression) throws Exception {
    return tool.call(Json.MAPPER.createObjectNode().put("expression", expression));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2+3*4                | 14",
        "(2+3)*4              | 20",
        "10-4-3               | 3",
        "100/10/5             | 2",
        "2^3^2                | 512",
        "(2^3)^2              | 64",
        "2**3**2              | 512",
        "-2^2                 | -4",
        "(-2)^2               | 4",
        "2^-1                 | 0.5",
        "-3*-2                | 6",
        "--3                  | 3",
        "+5                   | 5",
        "2*-3^2               | -18",
        "7 % 3                | 1",
        "-7 % 3               | -1",
        "7.5 % 2              | 1.5",
        "2+3*4^2/8-1          | 7",
        "0.1+0.2              | 0.3",
        "1/3                  | 0.333333333333333",
        "2/3                  | 0.666666666666667",
        "10/4                 | 2.5",
        "1e3                  | 1000",
        "1.5E-3               | 0.0015",
        "2.5e+2               | 250",
        ".5 + 5.              | 5.5",
        "sqrt(16)             | 4",
        "sqrt(2)              | 1.4142135623731",
        "abs(-4.25)           | 4.25",
        "ln(e)                | 1",
        "log10(1000)          | 3",
        "sin(pi/2)            | 1",
        "cos(0)               | 1",
        "tan(pi/4)            | 1",
        "min(3, 1, 2)         | 1",
        "max(3, -1, 2.5)      | 3",
        "max(7)               | 7",
        "round(2.5)           | 3",
        "round(-2.5)          | -3",
        "round(2.675, 2)      | 2.68",
        "round(1234.5, -2)    | 1200",
        "floor(-2.5)          | -3",
        "ceil(2.1)            | 3",
        "pi                   | 3.14159265358979",
        "PI * 2               | 6.28318530717959",
        "E                    | 2.71828182845905",
        "Sqrt(9)              | 3",
        "2^0.5 * 2^0.5        | 2",
        "max(1, min(4, 2)) + abs(-(3-5)) | 4",
        "2^40                 | 1099511627776",
        "2^64                 | 1.84467440737096E+19",
        "1e-7                 | 1E-7",
        "0.000001             | 0.000001",
        "123456789012345      | 123456789012345",
        "-0                   | 0",
        "1e308 * 1            | 1E+308",
      })
  void evaluates(String expression, String expected) throws Exception {
    assertThat(calc(expression)).isEqualTo(expected);
  }

  @Test
  void skipsWhitespaceOfAnyKind() throws Exception {
    assertThat(calc(" \t3 \n*\r\n 4 ")).isEqualTo("12");
    assertThat(calc("max( 1 ,\t2 )")).isEqualTo("2");
  }

  @Test
  void formatsWithoutNoise() {
    assertThat(MathFunctions.format(14.0)).isEqualTo("14");
    assertThat(MathFunctions.format(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(MathFunctions.format(-0.0)).isEqualTo("0");
    assertThat(MathFunctions.format(1e15)).isEqualTo("1E+15");
    assertThat(MathFunctions.format(99999999999999.0)).isEqualTo("99999999999999");
    assertThat(MathFunctions.format(-1.25e-9)).isEqualTo("-1.25E-9");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "2+                 | expected a number, a constant, a function or '(' but the expression"
            + " ends (at position 3 ",
        "2+*3               | but found '*' (at position 3 ",
        "2 3                | expected an operator (+ - * / % ^) or the end of the expression (at"
            + " position 3 ",
        "(1+2               | expected ')' to close the '(' at position 1 but the expression ends"
            + " (at position 5 ",
        "1+2)               | this ')' has no matching '(' (at position 4 ",
        "max(1,2            | expected ')' to close the function call's '(' at position 4",
        "1/0                | Division by zero (at position 2 ",
        "5 % (2-2)          | Remainder of a division by zero (at position 3 ",
        "foo(2)             | Unknown function 'foo'; the functions are abs, ceil, cos, floor, ln,"
            + " log10, max, min, round, sin, sqrt, tan (at position 1 ",
        "2*x                | Unknown name 'x'; the constants are pi and e (no variables) (at"
            + " position 3 ",
        "sqrt 2             | needs its argument in parentheses",
        "sqrt(-1)           | not a real number (e.g. sqrt(-1), ln(-1) or (-8)^(1/3)) (at position"
            + " 1 ",
        "1 + ln(0)          | infinite or too large (e.g. ln(0) or 10^400) (at position 5 ",
        "10^400             | infinite or too large (e.g. ln(0) or 10^400) (at position 3 ",
        "1e999              | The number 1e999 is too large (at position 1 ",
        "sqrt(1, 2)         | sqrt takes one argument, not 2 (at position 1 ",
        "round(1, 2, 3)     | round takes one or two arguments",
        "round(1, 0.5)      | round's digits must be a whole number",
        "sqrt()             | but found ')' (at position 6 ",
        "1..2               | expected an operator",
        ".                  | expected digits around the '.' (at position 1 ",
        "2e                 | expected an operator (+ - * / % ^) or the end of the expression (at"
            + " position 2 ",
        "2 ^^ 3             | but found '^' (at position 4 ",
      })
  void explainsErrorsWithPositions(String expression, String message) {
    assertThatThrownBy(() -> calc(expression))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining(message.strip());
  }

  @Test
  void emptyExpressionIsAnError() {
    assertThatThrownBy(() -> calc(""))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("but the expression ends (at position 1 ");
    assertThatThrownBy(() -> calc("   "))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("(at position 4 ");
  }

  @Test
  void refusesTooLongInput() throws Exception {
    String ok = "1" + "+1".repeat(499); // 999 characters
    assertThat(calc(ok)).isEqualTo("500");
    assertThat(calc(ok + " ")).isEqualTo("500");
    assertThatThrownBy(() -> calc(ok + "+1"))
        .isInstanceOf(ToolException.class)
        .hasMessage("The expression is 1001 characters long; at most 1000 are accepted.");
  }

  @Test
  void refusesNestingTooDeep() throws Exception {
    int max = Calculator.MAX_DEPTH;
    // Each '(' adds a level, and so does the innermost operand itself.
    assertThat(calc("(".repeat(max - 1) + "1" + ")".repeat(max - 1))).isEqualTo("1");
    assertThatThrownBy(() -> calc("(".repeat(max) + "1" + ")".repeat(max)))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("nested too deeply");
    assertThatThrownBy(() -> calc("-".repeat(500) + "1"))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("nested too deeply");
    assertThatThrownBy(() -> calc("2" + "^2".repeat(400)))
        .isInstanceOf(ToolException.class)
        .hasMessageContaining("nested too deeply");
  }

  @Test
  void checksArguments() {
    assertThatThrownBy(() -> tool.call(Json.MAPPER.createObjectNode()))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "Missing argument \"expression\": a string such as \"2+3*4\", e.g. {\"expression\":"
                + " \"2+3*4\"}.");
    assertThatThrownBy(() -> tool.call(Json.MAPPER.readTree("{\"expression\": 14}")))
        .isInstanceOf(ToolException.class)
        .hasMessage("Argument \"expression\" must be a string such as \"2+3*4\", not a number.");
    assertThatThrownBy(() -> tool.call(Json.MAPPER.readTree("[\"1+1\"]")))
        .isInstanceOf(ToolException.class)
        .hasMessage(
            "The arguments of calculator must be a JSON object such as {\"expression\": ...}, not"
                + " an array.");
    assertThatThrownBy(() -> tool.call(Json.MAPPER.readTree("{\"expression\":\"1\",\"x\":1}")))
        .isInstanceOf(ToolException.class)
        .hasMessage("Unknown argument \"x\"; calculator takes only \"expression\".");
  }

  @Test
  void describesItselfWithAStrictSchema() {
    JsonNode schema = tool.parameters();
    assertThat(tool.name()).isEqualTo("calculator");
    assertThat(schema.get("type").asText()).isEqualTo("object");
    assertThat(schema.at("/properties/expression/type").asText()).isEqualTo("string");
    assertThat(schema.get("required"))
        .containsExactly(Json.MAPPER.getNodeFactory().textNode("expression"));
    assertThat(schema.get("additionalProperties").asBoolean(true)).isFalse();
  }
}
